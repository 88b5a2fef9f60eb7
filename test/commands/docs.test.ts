/**
 * `docs`: Markdown and CSV documentation of the mappings, from a file, standard input or the demo tenant.
 */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {csvColumns} from '../../source/explorer/docs.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {expectOneLineError, parseCsv, removeIsolatedStates, runCli} from './cli.js';

const fixture = fileURLToPath(new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url));

let simulator: Simulator;
let workspace: string;

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	workspace = await mkdtemp(join(tmpdir(), 'pvx-docs-'));
});
afterAll(async () => {
	await simulator.close();
	await rm(workspace, {recursive: true, force: true});
	removeIsolatedStates();
});

const demo = () => ['--demo', '--graph-url', simulator.url];

/** A schema whose names and values hold what CSV and Markdown must quote or escape. */
const awkward = {
	id: 'Awkward.1',
	synchronizationRules: [
		{
			name: 'Rule, with "quotes"',
			sourceDirectoryName: 'Source',
			targetDirectoryName: 'Target',
			objectMappings: [
				{
					name: 'People | everyone',
					enabled: true,
					flowTypes: 'Add, Update',
					sourceObjectName: 'person',
					targetObjectName: 'User',
					scope: {
						groups: [
							{name: 'staff', clauses: [{operatorName: 'EQUALS', sourceOperandName: 'type', targetOperand: {values: ['Employee']}}]},
							{
								name: 'contractors',
								clauses: [
									{operatorName: 'EQUALS', sourceOperandName: 'type', targetOperand: {values: ['Contractor']}},
									{operatorName: 'IS TRUE', sourceOperandName: 'active', targetOperand: null},
								],
							},
						],
					},
					attributeMappings: [
						{targetAttributeName: 'displayName', source: {type: 'Function', name: 'Join', expression: 'Join(", ", [sn], [givenName])'}, flowType: 'Always'},
						{targetAttributeName: 'note', source: null, defaultValue: 'line one\nline "two", end'},
						{targetAttributeName: 'formula', source: null, defaultValue: '=HYPERLINK("http://example.test")'},
						{targetAttributeName: 'pipe|name', source: {type: 'Attribute', name: 'a`b'}, matchingPriority: 1},
						{targetAttributeName: 'offset', source: null, defaultValue: '-1'},
						{targetAttributeName: 'address', source: null, defaultValue: 'first line\r\nsecond line'},
						{targetAttributeName: 'escape', source: {type: 'Constant', name: 'x\u001b[31my'}},
					],
				},
			],
		},
	],
	directories: [],
};

