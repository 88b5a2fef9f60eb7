/**
 * Every test file gets a state folder of its own (sign-ins, backups, recent apps), never the developer's; and each
 * test starts with no recent apps, so the app list's order does not depend on what an earlier test opened.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeEach} from 'vitest';

const directory = mkdtempSync(join(tmpdir(), 'pvx-test-state-'));
process.env.PROVISIONING_EXPLORER_STATE_DIR = directory;

beforeEach(() => {
	rmSync(join(directory, 'recent-apps'), {recursive: true, force: true});
});

afterAll(() => {
	rmSync(directory, {recursive: true, force: true});
});
