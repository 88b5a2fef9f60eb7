/**
 * fast-check arbitraries for hostile-input tests: synchronization schemas of every legal shape (nulls where Graph
 * allows them, unknown extra properties, names with `: - . [ ] / ~ % , =`, unicode, control and BiDi characters),
 * the file layouts other tools write, and JSON Patches against a given schema — valid ones, guarded ones, ones
 * with `[key=value]` selectors, and broken ones.
 */
import fc from 'fast-check';
import type {Operation} from 'fast-json-patch';
import {documentedFilterOperators, documentedFunctions, guardOperations} from '../../source/edit/index.js';
import type {SchemaFileStyle} from '../../source/schema/load.js';
import {escapePointerSegment} from '../../source/schema/pointer.js';
import {
	attributeTypes,
	flowBehaviors,
	flowTypes,
	mutabilities,
	type SynchronizationSchema,
} from '../../source/schema/types.js';

// ---------------------------------------------------------------------------------------------
// Text

/** Names real tenants use, and the characters that break naive parsers of paths, selectors and expressions. */
const awkwardNames = [
	'mail',
	'userPrincipalName',
	'extension_9a8b7c6d_employeeId',
	'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
	'emails[type eq "work"].value',
	'name.givenName',
	'msDS-cloudExtensionAttribute1',
	'a/b',
	'~0~1',
	'[targetAttributeName=mail]',
	'a,b=c%2C',
	'%',
	'',
	' ',
	'名前',
	'Ünïcödé',
	'👩‍💻',
	'\u202Eevil\u202C',
	'zero\u200Bwidth',
	'\x1b[31mred\x1b[0m',
	'\x1b]8;;https://example.test\x07link\x1b]8;;\x07',
	'line\nbreak',
	'tab\there',
	'"quoted"',
	'back\\slash',
	'\ud800lone',
	'__proto__',
	'constructor',
	'toString',
	'valueOf',
	'toJSON',
];

/** Any text a schema value might hold: mostly plausible, sometimes anything at all. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
	{weight: 4, arbitrary: fc.constantFrom(...awkwardNames)},
	{weight: 2, arbitrary: fc.string({unit: 'grapheme', maxLength: 10})},
	{weight: 1, arbitrary: fc.string({unit: 'binary', maxLength: 6})},
	{weight: 1, arbitrary: fc.string({unit: fc.constantFrom(...'[]:-.=,%/~ \\"\'()@\u200d\u0000\u001b'), maxLength: 8})},
);

/** Property names Graph does not send (yet): a loader or editor that drops or reorders them loses data. */
const extraKeys = fc.constantFrom('@odata.type', 'name@odata.type', 'unknownFutureProperty', 'x-vendor', 'émoji😀', 'a:b', '', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'toJSON');

const jsonLeaf = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double({noNaN: true, noDefaultInfinity: true}), anyText);

/** Any JSON value (no -0: JSON cannot hold it), shallow. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
	{weight: 3, arbitrary: jsonLeaf},
	{weight: 1, arbitrary: fc.array(jsonLeaf, {maxLength: 3})},
	{weight: 1, arbitrary: fc.array(fc.tuple(anyText, jsonLeaf), {maxLength: 3}).map((entries) => Object.fromEntries(entries))},
).map((value) => (Object.is(value, -0) ? 0 : value));

/** Adds up to two unknown properties (never one the object already has), as own keys even for `__proto__`. */
function withExtras<T extends object>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T> {
	return fc.tuple(arbitrary, fc.array(fc.tuple(extraKeys, anyJson), {maxLength: 2})).map(([value, extras]) => {
		const entries: [string, unknown][] = Object.entries(value);
		for (const [key, extra] of extras) if (!entries.some(([existing]) => existing === key)) entries.push([key, extra]);
		return Object.fromEntries(entries) as T;
	});
}

const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, {nil: null, freq: 4});
const list = <T>(arbitrary: fc.Arbitrary<T>, maxLength = 3) => nullable(fc.array(arbitrary, {maxLength}));

const keyValue = withExtras(fc.record({key: anyText, value: nullable(anyText)}));

// ---------------------------------------------------------------------------------------------
// Expressions

