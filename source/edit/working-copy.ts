/**
 * The working copy: the live schema plus the user's pending edits, as a persistent value. Every change returns a new
 * working copy and leaves this one as it was, so a pure update function can hold it, re-run, and compare versions.
 * Each edit keeps the document after it; applying copies only the containers on the changed paths (the rest is
 * shared), so undoing the last edit is a pop, and undoing an earlier edit re-applies the later ones (their guards
 * decide) on the document before it.
 */
import type {Operation} from 'fast-json-patch';
import {UserError} from '../errors.js';
import {checkNesting, decodeSchemaBytes, lineAndColumn, locateJsonSyntaxError} from '../schema/load.js';
import {resolvePointer} from '../schema/pointer.js';
import {escapeJsonControls} from '../terminal/sanitize.js';
import {storedTreeMismatch} from '../schema/stored-tree.js';
import type {AttributeMappingSource, SynchronizationSchema} from '../schema/types.js';
import {type Edit, type EditDraft, summarizeOperation} from './builders.js';
import {cloneJson, isPlainObject, jsonEqual} from './json.js';
import {applyCopying} from './patch.js';
import {resolveOperationSelectors} from './selectors.js';

type Entry = {readonly edit: Edit; readonly document: SynchronizationSchema};

type Fields = {live: SynchronizationSchema; version: string | null | undefined; entries: readonly Entry[]; nextId: number; revision: number};

export class WorkingCopy {
	private readonly fields: Fields;
	private cachedEdits: readonly Edit[] | undefined;

	constructor(live: SynchronizationSchema, options: {baseVersion?: string | null} = {}) {
		const version = Object.hasOwn(options, 'baseVersion') ? options.baseVersion : typeof live.version === 'string' ? live.version : null;
		this.fields = {live, version, entries: [], nextId: 1, revision: 0};
	}

	private with(changes: Partial<Fields>): WorkingCopy {
		const next = Object.create(WorkingCopy.prototype) as WorkingCopy;
		(next as unknown as {fields: Fields}).fields = {...this.fields, ...changes, revision: this.fields.revision + 1};
		return next;
	}

	/** The schema as loaded (or as of the last rebase); never changed by edits. */
	get live(): SynchronizationSchema {
		return this.fields.live;
	}

	/** The `version` the pending edits were made on. */
	get baseVersion(): string | null | undefined {
		return this.fields.version;
	}

	/** Live + all edits. Shares structure with the live document and earlier versions: never change it. */
	get document(): SynchronizationSchema {
		return this.fields.entries.at(-1)?.document ?? this.fields.live;
	}

	/** How many changes led to this version (apply, undo, loadPatch, rebase each count one). */
	get revision(): number {
		return this.fields.revision;
	}

	get edits(): readonly Edit[] {
		this.cachedEdits ??= Object.freeze(this.fields.entries.map((entry) => entry.edit));
		return this.cachedEdits;
	}

	/** The edit applied last, if any. */
	get lastEdit(): Edit | undefined {
		return this.fields.entries.at(-1)?.edit;
	}

	/** All edits' operations in order: the pending JSON Patch. */
	get operations(): Operation[] {
		return this.fields.entries.flatMap((entry) => entry.edit.operations);
	}

	/** Whether there are pending edits (they may still cancel out: the plan compares by meaning). */
	get hasChanges(): boolean {
		return this.fields.entries.length > 0;
	}

	/** This working copy with a builder's edit applied (see lastEdit). Throws GuardFailedError / UserError if it does not apply. */
	apply(draft: EditDraft): WorkingCopy {
		const document = applyCopying(this.document, draft.operations);
		const edit: Edit = {id: this.fields.nextId, summary: draft.summary, full: draft.full, kind: draft.kind, pointer: draft.pointer, operations: draft.operations};
		return this.with({entries: [...this.fields.entries, {edit, document}], nextId: this.fields.nextId + 1});
	}

