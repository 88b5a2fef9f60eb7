/**
 * Modal inputs — a one-line text prompt (with suggestions), a choice list and a yes/no confirm —
 * as pure state driven by the same reducer, so typed-ahead keys land in the modal in order too.
 */
import type {SchemaBytes} from '../explorer/services.js';
import {choiceCommands, confirmCommands, type KeyPress, matchCommand, menuCommands, noticeCommands, rowNoticeCommands, textFieldCommands} from './keymap.js';
import {filterRows, initialList, type ListState, moveList, type Row} from './list.js';
import type {LoopPurpose} from './loop.js';
import {type OpenCompletion, openCompletion, type PlaceName} from './open-completion.js';

/** What submitting a modal means; interpreted by the explorer reducer. */
/** The mapping a source is being chosen for: an existing one, or one being added. */
export type SourceTarget = {kind: 'existing'; pointer: string} | {kind: 'new'; objectMappingPointer: string; targetAttributeName: string};

export type ModalPurpose =
	| {kind: 'source-kind'; target: SourceTarget}
	| {kind: 'source-value'; target: SourceTarget; sourceKind: 'Attribute' | 'Constant' | 'Expression'}
	| {kind: 'default-value'; pointer: string}
	| {kind: 'flow-type'; pointer: string}
	| {kind: 'flow-behavior'; pointer: string}
	| {kind: 'matching-priority'; pointer: string}
	| {kind: 'add-target'; objectMappingPointer: string}
	| {kind: 'remove-mapping'; pointer: string}
	| {kind: 'clause-attribute'; objectMappingPointer: string; clausePointer?: string; set: 'groups' | 'inputFilterGroups' | 'categoryFilterGroups'; groupIndex: number | 'new'}
	| {kind: 'clause-operator'; draft: ClauseDraft}
	/** The values as a list (choice): each value, add, done. */
	| {kind: 'clause-values'; draft: ClauseDraft; values: readonly string[]}
	/** One value typed on its own line: `index` of the value, or 'new'. */
	| {kind: 'clause-value'; draft: ClauseDraft; values: readonly string[]; index: number | 'new'}
	| {kind: 'remove-clause'; clausePointer: string}
	| {kind: 'save-patch'}
	| {kind: 'import-file'}
	| {kind: 'command'}
	| {kind: 'discard-and-quit'}
	| {kind: 'discard-and-leave'}
	| {kind: 'editor-result'; pointer: string}
	| {kind: 'replace-export'; path: string; bytes: SchemaBytes}
	| LoopPurpose
	| {kind: 'test-value'; frameId: number; field: string; value: number | 'add'}
	| {kind: 'case-file'; frameId: number}
	| {kind: 'test-subject'; frameId: number};

export type ClauseDraft = {
	objectMappingPointer: string;
	clausePointer?: string;
	set: 'groups' | 'inputFilterGroups' | 'categoryFilterGroups';
	groupIndex: number | 'new';
	attribute: string;
	operator?: string;
};

export type PromptModal = {
	kind: 'prompt';
	title: string;
	hint?: string;
	value: string;
	/** Where the cursor is in `value` (a string index); undefined: at the end. */
	cursor?: number;
	/** Completions offered for the word before the cursor. */
	suggestions?: readonly string[];
	/** The command line's `:open` names, completed one part of APP/JOB/… at a time (open-completion.ts). */
	places?: readonly PlaceName[];
	/** While Tab cycles: the word's start, the candidates and which one is in the value now. */
	completion?: {start: number; candidates: readonly string[]; index: number};
	error?: string;
	purpose: ModalPurpose;
};

export type ChoiceModal = {
	kind: 'choice';
	title: string;
	/** Lines under the title (e.g. the defaults a new mapping gets). */
	hint?: string;
	/** Why the last choice was refused; the choice stays open. */
	error?: string;
	options: readonly Row[];
	list: ListState;
	purpose: ModalPurpose;
	/**
	 * A short fixed menu (source type, flowType, flowBehavior, restart scope): drawn and driven by ink-select-input
	 * once it is on screen (menu.tsx), by `menuKey` below for keys that arrive before; no narrowing by typing.
	 */
	menu?: true;
};

export type ConfirmModal = {kind: 'confirm'; title: string; lines: readonly string[]; purpose: ModalPurpose};

/** Something the user must read (a long error): stays until dismissed. */
export type NoticeModal = {
	kind: 'notice';
	title: string;
	lines: readonly string[];
	/** Paths to copy: each on its own line after the first line of text, never word-wrapped or cut. */
	paths?: readonly string[];
	purpose: {kind: 'notice'};
	/** A row shown in full (screens' `rowInFull`): Enter carries out the row's own Enter action, said in these words. */
	enterOpensRow?: string;
};

export type Modal = PromptModal | ChoiceModal | ConfirmModal | NoticeModal;

export type ModalOutcome =
	| {type: 'update'; modal: Modal}
	| {type: 'cancel'}
	| {type: 'submit'; modal: Modal; value: string}
	| {type: 'ignore'};

