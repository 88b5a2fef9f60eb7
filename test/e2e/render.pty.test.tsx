/**
 * The explorer sends only the cells that change (patches/ink+6.8.0.patch): after every key, and after a
 * resize, the terminal must show exactly what a full redraw of the same state shows. The full redraw comes
 * from the same Explorer rendered in-process by Ink's debug mode (which writes each frame whole), given the
 * same file, size and keys, and written into a fresh terminal.
 */
import {EventEmitter} from 'node:events';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import xterm from '@xterm/headless';
import {render} from 'ink';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {createFileServices} from '../../source/explorer/file-services.js';
import {Explorer} from '../../source/ui/app.js';
import {KEY} from '../helpers/keys.js';
import {runInTerminal, type TerminalSession} from '../helpers/pty.js';
import {settled, styledRows} from '../helpers/screen-cells.js';

// Styles are what this compares: colours on for the in-process render too (the suite turns them off).
vi.hoisted(() => {
	process.env.FORCE_COLOR = '1';
	delete process.env.NO_COLOR;
});

const fixture = fileURLToPath(new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url));

class FrameStdout extends EventEmitter {
	frames: string[] = [];
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}
	write = (frame: string) => {
		this.frames.push(frame);
		return true;
	};
}

/** The stdin Ink expects from a terminal, fed by the test (as ink-testing-library's). */
class KeyStdin extends EventEmitter {
	isTTY = true;
	private data: string | null = null;
	write(data: string) {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	}
	read = () => {
		const {data} = this;
		this.data = null;
		return data;
	};
	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
}

async function quiet(changes: () => number, quietMs = 250, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = changes();
	let since = Date.now();
	while (Date.now() - since < quietMs) {
		if (Date.now() > deadline) throw new Error('the output never went quiet');
		await new Promise((resolve) => setTimeout(resolve, 20));
		const now = changes();
		if (now !== last) {
			last = now;
			since = Date.now();
		}
	}
}

async function fullRedraw(frame: string, columns: number, rows: number): Promise<string[]> {
	const terminal = new xterm.Terminal({cols: columns, rows, allowProposedApi: true, convertEol: true, scrollback: 0});
	terminal.write(frame);
	await settled(terminal);
	const screen = styledRows(terminal);
	terminal.dispose();
	return screen;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('incremental screen updates', () => {
	it('leave the screen equal to a full redraw after every key and resize, at 160×45', {timeout: 120_000}, async () => {
		const cwd = await mkdtemp(join(tmpdir(), 'pvx-render-'));
		cleanups.push(() => rm(cwd, {recursive: true, force: true}));
		let size = {columns: 160, rows: 45};
		const session: TerminalSession = runInTerminal(['--file', fixture], {...size, cwd, env: {FORCE_COLOR: '1', NO_COLOR: undefined}});
		cleanups.push(() => session.kill());
		const stdout = new FrameStdout(size.columns, size.rows);
		const stdin = new KeyStdin();
		const instance = render(<Explorer services={createFileServices(fixture, cwd, {readOnly: false})} />, {
			stdout: stdout as unknown as NodeJS.WriteStream,
			stdin: stdin as unknown as NodeJS.ReadStream,
			debug: true,
			exitOnCtrlC: false,
			patchConsole: false,
		});
		cleanups.push(() => instance.unmount());

		let step = 'start';
		const compare = async () => {
			await Promise.all([quiet(session.bytesWritten), quiet(() => stdout.frames.length)]);
			const expected = await fullRedraw(stdout.frames.at(-1) ?? '', size.columns, size.rows);
			// The pty's screen, cell by cell with styles, against the fresh terminal.
			const shown = await session.styledScreen();
			expect(shown, `after ${step}`).toEqual(expected);
		};
		const press = async (name: string, key: string) => {
			step = name;
			session.write(key);
			stdin.write(key);
			await compare();
		};
		const resize = async (columns: number, rows: number) => {
			step = `resize to ${columns}×${rows}`;
			size = {columns, rows};
			session.resize(columns, rows);
			stdout.columns = columns;
			stdout.rows = rows;
			stdout.emit('resize');
			await compare();
		};

		await session.waitForText(/Schema\s+1\//);
		await compare();
		expect(session.screenLines()[1]).toMatch(/^Schema/);
		await press('Enter on the rule', KEY.enter);
		await press('Enter on the object mapping', KEY.enter);
		expect(session.screenLines()[1]).toMatch(/\s1\/\d+$/);
		for (let index = 1; index <= 3; index++) await press(`↓ ${index}`, KEY.down);
		await press('PgDn', KEY.pageDown);
		await press('↓ after PgDn', KEY.down);
		await press('PgDn again', KEY.pageDown);
		await press('PgUp', KEY.pageUp);
		await press('↑', KEY.up);
		await press('End', KEY.end);
		await press('Home', KEY.home);
		await press('/', '/');
		for (const character of 'mai') await press(`filter character ${character}`, character);
		await press('Backspace in the filter', KEY.backspace);
		await press('Esc in the filter', KEY.esc);
		await press('↓ after the filter', KEY.down);
		await press('Enter on a mapping', KEY.enter);
		expect(session.screen()).toContain('JSON Pointer');
		await press('↓ in the detail', KEY.down);
		await press('Esc back to the list', KEY.esc);
		await resize(120, 40);
		await press('↓ at 120×40', KEY.down);
		await resize(160, 45);
		await press('↓ at 160×45 again', KEY.down);
		await press('? help', '?');
		await press('Esc from help', KEY.esc);
	});
});
