/**
 * The working copy: the live schema plus the user's pending edits, applied in place to one private copy.
 * The live document is never changed. Applying an edit costs as much as the edit; undoing the last edit replays
 * its undo log; undoing an earlier edit unwinds to it and re-applies the later ones (their guards decide).
 */
import type {Operation} from 'fast-json-patch';
import {UserError} from '../errors.js';
import {checkNesting, decodeSchemaBytes, lineAndColumn, locateJsonSyntaxError} from '../schema/load.js';
import {resolvePointer} from '../schema/pointer.js';
import {escapeJsonControls} from '../schema/sanitize.js';
import {storedTreeMismatch} from '../schema/stored-tree.js';
import type {AttributeMappingSource, SynchronizationSchema} from '../schema/types.js';
import {type Edit, type EditDraft, summarizeOperation} from './builders.js';
import {cloneJson, isPlainObject, jsonEqual} from './json.js';
import {applyInPlace, type PatchTarget, rollback, type UndoLog} from './patch.js';
import {resolveOperationSelectors} from './selectors.js';

type Entry = {edit: Edit; undo: UndoLog};

export class WorkingCopy {
	private liveDocument: SynchronizationSchema;
	private version: string | null | undefined;
	/** Created on the first edit: until then the document is the live one. */
	private target: PatchTarget | undefined;
	private entries: Entry[] = [];
	private nextId = 1;
	private cachedEdits: readonly Edit[] | undefined;
	private changeCount = 0;

	constructor(live: SynchronizationSchema, options: {baseVersion?: string | null} = {}) {
		this.liveDocument = live;
		this.version = Object.hasOwn(options, 'baseVersion') ? options.baseVersion : typeof live.version === 'string' ? live.version : null;
	}

	/** The schema as loaded (or as of the last rebase); never changed by edits. */
	get live(): SynchronizationSchema {
		return this.liveDocument;
	}

	/** The `version` the pending edits were made on. */
	get baseVersion(): string | null | undefined {
		return this.version;
	}

	/**
	 * Live + all edits. The same object is changed in place by later edits and undos: do not change it yourself,
	 * and use `revision` (or rebuild derived views) to notice changes.
	 */
	get document(): SynchronizationSchema {
		return (this.target?.document ?? this.liveDocument) as SynchronizationSchema;
	}

	/** Grows by one with every apply, undo, loadPatch and rebase. */
	get revision(): number {
		return this.changeCount;
	}

	get edits(): readonly Edit[] {
		this.cachedEdits ??= Object.freeze(this.entries.map((entry) => entry.edit));
		return this.cachedEdits;
	}

	/** All edits' operations in order: the pending JSON Patch. */
	get operations(): Operation[] {
		return this.entries.flatMap((entry) => entry.edit.operations);
	}

	/** Whether there are pending edits (they may still cancel out: the plan compares by meaning). */
	get hasChanges(): boolean {
		return this.entries.length > 0;
	}

	private ensureTarget(): PatchTarget {
		this.target ??= {document: structuredClone(this.liveDocument)};
		return this.target;
	}

	private changed(): void {
		this.cachedEdits = undefined;
		this.changeCount++;
	}

	/** Applies a builder's edit. On failure (GuardFailedError, UserError) nothing changes. */
	apply(draft: EditDraft): Edit {
		const target = this.ensureTarget();
		const undo = applyInPlace(target, draft.operations);
		const edit: Edit = {id: this.nextId++, summary: draft.summary, kind: draft.kind, pointer: draft.pointer, operations: draft.operations};
		this.entries.push({edit, undo});
		this.changed();
		return edit;
	}

	/**
	 * Undoes the last edit, or the edit with this id. An earlier edit is undone by unwinding to it and re-applying
	 * the later ones; if a later edit no longer applies without it (it depends on it), nothing changes and a
	 * UserError says which edit to undo first.
	 */
	undo(id?: number): void {
		if (this.entries.length === 0) throw new UserError('There is nothing to undo.');
		const position = id === undefined ? this.entries.length - 1 : this.entries.findIndex((entry) => entry.edit.id === id);
		if (position < 0) throw new UserError(`There is no pending edit ${id}; it may already have been undone.`);
		const target = this.ensureTarget();
		const later = this.entries.slice(position + 1);
		for (let i = this.entries.length - 1; i >= position; i--) rollback(this.entries[i]!.undo);
		const reapplied: Entry[] = [];
		for (const entry of later) {
			try {
				reapplied.push({edit: entry.edit, undo: applyInPlace(target, entry.edit.operations)});
			} catch (error) {
				// Put everything back as it was: unwind what was re-applied, then replay the original sequence.
				for (let i = reapplied.length - 1; i >= 0; i--) rollback(reapplied[i]!.undo);
				for (const original of this.entries.slice(position)) original.undo = applyInPlace(target, original.edit.operations);
				const undone = this.entries[position]!.edit;
				const reason = error instanceof Error ? error.message : String(error);
				throw new UserError(`Cannot undo "${undone.summary}" on its own: the later edit "${entry.edit.summary}" depends on it (${reason.replace(/\.$/, '')}). Undo that edit first.`);
			}
		}
		this.entries = [...this.entries.slice(0, position), ...reapplied];
		this.changed();
	}

