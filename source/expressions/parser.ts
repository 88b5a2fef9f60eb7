/**
 * A parser for the attribute-mapping expression language (research graph-sync-api.md §5.1, §5.4):
 * `Function(args)`, `[attribute]`, `"strings"` with backslash escapes, numbers, `&H` hex, a few bare
 * identifiers (vbTextCompare…), comparison operators inside IIF/CBool, and empty positional arguments.
 * It turns text into a syntax tree and the tree into the attributeMappingSource the service stores.
 */

import type {AttributeMappingSource} from '../schema/types.js';
import {argumentKey, findFunction, findFunctionIgnoringCase, maximumArguments} from './function-catalog.js';

export type ComparisonOperator = '=' | '<>' | '>' | '>=' | '<' | '<=';

/** Offsets are 0-based indexes into the expression text. */
export type ExpressionNode =
	| {kind: 'attribute'; name: string; start: number; end: number}
	| {kind: 'string'; value: string; raw: string; start: number; end: number}
	| {kind: 'number'; raw: string; start: number; end: number}
	| {kind: 'hex'; raw: string; start: number; end: number}
	| {kind: 'identifier'; name: string; start: number; end: number}
	| {kind: 'call'; name: string; arguments: (ExpressionNode | null)[]; start: number; end: number}
	| {kind: 'comparison'; operator: ComparisonOperator; left: ExpressionNode; right: ExpressionNode; start: number; end: number};

export type ExpressionSyntaxError = {message: string; /** 1-based character position */ position: number};

export type ParseOutcome = {ok: true; node: ExpressionNode} | {ok: false; error: ExpressionSyntaxError};

/** The mapping expression limit from the Entra known-issues page. */
export const maximumExpressionLength = 10_000;

/** Bare words the language accepts as values (InStr compare types, booleans). */
const knownIdentifiers = new Set(['vbTextCompare', 'vbBinaryCompare', 'vbDatabaseCompare', 'True', 'False', 'Nothing']);

/**
 * `&` concatenation is not part of the language: both references define expressions as functions, [attributes] and
 * "strings"; cloud sync's one `"t-" & [alias]` example is Connect sync syntax (docs/graph-notes.md, "& in expressions").
 */
export const ampersandIsNotAnOperator = 'is not an operator in provisioning expressions (the syntax has functions, [attributes] and "strings" only): concatenate with Join("", a, b) or Append(a, b)';

/** "Unexpected X at position N: expected …", or for a lone `&` why it is not concatenation. */
function unexpected(char: string, offset: number, expected: string): SyntaxFailure {
	if (char === '&') return new SyntaxFailure(`'&' at position ${offset + 1} ${ampersandIsNotAnOperator}.`, offset);
	return new SyntaxFailure(`Unexpected '${char}' at position ${offset + 1}: ${expected}.`, offset);
}

class SyntaxFailure extends Error {
	constructor(
		message: string,
		readonly offset: number,
	) {
		super(message);
	}
}

const isDigit = (char: string | undefined) => char !== undefined && char >= '0' && char <= '9';
const isHexDigit = (char: string | undefined) => char !== undefined && /^[0-9a-fA-F]$/.test(char);
const isIdentifierStart = (char: string | undefined) => char !== undefined && /^[A-Za-z_]$/.test(char);
const isIdentifierPart = (char: string | undefined) => char !== undefined && /^[A-Za-z0-9_]$/.test(char);
const isWhitespace = (char: string | undefined) => char === ' ' || char === '\t' || char === '\r' || char === '\n';

class Parser {
	private offset = 0;

	constructor(private readonly text: string) {}

	parseWhole(): ExpressionNode {
		this.skipWhitespace();
		if (this.offset >= this.text.length) throw new SyntaxFailure('The expression is empty.', 0);
		const node = this.parseValue(true);
		this.skipWhitespace();
		if (this.offset < this.text.length) {
			const char = this.text[this.offset] as string;
			if (char === ')') throw new SyntaxFailure(`Unexpected ')' at position ${this.offset + 1}: no matching '('.`, this.offset);
			throw unexpected(char, this.offset, 'expected the end of the expression');
		}
		return node;
	}

	private skipWhitespace(): void {
		while (isWhitespace(this.text[this.offset])) this.offset++;
	}

