/**
 * Case files: what a broken file says, running cases on a schema (found, ambiguous and missing mappings,
 * expected values, lists, null and errors), saving a case atomically for a UI's one-key save, the fields a test
 * screen shows and the last values it prefills.
 */
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {CaseFileError, caseFromTest, defaultCaseFilePath, parseCaseFile, runCases, saveCase} from '../../source/expressions/case-file.js';
import {loadLastValues, saveLastValues} from '../../source/expressions/last-values.js';
import {findMapping, graphTestResult, runLocalTest, sourceFields, testFields, testInputObject} from '../../source/expressions/test-runner.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {parseFixture} from '../schema/fixture.js';

let folder: string;
beforeEach(async () => {
	folder = await mkdtemp(join(tmpdir(), 'pvx-cases-'));
});
afterEach(async () => {
	await rm(folder, {recursive: true, force: true});
});

const local = async (schema: SynchronizationSchema, text: string) =>
	runCases(schema, parseCaseFile(text, 'tests.json'), async (mapping, input) => runLocalTest(mapping, input, {flavor: 'cloudSync'}));

describe('case files', () => {
	it('say what is wrong in one line, naming the case and the field', () => {
		const problem = (text: string) => {
			try {
				parseCaseFile(text, 'x.tests.json');
			} catch (error) {
				expect(error).toBeInstanceOf(CaseFileError);
				return (error as Error).message;
			}
			throw new Error('no error');
		};
		expect(problem('{"cases": [')).toMatch(/^x\.tests\.json is not valid JSON: /);
		expect(problem('{"case": []}')).toBe('x.tests.json: unknown key "case" (a case file has "cases" and "silence")');
		expect(problem('{"cases": [{"input": {}, "expect": "x"}]}')).toBe('x.tests.json case 1 needs "target", the target attribute of the mapping to test');
		expect(problem('{"cases": [{"target": "A", "input": {"uac": 514}, "expect": "x"}]}')).toBe(
			'x.tests.json case 1: input "uac" must be a string, a list of strings or null, not 514 (write numbers and booleans in quotes: "514", "True")',
		);
		expect(problem('{"cases": [{"target": "A", "input": {}}]}')).toBe('x.tests.json case 1 needs either "expect" (a string, a list of strings or null) or "expectError"');
		expect(problem('{"cases": [{"target": "A", "input": {}, "expected": "x"}]}')).toMatch(/^x\.tests\.json case 1: unknown key "expected"/);
		expect(problem('{"silence": [{"rule": "SW-NULL", "target": "A"}]}')).toBe('x.tests.json silence 1 needs "reason": why the rule does not apply to this mapping');
	});

	it('run against the schema: strings, lists, null, expected errors, and mappings that are not there', async () => {
		const outcomes = await local(
			parseFixture(),
			JSON.stringify({
				cases: [
					{target: 'AccountEnabled', input: {userAccountControl: '514'}, expect: 'False'},
					{target: 'AccountEnabled', objectMapping: 'user→User', input: {userAccountControl: '512'}, expect: 'False'},
					{target: 'ProxyAddresses', input: {proxyAddresses: ['SMTP:a@contoso.com ', 'smtp:b@contoso.com']}, expect: ['SMTP:a@contoso.com', 'smtp:b@contoso.com']},
					{target: 'Department', input: {}, expect: null},
					{target: 'onPremisesUserPrincipalName', input: {}, expectError: 'AccountName is not present'},
					{target: 'accountenabled', input: {}, expect: 'True'},
					{target: 'Department', objectMapping: 'group→Group', input: {}, expect: null},
				],
			}),
		);
		expect(outcomes.map((outcome) => [outcome.status, outcome.message])).toEqual([
			['pass', undefined],
			['fail', 'expected "False", got "True"'],
			['pass', undefined],
			['pass', undefined],
			['pass', undefined],
			['fail', 'no attribute mapping targets "accountenabled" (names are case-sensitive: did you mean "AccountEnabled"?)'],
			['fail', expect.stringMatching(/^no object mapping "group→Group" in this schema \(there are: "Synchronize Active Directory users to Azure Active Directory" or user→User; →SyncCredentialsChangeItem\)$/)],
		]);
	});

	it('need "objectMapping" when a target is mapped in several object mappings', async () => {
		const schema = parseFixture();
		const rule = schema.synchronizationRules![0]!;
		rule.objectMappings!.push({...structuredClone(rule.objectMappings![0]!), name: 'Contacts', sourceObjectName: 'contact', targetObjectName: 'Contact'});
		expect(() => findMapping(schema, {target: 'Department'})).toThrow('"Department" is mapped in 2 object mappings (user→User, contact→Contact); say which with "objectMapping"');
		expect(findMapping(schema, {target: 'Department', objectMapping: 'Contacts'}).parent.model.name).toBe('Contacts');
		expect(findMapping(schema, {target: 'Department', objectMapping: 'contact->Contact'}).parent.model.name).toBe('Contacts');
	});

	it('save a case atomically: created, appended, replaced for the same mapping and input, other keys kept', async () => {
		const path = join(folder, 'contoso.AD2AADProvisioning.tests.json');
		await saveCase(path, {target: 'AccountEnabled', input: {userAccountControl: '514'}, expect: 'False'});
		await saveCase(path, {target: 'AccountEnabled', input: {userAccountControl: '512'}, expect: 'True'});
		const before = JSON.parse(await readFile(path, 'utf8'));
		await writeFile(path, JSON.stringify({description: 'kept', ...before, silence: [{rule: 'SW-NULL', target: 'Department', reason: 'r'}]}));
		await saveCase(path, {target: 'AccountEnabled', input: {userAccountControl: '514'}, expect: 'No'});
		const after = JSON.parse(await readFile(path, 'utf8'));
		expect(after).toEqual({
			description: 'kept',
			cases: [
				{target: 'AccountEnabled', input: {userAccountControl: '512'}, expect: 'True'},
				{target: 'AccountEnabled', input: {userAccountControl: '514'}, expect: 'No'},
			],
			silence: [{rule: 'SW-NULL', target: 'Department', reason: 'r'}],
		});
		// Nothing but the file itself is left in the folder (the temporary file was renamed over it).
		expect(await readdir(folder)).toEqual(['contoso.AD2AADProvisioning.tests.json']);
		await writeFile(path, '{"cases": 3}');
		await expect(saveCase(path, {target: 'A', input: {}, expect: null})).rejects.toThrow('"cases" must be a list');
		expect(await readFile(path, 'utf8')).toBe('{"cases": 3}');
		expect(defaultCaseFilePath('/x/contoso.AD2AADProvisioning.schema.json')).toBe('/x/contoso.AD2AADProvisioning.tests.json');
	});
});

