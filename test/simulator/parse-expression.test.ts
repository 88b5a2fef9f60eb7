import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import type {AttributeMappingSource, SynchronizationSchema} from '../../source/schema/types.js';
import {call, schemaPath, tokenFor, writeScopes} from './helpers.js';

type ParseResponse = {
	error: {code: string; message: string} | null;
	evaluationResult: string[] | null;
	evaluationSucceeded: boolean;
	parsedExpression: AttributeMappingSource | null;
	parsingSucceeded: boolean;
};

const fixture = JSON.parse(readFileSync(new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url), 'utf8')) as SynchronizationSchema;
const fixtureSources = (fixture.synchronizationRules ?? [])
	.flatMap((rule) => rule.objectMappings ?? [])
	.flatMap((mapping) => mapping.attributeMappings ?? [])
	.flatMap((mapping) => (mapping.source && typeof mapping.source.expression === 'string' ? [mapping.source] : []));

/** The fixture's Join("@", [sAMAccountName], ) stores an extra %DomainFQDN% constant for the empty argument; drop it to compare. */
function withoutPlaceholders(source: AttributeMappingSource): AttributeMappingSource {
	return {
		...source,
		parameters: (source.parameters ?? [])
			.filter((parameter) => !(parameter.value.type === 'Constant' && parameter.value.expression === null))
			.map((parameter) => ({...parameter, value: withoutPlaceholders(parameter.value)})),
	};
}

