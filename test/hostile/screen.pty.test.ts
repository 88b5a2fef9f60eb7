/**
 * Hostile strings end to end: the real executable in a pseudo-terminal shows a schema whose names and values are
 * escape sequences, BiDi tricks, invisible and wide characters, a 100,000-character and a 3,000-deep expression.
 * The screen keeps its shape (breadcrumb on top, footer on the last line of the frame, nothing wrapped), none of
 * the data's control sequences reaches the terminal, and after an edit the hostile values come out byte for byte
 * — through a saved patch and `patch --file`, through an export, and through a real write to the demo tenant.
 */
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import xterm from '@xterm/headless';
import stringWidth from 'string-width';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {stripServerFields} from '../../source/edit/index.js';
import type {AttributeMapping, SynchronizationSchema} from '../../source/schema/types.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {runCli} from '../commands/cli.js';
import {KEY} from '../helpers/keys.js';
import {openContosoMappings, runInTerminal, type TerminalSession} from '../helpers/pty.js';
import {controlSequences, deceptiveCharacters, hostileSchema, hostileTargets, hostileText} from './hostile-schema.js';

const columns = 100;
const rows = 30;
const hostileFileText = JSON.stringify(hostileSchema(), null, 2);

let directory: string;
let schemaFile: string;
const sessions: TerminalSession[] = [];

beforeAll(async () => {
	directory = await mkdtemp(join(tmpdir(), 'pvx-hostile-'));
	schemaFile = join(directory, 'hostile.schema.json');
	await writeFile(schemaFile, hostileFileText);
});
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});
afterAll(async () => {
	await rm(directory, {recursive: true, force: true});
});

/** The footer's first key, whatever the screen: the list keys, a modal's, the plan's confirmation. */
const footerStart = /^(↓\/j move down|Enter accept|y yes|Enter close|Esc close help|type the name)/;

/** Replays everything the program wrote into a fresh terminal of the same size, to see whether any line wrapped. */
async function wrappedLines(output: string): Promise<number[]> {
	const terminal = new xterm.Terminal({cols: columns, rows, allowProposedApi: true});
	await new Promise<void>((resolve) => terminal.write(output, resolve));
	const buffer = terminal.buffer.active;
	const wrapped: number[] = [];
	for (let index = 0; index < rows; index++) if (buffer.getLine(buffer.viewportY + index)?.isWrapped) wrapped.push(index);
	terminal.dispose();
	return wrapped;
}

