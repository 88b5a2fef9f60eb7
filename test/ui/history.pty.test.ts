/**
 * Issue 13 in the explorer, on a real terminal (the built executable in a pseudo-terminal, the demo tenant on
 * 127.0.0.1): a deep link opens at the mapping with the walk below it (Esc goes back up through every screen),
 * `:open` with Tab completion does the same from inside, recent apps come first, and `h` shows a job's history —
 * a version compared with live by meaning, then restored through the plan and the typed confirmation.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {isolatedState, removeIsolatedStates} from '../commands/cli.js';
import {demoArgs, demoJob} from '../commands/write-helpers.js';
import {KEY} from '../helpers/keys.js';
import {runInTerminal, type TerminalSession, typeKeys} from '../helpers/pty.js';

let simulator: Simulator;
const sessions: TerminalSession[] = [];

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
});
afterAll(async () => {
	await simulator.close();
	removeIsolatedStates();
});
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

function explorer(args: string[], size: {columns: number; rows: number}, env: Record<string, string> = isolatedState()): TerminalSession {
	const session = runInTerminal([...demoArgs(simulator), ...args], {...size, env});
	sessions.push(session);
	return session;
}

function mailExpression(): string | undefined {
	const schema = JSON.parse(demoJob(simulator, 'contoso.com', 'AD2AADProvisioning').schema.text) as SynchronizationSchema;
	const mapping = schema.synchronizationRules?.[0]?.objectMappings?.[0]?.attributeMappings?.find((each) => each.targetAttributeName === 'Mail');
	return mapping?.source?.expression ?? undefined;
}

const puts = () => simulator.requests.filter((request) => request.method === 'PUT').length;

/** The row the cursor is on (marked ›), without the mark. */
function selected(session: TerminalSession): string {
	return (session.screenLines().find((line) => line.startsWith('›')) ?? '').slice(1).trim();
}

describe('a deep link on the command line', () => {
	it('opens at the attribute mapping at 80×24, and Esc walks back up through every screen as if the admin had walked there', async () => {
		const session = explorer(['--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--mapping', 'mail'], {columns: 80, rows: 24});
		const detail = await session.waitForText('Target attribute    Mail', 20_000);
		// 80 columns: the rule and the object mapping give way in the breadcrumb, the app, job and mapping stay.
		expect(detail.split('\n')[0]).toMatch(/^contoso\.com \(demo\) › contoso\.com › AD2AADProvisioning › … › Mail\s*$/);
		expect(detail.split('\n')[1]).toMatch(/^Attribute mapping/);

		await typeKeys(session, KEY.esc);
		await session.waitForText(/Attribute mappings\s+user → User\s+43\/136/);
		expect(selected(session)).toMatch(/^Mail\b/);
		await typeKeys(session, KEY.esc);
		await session.waitForText(/Object mappings\s+1\/2/);
		await typeKeys(session, KEY.esc);
		await session.waitForText(/Schema\s+1\/3/);
		await typeKeys(session, KEY.esc);
		await session.waitForText(/Provisioning jobs\s+1\/2/);
		expect(selected(session)).toMatch(/^AD2AADProvisioning\b/);
		await typeKeys(session, KEY.esc);
		await session.waitForText(/Apps with provisioning\s+1\/4/);
		// The app opened by the link is the most recent: first in the list, and selected.
		expect(selected(session)).toMatch(/^contoso\.com\b/);
		session.write('q');
		expect(await session.waitForExit()).toBe(0);
	});
});

