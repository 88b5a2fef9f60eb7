import {mkdir, mkdtemp, rm, truncate, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
	type LoadedSchema,
	SchemaFileError,
	type SchemaEncoding,
	decodeSchemaBytes,
	detectTextStyle,
	encodeSchemaText,
	formatLikeWindowsPowerShell,
	lineAndColumn,
	loadSchemaFile,
	locateJsonSyntaxError,
	maxSchemaFileBytes,
	parseSchemaText,
	serializeSchema,
} from '../../source/schema/load.js';
import {parsePointer, pointerOf, resolvePointer} from '../../source/schema/pointer.js';
import {fixtureBytes, fixturePath, fixtureText, parseFixture} from './fixture.js';

let directory: string;

beforeAll(async () => {
	directory = await mkdtemp(path.join(tmpdir(), 'pvx-load-'));
});

afterAll(async () => {
	await rm(directory, {recursive: true, force: true});
});

async function writeTemporary(name: string, content: string | Uint8Array): Promise<string> {
	const file = path.join(directory, name);
	await writeFile(file, content);
	return file;
}

function errorOf(run: () => unknown): SchemaFileError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(SchemaFileError);
		const schemaError = error as SchemaFileError;
		expect(schemaError.message).not.toMatch(/[\r\n]/);
		return schemaError;
	}
	throw new Error('expected a SchemaFileError');
}

async function loadErrorOf(file: string): Promise<SchemaFileError> {
	const error = await loadSchemaFile(file).then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(SchemaFileError);
	const schemaError = error as SchemaFileError;
	expect(schemaError.message).not.toMatch(/[\r\n]/);
	return schemaError;
}

const encodings: {encoding: SchemaEncoding; bom: boolean}[] = [
	{encoding: 'utf8', bom: false},
	{encoding: 'utf8-bom', bom: true},
	{encoding: 'utf16le', bom: true},
	{encoding: 'utf16be', bom: true},
	{encoding: 'utf16le', bom: false},
	{encoding: 'utf16be', bom: false},
];
const lineEndings = ['\r\n', '\n'] as const;

const variants = encodings.flatMap(({encoding, bom}) =>
	lineEndings.flatMap((eol) =>
		[false, true].map((finalNewline) => ({
			name: `${encoding}${bom ? '+BOM' : ''} ${eol === '\n' ? 'LF' : 'CRLF'}${finalNewline ? ' +final newline' : ''}`,
			encoding,
			bom,
			eol,
			finalNewline,
		})),
	),
);

describe('fixture formatting', () => {
	it('is exactly JSON.stringify(…, null, 4) with CRLF line breaks and no final newline', () => {
		expect(JSON.stringify(parseFixture(), null, 4).replaceAll('\n', '\r\n')).toBe(fixtureText);
	});

	it('detects its style', () => {
		expect(detectTextStyle(fixtureText)).toEqual({eol: '\r\n', indent: '    ', finalNewline: false, flavor: 'standard'});
	});
});

describe('decodeSchemaBytes', () => {
	it.each(encodings)('decodes $encoding (BOM: $bom) to the same text', ({encoding, bom}) => {
		const bytes = encodeSchemaText(fixtureText, encoding, bom);
		expect(decodeSchemaBytes(bytes)).toEqual({text: fixtureText, encoding, bom});
	});

	it('rejects invalid UTF-8', () => {
		const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xc3, 0x28, 0x7d]);
		expect(errorOf(() => decodeSchemaBytes(bytes)).message).toMatch(/not valid UTF-8 text/);
	});

	it('rejects binary files and says what they are', () => {
		const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xd8]);
		expect(errorOf(() => decodeSchemaBytes(png)).message).toMatch(/not valid UTF-8|binary/);
		const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]);
		expect(errorOf(() => decodeSchemaBytes(zip)).message).toMatch(/ZIP archive/);
		const nul = Buffer.from('{"a":\u0000}', 'utf8');
		expect(errorOf(() => decodeSchemaBytes(nul)).message).toMatch(/binary file/);
		const utf32 = Buffer.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0]);
		expect(errorOf(() => decodeSchemaBytes(utf32)).message).toMatch(/UTF-32/);
	});

	it('rejects truncated UTF-16', () => {
		const bytes = encodeSchemaText('{"a": 1}', 'utf16le').subarray(0, 9);
		expect(errorOf(() => decodeSchemaBytes(bytes)).message).toMatch(/not valid UTF-16LE/);
	});
});

