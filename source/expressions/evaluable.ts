/**
 * What the evaluator runs on, from either parser or from the stored parse tree. The client's parser
 * (source/schema/expression.ts) is lenient — unknown function names parse — so local tests can still evaluate
 * the parts they know and name the function they do not; the stored attributeMappingSource is used when a
 * mapping has no expression text, or text that does not parse.
 */

import {type ExpressionNode as SyntaxNode, parseExpression} from '../schema/expression.js';
import type {AttributeMappingSource} from '../schema/types.js';
import {findFunction} from './function-catalog.js';
import type {ComparisonOperator, ExpressionNode} from './parser.js';

/** The client parser's tree as the evaluator's (empty arguments become null). */
export function fromSyntaxTree(node: SyntaxNode): ExpressionNode {
	switch (node.kind) {
		case 'call':
			return {kind: 'call', name: node.name, arguments: node.args.map((arg) => (arg.kind === 'empty' ? null : fromSyntaxTree(arg))), start: node.start, end: node.end};
		case 'comparison':
			return {kind: 'comparison', operator: node.operator, left: fromSyntaxTree(node.left), right: fromSyntaxTree(node.right), start: node.start, end: node.end};
		case 'attribute':
			return {kind: 'attribute', name: node.name, start: node.start, end: node.end};
		case 'string':
			return {kind: 'string', value: node.value, raw: node.raw, start: node.start, end: node.end};
		case 'number':
		case 'hex':
			return {kind: node.kind, raw: node.raw, start: node.start, end: node.end};
		case 'identifier':
			return {kind: 'identifier', name: node.name, start: node.start, end: node.end};
		default:
			// An empty expression argument at the top never reaches here (the parser refuses empty text).
			return {kind: 'string', value: '', raw: '""', start: node.start, end: node.end};
	}
}

const comparisonOperators = new Set(['=', '<>', '>', '>=', '<', '<=']);

/**
 * The stored parse tree as the evaluator's. Parameter keys are engine-internal (research graph-sync-api.md §5.3);
 * positions come from the function catalog's keys, so Replace's `source, Find, Replacement` lands in slots 1, 2
 * and 5, and IIF's `one, two, three, four, five` is a comparison and two branches. Unknown keys keep their order.
 */
export function fromMappingSource(source: AttributeMappingSource): ExpressionNode | undefined {
	try {
		return convertSource(source, 0);
	} catch (error) {
		if (error instanceof TooDeep) return undefined;
		throw error;
	}
}

/** Far deeper than any real tree (the text parser allows 256 levels); keeps recursion inside the stack. */
class TooDeep extends Error {}

function convertSource(source: AttributeMappingSource, depth: number): ExpressionNode | undefined {
	if (depth > 256) throw new TooDeep();
	const name = typeof source.name === 'string' ? source.name : '';
	const at = {start: 0, end: 0};
	if (source.type === 'Attribute') return {kind: 'attribute', name, ...at};
	// `%DomainFQDN%` with a null expression: a value the service fills in (research graph-sync-api.md §4.1), kept as a placeholder.
	if (source.type === 'Constant' && source.expression === null && /^%\w+%$/.test(name)) return {kind: 'identifier', name, ...at};
	if (source.type === 'Constant') return {kind: 'string', value: name, raw: JSON.stringify(name), ...at};
	if (source.type !== 'Function') return undefined;
	const parameters = (Array.isArray(source.parameters) ? source.parameters : []).filter((parameter) => parameter && typeof parameter.key === 'string' && parameter.value);
	const child = (key: string) => {
		const found = parameters.find((parameter) => parameter.key === key);
		return found ? convertSource(found.value, depth + 1) : undefined;
	};
	if (name === 'IIF') {
		const left = child('one');
		const operator = parameters.find((parameter) => parameter.key === 'two')?.value?.name;
		const right = child('three');
		const condition =
			left && right && typeof operator === 'string' && comparisonOperators.has(operator)
				? ({kind: 'comparison', operator: operator as ComparisonOperator, left, right, ...at} as ExpressionNode)
				: (left ?? null);
		return {kind: 'call', name, arguments: [condition, child('four') ?? null, child('five') ?? null], ...at};
	}
	const spec = findFunction(name);
	const converted = parameters.map((parameter) => ({key: parameter.key, node: convertSource(parameter.value, depth + 1) ?? null}));
	if (!spec) return {kind: 'call', name, arguments: converted.map((each) => each.node), ...at};
	const slots: (ExpressionNode | null)[] = [];
	const keys = spec.argumentKeys;
	let next = 0;
	for (const {key, node} of converted) {
		const fixed = keys.indexOf(key);
		let position: number;
		if (fixed !== -1 && !(spec.lastKeyRepeats && fixed === keys.length - 1) && slots[fixed] === undefined) position = fixed;
		else if (spec.repeatingPair?.includes(key)) position = Math.max(next, keys.length);
		else position = Math.max(next, fixed === -1 ? next : fixed);
		// FormatDateTime(x, , "fmt") is stored as source, outputFormat: the output format is the last of three.
		if (name === 'FormatDateTime' && key === 'outputFormat' && position < 2) position = 2;
		while (slots.length < position) slots.push(null);
		slots[position] = node;
		next = position + 1;
	}
	return {kind: 'call', name, arguments: slots.map((slot) => slot ?? null), ...at};
}

