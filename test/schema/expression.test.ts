import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {ampersandIsNotAnOperator} from '../../source/expressions/parser.js';
import {
	type ExpressionNode,
	formatExpression,
	functionNames,
	maxExpressionNesting,
	parseExpression,
	referencedAttributes,
	sourceAttributeNames,
	sourceKind,
	sourceSummary,
} from '../../source/schema/expression.js';
import type {AttributeMapping, AttributeMappingSource} from '../../source/schema/types.js';
import {parseFixture} from './fixture.js';

function parse(text: string): ExpressionNode {
	const result = parseExpression(text);
	if (!result.ok) throw new Error(`${result.error.message} at ${result.error.offset} in ${text}`);
	return result.ast;
}

function errorOf(text: string): {message: string; offset: number} {
	const result = parseExpression(text);
	if (result.ok) throw new Error(`expected ${text} not to parse`);
	return result.error;
}

/** Remove whitespace outside "strings" and [attribute names] (which may hold nested [..] and quotes). */
function stripWhitespace(text: string): string {
	let out = '';
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (c === '"') {
			let j = i + 1;
			while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
			out += text.slice(i, j + 1);
			i = j;
		} else if (c === '[') {
			let depth = 0;
			let j = i;
			for (; j < text.length; j++) {
				if (text[j] === '"') {
					j++;
					while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
				} else if (text[j] === '[') depth++;
				else if (text[j] === ']' && --depth === 0) break;
			}
			out += text.slice(i, j + 1);
			i = j;
		} else if (!/\s/.test(c)) {
			out += c;
		}
	}
	return out;
}

/** Every expression stored in the fixture, at every level of every parameter tree. */
function fixtureSources(): {source: AttributeMappingSource; mapping: AttributeMapping}[] {
	const found: {source: AttributeMappingSource; mapping: AttributeMapping}[] = [];
	for (const rule of parseFixture().synchronizationRules ?? []) {
		for (const objectMapping of rule.objectMappings ?? []) {
			for (const mapping of objectMapping.attributeMappings ?? []) {
				const stack = mapping.source ? [mapping.source] : [];
				while (stack.length > 0) {
					const source = stack.pop()!;
					found.push({source, mapping});
					for (const parameter of source.parameters ?? []) stack.push(parameter.value);
				}
			}
		}
	}
	return found;
}

const fixtureExpressions = [
	...new Set(fixtureSources().flatMap(({source}) => (typeof source.expression === 'string' ? [source.expression] : []))),
];
const topLevelFunctions = fixtureSources().filter(
	({source, mapping}) => mapping.source === source && source.type === 'Function',
);

describe('the fixture', () => {
	it('has expressions of every kind', () => {
		expect(fixtureExpressions.length).toBeGreaterThan(150);
		expect(topLevelFunctions).toHaveLength(58);
	});

	it('parses every expression, referencing only attributes of the AD user object', () => {
		const adUser = parseFixture().directories![0]!.objects!.find((object) => object.name === 'user')!;
		const attributeNames = new Set(adUser.attributes!.map((attribute) => attribute.name));
		const functions = new Set<string>();
		for (const expression of fixtureExpressions) {
			const ast = parse(expression);
			for (const name of referencedAttributes(ast)) expect(attributeNames.has(name), name).toBe(true);
			for (const name of functionNames(ast)) functions.add(name);
		}
		expect([...functions].sort()).toEqual(
			['BitAnd', 'DateFromNum', 'Error', 'FormatDateTime', 'IIF', 'IsPresent', 'Item', 'Join', 'Left', 'Not', 'RemoveDuplicates', 'Trim'].sort(),
		);
	});

	it("finds the same attributes as the service's stored parse tree", () => {
		for (const {source} of topLevelFunctions) {
			const fromTree = new Set<string>();
			const stack = [source];
			while (stack.length > 0) {
				const node = stack.pop()!;
				if (node.type === 'Attribute' && node.name) fromTree.add(node.name);
				for (const parameter of node.parameters ?? []) stack.push(parameter.value);
			}
			expect(new Set(referencedAttributes(parse(source.expression!))), source.expression!).toEqual(fromTree);
		}
	});

	it('formats every expression at every width, changing only whitespace', () => {
		for (const expression of fixtureExpressions) {
			for (const width of [10, 30, 60, 200]) {
				const lines = formatExpression(expression, {width});
				expect(stripWhitespace(lines.join('\n'))).toBe(stripWhitespace(expression));
				expect(parseExpression(lines.join('\n')).ok).toBe(true);
			}
		}
	});
});