/** A name usable inside `[…]` of an expression (anything but `]`). */
const bracketName = anyText.map((name) => name.replace(/\]/g, ''));

const expressionLeaf = fc.oneof(
	bracketName.map((name) => `[${name}]`),
	anyText.map((value) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`),
	fc.integer({min: -9999, max: 99999}).map(String),
	fc.constantFrom('&H1F', 'vbTextCompare', 'True'),
);

/** Expression text: mostly well formed (nested calls, comparisons), sometimes anything. */
export const expressionText: fc.Arbitrary<string> = fc.oneof(
	{weight: 4, arbitrary: fc.letrec((tie) => ({
		expression: fc.oneof({depthSize: 'small', withCrossShrink: true}, expressionLeaf, tie('call')),
		call: fc
			.tuple(
				fc.oneof(fc.constantFrom(...documentedFunctions), fc.constantFrom('NoSuchFunction', 'iif')),
				fc.array(fc.oneof(tie('expression'), fc.constant(''), tie('comparison')), {maxLength: 4}),
			)
			.map(([name, args]) => `${name}(${args.join(', ')})`),
		comparison: fc
			.tuple(expressionLeaf, fc.constantFrom('=', '<>', '>=', '<=', '<', '>'), expressionLeaf)
			.map(([left, operator, right]) => `${left} ${operator} ${right}`),
	})).expression as fc.Arbitrary<string>},
	{weight: 1, arbitrary: anyText},
);

// ---------------------------------------------------------------------------------------------
// Schemas

const schemaVersion = fc.constantFrom(
	'Date:2020-04-30T13:58:46.0955403Z, ActivityId:14d3cfa6-cafd-4100-9800-a9c52faad9fe',
	'Date:2025-06-02T08:00:00.0000000Z, ActivityId:00000000-0000-4000-8000-000000000000',
);

/** A schema whose object-mapping and attribute names are drawn, mostly, from its own directories. */
export const schemaArbitrary: fc.Arbitrary<SynchronizationSchema> = fc
	.uniqueArray(anyText, {minLength: 1, maxLength: 5})
	.chain((pool) => {
		const name = fc.oneof({weight: 3, arbitrary: fc.constantFrom(...pool)}, {weight: 1, arbitrary: anyText});
		const attributeDefinition = withExtras(
			fc.record(
				{
					name,
					type: fc.constantFrom(...attributeTypes),
					multivalued: fc.boolean(),
					mutability: fc.constantFrom(...mutabilities),
					required: fc.boolean(),
					anchor: fc.boolean(),
					caseExact: fc.boolean(),
					defaultValue: nullable(anyText),
					flowNullValues: fc.boolean(),
					referencedObjects: list(withExtras(fc.record({referencedObjectName: name, referencedProperty: nullable(name)}))),
					metadata: list(keyValue),
					apiExpressions: list(keyValue),
				},
				{requiredKeys: ['name']},
			),
		);
		const objectDefinition = withExtras(
			fc.record(
				{name, attributes: list(attributeDefinition, 4), metadata: list(keyValue), supportedApis: list(anyText)},
				{requiredKeys: ['name']},
			),
		);
		const directory = withExtras(
			fc.record(
				{
					id: fc.uuid(),
					name,
					objects: list(objectDefinition),
					readOnly: fc.boolean(),
					version: nullable(anyText),
					discoveryDateTime: nullable(fc.constant('2025-06-02T08:00:00Z')),
					discoverabilities: fc.constantFrom('None', 'AttributeNames, AttributeDataTypes'),
				},
				{requiredKeys: ['name']},
			),
		);
		const {source} = fc.letrec((tie) => ({
			source: fc.oneof(
				{depthSize: 'small', withCrossShrink: true},
				withExtras(fc.record({type: fc.constant('Attribute'), name, expression: name.map((each) => `[${each}]`), parameters: list(fc.constant(null), 0)})),
				withExtras(fc.record({type: fc.constant('Constant'), name: anyText, expression: anyText.map((each) => JSON.stringify(each)), parameters: list(fc.constant(null), 0)})),
				withExtras(
					fc.record({
						type: fc.constant('Function'),
						name: fc.constantFrom(...documentedFunctions),
						expression: expressionText,
						parameters: list(withExtras(fc.record({key: anyText, value: nullable(tie('source'))})), 3),
					}),
				),
			),
		}));
		const attributeMapping = withExtras(
			fc.record(
				{
					targetAttributeName: name,
					source: nullable(source),
					defaultValue: nullable(anyText),
					flowBehavior: fc.constantFrom(...flowBehaviors),
					flowType: fc.constantFrom(...flowTypes),
					matchingPriority: fc.nat(3),
					exportMissingReferences: fc.boolean(),
				},
				{requiredKeys: ['targetAttributeName']},
			),
		);
		const clause = withExtras(
			fc.record({
				operatorName: fc.oneof(fc.constantFrom(...documentedFilterOperators), anyText),
				sourceOperandName: name,
				targetOperand: nullable(withExtras(fc.record({values: list(anyText)}))),
			}),
		);
		const group = withExtras(fc.record({name: nullable(anyText), clauses: list(clause, 2)}));
		const scope = withExtras(fc.record({categoryFilterGroups: list(group, 1), groups: list(group, 2), inputFilterGroups: list(group, 1)}, {requiredKeys: []}));
		const objectMapping = withExtras(
			fc.record(
				{
					name: nullable(anyText),
					enabled: fc.boolean(),
					flowTypes: fc.constantFrom('Add, Update, Delete', 'Add, Update', 'None'),
					sourceObjectName: nullable(name),
					targetObjectName: nullable(name),
					scope: nullable(scope),
					attributeMappings: list(attributeMapping, 5),
					metadata: list(keyValue),
				},
				{requiredKeys: ['attributeMappings']},
			),
		);
		const rule = withExtras(
			fc.record(
				{
					id: fc.uuid(),
					name: nullable(anyText),
					sourceDirectoryName: name,
					targetDirectoryName: name,
					priority: fc.nat(10),
					editable: fc.boolean(),
					metadata: list(keyValue),
					objectMappings: list(objectMapping),
					containerFilter: nullable(fc.record({includedContainers: list(anyText)})),
				},
				{requiredKeys: ['objectMappings']},
			),
		);
		return withExtras(
			fc.record(
				{
					'@odata.context': fc.constant('https://graph.microsoft.com/beta/$metadata#servicePrincipals(\'x\')/synchronization/jobs(\'y\')/schema/$entity'),
					id: anyText,
					version: nullable(schemaVersion),
					directories: list(directory, 2),
					synchronizationRules: list(rule, 2),
				},
				{requiredKeys: ['directories', 'synchronizationRules']},
			),
		);
	})
	// What a loader makes of it: plain objects, JSON values only.
	.map((schema) => JSON.parse(JSON.stringify(schema)) as SynchronizationSchema);

// ---------------------------------------------------------------------------------------------
// File layouts

/** The layouts the loader promises to keep: every encoding, BOM or not, LF or CRLF, any indent, both flavours. */
export const styleArbitrary: fc.Arbitrary<SchemaFileStyle> = fc.record({
	encoding: fc.constantFrom('utf8', 'utf8-bom', 'utf16le', 'utf16be'),
	bom: fc.boolean(),
	eol: fc.constantFrom('\n', '\r\n'),
	indent: fc.constantFrom('', '  ', '    ', '\t'),
	finalNewline: fc.boolean(),
	flavor: fc.constantFrom('standard', 'windows-powershell'),
}) as fc.Arbitrary<SchemaFileStyle>;

/**
 * JSON text as a careless tool writes it: the same value, with random (legal) whitespace between tokens and
 * `\uXXXX` escapes where plain characters would do.
 */
export function messyJson(value: unknown, random: () => number): string {
	const space = () => ['', ' ', '\n', '\r\n', '\t', '  \n  '][Math.floor(random() * 6)]!;
	const text = (string: string) =>
		`"${Array.from(string, (character) =>
			/[a-zA-Z]/.test(character) && random() < 0.1 ? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}` : JSON.stringify(character).slice(1, -1),
		).join('')}"`;
	const write = (node: unknown): string => {
		if (Array.isArray(node)) return `[${space()}${node.map((each) => `${write(each)}${space()}`).join(`,${space()}`)}]`;
		if (node !== null && typeof node === 'object') {
			const entries = Object.entries(node).map(([key, each]) => `${space()}${text(key)}${space()}:${space()}${write(each)}${space()}`);
			return `{${entries.join(',')}${entries.length === 0 ? space() : ''}}`;
		}
		return typeof node === 'string' ? text(node) : JSON.stringify(node);
	};
	return `${space()}${write(value)}${space()}`;
}

