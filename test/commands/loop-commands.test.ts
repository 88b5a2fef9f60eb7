/**
 * `jobs --job`, `job`, `provision` and `logs`: the built executable against a demo tenant on 127.0.0.1, as a
 * script runs them. What reaches the tenant is checked in the simulator's request log.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {expressionToMappingSource} from '../../source/expressions/parser.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {expectOneLineError, removeIsolatedStates, runCli} from './cli.js';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0, provisioning: {cycleDurationMs: 400, onDemandLimit: {requests: 1000, windowMs: 10_000}}});
});
afterAll(async () => {
	await simulator.close();
	removeIsolatedStates();
});
beforeEach(() => {
	simulator.requests.length = 0;
});

const demo = (target: Simulator = simulator) => ['--demo', '--graph-url', target.url];
const adele = 'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com';
/** Graph requests that change something (sign-in's own POSTs are not Graph). */
const posts = (target: Simulator = simulator) => target.requests.filter((request) => request.method !== 'GET' && /^\/(beta|v1\.0)\//.test(request.path));

describe('jobs --job', () => {
	it('shows a quarantined job in words: reason, error, since, next attempt, what to do', async () => {
		const result = await runCli(['jobs', ...demo(), '--sp', 'Salesforce', '--job', 'SfOutDelta']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^Status: +Quarantine$/m);
		expect(result.stdout).toMatch(/^Last run: +Failed: \d+ imported, 0 exported, \d+ escrowed — SalesforceInvalidCredentials/m);
		expect(result.stdout).toMatch(/^Quarantine: +EncounteredQuarantineException: the provisioning service could not connect to the target/m);
		expect(result.stdout).toMatch(/^Next attempt: +\d{4}-\d\d-\d\d \d\d:\d\d UTC/m);
		expect(result.stdout).toMatch(/^What to do: +Re-authorise the admin credentials/m);
		const json = await runCli(['jobs', ...demo(), '--sp', 'Salesforce', '--job', 'SfOutDelta', '--json']);
		expect(JSON.parse(json.stdout)).toMatchObject({code: 'Quarantine', quarantine: {reason: 'EncounteredQuarantineException', errorCode: 'SalesforceInvalidCredentials'}});
	});

	it('strips terminal control characters from what the tenant says', async () => {
		const salesforce = simulator.tenant.servicePrincipals.find((each) => each.displayName === 'Salesforce')!;
		const job = simulator.tenant.jobsOf(salesforce.id)[0]!.job;
		const quarantine = (job.status as {quarantine: {reason: string; error: {message: string}}}).quarantine;
		const saved = {reason: quarantine.reason, message: quarantine.error.message};
		quarantine.reason = 'Weird\u001b]0;owned\u0007Reason';
		quarantine.error.message = 'Bad \u001b[31mred\u001b[0m credentials';
		try {
			const detail = await runCli(['jobs', ...demo(), '--sp', 'Salesforce', '--job', 'SfOutDelta']);
			const table = await runCli(['jobs', ...demo(), '--sp', 'Salesforce']);
			for (const output of [detail.stdout, detail.stderr, table.stdout, table.stderr]) expect(output).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
			expect(detail.stdout).toMatch(/Bad .*red.* credentials/);
		} finally {
			quarantine.reason = saved.reason;
			quarantine.error.message = saved.message;
		}
	});

	it('watches a running cycle until it ends, printing a block only when something changed', async () => {
		// A cycle long enough to outlast the command's sign-in.
		const slow = await startSimulator({autoApproveDeviceCodeMs: 0, provisioning: {cycleDurationMs: 4000}});
		const workday = 'Workday to Active Directory User Provisioning';
		let watched: Awaited<ReturnType<typeof runCli>>;
		try {
			expect((await runCli(['job', 'restart', ...demo(slow), '--sp', workday, '--scope', 'full-cycle', '--yes'])).code).toBe(0);
			watched = await runCli(['jobs', ...demo(slow), '--sp', workday, '--job', 'WorkdayToAD', '--watch', '--json'], {env: {PROVISIONING_EXPLORER_WATCH_INTERVAL_MS: '200'}});
		} finally {
			await slow.close();
		}
		expect(watched.code).toBe(0);
		const blocks = watched.stdout
			.trim()
			.split(/\n(?=\{)/)
			.map((block) => JSON.parse(block) as {running?: {percent: number}; lastRun?: {state: string}});
		expect(blocks.length).toBeGreaterThanOrEqual(2);
		expect(blocks[0]!.running).toBeDefined();
		expect(blocks.at(-1)!.running).toBeUndefined();
		expect(blocks.at(-1)!.lastRun!.state).toBe('Succeeded');
		// Only changes are printed: no two blocks in a row are the same.
		for (let index = 1; index < blocks.length; index++) expect(blocks[index]).not.toEqual(blocks[index - 1]);
	});

	it('names the jobs that need attention under the table, on stderr', async () => {
		const result = await runCli(['jobs', ...demo(), '--sp', 'Salesforce']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^SfOutDelta\s+Quarantine\s/m);
		expect(result.stderr).toMatch(/SfOutDelta: Quarantine \(EncounteredQuarantineException\) — the provisioning service could not connect/);
	});
});

describe('job', () => {
	it('restarts only after confirmation: without a terminal and without --yes nothing is sent', async () => {
		const refused = await runCli(['job', 'restart', ...demo(), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning']);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toMatch(/Not sent: restart \(Restart provisioning \(as the portal does\)\) needs confirmation .* add --yes/);
		expect(posts()).toEqual([]);

		const sent = await runCli(['job', 'restart', ...demo(), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--yes']);
		expect(sent.code).toBe(0);
		const [restart] = posts();
		expect(restart).toMatchObject({method: 'POST', path: `/beta/servicePrincipals/${cloudSyncServicePrincipalId}/synchronization/jobs/${cloudSyncProvisioningJobId}/restart`});
		// Microsoft's documented body, exactly.
		expect(JSON.parse(restart!.body!)).toEqual({criteria: {resetScope: 'Watermark, Escrows, QuarantineState'}});
		expect(sent.stdout).toMatch(/^Running: +cycle \d+ % done \(\d+ of 4 objects\)$/m);
	});

	it('clears quarantine and escrows without the typed name, and refuses DO NOT USE scopes before sending', async () => {
		const cleared = await runCli(['job', 'restart', ...demo(), '--sp', 'Salesforce', '--scope', 'clear-quarantine']);
		expect(cleared.code).toBe(0);
		expect(JSON.parse(posts()[0]!.body!)).toEqual({criteria: {resetScope: 'Escrows, QuarantineState'}});
		expect(cleared.stdout).toMatch(/^Status: +Active$/m);

		simulator.requests.length = 0;
		const none = await runCli(['job', 'restart', ...demo(), '--sp', 'Salesforce', '--scope', 'None', '--yes']);
		expect(none.code).toBe(2);
		expect(expectOneLineError(none)).toMatch(/restart scope None as "DO NOT USE" \(use `job start` instead\); it is never sent/);
		// Refused before signing in: not even a sign-in request.
		expect(simulator.requests).toEqual([]);
	});

	it('pauses and starts, and says when there is nothing to do', async () => {
		const pause = await runCli(['job', 'pause', ...demo(), '--sp', 'Workday to Active Directory User Provisioning']);
		expect(pause.code).toBe(0);
		expect(pause.stdout).toMatch(/^Status: +Paused$/m);
		const again = await runCli(['job', 'pause', ...demo(), '--sp', 'Workday to Active Directory User Provisioning']);
		expect(again.code).toBe(2);
		expect(again.stderr).toMatch(/Not sent: The job is paused already/);
		const start = await runCli(['job', 'start', ...demo(), '--sp', 'Workday to Active Directory User Provisioning', '--json']);
		expect(start.code).toBe(0);
		expect(JSON.parse(start.stdout)).toMatchObject({action: 'start', job: {code: 'Active', state: 'Active'}});
	});

	it('sends nothing under --read-only: no action reaches the tenant at HTTP level', async () => {
		for (const args of [
			['job', 'start', '--sp', 'Salesforce'],
			['job', 'restart', '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--yes'],
			['provision', '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--subject', adele],
		]) {
			const result = await runCli([...args, ...demo(), '--read-only']);
			expect(result.code, args.join(' ')).toBe(2);
			expect(expectOneLineError(result)).toMatch(/^provisioning-explorer: --read-only: .* nothing was sent\.$/);
		}
		// Refused before anything is sent: no action, and not even a sign-in.
		expect(simulator.requests).toEqual([]);
	});
});

describe('provision', () => {
	it('provisions Adele with the documented request, exit 1 while skipped, 0 with the changed value after a mapping change', async () => {
		const skipped = await runCli(['provision', ...demo(), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--subject', adele]);
		expect(skipped.code).toBe(1);
		expect(skipped.stdout).toMatch(/SKIPPED for adelev@chicago\.com — not a success: RedundantExport/);
		expect(skipped.stdout).toMatch(/Note: Cloud sync provisions on demand without applying scoping filters/);
		const request = posts().find((each) => each.path.endsWith('/provisionOnDemand'))!;
		expect(JSON.parse(request.body!)).toEqual({parameters: [{ruleId: '6c409270-f78a-4bc6-af23-7cf3ab6482fe', subjects: [{objectId: adele, objectTypeName: 'user'}]}]});

		const job = simulator.tenant.findJob(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)!;
		const schema = JSON.parse(job.schema.text) as SynchronizationSchema;
		schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.find((each) => each.targetAttributeName === 'ExtensionAttribute3')!.source = expressionToMappingSource('Trim([company])');
		const original = job.schema.text;
		job.schema.text = JSON.stringify(schema);
		try {
			const changed = await runCli(['provision', ...demo(), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--subject', adele, '--json']);
			expect(changed.code).toBe(0);
			const [result] = JSON.parse(changed.stdout) as {outcome: string; action: string; modified: unknown[]}[];
			expect(result).toMatchObject({outcome: 'Success', action: 'Update', modified: [{name: 'ExtensionAttribute3', oldValue: 'CHI-RETAIL-07', newValue: 'Contoso Chicago'}]});
		} finally {
			job.schema.text = original;
		}
		const restored = await runCli(['provision', ...demo(), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--subject', adele]);
		expect(restored.code).toBe(0);
		expect(restored.stdout).toContain('ExtensionAttribute3: "Contoso Chicago" → "CHI-RETAIL-07"');
	});

	it('takes a UPN for an app fed from Entra ID, and refuses a subject of the wrong kind with one line (exit 2)', async () => {
		const byUpn = await runCli(['provision', ...demo(), '--sp', 'Contoso SCIM App', '--subject', 'LynneR@contoso.com']);
		expect(byUpn.code).toBe(0);
		expect(byUpn.stdout).toMatch(/Success for LynneR@contoso\.com: action Create in customappsso/);
		expect(byUpn.stdout).toContain('displayName: (none) → "Lynne Robbins"');

		const wrongKind = await runCli(['provision', ...demo(), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--subject', 'adelev@chicago.com']);
		expect(wrongKind.code).toBe(2);
		expect(expectOneLineError(wrongKind)).toMatch(/Cloud sync provisions on demand by distinguished name/);
		expect(posts().filter((each) => each.path.endsWith('/provisionOnDemand'))).toHaveLength(1);
	});

	it('exits 1 for a failed object and shows the failure, never a success', async () => {
		const failed = await runCli(['provision', ...demo(), '--sp', 'Salesforce', '--subject', '9bb0f679-a883-4a6f-8260-35b491b8b8c8']);
		// Salesforce's credentials were not fixed in this tenant (a restart above cleared the quarantine only).
		expect(failed.code).toBe(1);
		expect(failed.stdout).toMatch(/FAILURE for BillBob@contoso\.com — not a success: SalesforceInvalidCredentials/);
		expect(failed.stdout).toMatch(/✗ Action \/ export: Failure/);
	});
});

describe('provision a group', () => {
	const group = '8213fd99-d6b6-417b-8e13-af6334856215';
	it('sends the documented group subject with its members in links, and says the steps are in the logs', async () => {
		const result = await runCli(['provision', ...demo(), '--sp', 'Contoso SCIM App', '--object-type', 'Group', '--subject', group, '--member', 'DiegoS@contoso.com', '--member', '9bb0f679-a883-4a6f-8260-35b491b8b8c8', '--json']);
		expect(result.code).toBe(0);
		const sent = posts().filter((each) => each.path.endsWith('/provisionOnDemand'));
		expect(sent).toHaveLength(1);
		const body = JSON.parse(sent[0]!.body ?? '{}');
		expect(body.parameters[0].subjects).toEqual([
			{
				objectId: group,
				objectTypeName: 'Group',
				links: {members: [{objectId: '4e1f2a3b-5c6d-4e7f-8a9b-0c1d2e3f4a5b', objectTypeName: 'User'}, {objectId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8', objectTypeName: 'User'}]},
			},
		]);
		const [answer] = JSON.parse(result.stdout) as {outcome: string; members: string[]; notes: string[]}[];
		expect(answer).toMatchObject({outcome: 'Success', members: ['4e1f2a3b-5c6d-4e7f-8a9b-0c1d2e3f4a5b', '9bb0f679-a883-4a6f-8260-35b491b8b8c8']});
		expect(answer!.notes.join(' ')).toMatch(/without its steps: the provisioning logs show the group and each member/);
	});

	it('refuses, before sending, more than 5 members, members without a group, and a job that cannot provision groups', async () => {
		const six = Array.from({length: 6}, () => ['--member', '9bb0f679-a883-4a6f-8260-35b491b8b8c8']).flat();
		const tooMany = await runCli(['provision', ...demo(), '--sp', 'Contoso SCIM App', '--object-type', 'Group', '--subject', group, ...six]);
		expect(tooMany.code).toBe(2);
		expect(expectOneLineError(tooMany)).toMatch(/at most 5 members \(Microsoft's limit\); 6 were given/);
		const noGroup = await runCli(['provision', ...demo(), '--sp', 'Contoso SCIM App', '--subject', '9bb0f679-a883-4a6f-8260-35b491b8b8c8', '--member', '4e1f2a3b-5c6d-4e7f-8a9b-0c1d2e3f4a5b']);
		expect(expectOneLineError(noGroup)).toMatch(/--member is for a group/);
		const cloudSync = await runCli(['provision', ...demo(), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--object-type', 'Group', '--subject', group]);
		expect(expectOneLineError(cloudSync)).toMatch(/No enabled object mapping of this job provisions "Group"/);
		expect(posts().filter((each) => each.path.endsWith('/provisionOnDemand'))).toEqual([]);
	});
});

describe("Microsoft's cloud-sync transformation procedure, with the commands", () => {
	it('change the mapping, save, see the next steps, verify one user, restore, verify again', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'pvx-canary-'));
		const state = mkdtempSync(join(tmpdir(), 'pvx-canary-state-'));
		const env = {PROVISIONING_EXPLORER_STATE_DIR: state};
		const target = ['--sp', 'contoso.com', '--job', 'AD2AADProvisioning'];
		try {
			const exported = join(folder, 'live.schema.json');
			expect((await runCli(['export', ...demo(), ...target, '--out', exported], {env})).code).toBe(0);
			const schema = JSON.parse(simulator.tenant.findJob(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)!.schema.text) as SynchronizationSchema;
			schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.find((each) => each.targetAttributeName === 'ExtensionAttribute3')!.source = expressionToMappingSource('Trim([company])');
			const changed = join(folder, 'changed.schema.json');
			writeFileSync(changed, JSON.stringify(schema));

			const write = await runCli(['import', ...demo(), ...target, '--in', changed, '--yes'], {env});
			expect(write.code).toBe(0);
			expect(write.stderr).toMatch(/Next steps:\n {2}Before the restart reaches every object, provision one test user on demand/);
			expect(write.stderr).toContain('  provisioning-explorer provision --sp contoso.com --job AD2AADProvisioning --subject "CN=…"');
			expect(write.stderr).toContain('  provisioning-explorer job restart --sp contoso.com --job AD2AADProvisioning');
			const backup = /Backup of the previous schema: (.+)$/m.exec(write.stderr)![1]!;

			const verify = await runCli(['provision', ...demo(), ...target, '--subject', adele], {env});
			expect(verify.code).toBe(0);
			expect(verify.stdout).toContain('ExtensionAttribute3: "CHI-RETAIL-07" → "Contoso Chicago"');

			const restore = await runCli(['import', ...demo(), ...target, '--in', backup, '--yes'], {env});
			expect(restore.code).toBe(0);
			const again = await runCli(['provision', ...demo(), ...target, '--subject', adele], {env});
			expect(again.code).toBe(0);
			expect(again.stdout).toContain('ExtensionAttribute3: "Contoso Chicago" → "CHI-RETAIL-07"');
		} finally {
			rmSync(folder, {recursive: true, force: true});
			rmSync(state, {recursive: true, force: true});
		}
	});
});

describe('logs', () => {
	it('lists the job events newest first, with Graph filters, and as JSON', async () => {
		const table = await runCli(['logs', ...demo(), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--since', '2h']);
		expect(table.code).toBe(0);
		const lines = table.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^TIME \(UTC\)\s+STATUS\s+ACTION\s+SOURCE\s+TARGET\s+ERROR$/);
		expect(lines.some((line) => /skipped\s+other\s+adelev@chicago\.com/.test(line))).toBe(true);
		const query = simulator.requests.find((each) => each.path === '/beta/auditLogs/provisioning')!.query;
		expect(query.$filter).toMatch(new RegExp(`^jobId eq '${cloudSyncProvisioningJobId.replace(/\./g, '\\.')}' and activityDateTime gt \\d{4}-`));
		expect(query.$orderby).toBe('activityDateTime desc');

		const failures = await runCli(['logs', ...demo(), '--sp', 'Salesforce', '--status', 'failure', '--json']);
		expect(failures.code).toBe(0);
		const events = JSON.parse(failures.stdout) as {status: string; errorCode: string; recommendedAction: string}[];
		expect(events.length).toBeGreaterThan(0);
		for (const event of events) expect(event).toMatchObject({status: 'failure', errorCode: 'SalesforceInvalidCredentials', recommendedAction: expect.stringMatching(/Re-enter the admin credentials/)});
	});

	it('matches a UPN locally and says so; shows an event in detail with steps and old → new', async () => {
		const result = await runCli(['logs', ...demo(), '--sp', 'Contoso SCIM App', '--user', 'lynner@contoso.com', '--details']);
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/Graph cannot filter provisioning logs by UPN or name, so "lynner@contoso\.com" is matched here/);
		expect(result.stdout).toMatch(/SUCCESS create LynneR@contoso\.com \(Azure Active Directory → customappsso\)/);
		expect(result.stdout).toMatch(/^ {4}displayName: \(none\) → Lynne Robbins$/m);
	});

	it('says which permissions are missing, and when the licence does not allow logs', async () => {
		const narrow = await startSimulator({autoApproveDeviceCodeMs: 0});
		const unlicensed = await startSimulator({autoApproveDeviceCodeMs: 0, premiumLicense: false});
		try {
			narrow.identity.setConsent({delegated: ['Application.Read.All', 'Synchronization.ReadWrite.All']});
			const denied = await runCli(['logs', ...demo(narrow), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning']);
			expect(denied.code).toBe(2);
			expect(expectOneLineError(denied)).toMatch(/Not allowed to read provisioning logs\. .*AuditLog\.Read\.All and Directory\.Read\.All/);
			const noLicence = await runCli(['logs', ...demo(unlicensed), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning']);
			expect(noLicence.code).toBe(2);
			expect(expectOneLineError(noLicence)).toMatch(/no Microsoft Entra ID P1 or P2 licence/);
		} finally {
			await narrow.close();
			await unlicensed.close();
		}
	});
});

describe('help', () => {
	it.each([
		['job', /job restart --demo --sp Salesforce --scope clear-quarantine/],
		['provision', /provision --demo --sp contoso\.com --job AD2AADProvisioning --subject "CN=AdeleV/],
		['logs', /logs --demo --sp contoso\.com --job AD2AADProvisioning --since 1h --status skipped/],
	])('%s --help prints usage and an example on stdout', async (command, example) => {
		const result = await runCli([command, '--help']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(new RegExp(`^Usage: provisioning-explorer ${command} `));
		expect(result.stdout).toMatch(example);
	});
});
