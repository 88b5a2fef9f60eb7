/**
 * JSON Patch (RFC 6902) on schemas: transactional application in place with an undo log, and the `test` guards
 * that pin every array element a path goes through, so a patch can never hit the wrong element.
 *
 * fast-json-patch applies and validates each operation; around it we record how to undo the operation, so a
 * failing operation rolls back the ones before it, and undo costs as much as the edit, not a copy of the document.
 */
import jsonpatch, {type Operation, type TestOperation} from 'fast-json-patch';
import {UserError} from '../errors.js';
import {escapePointerSegment, parsePointer} from '../schema/pointer.js';
import type {SynchronizationSchema} from '../schema/types.js';
import {cloneJson, compactJson, isPlainObject, type JsonObject, jsonEqual, jsonSizeAtMost} from './json.js';
import {
	describeElement,
	describePointer,
	describeSource,
	type ElementKind,
	elementKindOf,
	elementNames,
	identityKeys,
	objectMappingLabel,
} from './labels.js';
import {resolveOperationSelectors} from './selectors.js';

/** A `test` operation failed, or a path no longer leads anywhere: the schema is not what the operation was written for. */
export class GuardFailedError extends UserError {
	/** Index of the failing operation in the list given (0-based). */
	readonly operationIndex: number;
	/** The failing operation's path. */
	readonly pointer: string;
	constructor(message: string, operationIndex: number, pointer: string) {
		super(message);
		this.name = 'GuardFailedError';
		this.operationIndex = operationIndex;
		this.pointer = pointer;
	}
}

/** The document being changed; an operation on the root ('') replaces `document`. */
export type PatchTarget = {document: unknown};

/** Steps that undo applied operations, in the order they were applied. */
export type UndoLog = Array<() => void>;

export type ApplyOptions = {
	/** Resolve `[key=value]` selectors (see selectors.ts) against the document as it is when each operation runs. */
	resolveSelectors?: boolean;
	/** Text before a failure message, e.g. `patch.json: operation 3 of 9: `; `index` is the operation's position. */
	prefix?: (index: number) => string;
	/** Added to indices in errors and `prefix` calls (the operations are part of a longer list). */
	indexOffset?: number;
	/** All the operations are parts of this one operation (a resolved selector and its guards): report this index. */
	operationIndex?: number;
	/** Told each operation as applied: with selectors resolved, their guards first. */
	onApplied?: (applied: Operation[], index: number) => void;
	/**
	 * Copy-on-write: containers not in this set are copied (shallowly) before they are changed, and the copies added
	 * to it, so documents that share structure with the target are never changed (see applyCopying).
	 */
	owned?: WeakSet<object>;
};

/**
 * Apply `operations` to `target.document` in place. All or nothing: when one fails, the ones before it are undone
 * and a GuardFailedError (test failed, path missing) or UserError (not a valid operation) is thrown. Values are
 * copied into the document, so it never shares objects with the operations. Returns the undo log.
 */
export function applyInPlace(target: PatchTarget, operations: readonly Operation[], options: ApplyOptions = {}): UndoLog {
	const log: UndoLog = [];
	const offset = options.indexOffset ?? 0;
	for (let i = 0; i < operations.length; i++) {
		const index = options.operationIndex ?? offset + i;
		const prefix = options.prefix?.(index) ?? '';
		const operation = operations[i]!;
		try {
			checkOperationShape(operation, prefix);
			const expanded = options.resolveSelectors ? resolveOperationSelectors(target.document, operation, prefix.replace(/:\s*$/, '') || `operation ${index + 1}`) : [operation];
			for (const each of expanded) applyOne(target, each, index, prefix, log, options.owned);
			options.onApplied?.(expanded, index);
		} catch (error) {
			rollback(log);
			throw error;
		}
	}
	return log;
}

/**
 * Applies `operations` to a new version of `document`, leaving `document` (and everything it shares structure with)
 * unchanged: only the containers on the changed paths are copied. All or nothing, errors as applyInPlace.
 */
export function applyCopying<T>(document: T, operations: readonly Operation[], options: Omit<ApplyOptions, 'owned'> = {}): T {
	const target: PatchTarget = {document};
	applyInPlace(target, operations, {...options, owned: new WeakSet()});
	return target.document as T;
}

function shallowCopy(container: object): object {
	// Spread defines own properties, so a key named __proto__ stays a key.
	return Array.isArray(container) ? container.slice() : {...container};
}

