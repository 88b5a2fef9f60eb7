/**
 * Backups of the live schema, taken before every write: the bytes exactly as Graph returned them (no tokens,
 * no re-serialization), one file each, written atomically with mode 0600 in a 0700 directory.
 *
 * Name: `<app>.<templateId or job id>.<UTC time>.<version hash>.schema.json`, e.g.
 * `contoso-com.ad2aadprovisioning.2025-06-02T08-00-00-123Z.5f2c9a1e.schema.json`. Parts are slugs (lower case,
 * [a-z0-9-]), so the dots only separate parts; the hash is the first 8 hex digits of SHA-256 of the `version`.
 */
import {createHash} from 'node:crypto';
import {open, readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {writeFileAtomic} from '../fs/atomic-write.js';
import {preparePrivateDirectory} from '../fs/private-state.js';
import {backupDirectory} from '../paths.js';

export type BackupIdentity = {appName: string; templateId?: string; jobId?: string};

export type BackupEntry = {path: string; createdAt: Date; version?: string; /** The schema's `id` (its job id), when readable. */ schemaId?: string};

export function slugify(text: string, maxLength = 48): string {
	const slug = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, maxLength)
		.replace(/-+$/, '');
	return slug || 'app';
}

function backupPrefix(identity: BackupIdentity): string {
	return `${slugify(identity.appName)}.${slugify(identity.templateId ?? identity.jobId ?? 'job', 128)}.`;
}

/** `2025-06-02T08-00-00-123Z`: sortable, and free of ':' (Windows) and '.' (our separator). */
function timestamp(date: Date): string {
	return date.toISOString().replace(/:/g, '-').replace('.', '-');
}

function parseTimestamp(text: string): Date | undefined {
	const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/.exec(text);
	if (!match) return undefined;
	const date = new Date(`${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z`);
	return Number.isNaN(date.getTime()) ? undefined : date;
}

export function versionHash(version: string | null | undefined): string {
	return version ? createHash('sha256').update(version).digest('hex').slice(0, 8) : 'noversion';
}

export function backupFileName(identity: BackupIdentity & {version: string | null | undefined; date: Date}): string {
	return `${backupPrefix(identity)}${timestamp(identity.date)}.${versionHash(identity.version)}.schema.json`;
}

async function exists(file: string): Promise<boolean> {
	return stat(file).then(
		() => true,
		() => false,
	);
}

/** Saves `bytes` as a new backup and returns its path; never overwrites an existing backup. */
export async function saveBackup(
	options: BackupIdentity & {bytes: Uint8Array; version: string | null | undefined; directory?: string; now?: Date},
): Promise<string> {
	const directory = path.resolve(options.directory ?? backupDirectory());
	// mode applies to the directories created here; an existing directory (e.g. --backup-dir .) is left as it is.
	// In the state directory, every folder must be the user's own (no links, no writes by others).
	preparePrivateDirectory(directory);
	let date = options.now ?? new Date();
	let file = path.join(directory, backupFileName({...options, date}));
	// Two writes in the same millisecond: take the next free millisecond.
	while (await exists(file)) {
		date = new Date(date.getTime() + 1);
		file = path.join(directory, backupFileName({...options, date}));
	}
	await writeFileAtomic(file, options.bytes, {mode: 0o600});
	return file;
}

/** The backups of one job, newest first (for `:restore`). A missing directory means none. */
export async function listBackups(options: BackupIdentity & {directory?: string}): Promise<BackupEntry[]> {
	const directory = path.resolve(options.directory ?? backupDirectory());
	let names: string[];
	try {
		names = await readdir(directory);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw error;
	}
	const prefix = backupPrefix(options);
	const entries: BackupEntry[] = [];
	for (const name of names) {
		if (!name.startsWith(prefix) || !name.endsWith('.schema.json')) continue;
		const [stamp] = name.slice(prefix.length).split('.');
		const createdAt = stamp ? parseTimestamp(stamp) : undefined;
		if (!createdAt) continue;
		const file = path.join(directory, name);
		const head = await readTopLevelStrings(file, ['version', 'id']);
		// Another app with the same name slug and template: its schema id (the job id) tells them apart.
		if (options.jobId && head.id !== undefined && head.id !== options.jobId) continue;
		entries.push({path: file, createdAt, ...(head.version !== undefined ? {version: head.version} : {}), ...(head.id !== undefined ? {schemaId: head.id} : {})});
	}
	return entries.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.path.localeCompare(a.path));
}

const headBytes = 256 * 1024;

/**
 * Top-level string properties from the start of a JSON file, without reading or parsing all of it (backups can
 * be 20 MB; Graph writes `id` and `version` first).
 */
async function readTopLevelStrings(file: string, keys: string[]): Promise<Record<string, string>> {
	const handle = await open(file, 'r').catch(() => undefined);
	if (!handle) return {};
	try {
		const buffer = Buffer.alloc(headBytes);
		const {bytesRead} = await handle.read(buffer, 0, headBytes, 0);
		return scanTopLevelStrings(new TextDecoder('utf-8', {fatal: false}).decode(buffer.subarray(0, bytesRead)), keys);
	} finally {
		await handle.close();
	}
}

export function scanTopLevelStrings(text: string, keys: string[]): Record<string, string> {
	const wanted = new Set(keys);
	const found: Record<string, string> = {};
	let depth = 0;
	let expectKey = false;
	let pendingKey: string | undefined;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (c === '"') {
			let end = i + 1;
			while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
			if (end >= text.length) break;
			let value: string;
			try {
				value = JSON.parse(text.slice(i, end + 1)) as string;
			} catch {
				value = '';
			}
			if (depth === 1 && expectKey) {
				pendingKey = value;
				expectKey = false;
			} else if (depth === 1 && pendingKey !== undefined) {
				if (wanted.has(pendingKey)) found[pendingKey] = value;
				pendingKey = undefined;
				if (Object.keys(found).length === wanted.size) break;
			}
			i = end;
			continue;
		}
		if (c === '{' || c === '[') {
			depth++;
			if (depth === 1) expectKey = c === '{';
			else pendingKey = depth === 2 ? undefined : pendingKey;
		} else if (c === '}' || c === ']') {
			depth--;
			if (depth === 1) pendingKey = undefined;
		} else if (c === ',' && depth === 1) {
			expectKey = true;
			pendingKey = undefined;
		}
	}
	return found;
}
