/**
 * The history of one job's schema: the backups taken before each write (with their notes), and optionally the
 * exports kept in a folder — when that folder is a git working tree, every commit that changed the job's file.
 * Versions are listed newest first and numbered from 1; `live` is the schema in the tenant now. React-free: the
 * `history` command and the explorer share it.
 */
import {open, readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {type BackupNote, type BackupNoteResult, readBackupNote} from '../edit/backup-notes.js';
import {type BackupIdentity, listBackups, scanTopLevelStrings} from '../edit/backups.js';
import {UsageError, UserError} from '../errors.js';
import {decodeSchemaBytes, loadSchemaFile, maxSchemaFileBytes, parseSchemaText, SchemaFileError} from '../schema/load.js';
import type {SynchronizationSchema} from '../schema/types.js';
import {commitsOf, fileAtCommit, GitUnavailableError, gitTopLevel, hasUncommittedChanges} from './git.js';

export type VersionKind = 'backup' | 'commit' | 'file';

export type HistoryVersion = {
	/** `1` is the newest; stable for one listing with the same options. */
	ref: string;
	kind: VersionKind;
	/** When the backup was taken, the commit made, or the file last modified. */
	at: Date;
	/** The backup or export file (for a commit: the file in the working tree whose history it is). */
	path: string;
	/** The schema's `version` when known without reading the whole file. */
	schemaVersion?: string;
	/** Who: the account that wrote after this backup (from its note), or the commit's author. */
	who?: string;
	/** One line: what the write after this backup changed, or the commit message. */
	what: string;
	/** Backups: how the write that followed ended (from the note). */
	result?: BackupNoteResult;
	/** Backups: the tool version that took it (from the note). */
	toolVersion?: string;
	/** Commits: the full hash and the file's path from the repository's top folder at that commit. */
	commit?: string;
	pathInCommit?: string;
	/** Backups: false for backups taken before notes existed. */
	hasNote?: boolean;
};

export type HistoryListing = {versions: HistoryVersion[]; /** Things the user should know, e.g. git missing. */ notices: string[]};

export type HistoryOptions = BackupIdentity & {
	jobId: string;
	backupDirectory?: string;
	/** A folder of exports, e.g. a git working tree of `export --all --normalize` files. */
	historyDirectory?: string;
};

function describeBackup(note: BackupNote | undefined): string {
	if (!note) return 'backup taken before a write (no note: taken by an older version)';
	const operation = note.operation ? `${note.operation}: ` : '';
	return `before ${operation}${note.change}`;
}

/** The backups of the job, as versions (not yet numbered). */
async function backupVersions(options: HistoryOptions): Promise<HistoryVersion[]> {
	const entries = await listBackups({appName: options.appName, templateId: options.templateId, jobId: options.jobId, directory: options.backupDirectory});
	return Promise.all(
		entries.map(async (entry): Promise<HistoryVersion> => {
			const note = await readBackupNote(entry.path);
			return {
				ref: '',
				kind: 'backup',
				at: entry.createdAt,
				path: entry.path,
				...(entry.version !== undefined ? {schemaVersion: entry.version} : {}),
				...(note?.account ? {who: note.account} : {}),
				what: describeBackup(note),
				...(note ? {result: note.result, toolVersion: note.tool?.version} : {}),
				hasNote: Boolean(note),
			};
		}),
	);
}

const headBytes = 256 * 1024;
const maxFilesScanned = 20_000;
const maxDepth = 6;

async function readHead(file: string): Promise<Record<string, string>> {
	const handle = await open(file, 'r').catch(() => undefined);
	if (!handle) return {};
	try {
		const buffer = Buffer.alloc(headBytes);
		const {bytesRead} = await handle.read(buffer, 0, headBytes, 0);
		let text: string;
		try {
			text = decodeSchemaBytes(buffer.subarray(0, bytesRead)).text;
		} catch {
			return {};
		}
		return scanTopLevelStrings(text, ['id', 'version']);
	} finally {
		await handle.close();
	}
}

/** JSON files under `directory` whose schema `id` is the job's id (exports name the job by its id inside). */
async function filesOfJob(directory: string, jobId: string): Promise<Array<{file: string; version?: string}>> {
	const found: Array<{file: string; version?: string}> = [];
	let scanned = 0;
	const walk = async (folder: string, depth: number): Promise<void> => {
		if (depth > maxDepth || scanned > maxFilesScanned) return;
		const entries = await readdir(folder, {withFileTypes: true}).catch(() => []);
		for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
			if (entry.name === '.git' || entry.name === 'node_modules') continue;
			const full = path.join(folder, entry.name);
			// Symbolic links are not followed: a link could lead out of the folder, or round in circles.
			if (entry.isDirectory()) await walk(full, depth + 1);
			else if (entry.isFile() && entry.name.endsWith('.json')) {
				scanned++;
				const head = await readHead(full);
				if (head.id === jobId) found.push({file: full, ...(head.version !== undefined ? {version: head.version} : {})});
			}
		}
	};
	await walk(directory, 0);
	return found;
}

