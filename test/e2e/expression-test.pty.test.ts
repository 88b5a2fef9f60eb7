/**
 * End to end: `t` in the built executable, in an 80×24 pseudo-terminal, on the real cloud sync fixture
 * (../shared/fixtures) offline: AccountEnabled with userAccountControl 514 → "False" and 512 → "True", a value
 * typed ahead in one write, a value pasted (bracketed paste) as text, a resize, and Esc out of every step.
 */
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {KEY} from '../helpers/keys.js';
import {runInTerminal, type TerminalSession, typeKeys} from '../helpers/pty.js';

// ../shared sits beside the repository, as the other tests find it.
const sharedFixture = fileURLToPath(new URL('../../../shared/fixtures/cloud-sync-ad2aad.schema.json', import.meta.url));
const pasted = (text: string) => `\u001B[200~${text}\u001B[201~`;
const ctrlU = '\u0015';

const sessions: TerminalSession[] = [];
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

describe('t in a terminal', () => {
	it('tests AccountEnabled on the fixture: 514 → "False", 512 (pasted) → "True", locally and labelled so', async () => {
		const state = await mkdtemp(join(tmpdir(), 'pvx-pty-test-'));
		const session = runInTerminal(['--file', sharedFixture], {columns: 80, rows: 24, env: {PROVISIONING_EXPLORER_STATE_DIR: state}});
		sessions.push(session);
		await session.waitForText('1/3');
		await typeKeys(session, KEY.enter);
		await session.waitForText('Object mappings');
		await typeKeys(session, KEY.enter);
		await session.waitForText('1/136');
		// Enter in a filter that leaves one row opens it: t works on the mapping's detail as on the list.
		await typeKeys(session, '/AccountEnabled\r');
		await session.waitForText(/Attribute mapping(?!s)/);

		// t, Enter on the first field, the value and Enter: typed ahead in one write.
		session.write(`t\r${ctrlU}514\r`);
		const disabled = await session.waitForText(/userAccountControl\s+"514"[\s\S]*\n\s+"False"/);
		expect(disabled).toContain('Test: User ← user · AccountEnabled');
		expect(disabled).toContain("Result — local evaluation (provisioning-explorer's evaluator, not Graph)");
		expect(disabled).toMatch(/Evaluated locally: offline \(a schema file\): no Graph to ask\./);

		await typeKeys(session, KEY.enter);
		await session.waitForText('> 514');
		await typeKeys(session, ctrlU);
		await typeKeys(session, pasted('512'));
		await session.waitForText('> 512');
		await typeKeys(session, KEY.enter);
		const enabled = await session.waitForText(/userAccountControl\s+"512"[\s\S]*\n\s+"True"/);
		expect(enabled.split('\n')).toHaveLength(24);

		// Wider: the same result, the expression on one line.
		session.resize(160, 45);
		await session.waitForText(/IIF\(IsPresent\(\[userAccountControl\]\), IIF\(BitAnd\(\[userAccountControl\], 2\)="0", "True", "False"\), Not\(\[accountDisabled\]\)\)/);
		expect(session.screen()).toMatch(/\n\s+"True"/);

		// Esc out of every step: the value prompt, the test, the filter, the list.
		await typeKeys(session, KEY.enter);
		await session.waitForText('> 512');
		await typeKeys(session, KEY.esc);
		await session.waitForText(/↓\/j move down {2}Esc\/← back {2}⏎ edit/);
		expect(session.screen()).toMatch(/userAccountControl\s+"512"/);
		await typeKeys(session, KEY.esc);
		await session.waitForText(/Attribute mapping(?!s)/);
		await typeKeys(session, KEY.esc);
		await session.waitForText('1/1 of 136');
		await typeKeys(session, KEY.esc);
		await session.waitForText('1/136');
	});
});
