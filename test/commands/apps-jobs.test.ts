/**
 * `apps` and `jobs`: the built executable against a demo tenant on 127.0.0.1, as a script would run them.
 */
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {runInTerminal} from '../helpers/pty.js';
import {escapeRegExp, expectOneLineError, isolatedState, removeIsolatedStates, runCli} from './cli.js';

let simulator: Simulator;

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
});
afterAll(async () => {
	await simulator.close();
	removeIsolatedStates();
});
beforeEach(() => simulator.faults.clear());

const demo = () => ['--demo', '--graph-url', simulator.url];
const appNamed = (name: string) => simulator.tenant.servicePrincipals.find((each) => each.displayName === name)!;

describe('apps', () => {
	it('prints an aligned table of the apps that have provisioning jobs, and only those', async () => {
		const result = await runCli(['apps', ...demo()]);
		expect(result.code).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^NAME\s+STATUS\s+JOBS\s+ID\s+APP ID$/);
		const names = lines.slice(1).map((line) => line.split(/\s{2,}/)[0]);
		expect(names.sort()).toEqual(['Contoso SCIM App', 'contoso.com', 'Salesforce', 'Workday to Active Directory User Provisioning'].sort());
		// Columns line up: every row has its status and id where the header has them.
		const statusColumn = lines[0]!.indexOf('STATUS');
		const idColumn = lines[0]!.indexOf('ID ');
		for (const line of lines.slice(1)) {
			expect(line[statusColumn - 1]).toBe(' ');
			expect(line.slice(statusColumn)).toMatch(/^(Active|Paused|Quarantine)\s/);
			expect(line.slice(idColumn)).toMatch(/^[\da-f-]{36}\s+[\da-f-]{36}$/);
		}
		const contoso = lines.find((line) => line.startsWith('contoso.com'))!;
		expect(contoso.split(/\s{2,}/)).toEqual(['contoso.com', 'Active', '2', cloudSyncServicePrincipalId, appNamed('contoso.com').appId]);
		expect(lines.find((line) => line.startsWith('Salesforce'))).toMatch(/Quarantine/);
		// The sign-in instruction is a message: stderr, never mixed into the data.
		expect(result.stderr).toMatch(/To sign in, open .* enter the code/);
		expect(result.stdout).not.toMatch(/sign in/i);
	});

	it('prints JSON that parses on its own with --json', async () => {
		const result = await runCli(['apps', ...demo(), '--json']);
		expect(result.code).toBe(0);
		const apps = JSON.parse(result.stdout) as {id: string; appId: string; displayName: string; jobCount: number; worstStatus: string; jobs: {templateId: string}[]}[];
		expect(apps).toHaveLength(4);
		const contoso = apps.find((app) => app.id === cloudSyncServicePrincipalId)!;
		expect(contoso).toMatchObject({displayName: 'contoso.com', appId: appNamed('contoso.com').appId, jobCount: 2, worstStatus: 'Active'});
		expect(contoso.jobs.map((job) => job.templateId).sort()).toEqual(['AD2AADPasswordHash', 'AD2AADProvisioning']);
		expect(apps.find((app) => app.displayName === 'Salesforce')!.worstStatus).toBe('Quarantine');
	});

	it('narrows the list with --search, and says so on stderr when nothing matches', async () => {
		const found = await runCli(['apps', ...demo(), '--search', 'Workday', '--json']);
		expect(found.code).toBe(0);
		expect((JSON.parse(found.stdout) as {displayName: string}[]).map((app) => app.displayName)).toEqual(['Workday to Active Directory User Provisioning']);

		const none = await runCli(['apps', ...demo(), '--search', 'Nothing like this']);
		expect(none.code).toBe(0);
		expect(none.stdout).toBe('');
		expect(none.stderr).toMatch(/No app whose name matches "Nothing like this" has provisioning jobs/);
	});

	it.each(['"', '""', ' '])('refuses a --search of %j, which would list every app, before asking Graph', async (term) => {
		const before = simulator.requests.length;
		const result = await runCli(['apps', ...demo(), '--search', term]);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
		expect(result.stderr).toMatch(/--search needs part of a word of the app's name/);
		expect(simulator.requests.slice(before).filter((request) => request.path.includes('servicePrincipals'))).toEqual([]);
	});

	it('lists the other apps and exits 1 when one app cannot be checked', async () => {
		const workday = appNamed('Workday to Active Directory User Provisioning');
		simulator.faults.add({path: new RegExp(`^/beta/servicePrincipals/${workday.id}/synchronization/jobs$`), status: 500});
		const result = await runCli(['apps', ...demo()]);
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/^contoso\.com\s/m);
		expect(result.stdout).not.toMatch(/Workday/);
		expect(result.stderr).toMatch(new RegExp(`Could not list the jobs of Workday to Active Directory User Provisioning \\(${workday.id}\\): Graph GET .* failed: 500`));
		expect(result.stderr).toMatch(/1 of \d+ service principals could not be checked; the list may be incomplete/);
	});

	it('a Hybrid Identity Administrator: cloud sync is listed, the apps Graph refuses (401 UnknownError) are "no access", the scan goes on, no token refresh', async () => {
		simulator.identity.setDirectoryRoles(['Hybrid Identity Administrator']);
		simulator.requests.length = 0;
		try {
			const result = await runCli(['apps', ...demo()]);
			expect(result.code).toBe(0);
			const rows = result.stdout.trimEnd().split('\n').slice(1);
			expect(rows.find((line) => line.startsWith('contoso.com'))!.split(/\s{2,}/).slice(0, 3)).toEqual(['contoso.com', 'Active', '2']);
			const refused = rows.filter((line) => /\sno access\s/.test(line)).map((line) => line.split(/\s{2,}/)[0]);
			expect(refused).toContain('Contoso SCIM App');
			expect(refused).toContain('Salesforce');
			expect(refused).not.toContain('contoso.com');
			const others = simulator.tenant.servicePrincipals.filter((each) => each.id !== cloudSyncServicePrincipalId);
			expect(refused).toHaveLength(others.length);
			const explanation = result.stderr.split('\n').find((line) => line.includes('listed as "no access"'))!;
			expect(explanation).toMatch(new RegExp(`^${others.length} apps listed as "no access": Graph GET .* failed: 401 \\(UnknownError\\)`));
			expect(explanation).toContain('lacks the permission or the directory role for this app');
			expect(explanation).toMatch(/\[request-id [\da-f-]{36}, client-request-id [\da-f-]{36}, date [\dT:-]+\]$/);
			// A missing role is not an expired token: not one forced refresh.
			expect(simulator.requests.filter((request) => request.body?.includes('grant_type=refresh_token'))).toEqual([]);
			const json = JSON.parse((await runCli(['apps', ...demo(), '--json'])).stdout) as {displayName: string; access: string; jobCount: number | null}[];
			expect(json.find((app) => app.displayName === 'contoso.com')).toMatchObject({access: 'read', jobCount: 2});
			expect(json.find((app) => app.displayName === 'Salesforce')).toMatchObject({access: 'none', jobCount: null});
		} finally {
			simulator.identity.setDirectoryRoles(['Global Administrator']);
		}
	});

	it('stops at the first job list Graph still refuses for an invalid token after the one refresh: one line, not one per app', async () => {
		const invalidToken = JSON.stringify({error: {code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.', innerError: {}}});
		simulator.faults.add({path: /\/synchronization\/jobs$/, status: 401, body: invalidToken});
		simulator.requests.length = 0;
		const result = await runCli(['apps', ...demo()]);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toMatch(/401 \(InvalidAuthenticationToken\).*Sign in again/);
		expect(result.stderr).not.toMatch(/Could not list the jobs of/);
		expect(simulator.requests.filter((request) => request.body?.includes('grant_type=refresh_token'))).toHaveLength(1);
		// Each worker in flight may see it once, and once more after the refresh; none starts another app.
		const jobRequests = simulator.requests.filter((request) => request.path.endsWith('/synchronization/jobs'));
		expect(jobRequests.length).toBeLessThanOrEqual(16);
	});

	it('a 401 UnknownError whose challenge says invalid_token is a sign-in problem, not a missing role', async () => {
		simulator.faults.add({
			path: /\/synchronization\/jobs$/,
			status: 401,
			body: JSON.stringify({error: {code: 'UnknownError', message: '', innerError: {}}}),
			wwwAuthenticate: 'Bearer realm="", error="invalid_token", error_description="The access token has expired"',
		});
		const result = await runCli(['apps', ...demo()]);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toMatch(/401 \(UnknownError\).*Sign in again/);
		expect(result.stderr).not.toMatch(/no access|lacks the permission/);
	});

	it('colours statuses on a terminal, and not with NO_COLOR', async () => {
		const coloured = runInTerminal(['apps', ...demo()], {columns: 200, env: {...isolatedState(), NO_COLOR: undefined, FORCE_COLOR: undefined}});
		expect(await coloured.waitForExit()).toBe(0);
		expect(coloured.output()).toContain('\x1b[31mQuarantine\x1b[39m');

		const plain = runInTerminal(['apps', ...demo()], {columns: 200, env: {...isolatedState(), NO_COLOR: '1', FORCE_COLOR: undefined}});
		expect(await plain.waitForExit()).toBe(0);
		expect(plain.output()).toContain('Quarantine');
		expect(plain.output()).not.toMatch(/\x1b\[\d*m/);
	});
});

describe('jobs', () => {
	it('prints the jobs of an app given by display name: template, status, last run, schedule, id', async () => {
		const result = await runCli(['jobs', ...demo(), '--sp', 'contoso.com']);
		expect(result.code).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^TEMPLATE\s+STATUS\s+LAST RUN \(UTC\)\s+SCHEDULE\s+ID$/);
		expect(lines).toHaveLength(3);
		const jobs = simulator.tenant.jobsOf(cloudSyncServicePrincipalId);
		for (const {job} of jobs) {
			const row = lines.find((line) => line.startsWith(`${job.templateId} `))!;
			expect(row).toMatch(new RegExp(`^${job.templateId}\\s+Active\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d Succeeded\\s+every 2 min\\s+${escapeRegExp(job.id)}$`));
		}
	});

	it('takes the appId too, and prints JSON with --json', async () => {
		const salesforce = appNamed('Salesforce');
		const result = await runCli(['jobs', ...demo(), '--sp', salesforce.appId!, '--json']);
		expect(result.code).toBe(0);
		const [job] = JSON.parse(result.stdout) as {id: string; templateId: string; status: string; lastRun: {state: string}; schedule: {interval: string}}[];
		expect(job).toMatchObject({templateId: 'SfOutDelta', status: 'Quarantine', lastRun: {state: 'Failed'}, schedule: {interval: 'PT40M'}});
		expect(job!.id).toBe(simulator.tenant.jobsOf(salesforce.id)[0]!.job.id);
	});

	it('shows a paused job as Disabled rather than a meaningless interval', async () => {
		const result = await runCli(['jobs', ...demo(), '--sp', 'Contoso SCIM App']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^customappssoOutDelta\s+Paused\s+.*\s+Disabled\s+customappssoOutDelta\./m);
	});

	it('fails with one line for an unknown app, and with a usage error without --sp', async () => {
		const unknown = await runCli(['jobs', ...demo(), '--sp', 'No Such App']);
		expect(unknown.code).toBe(2);
		expect(expectOneLineError(unknown)).toMatch(/No service principal is named "No Such App"/);
		expect(unknown.stdout).toBe('');

		const unknownId = await runCli(['jobs', ...demo(), '--sp', '00000000-0000-0000-0000-000000000001']);
		expect(unknownId.code).toBe(2);
		expect(expectOneLineError(unknownId)).toMatch(/No service principal has the object id or appId 00000000-0000-0000-0000-000000000001/);

		const usage = await runCli(['jobs', ...demo()]);
		expect(usage.code).toBe(2);
		expect(expectOneLineError(usage)).toMatch(/jobs needs --sp/);
	});
});

describe('help and usage', () => {
	it.each([
		['apps', /provisioning-explorer apps --demo/],
		['jobs', /provisioning-explorer jobs --demo --sp contoso\.com/],
		['export', /export --demo --all --out backup --normalize/],
		['docs', /docs --demo --sp contoso\.com --job AD2AADProvisioning/],
	])('%s --help prints usage and an example on stdout', async (command, example) => {
		const result = await runCli([command, '--help']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(new RegExp(`^Usage: provisioning-explorer ${command} `));
		expect(result.stdout).toMatch(/Examples?:/);
		expect(result.stdout).toMatch(example);
		expect(result.stderr).toBe('');
	});

	it('lists the commands in the main help', async () => {
		const result = await runCli(['--help']);
		expect(result.code).toBe(0);
		for (const command of ['apps', 'jobs --sp', 'export --sp', 'docs --sp']) expect(result.stdout).toContain(`provisioning-explorer ${command}`);
	});

	it('rejects an unknown option with one line that points at --help', async () => {
		const result = await runCli(['apps', '--colour']);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toBe("provisioning-explorer: unknown option '--colour'. See `provisioning-explorer apps --help`.");
	});
});
