import type {AttributeMapping, AttributeMappingSource} from './types.js';
import {ampersandIsNotAnOperator} from '../expressions/parser.js';

/**
 * The attribute-mapping expression language (research §5): VBA-like nested calls, [attribute] references,
 * "strings" with \" and \\ escapes, numbers, &H hex, bare identifiers (vbTextCompare) and one comparison
 * (IIF/CBool conditions). Offsets are UTF-16 indices into the source text; `end` is exclusive.
 */
export type ExpressionNode =
	| CallNode
	| {kind: 'attribute'; name: string; raw: string; start: number; end: number}
	| {kind: 'string'; value: string; raw: string; start: number; end: number}
	| {kind: 'number'; value: number; raw: string; start: number; end: number}
	| {kind: 'hex'; value: number; raw: string; start: number; end: number}
	| {kind: 'identifier'; name: string; start: number; end: number}
	| {kind: 'comparison'; operator: ComparisonOperator; left: ExpressionNode; right: ExpressionNode; start: number; end: number}
	/** An omitted positional argument, as in `Join("@", [x], )`; start === end. */
	| {kind: 'empty'; start: number; end: number};

export type CallNode = {kind: 'call'; name: string; args: ExpressionNode[]; start: number; end: number};

export const comparisonOperators = ['=', '<>', '>=', '<=', '>', '<'] as const;
export type ComparisonOperator = (typeof comparisonOperators)[number];

export type ExpressionParseResult =
	| {ok: true; ast: ExpressionNode}
	| {ok: false; error: {message: string; offset: number}};

/** Far deeper than any real expression; keeps recursion well inside the default stack. */
export const maxExpressionNesting = 256;

// ---------------------------------------------------------------------------------------------
// Tokenizer

type Token =
	| {kind: '(' | ')' | ',' | 'end'; start: number; end: number}
	| {kind: 'attribute'; name: string; start: number; end: number}
	| {kind: 'string'; value: string; start: number; end: number}
	| {kind: 'number' | 'hex'; value: number; start: number; end: number}
	| {kind: 'identifier'; name: string; start: number; end: number}
	| {kind: 'operator'; operator: ComparisonOperator; start: number; end: number};

class ExpressionSyntaxError extends Error {
	constructor(
		message: string,
		readonly offset: number,
	) {
		super(message);
	}
}

const identifierPattern = /[A-Za-z_][A-Za-z0-9_]*/y;
const numberPattern = /-?\d+(?:\.\d+)?/y;
const hexPattern = /&[Hh][0-9A-Fa-f]+/y;

class Tokenizer {
	private position = 0;

	constructor(private readonly text: string) {}

	next(): Token {
		const {text} = this;
		let i = this.position;
		while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
		const start = i;
		if (i >= text.length) {
			this.position = i;
			return {kind: 'end', start, end: start};
		}
		const c = text[i]!;
		let token: Token;
		switch (c) {
			case '(':
			case ')':
			case ',':
				token = {kind: c, start, end: start + 1};
				break;
			case '[':
				token = this.attribute(start);
				break;
			case '"':
				token = this.string(start);
				break;
			case '=':
				token = {kind: 'operator', operator: '=', start, end: start + 1};
				break;
			case '<': {
				const next = text[i + 1];
				const operator = next === '>' ? '<>' : next === '=' ? '<=' : '<';
				token = {kind: 'operator', operator, start, end: start + operator.length};
				break;
			}
			case '>': {
				const operator = text[i + 1] === '=' ? '>=' : '>';
				token = {kind: 'operator', operator, start, end: start + operator.length};
				break;
			}
			case '&': {
				const raw = this.match(hexPattern, start);
				if (!raw) {
					throw new ExpressionSyntaxError(`'&' ${ampersandIsNotAnOperator}`, start);
				}
				token = {kind: 'hex', value: Number.parseInt(raw.slice(2), 16), start, end: start + raw.length};
				break;
			}
			default: {
				const identifier = this.match(identifierPattern, start);
				if (identifier) {
					token = {kind: 'identifier', name: identifier, start, end: start + identifier.length};
					break;
				}
				const number = this.match(numberPattern, start);
				if (number) {
					token = {kind: 'number', value: Number(number), start, end: start + number.length};
					break;
				}
				throw new ExpressionSyntaxError(unexpectedCharacterMessage(text, start), start);
			}
		}
		this.position = token.end;
		return token;
	}

