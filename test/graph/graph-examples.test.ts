/**
 * Microsoft's documented example responses (../shared/graph-examples) for the calls we make: each is read by our
 * GraphClient (real got over HTTP, the body served by the demo tenant's fault injector), and the demo tenant's own
 * answer to the same call has the example's property names and value types (test/helpers/shape.ts). Differences
 * kept on purpose are listed here and in docs/graph-notes.md ("Documented examples and the demo tenant").
 * provisionOnDemand, provisioning logs and job restart examples belong to the job-loop tests.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Connection} from '../../source/explorer/connect.js';
import {downloadSchema} from '../../source/explorer/tenant-services.js';
import {GraphError} from '../../source/graph/errors.js';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {connectTo} from '../auth/helpers.js';
import {compareShape} from '../helpers/shape.js';
import {call, findApp, writeScopes} from '../simulator/helpers.js';

const examplesDirectory = join(process.cwd(), '..', 'shared', 'graph-examples');
const example = (name: string) => JSON.parse(readFileSync(join(examplesDirectory, name), 'utf8')) as Record<string, unknown>;
const exampleText = (name: string) => readFileSync(join(examplesDirectory, name), 'utf8');

let simulator: Simulator;
let connection: Connection;
let token: string;
beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	connection = await connectTo(simulator, {apiVersion: 'v1.0'});
	await connection.auth.signIn({onPrompt: () => {}, signal: new AbortController().signal});
	token = simulator.identity.issueAccessToken({scopes: writeScopes});
});
afterAll(async () => {
	await connection.close();
	await simulator.close();
});

/** Serves the example's bytes once as Graph's answer to `path`. */
function serveOnce(name: string, path: RegExp, method = 'GET', status?: number): void {
	simulator.faults.add({method, path, times: 1, body: exampleText(name), ...(status ? {status} : {})});
}

async function simulatorAnswer(path: string, options: {method?: string; body?: string; headers?: Record<string, string>} = {}): Promise<unknown> {
	const result = await call(simulator, path, {
		token,
		method: options.method,
		body: options.body,
		headers: {...(options.body ? {'content-type': 'application/json'} : {}), ...options.headers},
	});
	return result.json();
}

const schemaBase = `/v1.0/servicePrincipals/${cloudSyncServicePrincipalId}/synchronization/jobs/${encodeURIComponent(cloudSyncProvisioningJobId)}/schema`;

describe('service principals', () => {
	it('v1.0.servicePrincipals-list: our client reads it; the demo tenant answers the same shape', async () => {
		serveOnce('v1.0.servicePrincipals-list.response.json', /\/servicePrincipals$/);
		const listed = await connection.graph.listServicePrincipals({});
		expect(listed).toEqual(example('v1.0.servicePrincipals-list.response.json').value);
		const report = compareShape(example('v1.0.servicePrincipals-list.response.json'), await simulatorAnswer('/v1.0/servicePrincipals'));
		expect(report.missing).toEqual([]);
	});

	it('v1.0.servicePrincipals-list-filter-count: read with @odata.count; the demo tenant answers the documented query alike', async () => {
		serveOnce('v1.0.servicePrincipals-list-filter-count.response.json', /\/servicePrincipals$/);
		const listed = await connection.graph.listServicePrincipals({filter: "startswith(displayName, 'a')", orderBy: 'displayName', top: 1});
		expect(listed.map((each) => each.displayName)).toEqual(['a']);
		const answer = await simulatorAnswer(`/v1.0/servicePrincipals?$filter=${encodeURIComponent("startswith(displayName, 'c')")}&$count=true&$top=1&$orderby=displayName`, {
			headers: {consistencylevel: 'eventual'},
		});
		expect(compareShape(example('v1.0.servicePrincipals-list-filter-count.response.json'), answer).missing).toEqual([]);
	});
});

describe('synchronization jobs', () => {
	it('v1.0.synchronization-jobs-list: our client reads it; the demo tenant answers the same shape', async () => {
		serveOnce('v1.0.synchronization-jobs-list.response.json', /\/synchronization\/jobs$/);
		const jobs = await connection.graph.listJobs(cloudSyncServicePrincipalId);
		expect(jobs.map((job) => [job.id, job.templateId, job.status?.code])).toEqual([['{jobId}', 'BoxOutDelta', 'Paused']]);
		const scim = findApp(simulator, 'Contoso SCIM App');
		const report = compareShape(example('v1.0.synchronization-jobs-list.response.json'), await simulatorAnswer(`/v1.0/servicePrincipals/${scim.servicePrincipalId}/synchronization/jobs`));
		expect(report.missing).toEqual([]);
	});

	it.each(['v1.0.synchronization-job-get.response.json', 'v1.0.synchronization-job-get.Azure2Azure.response.json'])(
		'%s: the demo tenant answers GET …/jobs/{id} in the same shape',
		async (name) => {
			const answer = await simulatorAnswer(`/v1.0/servicePrincipals/${cloudSyncServicePrincipalId}/synchronization/jobs/${encodeURIComponent(cloudSyncProvisioningJobId)}`);
			expect(compareShape(example(name), answer).missing).toEqual([]);
		},
	);
});