/** Makes every container on the way to `segments` (the parent of what an operation changes) a private copy. */
function ownPath(target: PatchTarget, segments: readonly string[], owned: WeakSet<object>): void {
	let current = target.document;
	if (current === null || typeof current !== 'object') return;
	if (!owned.has(current)) {
		current = shallowCopy(current);
		owned.add(current as object);
		target.document = current;
	}
	for (const segment of segments) {
		const parent = current as Record<string, unknown>;
		let child: unknown;
		if (Array.isArray(parent)) child = /^\d+$/.test(segment) ? parent[Number(segment)] : undefined;
		else child = isPlainObject(parent) && Object.hasOwn(parent, segment) ? parent[segment] : undefined;
		if (child === null || typeof child !== 'object') return;
		if (!owned.has(child)) {
			child = shallowCopy(child);
			owned.add(child as object);
			if (Array.isArray(parent)) parent[Number(segment)] = child;
			else setOwn(parent as JsonObject, segment, child);
		}
		current = child;
	}
}

/** Undo what an undo log recorded (newest first). */
export function rollback(log: UndoLog): void {
	for (let i = log.length - 1; i >= 0; i--) log[i]!();
	log.length = 0;
}

const operationNames = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function checkOperationShape(operation: unknown, prefix: string): asserts operation is Operation {
	const where = prefix || 'JSON Patch: ';
	if (!isPlainObject(operation)) throw new UserError(`${where}an operation must be an object like {"op": "replace", "path": "/…", "value": …}.`);
	const {op, path} = operation;
	if (typeof op !== 'string' || !operationNames.has(op)) {
		throw new UserError(`${where}"op" must be one of add, remove, replace, move, copy, test (found ${compactJson(op, 20)}).`);
	}
	if (typeof path !== 'string' || parsePointer(path) === undefined) {
		throw new UserError(`${where}"path" must be a JSON Pointer such as "/synchronizationRules/0" (found ${compactJson(path, 60)}).`);
	}
	if ((op === 'move' || op === 'copy') && (typeof operation.from !== 'string' || parsePointer(operation.from) === undefined)) {
		throw new UserError(`${where}"${op}" needs "from", a JSON Pointer.`);
	}
	if ((op === 'add' || op === 'replace' || op === 'test') && !Object.hasOwn(operation, 'value')) {
		throw new UserError(`${where}"${op}" needs a "value".`);
	}
}

function segmentsOf(pointer: string): string[] {
	return parsePointer(pointer) ?? [];
}

function containerAt(document: unknown, segments: readonly string[]): unknown {
	let current = document;
	for (const segment of segments) {
		if (Array.isArray(current)) current = /^\d+$/.test(segment) ? current[Number(segment)] : undefined;
		else if (isPlainObject(current)) current = Object.hasOwn(current, segment) ? current[segment] : undefined;
		else return undefined;
	}
	return current;
}

/** Sets an own property; plain assignment of a key named `__proto__` would change the prototype instead. */
function setOwn(object: JsonObject, key: string, value: unknown): void {
	Object.defineProperty(object, key, {value, writable: true, enumerable: true, configurable: true});
}

function restoreKeyOrder(object: JsonObject, order: readonly string[]): void {
	const entries = order.filter((key) => Object.hasOwn(object, key)).map((key) => [key, object[key]] as const);
	for (const key of Object.keys(object)) delete object[key];
	for (const [key, value] of entries) setOwn(object, key, value);
}

/** How to undo `operation` (an add, remove or replace) on the document as it is now; undefined when the path does not resolve. */
function undoStep(target: PatchTarget, operation: Operation): (() => void) | undefined {
	const segments = segmentsOf(operation.path);
	if (segments.length === 0) {
		const previous = target.document;
		return () => {
			target.document = previous;
		};
	}
	const parent = containerAt(target.document, segments.slice(0, -1));
	const key = segments.at(-1)!;
	if (Array.isArray(parent)) {
		if (operation.op === 'add') {
			const index = key === '-' ? parent.length : Number(key);
			return () => void parent.splice(index, 1);
		}
		const index = Number(key);
		const previous: unknown = parent[index];
		if (operation.op === 'remove') return () => void parent.splice(index, 0, previous);
		return () => {
			parent[index] = previous;
		};
	}
	if (isPlainObject(parent)) {
		const existed = Object.hasOwn(parent, key);
		const previous = parent[key];
		const order = Object.keys(parent);
		return () => {
			if (!existed) {
				delete parent[key];
				return;
			}
			setOwn(parent, key, previous);
			if (operation.op === 'remove') restoreKeyOrder(parent, order);
		};
	}
	return undefined;
}

