import {readFile, stat} from 'node:fs/promises';
import {writeFileAtomic} from '../fs/atomic-write.js';
import {pointerOf} from './pointer.js';
import type {SynchronizationSchema} from './types.js';

export type SchemaEncoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be';

/**
 * How Windows PowerShell 5.1 `ConvertTo-Json` lays out JSON (`"key":  value`, values aligned under their key)
 * versus every other common writer (JSON.stringify, Graph Explorer, PowerShell 7, editors).
 */
export type JsonFlavor = 'standard' | 'windows-powershell';

export type SchemaFileStyle = {
	encoding: SchemaEncoding;
	/** Whether the file starts with a byte order mark. Default: true for utf8-bom/utf16le/utf16be, false for utf8. */
	bom?: boolean;
	eol: '\n' | '\r\n';
	/** One level of indentation; '' means compact, single-line JSON. */
	indent: string;
	/** Whether the text ends with a line break. Default: false (Graph's own output has none). */
	finalNewline?: boolean;
	flavor?: JsonFlavor;
	/** The text as loaded: when the schema is unchanged, it is written back byte for byte. */
	originalText?: string;
};

export type LoadedSchema = {
	schema: SynchronizationSchema;
	text: string;
	encoding: SchemaEncoding;
	bom: boolean;
	eol: '\n' | '\r\n';
	indent: string;
	finalNewline: boolean;
	flavor: JsonFlavor;
	bytes: Buffer;
	path: string;
};

export class SchemaFileError extends Error {
	override readonly name = 'SchemaFileError';
	/** JSON Pointer (RFC 6901) of the offending value, for shape errors. */
	readonly pointer?: string;
	/** 1-based position of a JSON syntax error. */
	readonly line?: number;
	readonly column?: number;

	constructor(
		message: string,
		details: {pointer?: string; line?: number; column?: number; cause?: unknown} = {},
	) {
		// Messages are shown to users as one line.
		super(message.replace(/\s*[\r\n]+\s*/g, ' '), details.cause === undefined ? undefined : {cause: details.cause});
		if (details.pointer !== undefined) this.pointer = details.pointer;
		if (details.line !== undefined) this.line = details.line;
		if (details.column !== undefined) this.column = details.column;
	}
}

/**
 * Files larger than this are refused before they are read. Real schemas are a few MB, the largest we benchmark
 * (20,000 mappings, 50,000 definitions) is 20 MB; holding a schema costs about 15 times its size in memory, so
 * a much larger file would exhaust a jump host's memory instead of failing with a message.
 */
export const maxSchemaFileBytes = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Bytes ↔ text

const utf8Decoder = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true});
const utf16leDecoder = new TextDecoder('utf-16le', {fatal: true, ignoreBOM: true});
const utf16beDecoder = new TextDecoder('utf-16be', {fatal: true, ignoreBOM: true});

export function decodeSchemaBytes(bytes: Uint8Array): {text: string; encoding: SchemaEncoding; bom: boolean} {
	const [b0, b1, b2, b3] = bytes;
	if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) {
		throw new SchemaFileError('the file is UTF-32 encoded; save it as UTF-8 or UTF-16 and try again');
	}
	if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) {
		return {text: decodeOrThrow(utf8Decoder, bytes.subarray(3), 'UTF-8'), encoding: 'utf8-bom', bom: true};
	}
	if (b0 === 0xff && b1 === 0xfe) {
		return {text: decodeOrThrow(utf16leDecoder, bytes.subarray(2), 'UTF-16LE'), encoding: 'utf16le', bom: true};
	}
	if (b0 === 0xfe && b1 === 0xff) {
		return {text: decodeOrThrow(utf16beDecoder, bytes.subarray(2), 'UTF-16BE'), encoding: 'utf16be', bom: true};
	}
	// Without a BOM, JSON starts with an ASCII character, so UTF-16 shows up as a NUL in the first two bytes.
	if (bytes.length >= 2 && b0 !== 0 && b1 === 0) {
		return {text: decodeOrThrow(utf16leDecoder, bytes, 'UTF-16LE'), encoding: 'utf16le', bom: false};
	}
	if (bytes.length >= 2 && b0 === 0 && b1 !== 0) {
		return {text: decodeOrThrow(utf16beDecoder, bytes, 'UTF-16BE'), encoding: 'utf16be', bom: false};
	}
	const binaryKind = recognizeBinary(bytes);
	if (binaryKind) throw new SchemaFileError(`this is ${binaryKind}, not a JSON text file`);
	const text = decodeOrThrow(utf8Decoder, bytes, 'UTF-8');
	if (text.includes('\0')) throw new SchemaFileError('this looks like a binary file (it contains NUL bytes), not JSON text');
	return {text, encoding: 'utf8', bom: false};
}

