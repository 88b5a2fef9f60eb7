import {request} from 'node:http';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {call, graphErrorOf, jobsPath, tokenFor} from './helpers.js';

/** A raw request that reports how it ended, to observe resets and truncation precisely. */
function rawGet(url: string, token: string, timeoutMs = 2_000): Promise<{outcome: 'response' | 'error' | 'timeout'; status?: number; headers?: Record<string, unknown>; received: number; error?: string}> {
	return new Promise((resolve) => {
		let received = 0;
		let status: number | undefined;
		let headers: Record<string, unknown> | undefined;
		const outgoing = request(url, {headers: {authorization: `Bearer ${token}`}, agent: false}, (response) => {
			status = response.statusCode;
			headers = response.headers;
			response.on('data', (chunk: Buffer) => {
				received += chunk.length;
			});
			response.on('end', () => resolve({outcome: 'response', status, headers, received}));
			response.on('error', (error) => resolve({outcome: 'error', status, headers, received, error: (error as NodeJS.ErrnoException).code ?? error.message}));
			response.on('aborted', () => resolve({outcome: 'error', status, headers, received, error: 'aborted'}));
		});
		outgoing.setTimeout(timeoutMs, () => {
			outgoing.destroy();
			resolve({outcome: 'timeout', status, headers, received});
		});
		outgoing.on('error', (error) => resolve({outcome: 'error', status, headers, received, error: (error as NodeJS.ErrnoException).code ?? error.message}));
		outgoing.end();
	});
}

