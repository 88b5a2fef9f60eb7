/**
 * The tenant's apps with provisioning jobs, for commands that must keep going when one app cannot
 * be read: each failure is kept and reported, the other apps are still listed.
 */
import {describeError} from '../errors.js';
import type {GraphClient} from '../graph/client.js';
import {GraphError, isMissingAccess} from '../graph/errors.js';
import type {ServicePrincipal} from '../schema/types.js';
import type {AppSummary} from './services.js';
import {jobsOrNone} from './tenant-services.js';

/**
 * Holds back new requests while Graph is throttling. The Graph client already waits out Retry-After
 * for the request that was refused; the gate stops the other workers from adding to the load meanwhile
 * (throttling is per app and tenant, so they would be refused too).
 */
export class ThrottleGate {
	private resumeAt = 0;

	/** Pause new requests for `ms` from now (a longer pause already in force is kept). */
	pauseFor(ms: number): void {
		this.resumeAt = Math.max(this.resumeAt, Date.now() + Math.max(0, ms));
	}

	/** Resolves once no pause is in force. */
	async ready(signal?: AbortSignal): Promise<void> {
		for (let wait = this.resumeAt - Date.now(); wait > 0; wait = this.resumeAt - Date.now()) {
			signal?.throwIfAborted();
			await new Promise((resolve) => setTimeout(resolve, wait));
		}
	}
}

/**
 * Runs `work` over items with at most `limit` in flight, each start waiting for the gate; results keep
 * the input order. A failing `work` rejects the whole run and no further item is started.
 */
export async function mapGated<T, R>(
	items: readonly T[],
	limit: number,
	gate: ThrottleGate | undefined,
	work: (item: T, index: number) => Promise<R>,
	signal?: AbortSignal,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	// Once one item fails, the others in flight finish but no new item starts: the caller has its answer.
	let failed = false;
	const worker = async () => {
		while (next < items.length && !failed) {
			await gate?.ready(signal);
			if (next >= items.length || failed) return;
			const index = next++;
			try {
				results[index] = await work(items[index]!, index);
			} catch (error) {
				failed = true;
				throw error;
			}
		}
	};
	await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
	return results;
}

export type ScanFailure = {servicePrincipal: ServicePrincipal; message: string};

export type TenantScan = {
	apps: AppSummary[];
	/**
	 * Apps whose jobs this account may not read (401 UnknownError: a missing permission or directory role,
	 * e.g. a Hybrid Identity Administrator and a non-cloud-sync app). Listed as "no access", not failures.
	 */
	noAccess: ScanFailure[];
	/** Apps whose jobs could not be listed (after the Graph client's retries). */
	failures: ScanFailure[];
	/** How many service principals were checked. */
	checked: number;
};

/** How many service principals are asked for their jobs at once: fast, yet gentle on throttling. */
export const jobScanConcurrency = 8;

/** Orders apps by display name, then id, so listings and export layouts do not depend on Graph's order. */
export function compareApps(a: ServicePrincipal, b: ServicePrincipal): number {
	const byName = (a.displayName ?? '').localeCompare(b.displayName ?? '', 'en');
	return byName || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Every service principal with at least one provisioning job (Graph has no server-side filter for it). */
export async function scanAppsWithJobs(
	graph: GraphClient,
	options: {search?: string; gate?: ThrottleGate; signal?: AbortSignal; onProgress?: (done: number, total: number) => void} = {},
): Promise<TenantScan> {
	const principals = await graph.listServicePrincipals(
		{select: ['id', 'appId', 'displayName', 'applicationTemplateId'], search: options.search},
		options.signal,
	);
	let done = 0;
	options.onProgress?.(0, principals.length);
	const failures: ScanFailure[] = [];
	const noAccess: ScanFailure[] = [];
	const scanned = await mapGated(
		principals,
		jobScanConcurrency,
		options.gate,
		async (servicePrincipal): Promise<AppSummary | undefined> => {
			try {
				const jobs = await jobsOrNone(graph, servicePrincipal.id, options.signal);
				return jobs.length > 0 ? {servicePrincipal, jobs} : undefined;
			} catch (error) {
				if (options.signal?.aborted) throw error;
				// A token Graph still calls invalid after the one refresh fails every other app too: stop with it.
				if (error instanceof GraphError && error.status === 401 && !isMissingAccess(error.details)) throw error;
				if (error instanceof GraphError && isMissingAccess(error.details)) {
					noAccess.push({servicePrincipal, message: describeError(error)});
					return undefined;
				}
				failures.push({servicePrincipal, message: describeError(error)});
				return undefined;
			} finally {
				options.onProgress?.(++done, principals.length);
			}
		},
		options.signal,
	);
	const apps = scanned.filter((app): app is AppSummary => app !== undefined).sort((a, b) => compareApps(a.servicePrincipal, b.servicePrincipal));
	failures.sort((a, b) => compareApps(a.servicePrincipal, b.servicePrincipal));
	noAccess.sort((a, b) => compareApps(a.servicePrincipal, b.servicePrincipal));
	return {apps, noAccess, failures, checked: principals.length};
}