	/**
	 * Without the last edit, or the edit with this id. An earlier edit is undone by re-applying the later ones on the
	 * document before it; if a later edit no longer applies without it (it depends on it), a UserError says which
	 * edit to undo first.
	 */
	undo(id?: number): WorkingCopy {
		const {entries} = this.fields;
		if (entries.length === 0) throw new UserError('There is nothing to undo.');
		const position = id === undefined ? entries.length - 1 : entries.findIndex((entry) => entry.edit.id === id);
		if (position < 0) throw new UserError(`There is no pending edit ${id}; it may already have been undone.`);
		const kept = entries.slice(0, position);
		let document = kept.at(-1)?.document ?? this.fields.live;
		for (const entry of entries.slice(position + 1)) {
			try {
				document = applyCopying(document, entry.edit.operations);
			} catch (error) {
				const undone = entries[position]!.edit;
				const reason = error instanceof Error ? error.message : String(error);
				throw new UserError(`Cannot undo "${undone.summary}" on its own: the later edit "${entry.edit.summary}" depends on it (${reason.replace(/\.$/, '')}). Undo that edit first.`);
			}
			kept.push({edit: entry.edit, document});
		}
		return this.with({entries: kept});
	}

	/**
	 * Loads a JSON Patch (e.g. from `--patch FILE`) as pending edits: each non-test operation with the `test`
	 * operations before it becomes one edit. `[key=value]` selectors are resolved (see selectors.ts). Guards are
	 * checked against the working document; all or nothing: a failure → GuardFailedError / UserError naming the
	 * operation (1-based in the message, 0-based in operationIndex), and nothing is loaded.
	 */
	loadPatch(operations: Operation[], origin: string): {working: WorkingCopy; edits: Edit[]} {
		if (!Array.isArray(operations)) throw new UserError(`${origin}: a JSON Patch must be an array of operations.`);
		let document = this.document;
		const groups: Array<{operations: Operation[]; document: SynchronizationSchema; summary?: ReturnType<typeof summarizeOperation>}> = [];
		let current: {operations: Operation[]; summary?: ReturnType<typeof summarizeOperation>} = {operations: []};
		for (let index = 0; index < operations.length; index++) {
			const operation = operations[index]!;
			const prefix = `${origin}: operation ${index + 1} of ${operations.length}: `;
			const isChange = isPlainObject(operation) && operation.op !== 'test';
			// Resolve selectors first, so the words describe the document before the operation runs.
			const resolved =
				isPlainObject(operation) && typeof operation.path === 'string' ? resolveOperationSelectors(document, operation, prefix.replace(/:\s*$/, '')) : [operation];
			const main = resolved.at(-1)!;
			const summary = isChange && typeof main.path === 'string' ? summarizeOperation(document, main) : undefined;
			document = applyCopying(document, resolved, {operationIndex: index, prefix: () => prefix});
			current.operations.push(...resolved);
			if (isChange) {
				groups.push({operations: current.operations, document, summary});
				current = {operations: []};
			}
		}
		// Trailing tests belong to the last edit (or, in a patch of tests only, were just checks).
		if (current.operations.length > 0 && groups.length > 0) groups.at(-1)!.operations.push(...current.operations);
		let nextId = this.fields.nextId;
		const added: Entry[] = groups.map((group) => ({
			edit: {id: nextId++, summary: group.summary!.summary, full: group.summary!.full, kind: group.summary!.kind, pointer: group.summary!.pointer, operations: group.operations},
			document: group.document,
		}));
		if (added.length === 0) return {working: this, edits: []};
		return {working: this.with({entries: [...this.fields.entries, ...added], nextId}), edits: added.map((entry) => entry.edit)};
	}

