/**
 * Private temporary folders (the $EDITOR's file) that are removed however the process ends: normally by the
 * caller, and on a signal or process.exit by `removeTemporaryFoldersNow`, which is synchronous because an exit
 * handler cannot wait for a promise.
 */
import {rmSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const open = new Set<string>();

export async function createTemporaryFolder(prefix: string): Promise<string> {
	// mkdtemp makes the folder 0700: only this user can read the schema text in it.
	const directory = await mkdtemp(join(tmpdir(), prefix));
	open.add(directory);
	return directory;
}

export async function removeTemporaryFolder(directory: string): Promise<void> {
	await rm(directory, {recursive: true, force: true});
	open.delete(directory);
}

/** For signal and exit paths: removes every folder still open, now. */
export function removeTemporaryFoldersNow(): void {
	for (const directory of open) {
		try {
			rmSync(directory, {recursive: true, force: true});
		} catch {
			// Best effort while exiting: nothing else can be done about it now.
		}
		open.delete(directory);
	}
}