async function folderVersions(options: HistoryOptions & {historyDirectory: string}, notices: string[]): Promise<HistoryVersion[]> {
	const directory = path.resolve(options.historyDirectory);
	const info = await stat(directory).catch(() => undefined);
	if (!info?.isDirectory()) throw new UsageError(`--history-dir ${directory} is not a folder.`);
	const files = await filesOfJob(directory, options.jobId);
	if (files.length === 0) notices.push(`No file in ${directory} holds this job's schema (a schema whose "id" is ${options.jobId}).`);
	let topLevel: string | undefined;
	try {
		topLevel = await gitTopLevel(directory);
	} catch (error) {
		if (!(error instanceof GitUnavailableError)) throw error;
		notices.push(`${error.message}: the files in ${directory} are listed by their modification time, without their git history.`);
	}
	const versions: HistoryVersion[] = [];
	for (const {file, version} of files) {
		const relative = path.relative(directory, file);
		const modified = async (what: string): Promise<HistoryVersion> => ({
			ref: '',
			kind: 'file',
			at: (await stat(file)).mtime,
			path: file,
			...(version !== undefined ? {schemaVersion: version} : {}),
			what,
		});
		if (!topLevel) {
			versions.push(await modified(`export file ${relative}`));
			continue;
		}
		let commits: Awaited<ReturnType<typeof commitsOf>>;
		let uncommitted: boolean;
		try {
			commits = await commitsOf(directory, relative);
			uncommitted = commits.length === 0 || (await hasUncommittedChanges(directory, relative));
		} catch (error) {
			throw new UserError(`git could not list the history of ${file} (${(error as Error).message}).`);
		}
		if (uncommitted) versions.push(await modified(`${relative}, not committed`));
		for (const commit of commits) {
			versions.push({
				ref: '',
				kind: 'commit',
				at: commit.at,
				path: file,
				who: commit.author,
				what: `commit ${commit.sha.slice(0, 10)}: ${commit.subject}`,
				commit: commit.sha,
				...(commit.path ? {pathInCommit: commit.path} : {}),
			});
		}
	}
	return versions;
}

/** Every version known for the job, newest first, numbered from 1. */
export async function listHistory(options: HistoryOptions): Promise<HistoryListing> {
	const notices: string[] = [];
	const versions = [...(await backupVersions(options))];
	if (options.historyDirectory !== undefined) versions.push(...(await folderVersions({...options, historyDirectory: options.historyDirectory}, notices)));
	versions.sort((a, b) => b.at.getTime() - a.at.getTime() || a.path.localeCompare(b.path));
	versions.forEach((version, index) => {
		version.ref = String(index + 1);
	});
	return {versions, notices};
}

/** What a version reference names: the live schema, or one listed version. */
export type VersionSelection = {kind: 'live'} | {kind: 'version'; version: HistoryVersion};

/**
 * `live`, a number as listed, a commit hash (at least 7 hex digits) or a backup's file name or path. Anything else
 * is a usage error that says how to see the choices.
 */
export function selectVersion(listing: HistoryListing, reference: string): VersionSelection {
	const text = reference.trim();
	if (text.toLowerCase() === 'live') return {kind: 'live'};
	const {versions} = listing;
	const hint = versions.length > 0 ? `1 to ${versions.length} as listed by \`history\`, live, a commit hash or a backup file` : 'live (this job has no other version listed)';
	if (/^\d+$/.test(text)) {
		const found = versions[Number(text) - 1];
		if (!found) throw new UsageError(`There is no version ${text}: give ${hint}.`);
		return {kind: 'version', version: found};
	}
	if (/^[\da-f]{7,40}$/i.test(text)) {
		const matches = versions.filter((version) => version.commit?.toLowerCase().startsWith(text.toLowerCase()));
		if (matches.length === 1) return {kind: 'version', version: matches[0]!};
		if (matches.length > 1) throw new UsageError(`The commit hash ${text} is ambiguous here (${matches.length} versions); give more digits.`);
	}
	const byPath = versions.filter((version) => version.kind !== 'commit' && (path.resolve(text) === version.path || path.basename(version.path) === text));
	if (byPath.length === 1) return {kind: 'version', version: byPath[0]!};
	throw new UsageError(`"${text}" names no version of this job: give ${hint}.`);
}

/** The schema of a listed version. */
export async function loadVersion(version: HistoryVersion): Promise<SynchronizationSchema> {
	try {
		if (version.kind === 'commit') {
			if (!version.commit || !version.pathInCommit) throw new UserError(`The file of commit ${version.commit?.slice(0, 10) ?? '?'} could not be found.`);
			const commit = version.commit;
			const bytes = await fileAtCommit(path.dirname(version.path), commit, version.pathInCommit).catch((error: Error) => {
				throw new UserError(`git could not read ${version.pathInCommit} at commit ${commit.slice(0, 10)} (${error.message}).`);
			});
			if (bytes.length > maxSchemaFileBytes) throw new UserError(`The file at commit ${version.commit.slice(0, 10)} is larger than 64 MB; it is not read.`);
			return parseSchemaText(decodeSchemaBytes(bytes).text, `${version.pathInCommit} at commit ${version.commit.slice(0, 10)}`);
		}
		return (await loadSchemaFile(version.path)).schema;
	} catch (error) {
		if (error instanceof SchemaFileError) throw new UserError(`${error.message}.`.replace(/\.\.$/, '.'), {cause: error});
		throw error;
	}
}

/** `version 3 (backup of 2026-12-04 19:00:01 UTC)`: how a version is named in plans and messages. */
export function versionLabel(version: HistoryVersion): string {
	return `version ${version.ref} (${stableVersionLabel(version)})`;
}

/** `backup of 2026-12-04 19:00:01 UTC`: a name that stays true when newer versions are added (for backup notes). */
export function stableVersionLabel(version: HistoryVersion): string {
	const when = `${version.at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
	if (version.kind === 'commit') return `commit ${version.commit?.slice(0, 10)} of ${when}`;
	if (version.kind === 'file') return `${path.basename(version.path)}, modified ${when}`;
	return `backup of ${when}`;
}
