/**
 * Issue 9 §7 (a): a response whose body stalls after its headers must end in a timeout, not hang: plain reads,
 * the write's drift check and its read-back, and a command run through the built binary.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeEach, describe, expect, it} from 'vitest';
import {editAttributeMappingField, VerifyUnavailableError, WorkingCopy, writeSchema} from '../../source/edit/index.js';
import {GraphClient} from '../../source/graph/client.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {cloudSyncProvisioningJobId as jobId, cloudSyncServicePrincipalId as servicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {removeIsolatedStates, runCli} from '../commands/cli.js';
import {pointerOf, writeScopes} from '../edit/helpers.js';

let simulator: Simulator;
let directory: string;

beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	directory = await mkdtemp(path.join(tmpdir(), 'pvx-stall-'));
});
afterEach(async () => {
	await simulator.close();
	await rm(directory, {recursive: true, force: true});
});
afterAll(() => removeIsolatedStates());

const schemaPath = `/servicePrincipals/${servicePrincipalId}/synchronization/jobs/${jobId}/schema`;

/** A client whose only short limit is the idle one: the connect and response timeouts stay at their defaults. */
function client(): GraphClient {
	const token = simulator.identity.issueAccessToken({scopes: writeScopes});
	return new GraphClient({graphUrl: simulator.url, apiVersion: 'beta', getToken: async () => token, timeouts: {idle: 300}});
}

async function settle(promise: Promise<unknown>): Promise<unknown> {
	return promise.then(
		() => 'resolved',
		(error: unknown) => error,
	);
}

describe('a body that stalls after its headers', () => {
	it('times out a stalled read and retries it', async () => {
		simulator.faults.add({method: 'GET', path: schemaPath, drop: 'stall', times: 1});
		const bytes = await client().getSchemaBytes(servicePrincipalId, jobId);
		expect(JSON.parse(bytes.toString('utf8')).id).toBe(jobId);
		expect(simulator.requests.filter((request) => request.path.endsWith('/schema'))).toHaveLength(2);
	}, 20_000);

	it('ends a schema read that keeps stalling with a timeout message', async () => {
		simulator.faults.add({method: 'GET', path: schemaPath, drop: 'stall'});
		const error = await settle(client().getSchemaBytes(servicePrincipalId, jobId));
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/Graph GET .*schema timed out/);
		// The headers arrived: the ids support asks for are known, and are shown like on every other Graph error.
		const last = simulator.requests.filter((request) => request.path.endsWith('/schema')).at(-1)!;
		expect((error as Error).message).toMatch(/\[request-id [\da-f-]{36}, client-request-id [\da-f-]{36}, date .+\]$/);
		expect((error as Error).message).toContain(`client-request-id ${last.clientRequestId}`);
	}, 30_000);

	it('ends the drift check of a write: nothing is written', async () => {
		const graph = client();
		let working = new WorkingCopy(JSON.parse((await graph.getSchemaBytes(servicePrincipalId, jobId)).toString('utf8')) as SynchronizationSchema);
		working = working.apply(editAttributeMappingField(working.document, pointerOf(working.document, 'Department'), 'flowType', 'ObjectAddOnly'));
		simulator.faults.add({method: 'GET', path: schemaPath, drop: 'stall'});
		const error = await settle(
			writeSchema({graph, servicePrincipalId, jobId, appName: 'contoso.com', baseVersion: working.baseVersion, base: working.live, document: working.document, backupDirectory: directory}),
		);
		expect((error as Error).message).toMatch(/timed out/);
		expect(simulator.requests.filter((request) => request.method === 'PUT')).toHaveLength(0);
	}, 30_000);

	it('ends the read-back of a write with "saved, but could not verify"', async () => {
		const graph = client();
		let working = new WorkingCopy(JSON.parse((await graph.getSchemaBytes(servicePrincipalId, jobId)).toString('utf8')) as SynchronizationSchema);
		working = working.apply(editAttributeMappingField(working.document, pointerOf(working.document, 'Department'), 'flowType', 'ObjectAddOnly'));
		// The drift check passes; the read-back after the PUT stalls.
		simulator.faults.add({method: 'GET', path: schemaPath, skip: 1, drop: 'stall'});
		const error = await settle(
			writeSchema({graph, servicePrincipalId, jobId, appName: 'contoso.com', baseVersion: working.baseVersion, base: working.live, document: working.document, backupDirectory: directory}),
		);
		expect(error).toBeInstanceOf(VerifyUnavailableError);
		expect((error as Error).message).toMatch(/reading it back to verify failed \(.*timed out/);
	}, 30_000);

	it('ends a command run by the built binary', async () => {
		simulator.faults.add({method: 'GET', path: schemaPath, drop: 'stall'});
		const result = await runCli(['export', '--demo', '--graph-url', simulator.url, '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--out', path.join(directory, 'x.json')], {
			env: {PROVISIONING_EXPLORER_HTTP_TIMEOUT_MS: '400'},
		});
		expect(result.code).not.toBe(0);
		expect(result.stderr).toMatch(/timed out/);
	}, 40_000);
});

// Sign-in also had a limit for the whole exchange before the idle timeout came; this guards both.
describe('a sign-in answer that stalls after its headers', () => {
	it('ends login with a timeout instead of hanging', async () => {
		simulator.faults.add({method: 'POST', path: 'oauth2/v2.0/devicecode', drop: 'stall'});
		const started = Date.now();
		const result = await runCli(['login', '--demo', '--graph-url', simulator.url], {env: {PROVISIONING_EXPLORER_HTTP_TIMEOUT_MS: '400'}});
		expect(result.code).not.toBe(0);
		expect(result.stderr).toMatch(/Could not reach the sign-in service/);
		expect(Date.now() - started).toBeLessThan(30_000);
	}, 40_000);
});