/** The frame is intact: breadcrumb on line 1, footer on the last line the frame may use, nothing wider than the terminal. */
async function expectIntactScreen(session: TerminalSession, breadcrumb: string | RegExp): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, 100)); // let the frame settle
	await session.waitForText(breadcrumb);
	const lines = session.screenLines();
	const screen = lines.map((line, index) => `${String(index).padStart(2)}|${line}`).join('\n');
	expect(lines[0], screen).toMatch(typeof breadcrumb === 'string' ? new RegExp(`^${breadcrumb.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) : breadcrumb);
	expect(lines[rows - 2], screen).toMatch(footerStart);
	expect(lines[rows - 1], screen).toBe('');
	for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(columns);
	expect(await wrappedLines(session.output()), screen).toEqual([]);
}

/** None of the data's control sequences or deceptive characters reached the terminal (it may show them inert, as ␛[2J). */
function expectNoDataControlSequences(output: string, options: {exited: boolean}): void {
	for (const [name, sequence] of Object.entries(controlSequences)) {
		// The program itself hides the cursor while it draws and leaves the alternate screen when it quits.
		if (name === 'hideCursor' || (name === 'leaveAltScreen' && options.exited)) continue;
		expect(output.includes(sequence), `${name} reached the terminal`).toBe(false);
	}
	expect(output.includes(`${controlSequences.leaveAltScreen}${controlSequences.hideCursor}`), 'the data’s alt-screen exit reached the terminal').toBe(false);
	for (const [name, character] of Object.entries(deceptiveCharacters)) expect(output.includes(character), `${name} reached the terminal`).toBe(false);
	expect(output).not.toMatch(/\x07/); // BEL ends OSC sequences; the program never rings the bell
}

async function key(session: TerminalSession, keys: string, settleMs = 30): Promise<void> {
	session.write(keys);
	// A lone Esc is held briefly by the key parser, in case the rest of an escape sequence follows.
	await new Promise((resolve) => setTimeout(resolve, keys === KEY.esc ? 150 : settleMs));
}

/** The edits both sessions make: Department's flowType, and the default value of the mapping named with escape sequences. */
function expectedAfterEdits(): SynchronizationSchema {
	const expected = hostileSchema();
	const mappings = expected.synchronizationRules![0]!.objectMappings![0]!.attributeMappings as AttributeMapping[];
	mappings.find((mapping) => mapping.targetAttributeName === hostileTargets.department)!.flowType = 'ObjectAddOnly';
	mappings.find((mapping) => mapping.targetAttributeName === hostileTargets.danger)!.defaultValue = 'plain';
	return expected;
}

/** On the attribute-mapping list, cursor on the first row: edit the hostile-named mapping's default and Department's flowType. */
async function makeTheEdits(session: TerminalSession): Promise<void> {
	await key(session, 'd');
	await session.waitForText('Enter accept');
	await key(session, '\u0015'); // Ctrl+U clears the prefilled value
	await key(session, 'plain');
	await key(session, KEY.enter);
	await session.waitForText('1 pending');
	await key(session, KEY.down);
	await key(session, 'f');
	await session.waitForText('flowType of Department');
	await key(session, '2'); // ObjectAddOnly
	await session.waitForText('2 pending');
}

describe('a schema of hostile strings in the explorer (--file)', () => {
	it('keeps the screen intact, lets no control sequence through, and saves edits that keep every hostile value', async () => {
		const session = runInTerminal(['--file', schemaFile], {columns, rows, cwd: directory});
		sessions.push(session);
		const crumb = 'hostile.schema.json';
		// The loaded list, not the "Loading the schema…" frame that carries the same title.
		await session.waitForText(/^› Rule/m);
		await expectIntactScreen(session, crumb);
		await key(session, KEY.enter); // the rule
		await session.waitForText('Object mappings');
		// The rule's name is too long for the breadcrumb: it keeps both its ends, shown, never run.
		await expectIntactScreen(session, /^hostile\.schema\.json › Users ␛\]8;;https:\/\/evil\.example\/pwn␛\\click .*….*fdp\.exe/);
		await key(session, KEY.enter); // the object mapping
		await session.waitForText('1/7');
		await expectIntactScreen(session, crumb);
		const list = session.screen();
		// Shown, inert and visible — not dropped.
		expect(list).toContain('␛[2J␛[7;13H');
		expect(list).toContain('line1⏎line2⏎line3⏎line4');
		expect(list).toContain('⟨U+200B⟩');
		// Every mapping's detail, including the 100,000-character and the 3,000-deep expression.
		for (let row = 0; row < 7; row++) {
			await key(session, KEY.enter);
			await session.waitForText('Target attribute');
			await expectIntactScreen(session, crumb);
			await key(session, KEY.pageDown);
			await key(session, KEY.end);
			await session.waitForText('JSON Pointer');
			await expectIntactScreen(session, crumb);
			await key(session, KEY.esc);
			await session.waitForText(`${row + 1}/7`);
			await key(session, KEY.down);
		}
		await key(session, KEY.home);
		await session.waitForText('1/7');
		// The directory side: the definitions named with BiDi, zero-width and combining characters.
		for (const step of [KEY.esc, KEY.esc]) await key(session, step);
		await session.waitForText('Schema');
		await key(session, KEY.down);
		await key(session, KEY.enter);
		await key(session, KEY.enter);
		await session.waitForText('Attribute definitions');
		await expectIntactScreen(session, crumb);
		expect(session.screen()).toContain('invoice⟨U+202E⟩fdp.exe⟨U+202C⟩');
		for (const step of [KEY.esc, KEY.esc, KEY.up, KEY.enter, KEY.enter]) await key(session, step);
		await session.waitForText('1/7');
		expectNoDataControlSequences(session.output(), {exited: false});

		await makeTheEdits(session);
		await expectIntactScreen(session, crumb);
		const patchFile = join(directory, 'hostile.patch.json');
		await key(session, 'P');
		await session.waitForText('Save pending changes');
		await key(session, '\u0015');
		await key(session, patchFile);
		await key(session, KEY.enter);
		await session.waitForText('Saved');
		await key(session, 'x');
		await session.waitForText('Exported to');
		await key(session, 'q');
		await session.waitForText('y quits');
		await expectIntactScreen(session, crumb);
		await key(session, 'y');
		expect(await session.waitForExit()).toBe(0);
		expectNoDataControlSequences(session.output(), {exited: true});

		// The export is the file, byte for byte.
		const exported = (await readdir(directory)).filter((name) => name.endsWith('.schema.json') && name !== 'hostile.schema.json');
		expect(exported).toHaveLength(1);
		expect(Buffer.compare(await readFile(join(directory, exported[0]!)), await readFile(schemaFile))).toBe(0);
		// The saved patch, applied by `patch --file`, changes the two fields and nothing else.
		const out = join(directory, 'patched.schema.json');
		const patched = await runCli(['patch', '--file', schemaFile, '--patch', patchFile, '--out', out]);
		expect(patched.stderr).toBe(`Applied 2 changes from ${patchFile} to hostile.schema.json; wrote ${out}.\n`);
		expect(patched.code).toBe(0);
		expect(JSON.stringify(JSON.parse(await readFile(out, 'utf8')))).toBe(JSON.stringify(expectedAfterEdits()));
	});
});

describe('a schema of hostile strings in a tenant', () => {
	let simulator: Simulator;

	beforeAll(async () => {
		simulator = await startSimulator({schemaOverride: hostileFileText, autoApproveDeviceCodeMs: 200, deviceCodeIntervalSeconds: 1});
		// An app whose display name is an attack too: it is listed, never obeyed.
		simulator.tenant.servicePrincipals.find((each) => each.displayName === 'Salesforce')!.displayName = `Sales${hostileText.csi}${hostileText.bidi}`;
	});
	afterAll(async () => {
		await simulator.close();
	});

	it('shows the apps and the plan intact and writes the hostile values to Graph unchanged', async () => {
		const session = runInTerminal(['--demo', '--graph-url', simulator.url], {columns, rows, cwd: directory});
		sessions.push(session);
		await session.waitForText('Apps with provisioning');
		await session.waitForText(/1\/4\s*$/m);
		await expectIntactScreen(session, 'contoso.com (demo)');
		expect(session.screen()).toContain('Sales␛[2J');
		await openContosoMappings(session, '1/7');
		await makeTheEdits(session);
		await key(session, 'w');
		await session.waitForText('Type "contoso.com" and Enter to write');
		await expectIntactScreen(session, 'contoso.com (demo)');
		for (const step of [KEY.pageDown, KEY.pageDown, KEY.end]) await key(session, step);
		await expectIntactScreen(session, 'contoso.com (demo)');
		await key(session, 'contoso.com');
		await key(session, KEY.enter);
		await session.waitForText('Written and verified');
		await expectIntactScreen(session, 'contoso.com (demo)');
		expectNoDataControlSequences(session.output(), {exited: false});
		session.kill();

		const job = simulator.tenant.jobs.find((each) => each.job.templateId === 'AD2AADProvisioning')!;
		const stored = JSON.parse(job.schema.text) as SynchronizationSchema;
		expect(JSON.stringify(stripServerFields(stored))).toBe(JSON.stringify(stripServerFields(expectedAfterEdits())));
	});
});

describe('a schema of hostile strings on the command line', () => {
	it('validate, docs and diff print the hostile values inert', async () => {
		const edited = join(directory, 'edited.schema.json');
		await writeFile(edited, JSON.stringify(expectedAfterEdits()));
		// What each shows, inert and visible: the first mapping's name (an escape sequence), or validate's finding.
		const runs: [string[], number, string][] = [
			[['validate', schemaFile], 1, 'LongExpression: the expression is 100,000 characters long'],
			[['docs', '--file', schemaFile], 0, '␛[2J␛[7;13H'],
			[['docs', '--file', schemaFile, '--format', 'csv'], 0, '␛[2J␛[7;13H'],
			[['diff', schemaFile, edited], 1, '␛[2J␛[7;13H'],
		];
		for (const [args, code, shown] of runs) {
			const result = await runCli(args);
			expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(code);
			expectNoDataControlSequences(result.stdout + result.stderr, {exited: false});
			expect(result.stdout.includes(shown), `${args.join(' ')} shows ${shown}`).toBe(true);
		}
	});
});
