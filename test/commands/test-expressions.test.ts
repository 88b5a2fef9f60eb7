/**
 * `test-expressions` as a child process, locally and through a demo tenant's parseExpression (with a
 * testInputObject); `import --cases` and `patch --cases` refuse to write when a case fails; `validate` names rule
 * ids and honours a case file's silences.
 */
import {describe, expect, it} from 'vitest';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {fixturePath, parseFixture} from '../schema/fixture.js';
import {expectOneLineError, runCli} from './cli.js';
import {attributeMapping, demoArgs, demoJob, liveSchema, puts, userMapping, freshDemoTenantPerTest} from './write-helpers.js';

const tenant = freshDemoTenantPerTest('pvx-test-expressions-');

const accountEnabledCases = {
	cases: [
		{target: 'AccountEnabled', input: {userAccountControl: '514'}, expect: 'False'},
		{target: 'AccountEnabled', input: {userAccountControl: '512'}, expect: 'True'},
		{name: 'addresses', target: 'ProxyAddresses', input: {proxyAddresses: ['SMTP:adele@contoso.com', 'SMTP:adele@contoso.com ']}, expect: ['SMTP:adele@contoso.com']},
		{target: 'onPremisesUserPrincipalName', input: {}, expectError: 'AccountName is not present'},
	],
};

/** The fixture with AccountEnabled's True and False swapped: a plausible slip the cases catch. */
function swappedSchema(): SynchronizationSchema {
	const schema = parseFixture();
	attributeMapping(schema, 'AccountEnabled')!.source = {
		type: 'Function',
		name: 'IIF',
		expression: 'IIF(BitAnd([userAccountControl], 2)="0", "False", "True")',
		parameters: [],
	};
	return schema;
}

const parseExpressionRequests = () => tenant.simulator.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/schema/parseExpression'));

describe('test-expressions, local evaluation', () => {
	it('passes the fixture\'s AccountEnabled cases (514 → "False", 512 → "True") and says it evaluated locally (exit 0)', async () => {
		const cases = await tenant.workspace.file('contoso.AD2AADProvisioning.tests.json', accountEnabledCases);
		const result = await runCli(['test-expressions', fixturePath, '--cases', cases]);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toBe(
			[
				'✓ case 1: AccountEnabled → "False"',
				'✓ case 2: AccountEnabled → "True"',
				'✓ case 3 "addresses": ProxyAddresses → ["SMTP:adele@contoso.com"]',
				'✓ case 4: onPremisesUserPrincipalName → the expected error',
				"cloud-sync-ad2aad.schema.json: 4 of 4 cases passed, 0 failed (local evaluation (provisioning-explorer's evaluator, not Graph)).",
				'',
			].join('\n'),
		);
		expect(tenant.simulator.requests).toEqual([]);
	});

	it('shows each failure with its input, the expected and the actual result (exit 1), also as JSON', async () => {
		const schema = await tenant.workspace.file('swapped.schema.json', swappedSchema());
		const cases = await tenant.workspace.file('swapped.tests.json', accountEnabledCases);
		const result = await runCli(['test-expressions', schema, '--cases', cases]);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain(['✗ case 1: AccountEnabled', '    input:    userAccountControl = "514"', '    expected: "False"', '    got:      "True" (local evaluation)'].join('\n'));
		expect(result.stdout).toMatch(/swapped\.schema\.json: 2 of 4 cases passed, 2 failed/);
		const json = await runCli(['test-expressions', schema, '--cases', cases, '--json']);
		expect(json.code).toBe(1);
		const report = JSON.parse(json.stdout);
		expect(report).toMatchObject({mode: 'local', passed: 2, failed: 2});
		expect(report.results[0]).toMatchObject({number: 1, target: 'AccountEnabled', input: {userAccountControl: '514'}, expect: 'False', status: 'fail', got: 'True'});
	});

	it('refuses bad usage with one line and exit 2', async () => {
		const cases = await tenant.workspace.file('ok.tests.json', accountEnabledCases);
		const broken = await tenant.workspace.file('broken.tests.json', '{"cases": [{"target": "AccountEnabled", "input": {"userAccountControl": 514}, "expect": "False"}]}');
		for (const args of [
			['test-expressions', fixturePath],
			['test-expressions', '--cases', cases],
			['test-expressions', fixturePath, '--cases', broken],
			['test-expressions', fixturePath, '--cases', `${cases}.missing`],
			['test-expressions', fixturePath, '--cases', cases, '--job', 'AD2AADProvisioning'],
		]) {
			const result = await runCli(args);
			expect(result.code, args.join(' ')).toBe(2);
			expectOneLineError(result);
		}
		const numbers = await runCli(['test-expressions', fixturePath, '--cases', broken]);
		expect(expectOneLineError(numbers)).toContain('input "userAccountControl" must be a string, a list of strings or null, not 514');
	});
});

