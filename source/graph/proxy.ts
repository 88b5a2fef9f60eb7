/**
 * Proxies from the environment, as most command-line tools read them: HTTPS_PROXY for https URLs,
 * HTTP_PROXY for http URLs, ALL_PROXY for either (lower-case names first), and NO_PROXY for hosts
 * reached directly. The choice is made per request from the URL actually requested, so the demo
 * tenant's sign-in, routed to 127.0.0.1 below MSAL, follows the rules for 127.0.0.1, not for
 * login.microsoftonline.com.
 */
import type {Agent as HttpAgent, ClientRequestArgs} from 'node:http';
import type {Agent as HttpsAgent} from 'node:https';
import type {Duplex} from 'node:stream';
import {HttpProxyAgent, HttpsProxyAgent} from 'hpagent';
import {getProxyForUrl} from 'proxy-from-env';
import {UsageError} from '../errors.js';

/** Matches the transport's connect timeout: the proxy must answer CONNECT within it. */
const proxyConnectTimeoutMs = 10_000;

/**
 * As Node 20's global agent: tunnels are reused (one CONNECT for a run of requests), and dropped
 * after 5 s idle, before proxies and servers close them under us.
 */
const keepAliveOptions = {keepAlive: true, keepAliveMsecs: 1000, scheduling: 'lifo', timeout: 5000} as const;

/** `http://user:password@host:port` → `http://host:port`: a proxy URL can carry a password. */
function displayProxy(proxy: URL): string {
	return `${proxy.protocol}//${proxy.host}`;
}

/** The variable proxy-from-env reads for `scheme` (lower-case first), and its value. */
function proxyVariable(scheme: string, env: NodeJS.ProcessEnv): {name: string; value: string} | undefined {
	for (const name of [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`]) {
		const value = env[name];
		if (value) return {name, value};
	}
	return undefined;
}

function parseProxyUrl(value: string): URL | undefined {
	try {
		// A value without a scheme is an http proxy, as curl reads it.
		return new URL(value.includes('://') ? value : `http://${value}`);
	} catch {
		return undefined;
	}
}

/** Stops at start-up, naming the variable to fix, on a proxy setting that requests could not use. */
export function checkProxyEnvironment(env: NodeJS.ProcessEnv = process.env): void {
	for (const scheme of ['https', 'http', 'all']) {
		const variable = proxyVariable(scheme, env);
		if (!variable) continue;
		const proxy = parseProxyUrl(variable.value);
		if (!proxy?.hostname) throw new UsageError(`${variable.name} is not a proxy URL: set it to http://host:port (or http://user:password@host:port).`);
		if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
			throw new UsageError(`${variable.name} names a ${proxy.protocol.slice(0, -1)} proxy (${displayProxy(proxy)}); only http:// and https:// proxies are supported.`);
		}
	}
}

/** The proxy for a request to `url` under the current environment, or undefined to connect directly. */
export function proxyForUrl(url: URL): URL | undefined {
	const chosen = getProxyForUrl(url);
	if (!chosen) return undefined;
	const scheme = url.protocol.slice(0, -1);
	const raw = proxyVariable(scheme, process.env)?.value ?? proxyVariable('all', process.env)?.value ?? '';
	// proxy-from-env gives a scheme-less value the request's scheme (https://proxy:3128 for Graph), but
	// such proxies speak plain http to the client, as curl assumes.
	return parseProxyUrl(raw.includes('://') ? chosen : raw);
}

/** One line on why the proxy did not give us a connection, with what to do; the original code is kept for retry decisions. */
function explainProxyFailure(error: Error & {code?: string}, proxy: URL, target: string): Error {
	const where = displayProxy(proxy);
	const status = /^Bad response: (\d{3})$/.exec(error.message)?.[1];
	let message: string;
	let code = error.code;
	if (status === '407') {
		message = `The proxy ${where} asks for credentials (HTTP 407): give them in the proxy variable, as http://user:password@host:port`;
		code = 'EPROXY';
	} else if (status) {
		message = `The proxy ${where} refused to connect to ${target} (HTTP ${status}): ask its admin to allow that host, or add it to NO_PROXY if it is reachable directly`;
		code = 'EPROXY';
	} else if (error.message === 'Proxy timeout') {
		message = `The proxy ${where} did not answer within ${proxyConnectTimeoutMs / 1000} s`;
		code = 'ETIMEDOUT';
	} else {
		message = `Could not reach the proxy ${where} (${error.code ?? error.message}): check HTTPS_PROXY, HTTP_PROXY and NO_PROXY`;
	}
	return Object.assign(new Error(message, {cause: error}), {code});
}

type ConnectionCallback = (error: Error | null, socket: Duplex) => void;

function explainingCallback(callback: ConnectionCallback | undefined, proxy: URL, options: ClientRequestArgs): ConnectionCallback {
	return (error, socket) => callback?.(error ? explainProxyFailure(error, proxy, `${options.host}:${options.port}`) : null, socket);
}

/** Tunnels http requests with CONNECT (hpagent does, for both schemes). */
class TunnellingHttpAgent extends HttpProxyAgent {
	constructor(private readonly proxyUrl: URL) {
		super({proxy: proxyUrl, ...keepAliveOptions});
	}

	override createConnection(options: ClientRequestArgs, callback?: ConnectionCallback) {
		return super.createConnection({...options, timeout: proxyConnectTimeoutMs}, explainingCallback(callback, this.proxyUrl, options));
	}
}

/** Tunnels https requests with CONNECT; TLS runs end to end, so NODE_EXTRA_CA_CERTS still applies. */
class TunnellingHttpsAgent extends HttpsProxyAgent {
	constructor(private readonly proxyUrl: URL) {
		super({proxy: proxyUrl, ...keepAliveOptions});
	}

	override createConnection(options: ClientRequestArgs, callback?: ConnectionCallback) {
		return super.createConnection({...options, timeout: proxyConnectTimeoutMs}, explainingCallback(callback, this.proxyUrl, options));
	}
}

/** got's `agent` option for one request: a proxy agent for its scheme, or undefined for Node's default agents. */
export type RequestAgents = {http: HttpAgent | undefined; https: HttpsAgent | undefined};

/** Chooses the agent per request URL; agents are kept per proxy, so their tunnels are reused. */
export class ProxyAgents {
	private readonly agents = new Map<string, HttpAgent>();

	agentsFor(url: URL): RequestAgents {
		const proxy = proxyForUrl(url);
		if (!proxy) return {http: undefined, https: undefined};
		const https = url.protocol === 'https:';
		const key = `${url.protocol} ${proxy.href}`;
		let agent = this.agents.get(key);
		if (!agent) {
			agent = https ? new TunnellingHttpsAgent(proxy) : new TunnellingHttpAgent(proxy);
			this.agents.set(key, agent);
		}
		return https ? {http: undefined, https: agent as HttpsAgent} : {http: agent, https: undefined};
	}
}