describe('loading every encoding and line ending', () => {
	const fixture = parseFixture();
	const loaded = new Map<string, {file: string; bytes: Buffer; result: LoadedSchema}>();

	beforeAll(async () => {
		for (const variant of variants) {
			let text = variant.eol === '\r\n' ? fixtureText : fixtureText.replaceAll('\r\n', '\n');
			if (variant.finalNewline) text += variant.eol;
			const bytes = encodeSchemaText(text, variant.encoding, variant.bom);
			const file = await writeTemporary(`${variant.name.replaceAll(/\W+/g, '-')}.json`, bytes);
			loaded.set(variant.name, {file, bytes, result: await loadSchemaFile(file)});
		}
	});

	it.each(variants)('$name loads to the same object and detects its style', (variant) => {
		const {result, bytes, file} = loaded.get(variant.name)!;
		expect(result.schema).toEqual(fixture);
		expect(result).toMatchObject({
			encoding: variant.encoding,
			bom: variant.bom,
			eol: variant.eol,
			indent: '    ',
			finalNewline: variant.finalNewline,
			flavor: 'standard',
			path: file,
		});
		expect(result.bytes.equals(bytes)).toBe(true);
	});

	it.each(variants)('$name round-trips byte for byte', (variant) => {
		const {result, bytes} = loaded.get(variant.name)!;
		expect(serializeSchema(result.schema, {...result, originalText: result.text}).equals(bytes)).toBe(true);
		// Even without the original text, the serializer reproduces the file from the detected style.
		expect(serializeSchema(result.schema, result).equals(bytes)).toBe(true);
	});

	it('loads the fixture file itself', async () => {
		const result = await loadSchemaFile(fixturePath);
		expect(result.encoding).toBe('utf8');
		expect(serializeSchema(result.schema, {...result, originalText: result.text}).equals(fixtureBytes)).toBe(true);
	});
});

describe('serializeSchema', () => {
	it('keeps the original bytes when the schema is unchanged, even if the original was not canonical', () => {
		const text = '{"synchronizationRules":[ ],\n  "version" : 1.50, "directories": []}';
		const schema = parseSchemaText(text, 'odd.json');
		const style = {encoding: 'utf8' as const, ...detectTextStyle(text), originalText: text};
		expect(serializeSchema(schema, style).toString('utf8')).toBe(text);
		schema.version = '2';
		expect(serializeSchema(schema, style).toString('utf8')).not.toBe(text);
	});

	it('changes only what was edited, and keeps unknown properties, nulls and key order', () => {
		const schema = parseFixture();
		const mapping = schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings![0]!;
		const before = mapping.targetAttributeName;
		mapping.targetAttributeName = 'edited';
		const text = serializeSchema(schema, {encoding: 'utf8', eol: '\r\n', indent: '    ', originalText: fixtureText}).toString('utf8');
		const changedLines = diffLines(fixtureText, text);
		expect(changedLines).toEqual([[`"targetAttributeName": "${before}",`, '"targetAttributeName": "edited",']]);
	});

	it('preserves unknown properties, nulls and key order through load → edit → save', () => {
		const original = {
			zeta: {unknown: [1, null, {nested: null}]},
			synchronizationRules: [{objectMappings: [{name: null, sourceObjectName: '', attributeMappings: null, extra: 'x'}], id: 'r'}],
			'@odata.context': 'https://example',
			directories: null,
			alpha: null,
		};
		const text = JSON.stringify(original, null, 2);
		const schema = parseSchemaText(text, 'x.json');
		schema.synchronizationRules![0]!.id = 'changed';
		const saved = serializeSchema(schema, {encoding: 'utf8', ...detectTextStyle(text), originalText: text}).toString('utf8');
		const reparsed = JSON.parse(saved) as Record<string, unknown>;
		expect(Object.keys(reparsed)).toEqual(['zeta', 'synchronizationRules', '@odata.context', 'directories', 'alpha']);
		expect(reparsed).toEqual({...original, synchronizationRules: [{...original.synchronizationRules[0], id: 'changed'}]});
		expect(saved).toBe(JSON.stringify(reparsed, null, 2));
	});

	it('writes compact JSON when the original was on one line', () => {
		const text = '{"directories":[],"synchronizationRules":[]}';
		const schema = parseSchemaText(text, 'x.json');
		schema.directories = null;
		const style = {encoding: 'utf8' as const, ...detectTextStyle(text)};
		expect(serializeSchema(schema, style).toString('utf8')).toBe('{"directories":null,"synchronizationRules":[]}');
	});
});