function decodeOrThrow(decoder: InstanceType<typeof TextDecoder>, bytes: Uint8Array, encodingName: string): string {
	try {
		return decoder.decode(bytes);
	} catch (error) {
		const hint =
			encodingName === 'UTF-8'
				? 'it may be a binary file, or text saved in a legacy code page (save it as UTF-8)'
				: 'the file may be truncated or corrupted';
		throw new SchemaFileError(`not valid ${encodingName} text: ${hint}`, {cause: error});
	}
}

/** A few formats admins plausibly pick by mistake, so the message can say what the file is. */
function recognizeBinary(bytes: Uint8Array): string | undefined {
	const [b0, b1, b2, b3] = bytes;
	if (b0 === 0x50 && b1 === 0x4b && b2 === 0x03 && b3 === 0x04) return 'a ZIP archive (extract the .json file first)';
	if (b0 === 0x1f && b1 === 0x8b) return 'a gzip archive (decompress it first)';
	if (b0 === 0x25 && b1 === 0x50 && b2 === 0x44 && b3 === 0x46) return 'a PDF document';
	return undefined;
}

export function encodeSchemaText(text: string, encoding: SchemaEncoding, bom = encoding !== 'utf8'): Buffer {
	switch (encoding) {
		case 'utf8':
		case 'utf8-bom': {
			const body = Buffer.from(text, 'utf8');
			return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
		}
		case 'utf16le': {
			const body = Buffer.from(text, 'utf16le');
			return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
		}
		case 'utf16be': {
			const body = Buffer.from(text, 'utf16le').swap16();
			return bom ? Buffer.concat([Buffer.from([0xfe, 0xff]), body]) : body;
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Text → schema

export function parseSchemaText(text: string, origin: string): SynchronizationSchema {
	const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	if (body.trim() === '') throw new SchemaFileError(`${origin}: the file is empty`);
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

// ---------------------------------------------------------------------------------------------
// Shape check

/**
 * Verify what the rest of the program relies on (arrays are arrays, names are strings) and say exactly where
 * it is wrong. Unknown properties are ignored. It walks 20 MB schemas, so it allocates nothing unless it fails.
 */
export function checkSchemaShape(value: unknown, origin: string): asserts value is SynchronizationSchema {
	const prefix = `${origin}: not a synchronization schema:`;
	const mistake = recognizeMistake(value);
	if (mistake) throw new SchemaFileError(`${origin}: ${mistake}`, {pointer: ''});
	const root = value as Record<string, unknown>;
	const problem = checkRules(root.synchronizationRules) ?? checkDirectories(root.directories);
	if (problem) throw new SchemaFileError(`${prefix} ${problem.message}`, {pointer: problem.pointer});
}

type ShapeProblem = {pointer: string; message: string};

function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return 'a string';
	if (typeof value === 'number') return 'a number';
	if (typeof value === 'boolean') return 'a boolean';
	return typeof value;
}

function wrongType(segments: (string | number)[], value: unknown, expected: string): ShapeProblem {
	const pointer = pointerOf(segments);
	const what = value === undefined ? 'is missing' : `is ${describeValue(value)}`;
	return {pointer, message: `${pointer} ${what}, expected ${expected}`};
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);
const isOptionalArray = (value: unknown) => value === undefined || value === null || Array.isArray(value);
const isOptionalString = (value: unknown) => value === undefined || value === null || typeof value === 'string';
const isOptionalObject = (value: unknown) => value === undefined || value === null || isObject(value);

function recognizeMistake(value: unknown): string | undefined {
	if (Array.isArray(value)) {
		const first = value[0];
		if (isObject(first) && typeof first.op === 'string' && typeof first.path === 'string') {
			return 'this is a JSON Patch (RFC 6902) document, not a synchronization schema; open the schema it applies to instead';
		}
		return `not a synchronization schema: the top level is an array (${value.length} items), expected an object`;
	}
	if (!isObject(value)) return `not a synchronization schema: the top level is ${describeValue(value)}, expected an object`;
	if ('synchronizationRules' in value || 'directories' in value) return undefined;

	const jobHint = 'export GET /servicePrincipals/{id}/synchronization/jobs/{jobId}/schema instead';
	if (isObject(value.error) && (typeof value.error.code === 'string' || typeof value.error.message === 'string')) {
		return `this is a Graph error response (${String(value.error.code)}: ${String(value.error.message)}), not a schema`;
	}
	if (Array.isArray(value.value)) {
		const items = value.value;
		const first: unknown = items[0];
		const count = `${items.length} item${items.length === 1 ? '' : 's'}`;
		if (isObject(first) && ('templateId' in first || 'schedule' in first)) {
			return `this is a list of synchronization jobs (${count}, from GET …/synchronization/jobs), not a schema; ${jobHint}`;
		}
		if (isObject(first) && ('synchronizationRules' in first || 'directories' in first)) {
			return `this is a Graph collection ({"value": [...]}) holding ${count}; save a single schema (one element of /value) on its own`;
		}
		if (isObject(first) && 'objects' in first && 'name' in first) {
			return `this is only the schema's directory list (GET …/schema/directories); ${jobHint}`;
		}
		if (isObject(first) && ('appId' in first || 'servicePrincipalType' in first)) {
			return `this is a list of service principals (${count}), not a schema; ${jobHint}`;
		}
		return `this is a Graph collection response ({"value": [...]}, ${count}), not a single synchronization schema; ${jobHint}`;
	}
	if (isObject(value.schema) && ('synchronizationRules' in value.schema || 'directories' in value.schema)) {
		const what = 'factoryTag' in value ? 'a synchronization template' : 'templateId' in value ? 'a synchronization job' : 'an object';
		return `this is ${what} with the schema nested under /schema; save the schema on its own`;
	}
	if ('templateId' in value && ('schedule' in value || 'status' in value)) {
		return `this is a synchronization job, not its schema; ${jobHint}`;
	}
	return 'not a synchronization schema: no "synchronizationRules" or "directories" property (is this a job list or a whole Graph response?)';
}

/** Deeper than any real parameter tree; stops a hostile file from overflowing the stack. */
const maxSourceDepth = 500;

function checkRules(rules: unknown): ShapeProblem | undefined {
	if (!isOptionalArray(rules)) return wrongType(['synchronizationRules'], rules, 'an array');
	if (!rules) return undefined;
	for (let r = 0; r < rules.length; r++) {
		const rule: unknown = rules[r];
		const at = (...rest: (string | number)[]) => ['synchronizationRules', r, ...rest];
		if (!isObject(rule)) return wrongType(at(), rule, 'an object');
		for (const key of ['name', 'sourceDirectoryName', 'targetDirectoryName'] as const) {
			if (!isOptionalString(rule[key])) return wrongType(at(key), rule[key], 'a string');
		}
		if (!isOptionalArray(rule.metadata)) return wrongType(at('metadata'), rule.metadata, 'an array');
		const mappings = rule.objectMappings;
		if (!isOptionalArray(mappings)) return wrongType(at('objectMappings'), mappings, 'an array');
		if (!mappings) continue;
		for (let m = 0; m < mappings.length; m++) {
			const problem = checkObjectMapping(mappings[m], ['synchronizationRules', r, 'objectMappings', m]);
			if (problem) return problem;
		}
	}
	return undefined;
}

function checkObjectMapping(mapping: unknown, at: (string | number)[]): ShapeProblem | undefined {
	if (!isObject(mapping)) return wrongType(at, mapping, 'an object');
	for (const key of ['name', 'sourceObjectName', 'targetObjectName', 'flowTypes'] as const) {
		if (!isOptionalString(mapping[key])) return wrongType([...at, key], mapping[key], 'a string');
	}
	if (!isOptionalArray(mapping.metadata)) return wrongType([...at, 'metadata'], mapping.metadata, 'an array');
	const scopeProblem = checkScope(mapping.scope, [...at, 'scope']);
	if (scopeProblem) return scopeProblem;
	const attributeMappings = mapping.attributeMappings;
	if (!isOptionalArray(attributeMappings)) return wrongType([...at, 'attributeMappings'], attributeMappings, 'an array');
	if (!attributeMappings) return undefined;
	for (let a = 0; a < attributeMappings.length; a++) {
		const attributeMapping: unknown = attributeMappings[a];
		if (!isObject(attributeMapping) || typeof attributeMapping.targetAttributeName !== 'string') {
			const path = [...at, 'attributeMappings', a];
			return isObject(attributeMapping)
				? wrongType([...path, 'targetAttributeName'], attributeMapping.targetAttributeName, 'a string')
				: wrongType(path, attributeMapping, 'an object');
		}
		if (!isOptionalString(attributeMapping.defaultValue)) {
			return wrongType([...at, 'attributeMappings', a, 'defaultValue'], attributeMapping.defaultValue, 'a string');
		}
		const source = attributeMapping.source;
		if (source !== undefined && source !== null) {
			at.push('attributeMappings', a, 'source');
			const problem = checkSource(source, at, 0);
			at.length -= 3;
			if (problem) return problem;
		}
	}
	return undefined;
}

/** `path` is shared and restored on return, so the walk allocates only when it reports a problem. */
function checkSource(source: unknown, path: (string | number)[], depth: number): ShapeProblem | undefined {
	if (!isObject(source)) return wrongType(path, source, 'an object');
	if (depth > maxSourceDepth) return {pointer: pointerOf(path), message: `${pointerOf(path)} is nested too deeply`};
	for (const key of ['type', 'name', 'expression'] as const) {
		if (!isOptionalString(source[key])) return wrongType([...path, key], source[key], 'a string');
	}
	const parameters = source.parameters;
	if (!isOptionalArray(parameters)) return wrongType([...path, 'parameters'], parameters, 'an array');
	if (!parameters) return undefined;
	for (let p = 0; p < parameters.length; p++) {
		const parameter: unknown = parameters[p];
		if (!isObject(parameter)) return wrongType([...path, 'parameters', p], parameter, 'an object');
		if (parameter.value === null || parameter.value === undefined) continue;
		path.push('parameters', p, 'value');
		const problem = checkSource(parameter.value, path, depth + 1);
		path.length -= 3;
		if (problem) return problem;
	}
	return undefined;
}

function checkScope(scope: unknown, at: (string | number)[]): ShapeProblem | undefined {
	if (!isOptionalObject(scope)) return wrongType(at, scope, 'an object');
	if (!scope) return undefined;
	for (const key of ['categoryFilterGroups', 'groups', 'inputFilterGroups'] as const) {
		const groups = (scope as Record<string, unknown>)[key];
		if (!isOptionalArray(groups)) return wrongType([...at, key], groups, 'an array');
		if (!groups) continue;
		for (let g = 0; g < groups.length; g++) {
			const group: unknown = groups[g];
			if (!isObject(group)) return wrongType([...at, key, g], group, 'an object');
			if (!isOptionalArray(group.clauses)) return wrongType([...at, key, g, 'clauses'], group.clauses, 'an array');
			const clauses = group.clauses ?? [];
			for (let c = 0; c < clauses.length; c++) {
				if (!isObject(clauses[c])) return wrongType([...at, key, g, 'clauses', c], clauses[c], 'an object');
			}
		}
	}
	return undefined;
}

function checkDirectories(directories: unknown): ShapeProblem | undefined {
	if (!isOptionalArray(directories)) return wrongType(['directories'], directories, 'an array');
	if (!directories) return undefined;
	for (let d = 0; d < directories.length; d++) {
		const directory: unknown = directories[d];
		if (!isObject(directory)) return wrongType(['directories', d], directory, 'an object');
		if (typeof directory.name !== 'string') return wrongType(['directories', d, 'name'], directory.name, 'a string');
		const objects = directory.objects;
		if (!isOptionalArray(objects)) return wrongType(['directories', d, 'objects'], objects, 'an array');
		if (!objects) continue;
		for (let o = 0; o < objects.length; o++) {
			const object: unknown = objects[o];
			if (!isObject(object)) return wrongType(['directories', d, 'objects', o], object, 'an object');
			if (typeof object.name !== 'string') return wrongType(['directories', d, 'objects', o, 'name'], object.name, 'a string');
			if (!isOptionalArray(object.metadata)) {
				return wrongType(['directories', d, 'objects', o, 'metadata'], object.metadata, 'an array');
			}
			const attributes = object.attributes;
			if (!isOptionalArray(attributes)) return wrongType(['directories', d, 'objects', o, 'attributes'], attributes, 'an array');
			if (!attributes) continue;
			for (let a = 0; a < attributes.length; a++) {
				const attribute: unknown = attributes[a];
				if (!isObject(attribute)) return wrongType(['directories', d, 'objects', o, 'attributes', a], attribute, 'an object');
				if (typeof attribute.name !== 'string') {
					return wrongType(['directories', d, 'objects', o, 'attributes', a, 'name'], attribute.name, 'a string');
				}
				if (!isOptionalArray(attribute.referencedObjects)) {
					const path = ['directories', d, 'objects', o, 'attributes', a, 'referencedObjects'];
					return wrongType(path, attribute.referencedObjects, 'an array');
				}
			}
		}
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Files

export async function loadSchemaFile(path: string): Promise<LoadedSchema> {
	const stats = await stat(path).catch((error: unknown) => {
		throw fileSystemError(path, error);
	});
	if (stats.isDirectory()) throw new SchemaFileError(`${path}: is a directory; give the path of a .json schema file`);
	if (!stats.isFile()) throw new SchemaFileError(`${path}: is not a regular file (a device, socket or pipe); save the schema to a file first`);
	if (stats.size > maxSchemaFileBytes) {
		throw new SchemaFileError(
			`${path}: the file is ${formatMegabytes(stats.size)}, larger than the ${formatMegabytes(maxSchemaFileBytes)} limit; synchronization schemas are normally under 20 MB, so check that this is the right file`,
		);
	}
	const bytes = await readFile(path).catch((error: unknown) => {
		throw fileSystemError(path, error);
	});
	let decoded: ReturnType<typeof decodeSchemaBytes>;
	try {
		decoded = decodeSchemaBytes(bytes);
	} catch (error) {
		if (error instanceof SchemaFileError) throw new SchemaFileError(`${path}: ${error.message}`, {cause: error.cause});
		throw error;
	}
	const {text, encoding, bom} = decoded;
	const schema = parseSchemaText(text, path);
	return {schema, text, encoding, bom, ...detectTextStyle(text), bytes, path};
}

export function formatMegabytes(bytes: number): string {
	return `${Math.round(bytes / (1024 * 1024))} MB`;
}

function fileSystemError(path: string, error: unknown): SchemaFileError {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const reason =
		code === 'ENOENT'
			? `file not found (looked in ${process.cwd()} for relative paths)`
			: code === 'EACCES' || code === 'EPERM'
				? 'permission denied; check the file permissions, or run as a user who can read it'
				: code === 'EISDIR'
					? 'is a directory; give the path of a .json schema file'
					: code === 'ENOTDIR'
						? 'a part of the path is not a directory'
						: code === 'ELOOP'
							? 'too many symbolic links in the path'
							: code === 'EMFILE' || code === 'ENFILE'
								? 'too many open files; close other programs and try again'
								: `cannot read the file (${code ?? (error instanceof Error ? error.message : String(error))})`;
	return new SchemaFileError(`${path}: ${reason}`, {cause: error});
}

// ---------------------------------------------------------------------------------------------
// Schema → bytes

export function detectTextStyle(text: string): {eol: '\n' | '\r\n'; indent: string; finalNewline: boolean; flavor: JsonFlavor} {
	const firstNewline = text.indexOf('\n');
	const eol = firstNewline > 0 && text[firstNewline - 1] === '\r' ? '\r\n' : '\n';
	const finalNewline = text.endsWith('\n');
	// The first indented line (the first property) shows one level of indentation.
	const indentMatch = /\n([ \t]+)\S/.exec(text);
	const indent = firstNewline === -1 ? '' : (indentMatch?.[1] ?? '');
	const separatorMatch = /^\uFEFF?\s*\{\s*"(?:[^"\\]|\\.)*":( *)/.exec(text);
	// Two spaces after the colon is the Windows PowerShell signature, even if the line endings were converted since.
	const flavor: JsonFlavor = separatorMatch?.[1] === '  ' ? 'windows-powershell' : 'standard';
	return {eol, indent, finalNewline, flavor};
}

export function serializeSchema(schema: SynchronizationSchema, style: SchemaFileStyle): Buffer {
	const bom = style.bom ?? style.encoding !== 'utf8';
	if (style.originalText !== undefined && sameJson(schema, style.originalText)) {
		// The BOM is written from the style; a BOM character left in the text must not be written twice.
		const original = bom && style.originalText.charCodeAt(0) === 0xfeff ? style.originalText.slice(1) : style.originalText;
		return encodeSchemaText(original, style.encoding, bom);
	}
	let text =
		style.flavor === 'windows-powershell'
			? formatLikeWindowsPowerShell(JSON.stringify(schema))
			: JSON.stringify(schema, null, style.indent === '' ? undefined : style.indent);
	// Both formatters emit one kind of line break (JSON.stringify "\n", PowerShell "\r\n"); strings keep theirs escaped.
	const producedEol = style.flavor === 'windows-powershell' ? '\r\n' : '\n';
	if (producedEol !== style.eol) text = text.replaceAll(producedEol, style.eol);
	if (style.finalNewline) text += style.eol;
	return encodeSchemaText(text, style.encoding, bom);
}

/** Key order matters: a reordered document is a change the user should be able to save. */
function sameJson(schema: SynchronizationSchema, originalText: string): boolean {
	try {
		const body = originalText.charCodeAt(0) === 0xfeff ? originalText.slice(1) : originalText;
		return JSON.stringify(schema) === JSON.stringify(JSON.parse(body));
	} catch {
		return false;
	}
}

export async function saveSchemaFile(
	path: string,
	schema: SynchronizationSchema,
	style: SchemaFileStyle,
	options?: {mode?: number},
): Promise<void> {
	await writeFileAtomic(path, serializeSchema(schema, style), options);
}

/**
 * Windows PowerShell 5.1 `ConvertTo-Json` output: the compact JSON of .NET's JavaScriptSerializer, which escapes
 * HTML-sensitive characters, re-indented by PowerShell's ConvertToPrettyJsonString (`"key":  value`, nested values
 * aligned under the column after their key, empty arrays split over two lines, CRLF).
 * A port of that algorithm (PowerShell v5 ConvertToJsonCommand.cs), so edited files keep their layout.
 */
export function formatLikeWindowsPowerShell(compactJson: string): string {
	const json = compactJson.replace(/[&'<>\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	const out: string[] = [];
	const spaces = (count: number) => ' '.repeat(count);
	const structural = /[{}[\]",:]/g;

	/** Returns the index of the closing quote; the string's text is appended as is. */
	const quoted = (start: number): number => {
		let end = json.indexOf('"', start);
		while (end !== -1) {
			let backslashes = 0;
			for (let j = end - 1; json[j] === '\\'; j--) backslashes++;
			if (backslashes % 2 === 0) break;
			end = json.indexOf('"', end + 1);
		}
		if (end === -1) throw new Error('unterminated string in JSON');
		out.push(json.slice(start, end + 1));
		return end;
	};
	/** Literals and numbers: the run of characters up to the next structural character. */
	const literalEnd = (start: number): number => {
		structural.lastIndex = start;
		return structural.exec(json)?.index ?? json.length;
	};

	const list = (start: number, padString: string, numberOfSpaces: number): number => {
		out.push('\r\n');
		const newPad = `${padString}${spaces(numberOfSpaces)}    `;
		let headChar = true;
		for (let i = start; i < json.length; i++) {
			const c = json[i];
			if (c === '{') {
				out.push(newPad, '{');
				i = dictionary(i + 1, newPad, 0);
				headChar = false;
			} else if (c === '[') {
				out.push(newPad, '[');
				i = list(i + 1, newPad, 0);
				headChar = false;
			} else if (c === ']') {
				out.push('\r\n', padString, spaces(numberOfSpaces), ']');
				return i;
			} else if (c === '"') {
				if (headChar) out.push(newPad);
				out.push('"');
				i = quoted(i + 1);
				headChar = false;
			} else if (c === ',') {
				out.push(',\r\n');
				headChar = true;
			} else {
				if (headChar) out.push(newPad);
				const end = literalEnd(i);
				out.push(json.slice(i, end));
				i = end - 1;
				headChar = false;
			}
		}
		throw new Error('unterminated array in JSON');
	};

	const dictionary = (start: number, padString: string, numberOfSpaces: number): number => {
		out.push('\r\n');
		const newPad = `${padString}${spaces(numberOfSpaces)}    `;
		let headChar = true;
		let beforeQuote = true;
		let newSpaceCount = 0;
		for (let i = start; i < json.length; i++) {
			const c = json[i];
			if (c === '{') {
				out.push('{');
				i = dictionary(i + 1, newPad, newSpaceCount);
				headChar = false;
			} else if (c === '[') {
				out.push('[');
				i = list(i + 1, newPad, newSpaceCount);
				headChar = false;
			} else if (c === '}') {
				out.push('\r\n', padString, spaces(numberOfSpaces), '}');
				return i;
			} else if (c === '"') {
				if (headChar) out.push(newPad);
				out.push('"');
				const end = quoted(i + 1);
				if (beforeQuote) newSpaceCount += end - i + 1;
				i = end;
				headChar = false;
			} else if (c === ':') {
				out.push(':  ');
				newSpaceCount += 3;
				headChar = false;
				beforeQuote = false;
			} else if (c === ',') {
				out.push(',\r\n');
				headChar = true;
				beforeQuote = true;
				newSpaceCount = 0;
			} else {
				if (headChar) out.push(newPad);
				const end = literalEnd(i);
				out.push(json.slice(i, end));
				if (beforeQuote) newSpaceCount += end - i;
				i = end - 1;
				headChar = false;
			}
		}
		throw new Error('unterminated object in JSON');
	};

	if (json.startsWith('{')) {
		out.push('{');
		dictionary(1, '', 0);
	} else if (json.startsWith('[')) {
		out.push('[');
		list(1, '', 0);
	} else {
		return json;
	}
	return out.join('');
}
