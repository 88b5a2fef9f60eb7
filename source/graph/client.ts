/**
 * One `got` instance for every Graph call: bearer token per attempt, a fresh client-request-id per
 * request, timeouts, retries on throttling, outages and network errors with Retry-After honoured
 * (capped) and announced before the wait, Graph errors turned into typed GraphErrors. A PUT is
 * repeated only when it certainly was not applied (throttled, or never reached the server).
 */
import type {ParseExpressionResult, SchemaStore} from '../edit/store.js';
import {randomUUID} from 'node:crypto';
import got, {type Got, HTTPError, RequestError, type Response} from 'got';
import {supportIds, UserError} from '../errors.js';
import type {ServicePrincipal, SynchronizationJob} from '../schema/types.js';
import {GraphError, pathTemplate} from './errors.js';
import {httpTimeouts} from './transport.js';

export type ApiVersion = 'beta' | 'v1.0';

export type RetryNotice = {attempt: number; waitMs: number; reason: string};

export type GraphClientOptions = {
	/** Graph root without the version, e.g. https://graph.microsoft.com or the demo server's URL. */
	graphUrl: string;
	/** The shared HTTP setup (user agent, request log); plain got when left out. */
	transport?: Got;
	apiVersion: ApiVersion;
	getToken: (options?: {forceRefresh?: boolean}) => Promise<string>;
	/** Told before each retry, so the UI can say why it waits. */
	onRetry?: (notice: RetryNotice) => void;
	userAgent?: string;
	/** Longest Retry-After we wait for before giving up (ms). */
	maxRetryAfterMs?: number;
	/** Milliseconds to wait for a connection, for the response to start, and between two pieces of data (defaults: httpTimeouts()). */
	timeouts?: {connect?: number; response?: number; idle?: number};
};

/** POST …/schema/parseExpression's answer (parseExpressionResponse). */
export type {ParseExpressionResult} from '../edit/store.js';

export type FunctionSchema = {name: string; parameters?: Array<{name: string; required?: boolean; type?: string; allowMultipleOccurrences?: boolean}>};
export type FilterOperatorSchema = {name: string; arity?: string; multivaluedComparisonType?: string; supportedAttributeTypes?: string[]};

type Collection<T> = {value: T[]; '@odata.nextLink'?: string};

const retryStatusCodes = [429, 502, 503, 504];
const retryErrorCodes = ['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN'];
/** Failures that happen before a request reaches the server: a PUT that failed so was not applied. */
const notSentErrorCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH']);
const notSentTimeoutPhases = new Set(['lookup', 'connect', 'secureConnect']);

/** Whether a failed attempt certainly left the server unchanged (so even a PUT may be sent again). */
export function certainlyNotApplied(error: RequestError): boolean {
	// Graph does not process a throttled request.
	if (error.response) return error.response.statusCode === 429;
	if (notSentErrorCodes.has(error.code)) return true;
	return error.code === 'ETIMEDOUT' && notSentTimeoutPhases.has((error as RequestError & {event?: string}).event ?? '');
}

function retryReason(error: RequestError): string {
	const status = error.response?.statusCode;
	if (status === 429) return 'Graph is throttling (HTTP 429)';
	// A success status with an error: the connection broke while the answer was arriving.
	if (status && status < 400) return `the answer was cut off (${error.code})`;
	if (status) return `Graph answered HTTP ${status}`;
	return `network error (${error.code})`;
}

function pathOf(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return url.split('?')[0] ?? url;
	}
}

/** The client-request-id we sent, for answers that do not echo it. */
function sentClientRequestId(error: RequestError): string | undefined {
	const value = error.request?.options.headers['client-request-id'] ?? error.options?.headers['client-request-id'];
	return typeof value === 'string' ? value : undefined;
}