describe(':open inside the explorer', () => {
	it('completes the app with Tab, opens its job, and lists that app first afterwards', async () => {
		const session = explorer([], {columns: 100, rows: 30});
		await session.waitForText(/Apps with provisioning\s+1\/4/, 20_000);
		expect(selected(session)).toMatch(/^Contoso SCIM App\b/);
		await typeKeys(session, ':');
		await typeKeys(session, 'open Sales');
		await typeKeys(session, '\t');
		await session.waitForText('> open Salesforce');
		await typeKeys(session, KEY.enter);
		const schema = await session.waitForText(/Schema\s+1\/\d+/, 20_000);
		expect(schema.split('\n')[0]).toMatch(/^contoso\.com \(demo\) › Salesforce › /);
		await typeKeys(session, KEY.esc);
		await session.waitForText('Provisioning jobs');
		await typeKeys(session, KEY.esc);
		await session.waitForText(/Apps with provisioning\s+\d\/4/);
		expect(selected(session)).toMatch(/^Salesforce\b/);
		// Recent first: a new app list (r) starts with Salesforce.
		await typeKeys(session, 'r');
		await session.waitForText(/Apps with provisioning\s+1\/4/);
		expect(session.screenLines()[3]).toMatch(/^› Salesforce\b/);
	});

	it('opens an object mapping (each part completed with Tab, typed ahead) and a target inside one (pasted)', async () => {
		const session = explorer([], {columns: 80, rows: 24});
		await session.waitForText(/Apps with provisioning\s+1\/4/, 20_000);
		// Typed ahead in one burst: the command word, the app (a name with spaces), its only job, then the object mapping.
		session.write(':o\tContoso S\t\tGroup');
		await session.waitForText(/> open Contoso SCIM App\/\w+\/Group▏/);
		await typeKeys(session, KEY.enter);
		const opened = await session.waitForText(/Attribute mappings\s+Group → Group\s+1\/\d+/, 20_000);
		expect(opened).toContain('displayName');
		await typeKeys(session, KEY.esc);
		await session.waitForText(/Object mappings\s+2\/2/);
		// A pasted place with a target inside an object mapping.
		await typeKeys(session, ':');
		await session.waitForText('Command');
		session.write('\u001B[200~open Contoso SCIM App//User/displayName\u001B[201~');
		await session.waitForText('> open Contoso SCIM App//User/displayName');
		await typeKeys(session, KEY.enter);
		await session.waitForText(/Target attribute\s+displayName/, 20_000);
		expect(session.screen()).toMatch(/Attribute mapping/);
	});

	it('names the choices when the place does not exist, and stays where it was', async () => {
		const session = explorer([], {columns: 100, rows: 30});
		await session.waitForText(/Apps with provisioning\s+1\/4/, 20_000);
		await typeKeys(session, ':');
		await typeKeys(session, 'open contoso.com/AD2AADProvisioning/Emial');
		await typeKeys(session, KEY.enter);
		await session.waitForText('Problem', 20_000);
		expect(session.screen().replace(/\s+/g, ' ')).toContain('No attribute mapping or object mapping is named "Emial" (did you mean Mail?). Object mappings: Synchronize');
		await typeKeys(session, KEY.enter);
		await session.waitForText(/Apps with provisioning\s+1\/4/);
	});
});

