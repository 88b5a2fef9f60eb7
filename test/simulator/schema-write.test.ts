import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {versionTicks} from '../../source/simulator/versions.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {call, findApp, graphErrorOf, readScopes, schemaPath, tokenFor} from './helpers.js';

type Schema = SynchronizationSchema & {'@odata.context': string; version: string};

describe('schema writes', () => {
	let simulator: Simulator;
	let token: string;
	const cloudSyncSchema = () => schemaPath(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId);

	beforeEach(async () => {
		simulator = await startSimulator();
		token = tokenFor(simulator);
	});
	afterEach(() => simulator.close());

	const getSchema = async (path = cloudSyncSchema()) => {
		const result = await call(simulator, path, {token});
		expect(result.status).toBe(200);
		return result.json() as Schema;
	};
	const putSchema = (body: string, path = cloudSyncSchema(), contentType: string | null = 'application/json') =>
		call(simulator, path, {method: 'PUT', token, body, headers: contentType ? {'content-type': contentType} : {}});

	it('PUT replaces the schema (204, no body) and GET returns it with a newer version', async () => {
		const original = await getSchema();
		const edited = structuredClone(original);
		const mapping = edited.synchronizationRules?.[0]?.objectMappings?.[0]?.attributeMappings?.find((each) => each.targetAttributeName === 'UsageLocation');
		expect(mapping).toBeDefined();
		if (mapping) mapping.source = {expression: '"FR"', name: 'FR', type: 'Constant', parameters: []};
		const put = await putSchema(JSON.stringify(edited));
		expect(put.status).toBe(204);
		expect(put.text).toBe('');

		const stored = await getSchema();
		expect(versionTicks(stored.version)).toBeGreaterThan(versionTicks(original.version) as bigint);
		expect(stored.version).toMatch(/^Date:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z, ActivityId:[0-9a-f-]{36}$/);
		expect(stored.id).toBe(cloudSyncProvisioningJobId);
		expect(stored['@odata.context']).toBe(
			`https://graph.microsoft.com/beta/$metadata#servicePrincipals('${cloudSyncServicePrincipalId}')/synchronization/jobs('${cloudSyncProvisioningJobId}')/schema/$entity`,
		);
		const storedMapping = stored.synchronizationRules?.[0]?.objectMappings?.[0]?.attributeMappings?.find((each) => each.targetAttributeName === 'UsageLocation');
		expect(storedMapping?.source).toEqual({expression: '"FR"', name: 'FR', type: 'Constant', parameters: []});
		// Everything else comes back as sent.
		const {version: _a, ...restStored} = stored;
		const {version: _b, ...restSent} = edited;
		expect(restStored).toEqual(restSent);
		// The tenant state is inspectable.
		const job = simulator.tenant.findJob(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId);
		expect(job?.schema.version).toBe(stored.version);
	});

	it('each PUT advances the version strictly', async () => {
		const document = await getSchema();
		const versions: bigint[] = [];
		for (let index = 0; index < 3; index++) {
			expect((await putSchema(JSON.stringify(document))).status).toBe(204);
			versions.push(versionTicks((await getSchema()).version) as bigint);
		}
		expect(versions[1]).toBeGreaterThan(versions[0] as bigint);
		expect(versions[2]).toBeGreaterThan(versions[1] as bigint);
	});

	it('answers 406 for an enum in the wrong case', async () => {
		const document = await getSchema();
		const mapping = document.synchronizationRules?.[0]?.objectMappings?.[0]?.attributeMappings?.[0];
		if (mapping) (mapping as Record<string, unknown>).flowBehavior = 'flowWhenChanged';
		const before = simulator.tenant.findJob(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)?.schema.text;
		const result = await putSchema(JSON.stringify(document));
		expect(result.status).toBe(406);
		expect(graphErrorOf(result).message).toContain('flowWhenChanged');
		expect(simulator.tenant.findJob(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)?.schema.text).toBe(before);

		const always = await getSchema();
		const first = always.synchronizationRules?.[0]?.objectMappings?.[0]?.attributeMappings?.[0];
		if (first) (first as Record<string, unknown>).flowType = 'always';
		expect((await putSchema(JSON.stringify(always))).status).toBe(406);
		const sourceType = await getSchema();
		const sourced = sourceType.synchronizationRules?.[0]?.objectMappings?.[0]?.attributeMappings?.[0];
		if (sourced?.source) (sourced.source as Record<string, unknown>).type = 'function';
		expect((await putSchema(JSON.stringify(sourceType))).status).toBe(406);
	});

	it('answers 400 for a target attribute mapped twice in one object mapping', async () => {
		const document = await getSchema();
		const mappings = document.synchronizationRules?.[0]?.objectMappings?.[0]?.attributeMappings ?? [];
		mappings.push(structuredClone(mappings[0] as (typeof mappings)[number]));
		const result = await putSchema(JSON.stringify(document));
		expect(result.status).toBe(400);
		expect(graphErrorOf(result).message).toContain(`'${mappings[0]?.targetAttributeName}'`);
		expect(graphErrorOf(result).message).toMatch(/mapped as a target once/);
	});

	it('answers 400 for a target attribute missing from the target object', async () => {
		const document = await getSchema();
		const mapping = document.synchronizationRules?.[0]?.objectMappings?.[0]?.attributeMappings?.[0];
		if (mapping) mapping.targetAttributeName = 'NoSuchAttribute';
		const result = await putSchema(JSON.stringify(document));
		expect(result.status).toBe(400);
		expect(graphErrorOf(result).message).toContain('NoSuchAttribute');
	});

	it('answers 400 for a rule naming a directory that is not in the schema', async () => {
		const document = await getSchema();
		const rule = document.synchronizationRules?.[0];
		if (rule) rule.targetDirectoryName = 'Microsoft Entra ID';
		const result = await putSchema(JSON.stringify(document));
		expect(result.status).toBe(400);
		expect(graphErrorOf(result).message).toContain('Microsoft Entra ID');
	});

	it('answers 400 for a body that is not JSON, and 415 without a JSON content type', async () => {
		const broken = await putSchema('{"synchronizationRules": [');
		expect(broken.status).toBe(400);
		expect(graphErrorOf(broken).code).toBe('BadRequest');
		const notAnObject = await putSchema('[1,2,3]');
		expect(notAnObject.status).toBe(400);
		expect((await putSchema('{}', cloudSyncSchema(), 'text/plain')).status).toBe(415);
		expect((await putSchema('{}', cloudSyncSchema(), null)).status).toBe(415);
		expect((await putSchema('{}', cloudSyncSchema(), 'application/json; charset=utf-8')).status).toBe(204);
	});

	it('answers PATCH with the service’s 404 "No HTTP resource was found"', async () => {
		const result = await call(simulator, cloudSyncSchema(), {method: 'PATCH', token, body: '{}', headers: {'content-type': 'application/json'}});
		expect(result.status).toBe(404);
		const error = graphErrorOf(result);
		expect(error.code).toBe('UnknownError');
		expect(error.message).toContain('No HTTP resource was found that matches the request URI');
		expect(error.message).toContain(`jobs('${cloudSyncProvisioningJobId}')/schema?api-version=2.0`);
	});

	it('DELETE resets to the template default with a newer version', async () => {
		const original = await getSchema();
		const emptied = {...structuredClone(original), synchronizationRules: []};
		expect((await putSchema(JSON.stringify(emptied))).status).toBe(204);
		const afterPut = await getSchema();
		expect(afterPut.synchronizationRules).toEqual([]);

		const reset = await call(simulator, cloudSyncSchema(), {method: 'DELETE', token});
		expect(reset.status).toBe(204);
		const afterReset = await getSchema();
		expect(versionTicks(afterReset.version)).toBeGreaterThan(versionTicks(afterPut.version) as bigint);
		const {version: _a, ...resetRest} = afterReset;
		const {version: _b, ...originalRest} = original;
		expect(resetRest).toEqual(originalRest);
	});

	it('works the same under v1.0 and for generated schemas', async () => {
		const {servicePrincipalId, jobId} = findApp(simulator, 'Salesforce');
		const path = schemaPath(servicePrincipalId, jobId, 'v1.0');
		const original = await getSchema(path);
		expect((await putSchema(JSON.stringify(original), path)).status).toBe(204);
		const stored = await getSchema(path);
		expect(stored['@odata.context']).toContain('https://graph.microsoft.com/v1.0/$metadata#');
		expect(versionTicks(stored.version)).toBeGreaterThan(versionTicks(original.version) as bigint);
	});

	it('needs Synchronization.ReadWrite.All to PUT or DELETE', async () => {
		const readOnly = tokenFor(simulator, readScopes);
		const document = (await call(simulator, cloudSyncSchema(), {token: readOnly})).text;
		const put = await call(simulator, cloudSyncSchema(), {method: 'PUT', token: readOnly, body: document, headers: {'content-type': 'application/json'}});
		// The sync backend answers a missing permission with 401 UnknownError (research §2.1).
		expect(put.status).toBe(401);
		expect(graphErrorOf(put).code).toBe('UnknownError');
		expect((await call(simulator, cloudSyncSchema(), {method: 'DELETE', token: readOnly})).status).toBe(401);
	});

	it('logs the PUT body', async () => {
		const body = JSON.stringify({id: cloudSyncProvisioningJobId, synchronizationRules: [], directories: []});
		await putSchema(body);
		const entry = simulator.requests.at(-1);
		expect(entry).toMatchObject({method: 'PUT', status: 204, body});
	});
});

describe('schemaOverride', () => {
	it('serves any override text byte-for-byte, even when it is not JSON', async () => {
		const override = '\uFEFF{ "not": "really" ,\r\n "a": [schema] }\r\n';
		const simulator = await startSimulator({schemaOverride: override});
		try {
			const response = await fetch(`${simulator.url}${schemaPath(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)}`, {
				headers: {authorization: `Bearer ${tokenFor(simulator)}`},
			});
			expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(override, 'utf8'))).toBe(true);
			// DELETE restores the override as the template default.
			const reset = await call(simulator, schemaPath(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId), {method: 'DELETE', token: tokenFor(simulator)});
			expect(reset.status).toBe(204);
			expect(simulator.tenant.findJob(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)?.schema.text).toBe(override);
		} finally {
			await simulator.close();
		}
	});
});
