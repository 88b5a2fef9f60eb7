/**
 * Issue 9 §6 in the built executable at 80×24 against the demo tenant: what an admin sees about a stored parse
 * tree the text does not show, and that walking through a scoping clause with commas in its value changes nothing.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {KEY} from '../helpers/keys.js';
import {openContosoMappings, runInTerminal, type TerminalSession, typeKeys} from '../helpers/pty.js';

let simulator: Simulator;
const sessions: TerminalSession[] = [];

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 300});
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
	await session.waitForText('Apps with provisioning');
	await session.waitForText(/1\/4\s*$/m);
	await openContosoMappings(session, '1/136');
	return session;
}

const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('meaning at 80×24', () => {
	it("names the stored %DomainFQDN% constant on the mapping and points to the JSON edit", async () => {
		const session = await contosoMappings();
		await typeKeys(session, '/onPremisesUserPrincipalName');
		await typeKeys(session, KEY.enter); // one row left: Enter opens it
		await session.waitForText('Attribute mapping');
		await session.waitForText('DomainFQDN');
		expect(flat(session.screen())).toContain(
			'! The stored parse tree has a constant `%DomainFQDN%` that the expression text does not show; editing the text drops it. e edits the mapping as JSON and keeps it.',
		);
	});

	it('passes the OU clause through unchanged: one value, commas and all, and no edit', async () => {
		const session = await contosoMappings();
		await typeKeys(session, 'S');
		await session.waitForText('Scoping filter');
		await typeKeys(session, KEY.end);
		await typeKeys(session, KEY.enter); // the clause in full first
		await session.waitForText('Enter edits this clause');
		await typeKeys(session, KEY.enter);
		await session.waitForText('Edit clause: source attribute');
		await typeKeys(session, KEY.enter);
		await session.waitForText('Operator for distinguishedName');
		await typeKeys(session, KEY.enter);
		await session.waitForText('✓ done: 1 value');
		expect(session.screen()).toContain('OU=Cloud,DC=mydomain,DC=tld');
		await typeKeys(session, KEY.enter);
		await session.waitForText('The clause is unchanged: nothing to edit.');
		expect(session.screen()).not.toMatch(/\d+ pending/);
	});
});
