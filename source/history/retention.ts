/**
 * Retention of backups: keep the newest N of a job, remove older ones with their notes, and say which. The newest
 * backup of a job is never removed (it is the way back from the last write), whatever N says.
 */
import {unlink} from 'node:fs/promises';
import {backupNotePath} from '../edit/backup-notes.js';
import {type BackupEntry, type BackupIdentity, listBackups} from '../edit/backups.js';
import {UsageError} from '../errors.js';

/** Backups kept per job by `history prune` when --keep is not given. */
export const defaultKeep = 30;

export type RetentionPlan = {kept: BackupEntry[]; removed: BackupEntry[]};

export function parseKeep(text: string | undefined): number {
	if (text === undefined) return defaultKeep;
	const keep = Number(text);
	if (!Number.isInteger(keep) || keep < 1 || !/^\d+$/.test(text.trim())) {
		throw new UsageError(`--keep must be a whole number of at least 1 (the newest backup of a job is never removed), not "${text}".`);
	}
	return keep;
}

/** Which backups go: all but the newest `keep` (at least the newest one stays). `backups` may come in any order. */
export function planRetention(backups: readonly BackupEntry[], keep: number): RetentionPlan {
	const newestFirst = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.path.localeCompare(a.path));
	const count = Math.max(1, Math.floor(keep));
	return {kept: newestFirst.slice(0, count), removed: newestFirst.slice(count)};
}

export type RetentionResult = RetentionPlan & {/** Backups that could not be removed, with why. */ failed: Array<{entry: BackupEntry; reason: string}>};

/** Removes what planRetention says (unless dryRun), each backup with its note. */
export async function applyRetention(
	options: BackupIdentity & {jobId: string; directory?: string; keep: number; dryRun?: boolean},
): Promise<RetentionResult> {
	const plan = planRetention(await listBackups({appName: options.appName, templateId: options.templateId, jobId: options.jobId, directory: options.directory}), options.keep);
	const failed: RetentionResult['failed'] = [];
	const removed: BackupEntry[] = [];
	if (options.dryRun) return {...plan, failed};
	for (const entry of plan.removed) {
		try {
			await unlink(entry.path);
			removed.push(entry);
		} catch (error) {
			failed.push({entry, reason: (error as NodeJS.ErrnoException).code ?? String(error)});
			continue;
		}
		await unlink(backupNotePath(entry.path)).catch(() => undefined);
	}
	return {kept: plan.kept, removed, failed};
}
