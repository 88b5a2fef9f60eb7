import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {findPackageRoot} from '../../source/simulator/data-files.js';
import {
	cloudSyncProvisioningJobId,
	cloudSyncServicePrincipalId,
	DemoTenant,
	generateLargeSchema,
	generatePasswordHashSchema,
	generateSalesforceSchema,
	generateScimSchema,
	generateWorkdaySchema,
	type Simulator,
	startSimulator,
} from '../../source/simulator/index.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {call, readScopes, schemaPath, tokenFor} from './helpers.js';
import {findSchemaProblems} from './schema-consistency.js';

const identity = {servicePrincipalId: 'sp', jobId: 'job', version: 'Date:2025-06-01T00:00:00.0000000Z, ActivityId:00000000-0000-4000-8000-000000000000'};
const mappingsOf = (schema: SynchronizationSchema) =>
	(schema.synchronizationRules ?? []).flatMap((rule) => rule.objectMappings ?? []).flatMap((mapping) => mapping.attributeMappings ?? []);
const definitionCount = (schema: SynchronizationSchema) =>
	(schema.directories ?? []).flatMap((directory) => directory.objects ?? []).reduce((sum, object) => sum + (object.attributes?.length ?? 0), 0);
const expressionsOf = (schema: SynchronizationSchema) => mappingsOf(schema).flatMap((mapping) => (mapping.source?.expression ? [mapping.source.expression] : []));

describe('generated schemas', () => {
	it.each([
		['password hash', generatePasswordHashSchema],
		['Workday', generateWorkdaySchema],
		['SCIM', generateScimSchema],
		['Salesforce', generateSalesforceSchema],
	])('the %s schema is internally consistent', (_name, generate) => {
		expect(findSchemaProblems(generate(identity), {verifyParseTrees: true})).toEqual([]);
	});

	it('the cloud-sync fixture passes the same checks (it has two anchors per object)', () => {
		const fixture = JSON.parse(readFileSync(join(findPackageRoot(), 'source/simulator/data/cloud-sync-ad2aad.schema.json'), 'utf8')) as SynchronizationSchema;
		expect(findSchemaProblems(fixture, {allowMultipleAnchors: true})).toEqual([]);
	});

	it('the consistency check catches broken schemas', () => {
		const schema = generateSalesforceSchema(identity);
		const mappings = schema.synchronizationRules?.[0]?.objectMappings?.[0]?.attributeMappings ?? [];
		mappings.push({...structuredClone(mappings[0] as (typeof mappings)[number])});
		(mappings[1] as Record<string, unknown>).flowBehavior = 'flowWhenChanged';
		const rule = schema.synchronizationRules?.[0];
		if (rule) rule.sourceDirectoryName = 'Nowhere';
		const problems = findSchemaProblems(schema, {verifyParseTrees: true});
		expect(problems.some((each) => each.includes('target mapped twice'))).toBe(true);
		expect(problems.some((each) => each.includes('flowWhenChanged'))).toBe(true);
		expect(problems.some((each) => each.includes("'Nowhere' does not exist"))).toBe(true);
	});

	it('Workday has ~40 mappings with XPath apiExpressions and the expected functions', () => {
		const schema = generateWorkdaySchema(identity);
		expect(mappingsOf(schema).length).toBeGreaterThanOrEqual(38);
		const text = expressionsOf(schema).join('\n');
		for (const name of ['Switch(', 'Join(', 'Replace(', 'SelectUniqueValue(']) expect(text).toContain(name);
		const worker = schema.directories?.find((each) => each.name === 'Workday')?.objects?.[0];
		expect(worker?.name).toBe('Worker');
		expect(worker?.attributes?.every((each) => each.apiExpressions?.[0]?.value?.startsWith('wd:Worker/'))).toBe(true);
	});

	it('SCIM uses SCIM paths and enterprise URNs as target names', () => {
		const targets = mappingsOf(generateScimSchema(identity)).map((each) => each.targetAttributeName);
		expect(targets).toContain('emails[type eq "work"].value');
		expect(targets).toContain('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department');
	});

	it('Salesforce reproduces the docs sample: 14 mappings with Not, Mid, Replace, SingleAppRoleAssignment and default-only ones', () => {
		const mappings = mappingsOf(generateSalesforceSchema(identity));
		expect(mappings).toHaveLength(14);
		expect(mappings.filter((each) => each.source === null).map((each) => each.targetAttributeName)).toEqual([
			'EmailEncodingKey',
			'LanguageLocaleKey',
			'TimeZoneSidKey',
			'UserPermissionsCallCenterAutoLogin',
			'UserPermissionsMarketingUser',
			'UserPermissionsOfflineUser',
		]);
		expect(mappings.find((each) => each.targetAttributeName === 'ProfileName')).toMatchObject({
			defaultValue: 'Chatter Free User',
			source: {name: 'SingleAppRoleAssignment', type: 'Function', parameters: [{key: 'source'}]},
		});
		expect(mappings.find((each) => each.targetAttributeName === 'Alias')?.source?.parameters?.map((each) => each.key)).toEqual(['source', 'start', 'length']);
	});

	// How fast it is generated is for `npm run bench`, not a timed test on a shared machine.
	it('the large schema has the requested counts and is consistent', () => {
		const schema = generateLargeSchema({attributeMappings: 20_000, attributeDefinitions: 50_000});
		const text = JSON.stringify(schema);
		expect(mappingsOf(schema)).toHaveLength(20_000);
		expect(definitionCount(schema)).toBe(50_000);
		expect(text.length).toBeGreaterThan(15_000_000);
		expect(findSchemaProblems(schema)).toEqual([]);
		const small = generateLargeSchema({attributeMappings: 50, attributeDefinitions: 120});
		expect(findSchemaProblems(small, {verifyParseTrees: true})).toEqual([]);
		expect(() => generateLargeSchema({attributeMappings: 100, attributeDefinitions: 100})).toThrow(RangeError);
	});

	it('is deterministic: two tenants hold identical content', () => {
		const first = new DemoTenant({largeSchema: {attributeMappings: 200, attributeDefinitions: 500}});
		const second = new DemoTenant({largeSchema: {attributeMappings: 200, attributeDefinitions: 500}});
		expect(JSON.stringify(second.servicePrincipals)).toBe(JSON.stringify(first.servicePrincipals));
		expect(JSON.stringify(second.jobs)).toBe(JSON.stringify(first.jobs));
		expect(JSON.stringify([...second.templates])).toBe(JSON.stringify([...first.templates]));
		expect(JSON.stringify(generateLargeSchema({attributeMappings: 300, attributeDefinitions: 700}))).toBe(
			JSON.stringify(generateLargeSchema({attributeMappings: 300, attributeDefinitions: 700})),
		);
	});

	it('finds the data folder from any depth below the package root (bundled dist/ too)', () => {
		const root = findPackageRoot();
		expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name).toBe('provisioning-explorer');
		expect(findPackageRoot(pathToFileURL(join(root, 'dist', 'chunks', 'chunk-ABC.js')).href)).toBe(root);
		expect(findPackageRoot(pathToFileURL(join(root, 'dist', 'cli.js')).href)).toBe(root);
	});
});

