import {readdirSync, readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {buildPlan} from '../../source/edit/plan.js';
import {expressionToMappingSource} from '../../source/expressions/parser.js';
import {buildSchemaIndex} from '../../source/schema/navigation.js';
import {storedTreeMismatch} from '../../source/schema/stored-tree.js';
import type {AttributeMappingSource, SynchronizationSchema} from '../../source/schema/types.js';
import {
	generateLargeSchema,
	generatePasswordHashSchema,
	generateSalesforceSchema,
	generateScimSchema,
	generateWorkdaySchema,
} from '../../source/simulator/index.js';
import {parseFixture} from './fixture.js';

const repository = resolve(import.meta.dirname, '../..');
const identity = {servicePrincipalId: 'sp', jobId: 'job', version: 'v'};

/** Every schema we know of: the shared fixtures, the simulator's data files and the demo tenant's generated schemas. */
function allSchemas(): Array<[string, SynchronizationSchema]> {
	const files = [
		...readdirSync(join(repository, '../shared/fixtures')).filter((name) => name.endsWith('.json')).map((name) => join(repository, '../shared/fixtures', name)),
		...readdirSync(join(repository, 'source/simulator/data')).filter((name) => name.endsWith('.json')).map((name) => join(repository, 'source/simulator/data', name)),
	];
	return [
		...files.map((file): [string, SynchronizationSchema] => [file.slice(file.lastIndexOf('/', file.lastIndexOf('/') - 1) + 1), JSON.parse(readFileSync(file, 'utf8'))]),
		['generated password hash', generatePasswordHashSchema(identity)],
		['generated Workday', generateWorkdaySchema(identity)],
		['generated SCIM', generateScimSchema(identity)],
		['generated Salesforce', generateSalesforceSchema(identity)],
		['generated large', generateLargeSchema({attributeMappings: 300, attributeDefinitions: 400})],
	];
}

describe('stored parse trees that their text does not reproduce', () => {
	it("finds exactly one in every schema we have: cloud sync's onPremisesUserPrincipalName, whose Join carries %DomainFQDN%", () => {
		const found: string[] = [];
		for (const [name, schema] of allSchemas()) {
			for (const node of buildSchemaIndex(schema).attributeMappings()) {
				const mismatch = storedTreeMismatch(node.mapping.source);
				if (mismatch) found.push(`${name} · ${node.parent.label} · ${node.mapping.targetAttributeName}: ${mismatch.message}`);
			}
		}
		const message = 'the stored parse tree has a constant `%DomainFQDN%` that the expression text does not show; editing the text drops it';
		expect(found.sort()).toEqual([
			`data/cloud-sync-ad2aad.schema.json · Synchronize Active Directory users to Azure Active Directory · onPremisesUserPrincipalName: ${message}`,
			`fixtures/cloud-sync-ad2aad.schema.json · Synchronize Active Directory users to Azure Active Directory · onPremisesUserPrincipalName: ${message}`,
		]);
	});

	it('a tree the text reproduces is not reported, whatever its keys and spacing', () => {
		const source = expressionToMappingSource('Join("@", [sAMAccountName], "contoso.com")');
		expect(storedTreeMismatch(source)).toBeUndefined();
		const renamedKeys = {...source, expression: 'Join( "@" ,[sAMAccountName],"contoso.com" )', parameters: source.parameters!.map((parameter, index) => ({...parameter, key: `p${index}`}))};
		expect(storedTreeMismatch(renamedKeys)).toBeUndefined();
	});

	it('names a different value and a missing parameter in words', () => {
		const source = expressionToMappingSource('Join("@", [mail], "contoso.com")') as AttributeMappingSource;
		const tree = structuredClone(source);
		tree.parameters![1]!.value = {expression: '[userPrincipalName]', name: 'userPrincipalName', type: 'Attribute', parameters: []};
		tree.parameters!.pop();
		expect(storedTreeMismatch(tree)?.parts).toEqual(['an attribute `[userPrincipalName]` where the text has attribute `[mail]`', 'no constant `contoso.com` although the text has it']);
	});

	it("the fixture's mapping is what the plan and the detail view talk about", () => {
		const mapping = [...buildSchemaIndex(parseFixture()).attributeMappings()].find((node) => node.mapping.targetAttributeName === 'onPremisesUserPrincipalName');
		expect(storedTreeMismatch(mapping?.mapping.source)?.parts).toEqual(['a constant `%DomainFQDN%`']);
	});
});

describe('the plan and a stored tree the text does not show', () => {
	const upn = (schema: SynchronizationSchema) => [...buildSchemaIndex(schema).attributeMappings()].find((node) => node.mapping.targetAttributeName === 'onPremisesUserPrincipalName')!.mapping;

	it('warns when a new text drops the hidden constant, and not when a JSON edit keeps it', () => {
		const live = parseFixture();
		const byText = structuredClone(live);
		const text = upn(live).source!.expression!.replace('AccountName is not present', 'no account name');
		upn(byText).source = {...expressionToMappingSource(text), expression: text};
		expect(buildPlan(live, byText).warnings).toContain(
			'User ← user · onPremisesUserPrincipalName: the stored parse tree has a constant `%DomainFQDN%` that the expression text does not show; editing the text drops it. To keep it, edit the mapping\'s JSON (e in the explorer) instead of its text.',
		);
		const byJson = structuredClone(live);
		const kept = JSON.parse(JSON.stringify(upn(live).source).replaceAll('AccountName is not present', 'no account name'));
		upn(byJson).source = kept;
		const plan = buildPlan(live, byJson);
		expect(plan.counts.changed).toBe(1);
		expect(plan.droppedFromStoredTrees).toEqual([]);
	});
});
