/**
 * Modal inputs — a one-line text prompt (with suggestions), a choice list and a yes/no confirm —
 * as pure state driven by the same reducer, so typed-ahead keys land in the modal in order too.
 */
import type {KeyPress} from './keymap.js';
import {filterRows, initialList, type ListState, moveList, type Row} from './list.js';

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
	| {kind: 'editor-result'; pointer: string};

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
	/** Completions offered for the word being typed (Tab takes the first). */
	suggestions?: readonly string[];
	error?: string;
	purpose: ModalPurpose;
};

export type ChoiceModal = {
	kind: 'choice';
	title: string;
	options: readonly Row[];
	list: ListState;
	purpose: ModalPurpose;
};

export type ConfirmModal = {kind: 'confirm'; title: string; lines: readonly string[]; purpose: ModalPurpose};

/** Something the user must read (a long error): stays until dismissed. */
export type NoticeModal = {kind: 'notice'; title: string; lines: readonly string[]; purpose: {kind: 'notice'}};

export type Modal = PromptModal | ChoiceModal | ConfirmModal | NoticeModal;

export type ModalOutcome =
	| {type: 'update'; modal: Modal}
	| {type: 'cancel'}
	| {type: 'submit'; modal: Modal; value: string}
	| {type: 'ignore'};

export function choiceModal(title: string, values: readonly string[], purpose: ModalPurpose, selected?: string): ChoiceModal {
	const options = values.map((value, index) => ({key: `${index}:${value}`, index, cells: [value], search: value.toLowerCase()}));
	const cursor = Math.max(0, selected === undefined ? 0 : values.indexOf(selected));
	return {kind: 'choice', title, options, list: {...initialList, cursor}, purpose};
}

/** The part of a prompt's value that completion works on: the text after the last delimiter. */
export function currentWord(value: string): {start: number; word: string} {
	const match = /[\w:.\-$@]*$/.exec(value);
	const word = match?.[0] ?? '';
	return {start: value.length - word.length, word};
}

export function matchingSuggestions(modal: PromptModal, limit = 8): string[] {
	if (!modal.suggestions || modal.suggestions.length === 0) return [];
	const {word} = currentWord(modal.value);
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

function promptKey(modal: PromptModal, press: KeyPress): ModalOutcome {
	if (press.escape) return {type: 'cancel'};
	if (press.return) return {type: 'submit', modal, value: modal.value};
	if (press.backspace || press.delete) return {type: 'update', modal: {...modal, value: modal.value.slice(0, -1), error: undefined}};
	if (press.tab) {
		const [first] = matchingSuggestions(modal, 1);
		if (!first) return {type: 'ignore'};
		const {start} = currentWord(modal.value);
		return {type: 'update', modal: {...modal, value: modal.value.slice(0, start) + first, error: undefined}};
	}
	if (press.ctrl && press.input === 'u') return {type: 'update', modal: {...modal, value: '', error: undefined}};
	if (press.ctrl || press.meta || !press.input) return {type: 'ignore'};
	return {type: 'update', modal: {...modal, value: modal.value + press.input.replace(/[\x00-\x1f\x7f]/g, ''), error: undefined}};
}

function choiceKey(modal: ChoiceModal, press: KeyPress, viewportRows: number): ModalOutcome {
	if (press.escape) {
		if (modal.list.filter) return {type: 'update', modal: {...modal, list: {...modal.list, filter: '', cursor: 0, offset: 0}}};
		return {type: 'cancel'};
	}
	const rows = filterRows(modal.options, modal.list.filter);
	if (press.return) {
		const row = rows[modal.list.cursor];
		return row ? {type: 'submit', modal, value: row.cells[0] ?? ''} : {type: 'ignore'};
	}
	const move = press.upArrow
		? 'up'
		: press.downArrow
			? 'down'
			: press.pageUp
				? 'pageUp'
				: press.pageDown
					? 'pageDown'
					: press.home
						? 'home'
						: press.end
							? 'end'
							: undefined;
	if (move) return {type: 'update', modal: {...modal, list: moveList(modal.list, move, rows.length, viewportRows)}};
	if (press.backspace || press.delete) {
		return {type: 'update', modal: {...modal, list: {...modal.list, filter: modal.list.filter.slice(0, -1), cursor: 0, offset: 0}}};
	}
	// Typing narrows the choices at once: long lists (attribute names) are found by name.
	if (press.input && !press.ctrl && !press.meta) {
		return {type: 'update', modal: {...modal, list: {...modal.list, filter: modal.list.filter + press.input, cursor: 0, offset: 0}}};
	}
	return {type: 'ignore'};
}

export function modalKey(modal: Modal, press: KeyPress, viewportRows: number): ModalOutcome {
	switch (modal.kind) {
		case 'prompt':
			return promptKey(modal, press);
		case 'choice':
			return choiceKey(modal, press, viewportRows);
		case 'notice':
			return press.return || press.escape || press.input === 'q' || press.input === ' ' ? {type: 'cancel'} : {type: 'ignore'};
		case 'confirm':
			if (press.input === 'y' || press.input === 'Y') return {type: 'submit', modal, value: 'yes'};
			if (press.input === 'n' || press.input === 'N' || press.escape) return {type: 'cancel'};
			return {type: 'ignore'};
	}
}
