/**
 * The state directory holds tokens, backups and logs, so like ssh with ~/.ssh it must be the user's own: not a
 * symbolic link (which could send a token cache or backup anywhere), not writable by group or others (who could
 * plant links or swap files), not owned by someone else. Files in it are never symbolic links either. Each refusal
 * names the path and what to do.
 */
import {lstatSync, mkdirSync, type Stats} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {UserError} from '../errors.js';
import {stateDirectory} from '../paths.js';

function lstatIfPresent(path: string): Stats | undefined {
	try {
		return lstatSync(path);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

function refuse(path: string, why: string, next: string): never {
	throw new UserError(`Refusing to use ${path}: ${why}. ${next}`);
}

/** A directory of ours: a real folder, owned by this user, closed to writes by group and others. Missing is fine. */
export function checkPrivateDirectory(path: string): void {
	const info = lstatIfPresent(path);
	if (!info) return;
	if (info.isSymbolicLink()) refuse(path, 'it is a symbolic link, and state (tokens, backups, logs) is never kept through one', 'Replace it with a real folder (mkdir -m 700).');
	if (!info.isDirectory()) refuse(path, 'it is not a folder', 'Move it away, or set PROVISIONING_EXPLORER_STATE_DIR to another folder.');
	const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
	if (uid !== undefined && info.uid !== uid) refuse(path, `it belongs to user id ${info.uid}, not to you (user id ${uid})`, 'Use a folder of your own (set PROVISIONING_EXPLORER_STATE_DIR).');
	if (process.platform !== 'win32' && (info.mode & 0o022) !== 0) {
		refuse(path, `it is writable by its group or others (mode ${(info.mode & 0o777).toString(8).padStart(3, '0')})`, `Run chmod go-w ${path} (or chmod 700).`);
	}
}

/** A file we write or read as state: never through a symbolic link. Missing is fine. */
export function checkNotSymbolicLink(path: string): void {
	if (lstatIfPresent(path)?.isSymbolicLink()) refuse(path, 'it is a symbolic link, and state (tokens, backups, logs) is never written or read through one', 'Delete the link.');
}

/** Whether `path` is the state directory or inside it. */
export function isInStateDirectory(path: string, env: NodeJS.ProcessEnv = process.env): boolean {
	const root = resolve(stateDirectory(env));
	const target = resolve(path);
	return target === root || target.startsWith(`${root}/`) || target.startsWith(`${root}\\`);
}

/**
 * Creates `directory` (0700) when missing, after checking every folder from the state directory down to it. A
 * folder outside the state directory is one the user chose (--backup-dir, --token-cache): created, left as it is.
 */
export function preparePrivateDirectory(directory: string, env: NodeJS.ProcessEnv = process.env): void {
	const target = resolve(directory);
	if (!isInStateDirectory(target, env)) {
		mkdirSync(target, {recursive: true, mode: 0o700});
		return;
	}
	const root = resolve(stateDirectory(env));
	const chain: string[] = [];
	for (let current = target; ; current = dirname(current)) {
		chain.unshift(current);
		if (current === root || dirname(current) === current) break;
	}
	for (const folder of chain) {
		checkPrivateDirectory(folder);
		mkdirSync(folder, {recursive: true, mode: 0o700});
	}
}
