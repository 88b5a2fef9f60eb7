/**
 * A minimal JSON Patch between two JSON values, by meaning: key order is ignored, and elements of the schema's
 * named arrays (rules, object mappings, attribute mappings, filter groups, clauses, directories, objects,
 * attribute definitions) are matched by identity, not position, so inserting one mapping is one `add`, not a
 * cascade of replaces. A mapping's `source` is replaced as a whole (its parameter tree is the server's parse of
 * the expression). Arrays whose order changed, or whose elements have no usable identity, are replaced whole.
 */
import type {Operation} from 'fast-json-patch';
import {escapePointerSegment} from '../schema/pointer.js';
import type {SynchronizationSchema} from '../schema/types.js';
import {cloneJson, isPlainObject, type JsonObject, jsonEqual, withoutServerFields} from './json.js';
import {type ElementKind, elementKindOf, identityKeys} from './labels.js';
import {guardOperations} from './patch.js';

/** Properties replaced as a whole rather than diffed inside. */
const atomicProperties = new Set(['source', 'targetOperand']);

function identityOf(kind: ElementKind, element: unknown): string | undefined {
	if (!isPlainObject(element)) return undefined;
	if (kind === 'clause') return JSON.stringify([element.operatorName, element.sourceOperandName, element.targetOperand ?? null]);
	if (kind === 'objectMapping') return JSON.stringify([element.sourceObjectName ?? null, element.targetObjectName ?? null]);
	const keys = identityKeys(kind, element);
	if (keys.length === 0) return undefined;
	const values = keys.map((key) => element[key]);
	return values.every((value) => typeof value === 'string') ? JSON.stringify(values) : undefined;
}

/** The identity of every element, or undefined when some element has none or two share one. */
function identities(kind: ElementKind, array: readonly unknown[]): string[] | undefined {
	const result: string[] = [];
	const seen = new Set<string>();
	for (const element of array) {
		const identity = identityOf(kind, element);
		if (identity === undefined || seen.has(identity)) return undefined;
		seen.add(identity);
		result.push(identity);
	}
	return result;
}

/** Keys that identify the holder are changed last, after everything inside, so the holder's guards stay true meanwhile. */
function identityLast(kind: ElementKind | 'schema' | 'other', object: JsonObject, keys: string[]): string[] {
	if (kind === 'schema' || kind === 'other') return keys;
	const identity = new Set(identityKeys(kind, object));
	return [...keys.filter((key) => !identity.has(key)), ...keys.filter((key) => identity.has(key))];
}

/**
 * Unguarded operations that turn `before` into `after`, with paths under `pointer`. `kind` says what `before`
 * is (for the identity of its arrays' elements): 'schema' for a whole document.
 */
export function diffOperations(before: unknown, after: unknown, pointer = '', kind: ElementKind | 'schema' | 'other' = 'schema'): Operation[] {
	const operations: Operation[] = [];
	diffInto(before, after, pointer, kind, operations);
	return operations;
}

function diffInto(before: unknown, after: unknown, pointer: string, kind: ElementKind | 'schema' | 'other', operations: Operation[]): void {
	if (jsonEqual(before, after)) return;
	if (isPlainObject(before) && isPlainObject(after)) {
		const removed = Object.keys(before).filter((key) => !Object.hasOwn(after, key));
		const common = identityLast(
			kind,
			before,
			Object.keys(after).filter((key) => Object.hasOwn(before, key)),
		);
		const added = Object.keys(after).filter((key) => !Object.hasOwn(before, key));
		for (const key of removed) operations.push({op: 'remove', path: `${pointer}/${escapePointerSegment(key)}`});
		for (const key of common) {
			const path = `${pointer}/${escapePointerSegment(key)}`;
			if (atomicProperties.has(key)) {
				if (!jsonEqual(before[key], after[key])) operations.push({op: 'replace', path, value: cloneJson(after[key])});
			} else if (Array.isArray(before[key]) && Array.isArray(after[key])) {
				diffArray(before[key] as unknown[], after[key] as unknown[], path, elementKindOf(key, kind), operations);
			} else {
				diffInto(before[key], after[key], path, 'other', operations);
			}
		}
		for (const key of added) operations.push({op: 'add', path: `${pointer}/${escapePointerSegment(key)}`, value: cloneJson(after[key])});
		return;
	}
	operations.push({op: 'replace', path: pointer, value: cloneJson(after)});
}

function diffArray(before: unknown[], after: unknown[], pointer: string, kind: ElementKind, operations: Operation[]): void {
	if (jsonEqual(before, after)) return;
	const beforeIds = kind === 'value' ? undefined : identities(kind, before);
	const afterIds = kind === 'value' ? undefined : identities(kind, after);
	if (!beforeIds || !afterIds) {
		operations.push({op: 'replace', path: pointer, value: cloneJson(after)});
		return;
	}
	const afterIndex = new Map(afterIds.map((id, index) => [id, index]));
	const beforeIndex = new Map(beforeIds.map((id, index) => [id, index]));
	const keptBefore = beforeIds.filter((id) => afterIndex.has(id));
	const keptAfter = afterIds.filter((id) => beforeIndex.has(id));
	if (keptBefore.some((id, position) => id !== keptAfter[position])) {
		// The order of kept elements changed: moving them one by one would be hard to read; replace the array.
		operations.push({op: 'replace', path: pointer, value: cloneJson(after)});
		return;
	}
	// Removals from the end backwards, so earlier positions stay valid; then insertions at their final positions in
	// ascending order; then changes inside kept elements, at their final positions.
	for (let index = before.length - 1; index >= 0; index--) {
		if (!afterIndex.has(beforeIds[index]!)) operations.push({op: 'remove', path: `${pointer}/${index}`});
	}
	for (let index = 0; index < after.length; index++) {
		if (!beforeIndex.has(afterIds[index]!)) operations.push({op: 'add', path: `${pointer}/${index}`, value: cloneJson(after[index])});
	}
	for (let index = 0; index < after.length; index++) {
		const previous = beforeIndex.get(afterIds[index]!);
		if (previous !== undefined) diffInto(before[previous], after[index], `${pointer}/${index}`, kind, operations);
	}
}

/**
 * A guarded JSON Patch that turns `before` into `after` (for `diff A B --format json-patch`): applying it to
 * `before` gives a document equal to `after` by meaning. With `ignoreServerFields`, `version` and `@odata.*`
 * annotations are left out of the comparison.
 */
export function diffAsPatch(before: SynchronizationSchema, after: SynchronizationSchema, options: {ignoreServerFields?: boolean} = {}): Operation[] {
	const from = options.ignoreServerFields ? withoutServerFields(before) : before;
	const to = options.ignoreServerFields ? withoutServerFields(after) : after;
	const operations = diffOperations(from, to);
	// Guards are computed by applying the operations to a private copy as they go.
	return guardOperations(structuredClone(before), operations);
}
