/**
 * `import`: the built executable against a demo tenant on 127.0.0.1. What reached the tenant is read from the
 * tenant.simulator's request log, what it stores from its state; the plan and messages from standard error.
 */
import {mkdtemp, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {stripServerFields} from '../../source/edit/index.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {expectOneLineError, runCli} from './cli.js';
import {attributeMapping, backupsIn, demoArgs, demoJob, liveSchema, puts, schemaPath, freshDemoTenantPerTest} from './write-helpers.js';

const tenant = freshDemoTenantPerTest('pvx-import-');

const provisioning = () => demoJob(tenant.simulator, 'contoso.com', 'AD2AADProvisioning');
const passwordHash = () => demoJob(tenant.simulator, 'contoso.com', 'AD2AADPasswordHash');
const target = () => ['import', ...demoArgs(tenant.simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning'];

/** The live AD2AADProvisioning schema with the Mail mapping's flow type and the City mapping's default changed. */
function editedSchema(): SynchronizationSchema {
	const schema = liveSchema(provisioning());
	attributeMapping(schema, 'Mail')!.flowType = 'ObjectAddOnly';
	attributeMapping(schema, 'City')!.defaultValue = 'Redmond';
	return schema;
}

async function exported(name: string): Promise<string> {
	const path = join(tenant.workspace.path, name);
	const result = await runCli(['export', ...demoArgs(tenant.simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--out', path]);
	expect(result.code).toBe(0);
	return path;
}

describe('import of a file that changes nothing', () => {
	it('says so after export → import and sends nothing', async () => {
		const path = await exported('unchanged.schema.json');
		const result = await runCli([...target(), '--in', path]);
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/No changes: the live schema already means the same as unchanged\.schema\.json .*Nothing was sent\./);
		expect(puts(tenant.simulator)).toEqual([]);
	});

	it('treats the same meaning in UTF-16 with other key order as unchanged', async () => {
		const live = liveSchema(provisioning());
		const reordered = Object.fromEntries(Object.entries(live).reverse());
		const path = await tenant.workspace.file('utf16.schema.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(reordered, null, '\t'), 'utf16le')]));
		const result = await runCli([...target(), '--in', path, '--json']);
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({status: 'unchanged', counts: {added: 0, changed: 0, removed: 0}});
		expect(puts(tenant.simulator)).toEqual([]);
	});
});

describe('import that changes the schema', () => {
	it('prints the plan, then writes once with --yes: backup 0600, live schema changed as the file says', async () => {
		const path = await tenant.workspace.file('edited.schema.json', editedSchema());
		const state = await mkdtemp(join(tenant.workspace.path, 'state-'));
		const result = await runCli([...target(), '--in', path, '--yes'], {env: {PROVISIONING_EXPLORER_STATE_DIR: state}});
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('');
		// The plan: summary, changes with old → new, the save warning, the JSON diff; then the outcome.
		expect(result.stderr).toMatch(/Plan for contoso\.com \/ AD2AADProvisioning \(job AD2AADProvisioning\..*\): import of edited\.schema\.json/);
		expect(result.stderr).toContain('Summary: 0 attribute mappings to add, 2 to change, 0 to remove.');
		expect(result.stderr).toMatch(/~ Mail\n\s+flowType: Always → ObjectAddOnly/);
		expect(result.stderr).toMatch(/~ City\n\s+defaultValue: \(none\) → "Redmond"/);
		expect(result.stderr).toContain("Saving replaces the whole schema; it does not restart the job. Microsoft's procedure is to restart provisioning after saving");
		expect(result.stderr).toContain('Next: restart provisioning for this job');
		expect(result.stderr).toMatch(/Diff \(JSON\)\n\s+--- live contoso\.com \/ AD2AADProvisioning\n\s+\+\+\+ edited\.schema\.json/);
		expect(result.stderr).toMatch(/-\s+"flowType": "Always",\n\s+\+\s+"flowType": "ObjectAddOnly",/);
		expect(result.stderr).toMatch(/✓ Written and verified/);

		expect(puts(tenant.simulator)).toHaveLength(1);
		const live = liveSchema(provisioning());
		expect(attributeMapping(live, 'Mail')?.flowType).toBe('ObjectAddOnly');
		expect(attributeMapping(live, 'City')?.defaultValue).toBe('Redmond');
		expect(stripServerFields(live)).toEqual(stripServerFields(editedSchema()));

		const backups = await backupsIn(state);
		expect(backups).toHaveLength(1);
		expect(backups[0]!.mode).toBe(0o600);
		const backupPath = join(state, 'backups', backups[0]!.name);
		expect(result.stderr).toContain(`Backup of the previous schema: ${backupPath}`);
		const backup = JSON.parse(await readFile(backupPath, 'utf8')) as SynchronizationSchema;
		expect(attributeMapping(backup, 'Mail')?.flowType).toBe('Always');
	});

	it('puts the backup in --backup-dir and reports the result as JSON with --json', async () => {
		const path = await tenant.workspace.file('edited-json.schema.json', editedSchema());
		const backupDirectory = join(tenant.workspace.path, 'my-backups');
		const result = await runCli([...target(), '--in', path, '--yes', '--json', '--backup-dir', backupDirectory]);
		expect(result.code).toBe(0);
		const report = JSON.parse(result.stdout) as {status: string; backupPath: string; newVersion: string; counts: unknown; attributeMappings: {target: string}[]};
		expect(report.status).toBe('written');
		expect(report.counts).toEqual({added: 0, changed: 2, removed: 0});
		expect(report.attributeMappings.map((change) => change.target).sort()).toEqual(['City', 'Mail']);
		expect(report.backupPath.startsWith(`${backupDirectory}/`)).toBe(true);
		expect(report.newVersion).toBe(provisioning().schema.version);
		await expect(readFile(report.backupPath, 'utf8')).resolves.toContain('"AD2AADProvisioning');
	});

	it('shows the plan and sends nothing with --dry-run', async () => {
		const path = await tenant.workspace.file('dry.schema.json', editedSchema());
		const result = await runCli([...target(), '--in', path, '--dry-run']);
		expect(result.code).toBe(0);
		expect(result.stderr).toContain('Summary: 0 attribute mappings to add, 2 to change, 0 to remove.');
		expect(result.stderr).toMatch(/Dry run: nothing was sent to contoso\.com\./);
		expect(puts(tenant.simulator)).toEqual([]);
		expect(attributeMapping(liveSchema(provisioning()), 'Mail')?.flowType).toBe('Always');
	});

	it('refuses without a terminal and without --yes: exit 2, no PUT', async () => {
		const path = await tenant.workspace.file('no-yes.schema.json', editedSchema());
		// Piped standard input that even holds the right name does not count as confirmation.
		const result = await runCli([...target(), '--in', path], {input: 'contoso.com\n'});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('Summary: 0 attribute mappings to add, 2 to change, 0 to remove.');
		expect(result.stderr).toMatch(/Not written: writing needs confirmation, and there is no terminal to type it on; add --yes/);
		expect(puts(tenant.simulator)).toEqual([]);
	});

	it('needs --yes when the schema comes from standard input', async () => {
		const result = await runCli([...target(), '--in', '-'], {input: JSON.stringify(editedSchema())});
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/Not written: the schema came from standard input, so the confirmation cannot be typed; add --yes/);
		expect(puts(tenant.simulator)).toEqual([]);

		const confirmed = await runCli([...target(), '--in', '-', '--yes'], {input: JSON.stringify(editedSchema())});
		expect(confirmed.code).toBe(0);
		expect(puts(tenant.simulator)).toHaveLength(1);
	});

	it('blocks a file the checks reject: exit 1, no PUT', async () => {
		const schema = editedSchema();
		attributeMapping(schema, 'Mail')!.flowType = 'always' as never;
		attributeMapping(schema, 'City')!.targetAttributeName = 'Town';
		const path = await tenant.workspace.file('invalid.schema.json', schema);
		const result = await runCli([...target(), '--in', path, '--yes']);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/✗ error\s+User ← user · Mail: flowType 'always' must be spelled 'Always'/);
		expect(result.stderr).toMatch(/✗ error\s+User ← user · Town: 'Town' is not an attribute of User/);
		expect(result.stderr).toMatch(/Not written: the checks found 2 problems/);
		expect(puts(tenant.simulator)).toEqual([]);
	});

	it('does not block on a problem the live schema already has, but shows it', async () => {
		const job = provisioning();
		const live = liveSchema(job);
		attributeMapping(live, 'Department')!.source = {expression: '[departmentName]', name: 'departmentName', type: 'Attribute', parameters: []};
		job.schema.text = JSON.stringify(live);
		const file = liveSchema(job);
		attributeMapping(file, 'Mail')!.flowType = 'ObjectAddOnly';
		const path = await tenant.workspace.file('known-problem.schema.json', file);
		const result = await runCli([...target(), '--in', path, '--yes']);
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/! warning\s+User ← user · Department: the source attribute \[departmentName\] is not an attribute of user .*\(the live schema has this too\)/);
		expect(puts(tenant.simulator)).toHaveLength(1);

		// The same problem brought in by the file blocks.
		const fresh = liveSchema(job);
		attributeMapping(fresh, 'City')!.source = {expression: '[town]', name: 'town', type: 'Attribute', parameters: []};
		const blocked = await runCli([...target(), '--in', await tenant.workspace.file('new-problem.schema.json', fresh), '--yes']);
		expect(blocked.code).toBe(1);
		expect(blocked.stderr).toMatch(/✗ error\s+User ← user · City: the source attribute \[town\] is not an attribute of user/);
		expect(puts(tenant.simulator)).toHaveLength(1);
	});

	it('stops on drift (the schema changed after it was read), says what changed and sends nothing', async () => {
		const job = provisioning();
		const changed = liveSchema(job);
		attributeMapping(changed, 'Department')!.flowType = 'ObjectAddOnly';
		changed.version = 'Date:2025-06-03T10:00:00.0000000Z, ActivityId:someone-else';
		// The first GET plans; the second (the write's drift check) sees someone else's change.
		tenant.simulator.faults.add({method: 'GET', path: schemaPath(job), skip: 1, times: 1, body: JSON.stringify(changed)});
		const path = await tenant.workspace.file('drift.schema.json', editedSchema());
		const result = await runCli([...target(), '--in', path, '--yes']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/provisioning-explorer: Someone changed this job's schema after you loaded it \(version .* → Date:2025-06-03T10:00:00/);
		expect(result.stderr).toMatch(/Changed on the server since this command read the schema:\n\s+Object mapping User ← user\n\s+~ Department\n\s+flowType: Always → ObjectAddOnly/);
		expect(result.stderr).toMatch(/Run the command again/);
		expect(puts(tenant.simulator)).toEqual([]);
	});
});

describe('import from another app or job', () => {
	it('takes the directory ids and schema id from the target by name', async () => {
		const path = await exported('from-provisioning.schema.json');
		const before = liveSchema(passwordHash());
		const result = await runCli(['import', ...demoArgs(tenant.simulator), '--sp', 'contoso.com', '--job', 'AD2AADPasswordHash', '--in', path, '--yes']);
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/Directory ids taken from the target by name: Active Directory \(ba5b00eb-.* → 3a57c35d-/);
		expect(result.stderr).toMatch(/Schema id taken from the target: AD2AADProvisioning\.\S+ → AD2AADPasswordHash\./);
		const sent = JSON.parse(puts(tenant.simulator)[0]!.body) as SynchronizationSchema;
		expect(sent.id).toBe(before.id);
		expect(sent.directories?.map((directory) => [directory.name, directory.id])).toEqual(before.directories?.map((directory) => [directory.name, directory.id]));
		expect(attributeMapping(liveSchema(passwordHash()), 'Mail')).toBeDefined();
	});

	it('refuses a file with a directory the target does not have: exit 2, no PUT', async () => {
		const workday = demoJob(tenant.simulator, 'Workday to Active Directory User Provisioning', 'WorkdayToAD');
		const path = await tenant.workspace.file('workday.schema.json', workday.schema.text);
		const result = await runCli([...target(), '--in', path, '--yes']);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toMatch(/The imported schema has the directory 'Workday', which this job's schema does not have \(it has 'Active Directory', 'Azure Active Directory'\)/);
		expect(puts(tenant.simulator)).toEqual([]);
	});
});

describe('import failures', () => {
	it('names an unknown app, an unknown job, and the choices when --job is needed', async () => {
		const path = await tenant.workspace.file('any.schema.json', editedSchema());
		const unknownApp = await runCli(['import', ...demoArgs(tenant.simulator), '--sp', 'Contoso Nowhere', '--in', path, '--yes']);
		expect(unknownApp.code).toBe(2);
		expect(expectOneLineError(unknownApp)).toMatch(/No service principal is named "Contoso Nowhere"/);

		const unknownJob = await runCli(['import', ...demoArgs(tenant.simulator), '--sp', 'contoso.com', '--job', 'NoSuchJob', '--in', path, '--yes']);
		expect(unknownJob.code).toBe(2);
		expect(expectOneLineError(unknownJob)).toMatch(/contoso\.com has no job "NoSuchJob"\. Its jobs: .*AD2AADProvisioning/);

		const noJob = await runCli(['import', ...demoArgs(tenant.simulator), '--sp', 'contoso.com', '--in', path, '--yes']);
		expect(noJob.code).toBe(2);
		expect(expectOneLineError(noJob)).toMatch(/contoso\.com has 2 jobs: .* Choose one with --job/);
		expect(puts(tenant.simulator)).toEqual([]);
	});

	it('lists the matches of an ambiguous display name', async () => {
		const original = tenant.simulator.tenant.servicePrincipals.find((each) => each.displayName === 'Salesforce')!;
		const twin = {...original, id: '0d3c2b1a-0000-4000-8000-00000000beef', appId: '7e3c2b1a-0000-4000-8000-00000000cafe'};
		tenant.simulator.tenant.servicePrincipals.push(twin);
		const path = await tenant.workspace.file('sf.schema.json', demoJob(tenant.simulator, 'Salesforce', 'SfOutDelta').schema.text);
		const result = await runCli(['import', ...demoArgs(tenant.simulator), '--sp', 'Salesforce', '--in', path, '--yes']);
		expect(result.code).toBe(2);
		const line = expectOneLineError(result);
		expect(line).toMatch(/2 service principals are named "Salesforce": .* Give the object id instead\./);
		expect(line).toContain(`Salesforce (${original.id})`);
		expect(line).toContain(`Salesforce (${twin.id})`);
	});

	it('fails before signing in on a missing or malformed file, naming the line and column', async () => {
		const missing = await runCli([...target(), '--in', join(tenant.workspace.path, 'nope.json'), '--yes']);
		expect(missing.code).toBe(2);
		expect(expectOneLineError(missing)).toMatch(/nope\.json.*file not found/);

		const path = await tenant.workspace.file('broken.schema.json', '{\n  "synchronizationRules": [\n    {"name": "x",}\n  ]\n}\n');
		const malformed = await runCli([...target(), '--in', path, '--yes']);
		expect(malformed.code).toBe(2);
		expect(expectOneLineError(malformed)).toMatch(/broken\.schema\.json.*line 3, column \d+/);
		// Neither run signed in or talked to Graph.
		expect(missing.stderr + malformed.stderr).not.toContain('To sign in');
		expect(tenant.simulator.requests.filter((request) => request.path.startsWith('/beta'))).toEqual([]);
	});

	it('explains the usage mistakes', async () => {
		const noIn = await runCli(['import', ...demoArgs(tenant.simulator), '--sp', 'contoso.com']);
		expect(noIn.code).toBe(2);
		expect(expectOneLineError(noIn)).toMatch(/import needs --in FILE/);
		const readOnly = await runCli([...target(), '--in', 'x.json', '--read-only']);
		expect(readOnly.code).toBe(2);
		expect(expectOneLineError(readOnly)).toMatch(/--read-only cannot write to the tenant; leave it out, or add --dry-run/);
		const help = await runCli(['import', '--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toMatch(/Usage: provisioning-explorer import --sp APP/);
		expect(help.stdout).toMatch(/Examples:\n {2}provisioning-explorer import --demo/);
	});
});
