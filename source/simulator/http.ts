/**
 * The request/response shapes the simulator's handlers share, and helpers for Graph-shaped answers.
 * Handlers return a SimulatorResponse instead of writing to the socket, so the server can add latency
 * or apply a fault (truncate, …) to any answer in one place.
 */

import type {IncomingHttpHeaders} from 'node:http';

export type SimulatorResponse = {
	status: number;
	headers?: Record<string, string>;
	body?: string | Buffer;
};

export type RequestContext = {
	method: string;
	/** Path without the query string, percent-decoding not applied. */
	path: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	body: Buffer;
	requestId: string;
	clientRequestId: string;
	/** e.g. http://127.0.0.1:43121 */
	baseUrl: string;
};

export const jsonContentType = 'application/json; charset=utf-8';

export function header(context: RequestContext, name: string): string | undefined {
	const value = context.headers[name.toLowerCase()];
	return Array.isArray(value) ? value.join(', ') : value;
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): SimulatorResponse {
	return {status, headers: {'content-type': jsonContentType, ...headers}, body: JSON.stringify(value)};
}

export function rawJsonResponse(status: number, text: string, headers: Record<string, string> = {}): SimulatorResponse {
	return {status, headers: {'content-type': jsonContentType, ...headers}, body: text};
}

export const noContent = (): SimulatorResponse => ({status: 204});

/** Graph's innerError date: UTC, seconds precision, no zone designator. */
function graphErrorDate(): string {
	return new Date().toISOString().slice(0, 19);
}

/** `{"error":{"code","message","innerError":{date, request-id, client-request-id}}}` */
export function graphError(
	context: Pick<RequestContext, 'requestId' | 'clientRequestId'>,
	status: number,
	code: string,
	message: string,
	headers: Record<string, string> = {},
): SimulatorResponse {
	return jsonResponse(
		status,
		{
			error: {
				code,
				message,
				innerError: {date: graphErrorDate(), 'request-id': context.requestId, 'client-request-id': context.clientRequestId},
			},
		},
		headers,
	);
}

const defaultErrorCodes: Record<number, [code: string, message: string]> = {
	400: ['BadRequest', 'The request is invalid.'],
	401: ['InvalidAuthenticationToken', 'Access token validation failure.'],
	403: ['Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
	404: ['Request_ResourceNotFound', 'The requested resource does not exist.'],
	409: ['Conflict', 'The request conflicts with the current state of the resource.'],
	412: ['PreconditionFailed', 'The precondition given in the request evaluated to false.'],
	429: ['TooManyRequests', 'Too many requests. Retry after the time given in the Retry-After header.'],
	500: ['InternalServerError', 'An internal server error occurred.'],
	502: ['BadGateway', 'The service received an invalid response from an upstream server.'],
	503: ['ServiceUnavailable', 'The service is temporarily unavailable. Retry after the time given in the Retry-After header.'],
	504: ['GatewayTimeout', 'The upstream service did not answer in time.'],
};

/** A plausible Graph error for an arbitrary status (used by fault rules without a body). */
export function graphErrorForStatus(context: Pick<RequestContext, 'requestId' | 'clientRequestId'>, status: number, headers: Record<string, string> = {}): SimulatorResponse {
	const [code, message] = defaultErrorCodes[status] ?? ['UnknownError', `The service answered with HTTP ${status}.`];
	return graphError(context, status, code, message, headers);
}

const defaultOauthErrors: Record<number, [error: string, aadsts: number, description: string]> = {
	400: ['invalid_request', 900144, 'The request body is not valid.'],
	401: ['invalid_client', 7000215, 'Invalid client secret provided.'],
	403: ['access_denied', 50105, 'Your administrator has configured the application to block users unless they are specifically granted access.'],
	404: ['invalid_tenant', 90002, 'Tenant not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.'],
};

/** A plausible sign-in service (OAuth 2.0) error for an arbitrary status (used by fault rules on the identity routes). */
export function oauthErrorForStatus(context: Pick<RequestContext, 'requestId' | 'clientRequestId'>, status: number, headers: Record<string, string> = {}): SimulatorResponse {
	const [error, code, description] = defaultOauthErrors[status] ?? ['temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.'];
	const timestamp = `${new Date().toISOString().slice(0, 19).replace('T', ' ')}Z`;
	return jsonResponse(
		status,
		{
			error,
			error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${context.requestId}\r\nCorrelation ID: ${context.clientRequestId}\r\nTimestamp: ${timestamp}`,
			error_codes: [code],
			timestamp,
			trace_id: context.requestId,
			correlation_id: context.clientRequestId,
		},
		headers,
	);
}

/** Reads a JSON request body; undefined if it is not valid JSON. */
export function parseJsonBody(context: RequestContext): unknown {
	try {
		return JSON.parse(context.body.toString('utf8'));
	} catch {
		return undefined;
	}
}

/** The media type of the request, lower case, without parameters. */
export function requestMediaType(context: RequestContext): string | undefined {
	return header(context, 'content-type')?.split(';')[0]?.trim().toLowerCase() || undefined;
}
