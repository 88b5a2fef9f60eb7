/**
 * Issue 9 §7 (f): the state directory (token cache, backups, logs) is refused, naming the path, when it is a
 * symbolic link, writable by group or others, or owned by someone else, and state files are never symbolic links.
 * Tests run as root in CI: another owner is made with chown there (root may), and `/` stands in otherwise.
 */
import {chmod, chown, mkdir, mkdtemp, readdir, rm, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {runCli} from '../commands/cli.js';
import {attributeMapping, createWorkspace, demoArgs, demoJob, liveSchema, puts, type Workspace} from '../commands/write-helpers.js';

let simulator: Simulator;
let workspace: Workspace;
let root: string;

beforeAll(async () => {
	workspace = await createWorkspace('pvx-state-files-');
});
afterAll(async () => workspace.remove());
beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	root = await mkdtemp(join(tmpdir(), 'pvx-state-attack-'));
});
afterEach(async () => {
	await simulator.close();
	await rm(root, {recursive: true, force: true});
});

/** The demo keeps no token cache unless one is named: name the state directory's own, as a real tenant uses it. */
const login = (state: string) =>
	runCli(['login', ...demoArgs(simulator), '--token-cache', join(state, 'token-cache.json')], {env: {PROVISIONING_EXPLORER_STATE_DIR: state}});

describe('the state directory', () => {
	it('is refused when it is a symbolic link', async () => {
		const real = join(root, 'real');
		await mkdir(real, {mode: 0o700});
		const link = join(root, 'state');
		await symlink(real, link);
		const result = await login(link);
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain(`Refusing to use ${link}: it is a symbolic link`);
		expect(await readdir(real)).toEqual([]);
	});

	it('is refused when group or others may write to it', async () => {
		const state = join(root, 'state');
		await mkdir(state);
		await chmod(state, 0o777);
		const result = await login(state);
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain(`Refusing to use ${state}: it is writable by its group or others (mode 777). Run chmod go-w ${state}`);
		expect(await readdir(state)).toEqual([]);
	});

	it('is refused when it belongs to someone else', async () => {
		let state = '/';
		if (process.getuid?.() === 0) {
			state = join(root, 'state');
			await mkdir(state, {mode: 0o700});
			await chown(state, 65534, 65534);
		}
		const result = await login(state);
		expect(result.code).not.toBe(0);
		expect(result.stderr).toMatch(new RegExp(`Refusing to use ${state.replace(/[/.]/g, '\\$&')}: it belongs to user id \\d+, not to you`));
	});

	it('is accepted when it is private, and then holds the token cache', async () => {
		const state = join(root, 'state');
		const result = await login(state);
		expect(result.code, result.stderr).toBe(0);
		expect(await readdir(state)).toContain('token-cache.json');
	});
});

describe('state files', () => {
	it('a token cache that is a symbolic link is neither read nor written through', async () => {
		const state = join(root, 'state');
		await mkdir(state, {mode: 0o700});
		const elsewhere = join(root, 'elsewhere.json');
		await writeFile(elsewhere, '{}');
		await symlink(elsewhere, join(state, 'token-cache.json'));
		const result = await login(state);
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain(`Refusing to use ${join(state, 'token-cache.json')}: it is a symbolic link`);
	});

	it('a backups folder that is a symbolic link stops the write before anything is sent', async () => {
		const state = join(root, 'state');
		await mkdir(state, {mode: 0o700});
		const elsewhere = join(root, 'elsewhere');
		await mkdir(elsewhere);
		await symlink(elsewhere, join(state, 'backups'));
		const schema = liveSchema(demoJob(simulator, 'contoso.com', 'AD2AADProvisioning'));
		attributeMapping(schema, 'Mail')!.flowType = 'ObjectAddOnly';
		const path = await workspace.file('edited.schema.json', schema);
		const result = await runCli(['import', ...demoArgs(simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--in', path, '--yes'], {
			env: {PROVISIONING_EXPLORER_STATE_DIR: state},
		});
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain(`Refusing to use ${join(state, 'backups')}: it is a symbolic link`);
		expect(puts(simulator)).toEqual([]);
		expect(await readdir(elsewhere)).toEqual([]);
	});

	it('a logs folder that is a symbolic link is refused by --verbose', async () => {
		const state = join(root, 'state');
		await mkdir(state, {mode: 0o700});
		const elsewhere = join(root, 'elsewhere');
		await mkdir(elsewhere);
		await symlink(elsewhere, join(state, 'logs'));
		const result = await runCli(['apps', ...demoArgs(simulator), '--verbose'], {env: {PROVISIONING_EXPLORER_STATE_DIR: state}});
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain(`Refusing to use ${join(state, 'logs')}: it is a symbolic link`);
		expect(await readdir(elsewhere)).toEqual([]);
	});
});
