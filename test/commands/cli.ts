/** Runs the built executable (`npm run build` first) as a separate process and collects what it printed. */
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {binPath} from '../helpers/pty.js';

const stateRoot = mkdtempSync(join(tmpdir(), 'pvx-state-'));

/** Call from afterAll: removes the state directories of this file's runs. */
export function removeIsolatedStates(): void {
	rmSync(stateRoot, {recursive: true, force: true});
}

/** A fresh state directory (token cache, backups) per run: no run sees another's sign-in, none touches the user's. */
export function isolatedState(): Record<string, string> {
	return {PROVISIONING_EXPLORER_STATE_DIR: mkdtempSync(join(stateRoot, 'run-'))};
}

export type CliResult = {code: number | null; stdout: string; stderr: string; stdoutBytes: Buffer};

/**
 * Asynchronous on purpose: the demo tenant the command talks to runs in the test's own process, and a
 * synchronous spawn would stop it from answering.
 */
export function runCli(
	args: string[],
	options: {env?: Record<string, string | undefined>; input?: string | Buffer; cwd?: string} = {},
): Promise<CliResult> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries({...process.env, ...isolatedState(), ...options.env})) if (value !== undefined) env[key] = value;
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [binPath, ...args], {env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe']});
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			const stdoutBytes = Buffer.concat(out);
			resolve({code, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes});
		});
		child.stdin.end(options.input ?? '');
	});
}

/** A user-facing failure: one line on stderr, no stack trace. */
export function expectOneLineError(result: CliResult): string {
	const lines = result.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('To sign in'));
	if (lines.length !== 1) throw new Error(`expected one error line, got:\n${result.stderr}`);
	if (/^\s+at /m.test(result.stderr)) throw new Error(`stack trace on stderr:\n${result.stderr}`);
	return lines[0]!;
}

/** Minimal RFC 4180 reader, as lenient about line breaks as a spreadsheet, to check what one would see. */
export function parseCsv(text: string): string[][] {
	const records: string[][] = [];
	let record: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') {
				quoted = false;
			} else {
				field += c;
			}
		} else if (c === '"' && field === '') {
			quoted = true;
		} else if (c === ',') {
			record.push(field);
			field = '';
		} else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
			// Like spreadsheets, a line break outside quotes ends the record, whether CRLF or LF.
			record.push(field);
			records.push(record);
			record = [];
			field = '';
			if (c === '\r') i++;
		} else {
			field += c;
		}
	}
	if (field !== '' || record.length > 0) {
		record.push(field);
		records.push(record);
	}
	return records;
}

export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