describe('docs --format md', () => {
	it('documents every object mapping of the fixture with its scope in words', async () => {
		const result = await runCli(['docs', '--file', fixture]);
		expect(result.code).toBe(0);
		const md = result.stdout;
		expect(md).toMatch(/^# Provisioning mappings in cloud-sync-ad2aad\.schema\.json\n/);
		expect(md).toContain('- Schema version: Date:2020-04-30T13:58:46.0955403Z');
		expect(md).toContain('## Rule: AD2AADProvisioning (Active Directory → Azure Active Directory)');
		expect(md).toContain('### Synchronize Active Directory users to Azure Active Directory');
		expect(md).toContain('- Objects: `user` → `User`');
		expect(md).toMatch(/input filter \(`inputFilterGroups`\), group `DefaultUserExclusions\.0\.UX-OrganizationalGroup-Scope`: `isCriticalSystemObject IS FALSE` AND `adminDescription NOT REGEX MATCH \^User_` AND /);
		// The disabled mapping without a name is documented too.
		expect(md).toContain('### (unnamed) → SyncCredentialsChangeItem');
		expect(md).toMatch(/- Disabled; actions: Add, Update, Delete\n- 0 attribute mappings/);
		const rows = md.split('\n').filter((line) => line.startsWith('| `'));
		expect(rows).toHaveLength(136);
		expect(rows).toContain('| `Alias` | `[mailNickname]` |   | Always | FlowWhenChanged |   |');
		expect(rows.find((row) => row.startsWith('| `dnsDomainName` '))).toContain('`"%DomainFQDN%"`');
		expect(rows.find((row) => row.startsWith('| `AccountEnabled` '))).toContain('`IIF(IsPresent([userAccountControl]), IIF(BitAnd([userAccountControl], 2)="0", "True", "False"), Not([accountDisabled]))`');
	});

	it('documents a job of the tenant, matching attributes included, and writes --out atomically', async () => {
		const path = join(workspace, 'password-hash.md');
		const result = await runCli(['docs', ...demo(), '--sp', 'contoso.com', '--job', 'AD2AADPasswordHash', '--out', path]);
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/Wrote the documentation of 1 object mappings to .*password-hash\.md/);
		const md = await readFile(path, 'utf8');
		expect(md).toMatch(/^# Provisioning mappings of contoso\.com — AD2AADPasswordHash\n/);
		expect(md).toMatch(/- Job: AD2AADPasswordHash\./);
		expect(md).toContain('| `onPremisesObjectIdentifier` | `[objectGUID]` |   | Always | FlowWhenChanged | yes (priority 1) |');
		expect(md).toContain('Scope: all objects (no scoping filter).');
	});

	it('keeps the table intact when names hold pipes and backticks, and shows control characters', async () => {
		const result = await runCli(['docs', '--file', '-'], {input: JSON.stringify(awkward)});
		expect(result.code).toBe(0);
		const rows = result.stdout.split('\n').filter((line) => line.startsWith('| `'));
		expect(rows).toHaveLength(7);
		// Cells are split on unescaped pipes only: every row has the six columns.
		for (const row of rows) expect(row.split(/(?<!\\)\|/).length - 2).toBe(6);
		expect(rows.find((row) => row.includes('pipe'))).toBe('| `pipe\\|name` | ``[a`b]`` |   | Always | FlowWhenChanged | yes (priority 1) |');
		expect(result.stdout).toContain('`"x␛[31my"`');
		expect(result.stdout).not.toContain('\u001b');
		expect(result.stdout).toContain('### People \\| everyone');
		expect(result.stdout).toMatch(/scoping filter \(`groups`\), group `contractors`: `type EQUALS Contractor` AND `active IS TRUE`/);
	});
});

describe('docs: scoping values', () => {
	it('quotes values listed together, or holding a comma, so one value never reads as two', async () => {
		const schema = structuredClone(awkward);
		schema.synchronizationRules[0]!.objectMappings[0]!.scope.groups = [
			{
				name: 'sales',
				clauses: [
					{operatorName: 'EQUALS', sourceOperandName: 'department', targetOperand: {values: ['Sales, EMEA', 'HR']}},
					{operatorName: 'EQUALS', sourceOperandName: 'division', targetOperand: {values: ['North, South']}},
				],
			},
		];
		const result = await runCli(['docs', '--file', '-', '--format', 'csv'], {input: JSON.stringify(schema)});
		expect(result.code).toBe(0);
		const [, first] = parseCsv(result.stdout);
		expect(first![csvColumns.indexOf('Scope')]).toBe('department EQUALS "Sales, EMEA", "HR" AND division EQUALS "North, South"');
	});
});

describe('docs --format csv', () => {
	it('writes one row per attribute mapping with the scope in words', async () => {
		const result = await runCli(['docs', '--file', fixture, '--format', 'csv']);
		expect(result.code).toBe(0);
		expect(result.stdout.endsWith('\r\n')).toBe(true);
		const [header, ...records] = parseCsv(result.stdout);
		expect(header).toEqual([...csvColumns]);
		expect(records).toHaveLength(137);
		const column = (name: (typeof csvColumns)[number]) => csvColumns.indexOf(name);
		const enabled = records.find((record) => record[column('Target attribute')] === 'AccountEnabled')!;
		expect(enabled[column('Scope')]).toMatch(/^isCriticalSystemObject IS FALSE AND adminDescription NOT REGEX MATCH \^User_ AND sAMAccountName IS NOT NULL AND /);
		expect(enabled[column('Scope')]).toMatch(/ AND distinguishedName ENDS_WITH OU=Cloud,DC=mydomain,DC=tld$/);
		expect(enabled[column('Source')]).toBe('IIF(IsPresent([userAccountControl]), IIF(BitAnd([userAccountControl], 2)="0", "True", "False"), Not([accountDisabled]))');
		expect(enabled[column('Source type')]).toBe('Expression');
		const credentials = records.find((record) => record[column('Target object')] === 'SyncCredentialsChangeItem')!;
		expect(credentials[column('Enabled')]).toBe('no');
		expect(credentials[column('Target attribute')]).toBe('');
	});

	it('quotes commas, quotes and line breaks so a spreadsheet reads the values back unchanged', async () => {
		const path = join(workspace, 'awkward.schema.json');
		// UTF-16LE with a byte order mark, as Windows PowerShell writes: the loader's encodings are accepted.
		await writeFile(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(awkward, null, 2), 'utf16le')]));
		const result = await runCli(['docs', '--file', path, '--format', 'CSV']);
		expect(result.code).toBe(0);
		const [, ...records] = parseCsv(result.stdout);
		const column = (name: (typeof csvColumns)[number]) => csvColumns.indexOf(name);
		const byTarget = (target: string) => records.find((record) => record[column('Target attribute')] === target)!;
		expect(records).toHaveLength(7);
		expect(records.every((record) => record.length === csvColumns.length)).toBe(true);
		expect(byTarget('displayName')[column('Rule')]).toBe('Rule, with "quotes"');
		expect(byTarget('displayName')[column('Source')]).toBe('Join(", ", [sn], [givenName])');
		expect(byTarget('note')[column('Default value')]).toBe('line one\nline "two", end');
		expect(byTarget('note')[column('Source type')]).toBe('None');
		expect(byTarget('formula')[column('Default value')]).toBe('\'=HYPERLINK("http://example.test")');
		expect(byTarget('offset')[column('Default value')]).toBe('-1');
		expect(byTarget('address')[column('Default value')]).toBe('first line\nsecond line');
		expect(byTarget('pipe|name')[column('Matching priority')]).toBe('1');
		expect(byTarget('escape')[column('Source')]).toBe('"x␛[31my"');
		expect(byTarget('displayName')[column('Scope')]).toBe('(type EQUALS Employee) OR (type EQUALS Contractor AND active IS TRUE)');
		// The raw text: quoted fields, doubled quotes, CRLF between records only.
		expect(result.stdout).toContain('"Rule, with ""quotes"""');
		expect(result.stdout).toContain('"line one\nline ""two"", end"');
	});
});

