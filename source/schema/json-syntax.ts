/** Text → JSON: syntax errors located by line and column, and the nesting limit. */
import {preferSmallHeapFor} from './heap.js';
import {pointerOf} from './pointer.js';
import {SchemaFileError} from './schema-file.js';
import {checkSchemaShape} from './shape.js';
import type {SynchronizationSchema} from './types.js';

// ---------------------------------------------------------------------------------------------
// Text → schema

export function parseSchemaText(text: string, origin: string): SynchronizationSchema {
	const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	if (body.trim() === '') throw new SchemaFileError(`${origin}: the file is empty`);
	// Before parsing: the parse itself is where the heap first grows.
	preferSmallHeapFor(body.length);
	let value: unknown;
	try {
		value = JSON.parse(body);
	} catch (error) {
		throw jsonSyntaxError(body, origin, error);
	}
	checkSchemaShape(value, origin);
	checkNesting(value, origin);
	return value as SynchronizationSchema;
}

/**
 * Real schemas are a few dozen levels deep. JSON.parse reads any depth, but structuredClone, JSON.stringify and
 * every recursive walk overflow the stack a few thousand levels down, so deeper documents are refused here.
 */
export const maxJsonNesting = 1000;

/** Refuses a value nested deeper than maxJsonNesting, naming where. Iterative, and about 5 ms for 20 MB. */
export function checkNesting(value: unknown, origin: string): void {
	if (!nestedDeeperThan(value, maxJsonNesting)) return;
	const pointer = pointerOf(pathDeeperThan(value, maxJsonNesting));
	throw new SchemaFileError(
		`${origin}: nested more than ${maxJsonNesting} levels deep (at ${pointer.length > 80 ? `${pointer.slice(0, 79)}…` : pointer}); real schemas are a few dozen levels deep, so check how the file was made`,
		{pointer},
	);
}

function nestedDeeperThan(root: unknown, limit: number): boolean {
	const values: unknown[] = [root];
	const depths: number[] = [0];
	while (values.length > 0) {
		const value = values.pop();
		const depth = depths.pop()!;
		if (depth > limit) return true;
		if (Array.isArray(value)) {
			for (const element of value) {
				if (typeof element === 'object' && element !== null) {
					values.push(element);
					depths.push(depth + 1);
				}
			}
		} else if (typeof value === 'object' && value !== null) {
			for (const key in value) {
				const element = (value as Record<string, unknown>)[key];
				if (typeof element === 'object' && element !== null) {
					values.push(element);
					depths.push(depth + 1);
				}
			}
		}
	}
	return false;
}

/** The path to the first value deeper than `limit` (only called once one is known to exist). */
function pathDeeperThan(root: unknown, limit: number): (string | number)[] {
	type Entry = {value: unknown; key: string | number; parent: Entry | undefined; depth: number};
	const stack: Entry[] = [{value: root, key: '', parent: undefined, depth: 0}];
	while (stack.length > 0) {
		const entry = stack.pop()!;
		if (entry.depth > limit) {
			const path: (string | number)[] = [];
			for (let at: Entry | undefined = entry; at?.parent; at = at.parent) path.push(at.key);
			return path.reverse();
		}
		const value = entry.value;
		if (typeof value !== 'object' || value === null) continue;
		for (const key of Object.keys(value)) {
			const element = (value as Record<string, unknown>)[key];
			if (typeof element === 'object' && element !== null) {
				stack.push({value: element, key: Array.isArray(value) ? Number(key) : key, parent: entry, depth: entry.depth + 1});
			}
		}
	}
	return [];
}

function jsonSyntaxError(text: string, origin: string, error: unknown): SchemaFileError {
	const v8Message = error instanceof Error ? error.message : String(error);
	const located = locateJsonSyntaxError(text) ?? locateFromV8Message(text, v8Message);
	if (!located) return new SchemaFileError(`${origin}: not valid JSON: ${v8Message}`, {cause: error});
	const {line, column} = lineAndColumn(text, located.offset);
	return new SchemaFileError(`${origin}: not valid JSON at line ${line}, column ${column}: ${located.reason}`, {
		line,
		column,
		cause: error,
	});
}

/** V8 reports "… in JSON at position N" for some errors, and only a text excerpt for "Unexpected token". */
function locateFromV8Message(text: string, message: string): {offset: number; reason: string} | undefined {
	const match = /^(.*?) in JSON at position (\d+)/.exec(message);
	if (match) return {offset: Number(match[2]), reason: match[1]!};
	if (/Unexpected end of JSON input/.test(message)) return {offset: text.length, reason: 'unexpected end of input'};
	return undefined;
}

export function lineAndColumn(text: string, offset: number): {line: number; column: number} {
	let line = 1;
	let lineStart = 0;
	for (let newline = text.indexOf('\n'); newline !== -1 && newline < offset; newline = text.indexOf('\n', newline + 1)) {
		line++;
		lineStart = newline + 1;
	}
	// A CRLF's "\r" belongs to the line it ends, so positions on the next line are unaffected.
	return {line, column: offset - lineStart + 1};
}

