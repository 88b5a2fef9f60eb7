/**
 * Property-based tests over generated schemas and patches: whatever a file or a patch holds, the core never
 * throws anything but a one-line user error, never half-applies a patch, and never changes a byte it was not
 * asked to change.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import type {Operation} from 'fast-json-patch';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
	addAttributeMapping,
	addScopingClause,
	allExpressions,
	applyOperations,
	buildPlan,
	diffAsPatch,
	editAttributeMappingField,
	editAttributeMappingSource,
	type EditDraft,
	guardOperations,
	jsonEqual,
	parsePatchFile,
	removeAttributeMapping,
	removeScopingClause,
	replaceNode,
	resolveSelectors,
	setObjectMappingEnabled,
	stripServerFields,
	toPatchFile,
	validateSchema,
	WorkingCopy,
} from '../../source/edit/index.js';
import {describeError, UserError} from '../../source/errors.js';
import {documentSchema, renderCsv, renderMarkdown} from '../../source/explorer/docs.js';
import {normalizeJsonText} from '../../source/explorer/normalize.js';
import {formatExpression, parseExpression, sourceKind, sourceSummary} from '../../source/schema/expression.js';
import {
	decodeSchemaBytes,
	encodeSchemaText,
	loadSchemaFile,
	type LoadedSchema,
	parseSchemaText,
	SchemaFileError,
	type SchemaFileStyle,
	serializeSchema,
} from '../../source/schema/load.js';
import {buildSchemaIndex, parsePointer, resolvePointer, type SchemaNode} from '../../source/schema/navigation.js';
import {sanitizeForTerminal} from '../../source/terminal/sanitize.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {anyJson, anyText, drawPatch, expressionText, messyJson, type PatchKind, pointersIn, schemaArbitrary, styleArbitrary} from './arbitraries.js';

/**
 * Sized so the whole file runs in a few seconds on two cores; FC_NUM_RUNS=5000 makes a longer hunt.
 * `drawn`: the property draws values with fc.gen(); fast-check's shrinking of those can exhaust the heap, so a
 * failure is reported as found (fast-check prints the seed and path that replay it).
 */
const runs = (base: number, options: {drawn?: boolean} = {}) => ({numRuns: Number(process.env.FC_NUM_RUNS ?? base), endOnFailure: Boolean(options.drawn)});

let directory: string;
let fileCount = 0;

beforeAll(async () => {
	directory = await mkdtemp(join(tmpdir(), 'pvx-properties-'));
});
afterAll(async () => {
	await rm(directory, {recursive: true, force: true});
});

async function fileWith(bytes: Uint8Array): Promise<string> {
	const path = join(directory, `schema-${fileCount++}.json`);
	await writeFile(path, bytes);
	return path;
}

const styleOf = (loaded: LoadedSchema): SchemaFileStyle => ({
	encoding: loaded.encoding,
	bom: loaded.bom,
	eol: loaded.eol,
	indent: loaded.indent,
	finalNewline: loaded.finalNewline,
	flavor: loaded.flavor,
});

/** What a user may be shown for a rejection: a UserError or SchemaFileError whose message is one non-empty line of words. */
function expectUserFacing(error: unknown): void {
	if (!(error instanceof UserError || error instanceof SchemaFileError)) throw error;
	expect(error.message.trim()).not.toBe('');
	expect(error.message).not.toMatch(/[\r\n]/);
	expect(error.message).not.toMatch(/\bat .+\.(?:ts|js):\d+|node:internal|Error: /);
	// What the screen and stderr show: one terminal-safe line (U+2028 and control characters made visible).
	expect(describeError(error)).not.toMatch(/[\r\n\u2028\u2029\u0085\x1b]/);
}

/** Runs `action`; a thrown error must be one a user may see. Answers whether it succeeded. */
function tolerating(action: () => void): boolean {
	try {
		action();
		return true;
	} catch (error) {
		expectUserFacing(error);
		return false;
	}
}

const text = (value: unknown) => JSON.stringify(value);

/**
 * Equal texts, or a failure that shows where they part: vitest's diff of two long one-line JSON texts, repeated
 * while fast-check shrinks, can exhaust the heap.
 */
function expectSame(actual: string | undefined, expected: string | undefined, what: string): void {
	if (actual === expected) return;
	const a = actual ?? '(undefined)';
	const b = expected ?? '(undefined)';
	let at = 0;
	while (at < a.length && a[at] === b[at]) at++;
	throw new Error(`${what}: differs at character ${at}: …${a.slice(Math.max(0, at - 40), at + 60)}… instead of …${b.slice(Math.max(0, at - 40), at + 60)}…`);
}

