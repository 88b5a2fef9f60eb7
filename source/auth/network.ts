/**
 * msal-node's HTTP traffic through got (msal-node's own fetch ignores HTTPS_PROXY on Node 20), and,
 * for the demo tenant, the place where the real login.microsoftonline.com authority is routed to the
 * local simulator — MSAL refuses http:// authorities, so the rewrite happens below it.
 */
import type {INetworkModule, NetworkRequestOptions, NetworkResponse} from '@azure/msal-node';
import got, {type Response} from 'got';

export type UrlRewrite = (url: string) => string;

function toNetworkResponse<T>(response: Response<unknown>): NetworkResponse<T> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(response.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return {status: response.statusCode, headers, body: response.body as T};
}

export function createMsalNetworkModule(options: {rewrite?: UrlRewrite; userAgent?: string} = {}): INetworkModule {
	const rewrite = options.rewrite ?? ((url: string) => url);
	// No retries here: MSAL handles STS throttling itself, and must see error bodies (it reads body.error).
	const sts = got.extend({
		retry: {limit: 0},
		throwHttpErrors: false,
		responseType: 'json',
		timeout: {connect: 10_000, request: 30_000},
		headers: {'user-agent': options.userAgent ?? 'provisioning-explorer'},
	});
	return {
		async sendGetRequestAsync<T>(url: string, request?: NetworkRequestOptions, timeout?: number) {
			const response = await sts.get(rewrite(url), {headers: request?.headers, ...(timeout ? {timeout: {request: timeout}} : {})});
			return toNetworkResponse<T>(response);
		},
		async sendPostRequestAsync<T>(url: string, request?: NetworkRequestOptions) {
			const response = await sts.post(rewrite(url), {headers: request?.headers, body: request?.body ?? ''});
			return toNetworkResponse<T>(response);
		},
	};
}