describe('parseExpression', () => {
	it('parses calls, attributes, strings, numbers, hex, identifiers and comparisons', () => {
		expect(parse('Left(Trim(Item([url], 1)), 448)')).toMatchObject({
			kind: 'call',
			name: 'Left',
			args: [
				{kind: 'call', name: 'Trim', args: [{kind: 'call', name: 'Item', args: [{kind: 'attribute', name: 'url'}, {kind: 'number', value: 1}]}]},
				{kind: 'number', value: 448, raw: '448'},
			],
			start: 0,
			end: 31,
		});
		expect(parse('BitAnd(&HF, &HF7)')).toMatchObject({args: [{kind: 'hex', value: 15}, {kind: 'hex', value: 247}]});
		expect(parse('InStr([a], "x", 1, vbTextCompare)')).toMatchObject({args: [{}, {}, {}, {kind: 'identifier', name: 'vbTextCompare'}]});
		expect(parse('DateAdd("d", -7, Now())')).toMatchObject({args: [{}, {kind: 'number', value: -7}, {kind: 'call', name: 'Now', args: []}]});
	});

	it('parses every comparison operator', () => {
		for (const operator of ['=', '<>', '>', '>=', '<', '<=']) {
			expect(parse(`IIF([a] ${operator} "1", "x", "y")`)).toMatchObject({
				args: [{kind: 'comparison', operator, left: {kind: 'attribute', name: 'a'}, right: {kind: 'string', value: '1'}}, {}, {}],
			});
		}
		expect(parse('BitAnd([uac], 2)="0"')).toMatchObject({kind: 'comparison', operator: '=', start: 0, end: 20});
	});

	it('parses strings with \\" and \\\\ escapes, keeping other backslashes', () => {
		expect(parse(String.raw`"Company: \"Contoso\""`)).toMatchObject({kind: 'string', value: 'Company: "Contoso"'});
		expect(parse(String.raw`"c:\\temp"`)).toMatchObject({value: String.raw`c:\temp`});
		expect(parse(String.raw`"\\+(?<isdCode>\\d* )"`)).toMatchObject({value: String.raw`\+(?<isdCode>\d* )`});
		expect(parse(String.raw`"\d"`)).toMatchObject({value: String.raw`\d`});
	});

	it('parses attribute names with : - . spaces, nested brackets and quotes', () => {
		for (const name of [
			'mS-DS-ConsistencyGuid',
			'passwordProfile.password',
			'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
			'emails[type eq "work"].value',
			'addresses[type eq "work"].streetAddress',
			'name with spaces',
			'a[b[c]]',
			'x["]"]',
		]) {
			expect(parse(`Trim([${name}])`)).toMatchObject({args: [{kind: 'attribute', name}]});
		}
	});

	it('accepts empty positional arguments anywhere', () => {
		const kinds = (text: string) => (parse(text) as {args: ExpressionNode[]}).args.map((arg) => arg.kind);
		expect(kinds('Join("@", [x], )')).toEqual(['string', 'attribute', 'empty']);
		expect(kinds('Replace([x], , "re", , "", , )')).toEqual(['attribute', 'empty', 'string', 'empty', 'string', 'empty', 'empty']);
		expect(kinds('Switch([Active], , "1", "True")')).toEqual(['attribute', 'empty', 'string', 'string']);
		expect(kinds('F(,)')).toEqual(['empty', 'empty']);
		expect(kinds('Guid()')).toEqual([]);
	});

	it.each([
		['', 0, 'empty expression'],
		['   ', 0, 'empty expression'],
		['Trim([mail]', 4, "unclosed 'Trim(': missing ')'"],
		['Trim([mail]))', 12, "unmatched ')'"],
		['Trim([mail', 5, "unclosed '[': missing ']' after the attribute name"],
		['Trim("abc)', 5, 'unterminated string: missing closing "'],
		['Left([a] 4)', 9, "expected ',' or ')' in the arguments of Left, found a number"],
		['Join("a" & [b])', 9, `'&' ${ampersandIsNotAnOperator}`],
		["Trim('x')", 5, "unexpected ': strings use double quotes"],
		['IIF([a]=[b]=[c], 1, 2)', 11, 'only one comparison is allowed here (there is no AND/OR; nest IIF calls instead)'],
		['IIF([a]=, 1, 2)', 8, "expected a value, found ','"],
		['Trim([])', 5, 'empty attribute name []'],
		['[a] [b]', 4, 'unexpected attribute [b] after the end of the expression'],
		['(1)', 0, "unexpected '(': parentheses only follow a function name"],
		['Trim([a]) + "x"', 10, 'unexpected +: there is no + operator; use Join or Append to concatenate'],
		['Trim(\u001b[31m)', 5, "unexpected character 'U+001B'"],
	])('%j fails at offset %i: %s', (text, offset, message) => {
		expect(errorOf(text)).toEqual({message, offset});
	});

	it('returns an error instead of overflowing the stack on deep nesting', () => {
		const depth = 10_000;
		const text = `${'Trim('.repeat(depth)}[x]${')'.repeat(depth)}`;
		expect(errorOf(text)).toEqual({message: `calls are nested too deeply (more than ${maxExpressionNesting} levels)`, offset: 5 * maxExpressionNesting});
		expect(formatExpression(text)).toEqual([text]);
		const allowed = `${'Trim('.repeat(maxExpressionNesting)}[x]${')'.repeat(maxExpressionNesting)}`;
		expect(referencedAttributes(parse(allowed))).toEqual(['x']);
		expect(stripWhitespace(formatExpression(allowed, {width: 40}).join(''))).toBe(allowed);
		expect(parseExpression('['.repeat(100_000)).ok).toBe(false);
		expect(parseExpression('"'.repeat(100_001)).ok).toBe(false);
	});

	it('handles 100,000-character expressions', () => {
		const args = Array.from({length: 8000}, (_, i) => `[attribute${i}]`);
		const text = `Join(",", ${args.join(', ')})`;
		expect(text.length).toBeGreaterThan(100_000);
		const ast = parse(text);
		expect(referencedAttributes(ast)).toHaveLength(8000);
		const lines = formatExpression(text);
		expect(lines).toHaveLength(8000 + 3);
		const longString = `Trim("${'x'.repeat(100_000)}")`;
		expect(formatExpression(longString)).toEqual(['Trim(', `  "${'x'.repeat(100_000)}"`, ')']);
	});
});