describe('h: the history of a job', () => {
	it('lists the backup a write left, compares it with live by meaning, and restores it only after the typed confirmation', async () => {
		const session = explorer(['--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--mapping', 'Mail'], {columns: 120, rows: 30});
		await session.waitForText('Target attribute    Mail', 20_000);
		const original = mailExpression();
		expect(original).toBe('Trim([mail])');

		// A write through the usual path leaves a backup (with its note: who, what).
		await typeKeys(session, 's');
		await session.waitForText('Source type');
		await typeKeys(session, KEY.enter);
		await session.waitForText('> Trim([mail])');
		await typeKeys(session, '\u0015'); // Ctrl+U
		await typeKeys(session, 'Trim(Join("", [mail]))');
		await typeKeys(session, KEY.enter);
		await session.waitForText('1 pending');
		await typeKeys(session, 'w');
		await session.waitForText('Type "contoso.com"', 20_000);
		await typeKeys(session, 'contoso.com');
		await typeKeys(session, KEY.enter);
		await session.waitForText('Written and verified', 20_000);
		expect(mailExpression()).toBe('Trim(Join("", [mail]))');
		await typeKeys(session, KEY.enter);
		await session.waitForText('Enter or Esc closes this.', 20_000); // the backup's path, to copy
		await typeKeys(session, KEY.enter);
		await session.waitForText('Target attribute    Mail', 20_000);

		// Up to the job, then h.
		for (const title of [/Attribute mappings/, /Object mappings/, /Schema\s+1\/3/]) {
			await typeKeys(session, KEY.esc);
			await session.waitForText(title);
		}
		await typeKeys(session, 'h');
		const history = await session.waitForText(/History of this job: 1 version, newest first/, 20_000);
		expect(history.split('\n')[0]).toMatch(/› AD2AADProvisioning › history$/);
		expect(selected(session)).toMatch(/^1\s+\d{4}-\d\d-\d\d \d\d:\d\d backup\s+admin@contoso\.com\s+.*before write from the explorer/);

		// Enter compares the version with live, as `diff` prints it.
		await typeKeys(session, KEY.enter);
		// (the title shows while the version is read; the summary once compared)
		const compared = await session.waitForText('Summary: 0 attribute mappings to add, 1 to change, 0 to remove.', 20_000);
		expect(compared).toMatch(/Compare version 1 \(backup of .* UTC\) → live/);
		expect(compared).toMatch(/~ Mail\n\s+source: Trim\(\[mail\]\) → Trim\(Join\("", \[mail\]\)\)/);
		await typeKeys(session, KEY.esc);
		await session.waitForText(/History of this job: 1 version/);

		// R restores through the plan; nothing is sent before the name is typed.
		const before = puts();
		await typeKeys(session, 'R');
		const plan = await session.waitForText('Type "contoso.com"', 20_000);
		expect(plan).toMatch(/Plan: write restore version 1 \(backup of/);
		expect(plan).toMatch(/source: Trim\(Join\("", \[mail\]\)\) → Trim\(\[mail\]\)/);
		await typeKeys(session, 'contoso.co');
		await typeKeys(session, KEY.enter);
		await session.waitForText('Type the display name exactly');
		expect(puts()).toBe(before);
		await typeKeys(session, 'm');
		await typeKeys(session, KEY.enter);
		await session.waitForText('Written and verified', 20_000);
		expect(puts()).toBe(before + 1);
		expect(mailExpression()).toBe(original);

		// Back where the restore started: the history, listed anew with the backup the restore left (two versions now).
		await typeKeys(session, KEY.enter);
		await session.waitForText('Enter or Esc closes this.', 20_000);
		await typeKeys(session, KEY.enter);
		await session.waitForText(/History of this job: 2 versions, newest first/, 20_000);
		expect(session.screenLines()[0]).toMatch(/› AD2AADProvisioning › history$/);
		// Newest first, selected: the backup taken just before the restore wrote (Mail as the first write left it).
		expect(selected(session)).toMatch(/^1\s+\d{4}-\d\d-\d\d \d\d:\d\d backup\s+admin@contoso\.com\s+.*before write from the explorer: 1 changed: User ← user ~Mail/);
		await typeKeys(session, KEY.esc);
		await session.waitForText(/Schema\s+1\/3/);
	});

	it('opens with H from a mapping inside the job, where h goes back', async () => {
		const session = explorer(['--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--mapping', 'Mail'], {columns: 80, rows: 24});
		await session.waitForText('Target attribute    Mail', 20_000);
		await typeKeys(session, 'H');
		await session.waitForText(/History of this job/, 20_000);
		await typeKeys(session, KEY.esc);
		await session.waitForText('Target attribute    Mail');
		await typeKeys(session, 'h');
		await session.waitForText(/Attribute mappings\s+user → User\s+43\/136/);
	});

	it('opens from the jobs list, and Esc goes back from every step', async () => {
		const session = explorer(['--sp', 'Salesforce'], {columns: 80, rows: 24});
		await session.waitForText(/Schema\s+1\/\d+/, 20_000);
		await typeKeys(session, KEY.esc);
		await session.waitForText('Provisioning jobs');
		await typeKeys(session, 'h');
		await session.waitForText(/No versions of this job yet/, 20_000);
		expect(session.screenLines()[0]).toMatch(/› Salesforce › .* › history$/);
		await typeKeys(session, KEY.esc);
		await session.waitForText(/Schema\s+1\/\d+/);
		await typeKeys(session, KEY.esc);
		await session.waitForText('Provisioning jobs');
	});
});
