/**
 * The HTTP server: reads each request, logs it (credentials redacted), applies fault rules and latency,
 * dispatches to the identity provider, the Graph routes or the /_simulator control routes, and writes
 * the answer with Graph's request-id / client-request-id headers.
 */

import {randomUUID} from 'node:crypto';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {type ActiveFault, type FaultInjector, type FaultRuleJson, faultRuleFromJson, faultToJson} from './faults.js';
import {type GraphApiVersion, graphApiVersions, handleGraphRequest} from './graph-routes.js';
import {
	graphError,
	graphErrorForStatus,
	header,
	jsonContentType,
	jsonResponse,
	noContent,
	oauthErrorForStatus,
	parseJsonBody,
	type RequestContext,
	type SimulatorResponse,
} from './http.js';
import {type IdentityProvider, redactFormBody} from './identity.js';
import type {DemoTenant} from './tenant.js';

export type RequestLogEntry = {
	method: string;
	/** Path without the query string. */
	path: string;
	/** Query parameters (the last value wins for repeated names). */
	query: Record<string, string>;
	/** 0 while in flight, and for requests that never got an answer (hang, reset). */
	status: number;
	requestId: string;
	clientRequestId: string;
	/** Lower-case names; Authorization is always "Bearer <redacted>". */
	headers: Record<string, string>;
	/** PUT/POST bodies, form credentials redacted, cut at the log's body limit. */
	body?: string;
	/** The fault rule that affected the request, if any. */
	faultId?: string;
	/** Epoch milliseconds. */
	receivedAt: number;
};

export type SimulatorServerOptions = {
	port: number;
	tenant: DemoTenant;
	identity: IdentityProvider;
	faults: FaultInjector;
	requests: RequestLogEntry[];
	latencyMs: number;
	requestLogBodyLimit: number;
};

const maximumRequestBytes = 512 * 1024 * 1024;
const redactedHeaders = new Set(['authorization', 'proxy-authorization']);

export class SimulatorServer {
	private readonly server: Server;
	private baseUrl = '';
	/** Responses parked by 'hang' faults and pending delays, released on close(). */
	private readonly parked = new Set<ServerResponse>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private closing = false;

	constructor(private readonly options: SimulatorServerOptions) {
		this.server = createServer((request, response) => {
			this.handle(request, response).catch((error: unknown) => {
				if (!response.headersSent && !response.destroyed) {
					const context = {requestId: randomUUID(), clientRequestId: randomUUID()};
					this.write(response, graphError(context, 500, 'InternalServerError', error instanceof Error ? error.message : String(error)), context);
				} else {
					response.destroy();
				}
			});
		});
		// Clients keep connections alive between requests; don't let idle sockets delay shutdown.
		this.server.keepAliveTimeout = 5_000;
	}

	get url(): string {
		return this.baseUrl;
	}

