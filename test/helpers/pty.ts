/**
 * Runs the real executable in a pseudo-terminal and reads the screen the way a user sees it,
 * through a headless xterm.
 */
import {fileURLToPath} from 'node:url';
import {spawn, type IPty} from '@lydell/node-pty';
import xterm from '@xterm/headless';
import {styledRows} from './screen-cells.js';

export const binPath = fileURLToPath(new URL('../../bin/provisioning-explorer.js', import.meta.url));

export type TerminalSession = {
	pty: IPty;
	/** Every byte the program wrote. */
	output: () => string;
	bytesWritten: () => number;
	screen: () => string;
	screenLines: () => string[];
	/** The screen with its styles, once everything written so far is parsed (see screen-cells.ts). */
	styledScreen: () => Promise<string[]>;
	write: (data: string) => void;
	waitForText: (text: string | RegExp, timeoutMs?: number) => Promise<string>;
	waitForExit: (timeoutMs?: number) => Promise<number>;
	resize: (columns: number, rows: number) => void;
	kill: () => void;
};

export function runInTerminal(
	args: string[],
	options: {columns?: number; rows?: number; cwd?: string; env?: Record<string, string | undefined>} = {},
): TerminalSession {
	const columns = options.columns ?? 100;
	const rows = options.rows ?? 30;
	const terminal = new xterm.Terminal({cols: columns, rows, allowProposedApi: true, scrollback: 1000});
	let output = '';
	let bytes = 0;
	let exitCode: number | undefined;
	const exitWaiters: Array<(code: number) => void> = [];
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries({...process.env, TERM: 'xterm-256color', ...options.env})) {
		if (value !== undefined) env[key] = value;
	}
	const pty = spawn(process.execPath, [binPath, ...args], {name: 'xterm-256color', cols: columns, rows, cwd: options.cwd ?? process.cwd(), env});
	pty.onData((data) => {
		output += data;
		bytes += Buffer.byteLength(data);
		terminal.write(data);
	});
	pty.onExit(({exitCode: code}) => {
		exitCode = code;
		for (const waiter of exitWaiters) waiter(code);
	});
	const flush = () => new Promise<void>((resolve) => terminal.write('', resolve));
	const screenLines = () => {
		const buffer = terminal.buffer.active;
		const lines: string[] = [];
		for (let index = 0; index < terminal.rows; index++) lines.push(buffer.getLine(buffer.viewportY + index)?.translateToString(true) ?? '');
		return lines;
	};
	const screen = () => screenLines().join('\n');
	return {
		pty,
		output: () => output,
		bytesWritten: () => bytes,
		screen,
		screenLines,
		styledScreen: async () => {
			await flush();
			return styledRows(terminal);
		},
		write: (data) => pty.write(data),
		async waitForText(text, timeoutMs = 15_000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				await flush();
				const current = screen();
				if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
				if (exitCode !== undefined) throw new Error(`program exited (${exitCode}) before showing ${String(text)}. Screen:\n${current}`);
				if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}. Screen:\n${current}`);
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		},
		waitForExit(timeoutMs = 10_000) {
			if (exitCode !== undefined) return Promise.resolve(exitCode);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`program did not exit. Screen:\n${screen()}`)), timeoutMs);
				exitWaiters.push((code) => {
					clearTimeout(timer);
					resolve(code);
				});
			});
		},
		resize(newColumns, newRows) {
			pty.resize(newColumns, newRows);
			terminal.resize(newColumns, newRows);
		},
		kill: () => {
			if (exitCode === undefined) pty.kill();
		},
	};
}

/** Types keys and gives the program a moment (a lone Esc is held briefly in case a sequence follows). */
export async function typeKeys(session: TerminalSession, keys: string, settleMs = 40): Promise<void> {
	session.write(keys);
	await new Promise((resolve) => setTimeout(resolve, keys === '\u001B' ? 150 : settleMs));
}

/**
 * From the loaded app list of the demo tenant into contoso.com › AD2AADProvisioning › its rule › the
 * first object mapping, waiting for `mappingsShown` (the list's position, e.g. "1/136").
 */
export async function openContosoMappings(session: TerminalSession, mappingsShown: string | RegExp): Promise<void> {
	// A filter that leaves one row opens it on Enter.
	await typeKeys(session, '/contoso.com');
	await typeKeys(session, '\r');
	await session.waitForText('Provisioning jobs');
	await typeKeys(session, '/AD2AADProvisioning');
	await typeKeys(session, '\r');
	await session.waitForText('Directory');
	await typeKeys(session, '\r');
	await session.waitForText('Object mappings');
	await typeKeys(session, '\r');
	await session.waitForText(mappingsShown);
}
