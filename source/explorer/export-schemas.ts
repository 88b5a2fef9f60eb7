/**
 * Exporting schemas to files: the bytes written for one export, and `export --all`, which saves every
 * job of every app under stable, readable names, a few downloads at a time, and keeps going when one
 * job fails.
 */
import {mkdir} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {describeError, UserError} from '../errors.js';
import {writeFileAtomic} from '../fs/atomic-write.js';
import type {GraphClient} from '../graph/client.js';
import {decodeSchemaBytes, parseSchemaText} from '../schema/load.js';
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
	return windowsReservedName.test(short) ? `${short}_` : short;
}

export type ExportTarget = {
	servicePrincipal: ServicePrincipal;
	job: SynchronizationJob;
	/** `<app>/<job>.schema.json`, with `/` separators. */
	relativePath: string;
};

/**
 * Names from `namings[0]`; items whose name equals another's (ignoring case, as Windows and macOS do) are
 * named by the next naming, and so on.
 */
function distinctNames<T>(items: readonly T[], namings: readonly ((item: T) => string)[]): string[] {
	let names = items.map(namings[0]!);
	for (const naming of namings.slice(1)) {
		const counts = new Map<string, number>();
		for (const name of names) counts.set(name.toLowerCase(), (counts.get(name.toLowerCase()) ?? 0) + 1);
		names = names.map((name, index) => (counts.get(name.toLowerCase())! > 1 ? naming(items[index]!) : name));
	}
	return names;
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
				await mkdir(dirname(path), {recursive: true});
				await writeFileAtomic(path, bytes);
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