	private match(pattern: RegExp, start: number): string | undefined {
		pattern.lastIndex = start;
		return pattern.exec(this.text)?.[0];
	}

	/** `[name]`; names may hold nested [..] and "..." (SCIM paths such as emails[type eq "work"].value). */
	private attribute(start: number): Token {
		const {text} = this;
		let depth = 0;
		for (let i = start; i < text.length; i++) {
			const c = text[i];
			if (c === '"') {
				i = this.skipString(i);
				if (i === -1) break;
			} else if (c === '[') {
				depth++;
			} else if (c === ']') {
				depth--;
				if (depth === 0) {
					const name = text.slice(start + 1, i);
					if (name.trim() === '') throw new ExpressionSyntaxError('empty attribute name []', start);
					return {kind: 'attribute', name, start, end: i + 1};
				}
			}
		}
		throw new ExpressionSyntaxError("unclosed '[': missing ']' after the attribute name", start);
	}

	private string(start: number): Token {
		const end = this.skipString(start);
		if (end === -1) throw new ExpressionSyntaxError('unterminated string: missing closing "', start);
		const body = this.text.slice(start + 1, end);
		// Only \" and \\ are escapes; any other backslash stays, as regex patterns rely on (e.g. "\d").
		const value = body.includes('\\') ? body.replace(/\\(["\\])/g, '$1') : body;
		return {kind: 'string', value, start, end: end + 1};
	}

	/** Index of the closing quote of the string opening at `start`, or -1. */
	private skipString(start: number): number {
		const {text} = this;
		for (let i = start + 1; i < text.length; i++) {
			const c = text.charCodeAt(i);
			if (c === 0x5c) i++;
			else if (c === 0x22) return i;
		}
		return -1;
	}
}

function isWhitespace(code: number): boolean {
	return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0xa0;
}

function unexpectedCharacterMessage(text: string, offset: number): string {
	const c = text[offset]!;
	if (c === "'") return "unexpected ': strings use double quotes";
	if (c === ']') return "unexpected ']' without a matching '['";
	if (c === '+') return 'unexpected +: there is no + operator; use Join or Append to concatenate';
	const codePoint = text.codePointAt(offset)!;
	const shown = codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0) ? `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}` : String.fromCodePoint(codePoint);
	return `unexpected character '${shown}'`;
}

// ---------------------------------------------------------------------------------------------
// Parser

export function parseExpression(text: string): ExpressionParseResult {
	try {
		return {ok: true, ast: new Parser(text).parseWhole()};
	} catch (error) {
		if (error instanceof ExpressionSyntaxError) return {ok: false, error: {message: error.message, offset: error.offset}};
		throw error;
	}
}

class Parser {
	private readonly tokenizer: Tokenizer;
	private token: Token;

	constructor(private readonly text: string) {
		this.tokenizer = new Tokenizer(text);
		this.token = this.tokenizer.next();
	}

	parseWhole(): ExpressionNode {
		if (this.token.kind === 'end') throw new ExpressionSyntaxError('empty expression', 0);
		const node = this.expression(0);
		const token = this.token;
		if (token.kind !== 'end') {
			const what = token.kind === ')' ? "unmatched ')'" : `unexpected ${describeToken(token)} after the end of the expression`;
			throw new ExpressionSyntaxError(what, token.start);
		}
		return node;
	}

	private advance(): Token {
		const current = this.token;
		this.token = this.tokenizer.next();
		return current;
	}

	/** expr = term [cmpop term] */
	private expression(depth: number): ExpressionNode {
		const left = this.term(depth);
		const token = this.token;
		if (token.kind !== 'operator') return left;
		this.advance();
		const right = this.term(depth);
		if (this.token.kind === 'operator') {
			throw new ExpressionSyntaxError('only one comparison is allowed here (there is no AND/OR; nest IIF calls instead)', this.token.start);
		}
		return {kind: 'comparison', operator: token.operator, left, right, start: left.start, end: right.end};
	}

	private term(depth: number): ExpressionNode {
		const token = this.advance();
		switch (token.kind) {
			case 'identifier':
				if (this.token.kind === '(') return this.call(token, depth);
				return {kind: 'identifier', name: token.name, start: token.start, end: token.end};
			case 'attribute':
				return {kind: 'attribute', name: token.name, raw: this.raw(token), start: token.start, end: token.end};
			case 'string':
				return {kind: 'string', value: token.value, raw: this.raw(token), start: token.start, end: token.end};
			case 'number':
			case 'hex':
				return {kind: token.kind, value: token.value, raw: this.raw(token), start: token.start, end: token.end};
			case 'end':
				throw new ExpressionSyntaxError('unexpected end of the expression: a value is missing', token.start);
			case '(':
				throw new ExpressionSyntaxError("unexpected '(': parentheses only follow a function name", token.start);
			default:
				throw new ExpressionSyntaxError(`expected a value, found ${describeToken(token)}`, token.start);
		}
	}

	private raw(token: Token): string {
		return this.text.slice(token.start, token.end);
	}

	/** call = ident "(" [arg {"," arg}] ")", where an arg may be empty. */
	private call(name: Token & {kind: 'identifier'}, depth: number): CallNode {
		const open = this.advance();
		if (depth >= maxExpressionNesting) {
			throw new ExpressionSyntaxError(`calls are nested too deeply (more than ${maxExpressionNesting} levels)`, name.start);
		}
		const args: ExpressionNode[] = [];
		if (this.token.kind === ')') {
			return {kind: 'call', name: name.name, args, start: name.start, end: this.advance().end};
		}
		for (;;) {
			const token = this.token;
			if (token.kind === ',' || token.kind === ')') {
				args.push({kind: 'empty', start: token.start, end: token.start});
			} else if (token.kind === 'end') {
				throw new ExpressionSyntaxError(`unclosed '${name.name}(': missing ')'`, open.start);
			} else {
				args.push(this.expression(depth + 1));
			}
			const separator = this.token;
			if (separator.kind === ')') {
				this.advance();
				return {kind: 'call', name: name.name, args, start: name.start, end: separator.end};
			}
			if (separator.kind === ',') {
				this.advance();
				continue;
			}
			if (separator.kind === 'end') throw new ExpressionSyntaxError(`unclosed '${name.name}(': missing ')'`, open.start);
			throw new ExpressionSyntaxError(
				`expected ',' or ')' in the arguments of ${name.name}, found ${describeToken(separator)}`,
				separator.start,
			);
		}
	}
}

function describeToken(token: Token): string {
	switch (token.kind) {
		case 'end':
			return 'the end of the expression';
		case 'attribute':
			return `attribute [${token.name}]`;
		case 'string':
			return 'a string';
		case 'number':
		case 'hex':
			return 'a number';
		case 'identifier':
			return `'${token.name}'`;
		case 'operator':
			return `'${token.operator}'`;
		default:
			return `'${token.kind}'`;
	}
}

// ---------------------------------------------------------------------------------------------
// Queries

function children(node: ExpressionNode): readonly ExpressionNode[] {
	if (node.kind === 'call') return node.args;
	if (node.kind === 'comparison') return [node.left, node.right];
	return [];
}

/** Visit nodes in source order without recursion. */
export function walkExpression(ast: ExpressionNode, visit: (node: ExpressionNode) => void): void {
	const stack: ExpressionNode[] = [ast];
	while (stack.length > 0) {
		const node = stack.pop()!;
		visit(node);
		const nested = children(node);
		for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]!);
	}
}

