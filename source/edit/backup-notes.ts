/**
 * A small note beside each backup (`<backup name without .schema.json>.note.json`) saying who wrote what, so a
 * job's history reads without opening every multi-megabyte backup. The backup itself stays Graph's bytes exactly
 * (it must import back unchanged), which is why this is a sidecar and not a header.
 *
 * Written atomically with mode 0600 before the PUT (so a killed process still leaves what it meant to do), then
 * replaced once with the outcome. Holds names, ids and the change in words — never a token, code or secret.
 * Backups from before notes existed have none and still list; a note that is unreadable is treated as absent.
 */
import {lstat, open} from 'node:fs/promises';
import path from 'node:path';
import packageJson from '../../package.json' with {type: 'json'};
import {writeFileAtomic} from '../fs/atomic-write.js';
import {checkNotSymbolicLink} from '../fs/private-state.js';
import type {Plan} from './plan.js';

export const backupNoteKind = 'provisioning-explorer backup note';

/** What the write that followed the backup did: `pending` until it finished (or when the process died meanwhile). */
export type BackupNoteResult = 'pending' | 'written' | 'written-with-differences' | 'failed' | 'unknown';

export type BackupNote = {
	kind: typeof backupNoteKind;
	formatVersion: 1;
	/** The backup's file name (the note belongs to it). */
	backup: string;
	takenAt: string;
	tool: {name: string; version: string};
	/** The signed-in user's sign-in name or the app's client id; null when not known (e.g. a library call). */
	account: string | null;
	tenantId: string | null;
	app: {id: string; displayName: string};
	job: {id: string; templateId: string | null};
	/** The `version` of the schema in the backup (the one the write replaced). */
	schemaVersion: string | null;
	/** What the write was, e.g. `import of prod.schema.json`, `explorer edit`. */
	operation: string | null;
	/** What the write changed, in one line. */
	change: string;
	counts: {added: number; changed: number; removed: number};
	result: BackupNoteResult;
	/** The `version` Graph gave the written schema, when it was read back. */
	newVersion?: string | null;
};

/** The note's path for a backup's path. */
export function backupNotePath(backupPath: string): string {
	return `${backupPath.replace(/\.schema\.json$/, '')}.note.json`;
}

/** Whether a file name in a backup folder is a backup (not a note or a temporary file). */
export function isBackupFileName(name: string): boolean {
	return name.endsWith('.schema.json') && !name.startsWith('.');
}

export const toolVersion: string = packageJson.version;

const maxChangeLength = 300;

/**
 * A plan in one line: `2 changed, 1 added: User ← user ~Mail (flowType), ~City (defaultValue), +Pager; scoping of User ← user`.
 * Long lines end with `… (N more)` so the history stays one line per version.
 */
export function summarizePlan(plan: Plan): string {
	if (!plan.hasChanges) return 'no change';
	const {added, changed, removed} = plan.counts;
	const counts = [changed ? `${changed} changed` : '', added ? `${added} added` : '', removed ? `${removed} removed` : ''].filter(Boolean).join(', ');
	// Pieces in order, each with the text that joins it to the one before (a new object mapping starts a new group).
	const pieces: Array<{join: string; text: string}> = [];
	const byObjectMapping = new Map<string, string[]>();
	for (const change of plan.changes) {
		const mark = change.kind === 'added' ? '+' : change.kind === 'removed' ? '-' : '~';
		const fields = change.kind === 'changed' && change.fields.length > 0 ? ` (${change.fields.map((field) => field.field).join(', ')})` : '';
		const list = byObjectMapping.get(change.objectMapping) ?? [];
		list.push(`${mark}${change.target}${fields}`);
		byObjectMapping.set(change.objectMapping, list);
	}
	for (const [objectMapping, list] of byObjectMapping) {
		list.forEach((text, index) => {
			pieces.push(index === 0 ? {join: '; ', text: `${objectMapping} ${text}`} : {join: ', ', text});
		});
	}
	const objectMappingFields = new Map<string, string[]>();
	for (const change of plan.objectMappingChanges) {
		const list = objectMappingFields.get(change.objectMapping) ?? [];
		if (!list.includes(change.field)) list.push(change.field);
		objectMappingFields.set(change.objectMapping, list);
	}
	for (const [objectMapping, fields] of objectMappingFields) pieces.push({join: '; ', text: `${fields.join(', ')} of ${objectMapping}`});
	if (plan.definitionChanges.length > 0) pieces.push({join: '; ', text: `${plan.definitionChanges.length} attribute definition change${plan.definitionChanges.length === 1 ? '' : 's'}`});
	const other = plan.otherChanges.filter((pointer) => !pointer.startsWith('/directories')).length;
	if (other > 0) pieces.push({join: '; ', text: `${other} other change${other === 1 ? '' : 's'}`});
	let line = counts ? `${counts}: ` : '';
	for (let i = 0; i < pieces.length; i++) {
		const join = i === 0 ? '' : pieces[i]!.join;
		if (line.length + join.length + pieces[i]!.text.length > maxChangeLength) {
			line += `${join}… (${pieces.length - i} more)`;
			break;
		}
		line += join + pieces[i]!.text;
	}
	return line.replace(/: $/, '');
}

/** Saves a backup's note (replacing an older one for the same backup) and answers its path. */
export async function saveBackupNote(backupPath: string, note: Omit<BackupNote, 'kind' | 'formatVersion' | 'backup' | 'tool'>): Promise<string> {
	const file = backupNotePath(backupPath);
	// The name is predictable: a link planted there must not send the note somewhere else.
	checkNotSymbolicLink(file);
	const full: BackupNote = {kind: backupNoteKind, formatVersion: 1, backup: path.basename(backupPath), tool: {name: packageJson.name, version: toolVersion}, ...note};
	await writeFileAtomic(file, `${JSON.stringify(full, null, 2)}\n`, {mode: 0o600});
	return file;
}

/** Notes are a few hundred bytes; anything larger is not ours. */
const maxNoteBytes = 64 * 1024;

/** The note of a backup, or undefined when it has none (older backups) or it cannot be read as one. */
export async function readBackupNote(backupPath: string): Promise<BackupNote | undefined> {
	const file = backupNotePath(backupPath);
	// State is never read through a symbolic link (source/fs/private-state.ts): such a note is not ours.
	if ((await lstat(file).catch(() => undefined))?.isSymbolicLink()) return undefined;
	const handle = await open(file, 'r').catch(() => undefined);
	if (!handle) return undefined;
	try {
		const buffer = Buffer.alloc(maxNoteBytes + 1);
		const {bytesRead} = await handle.read(buffer, 0, buffer.length, 0);
		if (bytesRead > maxNoteBytes) return undefined;
		const value = JSON.parse(buffer.subarray(0, bytesRead).toString('utf8')) as Partial<BackupNote>;
		if (value?.kind !== backupNoteKind || typeof value.change !== 'string' || typeof value.takenAt !== 'string') return undefined;
		return value as BackupNote;
	} catch {
		return undefined;
	} finally {
		await handle.close();
	}
}

/** Records how the write ended in the backup's note. Best effort: the write's own outcome is already reported. */
export async function settleBackupNote(backupPath: string, outcome: {result: BackupNoteResult; newVersion?: string | null}): Promise<void> {
	const note = await readBackupNote(backupPath);
	if (!note) return;
	const {kind: _kind, formatVersion: _format, backup: _backup, tool: _tool, ...rest} = note;
	await saveBackupNote(backupPath, {...rest, result: outcome.result, ...(outcome.newVersion !== undefined ? {newVersion: outcome.newVersion} : {})}).catch(() => undefined);
}