describe('test-expressions --sp, through the job\'s parseExpression', () => {
	it('sends each case with a testInputObject (lists as #Collection(String)) and reports Graph\'s answers', async () => {
		const cases = await tenant.workspace.file('graph.tests.json', accountEnabledCases);
		const schema = await tenant.workspace.file('swapped-graph.schema.json', swappedSchema());
		const result = await runCli(['test-expressions', schema, '--cases', cases, ...demoArgs(tenant.simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning']);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain(['✗ case 1: AccountEnabled', '    input:    userAccountControl = "514"', '    expected: "False"', `    got:      "True" (Graph's parseExpression)`].join('\n'));
		expect(result.stdout).toMatch(/2 of 4 cases passed, 2 failed \(Graph's parseExpression for contoso\.com \/ AD2AADProvisioning\)\.\n$/);
		const bodies = parseExpressionRequests().map((request) => JSON.parse(String(request.body)));
		expect(bodies).toHaveLength(4);
		expect(bodies[0]).toEqual({
			targetAttributeDefinition: null,
			expression: 'IIF(BitAnd([userAccountControl], 2)="0", "False", "True")',
			testInputObject: {definition: null, properties: [{key: 'userAccountControl', value: '514'}]},
		});
		expect(bodies[2].testInputObject.properties).toEqual([
			{key: 'proxyAddresses', 'value@odata.type': '#Collection(String)', value: ['SMTP:adele@contoso.com', 'SMTP:adele@contoso.com ']},
		]);
		expect(puts(tenant.simulator)).toEqual([]);

		const passing = await runCli(['test-expressions', fixturePath, '--cases', cases, ...demoArgs(tenant.simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning']);
		expect(passing.code).toBe(0);
		expect(passing.stdout).toMatch(/4 of 4 cases passed, 0 failed \(Graph's parseExpression/);
	});

	it('under --read-only says why Graph cannot evaluate, and sends nothing', async () => {
		const cases = await tenant.workspace.file('ro.tests.json', accountEnabledCases);
		const result = await runCli(['test-expressions', fixturePath, '--cases', cases, ...demoArgs(tenant.simulator), '--sp', 'contoso.com', '--read-only']);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toBe(
			"provisioning-explorer: Graph's parseExpression needs Synchronization.ReadWrite.All, which a --read-only sign-in does not ask for; leave out --read-only, or leave out --sp to evaluate locally.",
		);
		expect(tenant.simulator.requests).toEqual([]);
	});
});

describe('import and patch with --cases', () => {
	const target = () => [...demoArgs(tenant.simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning'];

	it('import: a failing case blocks the write like a failed check; passing cases let it through', async () => {
		const job = demoJob(tenant.simulator, 'contoso.com', 'AD2AADProvisioning');
		const live = liveSchema(job);
		attributeMapping(live, 'AccountEnabled')!.source = swappedSchema().synchronizationRules![0]!.objectMappings![0]!.attributeMappings![0]!.source;
		const file = await tenant.workspace.file('import-swapped.schema.json', live);
		const cases = await tenant.workspace.file('import.tests.json', accountEnabledCases);
		const blocked = await runCli(['import', ...target(), '--in', file, '--cases', cases, '--yes', '--json']);
		expect(blocked.code).toBe(1);
		expect(JSON.parse(blocked.stdout)).toMatchObject({status: 'invalid', expressionTests: {mode: 'graph', passed: 2, failed: 2, results: [{number: 1, status: 'fail', got: 'True'}, {}, {}, {}]}});
		expect(blocked.stderr).toMatch(/Expression tests: 2 of 4 passed in .*import\.tests\.json \(Graph's parseExpression\)\./);
		expect(blocked.stderr).toContain('  ✗ case 1: AccountEnabled\n      input:    userAccountControl = "514"\n      expected: "False"\n      got:      "True"');
		expect(blocked.stderr).toMatch(/Not written: 2 expression tests failed; fix them and run the command again\./);
		expect(puts(tenant.simulator)).toEqual([]);

		const fixed = liveSchema(job);
		attributeMapping(fixed, 'City')!.defaultValue = 'Redmond';
		const good = await tenant.workspace.file('import-good.schema.json', fixed);
		const written = await runCli(['import', ...target(), '--in', good, '--cases', cases, '--yes']);
		expect(written.stderr).toMatch(/Expression tests: 4 of 4 passed/);
		expect(written.code).toBe(0);
		expect(puts(tenant.simulator)).toHaveLength(1);
	});

	it('patch: a patch that breaks a tested expression is not written; under --read-only --dry-run the cases run locally', async () => {
		const patch = await tenant.workspace.file('swap.patch.json', [
			{
				op: 'replace',
				path: `${userMapping}/attributeMappings/[targetAttributeName=AccountEnabled]/source`,
				value: {type: 'Function', name: 'IIF', expression: 'IIF(BitAnd([userAccountControl], 2)="0", "False", "True")', parameters: []},
			},
		]);
		const cases = await tenant.workspace.file('patch.tests.json', accountEnabledCases);
		const blocked = await runCli(['patch', ...target(), '--patch', patch, '--cases', cases, '--yes']);
		expect(blocked.code).toBe(1);
		expect(blocked.stderr).toMatch(/Expression tests: 2 of 4 passed/);
		expect(puts(tenant.simulator)).toEqual([]);
		const readOnly = await runCli(['patch', ...target(), '--patch', patch, '--cases', cases, '--dry-run', '--read-only']);
		expect(readOnly.code).toBe(1);
		expect(readOnly.stderr).toMatch(/Expression tests: 2 of 4 passed in .* \(local evaluation \(provisioning-explorer's evaluator, not Graph\)\)\./);
	});
});

describe('validate and the lint rules', () => {
	it('names the rule and its documentation, and a case file can silence it for one mapping with a reason', async () => {
		const schema = parseFixture();
		attributeMapping(schema, 'Department')!.source = {type: 'Function', name: 'Switch', expression: 'Switch([department], , "HR", "Human Resources")', parameters: []};
		const file = await tenant.workspace.file('lint.schema.json', schema);
		const result = await runCli(['validate', file, '--json']);
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout).problems).toEqual([
			expect.objectContaining({severity: 'warning', rule: 'SW-NULL', link: expect.stringMatching(/^https:\/\/learn\.microsoft\.com\//)}),
		]);
		const text = await runCli(['validate', file]);
		expect(text.stdout).toMatch(/warning {2}User ← user · Department: Switch has no default value and no "" key.*\n.*SW-NULL https:\/\/learn/);
		const silence = await tenant.workspace.file('lint.tests.json', {silence: [{rule: 'SW-NULL', target: 'Department', reason: 'HR is the only department in this forest'}]});
		const silenced = await runCli(['validate', file, '--cases', silence, '--json']);
		expect(JSON.parse(silenced.stdout)).toMatchObject({errors: 0, warnings: 0, problems: []});
	});
});
