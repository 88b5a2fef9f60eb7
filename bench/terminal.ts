/**
 * A pseudo-terminal for measuring: runs a program in @lydell/node-pty, feeds every byte to a
 * headless xterm (the screen a user would see), and stamps each chunk with the time it arrived,
 * so a figure can say "the frame was complete at" rather than "we noticed it at".
 */
import {readFileSync} from 'node:fs';
import {spawn, type IPty} from '@lydell/node-pty';
import xterm from '@xterm/headless';

export type TerminalOptions = {columns: number; rows: number; cwd?: string; env?: Record<string, string | undefined>};

/** The output that answered one key press, up to the first quiet gap. */
export type Response = {
	/** ms from writing the key to the first byte of the answer. */
	firstByteMs: number;
	/** ms from writing the key to the last byte before the quiet gap: the frame is complete on screen. */
	frameMs: number;
	bytes: number;
};

type Chunk = {at: number; bytes: number};

export class MeasuredTerminal {
	readonly pty: IPty;
	readonly spawnedAt: number;
	private readonly terminal: InstanceType<typeof xterm.Terminal>;
	private readonly chunks: Chunk[] = [];
	private totalBytes = 0;
	private exitCode: number | undefined;
	private readonly exitWaiters: Array<(code: number) => void> = [];
	/** Checked after each chunk has been parsed into the screen; resolved with that chunk's arrival time. */
	private screenWaiters: Array<{matches: (screen: string[]) => boolean; resolve: (at: number) => void; reject: (error: Error) => void}> = [];

	constructor(command: string, args: string[], options: TerminalOptions) {
		this.terminal = new xterm.Terminal({cols: options.columns, rows: options.rows, allowProposedApi: true, scrollback: 0});
		const env: Record<string, string> = {};
		for (const [key, value] of Object.entries({...process.env, TERM: 'xterm-256color', ...options.env})) {
			if (value !== undefined) env[key] = value;
		}
		this.spawnedAt = performance.now();
		// encoding: null hands us the raw bytes, so byte counts are exact even when a chunk splits a UTF-8 sequence.
		this.pty = spawn(command, args, {
			name: 'xterm-256color',
			cols: options.columns,
			rows: options.rows,
			cwd: options.cwd ?? process.cwd(),
			env,
			encoding: null,
		});
		this.pty.onData((data: string | Buffer) => {
			const at = performance.now();
			const bytes = typeof data === 'string' ? Buffer.from(data) : data;
			this.chunks.push({at, bytes: bytes.length});
			this.totalBytes += bytes.length;
			this.terminal.write(bytes, () => this.checkWaiters(at));
		});
		this.pty.onExit(({exitCode}) => {
			this.exitCode = exitCode;
			for (const waiter of this.exitWaiters.splice(0)) waiter(exitCode);
			// Whatever it printed last may still satisfy a waiter; anything else will never come.
			this.terminal.write('', () => {
				this.checkWaiters(this.chunks.at(-1)?.at ?? performance.now());
				for (const waiter of this.screenWaiters.splice(0)) {
					waiter.reject(new Error(`the program exited (code ${exitCode}). Screen:\n${this.screenLines().join('\n').trimEnd()}`));
				}
			});
		});
	}

	get bytesWritten(): number {
		return this.totalBytes;
	}

	get exited(): boolean {
		return this.exitCode !== undefined;
	}

	screenLines(): string[] {
		const buffer = this.terminal.buffer.active;
		const lines: string[] = [];
		for (let row = 0; row < this.terminal.rows; row++) lines.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
		return lines;
	}

