/** Shared helpers for the simulator tests: real HTTP against 127.0.0.1, no mocks. */

import type {Simulator} from '../../source/simulator/index.js';

export const readScopes = ['Synchronization.Read.All', 'Application.Read.All'];
export const writeScopes = ['Synchronization.ReadWrite.All', 'Application.Read.All'];

export type CallOptions = {
	method?: string;
	token?: string | null;
	headers?: Record<string, string>;
	body?: string;
	signal?: AbortSignal;
};

export type CallResult = {status: number; headers: Headers; text: string; json: () => unknown};

/** Calls `path` (relative to the simulator URL, or absolute) and reads the whole body. */
export async function call(simulator: Simulator, path: string, options: CallOptions = {}): Promise<CallResult> {
	const url = path.startsWith('http') ? path : `${simulator.url}${path}`;
	const headers: Record<string, string> = {...options.headers};
	if (options.token) headers.authorization = `Bearer ${options.token}`;
	const response = await fetch(url, {method: options.method ?? 'GET', headers, body: options.body, signal: options.signal});
	const text = await response.text();
	return {status: response.status, headers: response.headers, text, json: () => JSON.parse(text)};
}

export function tokenFor(simulator: Simulator, scopes: string[] = writeScopes): string {
	return simulator.identity.issueAccessToken({scopes});
}

/** POSTs a form to the identity provider. */
export async function postForm(simulator: Simulator, path: string, form: Record<string, string>): Promise<CallResult> {
	return call(simulator, path, {
		method: 'POST',
		headers: {'content-type': 'application/x-www-form-urlencoded;charset=utf-8'},
		body: new URLSearchParams(form).toString(),
	});
}

export type GraphErrorBody = {error: {code: string; message: string; innerError: {date: string; 'request-id': string; 'client-request-id': string}}};

export function graphErrorOf(result: CallResult): GraphErrorBody['error'] {
	return (result.json() as GraphErrorBody).error;
}

export const jobsPath = (servicePrincipalId: string, version = 'beta') => `/${version}/servicePrincipals/${servicePrincipalId}/synchronization/jobs`;
export const schemaPath = (servicePrincipalId: string, jobId: string, version = 'beta') =>
	`${jobsPath(servicePrincipalId, version)}/${encodeURIComponent(jobId)}/schema`;

/** The service principal and job of the app with this display name. */
export function findApp(simulator: Simulator, displayName: string): {servicePrincipalId: string; jobId: string} {
	const servicePrincipal = simulator.tenant.servicePrincipals.find((each) => each.displayName === displayName);
	if (!servicePrincipal) throw new Error(`No app named ${displayName}`);
	const job = simulator.tenant.jobsOf(servicePrincipal.id)[0];
	if (!job) throw new Error(`${displayName} has no job`);
	return {servicePrincipalId: servicePrincipal.id, jobId: job.job.id};
}
