/**
 * Issue 11's canary loop in the built executable at 80×24 against the demo tenant, as an admin follows Microsoft's
 * cloud-sync transformation procedure: change ExtensionAttribute3 to Trim([company]), write, provision Adele on
 * demand and see the new value, restore the backup (B, through the plan), provision again and see the old value.
 * And --read-only at the HTTP level: the job's actions are not there, and nothing but reads is sent.
 */
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {KEY} from '../helpers/keys.js';
import {openContosoMappings, runInTerminal, type TerminalSession, typeKeys} from '../helpers/pty.js';

let simulator: Simulator;
let directory: string;
const sessions: TerminalSession[] = [];
const adele = 'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com';

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 300});
	directory = mkdtempSync(join(tmpdir(), 'pvx-loop-'));
});
afterAll(async () => {
	await simulator.close();
	rmSync(directory, {recursive: true, force: true});
});
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

const flat = (text: string) => text.replace(/\s+/g, ' ');

async function provisionAdele(session: TerminalSession, again = false): Promise<void> {
	await typeKeys(session, 'p');
	await session.waitForText('Provision on demand (AD2AADProvisioning): who?');
	// Pasted, as an admin copies a distinguished name; the second time it is offered already.
	if (!again) await typeKeys(session, `\u001B[200~${adele}\u001B[201~`);
	await typeKeys(session, KEY.enter);
	await session.waitForText(/Success for adelev@chicago\.com/);
}

