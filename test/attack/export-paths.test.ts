/**
 * Issue 9 §7 (e): export --all never gives two jobs one file (as the most forgiving file system folds names), and
 * never writes through a symbolic link planted under --out. The built binary against the demo tenant.
 */
import {mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {removeIsolatedStates, runCli} from '../commands/cli.js';

let simulator: Simulator;
let workspace: string;

beforeAll(async () => {
	workspace = await mkdtemp(join(tmpdir(), 'pvx-export-paths-'));
});
afterAll(async () => {
	await rm(workspace, {recursive: true, force: true});
	removeIsolatedStates();
});
beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
});
afterEach(async () => simulator.close());

const demo = () => ['--demo', '--graph-url', simulator.url];
let folders = 0;
const newFolder = () => join(workspace, `out-${++folders}`);

/** A copy of Salesforce (its job and schema, marked) under another id and display name. */
function addSalesforceCopy(id: string, displayName: string): void {
	const tenant = simulator.tenant;
	const original = tenant.servicePrincipals.find((each) => each.displayName === 'Salesforce')!;
	const originalJob = tenant.jobsOf(original.id)[0]!;
	tenant.servicePrincipals.push({...original, id, displayName, appId: `${id.slice(0, 24)}ffffffffffff`});
	tenant.jobs.push({
		servicePrincipalId: id,
		job: {...originalJob.job, id: `SfOutDelta.0123456789abcdef0123456789abcdef.${id}`},
		schema: {...originalJob.schema, text: originalJob.schema.text.replace('"version":', `"copyOf":${JSON.stringify(id)},"version":`)},
	});
}

async function schemaFiles(directory: string): Promise<string[]> {
	const entries = await readdir(directory, {recursive: true, withFileTypes: true});
	return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('export --all file names', () => {
	it('never gives two apps one file, however their names clash', async () => {
		const original = simulator.tenant.servicePrincipals.find((each) => each.displayName === 'Salesforce')!;
		// foo, foo, foo-<id prefix of the first>, foo-<whole id of the first>: each move to a longer name clashes again.
		addSalesforceCopy('0d3c2b1a-0000-4000-8000-00000000beef', 'Salesforce');
		addSalesforceCopy('1d3c2b1a-0000-4000-8000-00000000beef', `Salesforce-${original.id.slice(0, 8)}`);
		addSalesforceCopy('2d3c2b1a-0000-4000-8000-00000000beef', `Salesforce-${original.id}`);
		const folder = newFolder();
		const result = await runCli(['export', ...demo(), '--all', '--out', folder]);
		expect(result.code, result.stderr).toBe(0);
		const salesforceJobs = simulator.tenant.jobs.filter((each) => each.job.templateId === 'SfOutDelta').length;
		const files = (await schemaFiles(folder)).filter((file) => /salesforce/i.test(file));
		const folded = new Set(files.map((file) => file.normalize('NFKD').toLowerCase()));
		expect(folded.size).toBe(salesforceJobs);
		// Each file holds its own app's schema.
		const marks = new Set<string>();
		for (const file of files) marks.add(/"copyOf":"([^"]+)"/.exec(await readFile(file, 'utf8'))?.[1] ?? 'original');
		expect(marks.size).toBe(salesforceJobs);
	});

	it('fails naming the app when two of its jobs can only be told apart by case, and writes nothing', async () => {
		const original = simulator.tenant.servicePrincipals.find((each) => each.displayName === 'Salesforce')!;
		const job = simulator.tenant.jobsOf(original.id)[0]!;
		simulator.tenant.jobs.push({...job, job: {...job.job, id: job.job.id.toUpperCase()}});
		const folder = newFolder();
		const result = await runCli(['export', ...demo(), '--all', '--out', folder]);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/export --all cannot give two jobs of "Salesforce" \(.+\) different files: both would be saved as Salesforce\/SfOutDelta/);
		expect(await readdir(folder)).toEqual([]);
	});
});

describe('export --all and symbolic links under --out', () => {
	it('does not write through a linked folder or a linked file', async () => {
		const folder = newFolder();
		const elsewhere = join(workspace, `elsewhere-${folders}`);
		await mkdir(folder, {recursive: true});
		await mkdir(elsewhere);
		await symlink(elsewhere, join(folder, 'Salesforce'));
		await mkdir(join(folder, 'Contoso-SCIM-App'));
		const victim = join(elsewhere, 'victim.txt');
		await writeFile(victim, 'keep me');
		await symlink(victim, join(folder, 'Contoso-SCIM-App', 'customappssoOutDelta.schema.json'));
		const result = await runCli(['export', ...demo(), '--all', '--out', folder]);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/Salesforce is a symbolic link; export --all never writes through one/);
		expect(result.stderr).toMatch(/customappssoOutDelta\.schema\.json is a symbolic link/);
		expect(await readdir(elsewhere)).toEqual(['victim.txt']);
		expect(await readFile(victim, 'utf8')).toBe('keep me');
	});
});
