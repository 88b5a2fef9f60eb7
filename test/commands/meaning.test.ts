/**
 * `patch` prints the same plan the explorer shows (issue 9 §6): a scoping-filter change clause by clause and in the
 * summary's count, a stored parse tree the new text drops, and a JSON diff of the very body that would be sent.
 */
import {describe, expect, it} from 'vitest';
import {runCli} from './cli.js';
import {attributeMapping, demoArgs, demoJob, liveSchema, puts, userMapping, freshDemoTenantPerTest} from './write-helpers.js';

const tenant = freshDemoTenantPerTest('pvx-meaning-');

const provisioning = () => demoJob(tenant.simulator, 'contoso.com', 'AD2AADProvisioning');
const live = () => ['patch', ...demoArgs(tenant.simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--dry-run'];
const group = `${userMapping}/scope/inputFilterGroups/0/clauses`;

describe('patch prints the plan by meaning', () => {
	it('counts a scoping-filter change in the summary and shows it clause by clause', async () => {
		const path = await tenant.workspace.file('scope.patch.json', [
			{op: 'replace', path: `${group}/11/targetOperand/values/0`, value: 'OU=Synced,DC=mydomain,DC=tld'},
			{op: 'add', path: `${group}/-`, value: {operatorName: 'IS TRUE', sourceOperandName: 'isEmployee', targetOperand: null}},
		]);
		const result = await runCli([...live(), '--patch', path]);
		expect(result.code).toBe(0);
		expect(result.stderr).toContain('Summary: 0 attribute mappings to add, 0 to change, 0 to remove; 2 scoping-filter changes.');
		const scope = "scope inputFilterGroups 'DefaultUserExclusions.0.UX-OrganizationalGroup-Scope'";
		expect(result.stderr).toContain(`Object mapping User ← user\n    ~ ${scope}: distinguishedName ENDS_WITH "OU=Cloud,DC=mydomain,DC=tld" → distinguishedName ENDS_WITH "OU=Synced,DC=mydomain,DC=tld"\n`);
		expect(result.stderr).toContain(`    + ${scope}: isEmployee IS TRUE\n`);
		expect(result.stderr).not.toContain('isCriticalSystemObject IS FALSE AND');
		expect(puts(tenant.simulator)).toHaveLength(0);
	});

	it('shows each scoping value unambiguously: a value holding quotes or a comma is not read as several values', async () => {
		const path = await tenant.workspace.file('values.patch.json', [{op: 'replace', path: `${group}/11/targetOperand/values`, value: ['OU=A", "OU=B', 'back\\slash', '']}]);
		const result = await runCli([...live(), '--patch', path]);
		expect(result.code).toBe(0);
		expect(result.stderr).toContain('Summary: 0 attribute mappings to add, 0 to change, 0 to remove; 1 scoping-filter change.');
		// Each value is written as in JSON (the diff below uses the same form), so one value never looks like two.
		expect(result.stderr).toContain('→ distinguishedName ENDS_WITH "OU=A\\", \\"OU=B", "back\\\\slash", ""\n');
	});

	it('says what a new text drops from a stored parse tree, and diffs the body Graph will get', async () => {
		const source = attributeMapping(liveSchema(provisioning()), 'onPremisesUserPrincipalName')!.source!;
		const text = source.expression!.replace('AccountName is not present', 'sAMAccountName is missing');
		const path = await tenant.workspace.file('upn.patch.json', [
			{op: 'replace', path: `${userMapping}/attributeMappings/[targetAttributeName=onPremisesUserPrincipalName]/source`, value: {expression: text, name: 'IIF', type: 'Function', parameters: []}},
		]);
		const result = await runCli([...live(), '--patch', path]);
		expect(result.code).toBe(0);
		expect(result.stderr.replace(/\s+/g, ' ')).toContain(
			'User ← user · onPremisesUserPrincipalName: the stored parse tree has a constant `%DomainFQDN%` that the expression text does not show; editing the text drops it.',
		);
		// The diff shows Graph's own tree for the new text (what is sent), not the patch's empty parameter list.
		expect(result.stderr).toMatch(/^ {2}\+\s+"name": "sAMAccountName is missing",$/m);
		expect(result.stderr).toMatch(/^ {2}-\s+"name": "%DomainFQDN%",$/m);
	});

	it('sends a whole tree that keeps what its text does not show as it is, with no warning of a loss', async () => {
		const source = attributeMapping(liveSchema(provisioning()), 'onPremisesUserPrincipalName')!.source!;
		const kept = JSON.parse(JSON.stringify(source).replaceAll('AccountName is not present', 'sAMAccountName is missing'));
		const path = await tenant.workspace.file('upn-tree.patch.json', [
			{op: 'replace', path: `${userMapping}/attributeMappings/[targetAttributeName=onPremisesUserPrincipalName]/source`, value: kept},
		]);
		const result = await runCli([...live().filter((argument) => argument !== '--dry-run'), '--patch', path, '--yes']);
		expect(result.code).toBe(0);
		expect(result.stderr).not.toContain('drops it');
		expect(attributeMapping(liveSchema(provisioning()), 'onPremisesUserPrincipalName')!.source).toEqual(kept);
	});
});