describe('the canary loop at 80×24', () => {
	it('change, write, provision (new value), restore with B, provision again (old value)', async () => {
		const session = runInTerminal(['--demo', '--graph-url', simulator.url, '--backup-dir', directory], {columns: 80, rows: 24, cwd: directory});
		sessions.push(session);
		await session.waitForText('Apps with provisioning');
		await session.waitForText(/1\/4\s*$/m);
		await openContosoMappings(session, '1/136');
		await typeKeys(session, '/ExtensionAttribute3');
		await typeKeys(session, KEY.enter); // the filter leaves one mapping: Enter opens it, Esc comes back to its row
		await session.waitForText(/Attribute mapping(?!s)/);
		await typeKeys(session, KEY.esc);
		await session.waitForText('1/1 of 136');
		await typeKeys(session, 's');
		await session.waitForText('Source type');
		await typeKeys(session, KEY.enter); // Expression, the current kind
		await session.waitForText('Expression');
		await typeKeys(session, '\u0015Trim([company])');
		await typeKeys(session, KEY.enter);
		await session.waitForText('1 pending');
		await typeKeys(session, 'w');
		await session.waitForText('Type "contoso.com"');
		await typeKeys(session, 'contoso.com');
		await typeKeys(session, KEY.enter);
		await session.waitForText('Written and verified');
		expect(flat(session.screen())).toContain('p provisions a test user on demand now');
		// The backup's path, longer than 80 columns, is cut only at the edge, with nothing inserted: copied, it is the file.
		const lines = session.screenLines();
		const label = lines.findIndex((line) => line.includes('Backup of the previous schema:'));
		let copied = '';
		for (let index = label + 1; index < lines.length && lines[index]!.trim() !== '' && !lines[index]!.startsWith(' '); index++) copied += lines[index]!.trimEnd();
		expect(copied.length, session.screen()).toBeGreaterThan(80);
		expect(existsSync(copied), session.screen()).toBe(true);

		await provisionAdele(session);
		expect(flat(session.screen())).toContain('* ExtensionAttribute3: "CHI-RETAIL-07" → "Contoso Chicago"');
		expect(flat(session.screen())).toContain('Cloud sync provisions on demand without applying scoping filters');
		const onDemand = simulator.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/provisionOnDemand'));
		expect(onDemand).toHaveLength(1);

		// L: the logs' permissions were never consented (as in a new tenant), so the first use asks for them in words,
		// then lists the event this provisioning produced, newest first, and Enter shows it in full.
		simulator.identity.requireConsentOnFirstUse(['AuditLog.Read.All', 'Directory.Read.All']);
		await typeKeys(session, 'L');
		await session.waitForText(/Provisioning logs need AuditLog\.Read\.All and Directory\.Read\.All/);
		expect(flat(session.screen())).toMatch(/enter the code DEMO-\w+/);
		await session.waitForText(/Provisioning logs, newest first: \d+/, 20_000);
		const rows = session.screen().split('\n').filter((line) => /^[› ] \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(line));
		expect(rows[0], session.screen()).toMatch(/^› .*success\s+update\s+adelev@chicago\.com/);
		const times = rows.map((line) => line.slice(2, 21));
		expect([...times].sort().reverse()).toEqual(times);
		await typeKeys(session, KEY.enter);
		await session.waitForText('Provisioning event: success update');
		expect(flat(session.screen())).toMatch(/1\. import success: Retrieved user 'adelev@chicago\.com'/);
		expect(flat(session.screen())).toContain('ExtensionAttribute3: CHI-RETAIL-07 → Contoso Chicago');
		await typeKeys(session, KEY.esc);
		await session.waitForText('Provisioning logs, newest first');
		await typeKeys(session, KEY.esc);
		await session.waitForText(/Success for adelev@chicago\.com/);

		// The undo: B reads the job again and opens the backup's plan, confirmed like any write.
		await typeKeys(session, 'B');
		await session.waitForText('Plan: write restore');
		await session.waitForText('Type "contoso.com"');
		expect(flat(session.screen())).toContain('source: Trim([company]) → Trim([extensionAttribute3])');
		await typeKeys(session, 'contoso.com');
		await typeKeys(session, KEY.enter);
		await session.waitForText('Written and verified');
		await provisionAdele(session, true);
		expect(flat(session.screen())).toContain('* ExtensionAttribute3: "Contoso Chicago" → "CHI-RETAIL-07"');

		// Esc leaves every step: the result, then the plan (the job is read again).
		await typeKeys(session, KEY.esc);
		await session.waitForText('Written and verified');
		await typeKeys(session, KEY.esc);
		// Back on the mapping list it was written from, with the backup's path to copy.
		await session.waitForText('Backup of the previous schema:');
		await typeKeys(session, KEY.esc);
		await session.waitForText('1/1 of 136');
		expect(session.screen()).toContain('Trim([extensionAttribute3])');
	}, 60_000);

	it('watching a job (at 160×45) writes no byte while nothing changes, and shows a started cycle as it runs', async () => {
		const session = runInTerminal(['--demo', '--graph-url', simulator.url], {columns: 160, rows: 45, cwd: directory});
		sessions.push(session);
		await session.waitForText('Apps with provisioning');
		await session.waitForText(/1\/4\s*$/m);
		await typeKeys(session, '/Workday');
		await typeKeys(session, KEY.enter); // the filter leaves one app: Enter opens it
		await session.waitForText('Provisioning jobs');
		await typeKeys(session, 'J');
		await session.waitForText('Status: Active');
		await typeKeys(session, 'W');
		await session.waitForText('· watching');
		const reads = () => simulator.requests.filter((request) => request.method === 'GET' && /\/synchronization\/jobs\/[^/]+$/.test(request.path)).length;
		const [bytes, before] = [session.bytesWritten(), reads()];
		await new Promise((resolve) => setTimeout(resolve, 7000));
		expect(reads()).toBeGreaterThanOrEqual(before + 2); // read every 3 s…
		expect(session.bytesWritten()).toBe(bytes); // …and nothing drawn, since nothing changed
		const lastRun = () => /^Last run:.*$/m.exec(session.screen())?.[0];
		const shownBefore = lastRun();
		await typeKeys(session, 's');
		await session.waitForText('Start the job of');
		await typeKeys(session, 'y');
		// The watch shows the cycle: running, or already ended with a new last run.
		const deadline = Date.now() + 20_000;
		while (!/Running: cycle \d+ % done/.test(session.screen()) && lastRun() === shownBefore) {
			if (Date.now() > deadline) throw new Error(`the started cycle never showed:\n${session.screen()}`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		// Leaving the screen stops the watch: no more reads.
		await typeKeys(session, KEY.esc);
		await session.waitForText('Provisioning jobs');
		const after = reads();
		await new Promise((resolve) => setTimeout(resolve, 4000));
		expect(reads()).toBe(after);
	}, 60_000);

	it('--read-only: the job screen offers no action and sends nothing but reads', async () => {
		const session = runInTerminal(['--demo', '--read-only', '--graph-url', simulator.url], {columns: 80, rows: 24, cwd: directory});
		sessions.push(session);
		const before = simulator.requests.length;
		await session.waitForText('Apps with provisioning');
		await session.waitForText(/1\/4\s*$/m);
		await typeKeys(session, '/contoso.com');
		await typeKeys(session, KEY.enter); // the filter leaves one app: Enter opens it
		await session.waitForText('Provisioning jobs');
		await typeKeys(session, 'J');
		await session.waitForText('Status: Active');
		// Every action key, then the keys of their confirmations, as a hurried admin would type them.
		await typeKeys(session, 'sRpzy');
		await typeKeys(session, 'contoso.com');
		await typeKeys(session, KEY.enter);
		await typeKeys(session, '?');
		await session.waitForText('Keys on this screen');
		const help = flat(session.screen());
		expect(help).not.toMatch(/start the job|restart provisioning|provision a test user/);
		await typeKeys(session, KEY.esc);
		await typeKeys(session, 'r');
		await session.waitForText('Status: Active');
		const sent = simulator.requests.slice(before).filter((request) => request.method !== 'GET');
		// Sign-in's token requests are the only non-GET requests (the demo's identity endpoints, not Graph).
		expect(sent.filter((request) => request.path.startsWith('/beta') || request.path.startsWith('/v1.0'))).toEqual([]);
	}, 60_000);
});