	/** A value, optionally followed by a comparison operator and a second value. */
	private parseValue(allowComparison: boolean): ExpressionNode {
		const left = this.parseTerm();
		this.skipWhitespace();
		const operator = this.peekOperator();
		if (!operator) return left;
		if (!allowComparison) {
			throw new SyntaxFailure(
				`Comparison operator '${operator}' at position ${this.offset + 1} is only allowed in the condition of IIF or CBool.`,
				this.offset,
			);
		}
		this.offset += operator.length;
		this.skipWhitespace();
		if (this.offset >= this.text.length || this.text[this.offset] === ',' || this.text[this.offset] === ')') {
			throw new SyntaxFailure(`Missing value after '${operator}' at position ${this.offset + 1}.`, this.offset);
		}
		const right = this.parseTerm();
		return {kind: 'comparison', operator, left, right, start: left.start, end: right.end};
	}

	private peekOperator(): ComparisonOperator | undefined {
		const two = this.text.slice(this.offset, this.offset + 2);
		if (two === '<>' || two === '>=' || two === '<=') return two;
		const one = this.text[this.offset];
		if (one === '=' || one === '<' || one === '>') return one;
		return undefined;
	}

	private parseTerm(): ExpressionNode {
		const start = this.offset;
		const char = this.text[start];
		if (char === undefined) throw new SyntaxFailure(`Unexpected end of expression at position ${start + 1}: expected a value.`, start);
		if (char === '[') return this.parseAttribute();
		if (char === '"') return this.parseString();
		if (isDigit(char) || (char === '-' && isDigit(this.text[start + 1]))) return this.parseNumber();
		if (char === '&' && (this.text[start + 1] === 'H' || this.text[start + 1] === 'h')) return this.parseHex();
		if (isIdentifierStart(char)) return this.parseIdentifierOrCall();
		if (char === ']') throw new SyntaxFailure(`Unexpected ']' at position ${start + 1}: no matching '['.`, start);
		throw unexpected(char, start, 'expected a function, [attribute], "string" or number');
	}

	/** `[name]` where name may hold nested brackets and quoted text, e.g. `[emails[type eq "work"].value]`. */
	private parseAttribute(): ExpressionNode {
		const start = this.offset;
		let depth = 0;
		let index = start;
		while (index < this.text.length) {
			const char = this.text[index];
			if (char === '"') {
				index = this.skipQuoted(index);
				continue;
			}
			if (char === '[') depth++;
			else if (char === ']') {
				depth--;
				if (depth === 0) break;
			}
			index++;
		}
		if (index >= this.text.length) throw new SyntaxFailure(`Unterminated attribute name: '[' at position ${start + 1} has no matching ']'.`, start);
		const name = this.text.slice(start + 1, index);
		if (name.trim() === '') throw new SyntaxFailure(`Empty attribute name at position ${start + 1}.`, start);
		this.offset = index + 1;
		return {kind: 'attribute', name, start, end: this.offset};
	}

	/** Returns the index just after the closing quote of the string starting at `quoteIndex`. */
	private skipQuoted(quoteIndex: number): number {
		let index = quoteIndex + 1;
		while (index < this.text.length) {
			const char = this.text[index];
			if (char === '\\') {
				index += 2;
				continue;
			}
			if (char === '"') return index + 1;
			index++;
		}
		throw new SyntaxFailure(`Unterminated string literal starting at position ${quoteIndex + 1}.`, quoteIndex);
	}

