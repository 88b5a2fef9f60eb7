/**
 * `diff A B`: files in any encoding and key order, and live jobs, compared by meaning; the JSON Patch it prints
 * turns A into B when `patch --file` applies it. The built executable, a demo tenant on 127.0.0.1.
 */
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {jsonEqual, stripServerFields} from '../../source/edit/index.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {fixturePath, parseFixture} from '../schema/fixture.js';
import {expectOneLineError, removeIsolatedStates, runCli} from './cli.js';
import {attributeMapping, createWorkspace, demoArgs, type Workspace} from './write-helpers.js';

let simulator: Simulator;
let workspace: Workspace;

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	workspace = await createWorkspace('pvx-diff-');
});
afterAll(async () => {
	await simulator.close();
	await workspace.remove();
	removeIsolatedStates();
});
beforeEach(() => simulator.faults.clear());

/** Every object's keys in reverse order, at every level: the same meaning, other bytes. */
function reverseKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(reverseKeys);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(Object.entries(value).reverse().map(([key, child]) => [key, reverseKeys(child)]));
}

function utf16(text: string): Buffer {
	return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

/** B: the fixture with a mapping added, one removed, two changed, the scope changed and a definition added. */
function changedSchema(): SynchronizationSchema {
	const schema = parseFixture();
	const objectMapping = schema.synchronizationRules![0]!.objectMappings![0]!;
	const mappings = objectMapping.attributeMappings!;
	attributeMapping(schema, 'Mail')!.source = {expression: 'ToLower([mail])', name: 'ToLower', type: 'Function', parameters: []};
	attributeMapping(schema, 'City')!.flowType = 'ObjectAddOnly';
	mappings.splice(mappings.findIndex((mapping) => mapping.targetAttributeName === 'Pager'), 1);
	mappings.push({targetAttributeName: 'ExtensionAttribute16', source: {expression: '[department]', name: 'department', type: 'Attribute', parameters: []}, flowType: 'Always'} as never);
	const clauses = (objectMapping.scope as {inputFilterGroups: {clauses: unknown[]}[]}).inputFilterGroups[0]!.clauses;
	clauses.push({operatorName: 'IS TRUE', sourceOperandName: 'isEmployee', targetOperand: null});
	const user = schema.directories!.find((directory) => directory.name === 'Azure Active Directory')!.objects!.find((object) => object.name === 'User')!;
	user.attributes!.push({name: 'ExtensionAttribute16', type: 'String', anchor: false, caseExact: false, multivalued: false, mutability: 'ReadWrite', required: false} as never);
	schema.version = 'a newer version';
	return schema;
}

describe('diff of files', () => {
	it('finds no difference between UTF-8 and UTF-16 files with other key orders and versions (exit 0)', async () => {
		const other = reverseKeys({...parseFixture(), version: 'another version', '@odata.context': 'elsewhere'}) as SynchronizationSchema;
		const path = await workspace.file('same.utf16.json', utf16(JSON.stringify(other, null, '\t')));
		for (const format of ['text', 'json', 'json-patch']) {
			const result = await runCli(['diff', fixturePath, path, '--format', format]);
			expect(result.code).toBe(0);
			if (format === 'text') {
				expect(result.stdout).toBe('');
				expect(result.stderr).toMatch(/No differences: cloud-sync-ad2aad\.schema\.json and same\.utf16\.json mean the same/);
			}
			if (format === 'json') expect(JSON.parse(result.stdout)).toMatchObject({equal: true, counts: {added: 0, changed: 0, removed: 0}});
			if (format === 'json-patch') expect(JSON.parse(result.stdout)).toEqual([]);
		}
	});

	it('lists the changes by meaning per object mapping (exit 1)', async () => {
		const path = await workspace.file('changed.json', changedSchema());
		const result = await runCli(['diff', fixturePath, path]);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('--- cloud-sync-ad2aad.schema.json\n+++ changed.json\n');
		expect(result.stdout).toContain('Object mapping User ← user\n');
		// The scoping filter clause by clause, under its object mapping: the one clause added, not two whole filters.
		expect(result.stdout).toContain("Object mapping User ← user\n  + scope inputFilterGroups 'DefaultUserExclusions.0.UX-OrganizationalGroup-Scope': isEmployee IS TRUE\n");
		expect(result.stdout).not.toContain('isCriticalSystemObject');
		expect(result.stdout).toContain('  + ExtensionAttribute16: source [department]; flowType Always\n');
		expect(result.stdout).toContain('  ~ City\n      flowType: Always → ObjectAddOnly\n');
		expect(result.stdout).toContain('  ~ Mail\n      source: Trim([mail]) → ToLower([mail])\n');
		expect(result.stdout).toMatch(/ {2}- Pager: source Trim\(\[pager\]\)/);
		expect(result.stdout).toContain('Directories and attribute definitions\n  + Azure Active Directory › User › ExtensionAttribute16\n');
		expect(result.stdout).toMatch(/1 attribute mapping added, 2 changed, 1 removed; 1 scoping-filter change; 1 attribute definition change\.\n$/);
		// The version differs too, but Graph maintains it: not a change.
		expect(result.stdout).not.toContain('version');
	});

	it('prints a JSON summary with --format json (and --json)', async () => {
		const path = await workspace.file('changed-json.json', changedSchema());
		const result = await runCli(['diff', fixturePath, path, '--json']);
		expect(result.code).toBe(1);
		const summary = JSON.parse(result.stdout) as {
			equal: boolean;
			scopingChanged: boolean;
			attributeMappings: {kind: string; target: string; fields: {field: string; before: string; after: string}[]}[];
			definitions: {kind: string; path: string}[];
		};
		expect(summary.equal).toBe(false);
		expect(summary.scopingChanged).toBe(true);
		expect(summary.attributeMappings.map((change) => `${change.kind} ${change.target}`).sort()).toEqual(['added ExtensionAttribute16', 'changed City', 'changed Mail', 'removed Pager']);
		expect(summary.attributeMappings.find((change) => change.target === 'City')?.fields).toEqual([{field: 'flowType', before: 'Always', after: 'ObjectAddOnly'}]);
		expect(summary.definitions).toEqual([expect.objectContaining({kind: 'added', path: 'Azure Active Directory › User › ExtensionAttribute16'})]);
	});

	it('prints a guarded JSON Patch that patch --file turns A into B with (round trip)', async () => {
		const b = changedSchema();
		const bPath = await workspace.file('b.json', b);
		// A in UTF-16 with its keys reversed: the patch is about meaning, not bytes.
		const aPath = await workspace.file('a.utf16.json', utf16(JSON.stringify(reverseKeys(parseFixture()))));
		const diff = await runCli(['diff', aPath, bPath, '--format', 'json-patch']);
		expect(diff.code).toBe(1);
		const operations = JSON.parse(diff.stdout) as {op: string; path: string}[];
		expect(operations.filter((operation) => operation.op === 'test').length).toBeGreaterThan(0);
		// Minimal: one operation per change, not a rewrite of whole lists.
		expect(operations.filter((operation) => operation.op !== 'test')).toHaveLength(6);

		const patchPath = await workspace.file('a-to-b.patch.json', diff.stdout);
		const out = join(workspace.path, 'a-patched.json');
		const applied = await runCli(['patch', '--file', aPath, '--patch', patchPath, '--out', out]);
		expect(applied.code).toBe(0);
		const patched = JSON.parse(await readFile(out, 'utf8')) as SynchronizationSchema;
		expect(jsonEqual(stripServerFields(patched), stripServerFields(b))).toBe(true);
		expect((await runCli(['diff', out, bPath])).code).toBe(0);

		// The guards keep it from applying to a schema it was not made for.
		const other = parseFixture();
		attributeMapping(other, 'Pager')!.flowType = 'ObjectAddOnly';
		const otherPath = await workspace.file('other.json', other);
		const refused = await runCli(['patch', '--file', otherPath, '--patch', patchPath]);
		expect(refused.code).toBe(2);
		expect(expectOneLineError(refused)).toMatch(/a-to-b\.patch\.json: Operation \d+ of \d+: /);
		expect(refused.stdout).toBe('');
	});

	it('counts the same elements in another order as a difference, and says so', async () => {
		const schema = parseFixture();
		const mappings = schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!;
		mappings.push(mappings.shift()!);
		const path = await workspace.file('reordered.json', schema);
		const result = await runCli(['diff', fixturePath, path]);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('Same elements in another order\n  ~ /synchronizationRules/0/objectMappings/0/attributeMappings\n');
		const patch = await runCli(['diff', fixturePath, path, '--format', 'json-patch']);
		expect(patch.code).toBe(1);
		expect((JSON.parse(patch.stdout) as {op: string}[]).some((operation) => operation.op === 'replace')).toBe(true);
	});

	it('colours the output only when asked, and never under NO_COLOR', async () => {
		const path = await workspace.file('colour.json', changedSchema());
		const forced = await runCli(['diff', fixturePath, path], {env: {FORCE_COLOR: '1', NO_COLOR: ''}});
		expect(forced.stdout).toContain('\x1b[31m-\x1b[39m Pager');
		const plain = await runCli(['diff', fixturePath, path], {env: {FORCE_COLOR: '1', NO_COLOR: '1'}});
		expect(plain.stdout).not.toContain('\x1b[');
		expect(plain.stdout).toContain('  - Pager');
	});

	it('reads one side from standard input', async () => {
		const result = await runCli(['diff', '-', fixturePath], {input: utf16(JSON.stringify(parseFixture()))});
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/No differences: standard input and cloud-sync-ad2aad\.schema\.json/);
	});

	it('fails with exit 2 and one line on a missing or malformed file, or a wrong usage', async () => {
		const missing = await runCli(['diff', fixturePath, join(workspace.path, 'nope.json')]);
		expect(missing.code).toBe(2);
		expect(expectOneLineError(missing)).toMatch(/nope\.json.*file not found/);
		const brokenPath = await workspace.file('broken.json', '{"synchronizationRules": [}');
		const broken = await runCli(['diff', brokenPath, fixturePath]);
		expect(broken.code).toBe(2);
		expect(expectOneLineError(broken)).toMatch(/broken\.json.*line 1, column 27/);
		const one = await runCli(['diff', fixturePath]);
		expect(one.code).toBe(2);
		expect(expectOneLineError(one)).toMatch(/diff compares two schemas: diff A B/);
		const format = await runCli(['diff', fixturePath, fixturePath, '--format', 'yaml']);
		expect(format.code).toBe(2);
		expect(expectOneLineError(format)).toMatch(/--format must be text, json or json-patch/);
	});
});

