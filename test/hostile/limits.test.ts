/**
 * Sizes and depths beyond anything real: a 100,000-character expression, calls nested 3,000 deep, JSON nested
 * hundreds of thousands of levels (which JSON.parse reads but structuredClone and JSON.stringify cannot). Each is
 * either handled or refused with one line — never a stack overflow.
 */
import {describe, expect, it} from 'vitest';
import {applyOperations, buildPlan, maxExpressionLength, parsePatchFile, validateSchema, WorkingCopy} from '../../source/edit/index.js';
import {UserError} from '../../source/errors.js';
import {formatExpression, maxExpressionNesting, parseExpression, sourceSummary} from '../../source/schema/expression.js';
import {maxJsonNesting, parseSchemaText, SchemaFileError, serializeSchema} from '../../source/schema/load.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {deepExpression, hostileSchema, longExpression} from './hostile-schema.js';

const longPointer = '/synchronizationRules/0/objectMappings/0/attributeMappings/3';
const deepPointer = '/synchronizationRules/0/objectMappings/0/attributeMappings/4';

/** A schema whose unknown property `x` holds objects nested `levels` deep below the root. */
function nestedSchemaText(levels: number): string {
	return `{"directories": [], "synchronizationRules": [], "x": ${'{"a": '.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}}`;
}

describe('long and deep expressions', () => {
	it('parses and formats a 100,000-character expression, and validation names the 10,000 limit', () => {
		expect(longExpression).toHaveLength(100_000);
		const parsed = parseExpression(longExpression);
		expect(parsed.ok).toBe(true);
		expect(formatExpression(longExpression, {width: 80}).length).toBeGreaterThan(14_000);
		expect(sourceSummary({targetAttributeName: 'x', source: {type: 'Function', expression: longExpression}}, 60)).toHaveLength(60);
		const problems = validateSchema(hostileSchema()).filter((problem) => problem.pointer.startsWith(longPointer));
		expect(problems.map((problem) => problem.message)).toContainEqual(expect.stringMatching(new RegExp(`100,000 characters.*${maxExpressionLength.toLocaleString('en-US')}`)));
	});

	it('refuses calls nested 3,000 deep with a message instead of overflowing the stack, and shows the text as it is', () => {
		const parsed = parseExpression(deepExpression);
		expect(parsed.ok).toBe(false);
		if (parsed.ok) return;
		expect(parsed.error.message).toMatch(new RegExp(`${maxExpressionNesting}`));
		expect(formatExpression(deepExpression)).toEqual([deepExpression]);
		const problems = validateSchema(hostileSchema()).filter((problem) => problem.pointer.startsWith(deepPointer));
		expect(problems.map((problem) => problem.severity)).toEqual(['error']);
		// Under the length limit, the nesting is what validation reports.
		const schema = hostileSchema();
		const nested = `${'Trim('.repeat(600)}[mail]${')'.repeat(600)}`;
		schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings![4]!.source!.expression = nested;
		const nesting = validateSchema(schema).filter((problem) => problem.pointer.startsWith(deepPointer));
		expect(nesting).toEqual([{severity: 'error', pointer: `${deepPointer}/source/expression`, message: expect.stringMatching(/the expression does not parse: .*256/)}]);
	});
});

describe('deeply nested JSON', () => {
	it(`refuses a schema nested more than ${maxJsonNesting} levels, naming where, before anything recursive touches it`, () => {
		for (const depth of [maxJsonNesting + 1, 200_000]) {
			let caught: unknown;
			try {
				parseSchemaText(nestedSchemaText(depth), 'deep.json');
			} catch (error) {
				caught = error;
			}
			expect(caught).toBeInstanceOf(SchemaFileError);
			const error = caught as SchemaFileError;
			expect(error.message).toMatch(new RegExp(`^deep\\.json: nested more than ${maxJsonNesting} levels deep \\(at /x/a/a/a.*…\\); real schemas are a few dozen levels deep`));
			expect(error.message).not.toMatch(/\n/);
			expect(error.pointer?.startsWith('/x/a/a')).toBe(true);
		}
	});

	it(`handles a schema nested ${maxJsonNesting} levels everywhere: the limit is below where recursion breaks`, () => {
		const schema = parseSchemaText(nestedSchemaText(maxJsonNesting), 'deep.json') as SynchronizationSchema;
		const saved = serializeSchema(schema, {encoding: 'utf8', eol: '\n', indent: '  '});
		expect(JSON.parse(saved.toString('utf8'))).toEqual(schema);
		const {working} = new WorkingCopy(schema).loadPatch([{op: 'add', path: '/id', value: 'edited'}], 'edit.json');
		expect(buildPlan(schema, working.document).otherChanges).toEqual(['/id']);
		expect(applyOperations(schema, [{op: 'copy', from: '/x', path: '/y'}]).y).toEqual(schema.x);
		expect(working.undo().document).toEqual(schema);
	});

	it('refuses a patch file nested that deep with one line', () => {
		const patch = `[{"op": "add", "path": "/x", "value": ${'['.repeat(50_000)}${']'.repeat(50_000)}}]`;
		expect(() => parsePatchFile(Buffer.from(patch), 'deep.patch.json')).toThrow(UserError);
		expect(() => parsePatchFile(Buffer.from(patch), 'deep.patch.json')).toThrow(new RegExp(`^deep\\.patch\\.json: nested more than ${maxJsonNesting} levels deep`));
	});

	it('refuses a source parameter tree nested deeper than any real expression', () => {
		let source: unknown = {type: 'Attribute', name: 'mail', expression: '[mail]'};
		for (let depth = 0; depth < 600; depth++) source = {type: 'Function', name: 'Trim', parameters: [{key: 'source', value: source}]};
		const text = JSON.stringify({directories: [], synchronizationRules: [{objectMappings: [{attributeMappings: [{targetAttributeName: 'x', source}]}]}]});
		expect(() => parseSchemaText(text, 'tree.json')).toThrow(/^tree\.json: not a synchronization schema: \/synchronizationRules\/0\/objectMappings\/0\/attributeMappings\/0\/source(\/parameters\/0\/value)+ is nested too deeply$/);
	});
});