/** A choice among `values`; `notes` adds a word beside some of them (e.g. "already mapped"). */
export function choiceModal(title: string, values: readonly string[], purpose: ModalPurpose, selected?: string, notes?: ReadonlyMap<string, string>): ChoiceModal {
	const options = values.map((value, index) => {
		const note = notes?.get(value);
		return {key: `${index}:${value}`, index, cells: note ? [value, note] : [value], search: value.toLowerCase()};
	});
	const cursor = Math.max(0, selected === undefined ? 0 : values.indexOf(selected));
	return {kind: 'choice', title, options, list: {...initialList, cursor}, purpose};
}

/** A short fixed menu: the same choice, without narrowing; ↑/k ↓/j wrap around and 1–9 choose, as ink-select-input does. */
export function menuModal(title: string, values: readonly string[], purpose: ModalPurpose, selected?: string, notes?: ReadonlyMap<string, string>): ChoiceModal {
	return {...choiceModal(title, values, purpose, selected, notes), menu: true};
}

/** What the menu component reports: an item highlighted, or chosen (by its index in `options`). */
export type MenuEvent = {type: 'menuHighlight'; index: number} | {type: 'menuPick'; index: number};

export function menuEvent(modal: ChoiceModal, event: MenuEvent): ModalOutcome {
	const option = modal.options[event.index];
	if (!option) return {type: 'ignore'};
	const moved = {...modal, error: event.type === 'menuHighlight' ? modal.error : undefined, list: {...modal.list, cursor: event.index}};
	return event.type === 'menuPick' ? {type: 'submit', modal: moved, value: option.cells[0] ?? ''} : {type: 'update', modal: moved};
}

/**
 * Keys for a menu that arrive before ink-select-input is on screen (typed ahead in the read that opened it): the
 * same meaning its handler gives them, so ↓ Enter typed ahead picks what it would pick.
 */
function menuKey(modal: ChoiceModal, press: KeyPress): ModalOutcome {
	const count = modal.options.length;
	switch (matchCommand(press, menuCommands, 'menu')) {
		case 'cancel':
			return {type: 'cancel'};
		case 'submit':
			return menuEvent(modal, {type: 'menuPick', index: modal.list.cursor});
		case 'up':
			return menuEvent(modal, {type: 'menuHighlight', index: (modal.list.cursor + count - 1) % count});
		case 'down':
			return menuEvent(modal, {type: 'menuHighlight', index: (modal.list.cursor + 1) % count});
		case 'pick':
			return menuEvent(modal, {type: 'menuPick', index: Number(press.input) - 1});
		default:
			return {type: 'ignore'};
	}
}

/** The part of a prompt's value that completion works on: the word that ends at the cursor. */
export function currentWord(value: string, cursor = value.length): {start: number; word: string} {
	const match = /[\w:.\-$@]*$/.exec(value.slice(0, cursor));
	const word = match?.[0] ?? '';
	return {start: cursor - word.length, word};
}

export function cursorOf(modal: PromptModal): number {
	return Math.max(0, Math.min(modal.value.length, modal.cursor ?? modal.value.length));
}

/** Text typed or pasted into a prompt at the cursor; control characters (and line breaks) become spaces. */
export function insertText(modal: PromptModal, text: string): PromptModal {
	const safe = text.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ');
	const cursor = cursorOf(modal);
	return {...modal, value: modal.value.slice(0, cursor) + safe + modal.value.slice(cursor), cursor: cursor + safe.length, error: undefined, completion: undefined};
}

function edited(modal: PromptModal, value: string, cursor: number): PromptModal {
	return {...modal, value, cursor, error: undefined, completion: undefined};
}

/** The start of the word before `cursor` (Ctrl+W deletes back to it, like a shell). */
function wordStart(value: string, cursor: number): number {
	let index = cursor;
	while (index > 0 && /\s/.test(value[index - 1]!)) index--;
	while (index > 0 && !/\s/.test(value[index - 1]!)) index--;
	return index;
}

/** The part of `:open APP/JOB/…` before the cursor and its completions, when the prompt is such a command line. */
function openPart(modal: PromptModal): OpenCompletion | undefined {
	return modal.places ? openCompletion(modal.value, cursorOf(modal), modal.places) : undefined;
}

export function matchingSuggestions(modal: PromptModal, limit = 8): string[] {
	if (modal.completion) return [...modal.completion.candidates].slice(0, limit);
	const open = openPart(modal);
	if (open) return open.candidates.filter((candidate) => candidate !== open.word).slice(0, limit);
	if (!modal.suggestions || modal.suggestions.length === 0) return [];
	const {word} = currentWord(modal.value, cursorOf(modal));
	if (!word) return [];
	const lower = word.toLowerCase();
	const result: string[] = [];
	for (const suggestion of modal.suggestions) {
		if (suggestion.toLowerCase().startsWith(lower) && suggestion !== word) {
			result.push(suggestion);
			if (result.length >= limit) break;
		}
	}
	return result;
}

/**
 * Tab completes the word before the cursor: the first press puts in the first candidate and lists them all, each
 * further press (Shift+Tab: back) puts in the next one in its place.
 */
