/**
 * A best-effort evaluator of the expression language, shared by the demo tenant (parseExpression with a
 * `testInputObject`) and local expression tests.
 * It covers the common string functions; anything else reports that the simulator cannot evaluate it.
 */

import type {ExpressionNode} from './parser.js';

export type ExpressionValue = string | string[] | null;

export type EvaluationOutcome = {ok: true; values: string[]} | {ok: false; message: string};

class EvaluationFailure extends Error {}

const truthy = (value: ExpressionValue) => first(value)?.toLowerCase() === 'true';
const asBoolean = (flag: boolean) => (flag ? 'True' : 'False');

function first(value: ExpressionValue): string | null {
	if (Array.isArray(value)) return value[0] ?? null;
	return value;
}

function mapSingle(value: ExpressionValue, transform: (text: string) => string): ExpressionValue {
	if (value === null) return null;
	if (Array.isArray(value)) return value.map(transform);
	return transform(value);
}

function compare(left: string | null, operator: string, right: string | null): boolean {
	if (left === null || right === null) return false;
	const leftNumber = Number(left);
	const rightNumber = Number(right);
	const numeric = left.trim() !== '' && right.trim() !== '' && !Number.isNaN(leftNumber) && !Number.isNaN(rightNumber);
	const order = numeric ? Math.sign(leftNumber - rightNumber) : left < right ? -1 : left > right ? 1 : 0;
	switch (operator) {
		case '=':
			return order === 0;
		case '<>':
			return order !== 0;
		case '>':
			return order > 0;
		case '>=':
			return order >= 0;
		case '<':
			return order < 0;
		default:
			return order <= 0;
	}
}

function stripDiacritics(text: string): string {
	return text.normalize('NFD').replace(/\p{Diacritic}/gu, '');
}