describe('POST …/schema/parseExpression', () => {
	let simulator: Simulator;
	let token: string;

	beforeAll(async () => {
		simulator = await startSimulator();
		token = tokenFor(simulator, writeScopes);
	});
	afterAll(() => simulator.close());

	const parse = async (expression: string, extra: Record<string, unknown> = {}): Promise<ParseResponse> => {
		const result = await call(simulator, `${schemaPath(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)}/parseExpression`, {
			method: 'POST',
			token,
			headers: {'content-type': 'application/json'},
			body: JSON.stringify({expression, testInputObject: null, targetAttributeDefinition: null, ...extra}),
		});
		expect(result.status).toBe(200);
		return result.json() as ParseResponse;
	};

	it(`parses every expression of the fixture (${fixtureSources.length}) into the tree the service stored`, async () => {
		expect(fixtureSources.length).toBeGreaterThan(100);
		for (const source of fixtureSources) {
			const response = await parse(source.expression as string);
			expect(response.parsingSucceeded, source.expression as string).toBe(true);
			expect(response.error).toBeNull();
			expect(response.parsedExpression).toEqual(withoutPlaceholders(source));
		}
	});

	it('accepts empty positional arguments', async () => {
		const join = await parse('Join("@", [sAMAccountName], )');
		expect(join.parsingSucceeded).toBe(true);
		expect(join.parsedExpression?.parameters?.map((each) => each.key)).toEqual(['separator', 'source']);

		const formatDateTime = await parse('FormatDateTime([x], , "a", "b")');
		expect(formatDateTime.parsingSucceeded).toBe(true);
		expect(formatDateTime.parsedExpression?.parameters?.map((each) => each.key)).toEqual(['source', 'inputFormat', 'outputFormat']);

		const replace = await parse('Replace([x], , "re", , "", , )');
		expect(replace.parsingSucceeded).toBe(true);
		expect(replace.parsedExpression?.expression).toBe('Replace([x], , "re", , "", , )');
	});

	it('builds the docs example tree and evaluates it against testInputObject', async () => {
		const response = await parse('Replace([preferredLanguage], "-", , , "_", ,  )', {
			testInputObject: {definition: null, properties: [{key: 'preferredLanguage', value: 'EN-US'}]},
		});
		expect(response).toMatchObject({parsingSucceeded: true, evaluationSucceeded: true, evaluationResult: ['EN_US'], error: null});
		expect(response.parsedExpression).toEqual({
			expression: 'Replace([preferredLanguage], "-", , , "_", , )',
			name: 'Replace',
			type: 'Function',
			parameters: [
				{key: 'source', value: {expression: '[preferredLanguage]', name: 'preferredLanguage', type: 'Attribute', parameters: []}},
				{key: 'Find', value: {expression: '"-"', name: '-', type: 'Constant', parameters: []}},
				{key: 'Replacement', value: {expression: '"_"', name: '_', type: 'Constant', parameters: []}},
			],
		});
	});

	it('does not evaluate without test input', async () => {
		const response = await parse('Trim([mail])');
		expect(response).toMatchObject({parsingSucceeded: true, evaluationSucceeded: false, evaluationResult: null, error: null});
	});

	it('evaluates IIF with a comparison, Switch and Join', async () => {
		const properties = [
			{key: 'userAccountControl', value: '514'},
			{key: 'givenName', value: 'Ada'},
			{key: 'surname', value: 'Lovelace'},
			{key: 'IsSoftDeleted', value: 'False'},
		];
		const evaluate = async (expression: string) => (await parse(expression, {testInputObject: {properties}})).evaluationResult;
		expect(await evaluate('IIF(BitAnd([userAccountControl], 2)="0", "True", "False")')).toEqual(['False']);
		expect(await evaluate('Switch([IsSoftDeleted], , "False", "True", "True", "False")')).toEqual(['True']);
		expect(await evaluate('Join(" ", [givenName], [surname])')).toEqual(['Ada Lovelace']);
		expect(await evaluate('Guid()')).toEqual([expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)]);
		// App role objects are the service's; the demo tenant says it cannot evaluate them.
		const unsupported = await parse('AppRoleAssignmentsComplex([appRoleAssignments])', {testInputObject: {properties}});
		expect(unsupported).toMatchObject({parsingSucceeded: true, evaluationSucceeded: false});
		expect(unsupported.error?.message).toMatch(/^The demo tenant cannot evaluate this expression: AppRoleAssignmentsComplex /);
	});

	it('allows attribute names with colons, dots, dashes and nested brackets with quotes', async () => {
		const scim = await parse('Join(" ", [urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department], [emails[type eq "work"].value], [mS-DS-ConsistencyGuid], [passwordProfile.password])');
		expect(scim.parsingSucceeded).toBe(true);
		expect(scim.parsedExpression?.parameters?.map((each) => each.value.name)).toEqual([
			' ',
			'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
			'emails[type eq "work"].value',
			'mS-DS-ConsistencyGuid',
			'passwordProfile.password',
		]);
	});

	it('parses hex numbers, identifiers, escaped strings and comparison operators', async () => {
		expect((await parse('BitAnd(&HF, &HF7)')).parsingSucceeded).toBe(true);
		expect((await parse('InStr([displayName], "x", , vbTextCompare)')).parsingSucceeded).toBe(true);
		const escaped = await parse('Append([company], " \\"Contoso\\" \\\\ x")');
		expect(escaped.parsedExpression?.parameters?.[1]?.value.name).toBe(' "Contoso" \\ x');
		for (const operator of ['=', '<>', '>', '>=', '<', '<=']) {
			const response = await parse(`IIF([a]${operator}"1", "yes", "no")`);
			expect(response.parsingSucceeded, operator).toBe(true);
			expect(response.parsedExpression?.parameters?.map((each) => each.key)).toEqual(['one', 'two', 'three', 'four', 'five']);
			expect(response.parsedExpression?.parameters?.[1]?.value).toEqual({expression: `"${operator}"`, name: operator, type: 'Constant', parameters: []});
		}
	});

	it.each([
		['unbalanced parenthesis', 'Trim(Left([mail], 3)', /never closed/],
		['unterminated string', 'Join("@, [mail])', /Unterminated string literal starting at position 6/],
		['unterminated attribute', 'Trim([mail)', /Unterminated attribute name/],
		['stray closing parenthesis', 'Trim([mail]))', /Unexpected '\)' at position 13/],
		['unknown function', 'Frobnicate([mail])', /Unknown function 'Frobnicate' at position 1/],
		['wrong-case function name', 'trim([mail])', /did you mean 'Trim'/],
		['too few arguments', 'Left([mail])', /takes 2 arguments but was given 1/],
		['nested SelectUniqueValue', 'Join("", SelectUniqueValue([a], [b]))', /whole expression/],
		['comparison outside IIF', '[a]="b"', /only allowed in the condition of IIF or CBool/],
		['bare word', 'Trim(mail)', /Unknown identifier 'mail'/],
		['empty expression', '   ', /empty/],
	])('reports a parse failure for %s', async (_name, expression, message) => {
		const response = await parse(expression);
		expect(response.parsingSucceeded).toBe(false);
		expect(response.parsedExpression).toBeNull();
		expect(response.evaluationSucceeded).toBe(false);
		expect(response.error?.code).toBe('ExpressionParsingFailed');
		expect(response.error?.message).toMatch(message);
	});

	it('rejects a request without an expression or with a non-JSON body', async () => {
		const url = `${schemaPath(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)}/parseExpression`;
		const missing = await call(simulator, url, {method: 'POST', token, headers: {'content-type': 'application/json'}, body: '{}'});
		expect(missing.status).toBe(400);
		const broken = await call(simulator, url, {method: 'POST', token, headers: {'content-type': 'application/json'}, body: '{'});
		expect(broken.status).toBe(400);
	});
});