function complete(modal: PromptModal, backwards: boolean): PromptModal | undefined {
	const cursor = cursorOf(modal);
	if (modal.completion) {
		const {start, candidates, index} = modal.completion;
		const next = (index + (backwards ? candidates.length - 1 : 1)) % candidates.length;
		const current = candidates[index]!;
		const value = modal.value.slice(0, start) + candidates[next]! + modal.value.slice(start + current.length);
		return {...modal, value, cursor: start + candidates[next]!.length, completion: {start, candidates, index: next}};
	}
	const open = openPart(modal);
	const candidates = open ? open.candidates : matchingSuggestions(modal, 50);
	if (candidates.length === 0) return undefined;
	const {start, word} = open ?? currentWord(modal.value, cursor);
	const value = modal.value.slice(0, start) + candidates[0]! + modal.value.slice(start + word.length);
	return {...modal, value, cursor: start + candidates[0]!.length, error: undefined, completion: candidates.length > 1 ? {start, candidates, index: 0} : undefined};
}

function promptKey(modal: PromptModal, press: KeyPress): ModalOutcome {
	const command = matchCommand(press, textFieldCommands, 'text');
	const cursor = cursorOf(modal);
	const {value} = modal;
	switch (command) {
		case 'cancel':
			return {type: 'cancel'};
		case 'submit':
			return {type: 'submit', modal, value};
		case 'complete': {
			const completed = complete(modal, Boolean(press.shift));
			return completed ? {type: 'update', modal: completed} : {type: 'ignore'};
		}
		case 'cursorLeft':
			return {type: 'update', modal: {...modal, cursor: Math.max(0, cursor - 1), completion: undefined}};
		case 'cursorRight':
			return {type: 'update', modal: {...modal, cursor: Math.min(value.length, cursor + 1), completion: undefined}};
		case 'lineStart':
			return {type: 'update', modal: {...modal, cursor: 0, completion: undefined}};
		case 'lineEnd':
			return {type: 'update', modal: {...modal, cursor: value.length, completion: undefined}};
		case 'deleteBack':
			return cursor === 0 ? {type: 'ignore'} : {type: 'update', modal: edited(modal, value.slice(0, cursor - 1) + value.slice(cursor), cursor - 1)};
		case 'deleteWord': {
			const start = wordStart(value, cursor);
			return {type: 'update', modal: edited(modal, value.slice(0, start) + value.slice(cursor), start)};
		}
		case 'deleteLine':
			return {type: 'update', modal: edited(modal, value.slice(cursor), 0)};
		default:
			if (press.ctrl || press.meta || !press.input) return {type: 'ignore'};
			return {type: 'update', modal: insertText(modal, press.input)};
	}
}

function choiceKey(modal: ChoiceModal, press: KeyPress, viewportRows: number): ModalOutcome {
	const rows = filterRows(modal.options, modal.list.filter);
	const command = matchCommand(press, choiceCommands, 'choice');
	switch (command) {
		case 'cancel':
			if (modal.list.filter) return {type: 'update', modal: {...modal, error: undefined, list: {...modal.list, filter: '', cursor: 0, offset: 0}}};
			return {type: 'cancel'};
		case 'submit': {
			const row = rows[modal.list.cursor];
			return row ? {type: 'submit', modal, value: row.cells[0] ?? ''} : {type: 'ignore'};
		}
		case 'deleteBack':
			return {type: 'update', modal: {...modal, error: undefined, list: {...modal.list, filter: modal.list.filter.slice(0, -1), cursor: 0, offset: 0}}};
		case 'up':
		case 'down':
		case 'pageUp':
		case 'pageDown':
		case 'home':
		case 'end':
			return {type: 'update', modal: {...modal, list: moveList(modal.list, command, rows.length, viewportRows)}};
	}
	// Typing narrows the choices at once: long lists (attribute names) are found by name.
	if (press.input && !press.ctrl && !press.meta) {
		const typed = press.input.replace(/[\x00-\x1f\x7f-\x9f]/g, '');
		return {type: 'update', modal: {...modal, error: undefined, list: {...modal.list, filter: modal.list.filter + typed, cursor: 0, offset: 0}}};
	}
	return {type: 'ignore'};
}

export function modalKey(modal: Modal, press: KeyPress, viewportRows: number): ModalOutcome {
	switch (modal.kind) {
		case 'prompt':
			return promptKey(modal, press);
		case 'choice':
			return modal.menu ? menuKey(modal, press) : choiceKey(modal, press, viewportRows);
		case 'notice': {
			const command = matchCommand(press, modal.enterOpensRow ? rowNoticeCommands : noticeCommands, 'notice');
			if (command === 'open') return {type: 'submit', modal, value: ''};
			return command === 'close' || command === 'back' ? {type: 'cancel'} : {type: 'ignore'};
		}
		case 'confirm':
			switch (matchCommand(press, confirmCommands, 'confirm')) {
				case 'yes':
					return {type: 'submit', modal, value: 'yes'};
				case 'no':
					return {type: 'cancel'};
				default:
					return {type: 'ignore'};
			}
	}
}
