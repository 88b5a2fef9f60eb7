/**
 * The Graph client against the demo tenant with injected faults: throttling with Retry-After (the
 * wait announced before it happens), outages that exhaust the retries, network resets, the 401 →
 * refresh → retry path, PUT retried only when it certainly was not applied, and the one-line
 * messages for 403, 404 and 429.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {Connection} from '../../source/explorer/connect.js';
import type {RetryNotice} from '../../source/graph/client.js';
import {describeError} from '../../source/errors.js';
import {GraphError} from '../../source/graph/errors.js';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {connectTo} from '../auth/helpers.js';

const jobsPath = `/servicePrincipals/${cloudSyncServicePrincipalId}/synchronization/jobs`;
const schemaPath = `${jobsPath}/${cloudSyncProvisioningJobId}/schema`;

let simulator: Simulator;
let connection: Connection;
let notices: Array<RetryNotice & {requestsSoFar: number}>;

function refreshCount(): number {
	return simulator.requests.filter((request) => request.body?.includes('grant_type=refresh_token')).length;
}

function requestsTo(path: string, method = 'GET'): number {
	return simulator.requests.filter((request) => request.method === method && request.path.endsWith(path)).length;
}

async function signedIn(options: {consent?: string[]; readOnly?: boolean} = {}): Promise<Connection> {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	if (options.consent) simulator.identity.setConsent({delegated: options.consent});
	connection = await connectTo(simulator, {readOnly: options.readOnly});
	notices = [];
	// Record what the server had seen when the notice came: a notice must come before the retry is sent.
	connection.watchRetries((notice) => notices.push({...notice, requestsSoFar: requestsTo(jobsPath) + requestsTo(schemaPath, 'PUT')}));
	await connection.auth.signIn({onPrompt: () => {}, signal: new AbortController().signal});
	return connection;
}

afterEach(async () => {
	await connection?.close();
	await simulator?.close();
});

describe('retries', () => {
	beforeEach(async () => {
		await signedIn();
	});

	it('honours Retry-After on 429, says so before waiting, then succeeds', async () => {
		simulator.faults.add({method: 'GET', path: jobsPath, status: 429, retryAfter: 1, times: 1});
		const jobs = await connection.graph.listJobs(cloudSyncServicePrincipalId);
		expect(jobs.length).toBeGreaterThan(0);
		expect(notices).toEqual([{attempt: 1, waitMs: 1000, reason: 'Graph is throttling (HTTP 429)', requestsSoFar: 1}]);
		expect(requestsTo(jobsPath)).toBe(2);
	});

	it('keeps honouring Retry-After through a longer burst of 429s than of other faults', async () => {
		simulator.faults.add({method: 'GET', path: jobsPath, status: 429, retryAfter: 1, times: 6});
		const jobs = await connection.graph.listJobs(cloudSyncServicePrincipalId);
		expect(jobs.length).toBeGreaterThan(0);
		expect(requestsTo(jobsPath)).toBe(7);
		expect(notices.map((notice) => notice.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
	});

	it('gives up after four retries of a 503 with one line that says what to do', async () => {
		simulator.faults.add({method: 'GET', path: jobsPath, status: 503, retryAfter: 1});
		const failure = await connection.graph.listJobs(cloudSyncServicePrincipalId).catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(GraphError);
		const message = (failure as GraphError).message;
		expect(message).toMatch(
			/^Graph GET \/servicePrincipals\/\{id\}\/synchronization\/jobs failed: 503 \(ServiceUnavailable\): .*\. Graph had a problem; try again in a moment\. \[request-id [0-9a-f-]{36}, client-request-id [0-9a-f-]{36}, date [0-9T:-]+\]$/,
		);
		expect(message).not.toContain('\n');
		expect(requestsTo(jobsPath)).toBe(5);
		expect(notices.map((notice) => notice.attempt)).toEqual([1, 2, 3, 4]);
		expect(notices.every((notice) => notice.reason === 'Graph answered HTTP 503')).toBe(true);
	});

	it('does not wait longer than the cap: a long Retry-After fails at once and names the wait', async () => {
		simulator.faults.add({method: 'GET', path: jobsPath, status: 429, retryAfter: 600});
		await expect(connection.graph.listJobs(cloudSyncServicePrincipalId)).rejects.toThrow('Graph is throttling requests and asked to wait 600 s; try again after that.');
		expect(requestsTo(jobsPath)).toBe(1);
		expect(notices).toEqual([]);
	});

	it('retries a GET after the connection was reset', async () => {
		simulator.faults.add({method: 'GET', path: jobsPath, drop: 'reset', times: 1});
		expect((await connection.graph.listJobs(cloudSyncServicePrincipalId)).length).toBeGreaterThan(0);
		expect(notices).toHaveLength(1);
		expect(notices[0]?.reason).toBe('network error (ECONNRESET)');
	});

	it('never repeats a PUT that may have been applied (503), but does repeat a throttled one (429)', async () => {
		const bytes = await connection.graph.getSchemaBytes(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId);
		simulator.faults.add({method: 'PUT', path: schemaPath, status: 503, times: 1});
		await expect(connection.graph.putSchema(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId, bytes.toString('utf8'))).rejects.toThrow(/failed: 503/);
		expect(requestsTo(schemaPath, 'PUT')).toBe(1);

		simulator.faults.add({method: 'PUT', path: schemaPath, status: 429, retryAfter: 1, times: 1});
		await connection.graph.putSchema(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId, bytes.toString('utf8'));
		expect(requestsTo(schemaPath, 'PUT')).toBe(3);
		expect(notices.map((notice) => notice.reason)).toEqual(['Graph is throttling (HTTP 429)']);
	});
});

describe('expired and rejected tokens', () => {
	it('refreshes once on 401 and succeeds', async () => {
		await signedIn();
		const refreshesBefore = simulator.requests.filter((request) => request.body?.includes('grant_type=refresh_token')).length;
		simulator.identity.expireAccessTokens();
		expect((await connection.graph.listJobs(cloudSyncServicePrincipalId)).length).toBeGreaterThan(0);
		const refreshes = simulator.requests.filter((request) => request.body?.includes('grant_type=refresh_token')).length;
		expect(refreshes).toBe(refreshesBefore + 1);
		expect(simulator.requests.filter((request) => request.path.endsWith(jobsPath)).map((request) => request.status)).toEqual([401, 200]);
	});

	it('refreshes once for many requests that meet the same expired token, and at most once per command', async () => {
		await signedIn();
		const refreshesBefore = refreshCount();
		simulator.identity.expireAccessTokens();
		const scan = await Promise.all(simulator.tenant.servicePrincipals.slice(0, 6).map((each) => connection.graph.listJobs(each.id).catch(() => [])));
		expect(scan).toHaveLength(6);
		expect(refreshCount()).toBe(refreshesBefore + 1);
		// Expired again in the same command: no second forced refresh, the user is told to sign in again.
		simulator.identity.expireAccessTokens();
		await expect(connection.graph.listJobs(cloudSyncServicePrincipalId)).rejects.toThrow('Sign in again');
		expect(refreshCount()).toBe(refreshesBefore + 1);
	});

	it('asks to sign in again when Graph still refuses the refreshed token', async () => {
		await signedIn();
		simulator.faults.add({method: 'GET', path: jobsPath, status: 401, times: 2});
		await expect(connection.graph.listJobs(cloudSyncServicePrincipalId)).rejects.toThrow('Sign in again (your session expired or was revoked).');
		expect(requestsTo(jobsPath)).toBe(2);
	});
});

describe('what the user is told', () => {
	it('a write without Synchronization.ReadWrite.All: 401 UnknownError named as missing permission or role, with the support ids, no refresh', async () => {
		// Signed in with read permissions only (--read-only), then a write is attempted.
		await signedIn({readOnly: true});
		const bytes = await connection.graph.getSchemaBytes(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId);
		const refreshesBefore = refreshCount();
		const failure = (await connection.graph
			.putSchema(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId, bytes.toString('utf8'))
			.catch((error: unknown) => error)) as GraphError;
		expect(failure.status).toBe(401);
		expect(failure.message).toContain('failed: 401 (UnknownError): no message.');
		expect(failure.message).toContain(
			'The account almost certainly lacks the permission or the directory role for this app: it needs the Synchronization.ReadWrite.All permission, and a signed-in user also needs the Application Administrator or Cloud Application Administrator role (Hybrid Identity Administrator is enough for Entra Cloud Sync apps only; Global Reader is not enough).',
		);
		expect(failure.message).toContain('a Hybrid Identity Administrator cannot grant it');
		expect(failure.message).toMatch(/\[request-id [0-9a-f-]{36}, client-request-id [0-9a-f-]{36}, date \d{4}-\d\d-\d\dT[\d:]+\]$/);
		expect(failure.message).not.toContain('Sign in again');
		// Not taken for an expired token: no refresh, no second attempt.
		expect(refreshCount()).toBe(refreshesBefore);
		expect(requestsTo(schemaPath, 'PUT')).toBe(1);
		// The client-request-id shown is the one that was sent.
		const sent = simulator.requests.find((request) => request.method === 'PUT')!;
		expect(failure.message).toContain(`client-request-id ${sent.clientRequestId}`);
		expect(failure.details.clientRequestId).toBe(sent.headers['client-request-id']);
		expect(await connection.auth.describe()).toMatchObject({scopes: ['Application.Read.All', 'Synchronization.Read.All']});
	});

	it('reading a schema without any Synchronization permission names Synchronization.Read.All', async () => {
		await signedIn({consent: ['Application.Read.All']});
		await expect(connection.graph.getSchemaBytes(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)).rejects.toThrow(
			'it needs the Synchronization.Read.All (or Synchronization.ReadWrite.All) permission',
		);
		expect(await connection.auth.describe()).toMatchObject({scopes: ['Application.Read.All']});
	});

	it('a Hybrid Identity Administrator reads cloud sync, but gets "missing permission or role" for any other app', async () => {
		await signedIn();
		simulator.identity.setDirectoryRoles(['Hybrid Identity Administrator']);
		await connection.auth.getAccessToken({forceRefresh: true});
		const refreshesBefore = refreshCount();
		expect((await connection.graph.listJobs(cloudSyncServicePrincipalId)).length).toBeGreaterThan(0);
		const scim = simulator.tenant.servicePrincipals.find((each) => each.displayName === 'Contoso SCIM App')!;
		const failure = (await connection.graph.listJobs(scim.id).catch((error: unknown) => error)) as GraphError;
		expect(failure.status).toBe(401);
		expect(failure.message).toContain('lacks the permission or the directory role for this app');
		expect(failure.message).toContain('Synchronization.Read.All');
		expect(refreshCount()).toBe(refreshesBefore);
	});

	it('a Global Reader cannot read provisioning at all (401 UnknownError, as Graph answers)', async () => {
		await signedIn();
		simulator.identity.setDirectoryRoles(['Global Reader']);
		await connection.auth.getAccessToken({forceRefresh: true});
		await expect(connection.graph.listJobs(cloudSyncServicePrincipalId)).rejects.toThrow('lacks the permission or the directory role');
		// Listing service principals is directory data, not the sync backend: still allowed.
		expect((await connection.graph.listServicePrincipals({select: ['id']})).length).toBeGreaterThan(0);
	});

	it('403 on listing apps names Application.Read.All', async () => {
		await signedIn({consent: ['Synchronization.ReadWrite.All']});
		await expect(connection.graph.listServicePrincipals({})).rejects.toThrow('This needs the Application.Read.All permission');
	});

	it('every Graph request carries its own client-request-id, and the shared error formatter shows the support ids', async () => {
		await signedIn();
		simulator.requests.length = 0;
		await connection.graph.listJobs(cloudSyncServicePrincipalId);
		await connection.graph.getSchemaBytes(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId);
		simulator.faults.add({method: 'GET', path: jobsPath, status: 400, times: 1});
		const failure = await connection.graph.listJobs(cloudSyncServicePrincipalId).catch((error: unknown) => error);
		const graphRequests = simulator.requests.filter((request) => /^\/(beta|v1\.0)\//.test(request.path));
		expect(graphRequests).toHaveLength(3);
		const ids = graphRequests.map((request) => request.headers['client-request-id']);
		for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(new Set(ids).size).toBe(3);
		// What the explorer's notice and the commands' stderr show: describeError, one line, ids at the end.
		const shown = describeError(failure);
		expect(shown).toContain(`request-id ${graphRequests[2]!.requestId}`);
		expect(shown).toContain(`client-request-id ${ids[2]}`);
		expect(shown).toMatch(/, date \d{4}-\d\d-\d\dT[\d:]+\]$/);
	});

	it('404 says which id was not found', async () => {
		await signedIn();
		await expect(connection.graph.listJobs('0badc0de-0000-4000-8000-000000000000')).rejects.toThrow(
			'Service principal 0badc0de-0000-4000-8000-000000000000 was not found',
		);
	});
});