/** What the scanner is inside of. */
const objectContainer = 0;
const arrayContainer = 1;
type Container = typeof objectContainer | typeof arrayContainer;

/**
 * Find the first syntax error in text that JSON.parse rejected, because V8's messages often lack a position.
 * Only runs on failure, so clarity matters more than speed; iterative so deep nesting cannot overflow.
 */
export function locateJsonSyntaxError(text: string): {offset: number; reason: string} | undefined {
	const stack: Container[] = [];
	const length = text.length;
	let i = 0;

	const skipWhitespace = () => {
		while (i < length) {
			const c = text.charCodeAt(i);
			if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
			i++;
		}
	};
	const fail = (reason: string, offset = i) => ({offset, reason});
	const unexpected = (): {offset: number; reason: string} => {
		if (i >= length) return fail('unexpected end of input (is the file truncated?)');
		const c = text[i]!;
		if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) return fail('comments are not allowed in JSON');
		if (c === "'") return fail('strings must use double quotes');
		return fail(`unexpected ${describeCharacter(text.codePointAt(i)!)}`);
	};
	/** Scans a string starting at its opening quote; returns an error or undefined, leaving i after the closing quote. */
	const scanString = (): {offset: number; reason: string} | undefined => {
		const start = i;
		i++;
		while (i < length) {
			const c = text.charCodeAt(i);
			if (c === 0x22) {
				i++;
				return undefined;
			}
			if (c === 0x5c) {
				const escaped = text[i + 1];
				if (escaped === 'u') {
					if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('bad \\u escape in string');
					i += 6;
				} else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
					i += 2;
				} else {
					return fail('bad escape sequence in string');
				}
				continue;
			}
			if (c < 0x20) {
				return c === 0x0a || c === 0x0d
					? fail(`line break inside a string (missing closing quote for the string at column ${i - start}?)`)
					: fail(`control character ${describeCharacter(c)} inside a string`);
			}
			i++;
		}
		return fail('unexpected end of input inside a string (is the file truncated?)');
	};

	/**
	 * Scans one value. An opened container is pushed on the stack and scanning continues with its first value,
	 * in a loop rather than by recursion; the caller's loop handles what follows a value.
	 */
	const scanValueStart = (): {offset: number; reason: string} | undefined => {
		for (;;) {
			skipWhitespace();
			const c = text[i];
			if (c === '{') {
				i++;
				skipWhitespace();
				if (text[i] === '}') {
					i++;
					return undefined;
				}
				stack.push(objectContainer);
				const error = scanPropertyName();
				if (error) return error;
				continue;
			}
			if (c === '[') {
				i++;
				skipWhitespace();
				if (text[i] === ']') {
					i++;
					return undefined;
				}
				stack.push(arrayContainer);
				continue;
			}
			if (c === '"') return scanString();
			if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
				const start = i;
				const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
				match.lastIndex = i;
				if (!match.exec(text)) return fail('invalid number', start);
				i = match.lastIndex;
				if (/[0-9.eE]/.test(text[i] ?? '')) return fail('invalid number', start);
				return undefined;
			}
			for (const literal of ['true', 'false', 'null']) {
				if (text.startsWith(literal, i)) {
					i += literal.length;
					return undefined;
				}
			}
			return unexpected();
		}
	};
	/** Scans `"name":`, leaving i before the property value. */
	const scanPropertyName = (): {offset: number; reason: string} | undefined => {
		skipWhitespace();
		if (text[i] !== '"') {
			if (text[i] === '}') return fail("trailing comma before '}'");
			if (i < length && /[A-Za-z_$]/.test(text[i]!)) return fail('property names must be in double quotes');
			return i >= length ? unexpected() : fail(`expected a property name in double quotes, found ${describeCharacter(text.codePointAt(i)!)}`);
		}
		const error = scanString();
		if (error) return error;
		skipWhitespace();
		if (text[i] !== ':') return i >= length ? unexpected() : fail("expected ':' after the property name");
		i++;
		return undefined;
	};

	let error = scanValueStart();
	while (!error) {
		skipWhitespace();
		const top = stack.at(-1);
		if (top === undefined) {
			if (i < length) return fail('unexpected text after the end of the JSON document');
			return undefined;
		}
		const c = text[i];
		if (c === ',') {
			i++;
			if (top === objectContainer) {
				error = scanPropertyName() ?? scanValueStart();
			} else {
				skipWhitespace();
				error = text[i] === ']' ? fail("trailing comma before ']'") : scanValueStart();
			}
		} else if ((c === '}' && top === objectContainer) || (c === ']' && top === arrayContainer)) {
			i++;
			stack.pop();
		} else if (i >= length) {
			error = unexpected();
		} else {
			error = fail(top === objectContainer ? "expected ',' or '}' after a property value" : "expected ',' or ']' after an array element");
		}
	}
	return error;
}

function describeCharacter(codePoint: number): string {
	const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
	return codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0) ? `character ${hex}` : `'${String.fromCodePoint(codePoint)}'`;
}