/** Distinct attribute names, in order of first appearance. */
export function referencedAttributes(ast: ExpressionNode): string[] {
	const names = new Set<string>();
	walkExpression(ast, (node) => {
		if (node.kind === 'attribute') names.add(node.name);
	});
	return [...names];
}

/** Distinct function names, in order of first appearance. */
export function functionNames(ast: ExpressionNode): string[] {
	const names = new Set<string>();
	walkExpression(ast, (node) => {
		if (node.kind === 'call') names.add(node.name);
	});
	return [...names];
}

/**
 * Source attributes a mapping reads. The expression text wins over the stored parameter tree, because the
 * text is what users see and edit; the tree is used when there is no text or it does not parse.
 */
export function sourceAttributeNames(source: AttributeMappingSource | null | undefined): string[] {
	if (!source) return [];
	if (source.type === 'Attribute') return typeof source.name === 'string' ? [source.name] : [];
	if (source.type === 'Constant') return [];
	if (typeof source.expression === 'string' && source.expression.trim() !== '') {
		const parsed = parseExpression(source.expression);
		if (parsed.ok) return referencedAttributes(parsed.ast);
	}
	const names = new Set<string>();
	const stack: AttributeMappingSource[] = [source];
	while (stack.length > 0) {
		const current = stack.pop()!;
		if (current.type === 'Attribute' && typeof current.name === 'string') names.add(current.name);
		const parameters = Array.isArray(current.parameters) ? current.parameters : [];
		for (let i = parameters.length - 1; i >= 0; i--) {
			const value = parameters[i]?.value;
			if (value && typeof value === 'object') stack.push(value);
		}
	}
	return [...names];
}