describe('what a test screen needs', () => {
	it('one field per source attribute the expression reads, with multi-valued ones marked', () => {
		const schema = parseFixture();
		expect(testFields(findMapping(schema, {target: 'AccountEnabled'}))).toEqual([
			{name: 'userAccountControl', multiValued: false, type: 'Integer', defined: true},
			{name: 'accountDisabled', multiValued: false, type: 'Boolean', defined: true},
		]);
		expect(testFields(findMapping(schema, {target: 'ProxyAddresses'}))).toEqual([{name: 'proxyAddresses', multiValued: true, type: 'String', defined: true}]);
	});

	it('tests an edited expression before it is accepted, and turns a run into a case to save', () => {
		const schema = parseFixture();
		const node = findMapping(schema, {target: 'Department'});
		const edited = {type: 'Function' as const, expression: 'ToUpper(Coalesce([department], [company]))'};
		expect(sourceFields(edited, node.parent.sourceObject).map((field) => field.name)).toEqual(['department', 'company']);
		const result = runLocalTest({model: {...node.model, source: edited}}, {company: 'Contoso'});
		expect(result).toEqual({ok: true, mode: 'local', value: 'CONTOSO', notes: []});
		// The schema is unchanged: the edit was only tested.
		expect(runLocalTest(node, {company: 'Contoso'})).toMatchObject({value: null});
		expect(caseFromTest(schema, node, {company: 'Contoso'}, result)).toEqual({target: 'Department', input: {company: 'Contoso'}, expect: 'CONTOSO'});
		const upn = findMapping(schema, {target: 'onPremisesUserPrincipalName'});
		expect(caseFromTest(schema, upn, {}, runLocalTest(upn, {}))).toEqual({target: 'onPremisesUserPrincipalName', input: {}, expectError: 'AccountName is not present'});
		expect(caseFromTest(schema, upn, {}, {ok: false, mode: 'local', reason: 'unsupported', message: 'x'})).toBeUndefined();
	});

	it('remembers the last values per job and prefills only the fields asked for (file mode 0600)', async () => {
		const path = join(folder, 'state', 'expression-test-values.json');
		const fields = testFields(findMapping(parseFixture(), {target: 'AccountEnabled'}));
		expect(await loadLastValues('sp/job', fields, path)).toEqual({});
		await saveLastValues('sp/job', {userAccountControl: '514', proxyAddresses: ['a']}, path);
		await saveLastValues('other/job', {userAccountControl: '1'}, path);
		expect(await loadLastValues('sp/job', fields, path)).toEqual({userAccountControl: '514'});
		expect((await stat(path)).mode & 0o777).toBe(0o600);
	});

	it("builds Graph's documented testInputObject and reads its answer", () => {
		expect(testInputObject({preferredLanguage: 'EN-US', roles: ['Default Assignment'], absent: null})).toEqual({
			definition: null,
			properties: [
				{key: 'preferredLanguage', value: 'EN-US'},
				{key: 'roles', 'value@odata.type': '#Collection(String)', value: ['Default Assignment']},
			],
		});
		const mapping = {targetAttributeName: 'X', defaultValue: 'fallback'};
		expect(graphTestResult({parsingSucceeded: true, evaluationSucceeded: true, evaluationResult: ['EN_US']}, mapping)).toEqual({ok: true, mode: 'graph', value: 'EN_US', notes: []});
		expect(graphTestResult({parsingSucceeded: true, evaluationSucceeded: true, evaluationResult: ['a', 'b']}, mapping)).toMatchObject({value: ['a', 'b']});
		expect(graphTestResult({parsingSucceeded: true, evaluationSucceeded: true, evaluationResult: []}, mapping)).toEqual({
			ok: true,
			mode: 'graph',
			value: null,
			notes: ['The expression gives no value: when an object is created, the mapping\'s default value "fallback" is used.'],
		});
		expect(graphTestResult({parsingSucceeded: false, error: {message: 'Unknown function'}}, mapping)).toEqual({ok: false, mode: 'graph', reason: 'parse', message: 'Graph cannot parse the expression: Unknown function'});
		expect(graphTestResult({parsingSucceeded: true, evaluationSucceeded: false, error: {message: 'boom'}}, mapping)).toEqual({ok: false, mode: 'graph', reason: 'error', message: 'boom'});
	});
});