// ---------------------------------------------------------------------------------------------
// Walking a document

/** Every JSON Pointer in `document` with its value (the root is ''), up to `limit` of them. */
export function pointersIn(document: unknown, limit = 2000): {pointer: string; value: unknown; segments: string[]}[] {
	const found: {pointer: string; value: unknown; segments: string[]}[] = [];
	const walk = (value: unknown, segments: string[]) => {
		if (found.length >= limit) return;
		found.push({pointer: segments.map((segment) => `/${escapePointerSegment(segment)}`).join(''), value, segments});
		if (Array.isArray(value)) {
			for (const [index, each] of value.entries()) walk(each, [...segments, String(index)]);
		} else if (value !== null && typeof value === 'object') for (const [key, each] of Object.entries(value)) walk(each, [...segments, key]);
	};
	walk(document, []);
	return found;
}

const pointerOfSegments = (segments: readonly string[]) => segments.map((segment) => `/${escapePointerSegment(segment)}`).join('');

/** The percent-encoding selectors document for `%`, `,`, `=`, `]` and `/`. */
export function encodeSelectorPart(text: string): string {
	return text.replace(/%/g, '%25').replace(/,/g, '%2C').replace(/=/g, '%3D').replace(/]/g, '%5D').replace(/\//g, '%2F');
}