// ---------------------------------------------------------------------------------------------
// Formatting

/**
 * Pretty-print for reading: a call that fits in `width` stays on one line, otherwise its arguments go one per line,
 * indented two spaces per level, with the closing parenthesis on its own line. Strings and attribute names are
 * reproduced verbatim, so only whitespace differs from the input. Text that does not parse is returned as is.
 */
export function formatExpression(text: string, options: {width?: number} = {}): string[] {
	const parsed = parseExpression(text);
	if (!parsed.ok) return text.split(/\r\n|\r|\n/);
	return new ExpressionFormatter(options.width ?? 60).format(parsed.ast);
}

class ExpressionFormatter {
	private readonly lengths = new Map<ExpressionNode, number>();

	constructor(private readonly width: number) {}

	format(ast: ExpressionNode): string[] {
		const lines: string[] = [];
		this.emit(ast, 0, '', lines);
		return lines;
	}

	/** Append the lines for `node` at `level`, with `suffix` (a comma or nothing) after its last character. */
	private emit(node: ExpressionNode, level: number, suffix: string, lines: string[]): void {
		const indent = '  '.repeat(level);
		if (indent.length + this.compactLength(node) + suffix.length <= this.width || (node.kind === 'call' && node.args.length === 0)) {
			lines.push(indent + this.compact(node) + suffix);
			return;
		}
		if (node.kind === 'call') {
			lines.push(`${indent}${node.name}(`);
			const last = node.args.length - 1;
			node.args.forEach((arg, index) => {
				const argSuffix = index === last ? '' : ',';
				// An empty last argument needs no line: the comma before it already shows it.
				if (arg.kind === 'empty') {
					if (index !== last) lines.push(`${indent}  ,`);
				} else {
					this.emit(arg, level + 1, argSuffix, lines);
				}
			});
			lines.push(`${indent})${suffix}`);
			return;
		}
		if (node.kind === 'comparison') {
			this.emit(node.left, level, '', lines);
			const rightLines: string[] = [];
			this.emit(node.right, level, suffix, rightLines);
			lines[lines.length - 1] += ` ${node.operator} ${rightLines[0]!.trimStart()}`;
			for (let i = 1; i < rightLines.length; i++) lines.push(rightLines[i]!);
			return;
		}
		lines.push(indent + this.compact(node) + suffix);
	}

