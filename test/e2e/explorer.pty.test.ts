/**
 * End to end: the real executable in a pseudo-terminal against a demo server on 127.0.0.1, read
 * through a headless xterm — what an admin over SSH sees.
 */
import {spawnSync} from 'node:child_process';
import {mkdtemp, readdir, readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {KEY} from '../helpers/keys.js';
import {binPath, runInTerminal, type TerminalSession} from '../helpers/pty.js';

const fixture = new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url);

let simulator: Simulator;
const sessions: TerminalSession[] = [];

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 300, deviceCodeIntervalSeconds: 1});
});
afterAll(async () => {
	await simulator.close();
});
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

function explorer(args: string[], options?: Parameters<typeof runInTerminal>[1]): TerminalSession {
	const session = runInTerminal(['--demo', '--graph-url', simulator.url, ...args], options);
	sessions.push(session);
	return session;
}

async function openContosoSchema(session: TerminalSession): Promise<void> {
	await session.waitForText('Apps with provisioning');
	await session.waitForText(/1\/4\s*$/m); // the list has loaded: typing now is not lost
	// A filter that leaves one row opens it on Enter.
	session.write('/contoso.com');
	session.write(KEY.enter);
	await session.waitForText('Provisioning jobs');
	session.write('/AD2AADProvisioning');
	session.write(KEY.enter);
	await session.waitForText('Directory');
}

describe('the explorer in a terminal', () => {
	it('walks sign-in → app → job → rule → object mapping → attribute mapping and back out', async () => {
		const session = explorer([], {columns: 120, rows: 30});
		const signIn = await session.waitForText('microsoft.com/devicelogin');
		expect(signIn).toMatch(/enter the code/);
		await openContosoSchema(session);
		expect(session.screen()).toMatch(/contoso\.com \(demo\) › contoso\.com › AD2AADProvisioning/);
		session.write(KEY.enter); // the rule
		await session.waitForText('Synchronize Active Directory use…to Azure Active Directory'); // cut in the middle: both ends show
		session.write(KEY.enter); // the user object mapping
		const mappings = await session.waitForText('1/136');
		expect(mappings).toContain('Attribute mappings  user → User');
		session.write(KEY.down + KEY.down);
		await session.waitForText('3/136');
		session.write(KEY.end);
		await session.waitForText('136/136');
		session.write(KEY.home + KEY.enter);
		const detail = await session.waitForText('JSON Pointer');
		expect(detail).toContain('/synchronizationRules/0/objectMappings/0/attributeMappings/0');
		// Back out to the app list, one Esc at a time.
		for (const title of ['Attribute mappings', 'Object mappings', 'Schema', 'Provisioning jobs']) {
			session.write(KEY.esc);
			await session.waitForText(title);
		}
		session.write(KEY.esc); // clears the applied job filter first, staying on the job
		await session.waitForText(/\d\/2\s*$/m);
		expect(session.screenLines().find((line) => line.startsWith('›'))).toContain('AD2AADProvisioning');
		session.write(KEY.esc);
		await session.waitForText('Apps with provisioning');
		session.write('q');
		expect(await session.waitForExit()).toBe(0);
		// The alternate screen was entered and left, and Ink never fell back to clearing the whole terminal.
		expect(session.output()).toContain('\x1b[?1049h');
		expect(session.output().lastIndexOf('\x1b[?1049l')).toBeGreaterThan(session.output().lastIndexOf('\x1b[?1049h'));
		expect(session.output()).not.toContain('\x1b[2J');
	});

	it('keeps the frame inside an 80×24 terminal, re-lays out on resize and quits on Ctrl+C', async () => {
		const session = explorer([], {columns: 80, rows: 24});
		await openContosoSchema(session);
		session.write(KEY.enter + KEY.enter);
		await session.waitForText('1/136');
		const lines = session.screenLines();
		expect(lines[22]).toMatch(/move/); // footer on the last line the frame may use
		// While the size stays, Ink never falls back to clearing the whole terminal (frames stay below its height).
		expect(session.output()).not.toContain('\x1b[2J');
		session.resize(60, 16);
		await session.waitForText(/1\/136\s*$/m);
		await new Promise((resolve) => setTimeout(resolve, 200));
		const resized = session.screenLines();
		expect(resized[0]).toMatch(/^contoso\.com \(demo\)/);
		expect(resized[14]).toMatch(/move down/);
		expect(resized[15]).toBe('');
		session.write(KEY.ctrlC);
		expect(await session.waitForExit()).toBe(0);
	});

	it('exports the schema with x, byte for byte as Graph returned it', async () => {
		const directory = await mkdtemp(join(tmpdir(), 'pvx-export-'));
		const session = explorer([], {cwd: directory});
		await openContosoSchema(session);
		session.write('x');
		const screen = await session.waitForText('Exported to');
		const files = await readdir(directory);
		expect(files).toHaveLength(1);
		expect(files[0]).toMatch(/^contoso\.com\.AD2AADProvisioning\.\d{8}T\d{6}Z\.schema\.json$/);
		expect(screen).toContain(files[0]!.slice(0, 20));
		expect(Buffer.compare(await readFile(join(directory, files[0]!)), await readFile(fixture))).toBe(0);
		session.write('q');
		await session.waitForExit();
	});

	it('browses a schema file offline with --file', async () => {
		const session = runInTerminal(['--file', fixtureFilePath(), '--no-alt-screen'], {columns: 100, rows: 30});
		sessions.push(session);
		await session.waitForText('Rule');
		expect(session.screen()).toContain('cloud-sync-ad2aad.schema.json');
		session.write('q');
		expect(await session.waitForExit()).toBe(0);
		expect(session.output()).not.toContain('\x1b[?1049h');
	});
});

