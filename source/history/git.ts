/**
 * Reading a git working tree of exports (`export --all --normalize` committed on a schedule) with the `git`
 * executable: no shell (arguments are passed as a list, so file names are never interpreted), a time limit and
 * an output limit on every call, and no configuration of the user's that runs programs (no pager, no
 * external diff, no text conversion).
 */
import {execFile} from 'node:child_process';
import {UserError} from '../errors.js';
import {maxSchemaFileBytes} from '../schema/load.js';

const gitTimeoutMs = 15_000;
/** Commits listed per file: a history view, not an archive. */
export const maxCommitsPerFile = 200;

/** `path`: the file's path from the repository's top folder at that commit (renames followed). */
export type GitCommit = {sha: string; at: Date; author: string; subject: string; path?: string};

export class GitUnavailableError extends Error {}

function git(directory: string, args: string[], maxBuffer = 4 * 1024 * 1024): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		execFile(
			'git',
			['-C', directory, '-c', 'core.quotePath=false', '--no-pager', ...args],
			{
				encoding: 'buffer',
				timeout: gitTimeoutMs,
				maxBuffer,
				windowsHide: true,
				// Never a prompt (credentials), never a lock held on the user's repository; messages in English to parse.
				env: {...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C'},
			},
			(error, stdout, stderr) => {
				if (error) {
					const code = (error as NodeJS.ErrnoException).code;
					if (code === 'ENOENT') reject(new GitUnavailableError('git is not installed (or not on PATH)'));
					else reject(Object.assign(new Error(String(stderr).split('\n')[0] || error.message), {exitCode: (error as {code?: unknown}).code}));
					return;
				}
				resolve(stdout);
			},
		);
	});
}

/** The repository's top folder when `directory` is inside a git working tree; undefined when it is not. */
export async function gitTopLevel(directory: string): Promise<string | undefined> {
	try {
		const out = await git(directory, ['rev-parse', '--show-toplevel']);
		return out.toString('utf8').trim() || undefined;
	} catch (error) {
		if (error instanceof GitUnavailableError) throw error;
		const message = (error as Error).message;
		if (/not a git repository/i.test(message)) return undefined;
		// E.g. "detected dubious ownership": a repository git refuses to read must not pass for a plain folder.
		throw new UserError(`git cannot read ${directory} (${message.replace(/^fatal:\s*/, '')}).`);
	}
}

/** The commits that changed `file` (relative to `directory`), newest first, following renames. */
export async function commitsOf(directory: string, file: string): Promise<GitCommit[]> {
	const out = await git(directory, ['log', '--follow', '--name-only', `--max-count=${maxCommitsPerFile}`, '--format=%x1e%H%x1f%ct%x1f%an%x1f%s', '--', file]);
	const commits: GitCommit[] = [];
	for (const record of out.toString('utf8').split('\x1e')) {
		const [header = '', ...names] = record.split('\n');
		const [sha, seconds, author, subject] = header.split('\x1f');
		if (!sha || !seconds) continue;
		const path = names.map((name) => name.trim()).find((name) => name !== '');
		commits.push({sha, at: new Date(Number(seconds) * 1000), author: author ?? '', subject: subject ?? '', ...(path ? {path} : {})});
	}
	return commits;
}

/** Whether `file` has changes not committed yet (or is not tracked at all). */
export async function hasUncommittedChanges(directory: string, file: string): Promise<boolean> {
	const out = await git(directory, ['status', '--porcelain', '--', file]);
	return out.toString('utf8').trim() !== '';
}

/** The bytes of a file at a commit; `pathFromTop` is relative to the repository's top folder. */
export function fileAtCommit(directory: string, sha: string, pathFromTop: string): Promise<Buffer> {
	return git(directory, ['show', '--no-textconv', `${sha}:${pathFromTop}`], maxSchemaFileBytes + 1);
}
