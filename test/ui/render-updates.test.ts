/**
 * The patched Ink (patches/ink+6.8.0.patch) draws what unpatched Ink draws: its Output reuses rows of
 * earlier frames, and its incremental renderer sends only the cells that changed; after any sequence of
 * frames, the terminal must show exactly what a fresh terminal shows when the last frame is written whole.
 */
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {styledCharsFromTokens, styledCharsToString, tokenize} from '@alcalzone/ansi-tokenize';
import xterm from '@xterm/headless';
import fc from 'fast-check';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {settled, styledRows} from '../helpers/screen-cells.js';

const inkBuild = dirname(createRequire(import.meta.url).resolve('ink'));

type Transformer = (line: string, index: number) => string;
type OutputInstance = {write: (x: number, y: number, text: string, options: {transformers: Transformer[]}) => void; get: () => {output: string; height: number}};
type OutputClass = new (options: {width: number; height: number}) => OutputInstance;
type LogUpdate = {create: (stream: unknown, options: {incremental: boolean; showCursor?: boolean}) => (text: string) => boolean};

const Output = ((await import(pathToFileURL(join(inkBuild, 'output.js')).href)) as {default: OutputClass}).default;
const logUpdate = ((await import(pathToFileURL(join(inkBuild, 'log-update.js')).href)) as {default: LogUpdate}).default;

/** Ink 6.8.0's Output.get() as published (without clipping, which the explorer does not use): every row from its cells. */
function referenceOutput(width: number, height: number, writes: Array<{x: number; y: number; text: string; transformers: Transformer[]}>): string {
	const output = Array.from({length: height}, () =>
		Array.from({length: width}, () => ({type: 'char' as const, value: ' ', fullWidth: false, styles: [] as ReturnType<typeof styledCharsFromTokens>[number]['styles']})),
	);
	for (const {x, y, text, transformers} of writes) {
		let offsetY = 0;
		for (let [index, line] of text.split('\n').entries()) {
			const currentLine = output[y + offsetY];
			if (!currentLine) continue;
			for (const transformer of transformers) line = transformer(line, index);
			let offsetX = x;
			for (const character of styledCharsFromTokens(tokenize(line))) {
				currentLine[offsetX] = character;
				const characterWidth = Math.max(1, stringWidth(character.value));
				for (let extra = 1; extra < characterWidth; extra++) currentLine[offsetX + extra] = {type: 'char', value: '', fullWidth: false, styles: character.styles};
				offsetX += characterWidth;
			}
			offsetY++;
		}
	}
	return output.map((line) => styledCharsToString(line.filter((item) => item !== undefined)).trimEnd()).join('\n');
}

const styles = [
	['', ''],
	['\u001B[7m', '\u001B[27m'],
	['\u001B[1m', '\u001B[22m'],
	['\u001B[2m', '\u001B[22m'],
	['\u001B[36m', '\u001B[39m'],
] as const;
// Characters whose width string-width and xterm agree on: ASCII, the explorer's marks, a wide CJK character.
const character = fc.constantFrom('a', 'b', 'c', 'X', ' ', ' ', '-', '›', '…', '→', 'é', '中');
const segment = fc.record({text: fc.array(character, {maxLength: 8}).map((characters) => characters.join('')), style: fc.constantFrom(...styles)});
const styledText = (width: number) =>
	fc.array(segment, {maxLength: 5}).map((segments) => {
		let text = '';
		let used = 0;
		for (const {text: part, style} of segments) {
			let fitting = '';
			for (const each of part) {
				if (used + stringWidth(each) > width) break;
				fitting += each;
				used += stringWidth(each);
			}
			if (fitting) text += style[0] + fitting + style[1];
		}
		return text;
	});

describe("Ink's Output, patched to reuse rows", () => {
	it('builds every frame exactly as unpatched Ink, whatever earlier frames it drew', () => {
		const width = 20;
		const height = 5;
		const bold: Transformer = (line) => `\u001B[1m${line}\u001B[22m`;
		const write = fc.record({
			x: fc.integer({min: 0, max: 12}),
			y: fc.integer({min: -1, max: 5}),
			text: fc.array(styledText(10), {minLength: 1, maxLength: 2}).map((lines) => lines.join('\n')),
			transformers: fc.constantFrom<Transformer[]>([], [bold]),
		});
		// Frames share rows (few distinct texts), so later frames hit rows cached by earlier ones.
		const frames = fc.array(fc.array(write, {maxLength: 6}), {minLength: 1, maxLength: 6});
		fc.assert(
			fc.property(frames, (sequence) => {
				for (const writes of sequence) {
					const output = new Output({width, height});
					for (const {x, y, text, transformers} of writes) output.write(x, y, text, {transformers});
					expect(output.get().output).toBe(referenceOutput(width, height, writes));
				}
			}),
			{numRuns: 300},
		);
	});
});