function fixtureFilePath(): string {
	return decodeURIComponent(fixture.pathname);
}

describe('without a terminal', () => {
	it('refuses with a clear message and exit code 2 instead of a raw-mode crash', () => {
		const result = spawnSync(process.execPath, [binPath, '--demo'], {input: '', encoding: 'utf8'});
		expect(result.status).toBe(2);
		expect(result.stderr).toMatch(/needs an interactive terminal.*ssh -t/);
		expect(result.stderr).not.toMatch(/Raw mode|at .*\.js:\d+/);
	});
});

describe('editing in $EDITOR', () => {
	it('opens the selected mapping as JSON in $EDITOR, takes the result back and keeps broken text', async () => {
		const editor = `${process.execPath} ${new URL('../helpers/fake-editor.mjs', import.meta.url).pathname}`;
		const session = explorer([], {columns: 120, rows: 30, env: {EDITOR: editor, VISUAL: '', FAKE_EDITOR_MODE: 'break-json'}});
		await openContosoSchema(session);
		session.write(KEY.enter + KEY.enter);
		await session.waitForText('1/136');
		session.write('e');
		const broken = (await session.waitForText('not valid JSON')).replace(/\s+/g, ' ');
		expect(broken).toContain('Your text is kept');
		expect(broken).not.toMatch(/· \d+ pending/);
		session.kill();
	});

	it('applies a valid edit as a pending change', async () => {
		const editor = `${process.execPath} ${new URL('../helpers/fake-editor.mjs', import.meta.url).pathname}`;
		const session = explorer([], {columns: 120, rows: 30, env: {EDITOR: editor, VISUAL: '', FAKE_EDITOR_MODE: 'default-value'}});
		await openContosoSchema(session);
		session.write(KEY.enter + KEY.enter);
		await session.waitForText('1/136');
		session.write('e');
		await session.waitForText('1 pending');
		session.write(KEY.enter);
		await session.waitForText('Default value       from-editor');
		expect(session.screenLines()[0]).toMatch(/contoso\.com \(demo\)/); // the frame was redrawn whole after the editor
		session.kill();
	});

	it('picks the second item of a short menu when ↓ and Enter arrive in one write', async () => {
		const session = explorer([], {columns: 120, rows: 30});
		await openContosoSchema(session);
		session.write(KEY.enter + KEY.enter);
		await session.waitForText('1/136');
		session.write('f');
		await session.waitForText('flowType of AccountEnabled');
		// One read: the arrow's escape sequence and the Enter together, as over SSH.
		session.write(`${KEY.down}${KEY.enter}`);
		const changed = await session.waitForText('1 pending');
		expect(changed).toContain('AccountEnabled: flowType Always → ObjectAddOnly');
		session.kill();
	});

	it('applies ↓ and Enter typed in the same write as the key that opens the menu, before it is drawn', async () => {
		const session = explorer([], {columns: 80, rows: 24});
		await openContosoSchema(session);
		session.write(KEY.enter + KEY.enter);
		await session.waitForText('1/136');
		session.write(`f${KEY.down}${KEY.down}${KEY.enter}`);
		const changed = await session.waitForText('1 pending');
		expect(changed).toContain('AccountEnabled: flowType Always → MultiValueAddOnly');
		session.kill();
	});

	it('draws a short menu with its keys in the footer, ignores a paste into it, and picks by number', async () => {
		const session = explorer([], {columns: 80, rows: 24});
		await openContosoSchema(session);
		session.write(KEY.enter + KEY.enter);
		await session.waitForText('1/136');
		session.write('b');
		const menu = await session.waitForText('flowBehavior of AccountEnabled');
		expect(menu).toMatch(/› 1 FlowWhenChanged/);
		expect(menu).toMatch(/Enter accept {2}↓\/j move down {2}1–9 choose by number {2}Esc cancel/);
		session.write('\u001B[200~2\u001B[201~'); // a bracketed paste of "2": text, not a choice
		await session.waitForText(/paste/i);
		expect(session.screen()).toContain('flowBehavior of AccountEnabled');
		expect(session.screen()).not.toContain('pending');
		session.write('2');
		const changed = await session.waitForText('1 pending');
		expect(changed).toContain('AccountEnabled: flowBehavior FlowWhenChanged → FlowAlways');
		session.kill();
	});
});