function expectSameBytes(actual: Buffer, expected: Buffer, what: string): void {
	if (Buffer.compare(actual, expected) !== 0) expectSame(actual.toString('latin1'), expected.toString('latin1'), what);
}

/** Everything the explorer and the commands do with a schema they have loaded, none of which may throw. */
function exerciseEverything(schema: SynchronizationSchema): void {
	const index = buildSchemaIndex(schema);
	const visit = (node: SchemaNode) => {
		expect(typeof node.label).toBe('string');
		if (index.nodeAt(node.pointer) !== node) throw new Error(`nodeAt(${JSON.stringify(node.pointer)}) is another node`);
		for (const child of node.children) visit(child);
		if (node.kind === 'attributeMapping') {
			node.summary(40);
			void node.targetAttribute;
			void node.sourceAttributes;
			sourceKind(node.mapping);
			sourceSummary(node.mapping, 60);
		}
		if (node.kind === 'objectMapping') void [node.sourceObject, node.targetObject];
		if (node.kind === 'attributeDefinition') void [node.usages.asSource.length, node.usedBy().length];
	};
	visit(index);
	for (const {expression} of allExpressions(schema)) {
		parseExpression(expression);
		formatExpression(expression, {width: 40});
	}
	for (const problem of validateSchema(schema)) {
		expect(problem.message).not.toBe('');
		expect(parsePointer(problem.pointer)).toBeDefined();
		expect(sanitizeForTerminal(problem.message)).not.toMatch(/[\x00-\x1f]/);
	}
	// `docs` writes to a terminal by default: nothing from the file may reach it as a control character.
	const documentation = documentSchema(schema, {title: 'Generated'});
	expect(renderMarkdown(documentation)).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
	expect(renderCsv(documentation)).not.toMatch(/[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
	normalizeJsonText(text(schema));
	const same = buildPlan(schema, structuredClone(schema));
	expect(same.hasChanges).toBe(false);
}

describe('load → save', () => {
	it('reads back every schema in every layout, and saves an unchanged one to the same bytes (property)', async () => {
		await fc.assert(
			fc.asyncProperty(schemaArbitrary, styleArbitrary, async (schema, style) => {
				const bytes = serializeSchema(schema, style);
				const loaded = await loadSchemaFile(await fileWith(bytes));
				expectSame(text(loaded.schema), text(schema), 'the schema read back');
				expectSameBytes(serializeSchema(loaded.schema, {...styleOf(loaded), originalText: loaded.text}), bytes, 'saved bytes');
				// The layout is recognised too, so an edited schema is written the way the file was.
				expectSameBytes(serializeSchema(loaded.schema, styleOf(loaded)), bytes, 'saved bytes');
			}),
			runs(120),
		);
	});

	it('keeps any other writer’s bytes when nothing changed, and loses nothing when something did (property)', async () => {
		await fc.assert(
			fc.asyncProperty(
				schemaArbitrary,
				fc.constantFrom('utf8', 'utf8-bom', 'utf16le', 'utf16be'),
				fc.boolean(),
				fc.integer(),
				anyText,
				async (schema, encoding, bom, seed, replacement) => {
					let state = seed;
					const random = () => {
						state = (state * 1103515245 + 12345) & 0x7fffffff;
						return state / 0x80000000;
					};
					const messy = messyJson(schema, random);
					const bytes = encodeSchemaText(messy, encoding as 'utf8', bom);
					const loaded = await loadSchemaFile(await fileWith(bytes));
					expectSame(text(loaded.schema), text(schema), 'the schema read back');
					const style = {...styleOf(loaded), originalText: loaded.text};
					expectSameBytes(serializeSchema(loaded.schema, style), bytes, 'saved bytes');
					// Change one string (or the id) and save: every other value survives, in every encoding.
					// (Paths through __proto__ are refused by design: fast-json-patch guards against prototype pollution.)
					const strings = pointersIn(loaded.schema).filter((each) => typeof each.value === 'string' && !each.segments.includes('__proto__'));
					const target = strings[Math.abs(seed) % Math.max(1, strings.length)]?.pointer ?? '/id';
					const edited = applyOperations(loaded.schema, [{op: 'add', path: target, value: replacement}]);
					const saved = serializeSchema(edited, style);
					expectSame(text(parseSchemaText(decodeSchemaBytes(saved).text, 'saved')), text(edited), 'the edited schema read back');
				},
			),
			runs(120),
		);
	});
});

describe('the loader and everything after it', () => {
	/** A valid schema with one value somewhere replaced by any JSON value: wrong types, nulls, empties. */
	const mutatedSchema = fc.tuple(schemaArbitrary, fc.nat(), anyJson).map(([schema, position, value]) => {
		const places = pointersIn(schema);
		const {segments} = places[position % places.length]!;
		if (segments.length === 0) return schema;
		const copy = structuredClone(schema);
		const parent = segments.slice(0, -1).reduce<unknown>((node, segment) => (node as Record<string, unknown>)[segment], copy) as Record<string, unknown>;
		// defineProperty: a key named __proto__ is replaced like any other.
		Object.defineProperty(parent, segments.at(-1)!, {value, enumerable: true, writable: true, configurable: true});
		return copy;
	});

	it('either rejects a document with one line or handles it everywhere (property)', () => {
		fc.assert(
			fc.property(fc.oneof({weight: 3, arbitrary: mutatedSchema}, {weight: 1, arbitrary: schemaArbitrary}, {weight: 1, arbitrary: anyJson}), (document) => {
				let schema: SynchronizationSchema;
				try {
					schema = parseSchemaText(text(document), 'generated.json');
				} catch (error) {
					expectUserFacing(error);
					expect(error).toBeInstanceOf(SchemaFileError);
					return;
				}
				exerciseEverything(schema);
			}),
			runs(300),
		);
	});

	it('rejects any byte sequence or cut-off file it cannot read with one line (property)', () => {
		const cutOff = fc.tuple(schemaArbitrary, styleArbitrary, fc.double({min: 0, max: 1, noNaN: true})).map(([schema, style, fraction]) => {
			const bytes = serializeSchema(schema, style);
			return bytes.subarray(0, Math.floor(bytes.length * fraction));
		});
		fc.assert(
			fc.property(fc.oneof(cutOff, fc.uint8Array({maxLength: 64})), (bytes) => {
				try {
					const {text: decoded} = decodeSchemaBytes(bytes);
					exerciseEverything(parseSchemaText(decoded, 'cut.json'));
				} catch (error) {
					expectUserFacing(error);
				}
			}),
			runs(300),
		);
	});
});

describe('expressions', () => {
	it('parses and formats any text without throwing, changing only whitespace (property)', () => {
		fc.assert(
			fc.property(fc.oneof(expressionText, fc.string({unit: 'binary', maxLength: 40})), fc.integer({min: 1, max: 120}), (expression, width) => {
				const parsed = parseExpression(expression);
				const lines = formatExpression(expression, {width});
				if (parsed.ok) expect(lines.join('').replace(/\s+/g, '')).toBe(expression.replace(/\s+/g, ''));
				else expect(parsed.error.message).not.toMatch(/[\r\n]/);
			}),
			runs(500),
		);
	});
});

describe('JSON Patch', () => {
	const patchKind = fc.constantFrom<PatchKind>('valid', 'guarded', 'selectors', 'broken');

	it('applies all of a patch or none of it, and leaves the input alone (property)', () => {
		fc.assert(
			fc.property(schemaArbitrary, patchKind, fc.gen(), (schema, kind, draw) => {
				const before = text(schema);
				const patch = drawPatch(schema, (arbitrary) => draw(() => arbitrary), kind) as Operation[];
				let result: SynchronizationSchema | undefined;
				tolerating(() => {
					result = applyOperations(schema, patch);
				});
				expectSame(text(schema), before, 'the input');
				if (kind === 'broken') expect(result).toBeUndefined();
				if (!result) return;
				// Guarding a patch that applies changes nothing about what it does.
				if (kind === 'valid') expectSame(text(applyOperations(schema, guardOperations(structuredClone(schema), patch))), text(result), 'the guarded patch’s result');
				// Selectors resolve to index paths with the same effect.
				const resolved = resolveSelectors(schema, patch);
				expectSame(text(applyOperations(schema, resolved)), text(result), 'the resolved patch’s result');
				expectSame(text(schema), before, 'the input');
				const plan = buildPlan(schema, result);
				if (jsonEqual(stripServerFields(schema), stripServerFields(result))) expect(plan.hasChanges).toBe(false);
			}),
			runs(400, {drawn: true}),
		);
	});

	it('loads a patch into a working copy all or nothing; undo and a saved patch reproduce it exactly (property)', () => {
		fc.assert(
			fc.property(schemaArbitrary, patchKind, fc.gen(), (schema, kind, draw) => {
				const before = text(schema);
				const patch = drawPatch(schema, (arbitrary) => draw(() => arbitrary), kind) as Operation[];
				let working = new WorkingCopy(schema);
				const loaded = tolerating(() => {
					working = working.loadPatch(patch, 'generated.patch.json').working;
				});
				expectSame(text(schema), before, 'the input');
				if (!loaded) {
					expectSame(text(working.document), before, 'the working copy');
					expect(working.hasChanges).toBe(false);
					return;
				}
				expectSame(text(working.document), text(applyOperations(schema, patch)), 'the working copy');
				// The patch the explorer saves (P) applies to the file it was made for, with the same result.
				const saved = parsePatchFile(Buffer.from(toPatchFile(working.operations)), 'saved.patch.json');
				expectSame(text(applyOperations(schema, saved)), text(working.document), 'the saved patch’s result');
				// The plan, and the patch `diff --format json-patch` makes, agree with the edit (a diff through a key
				// named __proto__ is refused with one line: such paths are never applied).
				buildPlan(working.live, working.document);
				tolerating(() => expect(jsonEqual(applyOperations(schema, diffAsPatch(schema, working.document)), working.document)).toBe(true));
				while (working.hasChanges) working = working.undo();
				expectSame(text(working.document), before, 'the working copy');
			}),
			runs(400, {drawn: true}),
		);
	});

	it('parses any patch file bytes into operations or one line (property)', () => {
		fc.assert(
			fc.property(fc.oneof(fc.uint8Array({maxLength: 40}), anyJson.map((value) => Buffer.from(text(value) ?? ''))), (bytes) => {
				tolerating(() => void parsePatchFile(bytes, 'any.patch.json'));
			}),
			runs(300),
		);
	});
});

describe('edits from the explorer’s builders', () => {
	it('apply or refuse with one line, anywhere in any schema; undo in any order restores the schema exactly (property)', () => {
		const fields = fc.constantFrom('defaultValue', 'flowType', 'flowBehavior', 'matchingPriority');
		const fieldValue = fc.oneof(anyText, fc.integer({min: -1, max: 5}), fc.constant(null), fc.constantFrom('Always', 'ObjectAddOnly', 'FlowAlways', 'always'));
		const sourceInput = fc.oneof(
			anyText.map((name) => ({kind: 'Attribute' as const, name})),
			anyText.map((value) => ({kind: 'Constant' as const, value})),
			expressionText.map((expression) => ({kind: 'Expression' as const, expression})),
			fc.constant({kind: 'None' as const}),
		);
		fc.assert(
			fc.property(schemaArbitrary, fc.gen(), (schema, draw) => {
				const before = text(schema);
				let working = new WorkingCopy(schema);
				const pick = <T>(arbitrary: fc.Arbitrary<T>) => draw(() => arbitrary);
				const steps = pick(fc.integer({min: 1, max: 6}));
				for (let step = 0; step < steps; step++) {
					const document = working.document;
					const places = pointersIn(document).map((each) => each.pointer);
					const pointer = places[pick(fc.nat(places.length - 1))]!;
					const builders: (() => EditDraft)[] = [
						() => editAttributeMappingField(document, pointer, pick(fields) as 'flowType', pick(fieldValue)),
						() => editAttributeMappingSource(document, pointer, pick(sourceInput)),
						() => removeAttributeMapping(document, pointer),
						() => addAttributeMapping(document, pointer, {targetAttributeName: pick(anyText), source: null}),
						() => setObjectMappingEnabled(document, pointer, pick(fc.boolean())),
						() =>
							addScopingClause(document, pointer, pick(fc.constantFrom('groups', 'inputFilterGroups', 'categoryFilterGroups')), pick(fc.oneof(fc.nat(2), fc.constant('new' as const))), {
								operatorName: pick(fc.constantFrom('EQUALS', 'IS TRUE', 'REGEX MATCH', 'bogus')),
								sourceOperandName: pick(anyText),
								targetOperand: {values: [pick(anyText)]},
							}),
						() => removeScopingClause(document, pointer),
						() => replaceNode(document, pointer, pick(fc.oneof(anyJson, fc.constant(resolvePointer(document, pointer))))),
					];
					const build = builders[pick(fc.nat(builders.length - 1))]!;
					const revision = text(working.document);
					const applied = tolerating(() => {
						working = working.apply(build());
					});
					if (!applied) expectSame(text(working.document), revision, 'the working copy');
					else buildPlan(working.live, working.document);
				}
				// Undo in a random order: an edit others depend on is refused (with one line) and nothing changes.
				while (working.hasChanges) {
					const edits = working.edits;
					const chosen = edits[pick(fc.nat(edits.length - 1))]!;
					const revision = text(working.document);
					if (
						!tolerating(() => {
							working = working.undo(chosen.id);
						})
					) {
						expectSame(text(working.document), revision, 'the working copy');
						working = working.undo();
					}
				}
				expectSame(text(working.document), before, 'the working copy');
			}),
			runs(300, {drawn: true}),
		);
	});
});
