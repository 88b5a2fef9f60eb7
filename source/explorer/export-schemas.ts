/**
 * Exporting schemas to files: the bytes written for one export, and `export --all`, which saves every
 * job of every app under stable, readable names, a few downloads at a time, and keeps going when one
 * job fails.
 */
import {lstat, mkdir} from 'node:fs/promises';
import {join} from 'node:path';
import {describeError, UserError} from '../errors.js';
import {writeFileAtomic} from '../fs/atomic-write.js';
import type {GraphClient} from '../graph/client.js';
import {decodeSchemaBytes, parseSchemaText} from '../schema/load.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import type {ServicePrincipal, SynchronizationJob} from '../schema/types.js';
import {type ScanFailure, scanAppsWithJobs, type ThrottleGate, mapGated} from './inventory.js';
import {normalizeJsonText} from './normalize.js';
import type {AppSummary} from './services.js';

/**
 * What an export writes: Graph's bytes unchanged (minus a UTF-8 byte order mark, which exports never
 * carry), or the normalized text. Refuses a body that is not a schema, so a broken download never
 * replaces a good backup.
 */
export function prepareExportBytes(bytes: Uint8Array, options: {normalize: boolean}): Buffer {
	let text: string;
	try {
		text = decodeSchemaBytes(bytes).text;
		parseSchemaText(text, 'the schema Graph returned');
	} catch (error) {
		throw new UserError(`${describeError(error)} (nothing was written; try again)`, {cause: error});
	}
	if (options.normalize) return Buffer.from(normalizeJsonText(text), 'utf8');
	const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	return buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? buffer.subarray(3) : buffer;
}

// ---------------------------------------------------------------------------------------------
// File names

const windowsReservedName = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * A readable file or folder name for `text`: letters (accents dropped), digits, `.`, `_` and `-`; runs of
 * anything else become one `-`; at most `maxLength` characters; no leading dot. Empty when nothing is left.
 */
export function pathSlug(text: string, maxLength = 60): string {
	const slug = text
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.normalize('NFC')
		.replace(/[^\p{L}\p{N}._-]+/gu, '-')
		.replace(/-{2,}/g, '-')
		.replace(/^[-.]+|[-.]+$/g, '');
	const short = Array.from(slug).slice(0, maxLength).join('').replace(/[-.]+$/, '');
	// Windows reads "NUL.txt" as NUL too, so the mark goes right after the reserved stem.
	return windowsReservedName.test(short) ? short.replace(/^(con|prn|aux|nul|com\d|lpt\d)/i, '$1_') : short;
}

export type ExportTarget = {
	servicePrincipal: ServicePrincipal;
	job: SynchronizationJob;
	/** `<app>/<job>.schema.json`, with `/` separators. */
	relativePath: string;
};

/**
 * The form under which the most forgiving file system (case-insensitive and normalisation-insensitive, as macOS
 * and Windows are) treats two names as the same.
 */
export function foldPathName(name: string): string {
	return name.normalize('NFKD').toUpperCase().toLowerCase().normalize('NFKD');
}

/**
 * Names from `namings[0]`; items whose name folds to another's are moved on to their next naming, again and again
 * until no two fold together or the clashing items have no naming left (the caller checks for what remains).
 */
function distinctNames<T>(items: readonly T[], namings: readonly ((item: T) => string)[]): string[] {
	const levels = items.map(() => 0);
	const names = items.map(namings[0]!);
	for (let moved = true; moved; ) {
		moved = false;
		const groups = new Map<string, number[]>();
		for (const [index, name] of names.entries()) groups.set(foldPathName(name), [...(groups.get(foldPathName(name)) ?? []), index]);
		for (const indexes of groups.values()) {
			if (indexes.length < 2) continue;
			for (const index of indexes) {
				if (levels[index]! >= namings.length - 1) continue;
				levels[index]!++;
				names[index] = namings[levels[index]!]!(items[index]!);
				moved = true;
			}
		}
	}
	return names;
}

function appLabel(servicePrincipal: ServicePrincipal): string {
	return `"${clean(servicePrincipal.displayName ?? '')}" (${servicePrincipal.id})`;
}

/** Every path unique as the most forgiving file system sees it, or a failure naming both apps (before anything is written). */
export function assertDistinctPaths(targets: readonly ExportTarget[]): void {
	const seen = new Map<string, ExportTarget>();
	for (const target of targets) {
		const key = foldPathName(target.relativePath);
		const other = seen.get(key);
		if (other) {
			const who = other.servicePrincipal.id === target.servicePrincipal.id ? `two jobs of ${appLabel(target.servicePrincipal)}` : `${appLabel(other.servicePrincipal)} and ${appLabel(target.servicePrincipal)}`;
			throw new UserError(
				`export --all cannot give ${who} different files: both would be saved as ${clean(target.relativePath)} (names that differ only in case or accents are one file on Windows and macOS). Nothing was written; export one of them with export --sp ID --out FILE.`,
			);
		}
		seen.set(key, target);
	}
}