	/**
	 * Puts Graph's own parse trees (from parseExpression, by the pointer of the mapping, its source or its source
	 * expression) into the pending edits that wrote those sources, keeping the text as typed. The pending patch
	 * (`P`), the plan and the PUT then carry one and the same body. A source no single edit wrote as a whole (e.g.
	 * edited as JSON field by field) keeps its tree. Answers the new working copy and the mapping pointers whose
	 * source changed (none, and this working copy, when the edits would no longer apply).
	 */
	adoptParsedSources(parsed: ReadonlyMap<string, AttributeMappingSource>): {working: WorkingCopy; adopted: string[]} {
		// New edit objects (with their own operation lists): the edits of this version stay as they were.
		const edits: Edit[] = this.fields.entries.map((entry) => ({...entry.edit, operations: [...entry.edit.operations]}));
		const adopted: string[] = [];
		for (const [pointer, tree] of parsed) {
			const mappingPointer = pointer.replace(/\/source(\/expression)?$/, '');
			const current = resolvePointer(this.document, `${mappingPointer}/source`);
			if (!isPlainObject(current) || typeof current.expression !== 'string') continue;
			// A tree that holds more than its text (edited as JSON to keep it) stays as the admin left it.
			if (storedTreeMismatch(current as AttributeMappingSource)) continue;
			const next = {...cloneJson(tree), expression: current.expression};
			if (jsonEqual(current, next)) continue;
			if (!replaceLastSourceWriter(edits, this.document, mappingPointer, current, next)) continue;
			// A later edit's guard pins the source as the earlier edit left it.
			for (const edit of edits) {
				edit.operations = edit.operations.map((operation) =>
					operation.op === 'test' && operation.path === `${mappingPointer}/source` && jsonEqual(operation.value, current) ? {...operation, value: cloneJson(next)} : operation,
				);
			}
			adopted.push(mappingPointer);
		}
		if (adopted.length === 0) return {working: this, adopted: []};
		let document = this.fields.live;
		const entries: Entry[] = [];
		for (const edit of edits) {
			try {
				document = applyCopying(document, edit.operations);
			} catch {
				return {working: this, adopted: []};
			}
			entries.push({edit, document});
		}
		return {working: this.with({entries}), adopted};
	}

	/**
	 * The pending edits re-applied, in order, on a newer live schema (after someone else changed it). Each edit
	 * applies if its guards still hold; those that do not are dropped and reported. The result stands on `newLive`
	 * with `newVersion` (default: its `version`).
	 */
	rebase(newLive: SynchronizationSchema, newVersion?: string | null): {working: WorkingCopy; applied: Edit[]; failed: Array<{edit: Edit; reason: string}>} {
		let document = newLive;
		const kept: Entry[] = [];
		const failed: Array<{edit: Edit; reason: string}> = [];
		for (const entry of this.fields.entries) {
			try {
				document = applyCopying(document, entry.edit.operations);
				kept.push({edit: entry.edit, document});
			} catch (error) {
				if (!(error instanceof UserError)) throw error;
				failed.push({edit: entry.edit, reason: error.message});
			}
		}
		const version = newVersion !== undefined ? newVersion : typeof newLive.version === 'string' ? newLive.version : null;
		return {working: this.with({live: newLive, version, entries: kept}), applied: kept.map((entry) => entry.edit), failed};
	}
}

/** Replaces, in `edits`, the last operation that wrote the mapping's source as a whole (its `source` or the whole mapping). */
function replaceLastSourceWriter(edits: Edit[], document: SynchronizationSchema, mappingPointer: string, current: unknown, next: unknown): boolean {
	const appendPath = mappingPointer.replace(/\d+$/, '-');
	const target = resolvePointer(document, `${mappingPointer}/targetAttributeName`);
	for (let index = edits.length - 1; index >= 0; index--) {
		const operations = edits[index]!.operations;
		for (let position = operations.length - 1; position >= 0; position--) {
			const operation = operations[position]!;
			if (operation.op !== 'add' && operation.op !== 'replace') continue;
			if (operation.path === `${mappingPointer}/source` && jsonEqual(operation.value, current)) {
				operations[position] = {...operation, value: next};
				return true;
			}
			const sameMapping = operation.path === mappingPointer || (operation.path === appendPath && isPlainObject(operation.value) && operation.value.targetAttributeName === target);
			if (sameMapping && isPlainObject(operation.value) && jsonEqual(operation.value.source, current)) {
				operations[position] = {...operation, value: {...operation.value, source: next}};
				return true;
			}
		}
	}
	return false;
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

