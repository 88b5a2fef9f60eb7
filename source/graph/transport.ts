/**
 * The one HTTP setup that Graph calls and msal-node's sign-in traffic share: our User-Agent,
 * timeouts, the proxy from HTTPS_PROXY / HTTP_PROXY / NO_PROXY, and (with --verbose) the request
 * log. Everything that goes to Microsoft extends this instance, so a network setting made here
 * holds for sign-in and Graph alike.
 */
import got, {type BeforeRequestHook, type Got, type Options, type RequestError, type Response} from 'got';
import {checkProxyEnvironment, ProxyAgents} from './proxy.js';
import type {RequestLog} from './request-log.js';

export type TransportOptions = {
	userAgent?: string;
	requestLog?: RequestLog;
	/** 'environment' (default): HTTPS_PROXY, HTTP_PROXY and NO_PROXY; 'none': always direct (for a simulator in this process). */
	proxy?: 'environment' | 'none';
};

export const defaultUserAgent = 'provisioning-explorer';

/**
 * How long to wait for a connection, for an answer to start, and between two pieces of data once it flows
 * (`idle`: a body that stalls after its headers would otherwise hang forever); for sign-in also for the
 * whole exchange. PROVISIONING_EXPLORER_HTTP_TIMEOUT_MS sets all four to one value: for very slow links, and
 * for tests that must see a request time out without waiting a minute.
 */
export function httpTimeouts(env: NodeJS.ProcessEnv = process.env): {connect: number; response: number; idle: number; signIn: number} {
	const override = Number(env.PROVISIONING_EXPLORER_HTTP_TIMEOUT_MS);
	if (Number.isInteger(override) && override > 0) return {connect: override, response: override, idle: override, signIn: override};
	// idle is not shorter than response: the socket is also idle while Graph works on a PUT before answering.
	return {connect: 10_000, response: 60_000, idle: 60_000, signIn: 30_000};
}

/** Set by callers whose request went somewhere other than its logical URL (demo routing). */
export type TransportContext = {logicalUrl?: string};

function header(response: Response<unknown> | undefined, name: string): string | undefined {
	const value = response?.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function sentClientRequestId(options: Options | undefined): string | undefined {
	const value = options?.headers['client-request-id'];
	return typeof value === 'string' ? value : undefined;
}

function urlsOf(options: Options, actual: string): {url: string; via?: string} {
	const logical = (options.context as TransportContext | undefined)?.logicalUrl;
	return logical && logical !== actual ? {url: logical, via: actual} : {url: actual};
}

export function createTransport(options: TransportOptions = {}): Got {
	const timeouts = httpTimeouts();
	const useProxies = options.proxy !== 'none';
	if (useProxies) checkProxyEnvironment();
	const proxies = useProxies ? new ProxyAgents() : undefined;
	const log = options.requestLog;
	const logFailure = (error: RequestError, retry: number) => {
		if (!log || error.response) return; // responses were logged as they arrived
		const actual = error.options?.url?.toString() ?? '';
		log.record({
			method: error.options?.method ?? 'GET',
			...urlsOf(error.options, actual),
			error: error.code,
			clientRequestId: sentClientRequestId(error.options),
			durationMs: error.timings ? Date.now() - error.timings.start : 0,
			retry,
		});
	};
	const selectProxy: BeforeRequestHook = (request) => {
		// Per attempt, from the URL really requested: after a redirect or the demo's rewrite, that is the one that counts.
		if (proxies && request.url) request.agent = proxies.agentsFor(new URL(request.url));
	};
	return got.extend({
		headers: {'user-agent': options.userAgent ?? defaultUserAgent},
		// got's `socket` timeout is an idle timeout: reset by every byte, so a large schema on a slow link still arrives.
		timeout: {connect: timeouts.connect, response: timeouts.response, socket: timeouts.idle},
		hooks: {
			beforeRequest: proxies ? [selectProxy] : [],
			afterResponse: log
				? [
						(response) => {
							const actual = response.url;
							log.record({
								method: response.request.options.method,
								...urlsOf(response.request.options, actual),
								status: response.statusCode,
								requestId: header(response, 'request-id') ?? header(response, 'x-ms-request-id'),
								clientRequestId: header(response, 'client-request-id') ?? sentClientRequestId(response.request.options),
								date: header(response, 'date'),
								durationMs: Date.now() - response.timings.start,
								retry: response.retryCount,
							});
							return response;
						},
					]
				: [],
			beforeRetry: log ? [(error, retryCount) => logFailure(error, retryCount - 1)] : [],
			beforeError: log
				? [
						(error) => {
							logFailure(error, (error.request as {retryCount?: number} | undefined)?.retryCount ?? 0);
							return error;
						},
					]
				: [],
		},
	});
}