/**
 * The pointer with array indices, where the element has a text `targetAttributeName` or `name` that is unique
 * in its array, written as `[key=value]` selectors instead.
 */
export function withSelectors(document: unknown, pointer: string, segments: readonly string[], everyOther: boolean): string {
	let current: unknown = document;
	const written: string[] = [];
	let toggle = false;
	for (const segment of segments) {
		if (Array.isArray(current) && /^\d+$/.test(segment)) {
			const element: unknown = current[Number(segment)];
			const key = element && typeof element === 'object' ? ['targetAttributeName', 'name'].find((each) => typeof (element as Record<string, unknown>)[each] === 'string') : undefined;
			const value = key ? String((element as Record<string, unknown>)[key]) : undefined;
			const unique = key && current.filter((each) => each && typeof each === 'object' && (each as Record<string, unknown>)[key] === value).length === 1;
			toggle = !toggle;
			if (unique && (!everyOther || toggle)) {
				written.push(`[${encodeSelectorPart(key)}=${encodeSelectorPart(value!)}]`);
				current = element;
				continue;
			}
		}
		written.push(escapePointerSegment(segment));
		current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[segment] : undefined;
	}
	return segments.length === 0 ? pointer : `/${written.join('/')}`;
}

// ---------------------------------------------------------------------------------------------
// Patches

export type PatchKind = 'valid' | 'guarded' | 'selectors' | 'broken';

/**
 * A JSON Patch for `document`, drawn with `pick` (fc.gen()'s draw function): operations whose paths exist,
 * guarded or not, written with selectors or not — or broken in one of the ways hand-written patches are.
 */
