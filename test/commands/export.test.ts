/**
 * `export` of one job and of every job (`--all`), with `--normalize`, failures and throttling: the built
 * executable against a demo tenant on 127.0.0.1.
 */
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, type DemoJob, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {escapeRegExp, expectOneLineError, removeIsolatedStates, runCli} from './cli.js';

let simulator: Simulator;
let workspace: string;

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	workspace = await mkdtemp(join(tmpdir(), 'pvx-export-'));
});
afterAll(async () => {
	await simulator.close();
	await rm(workspace, {recursive: true, force: true});
	removeIsolatedStates();
});
beforeEach(() => simulator.faults.clear());

const demo = () => ['--demo', '--graph-url', simulator.url];
let folders = 0;
const newFolder = () => join(workspace, `out-${++folders}`);

/** Every file under `directory`, as relative paths with `/`. */
async function filesIn(directory: string): Promise<string[]> {
	const entries = await readdir(directory, {recursive: true, withFileTypes: true});
	return entries
		.filter((entry) => entry.isFile())
		.map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1).replaceAll('\\', '/'))
		.sort();
}

const expectedLayout = [
	'Contoso-SCIM-App/customappssoOutDelta.schema.json',
	'Salesforce/SfOutDelta.schema.json',
	'Workday-to-Active-Directory-User-Provisioning/WorkdayToAD.schema.json',
	'contoso.com/AD2AADPasswordHash.schema.json',
	'contoso.com/AD2AADProvisioning.schema.json',
];

function demoJob(appName: string, templateId: string): DemoJob {
	const servicePrincipal = simulator.tenant.servicePrincipals.find((each) => each.displayName === appName)!;
	return simulator.tenant.jobsOf(servicePrincipal.id).find((each) => each.job.templateId === templateId)!;
}

const schemaPath = (job: DemoJob) => new RegExp(`^/beta/servicePrincipals/${job.servicePrincipalId}/synchronization/jobs/${escapeRegExp(job.job.id)}/schema$`);

/** Keys of every object in document order, to compare layouts. */
function keyOrders(value: unknown, into: string[][] = []): string[][] {
	if (Array.isArray(value)) for (const element of value) keyOrders(element, into);
	else if (value && typeof value === 'object') {
		into.push(Object.keys(value));
		for (const child of Object.values(value)) keyOrders(child, into);
	}
	return into;
}

