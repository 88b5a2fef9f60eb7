/**
 * `history` as a user runs it: the built executable against the demo tenant on 127.0.0.1. Versions come from the
 * backups real writes left (import), compare uses diff's plan, restore goes through the same plan and
 * confirmation as import, prune says what it removed.
 */
import {execFileSync} from 'node:child_process';
import {mkdir, mkdtemp, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {runInTerminal, type TerminalSession} from '../helpers/pty.js';
import {expectOneLineError, removeIsolatedStates, runCli} from '../commands/cli.js';
import {attributeMapping, createWorkspace, demoArgs, demoJob, liveSchema, puts, type Workspace} from '../commands/write-helpers.js';

let simulator: Simulator;
let workspace: Workspace;
let state: string;
const sessions: TerminalSession[] = [];

beforeAll(async () => {
	workspace = await createWorkspace('pvx-history-cli-');
});
afterAll(async () => {
	await workspace.remove();
	removeIsolatedStates();
});
beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	state = await mkdtemp(join(workspace.path, 'state-'));
});
afterEach(async () => {
	for (const session of sessions.splice(0)) session.kill();
	await simulator.close();
});

const provisioning = () => demoJob(simulator, 'contoso.com', 'AD2AADProvisioning');
const job = () => ['--sp', 'contoso.com', '--job', 'AD2AADProvisioning'];
const run = (args: string[]) => runCli([...args, ...demoArgs(simulator)], {env: {PROVISIONING_EXPLORER_STATE_DIR: state}});

/** Two writes through `import`: Mail's flow type, then City's default. Each leaves a backup with its note. */
async function twoWrites(): Promise<void> {
	const first = liveSchema(provisioning());
	attributeMapping(first, 'Mail')!.flowType = 'ObjectAddOnly';
	expect((await run(['import', ...job(), '--in', await workspace.file('mail.schema.json', first), '--yes'])).code).toBe(0);
	const second = liveSchema(provisioning());
	attributeMapping(second, 'City')!.defaultValue = 'Redmond';
	expect((await run(['import', ...job(), '--in', await workspace.file('city.schema.json', second), '--yes'])).code).toBe(0);
}