/**
 * Writes `relativePath` under `root` without going through a symbolic link planted there (a folder or the file):
 * such a link could send an export anywhere the user can write.
 */
async function writeUnder(root: string, relativePath: string, bytes: Uint8Array): Promise<string> {
	const parts = relativePath.split('/');
	let current = root;
	for (const [index, part] of parts.entries()) {
		current = join(current, part);
		const info = await lstat(current).catch((error: NodeJS.ErrnoException) => {
			if (error.code === 'ENOENT') return undefined;
			throw error;
		});
		if (info?.isSymbolicLink()) throw new UserError(`${clean(current)} is a symbolic link; export --all never writes through one. Remove it or choose another --out folder.`);
		const last = index === parts.length - 1;
		if (!last && !info) await mkdir(current).catch((error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? undefined : Promise.reject(error)));
		else if (!last && !info!.isDirectory()) throw new UserError(`${clean(current)} is not a folder; nothing was written there.`);
	}
	await writeFileAtomic(current, bytes);
	return current;
}

/**
 * Where each job goes: `<app slug>/<templateId>.schema.json`. Apps whose names give the same folder
 * get `-<first 8 characters of the object id>` (the whole id if that still collides); jobs of one app
 * with the same templateId are named by their job id. The names depend only on the apps and jobs
 * given, never on the order Graph listed them in.
 */
export function planExportLayout(apps: readonly AppSummary[]): ExportTarget[] {
	const appSlug = (app: AppSummary) => pathSlug(app.servicePrincipal.displayName ?? '') || 'app';
	const folders = distinctNames(apps, [
		appSlug,
		(app) => `${appSlug(app)}-${pathSlug(app.servicePrincipal.id).slice(0, 8)}`,
		(app) => `${appSlug(app)}-${pathSlug(app.servicePrincipal.id, Number.POSITIVE_INFINITY)}`,
	]);
	return apps.flatMap((app, index) => {
		const jobs = [...app.jobs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
		const names = distinctNames(jobs, [(job) => pathSlug(job.templateId ?? '') || pathSlug(job.id) || 'job', (job) => pathSlug(job.id, Number.POSITIVE_INFINITY) || 'job']);
		return jobs.map((job, jobIndex) => ({
			servicePrincipal: app.servicePrincipal,
			job,
			relativePath: `${folders[index]}/${names[jobIndex]}.schema.json`,
		}));
	});
}

// ---------------------------------------------------------------------------------------------
// export --all

export type WrittenExport = ExportTarget & {path: string; bytes: number};
export type FailedExport = ExportTarget & {message: string};

export type ExportAllEvent =
	| {kind: 'scan'; done: number; total: number}
	| {kind: 'planned'; total: number}
	| {kind: 'written'; export: WrittenExport; finished: number; total: number}
	| {kind: 'failed'; export: FailedExport; finished: number; total: number};

export type ExportAllResult = {
	directory: string;
	written: WrittenExport[];
	failed: FailedExport[];
	/** Apps whose jobs could not be listed: none of their jobs was exported. */
	unlisted: ScanFailure[];
	/** Apps with provisioning jobs. */
	appCount: number;
};

/** Schema downloads in flight at once: big documents, so fewer than the job scan. */
export const schemaDownloadConcurrency = 4;

export async function exportAllSchemas(
	graph: GraphClient,
	options: {
		directory: string;
		normalize: boolean;
		gate?: ThrottleGate;
		concurrency?: number;
		signal?: AbortSignal;
		onEvent?: (event: ExportAllEvent) => void;
	},
): Promise<ExportAllResult> {
	const {directory, gate, signal} = options;
	const scan = await scanAppsWithJobs(graph, {gate, signal, onProgress: (done, total) => options.onEvent?.({kind: 'scan', done, total})});
	const targets = planExportLayout(scan.apps);
	assertDistinctPaths(targets);
	options.onEvent?.({kind: 'planned', total: targets.length});
	const written: WrittenExport[] = [];
	const failed: FailedExport[] = [];
	let finished = 0;
	await mapGated(
		targets,
		options.concurrency ?? schemaDownloadConcurrency,
		gate,
		async (target) => {
			const path = join(directory, ...target.relativePath.split('/'));
			try {
				const bytes = prepareExportBytes(await graph.getSchemaBytes(target.servicePrincipal.id, target.job.id, signal), options);
				await writeUnder(directory, target.relativePath, bytes);
				const result = {...target, path, bytes: bytes.length};
				written.push(result);
				options.onEvent?.({kind: 'written', export: result, finished: ++finished, total: targets.length});
			} catch (error) {
				if (signal?.aborted) throw error;
				const result = {...target, message: describeError(error)};
				failed.push(result);
				options.onEvent?.({kind: 'failed', export: result, finished: ++finished, total: targets.length});
			}
		},
		signal,
	);
	const byPath = (a: ExportTarget, b: ExportTarget) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0);
	return {directory, written: written.sort(byPath), failed: failed.sort(byPath), unlisted: scan.failures, appCount: scan.apps.length};
}