describe('export of one job', () => {
	it('writes the schema to stdout byte for byte as Graph returned it', async () => {
		const result = await runCli(['export', ...demo(), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning']);
		expect(result.code).toBe(0);
		expect(result.stdoutBytes.equals(Buffer.from(demoJob('contoso.com', 'AD2AADProvisioning').schema.text, 'utf8'))).toBe(true);
		expect(result.stderr).not.toContain('Saved');
	});

	it('writes a stable, semantically equal document with --normalize', async () => {
		const raw = JSON.parse(demoJob('contoso.com', 'AD2AADProvisioning').schema.text) as unknown;
		const first = await runCli(['export', ...demo(), '--sp', cloudSyncServicePrincipalId, '--job', cloudSyncProvisioningJobId, '--normalize']);
		const second = await runCli(['export', ...demo(), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--normalize', '--out', '-']);
		expect(first.code).toBe(0);
		expect(second.stdoutBytes.equals(first.stdoutBytes)).toBe(true);
		const normalized = JSON.parse(first.stdout) as Record<string, unknown>;
		expect(normalized).toEqual(raw);
		expect(first.stdout.startsWith('{\n  "id": ')).toBe(true);
		expect(first.stdout.endsWith('}\n')).toBe(true);
		expect(first.stdout).not.toContain('\r');
		// Identity keys first, the rest in ordinal order, in every object.
		for (const keys of keyOrders(normalized)) {
			const identity = keys.filter((key) => ['id', 'name', 'key', 'targetAttributeName'].includes(key));
			expect(keys.slice(0, identity.length)).toEqual(identity);
			const rest = keys.slice(identity.length);
			expect(rest).toEqual([...rest].sort());
		}
		const mapping = (normalized.synchronizationRules as {objectMappings: {attributeMappings: Record<string, unknown>[]}[]}[])[0]!.objectMappings[0]!.attributeMappings[0]!;
		expect(Object.keys(mapping)[0]).toBe('targetAttributeName');
	});

	it('saves to a file atomically and says so on stderr', async () => {
		const path = join(workspace, 'contoso.schema.json');
		await writeFile(path, 'old content');
		const result = await runCli(['export', ...demo(), '--sp', 'contoso.com', '--job', 'AD2AADPasswordHash', '--out', path]);
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/Saved the AD2AADPasswordHash schema of contoso\.com to .*contoso\.schema\.json \(\d+ bytes\)/);
		expect(await readFile(path, 'utf8')).toBe(demoJob('contoso.com', 'AD2AADPasswordHash').schema.text);
		expect((await readdir(workspace)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
	});

	it('fails with one line for an unknown job or an app with several jobs and no --job', async () => {
		const unknown = await runCli(['export', ...demo(), '--sp', 'contoso.com', '--job', 'NoSuchTemplate']);
		expect(unknown.code).toBe(2);
		expect(expectOneLineError(unknown)).toMatch(/contoso\.com has no job "NoSuchTemplate"\. Its jobs: .*AD2AADProvisioning/);
		expect(unknown.stdout).toBe('');

		const several = await runCli(['export', ...demo(), '--sp', 'contoso.com']);
		expect(several.code).toBe(2);
		expect(expectOneLineError(several)).toMatch(/contoso\.com has 2 jobs: .* Choose one with --job/);
	});

	it('refuses a body that is not a schema instead of saving it', async () => {
		const job = demoJob('Salesforce', 'SfOutDelta');
		simulator.faults.add({path: schemaPath(job), body: '{"synchronizationRules": [', times: 1});
		const path = join(workspace, 'broken.schema.json');
		const result = await runCli(['export', ...demo(), '--sp', 'Salesforce', '--out', path]);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toMatch(/not valid JSON .*nothing was written/);
		await expect(readFile(path)).rejects.toMatchObject({code: 'ENOENT'});
	});
});

describe('export --all', () => {
	it('writes one file per job under readable names, each exactly as Graph returned it', async () => {
		const folder = newFolder();
		const result = await runCli(['export', ...demo(), '--all', '--out', folder]);
		expect(result.code).toBe(0);
		expect(await filesIn(folder)).toEqual(expectedLayout);
		const provisioning = await readFile(join(folder, 'contoso.com/AD2AADProvisioning.schema.json'), 'utf8');
		expect(provisioning).toBe(demoJob('contoso.com', 'AD2AADProvisioning').schema.text);
		const workday = await readFile(join(folder, 'Workday-to-Active-Directory-User-Provisioning/WorkdayToAD.schema.json'));
		expect(workday[0]).toBe('{'.charCodeAt(0));
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/\[5\/5\] /);
		expect(result.stderr).toMatch(/Exported 5 of 5 job schemas \(4 apps\) to /);
	});

	it('writes the same bytes twice with --normalize, and they mean what Graph returned', async () => {
		const [first, second] = [newFolder(), newFolder()];
		expect((await runCli(['export', ...demo(), '--all', '--out', first, '--normalize'])).code).toBe(0);
		expect((await runCli(['export', ...demo(), '--all', '--normalize', '--out', second])).code).toBe(0);
		for (const file of expectedLayout) {
			const [a, b] = await Promise.all([readFile(join(first, file)), readFile(join(second, file))]);
			expect(a.equals(b)).toBe(true);
		}
		const workday = demoJob('Workday to Active Directory User Provisioning', 'WorkdayToAD');
		const normalized = await readFile(join(first, 'Workday-to-Active-Directory-User-Provisioning/WorkdayToAD.schema.json'), 'utf8');
		expect(JSON.parse(normalized)).toEqual(JSON.parse(workday.schema.text));
		expect(normalized).not.toBe(workday.schema.text);
	});

	it('saves the other jobs when one fails, names the failure in the summary and exits 1', async () => {
		const workday = demoJob('Workday to Active Directory User Provisioning', 'WorkdayToAD');
		simulator.faults.add({path: schemaPath(workday), status: 500});
		const folder = newFolder();
		const result = await runCli(['export', ...demo(), '--all', '--out', folder, '--json']);
		expect(result.code).toBe(1);
		expect(await filesIn(folder)).toEqual(expectedLayout.filter((file) => !file.startsWith('Workday')));
		expect(result.stderr).toMatch(/FAILED Workday to Active Directory User Provisioning \/ WorkdayToAD: Graph GET .* failed: 500/);
		expect(result.stderr).toMatch(/Exported 4 of 5 job schemas \(4 apps\)/);
		expect(result.stderr).toMatch(new RegExp(`1 failed:\\n  Workday to Active Directory User Provisioning / WorkdayToAD \\(job ${escapeRegExp(workday.job.id)}\\): Graph GET`));
		const summary = JSON.parse(result.stdout) as {written: {path: string}[]; failed: {app: {displayName: string}; jobId: string; path: string; error: string}[]};
		expect(summary.written.map((each) => each.path).sort()).toEqual(expectedLayout.filter((file) => !file.startsWith('Workday')));
		expect(summary.failed).toEqual([
			{
				app: {id: workday.servicePrincipalId, displayName: 'Workday to Active Directory User Provisioning'},
				jobId: workday.job.id,
				templateId: 'WorkdayToAD',
				path: 'Workday-to-Active-Directory-User-Provisioning/WorkdayToAD.schema.json',
				error: expect.stringMatching(/failed: 500/),
			},
		]);
	});

	it('exits 2 when nothing could be saved', async () => {
		simulator.faults.add({path: /\/schema$/, status: 500});
		const folder = newFolder();
		const result = await runCli(['export', ...demo(), '--all', '--out', folder]);
		expect(result.code).toBe(2);
		expect(await filesIn(folder)).toEqual([]);
		expect(result.stderr).toMatch(/Exported 0 of 5 job schemas/);
	});

	it('waits out throttling (429 with Retry-After on a fifth of the requests) and loses nothing', async () => {
		// The requests the command makes, in a fixed order: the app list, each app's jobs, each schema.
		const base = '/beta/servicePrincipals';
		const paths = [
			new RegExp(`^${base}$`),
			...simulator.tenant.servicePrincipals.map((sp) => new RegExp(`^${base}/${sp.id}/synchronization/jobs$`)),
			...simulator.tenant.jobs.map(schemaPath),
		];
		const throttled = paths.filter((_path, index) => index % 5 === 0);
		const ids = new Set(throttled.map((path) => simulator.faults.add({method: 'GET', path, status: 429, retryAfter: 1, times: 1})));
		const folder = newFolder();
		const result = await runCli(['export', ...demo(), '--all', '--out', folder]);
		expect(result.code).toBe(0);
		expect(await filesIn(folder)).toEqual(expectedLayout);
		expect(result.stderr).toMatch(/Exported 5 of 5 job schemas/);
		expect(result.stderr).toMatch(/429.*; retrying in 1 s/);
		expect(simulator.requests.filter((request) => request.faultId && ids.has(request.faultId))).toHaveLength(throttled.length);
		expect(simulator.faults.rules).toHaveLength(0);
	});

	it('refuses usage mistakes before signing in', async () => {
		for (const [args, message] of [
			[['--all'], /export --all needs --out DIR/],
			[['--all', '--out', '-'], /export --all needs --out DIR/],
			[['--all', '--out', newFolder(), '--sp', 'contoso.com'], /leave out --sp and --job/],
			[['--out', 'x.json'], /export needs --sp/],
			[['--sp', 'contoso.com', '--json'], /--json goes with export --all/],
		] as const) {
			const result = await runCli(['export', ...demo(), ...args]);
			expect(result.code).toBe(2);
			expect(expectOneLineError(result)).toMatch(message);
			expect(result.stderr).not.toMatch(/To sign in/);
		}
		const file = join(workspace, 'a-file');
		await writeFile(file, '');
		const onFile = await runCli(['export', ...demo(), '--all', '--out', file]);
		expect(onFile.code).toBe(2);
		expect(expectOneLineError(onFile)).toMatch(/is a file; export --all needs a folder/);
	});
});

describe('apps with the same display name', () => {
	let tenant: Simulator;
	let twin: {id: string; jobId: string};

	beforeAll(async () => {
		tenant = await startSimulator({autoApproveDeviceCodeMs: 0});
		// A second "Salesforce" (e.g. a sandbox) with a job of the same template: a real tenant can have this.
		const original = tenant.tenant.servicePrincipals.find((each) => each.displayName === 'Salesforce')!;
		const originalJob = tenant.tenant.jobsOf(original.id)[0]!;
		twin = {id: '0d3c2b1a-0000-4000-8000-00000000beef', jobId: 'SfOutDelta.0123456789abcdef0123456789abcdef.5b3c2d1e-0000-4000-8000-000000000001'};
		tenant.tenant.servicePrincipals.push({...original, id: twin.id, appId: '7e3c2b1a-0000-4000-8000-00000000cafe'});
		tenant.tenant.jobs.push({
			servicePrincipalId: twin.id,
			job: {...originalJob.job, id: twin.jobId},
			schema: {...originalJob.schema, text: originalJob.schema.text.replace('"version":', '"twin":true,"version":')},
		});
	});
	afterAll(() => tenant.close());
	const twinDemo = () => ['--demo', '--graph-url', tenant.url];

	it('lists the matches when a command is given the ambiguous name', async () => {
		const original = tenant.tenant.servicePrincipals.find((each) => each.displayName === 'Salesforce')!;
		for (const command of ['jobs', 'export', 'docs']) {
			const result = await runCli([command, ...twinDemo(), '--sp', 'Salesforce']);
			expect(result.code).toBe(2);
			const line = expectOneLineError(result);
			expect(line).toMatch(/2 service principals are named "Salesforce": .* Give the object id instead\./);
			expect(line).toContain(`Salesforce (${original.id})`);
			expect(line).toContain(`Salesforce (${twin.id})`);
		}
		const byId = await runCli(['jobs', ...twinDemo(), '--sp', twin.id, '--json']);
		expect(byId.code).toBe(0);
		expect((JSON.parse(byId.stdout) as {id: string}[]).map((job) => job.id)).toEqual([twin.jobId]);
	});

	it('gives each its own folder in export --all, named by the object id', async () => {
		const original = tenant.tenant.servicePrincipals.find((each) => each.displayName === 'Salesforce')!;
		const folder = newFolder();
		const result = await runCli(['export', ...twinDemo(), '--all', '--out', folder]);
		expect(result.code).toBe(0);
		const files = await filesIn(folder);
		expect(files).toContain(`Salesforce-${original.id.slice(0, 8)}/SfOutDelta.schema.json`);
		expect(files).toContain(`Salesforce-${twin.id.slice(0, 8)}/SfOutDelta.schema.json`);
		expect(files.filter((file) => file.startsWith('Salesforce/'))).toEqual([]);
		expect(await readFile(join(folder, `Salesforce-${twin.id.slice(0, 8)}/SfOutDelta.schema.json`), 'utf8')).toContain('"twin":true');
	});
});