describe('Windows PowerShell 5.1 ConvertTo-Json layout', () => {
	// Hand-derived from PowerShell v5's ConvertToPrettyJsonString: values aligned under the column after their key,
	// empty arrays on two lines, HTML-sensitive characters escaped by JavaScriptSerializer.
	const expected = [
		'{',
		'    "a":  1,',
		'    "bb":  {',
		'               "c":  [',
		'                         1,',
		'                         2',
		'                     ],',
		'               "d":  [',
		'',
		'                     ]',
		'           },',
		'    "e":  [',
		'              {',
		'                  "f":  "x"',
		'              }',
		'          ],',
		'    "g":  "\\u003c\\u0026\\u0027\\u003e \\"q\\" é"',
		'}',
	].join('\r\n');

	it('reproduces the layout', () => {
		const value = {a: 1, bb: {c: [1, 2], d: []}, e: [{f: 'x'}], g: `<&'> "q" é`};
		expect(formatLikeWindowsPowerShell(JSON.stringify(value))).toBe(expected);
		expect(JSON.parse(expected)).toEqual(value);
	});

	it('is detected and kept when saving an edited file', async () => {
		const fixture = parseFixture();
		const text = `${formatLikeWindowsPowerShell(JSON.stringify(fixture))}\r\n`;
		const file = await writeTemporary('powershell.json', encodeSchemaText(text, 'utf16le'));
		const loaded = await loadSchemaFile(file);
		expect(loaded).toMatchObject({encoding: 'utf16le', bom: true, eol: '\r\n', finalNewline: true, flavor: 'windows-powershell'});
		expect(loaded.schema).toEqual(fixture);
		expect(serializeSchema(loaded.schema, loaded).equals(loaded.bytes)).toBe(true);

		loaded.schema.version = 'edited';
		fixture.version = 'edited';
		const saved = serializeSchema(loaded.schema, {...loaded, originalText: loaded.text});
		expect(decodeSchemaBytes(saved).text).toBe(`${formatLikeWindowsPowerShell(JSON.stringify(fixture))}\r\n`);
	});

	it('is still recognised after the line endings were converted to LF', () => {
		const text = formatLikeWindowsPowerShell(JSON.stringify({directories: [], id: 'x'})).replaceAll('\r\n', '\n');
		const style = detectTextStyle(text);
		expect(style).toMatchObject({eol: '\n', flavor: 'windows-powershell'});
		const schema = parseSchemaText(text, 'x.json');
		schema.id = 'y';
		expect(serializeSchema(schema, {encoding: 'utf8', ...style}).toString('utf8')).toBe(text.replace('"x"', '"y"'));
	});

	it('does not write a BOM twice when the original text still holds one', () => {
		const text = '\uFEFF{"directories": []}';
		const schema = parseSchemaText(text, 'x.json');
		const bytes = serializeSchema(schema, {encoding: 'utf8-bom', eol: '\n', indent: '', originalText: text});
		expect([...bytes.subarray(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x7b]);
	});
});

describe('parseSchemaText syntax errors', () => {
	it('reports an empty file', () => {
		expect(errorOf(() => parseSchemaText('', 'schema.json')).message).toBe('schema.json: the file is empty');
		expect(errorOf(() => parseSchemaText(' \r\n\t', 'schema.json')).message).toBe('schema.json: the file is empty');
	});

	it('reports line and column of an unexpected token in CRLF text', () => {
		const text = '{\r\n    "directories": [\r\n        {"name": "x",}\r\n    ]\r\n}';
		const error = errorOf(() => parseSchemaText(text, 'schema.json'));
		expect(error.message).toBe("schema.json: not valid JSON at line 3, column 22: trailing comma before '}'");
		expect([error.line, error.column]).toEqual([3, 22]);
	});

	it('reports the position V8 gives no position for ("Unexpected token")', () => {
		const text = '{\n  "a": }';
		expect(errorOf(() => parseSchemaText(text, 's.json')).message).toBe("s.json: not valid JSON at line 2, column 8: unexpected '}'");
	});

	it('reports a truncated file at its end', () => {
		const cut = fixtureText.slice(0, 200_000);
		const error = errorOf(() => parseSchemaText(cut, 'schema.json'));
		const end = lineAndColumn(cut, cut.length);
		expect(error.message).toMatch(
			`schema.json: not valid JSON at line ${end.line}, column ${end.column}: unexpected end of input`,
		);
		expect(error.message).toMatch(/\(is the file truncated\?\)$/);
		expect(end.line).toBe(cut.split('\n').length);
	});

	it.each([
		['{"a": 1 "b": 2}', 1, 9, "expected ',' or '}' after a property value"],
		["{'a': 1}", 1, 2, "expected a property name in double quotes, found '''"],
		['{a: 1}', 1, 2, 'property names must be in double quotes'],
		['{"a": [1, 2,]}', 1, 13, "trailing comma before ']'"],
		['{"a": "x\ny"}', 1, 9, 'line break inside a string'],
		['{"a": 1} // note', 1, 10, 'unexpected text after the end of the JSON document'],
		['// comment\n{}', 1, 1, 'comments are not allowed in JSON'],
		['{"a": tru}', 1, 7, "unexpected 't'"],
		['{"a": 01}', 1, 7, 'invalid number'],
		['{"a": "\\x"}', 1, 8, 'bad escape sequence in string'],
		['{"a": "abc', 1, 11, 'unexpected end of input inside a string (is the file truncated?)'],
		['{"a": [1, {"b": ', 1, 17, 'unexpected end of input (is the file truncated?)'],
		['{"a": \u0001}', 1, 7, 'unexpected character U+0001'],
	])('%j → line %i, column %i: %s', (text, line, column, reason) => {
		const error = errorOf(() => parseSchemaText(text, 'f.json'));
		expect(error.message).toContain(`f.json: not valid JSON at line ${line}, column ${column}: ${reason}`);
	});

	it('finds no error in valid JSON and handles deep nesting without recursion', () => {
		expect(locateJsonSyntaxError(fixtureText)).toBeUndefined();
		const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
		expect(locateJsonSyntaxError(deep)).toBeUndefined();
		expect(locateJsonSyntaxError(`${'['.repeat(100_000)}`)?.reason).toMatch(/end of input/);
	});
});

describe('parseSchemaText shape check', () => {
	const message = (value: unknown) => errorOf(() => parseSchemaText(JSON.stringify(value), 'schema.json')).message;

	it('recognizes a list of synchronization jobs', () => {
		const jobs = {value: [{id: 'AD2AADProvisioning.x.y', templateId: 'AD2AADProvisioning', schedule: {}, status: {code: 'Active'}}]};
		expect(message(jobs)).toBe(
			'schema.json: this is a list of synchronization jobs (1 item, from GET …/synchronization/jobs), not a schema; export GET /servicePrincipals/{id}/synchronization/jobs/{jobId}/schema instead',
		);
	});

	it('recognizes other Graph collections', () => {
		expect(message({value: [1, 2]})).toMatch(/^schema\.json: this is a Graph collection response \({"value": \[\.\.\.]}, 2 items\)/);
		expect(message({value: [{synchronizationRules: []}]})).toMatch(/Graph collection .* holding 1 item; save a single schema/);
		expect(message({'@odata.context': 'x', value: [{appId: 'a', id: 'b'}]})).toMatch(/list of service principals/);
	});

	it('recognizes a JSON Patch document', () => {
		expect(message([{op: 'replace', path: '/version', value: 'x'}])).toBe(
			'schema.json: this is a JSON Patch (RFC 6902) document, not a synchronization schema; open the schema it applies to instead',
		);
	});

	it('recognizes a job, a Graph error and a nested schema', () => {
		expect(message({id: 'j', templateId: 't', schedule: {interval: 'PT40M'}, status: {}})).toMatch(/a synchronization job, not its schema/);
		expect(message({error: {code: 'Authorization_RequestDenied', message: 'Insufficient privileges'}})).toBe(
			'schema.json: this is a Graph error response (Authorization_RequestDenied: Insufficient privileges), not a schema',
		);
		expect(message({id: 't', factoryTag: 'x', schema: {directories: []}})).toMatch(/a synchronization template with the schema nested under \/schema/);
	});

	it('says when neither rules nor directories exist', () => {
		expect(message({id: 'x'})).toBe(
			'schema.json: not a synchronization schema: no "synchronizationRules" or "directories" property (is this a job list or a whole Graph response?)',
		);
		expect(message('text')).toMatch(/the top level is a string, expected an object/);
		expect(message([1, 2])).toMatch(/the top level is an array \(2 items\), expected an object/);
	});

	/** Set (or, for undefined, delete) the value at a pointer in a copy of the fixture and return its JSON. */
	function fixtureWith(pointer: string, value: unknown): string {
		const schema = parseFixture();
		const segments = parsePointer(pointer)!;
		const parent = resolvePointer(schema, pointerOf(segments.slice(0, -1))) as Record<string, unknown>;
		const key = segments.at(-1)!;
		if (value === undefined) delete parent[key];
		else parent[key] = value;
		return JSON.stringify(schema);
	}

	it('gives the JSON Pointer of a wrong type deep inside', () => {
		const pointer = '/synchronizationRules/0/objectMappings/1/attributeMappings';
		const error = errorOf(() => parseSchemaText(fixtureWith(pointer, 'oops'), 'schema.json'));
		expect(error.message).toBe(
			'schema.json: not a synchronization schema: /synchronizationRules/0/objectMappings/1/attributeMappings is a string, expected an array',
		);
		expect(error.pointer).toBe(pointer);
	});

	it.each([
		['/synchronizationRules/0/objectMappings/0/attributeMappings/13/source/parameters/0/value/parameters', 7, 'is a number, expected an array'],
		['/synchronizationRules/0/objectMappings/0/attributeMappings/2/targetAttributeName', undefined, 'is missing, expected a string'],
		['/directories/1/objects/0/attributes/3', null, 'is null, expected an object'],
		['/directories/0/objects/1/name', 5, 'is a number, expected a string'],
		['/directories', {}, 'is an object, expected an array'],
		['/synchronizationRules/0/objectMappings/0/scope/inputFilterGroups/0/clauses', 'x', 'is a string, expected an array'],
		['/synchronizationRules/0/sourceDirectoryName', true, 'is a boolean, expected a string'],
	])('reports %s %s', (pointer, value, problem) => {
		const error = errorOf(() => parseSchemaText(fixtureWith(pointer, value), 'schema.json'));
		expect(error.message).toBe(`schema.json: not a synchronization schema: ${pointer} ${problem}`);
		expect(error.pointer).toBe(pointer);
	});

	it('accepts legal nulls and empty values', () => {
		const schema = {
			synchronizationRules: [{objectMappings: [{name: null, sourceObjectName: '', attributeMappings: null, scope: null}]}, {objectMappings: null}],
			directories: [{name: 'd', objects: null}, {name: 'e', objects: [{name: 'o', attributes: null}]}],
		};
		expect(parseSchemaText(JSON.stringify(schema), 'x')).toEqual(schema);
		expect(parseSchemaText('{"directories": null}', 'x')).toEqual({directories: null});
		const withBom = `\uFEFF${JSON.stringify(schema)}`;
		expect(parseSchemaText(withBom, 'x')).toEqual(schema);
	});
});

describe('loadSchemaFile errors', () => {
	it('reports a missing file', async () => {
		const file = path.join(directory, 'missing.json');
		expect((await loadErrorOf(file)).message).toMatch(/missing\.json: file not found/);
	});

	it('reports a directory', async () => {
		const sub = path.join(directory, 'a-directory');
		await mkdir(sub);
		expect((await loadErrorOf(sub)).message).toBe(`${sub}: is a directory; give the path of a .json schema file`);
	});

	it('reports a path through a file', async () => {
		const file = await writeTemporary('plain.txt', 'x');
		expect((await loadErrorOf(path.join(file, 'schema.json'))).message).toMatch(/a part of the path is not a directory/);
	});

	it('refuses files over the size limit', async () => {
		const file = path.join(directory, 'huge.json');
		await writeFile(file, '{');
		await truncate(file, maxSchemaFileBytes + 1); // sparse: no disk space used
		expect((await loadErrorOf(file)).message).toMatch(/huge\.json: the file is 64 MB, larger than the 64 MB limit/);
		await rm(file);
	});

	it('reports a permission problem', async () => {
		const file = await writeTemporary('secret.json', '{}');
		const {chmod} = await import('node:fs/promises');
		await chmod(file, 0o000);
		if (process.getuid?.() !== 0) {
			expect((await loadErrorOf(file)).message).toMatch(/permission denied/);
			return;
		}
		// Root reads any file (and CI runs as root): ask as an unprivileged user instead.
		await chmod(path.dirname(file), 0o755);
		const loader = new URL('../../source/schema/load.ts', import.meta.url).pathname;
		const script = `import(${JSON.stringify(loader)}).then((m) => m.loadSchemaFile(${JSON.stringify(file)})).then(() => console.log('read'), (e) => console.log(e.message))`;
		const {spawnSync} = await import('node:child_process');
		const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {uid: 65534, gid: 65534, encoding: 'utf8', cwd: process.cwd()});
		expect(result.stdout).toMatch(/secret\.json: permission denied; check the file permissions/);
	});

	it('prefixes decoding and parsing errors with the path', async () => {
		const empty = await writeTemporary('empty.json', '');
		expect((await loadErrorOf(empty)).message).toBe(`${empty}: the file is empty`);
		const binary = await writeTemporary('binary.json', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]));
		expect((await loadErrorOf(binary)).message).toBe(`${binary}: this is a gzip archive (decompress it first), not a JSON text file`);
		const truncated = await writeTemporary('truncated.json', fixtureBytes.subarray(0, 1000));
		const error = await loadErrorOf(truncated);
		expect(error.message).toMatch(/truncated\.json: not valid JSON at line \d+, column \d+: /);
		expect(error.line).toBeGreaterThan(1);
	});
});

function diffLines(before: string, after: string): [string, string][] {
	const a = before.split('\r\n');
	const b = after.split('\r\n');
	expect(b.length).toBe(a.length);
	const changes: [string, string][] = [];
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) changes.push([a[i]!.trim(), b[i]!.trim()]);
	return changes;
}