	private parseString(): ExpressionNode {
		const start = this.offset;
		const end = this.skipQuoted(start);
		const raw = this.text.slice(start, end);
		// Only \" and \\ are escapes; any other backslash is kept as written (regex patterns).
		const value = raw.slice(1, -1).replace(/\\(["\\])/g, '$1');
		this.offset = end;
		return {kind: 'string', value, raw, start, end};
	}

	private parseNumber(): ExpressionNode {
		const start = this.offset;
		let index = start;
		if (this.text[index] === '-') index++;
		while (isDigit(this.text[index])) index++;
		if (this.text[index] === '.' && isDigit(this.text[index + 1])) {
			index++;
			while (isDigit(this.text[index])) index++;
		}
		if (isIdentifierPart(this.text[index])) {
			throw new SyntaxFailure(`Invalid number at position ${start + 1}.`, start);
		}
		this.offset = index;
		return {kind: 'number', raw: this.text.slice(start, index), start, end: index};
	}

	private parseHex(): ExpressionNode {
		const start = this.offset;
		let index = start + 2;
		while (isHexDigit(this.text[index])) index++;
		if (index === start + 2 || isIdentifierPart(this.text[index])) {
			throw new SyntaxFailure(`Invalid hexadecimal number at position ${start + 1}.`, start);
		}
		this.offset = index;
		return {kind: 'hex', raw: this.text.slice(start, index), start, end: index};
	}

	private parseIdentifierOrCall(): ExpressionNode {
		const start = this.offset;
		let index = start;
		while (isIdentifierPart(this.text[index])) index++;
		const name = this.text.slice(start, index);
		this.offset = index;
		this.skipWhitespace();
		if (this.text[this.offset] !== '(') {
			this.offset = index;
			if (knownIdentifiers.has(name)) return {kind: 'identifier', name, start, end: index};
			if (findFunction(name)) throw new SyntaxFailure(`Function '${name}' at position ${start + 1} must be followed by '('.`, start);
			throw new SyntaxFailure(
				`Unknown identifier '${name}' at position ${start + 1}: string constants must be in double quotes and attributes in [brackets].`,
				start,
			);
		}
		const openParen = this.offset;
		this.offset++;
		const callArguments = this.parseArguments(openParen);
		return {kind: 'call', name, arguments: callArguments, start, end: this.offset};
	}

	/** Arguments after '(' up to and including ')'. Empty positions are null. */
	private parseArguments(openParen: number): (ExpressionNode | null)[] {
		const callArguments: (ExpressionNode | null)[] = [];
		this.skipWhitespace();
		if (this.text[this.offset] === ')') {
			this.offset++;
			return callArguments;
		}
		for (;;) {
			this.skipWhitespace();
			const char = this.text[this.offset];
			if (char === undefined) throw new SyntaxFailure(`Missing ')': '(' at position ${openParen + 1} is never closed.`, openParen);
			if (char === ',' || char === ')') callArguments.push(null);
			else callArguments.push(this.parseValue(true));
			this.skipWhitespace();
			const separator = this.text[this.offset];
			if (separator === ',') {
				this.offset++;
				continue;
			}
			if (separator === ')') {
				this.offset++;
				return callArguments;
			}
			if (separator === undefined) throw new SyntaxFailure(`Missing ')': '(' at position ${openParen + 1} is never closed.`, openParen);
			throw unexpected(separator, this.offset, "expected ',' or ')'");
		}
	}
}

/** Checks function names, argument counts, required arguments and where comparisons may appear. */
function checkFunctions(node: ExpressionNode, isTopLevel: boolean, comparisonAllowed: boolean): void {
	if (node.kind === 'comparison') {
		if (!comparisonAllowed) {
			throw new SyntaxFailure(
				`Comparison operator '${node.operator}' at position ${node.left.end + 1} is only allowed in the condition of IIF or CBool.`,
				node.left.end,
			);
		}
		checkFunctions(node.left, false, false);
		checkFunctions(node.right, false, false);
		return;
	}
	if (node.kind !== 'call') return;
	const spec = findFunction(node.name);
	if (!spec) {
		const hint = findFunctionIgnoringCase(node.name);
		const suffix = hint ? ` Function names are case-sensitive: did you mean '${hint.name}'?` : '';
		throw new SyntaxFailure(`Unknown function '${node.name}' at position ${node.start + 1}.${suffix}`, node.start);
	}
	if (spec.topLevelOnly && !isTopLevel) {
		throw new SyntaxFailure(`${spec.name} at position ${node.start + 1} can only be used as the whole expression, not nested.`, node.start);
	}
	const count = node.arguments.length;
	const maximum = maximumArguments(spec);
	if (count < spec.minArguments || count > maximum) {
		const expected = maximum === Number.POSITIVE_INFINITY ? `at least ${spec.minArguments}` : spec.minArguments === maximum ? `${maximum}` : `${spec.minArguments} to ${maximum}`;
		throw new SyntaxFailure(
			`Function '${spec.name}' at position ${node.start + 1} takes ${expected} argument${expected === '1' ? '' : 's'} but was given ${count}.`,
			node.start,
		);
	}
	if (spec.repeatingPair && (count - spec.argumentKeys.length) % 2 !== 0) {
		throw new SyntaxFailure(`Function '${spec.name}' at position ${node.start + 1} needs key/value pairs after its first two arguments.`, node.start);
	}
	const requiredPositions = spec.name === 'FormatDateTime' ? [0, count - 1] : spec.requiredPositions;
	for (const position of requiredPositions) {
		if (node.arguments[position] === null) {
			throw new SyntaxFailure(`Function '${spec.name}' at position ${node.start + 1}: argument ${position + 1} is required.`, node.start);
		}
	}
	node.arguments.forEach((argument, position) => {
		if (argument) checkFunctions(argument, false, spec.comparisonPositions?.includes(position) ?? false);
	});
}

/** Parses expression text into a syntax tree, including function and argument checks. */
export function parseExpressionText(text: string): ParseOutcome {
	if (text.length > maximumExpressionLength) {
		return {ok: false, error: {message: `The expression is ${text.length} characters long; the maximum is ${maximumExpressionLength}.`, position: maximumExpressionLength + 1}};
	}
	try {
		const node = new Parser(text).parseWhole();
		checkFunctions(node, true, false);
		return {ok: true, node};
	} catch (error) {
		if (error instanceof SyntaxFailure) return {ok: false, error: {message: error.message, position: error.offset + 1}};
		throw error;
	}
}

/** The canonical text the service stores in `expression`: `, ` between arguments, empty arguments left empty. */
export function renderExpression(node: ExpressionNode): string {
	switch (node.kind) {
		case 'attribute':
			return `[${node.name}]`;
		case 'string':
			return node.raw;
		case 'number':
		case 'hex':
			return node.raw;
		case 'identifier':
			return node.name;
		case 'comparison':
			return `${renderExpression(node.left)}${node.operator}${renderExpression(node.right)}`;
		case 'call':
			return `${node.name}(${node.arguments.map((argument) => (argument ? renderExpression(argument) : '')).join(', ')})`;
	}
}

const constant = (name: string, expression: string | null): AttributeMappingSource => ({expression, name, type: 'Constant', parameters: []});

/** The attributeMappingSource for a node, in the service's shape and key order (§5.3). */
export function toMappingSource(node: ExpressionNode): AttributeMappingSource {
	switch (node.kind) {
		case 'attribute':
			return {expression: `[${node.name}]`, name: node.name, type: 'Attribute', parameters: []};
		case 'string':
			return constant(node.value, node.raw);
		case 'number':
		case 'hex':
			// The service stores numbers as quoted constants: 448 → name "448", expression "\"448\"".
			return constant(node.raw, `"${node.raw}"`);
		case 'identifier':
			return constant(node.name, node.name);
		case 'comparison':
			// Only reachable for a bare comparison, which checkFunctions rejects; kept total for safety.
			return constant(renderExpression(node), renderExpression(node));
		case 'call': {
			const spec = findFunction(node.name);
			const count = node.arguments.length;
			const parameters: {key: string; value: AttributeMappingSource}[] = [];
			node.arguments.forEach((argument, position) => {
				if (!argument) return;
				if (argument.kind === 'comparison') {
					// IIF(a="0", …): one = left operand, two = the operator as a constant, three = right operand.
					parameters.push({key: 'one', value: toMappingSource(argument.left)});
					parameters.push({key: 'two', value: constant(argument.operator, `"${argument.operator}"`)});
					parameters.push({key: 'three', value: toMappingSource(argument.right)});
					return;
				}
				const key = spec ? argumentKey(spec, position, count) : `argument${position + 1}`;
				parameters.push({key, value: toMappingSource(argument)});
			});
			return {expression: renderExpression(node), name: node.name, type: 'Function', parameters};
		}
	}
}

/** Every `[attribute]` name referenced anywhere in the tree. */
export function referencedAttributes(node: ExpressionNode): string[] {
	switch (node.kind) {
		case 'attribute':
			return [node.name];
		case 'comparison':
			return [...referencedAttributes(node.left), ...referencedAttributes(node.right)];
		case 'call':
			return node.arguments.flatMap((argument) => (argument ? referencedAttributes(argument) : []));
		default:
			return [];
	}
}

/** Parses text straight to an attributeMappingSource; throws on invalid text (for generators). */
export function expressionToMappingSource(text: string): AttributeMappingSource {
	const outcome = parseExpressionText(text);
	if (!outcome.ok) throw new SyntaxError(`${outcome.error.message} Expression: ${text}`);
	return toMappingSource(outcome.node);
}
