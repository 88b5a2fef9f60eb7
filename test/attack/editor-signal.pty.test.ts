/**
 * Issue 9 §7 (h): the $EDITOR's temporary folder (it holds schema text) is removed when the explorer is ended by
 * SIGTERM or SIGHUP while the editor is open. The built binary in a pseudo-terminal.
 */
import {mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {isolatedState, removeIsolatedStates} from '../commands/cli.js';
import {KEY} from '../helpers/keys.js';
import {runInTerminal, type TerminalSession} from '../helpers/pty.js';

let simulator: Simulator;
let temporary: string;
const sessions: TerminalSession[] = [];

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 300});
});
afterAll(async () => {
	await simulator.close();
	removeIsolatedStates();
});
beforeEach(async () => {
	temporary = await mkdtemp(join(tmpdir(), 'pvx-editor-signal-'));
});
afterEach(async () => {
	for (const session of sessions.splice(0)) session.kill();
	await rm(temporary, {recursive: true, force: true});
});

const editFolders = async () => (await readdir(temporary)).filter((name) => name.startsWith('pvx-edit-'));

describe.each(['SIGTERM', 'SIGHUP'] as const)('%s while $EDITOR is open', (signal) => {
	it('removes the temporary folder', async () => {
		const release = join(temporary, 'release');
		const editor = `${process.execPath} ${new URL('../helpers/fake-editor.mjs', import.meta.url).pathname}`;
		const session = runInTerminal(['--demo', '--graph-url', simulator.url], {
			columns: 120,
			rows: 30,
			// The explorer's temporary folders go to TMPDIR: watch this one.
			env: {...isolatedState(), EDITOR: editor, VISUAL: '', FAKE_EDITOR_MODE: 'hold', FAKE_EDITOR_RELEASE: release, TMPDIR: temporary},
		});
		sessions.push(session);
		await session.waitForText('Apps with provisioning');
		await session.waitForText(/1\/4\s*$/m);
		session.write('/contoso.com');
		session.write(KEY.enter);
		await session.waitForText(/1\/1 of \d+/);
		session.write(KEY.enter);
		await session.waitForText('Provisioning jobs');
		session.write('/AD2AADProvisioning');
		session.write(KEY.enter);
		await session.waitForText('1/1 of 2');
		session.write(KEY.enter);
		await session.waitForText('Directory');
		session.write(KEY.enter + KEY.enter);
		await session.waitForText('1/136');
		session.write('e');
		await session.waitForText('fake editor is open');
		expect(await editFolders()).toHaveLength(1);

		process.kill(session.pty.pid, signal);
		// The editor is the user's: it is left to finish (here: released), then the explorer ends.
		await new Promise((resolve) => setTimeout(resolve, 200));
		await writeFile(release, '');
		expect(await session.waitForExit(15_000)).toBe(143);
		expect(await editFolders()).toEqual([]);
	}, 60_000);
});