describe('formatExpression', () => {
	it('keeps a call that fits on one line', () => {
		expect(formatExpression('Left(Trim(Item([url], 1)), 448)')).toEqual(['Left(Trim(Item([url], 1)), 448)']);
		expect(formatExpression('  Left( Trim( [a] ) ,4 )  ')).toEqual(['Left(Trim([a]), 4)']);
	});

	it('puts arguments one per line, two spaces per level, with the closing parenthesis on its own line', () => {
		const text =
			'IIF(IsPresent([userAccountControl]), IIF(BitAnd([userAccountControl], 2)="0", "True", "False"), Not([accountDisabled]))';
		expect(formatExpression(text, {width: 40})).toEqual([
			'IIF(',
			'  IsPresent([userAccountControl]),',
			'  IIF(',
			'    BitAnd([userAccountControl], 2) = "0",',
			'    "True",',
			'    "False"',
			'  ),',
			'  Not([accountDisabled])',
			')',
		]);
	});

	it('keeps empty arguments visible as commas', () => {
		expect(formatExpression('IIF(IsPresent([pwdLastSet]), FormatDateTime(DateFromNum([pwdLastSet]), , "yyyyMMddHHmmss.0Z"), )', {width: 40})).toEqual([
			'IIF(',
			'  IsPresent([pwdLastSet]),',
			'  FormatDateTime(',
			'    DateFromNum([pwdLastSet]),',
			'    ,',
			'    "yyyyMMddHHmmss.0Z"',
			'  ),',
			')',
		]);
	});

	it('breaks a long comparison around its operator', () => {
		expect(formatExpression('IIF(Left([aVeryLongAttributeName], 4)="abcd", "x", "y")', {width: 20})).toEqual([
			'IIF(',
			'  Left(',
			'    [aVeryLongAttributeName],',
			'    4',
			'  ) = "abcd",',
			'  "x",',
			'  "y"',
			')',
		]);
	});

	it('returns text that does not parse as it is', () => {
		expect(formatExpression('Trim([a]')).toEqual(['Trim([a]']);
		expect(formatExpression('Trim(\n[a]')).toEqual(['Trim(', '[a]']);
	});

	it('only changes whitespace, for any expression (property)', () => {
		const attribute = fc.constantFrom('[mail]', '[mS-DS-ConsistencyGuid]', '[emails[type eq "work"].value]', '[urn:x:y:User:a b]');
		const string = fc.string({maxLength: 12}).map((value) => JSON.stringify(value).replace(/\\u[0-9a-f]{4}/g, ''));
		const leaf = fc.oneof(attribute, string, fc.integer({min: -999, max: 99999}).map(String), fc.constantFrom('&HF7', 'vbTextCompare'));
		const spaces = fc.constantFrom('', ' ', '  ', '\n', '\t ');
		const {expression} = fc.letrec((tie) => ({
			expression: fc.oneof({depthSize: 'small', withCrossShrink: true}, leaf, tie('call'), tie('comparison')),
			comparison: fc
				.tuple(tie('argument'), fc.constantFrom('=', '<>', '>=', '<=', '<', '>'), leaf, spaces)
				.map(([left, operator, right, space]) => `${left}${space}${operator}${space}${right}`),
			argument: fc.oneof({depthSize: 'small'}, leaf, tie('call')),
			call: fc
				.tuple(fc.constantFrom('IIF', 'Trim', 'Join', 'Replace', 'Guid'), fc.array(fc.oneof(tie('expression'), fc.constant('')), {maxLength: 6}), spaces)
				.map(([name, args, space]) => `${name}(${space}${args.join(`,${space}`)})`),
		}));
		fc.assert(
			fc.property(expression, fc.integer({min: 8, max: 100}), (text, width) => {
				const parsed = parseExpression(text as string);
				expect(parsed.ok).toBe(true);
				const lines = formatExpression(text as string, {width});
				expect(stripWhitespace(lines.join('\n'))).toBe(stripWhitespace(text as string));
				for (const line of lines) {
					expect(line).toMatch(/^( {2})*\S/);
					expect(line).toBe(line.trimEnd());
				}
			}),
			{numRuns: 300},
		);
	});
});