function applyOne(target: PatchTarget, operation: Operation, index: number, prefix: string, log: UndoLog, owned?: WeakSet<object>): void {
	if (operation.op === 'move' || operation.op === 'copy') {
		const from = operation.from;
		if (operation.op === 'move' && (operation.path === from || operation.path.startsWith(`${from}/`))) {
			if (operation.path === from) return;
			throw new UserError(`${prefix}"move" cannot move ${from} into itself (${operation.path}).`);
		}
		const fromSegments = segmentsOf(from);
		const fromParent = containerAt(target.document, fromSegments.slice(0, -1));
		const fromKey = fromSegments.at(-1);
		const exists =
			fromSegments.length === 0 ||
			(Array.isArray(fromParent) && fromKey !== undefined && /^\d+$/.test(fromKey) && Number(fromKey) < fromParent.length) ||
			(isPlainObject(fromParent) && fromKey !== undefined && Object.hasOwn(fromParent, fromKey));
		if (!exists) throw pathError(target.document, {...operation, path: from}, index, prefix, 'from');
		const value = containerAt(target.document, fromSegments);
		// RFC 6902: move is remove + add; copy is add of a copy.
		if (operation.op === 'move') applyOne(target, {op: 'remove', path: from}, index, prefix, log, owned);
		applyOne(target, {op: 'add', path: operation.path, value: operation.op === 'copy' ? cloneJson(value) : value}, index, prefix, log, owned);
		return;
	}
	if (operation.op === 'test') {
		// Compared here: fast-json-patch's comparison calls b.hasOwnProperty(), which a schema object may hold as a key.
		const segments = segmentsOf(operation.path);
		const holds = existingPrefix(target.document, segments) === segments.length && jsonEqual(containerAt(target.document, segments), operation.value);
		if (!holds) throw new GuardFailedError(`${prefix}${describeGuardFailure(target.document, operation)}`, index, operation.path);
		return;
	}
	if (owned) ownPath(target, segmentsOf(operation.path).slice(0, -1), owned);
	const step = undoStep(target, operation);
	const applied: Operation =
		operation.op === 'add' || operation.op === 'replace' ? {...operation, value: cloneJson(operation.value)} : {...operation};
	try {
		const result = jsonpatch.applyOperation(target.document, applied, true, true, true, index);
		target.document = result.newDocument;
	} catch (error) {
		throw operationError(error, target.document, operation, index, prefix);
	}
	if (step) log.push(step);
}

function operationError(error: unknown, document: unknown, operation: Operation, index: number, prefix: string): Error {
	if (error instanceof UserError) return error;
	if (error instanceof jsonpatch.JsonPatchError) {
		switch (error.name) {
			case 'TEST_OPERATION_FAILED':
				return new GuardFailedError(`${prefix}${describeGuardFailure(document, operation as TestOperation<unknown>)}`, index, operation.path);
			case 'OPERATION_PATH_UNRESOLVABLE':
				if (operation.op === 'test') {
					return new GuardFailedError(`${prefix}${describeGuardFailure(document, operation as TestOperation<unknown>)}`, index, operation.path);
				}
				return pathError(document, operation, index, prefix, 'path');
			case 'OPERATION_PATH_CANNOT_ADD':
			case 'OPERATION_VALUE_OUT_OF_BOUNDS':
			case 'OPERATION_FROM_UNRESOLVABLE':
			case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
				return pathError(document, operation, index, prefix, 'path');
			default:
				return new UserError(`${prefix}not a valid JSON Patch operation: ${error.message.split('\n')[0]}.`);
		}
	}
	if (error instanceof TypeError && /__proto__|prototype/.test(error.message)) {
		return new UserError(`${prefix}paths through __proto__ or constructor/prototype are not allowed.`);
	}
	return error instanceof Error ? error : new Error(String(error));
}

/** The deepest part of `pointer` that exists in `document`. */
function existingPrefix(document: unknown, segments: readonly string[]): number {
	let current = document;
	for (let i = 0; i < segments.length; i++) {
		const segment = segments[i]!;
		if (Array.isArray(current) && /^\d+$/.test(segment) && Number(segment) < current.length) current = current[Number(segment)];
		else if (isPlainObject(current) && Object.hasOwn(current, segment)) current = current[segment];
		else return i;
	}
	return segments.length;
}

