/**
 * Name selectors for hand-written JSON Patch paths (issue 5), because index paths written by hand are fragile.
 *
 * Syntax. A path segment written `[key=value]`, where the path reaches an array, selects the one element of
 * that array whose property `key` equals `value`; `[key1=value1,key2=value2]` requires every pair to match.
 * The path is first read as a JSON Pointer (so `~1` is `/` and `~0` is `~`), then keys and values are
 * percent-decoded like URL components: write `%2C` for `,`, `%3D` for `=`, `%5D` for `]`, `%25` for `%` and
 * `%2F` (or `~1`) for `/`. A value matches a string, number or boolean property by its text (`[matchingPriority=1]`
 * matches 1); an empty value matches the empty string (`[sourceObjectName=]`); a missing or null property never
 * matches. Selectors may be used in `path` and `from` at any array level, except as the last segment of an `add`,
 * which names an insertion position (use an index or `-`). Example:
 *
 *     /synchronizationRules/0/objectMappings/[sourceObjectName=user,targetObjectName=User]/attributeMappings/[targetAttributeName=mail]/source
 *
 * When the patch is applied, each selector becomes the element's index, preceded by `test` operations on the
 * selected properties. A selector that matches no element, or more than one, is an error naming the selector.
 */
import type {Operation, TestOperation} from 'fast-json-patch';
import {UserError} from '../errors.js';
import {escapePointerSegment, parsePointer} from '../schema/pointer.js';
import {describePointer} from './labels.js';

export type SelectorPair = {key: string; value: string};

/** Whether a pointer may hold a selector (cheap pre-check). */
export function mayHoldSelector(pointer: string | undefined): boolean {
	return typeof pointer === 'string' && pointer.includes('/[');
}

/** The pairs of a `[key=value,…]` segment, or undefined when the segment is not written as a selector. */
export function parseSelectorSegment(segment: string, where: string): SelectorPair[] | undefined {
	if (segment.length < 2 || !segment.startsWith('[') || !segment.endsWith(']')) return undefined;
	const pairs: SelectorPair[] = [];
	for (const part of segment.slice(1, -1).split(',')) {
		const equals = part.indexOf('=');
		if (equals <= 0) throw new UserError(`${where}: the selector ${segment} needs key=value pairs separated by commas (escape a ',' or '=' in a value as %2C or %3D).`);
		try {
			pairs.push({key: decodeURIComponent(part.slice(0, equals)), value: decodeURIComponent(part.slice(equals + 1))});
		} catch {
			throw new UserError(`${where}: the selector ${segment} has a bad %-escape; write a literal '%' as %25.`);
		}
	}
	return pairs;
}

function matches(element: unknown, pairs: readonly SelectorPair[]): boolean {
	if (typeof element !== 'object' || element === null || Array.isArray(element)) return false;
	for (const {key, value} of pairs) {
		if (!Object.hasOwn(element, key)) return false;
		const actual = (element as Record<string, unknown>)[key];
		if (typeof actual !== 'string' && typeof actual !== 'number' && typeof actual !== 'boolean') return false;
		if (String(actual) !== value) return false;
	}
	return true;
}

/**
 * `pointer` with every selector replaced by the index it selects in `document` (as it is now), and the `test`
 * operations that pin each selected element. Segments after a part of the path that does not exist are left as
 * they are: applying the operation will then fail and say where.
 */
export function resolvePointerSelectors(
	document: unknown,
	pointer: string,
	options: {where: string; lastIsInsertion?: boolean},
): {pointer: string; guards: TestOperation<unknown>[]} {
	const segments = parsePointer(pointer);
	if (!segments || !mayHoldSelector(pointer)) return {pointer, guards: []};
	const guards: TestOperation<unknown>[] = [];
	let current: unknown = document;
	let resolved = '';
	for (let i = 0; i < segments.length; i++) {
		const segment = segments[i]!;
		const isLast = i === segments.length - 1;
		const pairs = Array.isArray(current) ? parseSelectorSegment(segment, options.where) : undefined;
		if (pairs && Array.isArray(current)) {
			if (isLast && options.lastIsInsertion) {
				throw new UserError(`${options.where}: the selector ${segment} cannot end the path of an "add", which names a position; use an index or "-".`);
			}
			const found: number[] = [];
			for (let index = 0; index < current.length; index++) if (matches(current[index], pairs)) found.push(index);
			const container = describePointer(document, resolved).label;
			if (found.length === 0) {
				throw new UserError(`${options.where}: the selector ${segment} matches no element of ${container} (${resolved || '/'}); check the spelling, names are case-sensitive.`);
			}
			if (found.length > 1) {
				const positions = found.slice(0, 5).join(', ') + (found.length > 5 ? ', …' : '');
				throw new UserError(`${options.where}: the selector ${segment} matches ${found.length} elements of ${container} (positions ${positions}); add a key to narrow it, e.g. [key1=value1,key2=value2].`);
			}
			const index = found[0]!;
			const element = current[index] as Record<string, unknown>;
			resolved += `/${index}`;
			for (const {key} of pairs) guards.push({op: 'test', path: `${resolved}/${escapePointerSegment(key)}`, value: element[key]});
			current = element;
			continue;
		}
		// On an object, the last segment of an add names a new key, which may look like a selector.
		const newKey = isLast && options.lastIsInsertion;
		if (typeof current === 'object' && current !== null && !newKey && !Object.hasOwn(current, segment) && parseSelectorSegment(segment, options.where)) {
			throw new UserError(
				`${options.where}: the selector ${segment} follows ${resolved || '/'}, which is not a list; selectors pick elements of lists such as attributeMappings.`,
			);
		}
		resolved += `/${escapePointerSegment(segment)}`;
		current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[segment] : undefined;
	}
	return {pointer: resolved, guards};
}

/** One operation with its selectors resolved against `document`: the selector guards, then the operation. */
export function resolveOperationSelectors(document: unknown, operation: Operation, where: string): Operation[] {
	const fromPointer = operation.op === 'move' || operation.op === 'copy' ? operation.from : undefined;
	if (!mayHoldSelector(operation.path) && !mayHoldSelector(fromPointer)) return [operation];
	const guards: Operation[] = [];
	let resolved: Operation = operation;
	if (fromPointer !== undefined && mayHoldSelector(fromPointer)) {
		const from = resolvePointerSelectors(document, fromPointer, {where});
		guards.push(...from.guards);
		resolved = {...resolved, from: from.pointer} as Operation;
	}
	if (mayHoldSelector(operation.path)) {
		const path = resolvePointerSelectors(document, operation.path, {where, lastIsInsertion: operation.op === 'add' || operation.op === 'move' || operation.op === 'copy'});
		guards.push(...path.guards);
		resolved = {...resolved, path: path.pointer};
	}
	return [...guards, resolved];
}
