/**
 * Turns Ink's input events into single key presses, in order, fixing two things that go wrong
 * over SSH: a run of typed-ahead characters arrives as one event ("jj\r"), and an arrow key's escape
 * sequence split across reads arrives as Esc followed by the text "[B".
 */
import type {KeyPress} from './keymap.js';

/** How long a lone Esc waits for the rest of a split sequence (gemini-cli uses the same 50 ms). */
export const escapeTimeoutMs = 50;

const splitSequences: Record<string, Partial<KeyPress>> = {
	'[A': {upArrow: true},
	'[B': {downArrow: true},
	'[C': {rightArrow: true},
	'[D': {leftArrow: true},
	OA: {upArrow: true},
	OB: {downArrow: true},
	OC: {rightArrow: true},
	OD: {leftArrow: true},
	'[5~': {pageUp: true},
	'[6~': {pageDown: true},
	'[H': {home: true},
	'[F': {end: true},
	'[1~': {home: true},
	'[4~': {end: true},
	'[7~': {home: true},
	'[8~': {end: true},
	OH: {home: true},
	OF: {end: true},
};

const special: ReadonlyArray<keyof KeyPress> = [
	'upArrow',
	'downArrow',
	'leftArrow',
	'rightArrow',
	'pageUp',
	'pageDown',
	'home',
	'end',
	'return',
	'escape',
	'tab',
	'backspace',
	'delete',
];

function isSpecial(press: KeyPress): boolean {
	return special.some((name) => press[name] === true);
}

/** One key press per character of a text run. */
export function splitTextRun(text: string): KeyPress[] {
	const presses: KeyPress[] = [];
	for (const character of text) {
		const code = character.codePointAt(0)!;
		if (character === '\r' || character === '\n') presses.push({input: '', return: true});
		else if (code === 0x7f || code === 0x08) presses.push({input: '', delete: true});
		else if (character === '\t') presses.push({input: '', tab: true});
		else if (code < 0x20) presses.push({input: String.fromCharCode(code + 0x60), ctrl: true});
		else presses.push({input: character});
	}
	return presses;
}

/** What the decoder hands on: a key press, or a bracketed paste as one piece of text. */
export type Decoded = KeyPress & {paste?: string};

/** Bracketed paste (DEC mode 2004): the terminal wraps pasted text in ESC[200~ … ESC[201~; Ink hands the markers on as "[200~". */
const pasteStart = '[200~';
const pasteEnd = '[201~';

export class KeyDecoder {
	private pendingEscape = false;
	private pasted: string | undefined;

	/** Presses ready to apply now; a lone Esc is held until `flushEscape` or the next event. */
	feed(press: KeyPress): Decoded[] {
		if (this.pasted !== undefined) {
			if (press.input === pasteEnd || press.input.endsWith(`\x1b${pasteEnd}`)) {
				const text = this.pasted + (press.input === pasteEnd ? '' : press.input.slice(0, -pasteEnd.length - 1));
				this.pasted = undefined;
				return [{input: '', paste: text}];
			}
			this.pasted += press.return ? '\n' : press.tab ? '\t' : press.input;
			return [];
		}
		if (press.input === pasteStart || press.input.startsWith(pasteStart)) {
			this.pendingEscape = false;
			this.pasted = press.input.slice(pasteStart.length);
			return [];
		}
		const out: Decoded[] = [];
		if (this.pendingEscape) {
			this.pendingEscape = false;
			const completed = !isSpecial(press) ? splitSequences[press.input] : undefined;
			if (completed) return [{input: '', ...completed}];
			out.push({input: '', escape: true});
		}
		if (press.escape && !press.input) {
			this.pendingEscape = true;
			return out;
		}
		if (!isSpecial(press) && !press.ctrl && press.input.length > 1) {
			out.push(...splitTextRun(press.input));
			return out;
		}
		out.push(press);
		return out;
	}

	/** Called when no byte followed a lone Esc in time: it really was Esc. */
	flushEscape(): KeyPress[] {
		if (!this.pendingEscape) return [];
		this.pendingEscape = false;
		return [{input: '', escape: true}];
	}

	get hasPendingEscape(): boolean {
		return this.pendingEscape;
	}
}