function pathError(document: unknown, operation: Operation, index: number, prefix: string, which: 'path' | 'from'): GuardFailedError {
	const segments = segmentsOf(operation.path);
	const found = existingPrefix(document, segments);
	const missing = segments.slice(0, found + 1);
	const missingPointer = missing.map((segment) => `/${escapePointerSegment(segment)}`).join('');
	const parent = containerAt(document, segments.slice(0, found));
	let what = `${missingPointer} does not exist`;
	if (Array.isArray(parent)) {
		const kind = elementKindOf(segments[found - 1] ?? '', 'other');
		const segment = segments[found] ?? '';
		what = /^\d+$/.test(segment)
			? `${elementNames[kind]} ${segment} of ${describePointer(document, segments.slice(0, found - 1).map((s) => `/${escapePointerSegment(s)}`).join('')).label} does not exist (there are ${parent.length})`
			: `${missingPointer} is not a position in an array (use an index or "-")`;
	}
	const label = which === 'from' ? `"from" ${operation.path}` : operation.path;
	return new GuardFailedError(`${prefix}${what}, so ${operation.op} ${label} cannot be applied: the schema is not the one this change was made for.`, index, operation.path);
}

/** Words for a failed `test`: `attribute mapping 12 of User ← user is now 'mailNickname', not 'mail'`. */
export function describeGuardFailure(document: unknown, test: TestOperation<unknown>): string {
	const segments = segmentsOf(test.path);
	const actual = containerAt(document, segments);
	const exists = existingPrefix(document, segments) === segments.length;
	// An identity test: <array>/<index>/<identity property>.
	if (segments.length >= 3) {
		const property = segments.at(-1)!;
		const indexSegment = segments.at(-2)!;
		const arrayName = segments.at(-3)!;
		const arrayPointer = segments
			.slice(0, -2)
			.map((segment) => `/${escapePointerSegment(segment)}`)
			.join('');
		const array = containerAt(document, segments.slice(0, -2));
		const kind = elementKindOf(arrayName, segments.length === 3 ? 'schema' : 'other');
		if (/^\d+$/.test(indexSegment) && Array.isArray(array)) {
			const element: unknown = array[Number(indexSegment)];
			const keys = isPlainObject(element) ? identityKeys(kind, element) : identityKeys(kind, {} as JsonObject);
			if (kind !== 'value' && kind !== 'keyed' && (keys.includes(property) || (kind === 'rule' && (property === 'id' || property === 'name')))) {
				const owner = ownerLabel(document, arrayPointer);
				const name = `${elementNames[kind]} ${indexSegment}${owner ? ` of ${owner}` : ''}`;
				const expected = typeof test.value === 'string' ? `'${test.value}'` : compactJson(test.value, 40);
				if (element === undefined) return `${name} no longer exists (expected ${property} ${expected}; there are ${array.length} now).`;
				const now = exists ? (typeof actual === 'string' ? `'${actual}'` : compactJson(actual, 40)) : '(absent)';
				if (keys.length === 1 || kind === 'rule') return `${name} is now ${now}, not ${expected}.`;
				return `${name} (${describeElement(kind, element)}) now has ${property} ${now}, not ${expected}.`;
			}
		}
	}
	const place = describePointer(document, test.path);
	const field = place.rest.at(-1);
	const format = (value: unknown) => (field === 'source' && (isPlainObject(value) || value === null) ? describeSource(value as never) : compactJson(value, 50));
	const found = exists ? format(actual) : '(absent)';
	return `${place.label} has changed: expected ${format(test.value)}, found ${found}.`;
}

function ownerLabel(document: unknown, arrayPointer: string): string | undefined {
	const segments = segmentsOf(arrayPointer);
	if (segments.length < 2) return undefined;
	const ownerPointer = segments
		.slice(0, -1)
		.map((segment) => `/${escapePointerSegment(segment)}`)
		.join('');
	const owner = containerAt(document, segments.slice(0, -1));
	if (segments.at(-1) === 'attributeMappings' && isPlainObject(owner)) return objectMappingLabel(owner);
	const label = describePointer(document, ownerPointer).label;
	return label === ownerPointer ? undefined : label;
}

// ---------------------------------------------------------------------------------------------
// Guards

/** Old values larger than this (as JSON) are not repeated in a `test`: identity guards still pin the element. */
export const oldValueTestLimit = 256 * 1024;

/**
 * The `test` operations that must precede `operation` on `document`: the identity of every array element its
 * path (and `from`) goes through, and the old value for replace / remove / add-over-an-existing-key when it is
 * no larger than `oldValueTestLimit`.
 */