export function evaluateExpression(node: ExpressionNode, input: ReadonlyMap<string, ExpressionValue>, defaultDomain: string): EvaluationOutcome {
	const evaluate = (current: ExpressionNode | null): ExpressionValue => {
		if (current === null) return null;
		switch (current.kind) {
			case 'attribute':
				return input.get(current.name) ?? null;
			case 'string':
				return current.value;
			case 'number':
				return current.raw;
			case 'hex':
				return String(Number.parseInt(current.raw.slice(2), 16));
			case 'identifier':
				return current.name;
			case 'comparison':
				return asBoolean(compare(first(evaluate(current.left)), current.operator, first(evaluate(current.right))));
			case 'call':
				return call(current.name, current.arguments);
		}
	};
	const text = (argument: ExpressionNode | null | undefined) => first(evaluate(argument ?? null));
	const call = (name: string, args: (ExpressionNode | null)[]): ExpressionValue => {
		const [a, b, c] = args;
		switch (name) {
			case 'Append': {
				const value = text(a);
				return value === null ? null : value + (text(b) ?? '');
			}
			case 'BitAnd':
				return String(Number(text(a) ?? 0) & Number(text(b) ?? 0));
			case 'CBool':
				return asBoolean(truthy(evaluate(a ?? null)));
			case 'Coalesce':
				for (const argument of args) {
					const value = text(argument);
					if (value !== null && value !== '') return value;
				}
				return null;
			case 'Count': {
				const value = evaluate(a ?? null);
				return String(value === null ? 0 : Array.isArray(value) ? value.length : 1);
			}
			case 'CStr':
				return text(a);
			case 'DefaultDomain':
				return defaultDomain;
			case 'Error':
				throw new EvaluationFailure(text(a) ?? 'Error');
			case 'IIF':
				return truthy(evaluate(a ?? null)) ? evaluate(b ?? null) : evaluate(c ?? null);
			case 'IsNull':
				return asBoolean(evaluate(a ?? null) === null);
			case 'IsNullOrEmpty': {
				const value = text(a);
				return asBoolean(value === null || value === '');
			}
			case 'IsPresent': {
				const value = text(a);
				return asBoolean(value !== null && value !== '');
			}
			case 'IsString':
				return asBoolean(Number.isNaN(Number(text(a))));
			case 'Item': {
				const value = evaluate(a ?? null);
				const index = Number(text(b)) - 1;
				return Array.isArray(value) ? (value[index] ?? null) : index === 0 ? value : null;
			}
			case 'Join': {
				const separator = text(a) ?? '';
				const parts = args.slice(1).flatMap((argument) => {
					const value = evaluate(argument);
					return value === null ? [] : Array.isArray(value) ? value : [value];
				});
				return parts.join(separator);
			}
			case 'Left': {
				const value = text(a);
				return value === null ? null : value.slice(0, Number(text(b)));
			}
			case 'Mid': {
				const value = text(a);
				const start = Number(text(b)) - 1;
				return value === null ? null : value.slice(start, start + Number(text(c)));
			}
			case 'NormalizeDiacritics':
				return mapSingle(evaluate(a ?? null), stripDiacritics);
			case 'Not':
				return asBoolean(!truthy(evaluate(a ?? null)));
			case 'RemoveDuplicates': {
				const value = evaluate(a ?? null);
				return Array.isArray(value) ? [...new Set(value)] : value;
			}
			case 'Replace': {
				const [, oldValue, regexPattern, , replacementValue] = args;
				const replacement = text(replacementValue) ?? '';
				return mapSingle(evaluate(a ?? null), (value) => {
					const pattern = text(regexPattern);
					if (pattern !== null) return value.replace(new RegExp(pattern, 'g'), replacement);
					const find = text(oldValue);
					return find === null || find === '' ? value : value.split(find).join(replacement);
				});
			}
			case 'SingleAppRoleAssignment':
				return first(evaluate(a ?? null));
			case 'Split': {
				const value = text(a);
				return value === null ? null : value.split(text(b) ?? ',');
			}
			case 'StripSpaces':
				return mapSingle(evaluate(a ?? null), (value) => value.replace(/ /g, ''));
			case 'Switch': {
				const value = text(a);
				for (let index = 2; index + 1 < args.length; index += 2) {
					if (text(args[index]) === value) return evaluate(args[index + 1] ?? null);
				}
				return text(b);
			}
			case 'ToLower':
				return mapSingle(evaluate(a ?? null), (value) => value.toLowerCase());
			case 'ToUpper':
				return mapSingle(evaluate(a ?? null), (value) => value.toUpperCase());
			case 'Trim':
				return mapSingle(evaluate(a ?? null), (value) => value.trim());
			case 'Word': {
				const value = text(a);
				if (value === null) return null;
				const delimiters = [...(text(c) ?? ' ')];
				const words = value.split(new RegExp(`[${delimiters.map((char) => `\\${char}`).join('')}]`)).filter(Boolean);
				return words[Number(text(b)) - 1] ?? null;
			}
			default:
				throw new EvaluationFailure(`The demo tenant cannot evaluate the function '${name}'; only parsing is simulated for it.`);
		}
	};
	try {
		const value = evaluate(node);
		return {ok: true, values: value === null ? [] : Array.isArray(value) ? value : [value]};
	} catch (error) {
		if (error instanceof EvaluationFailure) return {ok: false, message: error.message};
		if (error instanceof SyntaxError) return {ok: false, message: `Invalid regular expression: ${error.message}`};
		throw error;
	}
}

/** Reads `testInputObject.properties` ([{key, value}], values may be collections). */
export function testInputValues(testInputObject: unknown): Map<string, ExpressionValue> {
	const values = new Map<string, ExpressionValue>();
	if (!testInputObject || typeof testInputObject !== 'object') return values;
	const properties = (testInputObject as {properties?: unknown}).properties;
	if (!Array.isArray(properties)) return values;
	for (const property of properties) {
		if (!property || typeof property !== 'object') continue;
		const {key, value} = property as {key?: unknown; value?: unknown};
		if (typeof key !== 'string') continue;
		if (Array.isArray(value)) values.set(key, value.map(String));
		else if (value === null || value === undefined) values.set(key, null);
		else values.set(key, String(value));
	}
	return values;
}