	async listen(): Promise<string> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port, '127.0.0.1', () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		const address = this.server.address() as AddressInfo;
		this.baseUrl = `http://127.0.0.1:${address.port}`;
		return this.baseUrl;
	}

	async close(): Promise<void> {
		this.closing = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const response of this.parked) response.destroy();
		this.parked.clear();
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections();
		await closed;
	}

	private sleep(milliseconds: number, response: ServerResponse): Promise<boolean> {
		if (milliseconds <= 0) return Promise.resolve(true);
		this.parked.add(response);
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				this.parked.delete(response);
				resolve(!this.closing && !response.destroyed);
			}, milliseconds);
			this.timers.add(timer);
			response.once('close', () => {
				if (!this.timers.has(timer)) return;
				clearTimeout(timer);
				this.timers.delete(timer);
				this.parked.delete(response);
				resolve(false);
			});
		});
	}

	private async readBody(request: IncomingMessage): Promise<Buffer | undefined> {
		const chunks: Buffer[] = [];
		let size = 0;
		for await (const chunk of request) {
			size += (chunk as Buffer).length;
			if (size > maximumRequestBytes) return undefined;
			chunks.push(chunk as Buffer);
		}
		return Buffer.concat(chunks);
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const method = (request.method ?? 'GET').toUpperCase();
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const requestId = randomUUID();
		const headerClientRequestId = firstHeader(request.headers['client-request-id']);
		// MSAL sends its correlation id as a query parameter on the token endpoint.
		const clientRequestId = headerClientRequestId || url.searchParams.get('client-request-id') || randomUUID();
		const body = await this.readBody(request);
		const context: RequestContext = {
			method,
			path: url.pathname,
			query: url.searchParams,
			headers: request.headers,
			body: body ?? Buffer.alloc(0),
			requestId,
			clientRequestId,
			baseUrl: this.baseUrl,
		};

		if (url.pathname.startsWith('/_simulator/')) {
			this.write(response, this.control(context), context);
			return;
		}

		const entry = this.logRequest(context);
		const done = (answer: SimulatorResponse, fault?: ActiveFault) => {
			entry.status = answer.status;
			this.write(response, answer, context, fault?.drop === 'truncate' || fault?.drop === 'stall' ? fault.drop : undefined);
		};
		if (body === undefined) {
			done(graphError(context, 413, 'RequestEntityTooLarge', 'The request body is too large.'));
			return;
		}

		const fault = this.options.faults.take(method, url.pathname);
		if (fault) {
			entry.faultId = fault.id;
			if (fault.delayMs && !(await this.sleep(fault.delayMs, response))) return;
			if (!fault.afterHandling && (await this.answerWithFault(context, response, fault, done))) return;
		}

		const answer = this.route(context);
		if (fault?.afterHandling && (await this.answerWithFault(context, response, fault, done))) return;
		if (!(await this.sleep(this.options.latencyMs, response))) return;
		done(answer, fault);
	}

	/** Applies a rule's reset, hang, status or body; false when the rule leaves the answer to the route. */
	private async answerWithFault(
		context: RequestContext,
		response: ServerResponse,
		fault: ActiveFault,
		done: (answer: SimulatorResponse, fault?: ActiveFault) => void,
	): Promise<boolean> {
		if (fault.drop === 'reset') {
			response.socket?.resetAndDestroy();
			return true;
		}
		if (fault.drop === 'hang') {
			// Never answer; the socket stays open until the client gives up or the simulator closes.
			this.parked.add(response);
			response.once('close', () => this.parked.delete(response));
			return true;
		}
		if (fault.status === undefined && fault.body === undefined) return false;
		if (await this.sleep(this.options.latencyMs, response)) done(faultResponse(context, fault, this.isIdentityRoute(context)), fault);
		return true;
	}

	private isIdentityRoute(context: RequestContext): boolean {
		try {
			const segments = context.path.split('/').filter((segment) => segment !== '').map((segment) => decodeURIComponent(segment));
			return segments.length > 0 && this.options.identity.handles(segments);
		} catch {
			return false;
		}
	}

	private route(context: RequestContext): SimulatorResponse {
		let segments: string[];
		try {
			segments = context.path.split('/').filter((segment) => segment !== '').map((segment) => decodeURIComponent(segment));
		} catch {
			return graphError(context, 400, 'BadRequest', 'The request URI is not valid: bad percent-encoding.');
		}
		const [first, ...rest] = segments;
		const apiVersion = graphApiVersions.find((version) => version === first);
		if (apiVersion) return handleGraphRequest(context, apiVersion as GraphApiVersion, rest, this.options);
		if (first && this.options.identity.handles(segments)) return this.options.identity.handle(context, segments);
		if (first === undefined) return graphError(context, 404, 'NotFound', 'This is the provisioning-explorer demo tenant. Graph lives under /beta and /v1.0.');
		return graphError(context, 400, 'BadRequest', `Invalid version: ${first}`);
	}

	private logRequest(context: RequestContext): RequestLogEntry {
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(context.headers)) {
			if (value === undefined) continue;
			const text = Array.isArray(value) ? value.join(', ') : value;
			headers[name] = redactedHeaders.has(name) ? redactAuthorization(text) : text;
		}
		const query: Record<string, string> = {};
		for (const [key, value] of context.query) query[key] = value;
		const entry: RequestLogEntry = {
			method: context.method,
			path: context.path,
			query,
			status: 0,
			requestId: context.requestId,
			clientRequestId: context.clientRequestId,
			headers,
			receivedAt: Date.now(),
		};
		if (context.method === 'PUT' || context.method === 'POST' || context.method === 'PATCH') {
			entry.body = this.loggedBody(context);
		}
		this.options.requests.push(entry);
		return entry;
	}

	private loggedBody(context: RequestContext): string {
		const limit = this.options.requestLogBodyLimit;
		const isForm = header(context, 'content-type')?.toLowerCase().startsWith('application/x-www-form-urlencoded') ?? false;
		if (isForm) return redactFormBody(context.body.toString('utf8'));
		if (context.body.length <= limit) return context.body.toString('utf8');
		return `${context.body.subarray(0, limit).toString('utf8')}…[${context.body.length - limit} more bytes not logged]`;
	}

	/** Test-control routes: fault rules, the request log and device-code approval over HTTP. */
	private control(context: RequestContext): SimulatorResponse {
		const {method} = context;
		const route = context.path.replace(/\/+$/, '');
		const json = () => parseJsonBody(context) as Record<string, unknown> | undefined;
		const badRequest = (message: string) => graphError(context, 400, 'BadRequest', message);
		if (route === '/_simulator/faults') {
			if (method === 'GET') return jsonResponse(200, {value: this.options.faults.rules.map(faultToJson)});
			if (method === 'DELETE') {
				this.options.faults.clear();
				return noContent();
			}
			if (method === 'POST') {
				const rule = json();
				if (!rule || typeof rule !== 'object') return badRequest('Send a fault rule as a JSON object.');
				try {
					return jsonResponse(201, {id: this.options.faults.add(faultRuleFromJson(rule as FaultRuleJson))});
				} catch (error) {
					return badRequest(error instanceof Error ? error.message : String(error));
				}
			}
		}
		const faultMatch = /^\/_simulator\/faults\/([^/]+)$/.exec(route);
		if (faultMatch && method === 'DELETE') {
			return this.options.faults.remove(decodeURIComponent(faultMatch[1] as string)) ? noContent() : graphError(context, 404, 'NotFound', 'No such fault rule.');
		}
		if (route === '/_simulator/requests') {
			if (method === 'GET') return jsonResponse(200, {value: this.options.requests});
			if (method === 'DELETE') {
				this.options.requests.length = 0;
				return noContent();
			}
		}
		if ((route === '/_simulator/approve' || route === '/_simulator/decline') && method === 'POST') {
			const userCode = json()?.userCode;
			if (typeof userCode !== 'string') return badRequest('Send {"userCode": "..."}.');
			try {
				if (route.endsWith('approve')) this.options.identity.approveDeviceCode(userCode);
				else this.options.identity.declineDeviceCode(userCode);
				return noContent();
			} catch (error) {
				return graphError(context, 404, 'NotFound', error instanceof Error ? error.message : String(error));
			}
		}
		return graphError(context, 404, 'NotFound', `No simulator control route ${method} ${route}.`);
	}

	private write(response: ServerResponse, answer: SimulatorResponse, ids: {requestId: string; clientRequestId: string}, cut?: 'truncate' | 'stall'): void {
		if (response.destroyed) return;
		const body = answer.body === undefined ? undefined : Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body, 'utf8');
		const headers: Record<string, string> = {
			'request-id': ids.requestId,
			'client-request-id': ids.clientRequestId,
			'x-ms-ags-diagnostic': JSON.stringify({ServerInfo: {DataCenter: 'Demo Tenant', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'SIMULATOR'}}),
			...answer.headers,
		};
		if (body && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = jsonContentType;
		if (cut) {
			// Promise more bytes than are sent, send part, then cut the connection (or go silent, keeping it open).
			const sent = body ? body.subarray(0, Math.floor(body.length / 2)) : Buffer.alloc(0);
			headers['content-length'] = String((body?.length ?? 0) + 64);
			response.writeHead(answer.status, headers);
			if (cut === 'stall') {
				response.write(sent);
				this.parked.add(response);
				response.once('close', () => this.parked.delete(response));
				return;
			}
			response.write(sent, () => response.destroy());
			return;
		}
		// 204 and 304 carry no body and, per RFC 9110, no Content-Length either.
		if (answer.status !== 204 && answer.status !== 304) headers['content-length'] = String(body?.length ?? 0);
		response.writeHead(answer.status, headers);
		response.end(answer.status === 204 || answer.status === 304 ? undefined : body);
	}
}

function firstHeader(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

function redactAuthorization(value: string): string {
	const scheme = /^(\S+)\s/.exec(value)?.[1];
	return scheme && scheme.toLowerCase() === 'bearer' ? 'Bearer <redacted>' : '<redacted>';
}

function faultResponse(context: RequestContext, fault: ActiveFault, identityRoute: boolean): SimulatorResponse {
	const headers: Record<string, string> = {};
	if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
	if (fault.wwwAuthenticate !== undefined) headers['www-authenticate'] = fault.wwwAuthenticate;
	const status = fault.status ?? 200;
	if (fault.body !== undefined) return {status, headers: {'content-type': jsonContentType, ...headers}, body: fault.body};
	// The sign-in service answers errors in OAuth's shape, Graph in its own.
	return identityRoute ? oauthErrorForStatus(context, status, headers) : graphErrorForStatus(context, status, headers);
}