	private compact(node: ExpressionNode): string {
		switch (node.kind) {
			case 'call':
				return `${node.name}(${node.args.map((arg) => this.compact(arg)).join(', ')})`;
			case 'comparison':
				return `${this.compact(node.left)} ${node.operator} ${this.compact(node.right)}`;
			case 'identifier':
				return node.name;
			case 'empty':
				return '';
			default:
				return node.raw;
		}
	}

	/** Memoized, so deciding line breaks stays linear in the size of the expression. */
	private compactLength(node: ExpressionNode): number {
		const known = this.lengths.get(node);
		if (known !== undefined) return known;
		let length: number;
		switch (node.kind) {
			case 'call':
				length = node.name.length + 2 + Math.max(0, node.args.length - 1) * 2;
				for (const arg of node.args) length += this.compactLength(arg);
				break;
			case 'comparison':
				length = this.compactLength(node.left) + node.operator.length + 2 + this.compactLength(node.right);
				break;
			case 'identifier':
				length = node.name.length;
				break;
			case 'empty':
				length = 0;
				break;
			default:
				length = node.raw.length;
		}
		this.lengths.set(node, length);
		return length;
	}
}

// ---------------------------------------------------------------------------------------------
// Mapping sources in list rows

export type SourceKind = 'Attribute' | 'Constant' | 'Expression' | 'None';

export function sourceKind(mapping: AttributeMapping): SourceKind {
	const source = mapping.source;
	if (!source) return 'None';
	if (source.type === 'Attribute') return 'Attribute';
	if (source.type === 'Constant') return 'Constant';
	return 'Expression';
}

/**
 * The short, single-line form of a mapping's source for list rows: `[mail]`, `"True"`, `Trim([cn])`,
 * `(none) default "x"`. Truncated with … to maxLength.
 */
export function sourceSummary(mapping: AttributeMapping, maxLength = Number.POSITIVE_INFINITY): string {
	const source = mapping.source;
	let summary: string;
	if (!source) {
		summary = typeof mapping.defaultValue === 'string' ? `(none) default ${quote(mapping.defaultValue)}` : '(none)';
	} else {
		summary = sourceText(source, 0);
	}
	summary = summary.replace(/\s*[\r\n]+\s*/g, ' ');
	return truncate(summary, maxLength);
}

function sourceText(source: AttributeMappingSource, depth: number): string {
	if (typeof source.expression === 'string' && source.expression !== '') return source.expression;
	const name = typeof source.name === 'string' ? source.name : '';
	if (source.type === 'Attribute') return `[${name}]`;
	if (source.type === 'Constant') return quote(name);
	if (depth > maxExpressionNesting) return '…';
	const parameters = Array.isArray(source.parameters) ? source.parameters : [];
	const argument = (key: string) => {
		const value = parameters.find((parameter) => parameter?.key === key)?.value;
		return value ? sourceText(value, depth + 1) : '';
	};
	// The service stores IIF(a = b, t, f) as one=a, two="=", three=b, four=t, five=f (research §5.3).
	const keys = new Set(parameters.map((parameter) => parameter?.key));
	if (name === 'IIF' && keys.has('one') && keys.has('four')) {
		const operator = parameters.find((parameter) => parameter?.key === 'two')?.value?.name;
		const condition = keys.has('two') ? `${argument('one')}${operator ?? ''}${argument('three')}` : argument('one');
		return `IIF(${condition}, ${argument('four')}, ${argument('five')})`;
	}
	const args = parameters.map((parameter) => (parameter?.value ? sourceText(parameter.value, depth + 1) : ''));
	return `${name}(${args.join(', ')})`;
}

function quote(value: string): string {
	return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

function truncate(text: string, maxLength: number): string {
	if (text.length <= maxLength) return text;
	if (maxLength <= 0) return '';
	let cut = maxLength - 1;
	// Do not split a surrogate pair.
	const code = text.charCodeAt(cut - 1);
	if (code >= 0xd800 && code <= 0xdbff) cut--;
	return `${text.slice(0, cut)}…`;
}
