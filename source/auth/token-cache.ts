/**
 * msal-node's token cache, persisted to one file in the user's state directory: mode 0600 inside a
 * 0700 folder, replaced atomically, like Azure CLI's and msal-node-extensions' plaintext file
 * (auth-http.md §2.5, §2.6 — the keyring extension cannot even load on a headless Linux host).
 */
import {chmod, mkdir, readFile, stat, unlink} from 'node:fs/promises';
import {dirname} from 'node:path';
import type {ICachePlugin, TokenCacheContext} from '@azure/msal-node';
import {UserError} from '../errors.js';
import {writeFileAtomic} from '../fs/atomic-write.js';
import {checkNotSymbolicLink, checkPrivateDirectory, preparePrivateDirectory} from '../fs/private-state.js';

export const cacheFileMode = 0o600;
export const cacheDirectoryMode = 0o700;

/**
 * `ownsDirectory`: the folder is ours (the state directory), so group/other access to it is closed;
 * a folder the user chose (--token-cache) is only created 0700, never changed.
 */
export function fileCachePlugin(path: string, options: {ownsDirectory?: boolean} = {}): ICachePlugin {
	return {
		async beforeCacheAccess(context: TokenCacheContext) {
			if (options.ownsDirectory) checkPrivateDirectory(dirname(path));
			checkNotSymbolicLink(path);
			let text: string;
			try {
				const info = await stat(path);
				// Someone loosened the mode: tighten it again before reading, as ssh insists for its keys.
				if ((info.mode & 0o077) !== 0) await chmod(path, cacheFileMode);
				text = await readFile(path, 'utf8');
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
				throw new UserError(`Cannot read the token cache ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check its permissions, or delete it and sign in again.`);
			}
			// A damaged cache only costs a sign-in; the next write replaces it. (MSAL keeps the text it is
			// given and parses it again when it writes, so it must only ever see valid JSON.)
			try {
				JSON.parse(text);
			} catch {
				return;
			}
			try {
				context.tokenCache.deserialize(text);
			} catch {
				// Valid JSON that is not a cache: same as above.
			}
		},
		async afterCacheAccess(context: TokenCacheContext) {
			if (!context.cacheHasChanged) return;
			const directory = dirname(path);
			if (options.ownsDirectory) preparePrivateDirectory(directory);
			else await mkdir(directory, {recursive: true, mode: cacheDirectoryMode});
			if (options.ownsDirectory) await tightenDirectory(directory);
			checkNotSymbolicLink(path);
			await writeFileAtomic(path, context.tokenCache.serialize(), {mode: cacheFileMode});
		},
	};
}

/**
 * The state folder may predate us (or have been made by other state, e.g. backups) with group/other
 * access: close it, unless it is a shared sticky folder such as /tmp or belongs to someone else.
 */
async function tightenDirectory(directory: string): Promise<void> {
	const info = await stat(directory);
	const ours = typeof process.getuid !== 'function' || info.uid === process.getuid();
	if (ours && (info.mode & 0o1000) === 0 && (info.mode & 0o077) !== 0) await chmod(directory, cacheDirectoryMode);
}

/** Deletes the cache file (sign-out); a missing file is fine. */
export async function deleteCacheFile(path: string): Promise<boolean> {
	try {
		await unlink(path);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
		throw new UserError(`Cannot delete the token cache ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}). Delete it by hand.`);
	}
}