describe('fault injection', () => {
	let simulator: Simulator;
	let token: string;
	const jobs = () => jobsPath(cloudSyncServicePrincipalId);

	beforeAll(async () => {
		simulator = await startSimulator();
		token = tokenFor(simulator);
	});
	afterAll(() => simulator.close());
	beforeEach(() => simulator.faults.clear());

	it('answers with a status and Retry-After, for the given number of times', async () => {
		const id = simulator.faults.add({method: 'GET', path: '/synchronization/jobs', status: 429, retryAfter: 2, times: 2});
		expect(id).toMatch(/^fault-\d+$/);
		for (let attempt = 0; attempt < 2; attempt++) {
			const throttled = await call(simulator, jobs(), {token});
			expect(throttled.status).toBe(429);
			expect(throttled.headers.get('retry-after')).toBe('2');
			expect(graphErrorOf(throttled).code).toBe('TooManyRequests');
			expect(throttled.headers.get('request-id')).toBeTruthy();
		}
		expect((await call(simulator, jobs(), {token})).status).toBe(200);
		expect(simulator.faults.rules).toHaveLength(0);
		const logged = simulator.requests.filter((each) => each.faultId === id);
		expect(logged.map((each) => each.status)).toEqual([429, 429]);
	});

	it('supports an HTTP-date Retry-After and 503', async () => {
		simulator.faults.add({path: /\/servicePrincipals$/, status: 503, retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT', times: 1});
		const result = await call(simulator, '/v1.0/servicePrincipals', {token});
		expect(result.status).toBe(503);
		expect(result.headers.get('retry-after')).toBe('Wed, 21 Oct 2026 07:28:00 GMT');
	});

	it('matches only the given method and path', async () => {
		simulator.faults.add({method: 'PUT', path: '/schema', status: 500});
		expect((await call(simulator, jobs(), {token})).status).toBe(200);
		expect((await call(simulator, '/v1.0/servicePrincipals?$top=1', {token})).status).toBe(200);
	});

	it('delays responses', async () => {
		simulator.faults.add({path: '/synchronization/jobs', delayMs: 150, times: 1});
		const started = performance.now();
		const result = await call(simulator, jobs(), {token});
		expect(result.status).toBe(200);
		expect(performance.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('sends a malformed body', async () => {
		simulator.faults.add({path: '/synchronization/jobs', body: '{"value": [{"id": ', times: 1});
		const result = await call(simulator, jobs(), {token});
		expect(result.status).toBe(200);
		expect(result.text).toBe('{"value": [{"id": ');
		expect(() => result.json()).toThrow();
	});

	it('resets the connection', async () => {
		simulator.faults.add({path: '/synchronization/jobs', drop: 'reset', times: 1});
		const result = await rawGet(`${simulator.url}${jobs()}`, token);
		expect(result.outcome).toBe('error');
		expect(result.error).toBe('ECONNRESET');
		await expect(fetch(`${simulator.url}${jobs()}`, {headers: {authorization: `Bearer ${token}`}})).resolves.toHaveProperty('status', 200);
	});

	it('hangs until the client gives up', async () => {
		simulator.faults.add({path: '/synchronization/jobs', drop: 'hang', times: 1});
		const started = performance.now();
		const result = await rawGet(`${simulator.url}${jobs()}`, token, 300);
		expect(result.outcome).toBe('timeout');
		expect(performance.now() - started).toBeGreaterThanOrEqual(290);
		await expect(
			fetch(`${simulator.url}${jobs()}`, {headers: {authorization: `Bearer ${token}`}, signal: AbortSignal.timeout(2_000)}),
		).resolves.toHaveProperty('status', 200);
		const hung = simulator.requests.filter((each) => each.path === jobs()).at(-2);
		expect(hung?.status).toBe(0);
	});

	it('truncates: Content-Length promises more than is sent, then the connection closes', async () => {
		simulator.faults.add({path: '/synchronization/jobs', drop: 'truncate', times: 1});
		const result = await rawGet(`${simulator.url}${jobs()}`, token);
		expect(result.status).toBe(200);
		expect(result.outcome).toBe('error');
		expect(Number(result.headers?.['content-length'])).toBeGreaterThan(result.received);
		const viaFetch = simulator.faults.add({path: '/synchronization/jobs', drop: 'truncate', times: 1});
		expect(viaFetch).toBeTruthy();
		const response = await fetch(`${simulator.url}${jobs()}`, {headers: {authorization: `Bearer ${token}`}});
		await expect(response.text()).rejects.toThrow();
	});

	it('applies latencyMs to every response', async () => {
		const slow = await startSimulator({latencyMs: 120});
		try {
			const started = performance.now();
			expect((await call(slow, '/v1.0/servicePrincipals', {token: tokenFor(slow)})).status).toBe(200);
			expect(performance.now() - started).toBeGreaterThanOrEqual(110);
		} finally {
			await slow.close();
		}
	});

	it('closes cleanly while a request hangs', async () => {
		const other = await startSimulator();
		other.faults.add({drop: 'hang'});
		const pending = rawGet(`${other.url}/v1.0/servicePrincipals`, tokenFor(other), 5_000);
		await new Promise((resolve) => setTimeout(resolve, 50));
		await other.close();
		expect((await pending).outcome).toBe('error');
	});

	describe('over HTTP (/_simulator)', () => {
		const control = (method: string, path: string, body?: unknown) =>
			call(simulator, `/_simulator/${path}`, {method, headers: {'content-type': 'application/json'}, body: body === undefined ? undefined : JSON.stringify(body)});

		it('adds rules with pathRegex, lists and clears them', async () => {
			const added = await control('POST', 'faults', {method: 'GET', pathRegex: 'synchronization/jobs$', status: 429, retryAfter: 1, times: 1});
			expect(added.status).toBe(201);
			const {id} = added.json() as {id: string};
			const listed = (await control('GET', 'faults')).json() as {value: {id: string; pathRegex: string; remaining: number}[]};
			expect(listed.value).toEqual([expect.objectContaining({id, remaining: 1})]);
			expect(new RegExp(listed.value[0]?.pathRegex as string).source).toBe(/synchronization\/jobs$/.source);
			const throttled = await call(simulator, jobs(), {token});
			expect(throttled.status).toBe(429);
			expect(throttled.headers.get('retry-after')).toBe('1');
			expect((await call(simulator, jobs(), {token})).status).toBe(200);

			await control('POST', 'faults', {status: 500});
			expect((await call(simulator, jobs(), {token})).status).toBe(500);
			expect((await control('DELETE', 'faults')).status).toBe(204);
			expect((await call(simulator, jobs(), {token})).status).toBe(200);
		});

		it('supports drop, delay and raw bodies over HTTP', async () => {
			await control('POST', 'faults', {path: '/synchronization/jobs', drop: 'reset', times: 1});
			expect((await rawGet(`${simulator.url}${jobs()}`, token)).error).toBe('ECONNRESET');
			await control('POST', 'faults', {path: '/synchronization/jobs', body: 'not json', status: 502, times: 1});
			const bad = await call(simulator, jobs(), {token});
			expect(bad.status).toBe(502);
			expect(bad.text).toBe('not json');
		});

		it('rejects invalid rules', async () => {
			expect((await control('POST', 'faults', {drop: 'explode'})).status).toBe(400);
			expect((await control('POST', 'faults', {status: 42})).status).toBe(400);
		});

		it('exposes the request log and is itself neither logged nor faulted', async () => {
			await control('POST', 'faults', {status: 500});
			const log = await control('GET', 'requests');
			expect(log.status).toBe(200);
			const entries = (log.json() as {value: {path: string}[]}).value;
			expect(entries.some((each) => each.path.startsWith('/_simulator'))).toBe(false);
			expect(entries.length).toBe(simulator.requests.length);
			await control('DELETE', 'faults');
		});
	});
});