	/** Resolves with the arrival time of the chunk after which the screen first matched. */
	waitForScreen(matches: (screen: string[]) => boolean, what: string, timeoutMs = 30_000): Promise<number> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.screenWaiters = this.screenWaiters.filter((waiter) => waiter !== entry);
				reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}. Screen:\n${this.screenLines().join('\n')}`));
			}, timeoutMs);
			const entry = {
				matches,
				resolve: (at: number) => {
					clearTimeout(timer);
					resolve(at);
				},
				reject: (error: Error) => {
					clearTimeout(timer);
					reject(error);
				},
			};
			this.screenWaiters.push(entry);
			// Everything written so far may already show it.
			this.terminal.write('', () => {
				this.checkWaiters(this.chunks.at(-1)?.at ?? performance.now());
				if (this.exitCode !== undefined && this.screenWaiters.includes(entry)) {
					this.screenWaiters = this.screenWaiters.filter((waiter) => waiter !== entry);
					entry.reject(new Error(`the program exited (code ${this.exitCode}). Screen:\n${this.screenLines().join('\n').trimEnd()}`));
				}
			});
		});
	}

	waitForText(text: string | RegExp, timeoutMs?: number): Promise<number> {
		const matches = (lines: string[]) => {
			const screen = lines.join('\n');
			return typeof text === 'string' ? screen.includes(text) : text.test(screen);
		};
		return this.waitForScreen(matches, String(text), timeoutMs);
	}

	/** Waits until nothing has arrived for `quietMs` (and everything that did is on the screen). */
	async waitForQuiet(quietMs: number, timeoutMs = 30_000): Promise<void> {
		const deadline = performance.now() + timeoutMs;
		for (;;) {
			await new Promise<void>((resolve) => this.terminal.write('', resolve));
			const last = this.chunks.at(-1)?.at ?? this.spawnedAt;
			const idle = performance.now() - last;
			if (idle >= quietMs) return;
			if (performance.now() > deadline) throw new Error(`the program never went quiet for ${quietMs} ms`);
			await new Promise((resolve) => setTimeout(resolve, Math.max(1, quietMs - idle)));
		}
	}

	/**
	 * Writes a key, waits until the screen shows `expected`, then until the output goes quiet, and
	 * reports the answer. Call it only when the program is quiet, so every byte after the key is its answer.
	 */
	async press(key: string, expected: (screen: string[]) => boolean, what: string, quietMs = 60): Promise<Response> {
		const firstChunk = this.chunks.length;
		const bytesBefore = this.totalBytes;
		const sentAt = performance.now();
		this.pty.write(key);
		const shownAt = await this.waitForScreen(expected, what, 15_000);
		await this.waitForQuiet(quietMs);
		const answer = this.chunks.slice(firstChunk);
		const first = answer[0]?.at ?? shownAt;
		const last = Math.max(shownAt, answer.at(-1)?.at ?? shownAt);
		return {firstByteMs: first - sentAt, frameMs: last - sentAt, bytes: this.totalBytes - bytesBefore};
	}

	write(data: string): void {
		this.pty.write(data);
	}

	resize(columns: number, rows: number): void {
		this.pty.resize(columns, rows);
		this.terminal.resize(columns, rows);
	}

	/** The child's peak resident set size (VmHWM) in bytes, from /proc; undefined where there is no /proc. */
	peakRssBytes(): number | undefined {
		try {
			const status = readFileSync(`/proc/${this.pty.pid}/status`, 'utf8');
			const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
			return match ? Number(match[1]) * 1024 : undefined;
		} catch {
			return undefined;
		}
	}

	waitForExit(timeoutMs = 15_000): Promise<{code: number; at: number}> {
		if (this.exitCode !== undefined) return Promise.resolve({code: this.exitCode, at: performance.now()});
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`the program did not exit. Screen:\n${this.screenLines().join('\n')}`)), timeoutMs);
			this.exitWaiters.push((code) => {
				clearTimeout(timer);
				resolve({code, at: performance.now()});
			});
		});
	}

	kill(): void {
		if (this.exitCode === undefined) this.pty.kill();
	}

	private checkWaiters(at: number): void {
		if (this.screenWaiters.length === 0) return;
		const lines = this.screenLines();
		for (const waiter of [...this.screenWaiters]) {
			if (waiter.matches(lines)) {
				this.screenWaiters = this.screenWaiters.filter((each) => each !== waiter);
				waiter.resolve(at);
			}
		}
	}
}