describe('history of a job', () => {
	it('lists live and every backup, newest first, with who wrote and what that write changed', async () => {
		await twoWrites();
		const result = await run(['history', ...job()]);
		expect(result.code).toBe(0);
		const lines = result.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^#\s+WHEN \(UTC\)\s+KIND\s+VERSION\s+WHO\s+WHAT$/);
		expect(lines[1]).toMatch(/^live\s+now\s+live\s+\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\s+the schema in the tenant now$/);
		expect(lines[2]).toMatch(/^1\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+backup\s+\S+\s+admin@contoso\.com\s+before import of city\.schema\.json: 1 changed: User ← user ~City \(defaultValue\) \(written\)$/);
		expect(lines[3]).toMatch(/^2\s+.*\s+backup\s+2020-04-30T13:58:46Z\s+admin@contoso\.com\s+before import of mail\.schema\.json: 1 changed: User ← user ~Mail \(flowType\) \(written\)$/);
		expect(lines).toHaveLength(4);

		const json = JSON.parse((await run(['history', ...job(), '--json'])).stdout);
		expect(json.live.schemaVersion).toBe(provisioning().schema.version);
		expect(json.versions.map((version: {ref: string; kind: string; who: string; result: string; hasNote: boolean}) => [version.ref, version.kind, version.who, version.result, version.hasNote])).toEqual([
			['1', 'backup', 'admin@contoso.com', 'written', true],
			['2', 'backup', 'admin@contoso.com', 'written', true],
		]);
	});

	it('compares two versions, or a version and live, by meaning', async () => {
		await twoWrites();
		const oldest = await run(['history', 'compare', '2', ...job()]);
		expect(oldest.code).toBe(1);
		expect(oldest.stdout).toMatch(/^--- version 2 \(backup of .* UTC\)\n\+\+\+ live contoso\.com \/ AD2AADProvisioning\n/);
		expect(oldest.stdout).toMatch(/~ Mail\n\s+flowType: Always → ObjectAddOnly/);
		expect(oldest.stdout).toMatch(/~ City\n\s+defaultValue: \(none\) → "Redmond"/);
		expect(oldest.stdout).toContain('0 attribute mappings added, 2 changed, 0 removed.');

		const between = await run(['history', 'compare', '2', '1', ...job(), '--format', 'json']);
		expect(between.code).toBe(1);
		expect(JSON.parse(between.stdout).attributeMappings.map((change: {target: string}) => change.target)).toEqual(['Mail']);

		const same = await run(['history', 'compare', 'live', 'live', ...job()]);
		expect(same.code).toBe(0);
		expect(same.stderr).toContain('No differences');
	});

	it('reads versions from a git --history-dir beside the backups', async () => {
		const repo = join(workspace.path, `repo-${Date.now()}`);
		await mkdir(repo);
		const gitEnv = {...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'Nightly', GIT_AUTHOR_EMAIL: 'n@example.invalid', GIT_COMMITTER_NAME: 'Nightly', GIT_COMMITTER_EMAIL: 'n@example.invalid'};
		execFileSync('git', ['init', '-q'], {cwd: repo, env: gitEnv});
		expect((await run(['export', '--all', '--normalize', '--out', repo])).code).toBe(0);
		execFileSync('git', ['add', '-A'], {cwd: repo, env: gitEnv});
		execFileSync('git', ['commit', '-q', '-m', 'export before the change window'], {cwd: repo, env: {...gitEnv, GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z'}});
		await twoWrites();

		const listed = JSON.parse((await run(['history', ...job(), '--history-dir', repo, '--json'])).stdout);
		expect(listed.versions.map((version: {kind: string}) => version.kind)).toEqual(['backup', 'backup', 'commit']);
		expect(listed.versions[2]).toMatchObject({who: 'Nightly', at: '2026-01-01T00:00:00.000Z', pathInCommit: 'contoso.com/AD2AADProvisioning.schema.json'});
		expect(listed.versions[2].what).toMatch(/^commit [0-9a-f]{10}: export before the change window$/);

		const compared = await run(['history', 'compare', listed.versions[2].commit.slice(0, 7), ...job(), '--history-dir', repo]);
		expect(compared.code).toBe(1);
		expect(compared.stdout).toMatch(/^--- version 3 \(commit [0-9a-f]{10} of 2026-01-01 00:00:00 UTC\)/);
		expect(compared.stdout).toContain('0 attribute mappings added, 2 changed, 0 removed.');
	});
});

describe('history restore', () => {
	it('writes a backup back through the plan with --yes, leaving a backup of what it replaced', async () => {
		await twoWrites();
		const result = await run(['history', 'restore', '2', ...job(), '--yes']);
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/Plan for contoso\.com \/ AD2AADProvisioning \(job .*\): restore of the backup of .* UTC/);
		expect(result.stderr).toContain('Summary: 0 attribute mappings to add, 2 to change, 0 to remove.');
		expect(result.stderr).toContain('Written and verified');
		expect(attributeMapping(liveSchema(provisioning()), 'Mail')?.flowType).toBe('Always');
		expect(attributeMapping(liveSchema(provisioning()), 'City')?.defaultValue ?? null).toBeNull();
		expect(puts(simulator)).toHaveLength(3);

		const listed = JSON.parse((await run(['history', ...job(), '--json'])).stdout);
		expect(listed.versions).toHaveLength(3);
		expect(listed.versions[0].what).toMatch(/^before restore of the backup of .* UTC: 2 changed: User ← user ~City \(defaultValue\), ~Mail \(flowType\)$/);
	});

	it('sends nothing without a confirmation, and refuses a version that does not exist', async () => {
		await twoWrites();
		const refused = await run(['history', 'restore', '1', ...job()]);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain('Summary: 0 attribute mappings to add, 1 to change, 0 to remove.');
		expect(refused.stderr).toContain('Not written: writing needs confirmation');
		expect(puts(simulator)).toHaveLength(2);

		const missing = await run(['history', 'restore', '9', ...job()]);
		expect(missing.code).toBe(2);
		expect(expectOneLineError(missing)).toBe('provisioning-explorer: There is no version 9: give 1 to 2 as listed by `history`, live, a commit hash or a backup file.');
	});

	it('on a terminal, writes only after the app name is typed', async () => {
		await twoWrites();
		const session = runInTerminal(['history', 'restore', '1', ...job(), ...demoArgs(simulator)], {columns: 120, rows: 40, env: {PROVISIONING_EXPLORER_STATE_DIR: state}});
		sessions.push(session);
		await session.waitForText(/Type the app's display name \(contoso\.com\) to write, anything else cancels:/);
		expect(session.output()).toMatch(/~ City\s+defaultValue: "Redmond" → \(none\)/);
		expect(puts(simulator)).toHaveLength(2);
		session.write('contoso.com\r');
		await session.waitForText('Written and verified');
		expect(await session.waitForExit()).toBe(0);
		expect(puts(simulator)).toHaveLength(3);
		expect(attributeMapping(liveSchema(provisioning()), 'City')?.defaultValue ?? null).toBeNull();
	});
});

describe('history prune', () => {
	it('removes all but the newest N and names each file removed; the newest always stays', async () => {
		await twoWrites();
		const backups = join(state, 'backups');
		// A third, older backup of the same job (as an older version would have left it: no note).
		const oldest = join(backups, 'contoso-com.ad2aadprovisioning.2020-01-01T00-00-00-000Z.noversion.schema.json');
		await writeFile(oldest, JSON.stringify({id: provisioning().job.id}));

		const dry = await run(['history', 'prune', ...job(), '--keep', '1', '--dry-run']);
		expect(dry.code).toBe(0);
		expect(dry.stderr).toContain(`Would remove ${oldest} (taken 2020-01-01 00:00:00 UTC)`);
		expect(dry.stderr).toMatch(/Dry run: 2 backups would be removed, 1 kept \(--keep 1\)/);
		expect((await readdir(backups)).filter((name) => name.endsWith('.schema.json'))).toHaveLength(3);

		const pruned = await run(['history', 'prune', ...job(), '--keep', '1']);
		expect(pruned.code).toBe(0);
		expect(pruned.stderr.match(/^Removed /gm)).toHaveLength(2);
		expect(pruned.stderr).toContain(`Removed ${oldest}`);
		expect(pruned.stderr).toMatch(/2 backups removed, 1 kept \(--keep 1\); the newest, .*\.schema\.json, is always kept\./);
		const left = await readdir(backups);
		expect(left.filter((name) => name.endsWith('.schema.json'))).toHaveLength(1);
		expect(left.filter((name) => name.endsWith('.note.json'))).toHaveLength(1);
		const listed = JSON.parse((await run(['history', ...job(), '--json'])).stdout);
		expect(listed.versions[0].what).toContain('before import of city.schema.json');

		const zero = await run(['history', 'prune', ...job(), '--keep', '0']);
		expect(zero.code).toBe(2);
		expect(expectOneLineError(zero)).toContain('--keep must be a whole number of at least 1 (the newest backup of a job is never removed)');
	});
});

describe('history usage', () => {
	it('has help with examples, and one-line usage errors (exit 2) before any sign-in', async () => {
		const help = await run(['history', '--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('Usage: provisioning-explorer history --sp APP');
		expect(help.stdout).toContain('provisioning-explorer history prune --sp contoso.com --job AD2AADProvisioning --keep 10');
		for (const [args, message] of [
			[['history'], 'provisioning-explorer: history needs --sp APP (object id, appId or display name). See `provisioning-explorer history --help`.'],
			[['history', 'undo', ...job()], 'provisioning-explorer: history does not know "undo": use list, compare, restore or prune. See `provisioning-explorer history --help`.'],
			[['history', 'compare', ...job()], 'provisioning-explorer: history compare takes one or two versions: A [B], not 0. See `provisioning-explorer history --help`.'],
			[['history', ...job(), '--keep', '3'], 'provisioning-explorer: --keep goes with history prune.'],
			[['history', 'restore', '1', ...job(), '--read-only'], 'provisioning-explorer: --read-only cannot write to the tenant; leave it out, or add --dry-run to only see the plan.'],
		] as const) {
			const result = await run([...args]);
			expect(result.code, args.join(' ')).toBe(2);
			expect(expectOneLineError(result)).toBe(message);
		}
		expect(simulator.requests).toEqual([]);
	});
});
