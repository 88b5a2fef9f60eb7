/**
 * At 80 columns the lists of pending changes, backups and scoping-filter clauses cut long rows (in the middle, so
 * both ends show). Enter shows the row in full: wrapped, a backup's path whole on lines of its own, never cut with
 * an ellipsis. The real executable in a pseudo-terminal against the demo tenant.
 */
import {readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {KEY} from '../helpers/keys.js';
import {openContosoMappings, runInTerminal, type TerminalSession} from '../helpers/pty.js';

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

async function contosoMappings(): Promise<TerminalSession> {
	const session = runInTerminal(['--demo', '--graph-url', simulator.url], {columns: 80, rows: 24});
	sessions.push(session);
	await session.waitForText(/1\/4\s*$/m);
	await openContosoMappings(session, '1/136');
	return session;
}

/** The screen's text as one line of words: what wraps over several lines reads as it was written. */
const words = (text: string) => text.replace(/\s+/g, ' ');

/** The backup files under the test's state folder. */
async function backupFiles(directory: string): Promise<string[]> {
	const entries = await readdir(directory, {recursive: true, withFileTypes: true});
	return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.schema.json')).map((entry) => join(entry.parentPath, entry.name));
}

const longExpression = 'Join(" ", [givenName], [sn], [department], [physicalDeliveryOfficeName], [streetAddress], [postalCode], [company])';

describe('rows cut at 80 columns can be read in full', () => {
	it('a pending change, then the backup its write left: Enter shows each whole', async () => {
		const session = await contosoMappings();
		session.write('/Alias');
		session.write(KEY.enter); // one row left: Enter opens it
		await session.waitForText(/Attribute mapping(?!s)/);
		session.write('s');
		await session.waitForText('Source type');
		session.write('3'); // Expression
		await session.waitForText('> ');
		session.write(`\u0015${longExpression}`);
		session.write(KEY.enter);
		await session.waitForText('1 pending');

		session.write('c');
		const list = await session.waitForText('Pending changes');
		const row = list.split('\n').find((line) => line.startsWith('›'))!;
		expect(row).toContain('…'); // cut…
		expect(row).not.toContain('[physicalDeliveryOfficeName]'); // …in the middle
		session.write(KEY.enter);
		const full = await session.waitForText('Pending edit 1 of 1');
		expect(words(full)).toContain(longExpression);
		expect(full).toContain('Enter/Esc close');
		session.write(KEY.enter);
		await session.waitForText('(u undoes the last');

		session.write(KEY.esc);
		await session.waitForText(/Attribute mapping(?!s)/);
		session.write('w');
		await session.waitForText('Type "contoso.com"', 20_000);
		session.write('contoso.com');
		session.write(KEY.enter);
		await session.waitForText('Written and verified', 20_000);
		const [backup] = await backupFiles(process.env.PROVISIONING_EXPLORER_STATE_DIR!);
		expect(backup).toBeDefined();
		session.write(KEY.enter);
		await session.waitForText('Written and verified. Backup'); // a note with the backup's path
		session.write(KEY.enter);
		await session.waitForText(/Attribute mapping {3}lines/);
		session.write(':restore');
		session.write(KEY.enter);
		const backups = await session.waitForText(/Backups of this job.*1\/1/);
		expect(backups.split('\n').find((line) => line.startsWith('›'))).toContain('…');
		session.write(KEY.enter);
		const shown = await session.waitForText('Enter restores it through the plan');
		// The path on lines of its own, split only where the 80 columns end: joined back, it is the file whole.
		const lines = shown.split('\n').map((line) => line.trimEnd());
		const start = lines.indexOf('File:') + 1;
		const pathLines = lines.slice(start, start + Math.ceil(backup!.length / 80));
		expect(pathLines.join('')).toBe(backup);
		expect(lines.slice(1).join('\n')).not.toContain('…'); // nothing cut below the breadcrumb
		session.write(KEY.esc);
		await session.waitForText(/Backups of this job.*1\/1/);
		expect(session.screen()).not.toContain('Type "contoso.com"');
	});

	it('a scoping-filter clause and its group', async () => {
		const session = await contosoMappings();
		session.write('S');
		await session.waitForText('Scoping filter');
		session.write(KEY.end);
		const list = await session.waitForText('13/13');
		expect(list.split('\n').find((line) => line.startsWith('›'))).toMatch(/^› inputFilterGroups\[0\] D….*DC=mydomain,…$/);
		session.write(KEY.enter);
		const full = await session.waitForText('Enter edits this clause');
		expect(words(full)).toContain('Filter group: inputFilterGroups[0] DefaultUserExclusions.0.UX-OrganizationalGroup-Scope');
		expect(words(full)).toContain('Clause: AND distinguishedName ENDS_WITH OU=Cloud,DC=mydomain,DC=tld');
		session.write(KEY.enter);
		await session.waitForText('Edit clause: source attribute');
	});
});
