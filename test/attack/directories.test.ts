/**
 * Issue 9 §7 (c): a change that removes a directory the live job has is a blocking error (nothing is sent), and a
 * backup of the same job restores with `import` without the directory remap refusing it.
 */
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {removeIsolatedStates, runCli} from '../commands/cli.js';
import {createWorkspace, demoArgs, demoJob, liveSchema, puts, type Workspace} from '../commands/write-helpers.js';

let simulator: Simulator;
let workspace: Workspace;

beforeAll(async () => {
	workspace = await createWorkspace('pvx-directories-');
});
afterAll(async () => {
	await workspace.remove();
	removeIsolatedStates();
});
beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
});
afterEach(async () => {
	await simulator.close();
});

const provisioning = () => demoJob(simulator, 'contoso.com', 'AD2AADProvisioning');
const target = () => [...demoArgs(simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning'];

describe('removing a live directory', () => {
	it('patch removing one directory is refused by the checks; nothing is sent', async () => {
		const path = await workspace.file('drop-one.patch.json', [{op: 'remove', path: '/directories/1'}]);
		const result = await runCli(['patch', ...target(), '--patch', path, '--yes']);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/removes the directory 'Azure Active Directory' that the live job has/);
		expect(puts(simulator)).toEqual([]);
	});

	it('import of a schema without `directories` is refused; nothing is sent', async () => {
		const {directories: _directories, ...withoutDirectories} = liveSchema(provisioning());
		const path = await workspace.file('no-directories.schema.json', withoutDirectories);
		const result = await runCli(['import', ...target(), '--in', path, '--yes']);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/removes the directory 'Active Directory'/);
		expect(result.stderr).toMatch(/removes the directory 'Azure Active Directory'/);
		expect(puts(simulator)).toEqual([]);
	});
});

describe('restoring a backup of the same job', () => {
	it('brings back a directory the live schema lost, without remapping', async () => {
		const job = provisioning();
		const backup = job.schema.text;
		// Someone else (another tool) removed a directory since the backup was taken.
		const damaged = liveSchema(job);
		damaged.directories = damaged.directories!.slice(0, 1);
		simulator.tenant.storeSchema(job, damaged as Record<string, unknown>, 'beta');
		const path = await workspace.file('backup.schema.json', backup);
		const result = await runCli(['import', ...target(), '--in', path, '--yes']);
		expect(result.stderr).not.toMatch(/does not have/);
		expect(result.stderr).not.toMatch(/Directory ids taken from the target/);
		expect(result.code, result.stderr).toBe(0);
		expect(puts(simulator)).toHaveLength(1);
		expect(liveSchema(provisioning()).directories!.map((directory) => directory.name)).toEqual(['Active Directory', 'Azure Active Directory']);
	});
});