function toGraphError(error: unknown, method: string, url: string): unknown {
	if (error instanceof HTTPError) {
		const response = error.response;
		let body: unknown = response.body;
		if (Buffer.isBuffer(body)) body = body.toString('utf8');
		if (typeof body === 'string') {
			try {
				body = JSON.parse(body);
			} catch {
				// Not JSON (e.g. an HTML error page from a proxy): keep the status only.
			}
		}
		const graph = (body as {error?: {code?: string; message?: string; innerError?: Record<string, string>}} | undefined)?.error;
		const header = (name: string) => {
			const value = response.headers[name];
			return Array.isArray(value) ? value[0] : value;
		};
		const retryAfter = Number(header('retry-after'));
		return new GraphError({
			retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
			status: response.statusCode,
			code: graph?.code,
			message: typeof graph?.message === 'string' ? graph.message : undefined,
			requestId: graph?.innerError?.['request-id'] ?? header('request-id'),
			clientRequestId: graph?.innerError?.['client-request-id'] ?? header('client-request-id') ?? sentClientRequestId(error),
			date: graph?.innerError?.date ?? header('date'),
			method,
			path: pathOf(url),
			tokenRejected: response.statusCode === 401 && tokenRejected(response),
		});
	}
	if (error instanceof RequestError) {
		// A sign-in failure inside the token hook (e.g. a revoked refresh token) is the real cause.
		if (error.cause instanceof UserError) return error.cause;
		if (error.name === 'AbortError' || error.code === 'ERR_ABORTED') return error;
		const reason =
			error.code === 'ETIMEDOUT'
				? 'timed out'
				: error.code === 'ERR_BODY_PARSE_FAILURE'
					? // got's message ends with the URL, query included: keep only the parser's words.
						`answered HTTP ${error.response?.statusCode} with a body that is not valid JSON (${error.message.split('\n')[0]!.replace(/ in "[^"]*"$/, '')})`
					: `${error.code ?? 'network error'}: ${error.message.split('\n')[0]}`;
		// Expected on bad networks, so a UserError: one line, no "Unexpected error". The ids support asks for are
		// shown as on every Graph error: ours always, Graph's when its headers arrived before the failure.
		const header = (name: string) => {
			const value = error.response?.headers[name];
			return Array.isArray(value) ? value[0] : value;
		};
		const ids = supportIds({requestId: header('request-id'), clientRequestId: header('client-request-id') ?? sentClientRequestId(error), date: header('date')});
		return Object.assign(new UserError(`Graph ${method} ${pathTemplate(pathOf(url))} ${reason}. Check the network or proxy and try again.${ids}`), {
			code: error.code,
		});
	}
	return error;
}

/** Retries after 429 (with Retry-After), and after other transient faults (5xx, resets, timeouts). */
const throttledRetries = 8;
const otherRetries = 4;

/** A forced refresh is not repeated sooner than this: once per command, and rarely in a long explorer session. */
const forcedRefreshIntervalMs = 10 * 60_000;

/** Whether a 401 says the token itself is invalid or expired (then a new one may help). */
export function tokenRejected(response: Pick<Response, 'body' | 'headers'>): boolean {
	let body: unknown = response.body;
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			body = undefined;
		}
	}
	const code = (body as {error?: {code?: unknown}} | undefined)?.error?.code;
	if (code === 'InvalidAuthenticationToken') return true;
	const challenge = response.headers['www-authenticate'];
	const text = Array.isArray(challenge) ? challenge.join(', ') : (challenge ?? '');
	// RFC 6750 error="invalid_token"; Entra's descriptions say "expired" for lifetime failures.
	return /error\s*=\s*"?invalid_token/i.test(text) || /expired/i.test(text);
}

export class GraphClient implements SchemaStore {
	private readonly http: Got;
	private readonly root: string;
	private readonly base: string;
	readonly apiVersion: ApiVersion;
	private lastForcedRefresh: number | undefined;
	private refreshing: Promise<unknown> | undefined;

	/** One forced refresh shared by every request that hit the same expired token; later ones reuse the fresh token. */
	private async forceRefreshOnce(getToken: GraphClientOptions['getToken']): Promise<void> {
		if (this.refreshing) {
			await this.refreshing;
			return;
		}
		if (this.lastForcedRefresh !== undefined && Date.now() - this.lastForcedRefresh < forcedRefreshIntervalMs) return;
		this.lastForcedRefresh = Date.now();
		this.refreshing = getToken({forceRefresh: true});
		try {
			await this.refreshing;
		} finally {
			this.refreshing = undefined;
		}
	}