	/**
	 * Loads a JSON Patch (e.g. from `--patch FILE`) as pending edits: each non-test operation with the `test`
	 * operations before it becomes one edit. `[key=value]` selectors are resolved (see selectors.ts). Guards are
	 * checked against the working document; all or nothing: a failure → GuardFailedError / UserError naming the
	 * operation (1-based in the message, 0-based in operationIndex), and nothing is loaded.
	 */
	loadPatch(operations: Operation[], origin: string): Edit[] {
		if (!Array.isArray(operations)) throw new UserError(`${origin}: a JSON Patch must be an array of operations.`);
		const target = this.ensureTarget();
		const groups: Array<{operations: Operation[]; undo: UndoLog; summary?: ReturnType<typeof summarizeOperation>}> = [];
		let current: {operations: Operation[]; undo: UndoLog; summary?: ReturnType<typeof summarizeOperation>} = {operations: [], undo: []};
		try {
			for (let index = 0; index < operations.length; index++) {
				const operation = operations[index]!;
				const prefix = `${origin}: operation ${index + 1} of ${operations.length}: `;
				const isChange = isPlainObject(operation) && operation.op !== 'test';
				// Resolve selectors first, so the words describe the document before the operation runs.
				const resolved =
					isPlainObject(operation) && typeof operation.path === 'string'
						? resolveOperationSelectors(target.document, operation, prefix.replace(/:\s*$/, ''))
						: [operation];
				const main = resolved.at(-1)!;
				const summary = isChange && typeof main.path === 'string' ? summarizeOperation(target.document as SynchronizationSchema, main) : undefined;
				const undo = applyInPlace(target, resolved, {operationIndex: index, prefix: () => prefix});
				current.operations.push(...resolved);
				current.undo.push(...undo);
				if (isChange) {
					current.summary = summary;
					groups.push(current);
					current = {operations: [], undo: []};
				}
			}
		} catch (error) {
			rollback(current.undo);
			for (let i = groups.length - 1; i >= 0; i--) rollback(groups[i]!.undo);
			throw error;
		}
		// Trailing tests belong to the last edit (or, in a patch of tests only, were just checks).
		if (current.operations.length > 0 && groups.length > 0) {
			groups.at(-1)!.operations.push(...current.operations);
			groups.at(-1)!.undo.push(...current.undo);
		}
		const edits = groups.map((group) => {
			const edit: Edit = {
				id: this.nextId++,
				summary: group.summary!.summary,
				kind: group.summary!.kind,
				pointer: group.summary!.pointer,
				operations: group.operations,
			};
			this.entries.push({edit, undo: group.undo});
			return edit;
		});
		if (edits.length > 0) this.changed();
		return edits;
	}

	/**
	 * Puts Graph's own parse trees (from parseExpression, by the pointer of the mapping, its source or its source
	 * expression) into the pending edits that wrote those sources, keeping the text as typed. The pending patch
	 * (`P`), the plan and the PUT then carry one and the same body. A source no single edit wrote as a whole (e.g.
	 * edited as JSON field by field) keeps its tree. Answers the mapping pointers whose source changed.
	 */
	adoptParsedSources(parsed: ReadonlyMap<string, AttributeMappingSource>): string[] {
		const adopted: string[] = [];
		const restore: Array<() => void> = [];
		for (const [pointer, tree] of parsed) {
			const mappingPointer = pointer.replace(/\/source(\/expression)?$/, '');
			const current = resolvePointer(this.document, `${mappingPointer}/source`);
			if (!isPlainObject(current) || typeof current.expression !== 'string') continue;
			// A tree that holds more than its text (edited as JSON to keep it) stays as the admin left it.
			if (storedTreeMismatch(current as AttributeMappingSource)) continue;
			const next = {...cloneJson(tree), expression: current.expression};
			if (jsonEqual(current, next)) continue;
			const writer = this.lastSourceWriter(mappingPointer, current);
			if (!writer) continue;
			const previous = writer.value;
			restore.push(() => writer.set(previous));
			writer.set(next);
			// A later edit's guard pins the source as the earlier edit left it.
			for (const entry of this.entries) {
				for (const operation of entry.edit.operations) {
					if (operation.op === 'test' && operation.path === `${mappingPointer}/source` && jsonEqual(operation.value, current)) {
						const pinned = operation.value;
						restore.push(() => {
							operation.value = pinned;
						});
						operation.value = cloneJson(next);
					}
				}
			}
			adopted.push(mappingPointer);
		}
		if (adopted.length === 0) return [];
		const {failed} = this.rebase(this.liveDocument, this.version);
		if (failed.length > 0) {
			for (const undo of restore.reverse()) undo();
			this.rebase(this.liveDocument, this.version);
			return [];
		}
		return adopted;
	}

