/**
 * msal-node's HTTP traffic through our got transport (msal-node's own fetch ignores HTTPS_PROXY on
 * Node 20), and, for the demo tenant, the place where the real sign-in hosts are routed to the local
 * simulator — MSAL refuses http:// authorities, so the rewrite happens below it.
 */
import {AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse} from '@azure/msal-node';
import got, {type Got, RequestError, type Response} from 'got';
import {httpTimeouts, type TransportContext} from '../graph/transport.js';

export type UrlRewrite = (url: string) => string;

/** The last error the STS sent: MSAL keeps only its `error` string, users need the AADSTS code. */
export type StsErrorInfo = {error?: string; description?: string; codes?: number[]};

export type MsalNetworkModule = INetworkModule & {lastStsError(): StsErrorInfo | undefined};

function toNetworkResponse<T>(response: Response<unknown>): NetworkResponse<T> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(response.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return {status: response.statusCode, headers, body: response.body as T};
}

/** Routes every URL that starts with one of `hosts` (https://host) to `target`, keeping the path. */
export function rewriteHostsTo(target: string, hosts: readonly string[]): UrlRewrite {
	const root = target.replace(/\/+$/, '');
	return (url) => {
		for (const host of hosts) {
			const prefix = `https://${host}`;
			if (url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`)) return root + url.slice(prefix.length);
		}
		return url;
	};
}

/**
 * Throttled or unavailable: sending the request again is safe (at worst a device code that was redeemed after
 * all is refused, and the user signs in again). MSAL gives up on these at once and then refuses to send the
 * same request for a minute, which would cost a device-code user the code they just typed.
 */
const transientStatuses = new Set([429, 500, 502, 503, 504]);
const maxTransientRetries = 2;
/** A longer Retry-After than this is not waited for: the error is reported instead. */
const maxTransientWaitMs = 10_000;

/** Sends, and sends again after a transient answer, waiting as long as Retry-After asks (1 s without one). */
async function withTransientRetries(send: () => Promise<Response<unknown>>): Promise<Response<unknown>> {
	for (let retries = 0; ; retries++) {
		const response = await send();
		if (!transientStatuses.has(response.statusCode) || retries >= maxTransientRetries) return response;
		const header = response.headers['retry-after'];
		const seconds = Number(Array.isArray(header) ? header[0] : header);
		const waitMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
		if (waitMs > maxTransientWaitMs) return response;
		await new Promise((resolve) => setTimeout(resolve, waitMs));
	}
}

export function createMsalNetworkModule(options: {transport?: Got; rewrite?: UrlRewrite} = {}): MsalNetworkModule {
	const rewrite = options.rewrite ?? ((url: string) => url);
	// No got retries: MSAL must see error bodies (it reads body.error); withTransientRetries re-sends what is safe.
	const sts = (options.transport ?? got).extend({
		retry: {limit: 0},
		throwHttpErrors: false,
		responseType: 'json',
		timeout: {request: httpTimeouts().signIn},
	});
	let lastError: StsErrorInfo | undefined;
	const remember = (response: Response<unknown>) => {
		const body = response.body as {error?: unknown; error_description?: unknown; error_codes?: unknown} | undefined;
		if (response.statusCode < 400) lastError = undefined;
		else if (body && typeof body === 'object' && typeof body.error === 'string') {
			// error, description and codes never carry tokens (auth-http.md §6).
			lastError = {
				error: body.error,
				description: typeof body.error_description === 'string' ? body.error_description : undefined,
				codes: Array.isArray(body.error_codes) ? body.error_codes.filter((code): code is number => typeof code === 'number') : undefined,
			};
		}
		return response;
	};
	const context = (url: string): TransportContext => ({logicalUrl: url});
	// MSAL reports any other error from here as "network_error": say what really happened.
	const unreadable = (error: unknown): never => {
		if (error instanceof RequestError && error.code === 'ERR_BODY_PARSE_FAILURE') {
			throw new AuthError(
				'unreadable_response',
				'',
				`the sign-in service answered HTTP ${error.response?.statusCode} with a body that is not JSON (a proxy may be in the way: check HTTPS_PROXY and NO_PROXY)`,
			);
		}
		throw error;
	};
	return {
		async sendGetRequestAsync<T>(url: string, request?: NetworkRequestOptions, timeout?: number) {
			const response = await withTransientRetries(() =>
				sts.get(rewrite(url), {headers: request?.headers, context: context(url), ...(timeout ? {timeout: {request: timeout}} : {})}),
			).catch(unreadable);
			return toNetworkResponse<T>(remember(response));
		},
		async sendPostRequestAsync<T>(url: string, request?: NetworkRequestOptions) {
			const response = await withTransientRetries(() => sts.post(rewrite(url), {headers: request?.headers, body: request?.body ?? '', context: context(url)})).catch(unreadable);
			return toNetworkResponse<T>(remember(response));
		},
		lastStsError: () => lastError,
	};
}