describe("Ink's incremental renderer, patched to send only changed cells", () => {
	const columns = 40;
	const rows = 10;
	const newTerminal = () => new xterm.Terminal({cols: columns, rows, allowProposedApi: true, convertEol: true, scrollback: 0});

	async function freshScreen(frame: string): Promise<string[]> {
		const terminal = newTerminal();
		terminal.write(frame);
		await settled(terminal);
		const screen = styledRows(terminal);
		terminal.dispose();
		return screen;
	}

	/** Ink's incremental renderer writing into `terminal`, keeping what it sent since the last `clear()`. */
	function recordingRenderer(terminal: ReturnType<typeof newTerminal>) {
		let written = '';
		const stream = {
			isTTY: true,
			columns,
			rows,
			write(text: string) {
				written += text;
				terminal.write(text);
				return true;
			},
		};
		const render = logUpdate.create(stream, {incremental: true, showCursor: true});
		const clear = () => {
			written = '';
		};
		return {render, written: () => written, clear};
	}

	async function checkSequence(frames: string[]): Promise<void> {
		const terminal = newTerminal();
		const {render, written} = recordingRenderer(terminal);
		try {
			for (const [index, frame] of frames.entries()) {
				render(frame);
				await settled(terminal);
				const expected = await freshScreen(frame);
				expect(styledRows(terminal), `after frame ${index + 1} of ${frames.length}; sent ${JSON.stringify(written())}`).toEqual(expected);
			}
		} finally {
			terminal.dispose();
		}
	}

	it('leaves the screen as a full redraw of the last frame, over any sequence of frames', async () => {
		// Up to rows−1 lines and a trailing newline, as the explorer's frames are.
		const frame = fc.array(styledText(columns), {minLength: 1, maxLength: rows - 1}).map((lines) => `${lines.join('\n')}\n`);
		await fc.assert(
			fc.asyncProperty(fc.array(frame, {minLength: 1, maxLength: 6}), (frames) => checkSequence(frames)),
			{numRuns: 150},
		);
	});

	it('does so for frames that differ in a few cells, the case it optimises', async () => {
		const base = fc.array(styledText(columns), {minLength: rows - 1, maxLength: rows - 1});
		const edit = fc.record({line: fc.nat({max: rows - 2}), text: styledText(columns)});
		const sequence = fc.tuple(base, fc.array(edit, {minLength: 1, maxLength: 8})).map(([lines, edits]) => {
			const frames = [`${lines.join('\n')}\n`];
			const current = [...lines];
			for (const {line, text} of edits) {
				current[line] = text;
				frames.push(`${current.join('\n')}\n`);
			}
			return frames;
		});
		await fc.assert(
			fc.asyncProperty(sequence, (frames) => checkSequence(frames)),
			{numRuns: 150},
		);
	});

	it('moves the cursor row of a list with a few bytes: the marker and first column of two rows, and the counter', async () => {
		const rowText = (name: string, selected: boolean) => (selected ? `\u001B[7m› ${name.padEnd(10)}\u001B[27m Always  [${name}]` : `  ${name.padEnd(10)} Always  [${name}]`);
		const names = ['mail', 'manager', 'mobile', 'givenName', 'surname'];
		const frame = (cursor: number) => `\u001B[1mMappings   ${cursor + 1}/5\u001B[22m\n${names.map((name, index) => rowText(name, index === cursor)).join('\n')}\nfooter\n`;
		const terminal = newTerminal();
		const {render, written, clear} = recordingRenderer(terminal);
		render(frame(0));
		clear();
		render(frame(1));
		await settled(terminal);
		expect(styledRows(terminal)).toEqual(await freshScreen(frame(1)));
		// The counter digit, then the two rows' first 12 cells; nothing of "Always  [mail]" is sent again.
		expect(written()).not.toContain('Always');
		expect(written().length).toBeLessThan(70);
		terminal.dispose();
	});
});
