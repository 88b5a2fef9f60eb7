/**
 * Finds `source/simulator/data/` at run time. The code runs from source (vitest, tsx) and bundled into
 * dist/cli.js by esbuild, so paths relative to this module's depth would break; instead walk up to the
 * package root (the directory whose package.json is named "provisioning-explorer").
 */

import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const packageName = 'provisioning-explorer';
let cachedRoot: string | undefined;

export function findPackageRoot(startUrl: string = import.meta.url): string {
	if (cachedRoot && startUrl === import.meta.url) return cachedRoot;
	let directory = dirname(fileURLToPath(startUrl));
	for (;;) {
		const manifest = join(directory, 'package.json');
		if (existsSync(manifest)) {
			try {
				const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as {name?: unknown};
				if (parsed.name === packageName) {
					if (startUrl === import.meta.url) cachedRoot = directory;
					return directory;
				}
			} catch {
				// A broken package.json on the way up is not ours; keep looking.
			}
		}
		const parent = dirname(directory);
		if (parent === directory) {
			throw new Error(`Cannot find the ${packageName} package root above ${fileURLToPath(startUrl)}; the demo tenant's data files live in source/simulator/data/.`);
		}
		directory = parent;
	}
}

export function simulatorDataPath(fileName: string): string {
	return join(findPackageRoot(), 'source', 'simulator', 'data', fileName);
}

/** The cloud-sync fixture as text. UTF-8 decoding and re-encoding keeps every byte (CRLF, any BOM). */
export function readCloudSyncFixture(): string {
	return readFileSync(simulatorDataPath('cloud-sync-ad2aad.schema.json'), 'utf8');
}