describe('docs failures', () => {
	it.each([
		[['--file', 'missing.schema.json'], /missing\.schema\.json: file not found/],
		[['--file', fixture, '--format', 'xml'], /--format must be md or csv, not "xml"/],
		[['--file', fixture, '--sp', 'contoso.com'], /either a job \(--sp\) or a file \(--file\), not both/],
		[[], /docs needs --sp APP .* or --file SCHEMA/],
		[['--file', fixture, '--job', 'X'], /--job goes with --sp/],
	])('docs %j fails with one line and exit code 2', async (args, message) => {
		const result = await runCli(['docs', ...args]);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toMatch(message);
		expect(result.stdout).toBe('');
	});

	it('says where a malformed file is broken', async () => {
		const path = join(workspace, 'broken.json');
		await writeFile(path, '{\n  "synchronizationRules": [\n    {"name": "x",}\n  ]\n}');
		const result = await runCli(['docs', '--file', path]);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toMatch(/broken\.json: not valid JSON at line 3, column \d+: trailing comma/);
		const stdin = await runCli(['docs', '--file', '-'], {input: 'not json'});
		expect(stdin.code).toBe(2);
		expect(expectOneLineError(stdin)).toMatch(/standard input: not valid JSON/);
	});

	it('fails with one line for an unknown app or job', async () => {
		const app = await runCli(['docs', ...demo(), '--sp', 'Nobody']);
		expect(app.code).toBe(2);
		expect(expectOneLineError(app)).toMatch(/No service principal is named "Nobody"/);
		const job = await runCli(['docs', ...demo(), '--sp', 'contoso.com', '--job', 'Nope']);
		expect(job.code).toBe(2);
		expect(expectOneLineError(job)).toMatch(/contoso\.com has no job "Nope"/);
	});
});