	constructor(options: GraphClientOptions) {
		this.root = options.graphUrl.replace(/\/+$/, '');
		this.apiVersion = options.apiVersion;
		this.base = `${this.root}/${options.apiVersion}`;
		const maxRetryAfter = options.maxRetryAfterMs ?? 120_000;
		const defaults = httpTimeouts();
		this.http = (options.transport ?? got).extend({
			...(options.userAgent ? {headers: {'user-agent': options.userAgent}} : {}),
			timeout: {
				connect: options.timeouts?.connect ?? defaults.connect,
				response: options.timeouts?.response ?? defaults.response,
				// Idle between two pieces of data: a body that stalls after its headers must not hang the command.
				socket: options.timeouts?.idle ?? defaults.idle,
			},
			retry: {
				// Throttling is Graph saying "later", not "broken": keep honouring Retry-After for longer than
				// other faults, so a burst of 429s under bulk work (export --all) does not lose a job.
				limit: throttledRetries,
				methods: ['GET', 'PUT'],
				statusCodes: retryStatusCodes,
				errorCodes: retryErrorCodes,
				maxRetryAfter,
				// Runs before the wait (got's beforeRetry runs after it), so the user learns why it waits.
				calculateDelay: ({attemptCount, error, computedValue}) => {
					if (computedValue === 0 || error.name === 'RetryError') return computedValue;
					if (error.response?.statusCode !== 429 && attemptCount > otherRetries) return 0;
					if (error.options.method === 'PUT' && !certainlyNotApplied(error)) return 0;
					options.onRetry?.({attempt: attemptCount, waitMs: computedValue, reason: retryReason(error)});
					return computedValue;
				},
			},
			hooks: {
				beforeRequest: [
					async (request) => {
						const token = await options.getToken();
						request.headers.authorization = `Bearer ${token}`;
						request.headers['client-request-id'] = randomUUID();
					},
				],
				afterResponse: [
					async (response, retryWithMergedOptions) => {
						// Only a token Graph calls invalid or expired is worth refreshing: the sync backend also answers a
						// missing permission or role with 401 (UnknownError), which a new token does not fix. The hook is
						// dropped for the retried request, so it cannot loop.
						if (response.statusCode === 401 && tokenRejected(response)) {
							await this.forceRefreshOnce(options.getToken);
							return retryWithMergedOptions({});
						}
						return response;
					},
				],
			},
		});
	}

	url(path: string): string {
		return `${this.base}${path}`;
	}

	private async getJson<T>(url: string, signal?: AbortSignal, headers?: Record<string, string>): Promise<T> {
		try {
			return await this.http.get(url, {signal, headers}).json<T>();
		} catch (error) {
			throw toGraphError(error, 'GET', url);
		}
	}

	/** Every page of a collection, following @odata.nextLink as an opaque URL. */
	async getAll<T>(url: string, signal?: AbortSignal, headers?: Record<string, string>): Promise<T[]> {
		const items: T[] = [];
		let next: string | undefined = url;
		while (next) {
			const page: Collection<T> = await this.getJson<Collection<T>>(next, signal, headers);
			items.push(...(page.value ?? []));
			next = page['@odata.nextLink'];
		}
		return items;
	}

