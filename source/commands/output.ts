/**
 * Input and output for the scriptable commands: data on stdout, messages and progress on stderr,
 * `-` for stdin/stdout, aligned tables of terminal-safe text, colour only where it is welcome.
 */
import {basename} from 'node:path';
import stringWidth from 'string-width';
import {UserError} from '../errors.js';
import {writeFileAtomic} from '../fs/atomic-write.js';
import {decodeSchemaBytes, formatMegabytes, maxSchemaFileBytes, parseSchemaText, SchemaFileError, loadSchemaFile} from '../schema/load.js';
import {type Color, paint} from '../terminal/paint.js';
import {escapeJsonControls, sanitizeForTerminal} from '../terminal/sanitize.js';
import type {SynchronizationSchema} from '../schema/types.js';

// ---------------------------------------------------------------------------------------------
// Colour

export {type Color, colorEnabled, paint} from '../terminal/paint.js';

/** The colour of a job status in tables: what needs attention stands out. */
export function statusColor(status: string): Color | undefined {
	if (status === 'Quarantine') return 'red';
	if (status === 'Paused' || status === 'NotConfigured' || status === 'NotRun' || status === 'Unknown') return 'yellow';
	if (status === 'Active') return 'green';
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Tables

export type TableCell = string | {text: string; color?: Color};

/**
 * Columns aligned by display width (CJK and emoji count double), two spaces apart, header first.
 * Every cell is made terminal-safe; colour is added after measuring, so it never breaks alignment.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly TableCell[])[], options: {color: boolean}): string {
	const cells = rows.map((row) =>
		headers.map((_header, column) => {
			const cell = row[column] ?? '';
			const {text, color} = typeof cell === 'string' ? {text: cell, color: undefined} : cell;
			return {text: sanitizeForTerminal(text), color};
		}),
	);
	const widths = headers.map((header, column) => Math.max(stringWidth(header), ...cells.map((row) => stringWidth(row[column]!.text))));
	const line = (parts: {text: string; color?: Color}[]) =>
		parts
			.map((part, column) => {
				const last = column === parts.length - 1;
				const padding = last ? '' : ' '.repeat(widths[column]! - stringWidth(part.text) + 2);
				return paint(part.text, part.color, options.color) + padding;
			})
			.join('')
			.trimEnd();
	const header = line(headers.map((text) => ({text, color: 'bold' as const})));
	return [header, ...cells.map(line)].map((text) => `${text}\n`).join('');
}

// ---------------------------------------------------------------------------------------------
// Standard output

let pipeHandlerInstalled = false;

/** A reader that stops early (`… | head`) is not an error: end quietly instead of printing a stack trace. */
function handleClosedPipe(): void {
	if (pipeHandlerInstalled) return;
	pipeHandlerInstalled = true;
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
		process.stderr.write(`provisioning-explorer: cannot write to standard output (${error.code ?? error.message}).\n`);
		process.exit(2);
	});
}

export function writeStdout(data: string | Uint8Array): Promise<void> {
	handleClosedPipe();
	return new Promise((resolve) => {
		// Errors reach the 'error' handler above; the callback only says when the data is handed over.
		process.stdout.write(data, () => resolve());
	});
}

/** Machine-readable output: indented JSON and a final newline, so `jq` and humans both read it. */
export function writeJson(value: unknown): Promise<void> {
	return writeStdout(`${escapeJsonControls(JSON.stringify(value, null, 2))}\n`);
}

/** Writes to stdout for `-` or no path, otherwise atomically to the file; answers where it went. */
export async function writeOutput(path: string | undefined, data: string | Uint8Array): Promise<'stdout' | string> {
	if (path === undefined || path === '-') {
		await writeStdout(data);
		return 'stdout';
	}
	try {
		await writeFileAtomic(path, data);
	} catch (error) {
		throw new UserError(`Cannot write ${path}: ${describeFileError(error)}.`, {cause: error});
	}
	return path;
}

export function describeFileError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	switch (code) {
		case 'ENOENT':
			return 'the folder does not exist';
		case 'EACCES':
		case 'EPERM':
			return 'permission denied';
		case 'EISDIR':
			return 'it is a folder; give a file name';
		case 'ENOTDIR':
			return 'a part of the path is a file, not a folder';
		case 'ENOSPC':
			return 'the disk is full';
		case 'EROFS':
			return 'the file system is read-only';
		default:
			return code ?? (error instanceof Error ? error.message.split('\n')[0]! : String(error));
	}
}

// ---------------------------------------------------------------------------------------------
// Input

/** Standard input, refused past the schema size limit without reading the rest. `what`: "a schema", "a JSON Patch". */
export async function readStdin(what = 'a schema'): Promise<Buffer> {
	if (process.stdin.isTTY) process.stderr.write(`Reading ${what} from standard input (finish with Ctrl+D)…\n`);
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of process.stdin) {
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
		size += buffer.length;
		if (size > maxSchemaFileBytes) {
			throw new UserError(`Standard input is larger than the ${formatMegabytes(maxSchemaFileBytes)} limit for ${what}; check what is piped in.`);
		}
		chunks.push(buffer);
	}
	return Buffer.concat(chunks);
}

/**
 * A schema from a file in any encoding the loader accepts, or from standard input for `-`. Problems
 * with the file become one-line user errors that name it.
 */
export async function loadSchemaInput(path: string): Promise<{schema: SynchronizationSchema; name: string}> {
	try {
		if (path === '-') {
			const bytes = await readStdin();
			const {text} = decodeSchemaBytes(bytes);
			return {schema: parseSchemaText(text, 'standard input'), name: 'standard input'};
		}
		const loaded = await loadSchemaFile(path);
		return {schema: loaded.schema, name: basename(path)};
	} catch (error) {
		if (error instanceof SchemaFileError) {
			const message = path === '-' && !error.message.startsWith('standard input') ? `standard input: ${error.message}` : error.message;
			throw new UserError(`${message}.`.replace(/\.\.$/, '.'), {cause: error});
		}
		throw error;
	}
}

// ---------------------------------------------------------------------------------------------
// Progress

export type Progress = {
	/** Replaces the progress line (terminal only: logs would fill with half-finished lines). */
	update(text: string): void;
	/** A line that stays, e.g. one finished item; shown everywhere. */
	log(text: string): void;
	/** Removes the progress line. */
	clear(): void;
};

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
	const live = Boolean(stream.isTTY);
	let shown = false;
	const erase = () => {
		if (shown) stream.write('\r\x1b[2K');
		shown = false;
	};
	return {
		update(text) {
			if (!live) return;
			const columns = stream.columns || 80;
			let line = sanitizeForTerminal(text);
			// A line wider than the terminal would wrap, and `\r` would then rewrite only its last row.
			if (stringWidth(line) > columns - 1) {
				const characters = Array.from(line);
				while (characters.length > 0 && stringWidth(characters.join('')) > columns - 2) characters.pop();
				line = `${characters.join('')}…`;
			}
			stream.write(`\r\x1b[2K${line}`);
			shown = true;
		},
		log(text) {
			erase();
			stream.write(`${text}\n`);
		},
		clear: erase,
	};
}
