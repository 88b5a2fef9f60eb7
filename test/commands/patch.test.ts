/**
 * `patch`: a JSON Patch, with name selectors, applied to the demo tenant's live schema (the safe write path)
 * and to schema files offline. The built executable, a demo tenant on 127.0.0.1.
 */
import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {fixturePath, fixtureText} from '../schema/fixture.js';
import {expectOneLineError, runCli} from './cli.js';
import {attributeMapping, demoArgs, demoJob, liveSchema, puts, userMapping, freshDemoTenantPerTest} from './write-helpers.js';

const tenant = freshDemoTenantPerTest('pvx-patch-');

const provisioning = () => demoJob(tenant.simulator, 'contoso.com', 'AD2AADProvisioning');
const live = () => ['patch', ...demoArgs(tenant.simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning'];

/** Written by hand: elements chosen by name, not position. */
const byName = [
	{op: 'test', path: `${userMapping}/attributeMappings/[targetAttributeName=Mail]/flowType`, value: 'Always'},
	{op: 'replace', path: `${userMapping}/attributeMappings/[targetAttributeName=Mail]/flowType`, value: 'ObjectAddOnly'},
	{op: 'remove', path: `${userMapping}/attributeMappings/[targetAttributeName=Pager]`},
];

describe('patch --sp (the live schema)', () => {
	it('resolves selectors, shows the plan, writes once with --yes and changes only what the patch says', async () => {
		const before = liveSchema(provisioning());
		const path = await tenant.workspace.file('by-name.patch.json', byName);
		const result = await runCli([...live(), '--patch', path, '--yes']);
		expect(result.code).toBe(0);
		expect(result.stderr).toContain('Summary: 0 attribute mappings to add, 1 to change, 1 to remove.');
		expect(result.stderr).toMatch(/~ Mail\n\s+flowType: Always → ObjectAddOnly/);
		expect(result.stderr).toMatch(/- Pager: source Trim\(\[pager\]\)/);
		expect(result.stderr).toMatch(/1 attribute mapping is removed/);
		expect(result.stderr).toMatch(/✓ Written and verified/);
		expect(puts(tenant.simulator)).toHaveLength(1);

		const after = liveSchema(provisioning());
		expect(attributeMapping(after, 'Mail')?.flowType).toBe('ObjectAddOnly');
		expect(attributeMapping(after, 'Pager')).toBeUndefined();
		// Everything else as it was.
		const mappings = (schema: SynchronizationSchema) => schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!;
		const untouched = mappings(before).filter((mapping) => mapping.targetAttributeName !== 'Mail' && mapping.targetAttributeName !== 'Pager');
		expect(mappings(after).filter((mapping) => mapping.targetAttributeName !== 'Mail')).toEqual(untouched);
		expect(after.directories).toEqual(before.directories);
	});

	it('sends nothing when a guard fails, and names the operation and what it found', async () => {
		const path = await tenant.workspace.file('stale.patch.json', [
			{op: 'test', path: `${userMapping}/attributeMappings/[targetAttributeName=Mail]/flowType`, value: 'ObjectAddOnly'},
			{op: 'replace', path: `${userMapping}/attributeMappings/[targetAttributeName=Mail]/flowType`, value: 'Always'},
		]);
		const result = await runCli([...live(), '--patch', path, '--yes']);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toMatch(/stale\.patch\.json: operation 1 of 2: .*Mail.* has changed: expected "ObjectAddOnly", found "Always"/);
		expect(puts(tenant.simulator)).toEqual([]);
	});

	it('guards index paths too: a patch made for another version of the schema does not apply', async () => {
		const mail = liveSchema(provisioning()).synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.findIndex((mapping) => mapping.targetAttributeName === 'Mail');
		const path = await tenant.workspace.file('index.patch.json', [
			{op: 'test', path: `/synchronizationRules/0/objectMappings/0/attributeMappings/${mail + 1}/targetAttributeName`, value: 'Mail'},
			{op: 'remove', path: `/synchronizationRules/0/objectMappings/0/attributeMappings/${mail + 1}`},
		]);
		const result = await runCli([...live(), '--patch', path, '--yes']);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toMatch(/operation 1 of 2: attribute mapping \d+ of User ← user is now '.+', not 'Mail'/);
		expect(puts(tenant.simulator)).toEqual([]);
	});

	it('names a selector that matches nothing or several elements', async () => {
		const nothing = await tenant.workspace.file('nothing.patch.json', [{op: 'remove', path: `${userMapping}/attributeMappings/[targetAttributeName=mail]`}]);
		const none = await runCli([...live(), '--patch', nothing, '--yes']);
		expect(none.code).toBe(2);
		expect(expectOneLineError(none)).toMatch(/the selector \[targetAttributeName=mail\] matches no element of User ← user · attributeMappings .*names are case-sensitive/);

		const several = await tenant.workspace.file('several.patch.json', [{op: 'replace', path: `${userMapping}/attributeMappings/[flowType=Always]/defaultValue`, value: 'x'}]);
		const many = await runCli([...live(), '--patch', several, '--yes']);
		expect(many.code).toBe(2);
		expect(expectOneLineError(many)).toMatch(/the selector \[flowType=Always\] matches \d+ elements of User ← user · attributeMappings \(positions 0, 1, 2, 3, 4, …\)/);
		expect(puts(tenant.simulator)).toEqual([]);
	});

	it('does nothing for --dry-run or without --yes off a terminal', async () => {
		const path = await tenant.workspace.file('dry.patch.json', byName);
		const dry = await runCli([...live(), '--patch', path, '--dry-run']);
		expect(dry.code).toBe(0);
		expect(dry.stderr).toMatch(/Dry run: nothing was sent/);
		const refused = await runCli([...live(), '--patch', path]);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toMatch(/Not written: writing needs confirmation, and there is no terminal to type it on; add --yes/);
		expect(puts(tenant.simulator)).toEqual([]);
		expect(attributeMapping(liveSchema(provisioning()), 'Mail')?.flowType).toBe('Always');
	});

	it('--read-only --dry-run with a new expression: Graph\'s parseExpression (ReadWrite) is skipped and said once', async () => {
		const path = await tenant.workspace.file('expression.patch.json', [
			{op: 'replace', path: `${userMapping}/attributeMappings/[targetAttributeName=Department]/source/expression`, value: 'Trim([company])'},
		]);
		const result = await runCli([...live(), '--patch', path, '--dry-run', '--read-only']);
		expect(result.code).toBe(0);
		expect(result.stderr.split('\n').filter((line) => line.startsWith("Graph's own expression check was skipped: it needs Synchronization.ReadWrite.All"))).toHaveLength(1);
		expect(result.stderr).not.toContain("checked by Graph's parser");
		expect(tenant.simulator.requests.filter((request) => request.path.endsWith('/parseExpression'))).toEqual([]);
		// Without --read-only the same plan asks Graph's parser.
		await runCli([...live(), '--patch', path, '--dry-run']);
		expect(tenant.simulator.requests.filter((request) => request.path.endsWith('/parseExpression'))).toHaveLength(1);
	});

	it('reports a patch whose changes cancel out as no change', async () => {
		const path = await tenant.workspace.file('noop.patch.json', [
			{op: 'replace', path: `${userMapping}/attributeMappings/[targetAttributeName=Mail]/flowType`, value: 'ObjectAddOnly'},
			{op: 'replace', path: `${userMapping}/attributeMappings/[targetAttributeName=Mail]/flowType`, value: 'Always'},
		]);
		const result = await runCli([...live(), '--patch', path, '--yes']);
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/No changes: after .*noop\.patch\.json, the schema means the same as before\. Nothing was sent\./);
		expect(puts(tenant.simulator)).toEqual([]);
	});

	it('rejects unreadable and malformed patch files before signing in', async () => {
		const missing = await runCli([...live(), '--patch', join(tenant.workspace.path, 'missing.patch.json'), '--yes']);
		expect(missing.code).toBe(2);
		expect(expectOneLineError(missing)).toMatch(/Cannot read the patch .*missing\.patch\.json: file not found/);

		const broken = await tenant.workspace.file('broken.patch.json', '[\n  {"op": "remove", "path": "/x"\n]\n');
		const malformed = await runCli([...live(), '--patch', broken, '--yes']);
		expect(malformed.code).toBe(2);
		expect(expectOneLineError(malformed)).toMatch(/broken\.patch\.json: not valid JSON at line 3, column 1/);

		const schema = await runCli([...live(), '--patch', fixturePath, '--yes']);
		expect(schema.code).toBe(2);
		expect(expectOneLineError(schema)).toMatch(/this is a schema, not a patch \(use import for a whole schema\)/);
		expect(tenant.simulator.requests.filter((request) => request.path.startsWith('/beta'))).toEqual([]);
	});
});

describe('patch --file (offline)', () => {
	it('writes the patched schema to --out atomically, UTF-8 without BOM, without touching the input', async () => {
		// The input in UTF-16 with a byte order mark: any encoding the loader reads.
		const input = await tenant.workspace.file('input.schema.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixtureText, 'utf16le')]));
		const patchPath = await tenant.workspace.file('offline.patch.json', byName);
		const out = join(tenant.workspace.path, 'patched.schema.json');
		const result = await runCli(['patch', '--file', input, '--patch', patchPath, '--out', out]);
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/Applied 2 changes from .*offline\.patch\.json to input\.schema\.json; wrote .*patched\.schema\.json\./);
		const bytes = await readFile(out);
		expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
		const patched = JSON.parse(bytes.toString('utf8')) as SynchronizationSchema;
		expect(attributeMapping(patched, 'Mail')?.flowType).toBe('ObjectAddOnly');
		expect(attributeMapping(patched, 'Pager')).toBeUndefined();
		expect((await readdir(tenant.workspace.path)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
		expect((await readFile(input)).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
	});

	it('writes to standard output without --out, and reads the patch from standard input for "-"', async () => {
		const result = await runCli(['patch', '--file', fixturePath, '--patch', '-'], {input: JSON.stringify(byName)});
		expect(result.code).toBe(0);
		expect(result.stdout.startsWith('{\n  "@odata.context"')).toBe(true);
		expect(attributeMapping(JSON.parse(result.stdout) as SynchronizationSchema, 'Mail')?.flowType).toBe('ObjectAddOnly');
	});

	it('writes nothing when a guard fails', async () => {
		const out = await tenant.workspace.file('kept.schema.json', 'previous content');
		const patchPath = await tenant.workspace.file('failing.patch.json', [
			{op: 'replace', path: `${userMapping}/attributeMappings/[targetAttributeName=Mail]/flowType`, value: 'ObjectAddOnly'},
			{op: 'test', path: `${userMapping}/attributeMappings/[targetAttributeName=City]/flowType`, value: 'Never'},
		]);
		const result = await runCli(['patch', '--file', fixturePath, '--patch', patchPath, '--out', out]);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toMatch(/failing\.patch\.json: Operation 2 of 2: .*City.* has changed: expected "Never", found "Always"/);
		expect(await readFile(out, 'utf8')).toBe('previous content');
	});

	it('explains the usage mistakes', async () => {
		const both = await runCli(['patch', '--file', fixturePath, '--sp', 'contoso.com', '--patch', 'x.json']);
		expect(both.code).toBe(2);
		expect(expectOneLineError(both)).toMatch(/either a job \(--sp\) or a file \(--file\), not both/);
		const yes = await runCli(['patch', '--file', fixturePath, '--patch', 'x.json', '--yes']);
		expect(yes.code).toBe(2);
		expect(expectOneLineError(yes)).toMatch(/--yes goes with --sp/);
		const noPatch = await runCli(['patch', '--file', fixturePath]);
		expect(noPatch.code).toBe(2);
		expect(expectOneLineError(noPatch)).toMatch(/patch needs --patch FILE/);
		const help = await runCli(['patch', '--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('[targetAttributeName=Mail]');
		expect(help.stdout).toMatch(/Examples:\n {2}provisioning-explorer patch --demo/);
	});
});
