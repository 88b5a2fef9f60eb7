import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import type {SynchronizationSchema} from '../../source/schema/types.js';

/** A real cloud sync (AD → Entra) schema export: UTF-8, CRLF, 4-space indent, no final newline. See source/simulator/data/NOTICE.md. */
export const fixturePath = fileURLToPath(new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url));
export const fixtureBytes = readFileSync(fixturePath);
export const fixtureText = fixtureBytes.toString('utf8');
export const parseFixture = (): SynchronizationSchema => JSON.parse(fixtureText) as SynchronizationSchema;