describe('sourceSummary and sourceKind', () => {
	const mapping = (source: AttributeMappingSource | null, defaultValue: string | null = null): AttributeMapping => ({
		targetAttributeName: 't',
		source,
		defaultValue,
	});

	it('summarizes each kind of source', () => {
		expect(sourceSummary(mapping({type: 'Attribute', name: 'mail', expression: '[mail]', parameters: []}))).toBe('[mail]');
		expect(sourceSummary(mapping({type: 'Attribute', name: 'mail', expression: null}))).toBe('[mail]');
		expect(sourceSummary(mapping({type: 'Constant', name: 'True', expression: '"True"'}))).toBe('"True"');
		expect(sourceSummary(mapping({type: 'Constant', name: '%DomainFQDN%', expression: null}))).toBe('"%DomainFQDN%"');
		expect(sourceSummary(mapping({type: 'Constant', name: 'say "hi"', expression: null}))).toBe(String.raw`"say \"hi\""`);
		expect(sourceSummary(mapping({type: 'Function', name: 'Trim', expression: 'Trim([cn])'}))).toBe('Trim([cn])');
		expect(sourceSummary(mapping(null))).toBe('(none)');
		expect(sourceSummary(mapping(null, 'x'))).toBe('(none) default "x"');
		expect(sourceSummary(mapping(null, ''))).toBe('(none) default ""');
	});

	it('rebuilds a function without expression text from its parameters, including IIF comparisons', () => {
		const fixtureMapping = parseFixture().synchronizationRules![0]!.objectMappings![0]!.attributeMappings![0]!;
		const original = fixtureMapping.source!.expression!;
		const stack = [fixtureMapping.source!];
		while (stack.length > 0) {
			const source = stack.pop()!;
			if (source.type === 'Function') source.expression = null;
			for (const parameter of source.parameters ?? []) stack.push(parameter.value);
		}
		// The service stores numbers as quoted constants (2 → "2"), so that is what a rebuild shows.
		expect(sourceSummary(fixtureMapping)).toBe(original.replace('2)', '"2")'));
		expect(sourceSummary(fixtureMapping, 30)).toBe('IIF(IsPresent([userAccountCon…');
	});

	it('truncates to maxLength with … and keeps rows on one line', () => {
		const long = mapping({type: 'Function', name: 'Trim', expression: 'Trim(\r\n  [displayName]\n)'});
		expect(sourceSummary(long)).toBe('Trim( [displayName] )');
		expect(sourceSummary(long, 10)).toBe('Trim( [di…');
		expect(sourceSummary(long, 21)).toBe('Trim( [displayName] )');
		expect(sourceSummary(mapping({type: 'Constant', name: '😀😀', expression: null}), 3)).toBe('"…');
	});

	it('classifies sources', () => {
		expect(sourceKind(mapping({type: 'Attribute', name: 'a'}))).toBe('Attribute');
		expect(sourceKind(mapping({type: 'Constant', name: 'a'}))).toBe('Constant');
		expect(sourceKind(mapping({type: 'Function', name: 'Trim'}))).toBe('Expression');
		expect(sourceKind(mapping(null))).toBe('None');
	});

	it('lists source attributes from the expression text, falling back to the stored tree', () => {
		expect(sourceAttributeNames({type: 'Function', expression: 'Join(" ", [givenName], [sn])', parameters: []})).toEqual(['givenName', 'sn']);
		const treeOnly: AttributeMappingSource = {
			type: 'Function',
			name: 'Trim',
			expression: null,
			parameters: [{key: 'source', value: {type: 'Attribute', name: 'cn'}}],
		};
		expect(sourceAttributeNames(treeOnly)).toEqual(['cn']);
		expect(sourceAttributeNames({type: 'Constant', name: 'x'})).toEqual([]);
		expect(sourceAttributeNames(null)).toEqual([]);
	});
});