	/**
	 * Every service principal matching the query, all pages. $search, ne, not and $orderby are advanced queries
	 * on directory objects: they get ConsistencyLevel: eventual (and $count=true, which ne, not and $orderby need).
	 */
	listServicePrincipals(query: {filter?: string; search?: string; select?: string[]; orderBy?: string; top?: number}, signal?: AbortSignal) {
		const parameters = new URLSearchParams();
		if (query.filter) parameters.set('$filter', query.filter);
		if (query.search) parameters.set('$search', `"displayName:${query.search.replace(/"/g, '')}"`);
		if (query.select) parameters.set('$select', query.select.join(','));
		if (query.orderBy) parameters.set('$orderby', query.orderBy);
		// Outside string literals ('…', quotes doubled), the operators ne and not make an advanced query.
		const filterOperators = (query.filter ?? '').replace(/'(?:[^']|'')*'/g, "''");
		const needsCount = Boolean(query.orderBy) || /\b(ne|not)\b/i.test(filterOperators);
		if (needsCount) parameters.set('$count', 'true');
		parameters.set('$top', String(query.top ?? 999));
		const headers = query.search || needsCount ? {consistencylevel: 'eventual'} : undefined;
		return this.getAll<ServicePrincipal>(this.url(`/servicePrincipals?${parameters.toString()}`), signal, headers);
	}

	getServicePrincipal(id: string, signal?: AbortSignal): Promise<ServicePrincipal> {
		return this.getJson<ServicePrincipal>(this.url(`/servicePrincipals/${encodeURIComponent(id)}`), signal);
	}

	listJobs(servicePrincipalId: string, signal?: AbortSignal): Promise<SynchronizationJob[]> {
		return this.getAll<SynchronizationJob>(this.url(`/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/synchronization/jobs`), signal);
	}

	schemaUrl(servicePrincipalId: string, jobId: string): string {
		return this.url(`/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/synchronization/jobs/${encodeURIComponent(jobId)}/schema`);
	}

	/**
	 * Replaces the whole schema (Graph has no PATCH for it). Repeated only after a 429 or a failure to
	 * connect; otherwise whether a failed PUT was applied is for the caller to find out by reading back.
	 */
	async putSchema(servicePrincipalId: string, jobId: string, body: string, signal?: AbortSignal): Promise<void> {
		const url = this.schemaUrl(servicePrincipalId, jobId);
		try {
			await this.http.put(url, {body, headers: {'content-type': 'application/json'}, signal});
		} catch (error) {
			throw toGraphError(error, 'PUT', url);
		}
	}

	async parseExpression(
		servicePrincipalId: string,
		jobId: string,
		request: {expression: string; testInputObject?: unknown; targetAttributeDefinition?: unknown},
		signal?: AbortSignal,
	): Promise<ParseExpressionResult> {
		const url = `${this.schemaUrl(servicePrincipalId, jobId)}/parseExpression`;
		try {
			return await this.http
				// parseExpression changes nothing, so unlike other POSTs it is safe to send again.
				.post(url, {json: {targetAttributeDefinition: null, testInputObject: null, ...request}, signal, retry: {methods: ['POST']}})
				.json<ParseExpressionResult>();
		} catch (error) {
			throw toGraphError(error, 'POST', url);
		}
	}

	async listFunctions(servicePrincipalId: string, jobId: string, signal?: AbortSignal): Promise<FunctionSchema[]> {
		return this.getAll<FunctionSchema>(`${this.schemaUrl(servicePrincipalId, jobId)}/functions`, signal);
	}

	async listFilterOperators(servicePrincipalId: string, jobId: string, signal?: AbortSignal): Promise<FilterOperatorSchema[]> {
		return this.getAll<FilterOperatorSchema>(`${this.schemaUrl(servicePrincipalId, jobId)}/filterOperators`, signal);
	}

	/** One job with its status (GET …/jobs/{id}). */
	getJob(servicePrincipalId: string, jobId: string, signal?: AbortSignal): Promise<SynchronizationJob> {
		return this.getJson<SynchronizationJob>(this.jobUrl(servicePrincipalId, jobId), signal);
	}

	jobUrl(servicePrincipalId: string, jobId: string): string {
		return this.url(`/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/synchronization/jobs/${encodeURIComponent(jobId)}`);
	}

	/**
	 * A POST that changes something: sent again only after a 429 (Graph does not process a throttled
	 * request), never after a failure that may have been applied.
	 */
	private async postChange<T>(url: string, body: unknown, signal?: AbortSignal, readAnswer = false): Promise<T | undefined> {
		let text: string;
		try {
			const response = await this.http.post(url, {
				...(body === undefined ? {} : {json: body}),
				signal,
				retry: {methods: ['POST'], statusCodes: [429], errorCodes: []},
			});
			text = typeof response.body === 'string' ? response.body : '';
		} catch (error) {
			throw toGraphError(error, 'POST', url);
		}
		// start, pause and restart answer 204: whatever body comes back is not read.
		if (!readAnswer || text === '') return undefined;
		try {
			return JSON.parse(text) as T;
		} catch (error) {
			throw new UserError(
				`Graph POST ${pathTemplate(pathOf(url))} answered HTTP 200 with a body that is not valid JSON (${error instanceof Error ? error.message : String(error)}). Check the network or proxy and try again.`,
			);
		}
	}

	/** POST …/start (no body, 204): resumes a paused job, lifts quarantine. */
	async startJob(servicePrincipalId: string, jobId: string, signal?: AbortSignal): Promise<void> {
		await this.postChange(`${this.jobUrl(servicePrincipalId, jobId)}/start`, undefined, signal);
	}

	/** POST …/pause (no body, 204). */
	async pauseJob(servicePrincipalId: string, jobId: string, signal?: AbortSignal): Promise<void> {
		await this.postChange(`${this.jobUrl(servicePrincipalId, jobId)}/pause`, undefined, signal);
	}

	/** POST …/restart with `{criteria: {resetScope}}` (204). */
	async restartJob(servicePrincipalId: string, jobId: string, resetScope: string, signal?: AbortSignal): Promise<void> {
		await this.postChange(`${this.jobUrl(servicePrincipalId, jobId)}/restart`, {criteria: {resetScope}}, signal);
	}

	/** POST …/provisionOnDemand: HTTP 200 even when the object was skipped or failed; `key` and `value` are JSON strings. */
	async provisionOnDemand(servicePrincipalId: string, jobId: string, body: unknown, signal?: AbortSignal): Promise<{key?: unknown; value?: unknown}> {
		return (await this.postChange<{key?: unknown; value?: unknown}>(`${this.jobUrl(servicePrincipalId, jobId)}/provisionOnDemand`, body, signal, true)) ?? {};
	}

	/** A user's object id from its UPN (GET /users/{upn}?$select=id,userPrincipalName). */
	getUser(idOrUserPrincipalName: string, signal?: AbortSignal): Promise<{id: string; userPrincipalName?: string}> {
		return this.getJson<{id: string; userPrincipalName?: string}>(this.url(`/users/${encodeURIComponent(idOrUserPrincipalName)}?$select=id,userPrincipalName`), signal);
	}

	/** A user's properties (GET /users/{id | upn}?$select=…): the source object of Entra-sourced provisioning jobs. */
	getUserProperties(idOrUserPrincipalName: string, select: readonly string[], signal?: AbortSignal): Promise<Record<string, unknown>> {
		return this.getJson<Record<string, unknown>>(this.url(`/users/${encodeURIComponent(idOrUserPrincipalName)}?$select=${select.map(encodeURIComponent).join(',')}`), signal);
	}

	/** One page of a collection; `next` is @odata.nextLink, followed as an opaque URL. */
	async getPage<T>(url: string, signal?: AbortSignal): Promise<{value: T[]; next?: string}> {
		const page = await this.getJson<Collection<T>>(url, signal);
		return {value: page.value ?? [], next: page['@odata.nextLink']};
	}

	/** The schema's bytes exactly as Graph sent them; `apiVersion` reads it through another version than the client's. */
	async getSchemaBytes(servicePrincipalId: string, jobId: string, signal?: AbortSignal, apiVersion?: ApiVersion): Promise<Buffer> {
		const own = this.schemaUrl(servicePrincipalId, jobId);
		const url = apiVersion && apiVersion !== this.apiVersion ? `${this.root}/${apiVersion}${own.slice(this.base.length)}` : own;
		try {
			return await this.http.get(url, {signal}).buffer();
		} catch (error) {
			throw toGraphError(error, 'GET', url);
		}
	}
}