describe('schema, functions, filter operators, parseExpression', () => {
	it('v1.0.synchronization-schema-get: our schema loader reads it; the demo tenant answers the same shape', async () => {
		// The example's `{}` elements are the documentation's "truncated" marks, not objects a real answer holds:
		// without them the document is what Graph sends, and it must load.
		const withoutPlaceholders = JSON.stringify(example('v1.0.synchronization-schema-get.response.json'), (_key, value: unknown) =>
			Array.isArray(value) ? value.filter((each) => !(each && typeof each === 'object' && Object.keys(each).length === 0)) : value,
		);
		simulator.faults.add({method: 'GET', path: /\/schema$/, times: 1, body: withoutPlaceholders});
		const download = await downloadSchema(connection.graph, cloudSyncServicePrincipalId, cloudSyncProvisioningJobId);
		expect(download.schema.synchronizationRules?.[0]?.name).toBe('USER_TO_USER');
		expect(compareShape(example('v1.0.synchronization-schema-get.response.json'), await simulatorAnswer(schemaBase)).missing).toEqual([]);
	});

	it('v1.0.schema-functions: our client reads it; the demo tenant answers the same shape', async () => {
		serveOnce('v1.0.schema-functions.response.json', /\/schema\/functions$/);
		const functions = await connection.graph.listFunctions(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId);
		expect(functions.map((each) => each.name)).toContain('FormatDateTime');
		expect(compareShape(example('v1.0.schema-functions.response.json'), await simulatorAnswer(`${schemaBase}/functions`)).missing).toEqual([]);
	});

	it('v1.0.schema-filterOperators: our client reads it; the demo tenant answers the same shape', async () => {
		serveOnce('v1.0.schema-filterOperators.response.json', /\/schema\/filterOperators$/);
		const operators = await connection.graph.listFilterOperators(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId);
		expect(operators.length).toBe((example('v1.0.schema-filterOperators.response.json').value as unknown[]).length);
		expect(compareShape(example('v1.0.schema-filterOperators.response.json'), await simulatorAnswer(`${schemaBase}/filterOperators`)).missing).toEqual([]);
	});

	it('v1.0.parseExpression: our client reads it; the demo tenant answers the documented request in the same shape', async () => {
		serveOnce('v1.0.parseExpression.response.json', /\/schema\/parseExpression$/, 'POST');
		const parsed = await connection.graph.parseExpression(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId, {expression: 'Replace([preferredLanguage], "-", , , "_", , )'});
		expect(parsed).toMatchObject({parsingSucceeded: true, evaluationResult: ['EN_US'], parsedExpression: {name: 'Replace', type: 'Function'}});
		const answer = await simulatorAnswer(`${schemaBase}/parseExpression`, {method: 'POST', body: exampleText('v1.0.parseExpression.request.json')});
		expect(compareShape(example('v1.0.parseExpression.response.json'), answer).missing).toEqual([]);
	});
});

describe('errors', () => {
	it('v1.0.error: our client turns it into one line with code, message, request-id and date; the demo tenant errors alike', async () => {
		serveOnce('v1.0.error.response.json', /\/synchronization\/jobs$/, 'GET', 400);
		const failure = (await connection.graph.listJobs(cloudSyncServicePrincipalId).catch((error: unknown) => error)) as GraphError;
		expect(failure).toBeInstanceOf(GraphError);
		expect(failure.details).toMatchObject({status: 400, code: 'invalidRange', message: 'Uploaded fragment overlaps with existing data.', requestId: 'request-id', date: 'date-time'});
		expect(failure.message).toContain('failed: 400 (invalidRange): Uploaded fragment overlaps with existing data.');
		expect(failure.message).toMatch(/\[request-id request-id, client-request-id [0-9a-f-]{36}, date date-time\]$/);
		const answer = await simulatorAnswer('/v1.0/servicePrincipals/0badc0de-0000-4000-8000-000000000000');
		expect(compareShape(example('v1.0.error.response.json'), answer).missing).toEqual([]);
	});
});