describe('the demo tenant over HTTP', () => {
	let simulator: Simulator;
	let token: string;

	beforeAll(async () => {
		simulator = await startSimulator({largeSchema: {attributeMappings: 2_000, attributeDefinitions: 5_000}});
		token = tokenFor(simulator, readScopes);
	});
	afterAll(() => simulator.close());

	it('serves a consistent schema for every job', async () => {
		for (const job of simulator.tenant.jobs) {
			const result = await call(simulator, schemaPath(job.servicePrincipalId, job.job.id), {token});
			expect(result.status).toBe(200);
			const schema = result.json() as SynchronizationSchema;
			const isFixture = job.job.id === cloudSyncProvisioningJobId;
			expect(findSchemaProblems(schema, {allowMultipleAnchors: isFixture, verifyParseTrees: !isFixture}), job.job.id).toEqual([]);
			expect(schema.id).toBe(job.job.id);
			expect(schema.version).toBe(job.schema.version);
			if (!isFixture) expect(schema['@odata.context']).toContain(`servicePrincipals('${job.servicePrincipalId}')`);
		}
	});

	it('lists the large app with its job', async () => {
		const large = simulator.tenant.servicePrincipals.find((each) => each.displayName === 'Contoso HR (large)');
		expect(large).toBeDefined();
		const [job] = simulator.tenant.jobsOf(large?.id as string);
		const schema = JSON.parse(job?.schema.text as string) as SynchronizationSchema;
		expect(mappingsOf(schema)).toHaveLength(2_000);
		expect(definitionCount(schema)).toBe(5_000);
		expect(simulator.tenant.findJob(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)).toBeDefined();
	});
});
