/**
 * End to end in the built executable against the demo tenant: in `t`, `o` fills the fields from a real source
 * object, read-only. Signed in as an app an admin granted AuditLog.Read.All, Directory.Read.All and User.Read.All
 * (the explorer's own sign-in does not ask for them): cloud sync's AccountEnabled from Adele's newest provisioning
 * log event at 80×24 (subject pasted, keys typed ahead), and the SCIM app's name.formatted from the Entra user at
 * 160×45, with a resize and Esc out of every step.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {defaultDemoClientSecret, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {KEY} from '../helpers/keys.js';
import {openContosoMappings, runInTerminal, type TerminalSession, typeKeys} from '../helpers/pty.js';

const appClientId = '6a2f3b7e-0000-4000-8000-00000000a99e';
let simulator: Simulator;
let directory: string;
const sessions: TerminalSession[] = [];
const pasted = (text: string) => `\u001B[200~${text}\u001B[201~`;
const flat = (text: string) => text.replace(/\s+/g, ' ');

beforeAll(async () => {
	simulator = await startSimulator();
	simulator.identity.setConsent({application: ['Application.Read.All', 'Synchronization.ReadWrite.All', 'AuditLog.Read.All', 'Directory.Read.All', 'User.Read.All']});
	directory = mkdtempSync(join(tmpdir(), 'pvx-source-object-'));
});
afterAll(async () => {
	await simulator.close();
	rmSync(directory, {recursive: true, force: true});
});
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

function explorer(columns: number, rows: number): TerminalSession {
	const session = runInTerminal(['--demo', '--graph-url', simulator.url, '--auth', 'client-secret', '--tenant', 'contoso.com', '--client-id', appClientId], {
		columns,
		rows,
		cwd: directory,
		env: {AZURE_CLIENT_SECRET: defaultDemoClientSecret, PROVISIONING_EXPLORER_STATE_DIR: directory},
	});
	sessions.push(session);
	return session;
}

describe('o in the expression test', () => {
	it("cloud sync at 80×24: Adele's values from her newest provisioning log event", async () => {
		const session = explorer(80, 24);
		await session.waitForText('Apps with provisioning');
		await openContosoMappings(session, '1/136');
		await typeKeys(session, '/AccountEnabled\r');
		await session.waitForText(/Attribute mapping(?!s)/);
		await typeKeys(session, 't');
		await session.waitForText('Test: User ← user · AccountEnabled');
		await typeKeys(session, 'o');
		await session.waitForText('Fill the fields from which source object?');
		// The UPN pasted, as an admin copies it, and Enter typed ahead in the same write.
		session.write(`${pasted('adelev@chicago.com')}\r`);
		const filled = flat(await session.waitForText(/Values of adelev@chicago\.com from the import step/));
		expect(filled).toMatch(/userAccountControl "66048"/);
		expect(filled).toMatch(/accountDisabled \(no value\)/);
		// 66048 has bit 2 (disabled) clear: True, through Graph's parseExpression.
		const result = flat(await session.waitForText(/Result — Graph's parseExpression[\s\S]*"True"/));
		expect(result).toContain('provisioning log event of adelev@chicago.com');
		const reads = simulator.requests.filter((request) => request.path.endsWith('/auditLogs/provisioning'));
		expect(reads.length).toBeGreaterThan(0);

		// A subject with no event: why, in words, and the values stay.
		session.write(`o\u0015nobody@mydomain.tld\r`);
		await session.waitForText(/Could not read nobody@mydomain\.tld: No provisioning log event/);
		expect(flat(session.screen())).toMatch(/userAccountControl "66048"/);

		// Esc out of every step: the prompt, the test, the detail, the filter.
		await typeKeys(session, 'o');
		await session.waitForText('Fill the fields from which source object?');
		await typeKeys(session, KEY.esc);
		await session.waitForText('Test: User ← user · AccountEnabled');
		await typeKeys(session, KEY.esc);
		await session.waitForText(/Attribute mapping(?!s)/);
		await typeKeys(session, KEY.esc);
		await session.waitForText('1/1 of 136');
	});

	it("SCIM app at 160×45: the Entra user read from Graph, then a resize to 80×24", async () => {
		const session = explorer(160, 45);
		await session.waitForText('Apps with provisioning');
		await typeKeys(session, '/Contoso SCIM\r');
		await session.waitForText('Provisioning jobs');
		await typeKeys(session, '\r');
		await session.waitForText('Directory');
		await typeKeys(session, '\r');
		await session.waitForText('Object mappings');
		await typeKeys(session, '\r');
		await typeKeys(session, '/name.formatted\r');
		await session.waitForText(/Attribute mapping(?!s)/);
		await typeKeys(session, 't');
		await session.waitForText('Test: User ← User · name.formatted');
		await typeKeys(session, 'o');
		await session.waitForText(/Fill the fields from which source object\?[\s\S]*the Entra user is read \(GET \/users\)/);
		await typeKeys(session, 'BillBob@contoso.com\r');
		const filled = flat(await session.waitForText(/Values of BillBob@contoso\.com from Entra user BillBob@contoso\.com \(GET \/users\/\{id\}, as it is now\)/));
		expect(filled).toMatch(/givenName "Bill"/);
		expect(filled).toMatch(/surname "Bob"/);
		await session.waitForText(/Result — Graph's parseExpression[\s\S]*"Bill Bob"/);
		const userRead = simulator.requests.find((request) => request.path.includes('/users/'));
		expect(userRead?.query.$select).toBe('id,userPrincipalName,givenName,surname');

		session.resize(80, 24);
		await session.waitForText(/"Bill Bob"/);
		expect(session.screen().split('\n')).toHaveLength(24);
		await typeKeys(session, KEY.esc);
		await session.waitForText(/Attribute mapping(?!s)/);
	});
});