export function drawPatch(document: SynchronizationSchema, draw: <T>(arbitrary: fc.Arbitrary<T>) => T, kind: PatchKind): unknown {
	const pointers = pointersIn(document);
	const existing = () => pointers[draw(fc.nat(pointers.length - 1))]!;
	const operations: Operation[] = [];
	const count = draw(fc.integer({min: 1, max: 4}));
	for (let i = 0; i < count; i++) {
		const target = existing();
		const parentSegments = target.segments.slice(0, -1);
		const op = draw(fc.constantFrom('replace', 'remove', 'add', 'move', 'copy', 'test', 'test-wrong'));
		if (target.segments.length === 0) {
			operations.push({op: 'test', path: '', value: document});
			continue;
		}
		switch (op) {
			case 'replace':
				operations.push({op: 'replace', path: target.pointer, value: draw(anyJson)});
				break;
			case 'remove':
				operations.push({op: 'remove', path: target.pointer});
				break;
			case 'add': {
				const parent = pointers.find((each) => each.pointer === pointerOfSegments(parentSegments))?.value;
				const last = Array.isArray(parent) ? draw(fc.constantFrom('-', '0', target.segments.at(-1)!)) : draw(fc.oneof(fc.constant(target.segments.at(-1)!), anyText));
				operations.push({op: 'add', path: pointerOfSegments([...parentSegments, last]), value: draw(anyJson)});
				break;
			}
			case 'move':
			case 'copy': {
				const destination = existing();
				const parent = destination.segments.slice(0, -1);
				if (destination.segments.length === 0) break;
				operations.push({op, from: target.pointer, path: pointerOfSegments([...parent, destination.segments.at(-1)!])});
				break;
			}
			case 'test':
				operations.push({op: 'test', path: target.pointer, value: target.value});
				break;
			default:
				operations.push({op: 'test', path: target.pointer, value: draw(anyJson)});
		}
	}
	if (operations.length === 0) operations.push({op: 'test', path: '', value: document});
	if (kind === 'valid') return operations;
	if (kind === 'guarded') {
		try {
			return guardOperations(structuredClone(document), operations);
		} catch {
			return operations; // the operations themselves do not apply: the patch is still worth trying
		}
	}
	if (kind === 'selectors') {
		const everyOther = draw(fc.boolean());
		return operations.map((operation) => {
			const rewrite = (pointer: string) => withSelectors(document, pointer, pointer.split('/').slice(1).map((each) => each.replace(/~1/g, '/').replace(/~0/g, '~')), everyOther);
			const path = operation.op === 'add' ? operation.path : rewrite(operation.path);
			return 'from' in operation ? {...operation, path, from: rewrite(operation.from)} : {...operation, path};
		});
	}
	// Broken: the mistakes of hand-written patches.
	const broken = draw(
		fc.constantFrom(
			'not-an-array',
			'null-operation',
			'unknown-op',
			'no-path',
			'relative-path',
			'bad-escape',
			'number-path',
			'missing-value',
			'proto',
			'bad-selector',
			'selector-on-object',
			'selector-no-match',
			'index-out-of-range',
			'move-into-child',
		),
	);
	const first = operations[0]!;
	switch (broken) {
		case 'not-an-array':
			return draw(fc.oneof(anyJson.filter((value) => !Array.isArray(value)), fc.constant({op: 'replace', path: '/id', value: 'x'})));
		case 'null-operation':
			return [...operations, null];
		case 'unknown-op':
			return [{...first, op: draw(fc.constantFrom('update', 'delete', 'REPLACE', '', 'merge'))}];
		case 'no-path':
			return [{op: 'replace', value: 1}];
		case 'relative-path':
			return [{op: 'replace', path: 'synchronizationRules/0', value: 1}];
		case 'bad-escape':
			return [{op: 'remove', path: '/synchronizationRules/~2'}];
		case 'number-path':
			return [{op: 'remove', path: 0}];
		case 'missing-value':
			return [{op: draw(fc.constantFrom('add', 'replace', 'test')), path: first.path}];
		case 'proto':
			return [{op: draw(fc.constantFrom('add', 'replace')), path: draw(fc.constantFrom('/__proto__/polluted', '/constructor/prototype/polluted', '/synchronizationRules/__proto__')), value: 'yes'}];
		case 'bad-selector':
			return [{op: 'remove', path: draw(fc.constantFrom('/synchronizationRules/[]', '/synchronizationRules/[name]', '/synchronizationRules/[=x]', '/synchronizationRules/[name=%E0%A4%A]', '/synchronizationRules/[name=a\nb]'))}];
		case 'selector-on-object':
			return [{op: 'remove', path: '/[id=x]'}];
		case 'selector-no-match':
			return [{op: 'remove', path: `/synchronizationRules/[name=${encodeSelectorPart(draw(anyText))}-missing]`}];
		case 'index-out-of-range':
			return [{op: 'remove', path: '/synchronizationRules/99'}];
		default:
			return [{op: 'move', from: '/synchronizationRules', path: '/synchronizationRules/0'}];
	}
}