export type EvaluableSource =
	| {ok: true; node: ExpressionNode; from: 'text' | 'tree'; text: string; /** Why the tree was used rather than the text. */ why?: string}
	| {ok: false; message: string};

/** The source's expression, as text when it parses, else from its stored tree; null source: nothing to evaluate. */
export function evaluableSource(source: AttributeMappingSource | null | undefined): EvaluableSource {
	if (!source) return {ok: false, message: 'the mapping has no source (only a default value)'};
	const text = typeof source.expression === 'string' ? source.expression : '';
	if (text.trim() !== '') {
		const parsed = parseExpression(text);
		if (parsed.ok) {
			const node = fromSyntaxTree(parsed.ast);
			// The stored tree can hold what the text leaves out: Join("@", [sAMAccountName], ) is stored with a
			// %DomainFQDN% placeholder in the empty slot. When the tree otherwise says the same, it is the truer one.
			const tree = source.type === 'Function' ? fromMappingSource(source) : undefined;
			if (tree && hasPlaceholder(tree) && render(tree, true) === render(node, true)) return {ok: true, node: tree, from: 'tree', text, why: 'it holds values the text leaves out (placeholders such as %DomainFQDN%)'};
			return {ok: true, node, from: 'text', text};
		}
		const tree = fromMappingSource(source);
		if (tree && source.type === 'Function') return {ok: true, node: tree, from: 'tree', text, why: 'the expression text does not parse'};
		return {ok: false, message: `the expression does not parse: ${parsed.error.message} (at character ${parsed.error.offset + 1})`};
	}
	const tree = fromMappingSource(source);
	if (!tree) return {ok: false, message: 'the source has neither expression text nor a parse tree to evaluate'};
	return {ok: true, node: tree, from: 'tree', text: sourceText(source), why: 'the source has no expression text'};
}

/** Expression text for a source without any: `[mail]`, `"True"`, or the function tree rendered. */
export function sourceText(source: AttributeMappingSource): string {
	if (typeof source.expression === 'string' && source.expression.trim() !== '') return source.expression;
	const name = typeof source.name === 'string' ? source.name : '';
	if (source.type === 'Attribute') return `[${name}]`;
	if (source.type === 'Constant') return `"${name.replace(/[\\"]/g, '\\$&')}"`;
	const node = fromMappingSource(source);
	return node ? render(node) : '';
}

function hasPlaceholder(node: ExpressionNode): boolean {
	if (node.kind === 'identifier') return node.name.startsWith('%');
	if (node.kind === 'comparison') return hasPlaceholder(node.left) || hasPlaceholder(node.right);
	return node.kind === 'call' && node.arguments.some((argument) => argument !== null && hasPlaceholder(argument));
}

/** Canonical text of a tree; `blankPlaceholders` renders %…% placeholders as the empty argument the text shows. */
function render(node: ExpressionNode, blankPlaceholders = false): string {
	const inner = (child: ExpressionNode | null) => (child ? render(child, blankPlaceholders) : '');
	switch (node.kind) {
		case 'attribute':
			return `[${node.name}]`;
		case 'string':
			return `"${node.value.replace(/[\\"]/g, '\\$&')}"`;
		case 'number':
		case 'hex':
			return node.raw;
		case 'identifier':
			return blankPlaceholders && node.name.startsWith('%') ? '' : node.name;
		case 'comparison':
			return `${inner(node.left)}${node.operator}${inner(node.right)}`;
		case 'call': {
			const args = node.arguments.map(inner);
			// A trailing empty argument is dropped from stored trees; compare without it.
			while (blankPlaceholders && args.length > 0 && args[args.length - 1] === '') args.pop();
			return `${node.name}(${args.join(', ')})`;
		}
	}
}