	/** The last operation that wrote the mapping's source as a whole (its `source` or the whole mapping), with a setter. */
	private lastSourceWriter(mappingPointer: string, current: unknown): {value: unknown; set: (value: unknown) => void} | undefined {
		const appendPath = mappingPointer.replace(/\d+$/, '-');
		for (let index = this.entries.length - 1; index >= 0; index--) {
			const operations = this.entries[index]!.edit.operations;
			for (let position = operations.length - 1; position >= 0; position--) {
				const operation = operations[position]!;
				if (operation.op !== 'add' && operation.op !== 'replace') continue;
				if (operation.path === `${mappingPointer}/source` && jsonEqual(operation.value, current)) {
					return {value: operation.value, set: (value) => (operation.value = value)};
				}
				const target = resolvePointer(this.document, `${mappingPointer}/targetAttributeName`);
				const sameMapping = operation.path === mappingPointer || (operation.path === appendPath && isPlainObject(operation.value) && operation.value.targetAttributeName === target);
				if (sameMapping && isPlainObject(operation.value) && jsonEqual(operation.value.source, current)) {
					const mapping = operation.value;
					return {value: mapping.source, set: (value) => (operation.value = {...mapping, source: value})};
				}
			}
		}
		return undefined;
	}

	/**
	 * Re-applies the pending edits, in order, on a newer live schema (after someone else changed it). Each edit
	 * applies if its guards still hold; those that do not are dropped and reported. The working copy then stands
	 * on `newLive` with `newVersion` (default: its `version`).
	 */
	rebase(newLive: SynchronizationSchema, newVersion?: string | null): {applied: Edit[]; failed: Array<{edit: Edit; reason: string}>} {
		const target: PatchTarget = {document: structuredClone(newLive)};
		const kept: Entry[] = [];
		const failed: Array<{edit: Edit; reason: string}> = [];
		for (const entry of this.entries) {
			try {
				kept.push({edit: entry.edit, undo: applyInPlace(target, entry.edit.operations)});
			} catch (error) {
				if (!(error instanceof UserError)) throw error;
				failed.push({edit: entry.edit, reason: error.message});
			}
		}
		this.liveDocument = newLive;
		this.version = newVersion !== undefined ? newVersion : typeof newLive.version === 'string' ? newLive.version : null;
		this.target = target;
		this.entries = kept;
		this.changed();
		return {applied: kept.map((entry) => entry.edit), failed};
	}
}

/** A JSON Patch file's text: pretty JSON (2-space indent), C1 and BiDi controls as \\u escapes, a final newline. */
export function toPatchFile(operations: Operation[]): string {
	return `${escapeJsonControls(JSON.stringify(operations, null, 2))}\n`;
}

/**
 * Reads a JSON Patch file's bytes (UTF-8 with or without BOM, UTF-16 with BOM, like schema files) into
 * operations; a syntax error names the line and column. The operations' shape is checked when they are applied.
 */
export function parsePatchFile(bytes: Uint8Array, origin: string): Operation[] {
	let text: string;
	try {
		text = decodeSchemaBytes(bytes).text;
	} catch (error) {
		throw new UserError(`${origin}: ${error instanceof Error ? error.message : String(error)}`);
	}
	if (text.trim() === '') throw new UserError(`${origin}: the file is empty; a JSON Patch is an array of operations.`);
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		const located = locateJsonSyntaxError(text);
		if (located) {
			const {line, column} = lineAndColumn(text, located.offset);
			throw new UserError(`${origin}: not valid JSON at line ${line}, column ${column}: ${located.reason}`);
		}
		throw new UserError(`${origin}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
	}
	if (!Array.isArray(value)) {
		const hint = isPlainObject(value) && ('synchronizationRules' in value || 'directories' in value) ? ': this is a schema, not a patch (use import for a whole schema)' : '';
		throw new UserError(`${origin}: a JSON Patch must be an array of operations${hint}.`);
	}
	try {
		checkNesting(value, origin);
	} catch (error) {
		throw new UserError(error instanceof Error ? error.message : String(error));
	}
	return value as Operation[];
}