export function guardsFor(document: unknown, operation: Operation): TestOperation<unknown>[] {
	if (operation.op === 'test') return [];
	const tests: TestOperation<unknown>[] = [];
	const seen = new Set<string>();
	const push = (path: string, value: unknown) => {
		if (seen.has(path)) return;
		seen.add(path);
		tests.push({op: 'test', path, value: cloneJson(value)});
	};
	const guardPath = (pointer: string, insertion: boolean, withOldValue: boolean) => {
		const segments = segmentsOf(pointer);
		let current: unknown = document;
		let holder: ElementKind | 'schema' | 'other' = 'schema';
		let path = '';
		for (let i = 0; i < segments.length; i++) {
			const segment = segments[i]!;
			const isLast = i === segments.length - 1;
			if (Array.isArray(current)) {
				if (!/^\d+$/.test(segment) || (isLast && insertion)) break;
				const kind = elementKindOf(segments[i - 1] ?? '', holder);
				const element: unknown = current[Number(segment)];
				path += `/${segment}`;
				if (element === undefined) break;
				if (isPlainObject(element)) {
					for (const key of identityKeys(kind, element)) if (Object.hasOwn(element, key)) push(`${path}/${escapePointerSegment(key)}`, element[key]);
				} else if (!isLast) {
					push(path, element);
				}
				current = element;
				holder = kind;
				continue;
			}
			if (!isPlainObject(current) || !Object.hasOwn(current, segment)) break;
			path += `/${escapePointerSegment(segment)}`;
			current = current[segment];
			holder = 'other';
			if (isLast && withOldValue && jsonSizeAtMost(current, oldValueTestLimit)) push(path, current);
		}
	};
	if (operation.op === 'move' || operation.op === 'copy') guardPath(operation.from, false, operation.op === 'move');
	guardPath(operation.path, operation.op === 'add' || operation.op === 'move' || operation.op === 'copy', operation.op !== 'move' && operation.op !== 'copy');
	// An element replaced or removed as a whole: pin its old value too (guardPath pins array elements by identity only).
	if (operation.op === 'replace' || operation.op === 'remove') {
		const value = containerAt(document, segmentsOf(operation.path));
		const segments = segmentsOf(operation.path);
		if (segments.length > 0 && /^\d+$/.test(segments.at(-1)!) && value !== undefined && jsonSizeAtMost(value, oldValueTestLimit)) {
			push(operation.path, value);
		}
	}
	return tests;
}

/**
 * Each operation preceded by its guards, computed on the document as it will be when that operation runs.
 * The document is changed in place while computing and restored before returning (also on failure).
 */
export function guardOperations(document: unknown, operations: readonly Operation[]): Operation[] {
	const target: PatchTarget = {document};
	const log: UndoLog = [];
	const guarded: Operation[] = [];
	try {
		for (const operation of operations) {
			guarded.push(...guardsFor(target.document, operation), operation);
			log.push(...applyInPlace(target, [operation]));
		}
	} finally {
		rollback(log);
	}
	return guarded;
}

// ---------------------------------------------------------------------------------------------
// Whole-document helpers

/**
 * A patched copy of `document` (the input is not changed). Selectors (`[key=value]`) are resolved as each
 * operation runs. A failing `test` → GuardFailedError naming what no longer matches.
 */
export function applyOperations(document: SynchronizationSchema, operations: Operation[]): SynchronizationSchema {
	if (!Array.isArray(operations)) throw new UserError('A JSON Patch must be an array of operations.');
	const target: PatchTarget = {document: structuredClone(document)};
	applyInPlace(target, operations, {resolveSelectors: true, prefix: (index) => `Operation ${index + 1} of ${operations.length}: `});
	return target.document as SynchronizationSchema;
}

/**
 * The operations with every `[key=value]` selector replaced by an index and preceded by `test` guards on the
 * selected properties. Selectors are resolved in order, each against the document as the operations before it
 * leave it; `document` itself is left as it was. A selector matching nothing or several elements → UserError
 * naming the selector and the operation.
 */
export function resolveSelectors(document: SynchronizationSchema, operations: Operation[]): Operation[] {
	if (!Array.isArray(operations)) throw new UserError('A JSON Patch must be an array of operations.');
	const target: PatchTarget = {document};
	const resolved: Operation[] = [];
	const log: UndoLog = [];
	try {
		log.push(
			...applyInPlace(target, operations, {
				resolveSelectors: true,
				prefix: (index) => `Operation ${index + 1} of ${operations.length}: `,
				onApplied: (applied) => resolved.push(...applied),
			}),
		);
	} finally {
		rollback(log);
	}
	return resolved;
}