describe('diff with live jobs', () => {
	it('compares a file with live:APP/JOB and with live:APP (one job)', async () => {
		const exported = join(workspace.path, 'salesforce.json');
		expect((await runCli(['export', ...demoArgs(simulator), '--sp', 'Salesforce', '--out', exported])).code).toBe(0);
		const same = await runCli(['diff', exported, 'live:Salesforce', ...demoArgs(simulator)]);
		expect(same.code).toBe(0);

		// The live AD2AADProvisioning schema is the fixture.
		const provisioning = await workspace.file('provisioning.json', changedSchema());
		const result = await runCli(['diff', 'live:contoso.com/AD2AADProvisioning', provisioning, ...demoArgs(simulator)]);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('--- live:contoso.com/AD2AADProvisioning\n+++ provisioning.json\n');
		expect(result.stdout).toContain('  ~ City\n      flowType: Always → ObjectAddOnly\n');
	});

	it('names an unknown app or job (exit 2)', async () => {
		const app = await runCli(['diff', 'live:Nobody', fixturePath, ...demoArgs(simulator)]);
		expect(app.code).toBe(2);
		expect(expectOneLineError(app)).toMatch(/No service principal is named "Nobody"/);
		const job = await runCli(['diff', 'live:contoso.com/NoSuchJob', fixturePath, ...demoArgs(simulator)]);
		expect(job.code).toBe(2);
		expect(expectOneLineError(job)).toMatch(/contoso\.com has no job "NoSuchJob"/);
	});
});
