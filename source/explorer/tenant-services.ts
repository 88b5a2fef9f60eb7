/**
 * ExplorerServices backed by a real (or simulated) tenant: sign-in through an AuthProvider, data
 * through the GraphClient.
 */
import {resolve} from 'node:path';
import type {AuthProvider} from '../auth/types.js';
import {UserError} from '../errors.js';
import {writeFileAtomic} from '../fs/atomic-write.js';
import type {GraphClient, RetryNotice} from '../graph/client.js';
import {GraphError, isMissingAccess} from '../graph/errors.js';
import {parseSchemaText} from '../schema/load.js';
import type {SynchronizationJob} from '../schema/types.js';
import {localFiles} from './local-files.js';
import type {AppSummary, ExplorerServices, SchemaDownload} from './services.js';
import {createTenantOperations} from './tenant-operations.js';

/** How many service principals are asked for their jobs at once: fast, yet gentle on throttling. */
const jobScanConcurrency = 8;

/** Runs `work` over items with at most `limit` in flight, keeping the input order in the result. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index]!, index);
		}
	};
	await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
	return results;
}

/** Jobs of a service principal; an app without provisioning may answer an empty list or 404. */
export async function jobsOrNone(graph: GraphClient, servicePrincipalId: string, signal?: AbortSignal): Promise<SynchronizationJob[]> {
	try {
		return await graph.listJobs(servicePrincipalId, signal);
	} catch (error) {
		if (error instanceof GraphError && error.status === 404) return [];
		throw error;
	}
}

/** Every service principal that has at least one provisioning job (there is no server-side filter for it). */
export async function listAppsWithJobs(
	graph: GraphClient,
	options: {signal?: AbortSignal; search?: string; onProgress?: (done: number, total: number) => void},
): Promise<AppSummary[]> {
	const principals = await graph.listServicePrincipals(
		{select: ['id', 'appId', 'displayName', 'applicationTemplateId'], search: options.search},
		options.signal,
	);
	let done = 0;
	options.onProgress?.(0, principals.length);
	const withJobs = await mapLimited(principals, jobScanConcurrency, async (servicePrincipal): Promise<AppSummary> => {
		try {
			return {servicePrincipal, jobs: await jobsOrNone(graph, servicePrincipal.id, options.signal)};
		} catch (error) {
			// A missing permission or role for one app (401 UnknownError) must not hide the others.
			if (error instanceof GraphError && isMissingAccess(error.details)) return {servicePrincipal, jobs: [], noAccess: error.message};
			throw error;
		} finally {
			options.onProgress?.(++done, principals.length);
		}
	});
	return withJobs
		.filter((app) => app.jobs.length > 0 || app.noAccess !== undefined)
		.sort((a, b) => (a.servicePrincipal.displayName ?? '').localeCompare(b.servicePrincipal.displayName ?? ''));
}

export async function downloadSchema(graph: GraphClient, servicePrincipalId: string, jobId: string, signal?: AbortSignal): Promise<SchemaDownload> {
	const bytes = await graph.getSchemaBytes(servicePrincipalId, jobId, signal);
	const schema = parseSchemaText(bytes.toString('utf8').replace(/^\uFEFF/, ''), 'the schema Graph returned');
	return {bytes, schema};
}

export function createTenantServices(options: {
	label: string;
	auth: AuthProvider;
	graph: GraphClient;
	exportDirectory: string;
	readOnly?: boolean;
	backupDirectory?: string;
	/** --history-dir: a folder (or git tree) of exports for a job's history. */
	historyDirectory?: string;
	/** The connection's retry announcements (Connection.watchRetries). */
	watchRetries?: (listener: (notice: RetryNotice) => void) => () => void;
	/** A client for the provisioning logs, whose tokens carry their permissions (Connection.graphFor); default `graph`. */
	logsGraph?: GraphClient;
}): ExplorerServices {
	const {auth, graph} = options;
	return {
		...localFiles({backupDirectory: options.backupDirectory, historyDirectory: options.historyDirectory}),
		readOnly: Boolean(options.readOnly),
		tenant: createTenantOperations(graph, {
			backupDirectory: options.backupDirectory,
			readOnly: options.readOnly,
			describeAccount: () => auth.describe(),
			logs: options.logsGraph ? {graph: options.logsGraph, consent: auth.consentTo?.bind(auth)} : undefined,
		}),
		source: {kind: 'tenant', label: options.label},
		signIn: (request) => auth.signIn(request),
		async signOut() {
			await auth.signOut();
		},
		describeAccount: () => auth.describe(),
		async recentApps() {
			const account = await auth.describe().catch(() => undefined);
			return account ? (await import('./recent-apps.js')).readRecentApps(account.tenantId) : [];
		},
		async rememberApp(app) {
			const account = await auth.describe().catch(() => undefined);
			if (account) await (await import('./recent-apps.js')).recordRecentApp(account.tenantId, app).catch(() => undefined);
		},
		resolveLocation: async (request, signal) => (await import('./deep-link.js')).resolveDeepLink(graph, request, signal),
		watchRetries: options.watchRetries,
		listApps: ({onProgress, signal}) => listAppsWithJobs(graph, {onProgress, signal}),
		listJobs: (servicePrincipalId, signal) => jobsOrNone(graph, servicePrincipalId, signal),
		getSchema: (servicePrincipalId, jobId, signal) => downloadSchema(graph, servicePrincipalId, jobId, signal),
		openFile: () => Promise.reject(new UserError('No file was given.')),
		exportPath: (fileName) => resolve(options.exportDirectory, fileName),
		async saveExport(bytes, path) {
			await writeFileAtomic(path, bytes);
			return path;
		},
	};
}
