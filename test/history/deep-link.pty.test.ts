/**
 * Deep links on a real terminal (the built executable in a pseudo-terminal): a name that is unknown or ambiguous
 * exits 2 with the choices listed before anything is drawn (the alternate screen is never entered); a good one
 * signs in, resolves, remembers the app as recent for the tenant, then draws the explorer.
 */
import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {expectOneLineError, isolatedState, removeIsolatedStates, runCli} from '../commands/cli.js';
import {demoArgs} from '../commands/write-helpers.js';
import {runInTerminal, type TerminalSession} from '../helpers/pty.js';
import {fixturePath} from '../schema/fixture.js';

const enterAltScreen = '\u001B[?1049h';
let simulator: Simulator;
const sessions: TerminalSession[] = [];

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
});
afterAll(async () => {
	await simulator.close();
	removeIsolatedStates();
});
beforeEach(() => simulator.requests.splice(0));
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

function open(args: string[], env: Record<string, string> = isolatedState()): TerminalSession {
	const session = runInTerminal([...demoArgs(simulator), ...args], {columns: 120, rows: 30, env});
	sessions.push(session);
	return session;
}

describe('a deep link that names nothing, or several things', () => {
	it('lists the attribute mappings and exits 2 without drawing', async () => {
		const session = open(['--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--mapping', 'Emial']);
		expect(await session.waitForExit(20_000)).toBe(2);
		const output = session.output().replace(/\r?\n/g, '');
		expect(output).toMatch(/provisioning-explorer: No attribute mapping targets "Emial" \(did you mean Mail\?\)\. The job maps: AccountEnabled, Alias, .*, … and 96 more\./);
		expect(output).not.toContain(enterAltScreen);
	});

	it('lists the object mappings a name matches, with selectors to pick one, and exits 2 without drawing', async () => {
		const session = open(['--sp', 'Contoso SCIM App', '--mapping', 'displayName']);
		expect(await session.waitForExit(20_000)).toBe(2);
		const output = session.output().replace(/\r?\n/g, '');
		expect(output).toContain(
			'"displayName" names 2 attribute mappings: User ← User · displayName, Group ← Group · displayName. Add --object-mapping [sourceObjectName=User,targetObjectName=User] (or another of them).',
		);
		expect(session.output()).not.toContain(enterAltScreen);
	});

	it('lists the jobs of an app when the job is unknown, and exits 2 without drawing', async () => {
		const session = open(['--sp', 'contoso.com', '--job', 'Payroll']);
		expect(await session.waitForExit(20_000)).toBe(2);
		expect(session.output().replace(/\r?\n/g, '')).toMatch(/contoso\.com has no job "Payroll"\. Its jobs: AD2AADProvisioning \(AD2AADProvisioning\.[^)]+\), AD2AADPasswordHash \(/);
		expect(session.output()).not.toContain(enterAltScreen);
		// No schema was read, nothing was written.
		expect(simulator.requests.filter((request) => request.method !== 'GET' && !request.path.includes('oauth2') && !request.path.includes('devicecode'))).toEqual([]);
	});
});

describe('a deep link that resolves', () => {
	it('draws the explorer and remembers the app as recently opened for the tenant', async () => {
		const env = isolatedState();
		const session = open(['--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--mapping', 'Mail'], env);
		await session.waitForText(/contoso\.com/, 20_000);
		const output = session.output();
		expect(output).toContain(enterAltScreen);
		// The sign-in instruction came before the first frame, on the normal screen.
		expect(output.indexOf('To sign in')).toBeLessThan(output.indexOf(enterAltScreen));
		session.write('\u0003');
		expect(await session.waitForExit()).toBe(0);

		const folder = join(env.PROVISIONING_EXPLORER_STATE_DIR!, 'recent-apps');
		const [file] = await readdir(folder);
		const recent = JSON.parse(await readFile(join(folder, file!), 'utf8'));
		expect(recent.apps).toEqual([{id: '5974b304-92cd-452b-9bd5-6d11807354d1', displayName: 'contoso.com', openedAt: expect.any(String)}]);
		expect(Object.keys(recent).sort()).toEqual(['apps', 'tenant']);
	});
});

describe('a deep link into a --file', () => {
	it('checks the names against the file and exits 2 with the choices, without drawing', async () => {
		const session = open(['--file', fixturePath, '--object-mapping', 'Users']);
		expect(await session.waitForExit(20_000)).toBe(2);
		expect(session.output().replace(/\r?\n/g, '')).toContain(
			'No object mapping is named "Users" (did you mean User, Synchronize Active Directory users to Azure Active Directory?). Its object mappings: Synchronize Active Directory users to Azure Active Directory (User ← user), SyncCredentialsChangeItem ← (none).',
		);
		expect(session.output()).not.toContain(enterAltScreen);
	});
});

describe('deep-link options without the app', () => {
	it('refuses --mapping without --sp before anything else (exit 2)', async () => {
		const result = await runCli(['--mapping', 'Mail', ...demoArgs(simulator)]);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toBe('provisioning-explorer: --mapping needs --sp APP (the app to open).');
	});
});
