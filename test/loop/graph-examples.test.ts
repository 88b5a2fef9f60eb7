/**
 * Microsoft's documented provisionOnDemand, provisioning-log, job and restart examples, read by our GraphClient
 * over real HTTP (the demo tenant's fault injector serves the documented bytes once) and decoded the way the
 * commands decode them.
 */
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Connection} from '../../source/explorer/connect.js';
import {decodeJobStatus} from '../../source/loop/job-status.js';
import {decodeLogEvent} from '../../source/loop/logs.js';
import {decodeProvisionOnDemand} from '../../source/loop/on-demand.js';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {connectTo} from '../auth/helpers.js';

const examples = join(import.meta.dirname, '../../../shared/graph-examples');
const exampleText = (name: string) => readFileSync(join(examples, name), 'utf8');

let simulator: Simulator;
let connection: Connection;
beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	connection = await connectTo(simulator, {apiVersion: 'v1.0'});
	await connection.auth.signIn({onPrompt: () => {}, signal: new AbortController().signal});
});
afterAll(async () => {
	await connection.close();
	await simulator.close();
});

function serveOnce(name: string, path: RegExp, method = 'GET'): void {
	simulator.faults.add({method, path, times: 1, status: 200, body: exampleText(name)});
}

describe('documented examples through our client', () => {
	it('provisionOnDemand answers: every documented response is read and decoded, Skipped never as success', async () => {
		const files = readdirSync(examples).filter((name) => /provisionOnDemand.*\.response\.json$/.test(name) && !name.includes('decoded'));
		for (const file of files) {
			serveOnce(file, /\/provisionOnDemand$/, 'POST');
			const answer = await connection.graph.provisionOnDemand(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId, {parameters: []});
			expect(answer, file).toEqual(JSON.parse(exampleText(file)));
			const result = decodeProvisionOnDemand(answer);
			const documented = (JSON.parse(JSON.parse(exampleText(file)).key) as {result: string}).result;
			expect(result.outcome, file).toBe(documented);
			expect(result.succeeded, file).toBe(documented === 'Success');
		}
	});

	it('provisioning logs: every documented list is read as a page and decoded', async () => {
		const files = readdirSync(examples).filter((name) => /provisioningObjectSummary-list.*\.response\.json$/.test(name));
		expect(files.length).toBe(4);
		for (const file of files) {
			serveOnce(file, /\/auditLogs\/provisioning$/);
			const page = await connection.graph.getPage<Record<string, unknown>>(connection.graph.url('/auditLogs/provisioning'));
			expect(page.value, file).toEqual(JSON.parse(exampleText(file)).value);
			for (const event of page.value.map(decodeLogEvent)) {
				expect(event.status, file).toMatch(/^(success|failure|skipped|warning)$/);
				expect(event.steps.length, file).toBeGreaterThan(0);
			}
		}
	});

	it('jobs: the documented job answers are read and their status decoded', async () => {
		for (const file of ['v1.0.synchronization-job-get.response.json', 'v1.0.synchronization-job-get.Azure2Azure.response.json']) {
			serveOnce(file, /\/synchronization\/jobs\/[^/]+$/);
			const job = await connection.graph.getJob(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId);
			expect(job, file).toEqual(JSON.parse(exampleText(file)));
			expect(decodeJobStatus(job).code, file).toMatch(/^(Paused|NotRun)$/);
		}
	});

	it('restart: the documented bodies go out as written, and the 204 is read', async () => {
		for (const file of readdirSync(examples).filter((name) => /synchronizationJob-restart.*\.request\.json$/.test(name))) {
			simulator.requests.length = 0;
			const resetScope = (JSON.parse(exampleText(file)) as {criteria: {resetScope: string}}).criteria.resetScope;
			await connection.graph.restartJob(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId, resetScope);
			const sent = simulator.requests.find((request) => request.path.endsWith('/restart'))!;
			expect(sent.status, file).toBe(204);
			expect(JSON.parse(sent.body!), file).toEqual(JSON.parse(exampleText(file)));
		}
	});
});
