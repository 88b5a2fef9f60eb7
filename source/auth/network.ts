/**
 * msal-node's HTTP traffic through our got transport (msal-node's own fetch ignores HTTPS_PROXY on
 * Node 20), and, for the demo tenant, the place where the real sign-in hosts are routed to the local
 * simulator — MSAL refuses http:// authorities, so the rewrite happens below it.
 */
import type {INetworkModule, NetworkRequestOptions, NetworkResponse} from '@azure/msal-node';
import got, {type Got, type Response} from 'got';
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

export function createMsalNetworkModule(options: {transport?: Got; rewrite?: UrlRewrite} = {}): MsalNetworkModule {
	const rewrite = options.rewrite ?? ((url: string) => url);
	// No retries here: MSAL handles STS throttling itself, and must see error bodies (it reads body.error).
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
	return {
		async sendGetRequestAsync<T>(url: string, request?: NetworkRequestOptions, timeout?: number) {
			const response = await sts.get(rewrite(url), {headers: request?.headers, context: context(url), ...(timeout ? {timeout: {request: timeout}} : {})});
			return toNetworkResponse<T>(remember(response));
		},
		async sendPostRequestAsync<T>(url: string, request?: NetworkRequestOptions) {
			const response = await sts.post(rewrite(url), {headers: request?.headers, body: request?.body ?? '', context: context(url)});
			return toNetworkResponse<T>(remember(response));
		},
		lastStsError: () => lastError,
	};
}
