/**
 * The explorer's expression-test core: where a test runs (Graph, or our evaluator with the reason) and the job's
 * case file run before a write (failing cases block, a case file not written yet does not).
 */
import {mkdtemp, writeFile} from 'node:fs/promises';
import {readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {readOnlyTestReason, runExpressionTest, runJobCases} from '../../source/explorer/expression-tests.js';
import type {TenantOperations} from '../../source/explorer/services.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';

const schema = JSON.parse(readFileSync(new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url), 'utf8')) as SynchronizationSchema;
const accountEnabled = {model: schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.find((mapping) => mapping.targetAttributeName === 'AccountEnabled')!};
const job = {servicePrincipalId: 'sp', jobId: 'job'};

function tenant(answer: () => Promise<unknown>): TenantOperations {
	return {testExpression: answer} as unknown as TenantOperations;
}

describe('runExpressionTest', () => {
	it('asks Graph when it may, and says why it did not otherwise', async () => {
		const graph = await runExpressionTest({mapping: accountEnabled, input: {userAccountControl: '514'}, schema, tenant: tenant(async () => ({ok: true, mode: 'graph', value: 'False', notes: []})), job, readOnly: false});
		expect(graph).toEqual({result: {ok: true, mode: 'graph', value: 'False', notes: []}});
		const readOnly = await runExpressionTest({mapping: accountEnabled, input: {userAccountControl: '512'}, schema, tenant: tenant(async () => ({})), job, readOnly: true});
		expect(readOnly).toMatchObject({result: {ok: true, mode: 'local', value: 'True'}, localBecause: readOnlyTestReason});
		const failing = await runExpressionTest({mapping: accountEnabled, input: {userAccountControl: '514'}, schema, tenant: tenant(async () => Promise.reject(new Error('socket hang up'))), job, readOnly: false});
		expect(failing).toMatchObject({result: {mode: 'local', value: 'False'}, localBecause: 'Graph could not be asked: socket hang up'});
	});
});

describe('runJobCases', () => {
	it('failing cases block with input, expected and got; passing ones do not', async () => {
		const directory = await mkdtemp(join(tmpdir(), 'pvx-job-cases-'));
		const path = join(directory, 'contoso.tests.json');
		await writeFile(path, JSON.stringify({cases: [
			{target: 'AccountEnabled', input: {userAccountControl: '514'}, expect: 'False'},
			{target: 'AccountEnabled', input: {userAccountControl: '512'}, expect: 'False'},
		]}));
		const run = await runJobCases({path, document: schema, readOnly: false});
		expect(run.problems).toEqual([expect.objectContaining({severity: 'error', message: 'expression test case 2: AccountEnabled failed: expected "False", got "True"'})]);
		expect(run.lines).toEqual([
			`Expression tests: 1 of 2 passed in ${path} (local evaluation).`,
			'  ✓ case 1: AccountEnabled → "False"',
			'  ✗ case 2: AccountEnabled',
			'      input:    userAccountControl = "512"',
			'      expected: "False"',
			'      got:      "True" (local evaluation)',
		]);
	});

	it('a case file not written yet warns and does not block; one that does not parse blocks', async () => {
		const directory = await mkdtemp(join(tmpdir(), 'pvx-job-cases-'));
		const missing = await runJobCases({path: join(directory, 'none.tests.json'), document: schema, readOnly: false});
		expect(missing.problems).toEqual([expect.objectContaining({severity: 'warning', message: expect.stringMatching(/^No expression tests ran: there is no case file at/)})]);
		const broken = join(directory, 'broken.tests.json');
		await writeFile(broken, '{"cases": [');
		const run = await runJobCases({path: broken, document: schema, readOnly: false});
		expect(run.problems).toEqual([expect.objectContaining({severity: 'error', message: expect.stringContaining('is not valid JSON')})]);
	});
});
