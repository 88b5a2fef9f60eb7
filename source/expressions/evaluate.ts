/**
 * An evaluator of the attribute-mapping expression language, shared by the demo tenant (parseExpression with a
 * `testInputObject`) and local expression tests. Behaviour follows Microsoft's function reference
 * ("Reference for writing expressions for attribute mappings", and the cloud sync reference for Trim, Error,
 * DNComponent, ConvertFromBase64, StringFromSid); where the reference is silent the choice is recorded in
 * docs/graph-notes.md ("Local expression evaluation"). Values are text: an attribute is null when absent
 * ("a Null is expressed by the absence of the attribute"), a string, or a list of strings when multi-valued.
 * What cannot be evaluated without the service (uniqueness in the target, app role objects) says so.
 */

import {randomInt, randomUUID} from 'node:crypto';
import {addInterval, type DateInterval, dateFromFileTime, dateIntervals, fileTimeFromDate, formatDate, formatGeneralDate, intervalDifference, parseDate, parseDateExact} from './dates.js';
import {dotNetRegExp, expandDotNetReplacement, UnsupportedRegex} from './dotnet-regex.js';
import type {ExpressionNode} from './parser.js';

export type ExpressionValue = string | string[] | null;

export type EvaluationOutcome =
	| {
			ok: true;
			/** The result's values: [] is null (no value), [""] an empty string. */
			values: string[];
			/** Whether the result is a list (multi-valued), even of one value. */
			multiValued?: boolean;
			/** Things the user should know about this result (a random value, a uniqueness check the service makes…). */
			notes?: string[];
	  }
	| {
			ok: false;
			message: string;
			/** 'error': the expression fails (Error(), a bad argument); 'unsupported': it needs the service to evaluate. */
			reason?: 'error' | 'unsupported';
	  };

/** App provisioning and cloud sync document a few functions differently (Replace, Item); default 'app'. */
export type ExpressionFlavor = 'app' | 'cloudSync';

export type EvaluationOptions = {
	/** What DefaultDomain() answers: the tenant's default verified domain. */
	defaultDomain?: string;
	flavor?: ExpressionFlavor;
	/** For Now(); the current time by default. */
	now?: () => Date;
};

class EvaluationFailure extends Error {
	constructor(
		message: string,
		readonly reason: 'error' | 'unsupported' = 'error',
	) {
		super(message);
	}
}

const asBoolean = (flag: boolean) => (flag ? 'True' : 'False');
const isTrue = (text: string | null) => text !== null && text.toLowerCase() === 'true';
const describe = (text: string) => `"${text.length > 40 ? `${text.slice(0, 39)}…` : text}"`;

function stripDiacriticsMap(): Map<string, string> {
	// Letters the reference's table maps to two letters or that have no combining-mark decomposition.
	return new Map([
		['æ', 'ae'],
		['Æ', 'AE'],
		['ǣ', 'ae'],
		['Ǣ', 'AE'],
		['ø', 'oe'],
		['Ø', 'OE'],
		['œ', 'oe'],
		['Œ', 'OE'],
		['ß', 'ss'],
		['ł', 'l'],
		['Ł', 'L'],
		['ı', 'i'],
	]);
}
const specialLetters = stripDiacriticsMap();

export function normalizeDiacritics(text: string): string {
	return [...text]
		.map((char) => specialLetters.get(char) ?? char)
		.join('')
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.normalize('NFC');
}

/**
 * PCase. With wordSeparators: those characters alone separate words. Without: .NET's TextInfo.ToTitleCase (the
 * reference's remark) on the lower-cased text — ToTitleCase keeps all-capital words, and the reference's example
 * turns "PABLO GONSALVES (SECOND)" into "Pablo Gonsalves (Second)", so the text is lower-cased first (an inference).
 * ToTitleCase's rules: a word starts at a letter; letters, digits, marks and apostrophes continue it; the separator
 * categories the reference lists end it; a non-letter that is not a separator (a digit) is kept as it is and the
 * letter after it starts a new word ("3rd" → "3Rd", as .NET does).
 */
const titleCaseSeparator = /[\p{Zs}\p{Zl}\p{Zp}\p{Cc}\p{Cf}\p{Pc}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}\p{Sm}\p{Sc}\p{Sk}\p{So}]/u;
const isLetter = (char: string) => /\p{L}/u.test(char);

function toTitleCase(text: string): string {
	const chars = [...text.toLocaleLowerCase('en-US')];
	let result = '';
	for (let index = 0; index < chars.length; ) {
		const char = chars[index]!;
		if (!isLetter(char)) {
			result += char;
			index++;
			continue;
		}
		result += char.toLocaleUpperCase('en-US');
		index++;
		while (index < chars.length && (chars[index] === "'" || !titleCaseSeparator.test(chars[index]!))) {
			result += chars[index];
			index++;
		}
	}
	return result;
}

function properCase(text: string, separators: string | null): string {
	if (separators === null || separators === '') return toTitleCase(text);
	let atWordStart = true;
	let result = '';
	for (const char of text) {
		if (separators.includes(char)) {
			result += char;
			atWordStart = true;
		} else {
			result += atWordStart ? char.toLocaleUpperCase('en-US') : char.toLocaleLowerCase('en-US');
			atWordStart = false;
		}
	}
	return result;
}

/** Replace's regexPattern: .NET syntax translated (dotnet-regex.ts); what JavaScript cannot do is said in words. */
function dotNetRegex(pattern: string, global: boolean): RegExp {
	try {
		return dotNetRegExp(pattern, {global});
	} catch (error) {
		if (error instanceof UnsupportedRegex) throw new EvaluationFailure(`the regular expression ${describe(pattern)} cannot be evaluated locally: ${error.message}`, 'unsupported');
		throw new EvaluationFailure(`the regular expression ${describe(pattern)} is not valid: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
	}
}

function randomString(length: number, numbers: number, specials: number, capitals: number, lowers: number, avoid: string): string {
	const pools = {
		numbers: '0123456789',
		specials: '~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/',
		capitals: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
		lowers: 'abcdefghijklmnopqrstuvwxyz',
	};
	const clean = (pool: string) => [...pool].filter((char) => !avoid.includes(char)).join('');
	const pick = (pool: string) => pool[randomInt(pool.length)]!;
	const chars: string[] = [];
	const need: [string, number][] = [
		[clean(pools.numbers), numbers],
		[clean(pools.specials), specials],
		[clean(pools.capitals), capitals],
		[clean(pools.lowers), lowers],
	];
	for (const [pool, count] of need) for (let i = 0; i < count; i++) chars.push(pick(pool));
	const any = clean(pools.numbers + pools.capitals + pools.lowers);
	while (chars.length < length) chars.push(pick(any));
	for (let i = chars.length - 1; i > 0; i--) {
		const j = randomInt(i + 1);
		[chars[i], chars[j]] = [chars[j]!, chars[i]!];
	}
	return chars.join('');
}

function sidToString(bytes: Buffer): string {
	if (bytes.length < 8) throw new EvaluationFailure('StringFromSid needs a binary SID (at least 8 bytes, given as base64)');
	const count = bytes[1]!;
	const authority = bytes.readUIntBE(2, 6);
	const parts = [`S-${bytes[0]}-${authority}`];
	for (let i = 0; i < count; i++) parts.push(String(bytes.readUInt32LE(8 + i * 4)));
	return parts.join('-');
}

export function evaluateExpression(
	node: ExpressionNode,
	input: ReadonlyMap<string, ExpressionValue>,
	defaultDomainOrOptions: string | EvaluationOptions = {},
): EvaluationOutcome {
	const options: EvaluationOptions = typeof defaultDomainOrOptions === 'string' ? {defaultDomain: defaultDomainOrOptions} : defaultDomainOrOptions;
	const flavor = options.flavor ?? 'app';
	const notes = new Set<string>();

	const evaluate = (current: ExpressionNode | null | undefined): ExpressionValue => {
		if (!current) return null;
		switch (current.kind) {
			case 'attribute':
				return input.get(current.name) ?? null;
			case 'string':
				return current.value;
			case 'number':
				return current.raw;
			case 'hex':
				return String(BigInt(`0x${current.raw.slice(2)}`));
			case 'identifier':
				if (current.name.startsWith('%') && current.name.endsWith('%')) {
					// A placeholder of the stored tree (e.g. %DomainFQDN%): the service fills in the value.
					const given = input.get(current.name);
					if (given !== undefined) return given;
					notes.add(`${current.name} is filled in by the service (for %DomainFQDN%, the AD domain's DNS name); give "${current.name}" as an input value to test with a real one.`);
				}
				return current.name;
			case 'comparison':
				return asBoolean(compare(single(current.left, 'a comparison'), current.operator, single(current.right, 'a comparison')));
			case 'call':
				return call(current.name, current.arguments);
		}
	};

	/** One value: a list of one is that value; a longer list is an error in words. */
	const single = (argument: ExpressionNode | null | undefined, where: string): string | null => {
		const value = evaluate(argument);
		if (!Array.isArray(value)) return value;
		if (value.length <= 1) return value[0] ?? null;
		throw new EvaluationFailure(`${where} needs one value, but ${describeNode(argument)} has ${value.length} values (pick one with Item(…, 1))`);
	};
	const integer = (argument: ExpressionNode | null | undefined, fn: string, what: string): number => {
		const text = single(argument, fn);
		const value = Number(text);
		if (text === null || text.trim() === '' || !Number.isInteger(value)) {
			throw new EvaluationFailure(`${fn}: ${what} must be a whole number, not ${text === null ? 'null' : describe(text)}`);
		}
		return value;
	};
	/** Applies a text function to each value of a multi-valued input (Trim([proxyAddresses]) trims every address). */
	const eachValue = (argument: ExpressionNode | null | undefined, transform: (text: string) => string | null): ExpressionValue => {
		const value = evaluate(argument);
		if (value === null) return null;
		if (Array.isArray(value)) return value.map(transform).filter((each): each is string => each !== null);
		return transform(value);
	};
	const date = (argument: ExpressionNode | null | undefined, fn: string): Date => {
		const text = single(argument, fn);
		if (text === null) throw new EvaluationFailure(`${fn} has no date to work on (the value is null)`);
		const parsed = parseDate(text);
		if (!parsed) throw new EvaluationFailure(`${fn}: ${describe(text)} is not a date (wrap date text in CDate(); ISO 8601 such as 2021-06-30+08:00 works)`);
		return parsed;
	};
	const interval = (argument: ExpressionNode | null | undefined, fn: string): DateInterval => {
		const text = single(argument, fn);
		if (text === null || !dateIntervals.includes(text as DateInterval)) {
			throw new EvaluationFailure(`${fn}: the interval must be one of ${dateIntervals.join(', ')} (n is minutes, m months), not ${text === null ? 'null' : describe(text)}`);
		}
		return text as DateInterval;
	};

	const call = (name: string, args: (ExpressionNode | null)[]): ExpressionValue => {
		const [a, b, c, d] = args;
		switch (name) {
			case 'Append': {
				const suffix = single(b, 'Append') ?? '';
				return eachValue(a, (value) => value + suffix);
			}
			case 'BitAnd': {
				const toBig = (argument: ExpressionNode | null | undefined) => {
					const text = single(argument, 'BitAnd');
					if (text === null || !/^-?\d+$/.test(text.trim())) throw new EvaluationFailure(`BitAnd needs whole numbers, not ${text === null ? 'null' : describe(text)}`);
					return BigInt(text.trim());
				};
				return String(toBig(a) & toBig(b));
			}
			case 'CBool': {
				const value = single(a, 'CBool');
				if (value === null) return 'False';
				if (/^(true|false)$/i.test(value)) return asBoolean(isTrue(value));
				const number = Number(value);
				if (value.trim() === '' || Number.isNaN(number)) throw new EvaluationFailure(`CBool cannot turn ${describe(value)} into True or False (it takes a comparison, a number, True or False)`);
				return asBoolean(number !== 0);
			}
			case 'CDate':
				return formatGeneralDate(date(a, 'CDate'));
			case 'Coalesce':
				// "Returns the first source value that isn't NULL": an empty string is a value.
				for (const argument of args) {
					const value = evaluate(argument);
					if (value !== null && !(Array.isArray(value) && value.length === 0)) return value;
				}
				return null;
			case 'ConvertFromBase64': {
				const encoding = (single(b, 'ConvertFromBase64') ?? 'Unicode').toLowerCase();
				const nodeEncoding = encoding === 'utf8' ? 'utf8' : encoding === 'ascii' ? 'latin1' : 'utf16le';
				return eachValue(a, (value) => Buffer.from(value, 'base64').toString(nodeEncoding));
			}
			case 'ConvertToBase64':
				// "a Unicode base64 string": UTF-16LE, as "Hello world!" → "SABlAGwA…" shows.
				return eachValue(a, (value) => Buffer.from(value, 'utf16le').toString('base64'));
			case 'ConvertToUTF8Hex':
				return eachValue(a, (value) => Buffer.from(value, 'utf8').toString('hex').toUpperCase());
			case 'Contains': {
				// Cloud sync (the reference's Item example) and Connect's reference: the 1-based index of the first value
				// that contains the text, 0 when none does; case-sensitive unless CaseInsensitive is given.
				const value = evaluate(a);
				const search = single(b, 'Contains');
				if (flavor !== 'cloudSync') notes.add('Contains is documented for cloud sync (and Connect sync), not in the app provisioning reference: the service may not know it.');
				if (search === null) return '0';
				const caseType = single(c, 'Contains');
				if (caseType !== null && !/^case(in)?sensitive$/i.test(caseType)) throw new EvaluationFailure(`Contains: the case type is CaseSensitive or CaseInsensitive, not ${describe(caseType)}`);
				const fold = caseType !== null && /^caseinsensitive$/i.test(caseType);
				const values = value === null ? [] : Array.isArray(value) ? value : [value];
				const wanted = fold ? search.toLowerCase() : search;
				return String(values.findIndex((each) => (fold ? each.toLowerCase() : each).includes(wanted)) + 1);
			}
			case 'Count': {
				const value = evaluate(a);
				return String(value === null ? 0 : Array.isArray(value) ? value.length : 1);
			}
			case 'CRef':
			case 'CStr':
				return evaluate(a);
			case 'DateAdd': {
				const unit = interval(a, 'DateAdd');
				const amount = integer(b, 'DateAdd', 'the value');
				return formatGeneralDate(addInterval(date(c, 'DateAdd'), unit, amount));
			}
			case 'DateDiff':
				return String(intervalDifference(interval(a, 'DateDiff'), date(b, 'DateDiff'), date(c, 'DateDiff')));
			case 'DateFromNum': {
				const text = single(a, 'DateFromNum');
				if (text === null) return null;
				if (!/^\d+$/.test(text.trim())) throw new EvaluationFailure(`DateFromNum needs an AD date (a whole number of 100 ns ticks, such as 129699324000000000), not ${describe(text)}`);
				return formatGeneralDate(dateFromFileTime(BigInt(text.trim())));
			}
			case 'DefaultDomain':
				if (!options.defaultDomain) throw new EvaluationFailure("DefaultDomain() is the tenant's default domain, which a local test does not know", 'unsupported');
				return options.defaultDomain;
			case 'DNComponent': {
				const dn = single(a, 'DNComponent');
				if (dn === null) return null;
				const position = integer(b, 'DNComponent', 'the component number');
				const parts = dn.split(/(?<!\\),/);
				const part = parts[position - 1];
				return part === undefined ? null : part.slice(part.indexOf('=') + 1);
			}
			case 'Error':
				throw new EvaluationFailure(single(a, 'Error') ?? 'Error() was called without a message');
			case 'FormatDateTime': {
				// App: (source, dateTimeStyles?, inputFormat, outputFormat); cloud sync and the 3-argument form: (source, inputFormat, outputFormat).
				// Connect sync's (value, format) form formats a date such as CDate(…) or DateFromNum(…) as it is.
				const [inputFormatNode, outputFormatNode] = args.length >= 4 ? [c, d] : args.length === 2 ? [null, b] : [b, c];
				const source = single(a, 'FormatDateTime');
				if (source === null) return null;
				const outputFormat = single(outputFormatNode, 'FormatDateTime');
				if (!outputFormat) throw new EvaluationFailure('FormatDateTime needs an output format as its last argument');
				const inputFormat = single(inputFormatNode, 'FormatDateTime');
				const parsed = inputFormat ? parseDateExact(source, inputFormat) : parseDate(source);
				if (!parsed) {
					throw new EvaluationFailure(`FormatDateTime: ${describe(source)} does not match the input format ${inputFormat ? describe(inputFormat) : '(none: a standard date)'}`);
				}
				try {
					return formatDate(parsed, outputFormat);
				} catch (error) {
					throw new EvaluationFailure(`FormatDateTime: ${(error as Error).message}`);
				}
			}
			case 'Guid':
				notes.add('Guid() gives a new random value on every run.');
				return randomUUID();
			case 'IgnoreFlowIfNullOrEmpty': {
				const value = evaluate(a);
				if (value === null || value === '' || (Array.isArray(value) && value.every((each) => each === ''))) {
					notes.add('IgnoreFlowIfNullOrEmpty: the value is null or empty, so the attribute is left out of the flow (the target is not changed).');
					return null;
				}
				return value;
			}
			case 'IIF':
				return isTrue(single(a, 'the condition of IIF')) ? evaluate(b) : evaluate(c);
			case 'InStr': {
				const haystack = single(a, 'InStr');
				const needle = single(b, 'InStr');
				if (haystack === null || needle === null) return null;
				const start = c ? integer(c, 'InStr', 'the start position') : 1;
				const textCompare = single(d, 'InStr') === 'vbTextCompare';
				const found = (textCompare ? haystack.toLowerCase() : haystack).indexOf(textCompare ? needle.toLowerCase() : needle, Math.max(start, 1) - 1);
				return String(found + 1);
			}
			case 'IsNull':
				return asBoolean(evaluate(a) === null);
			case 'IsNullOrEmpty':
			case 'IsPresent': {
				const value = evaluate(a);
				const empty = value === null || value === '' || (Array.isArray(value) && value.length === 0);
				return asBoolean(name === 'IsPresent' ? !empty : empty);
			}
			case 'IsString':
				// "Used to determine if CStr() can be successful": every value we hold is text.
				return asBoolean(evaluate(a) !== null);
			case 'Item': {
				const value = evaluate(a);
				const index = integer(b, 'Item', 'the index');
				if (index < 1) throw new EvaluationFailure(`Item counts from 1 ("Index 0 shouldn't be used"), not ${index}`);
				const values = value === null ? [] : Array.isArray(value) ? value : [value];
				if (index > values.length) {
					if (flavor === 'cloudSync') throw new EvaluationFailure(`Item: index ${index} is out of bounds (${values.length} value${values.length === 1 ? '' : 's'})`);
					return null;
				}
				return values[index - 1]!;
			}
			case 'Join': {
				const separator = single(a, 'Join') ?? '';
				// Null and empty sources add nothing: the reference's Join(", ", "", [surname], [givenName]) gives "Doe, John".
				const parts = args.slice(1).flatMap((argument) => {
					const value = evaluate(argument);
					return value === null ? [] : Array.isArray(value) ? value : [value];
				});
				return parts.filter((part) => part !== '').join(separator);
			}
			case 'Left': {
				const count = integer(b, 'Left', 'the number of characters');
				// Documented: a null string gives "", 0 gives "", a negative count gives the whole string.
				const value = evaluate(a);
				const cut = (text: string) => (count < 0 ? text : text.slice(0, count));
				if (value === null) return '';
				return Array.isArray(value) ? value.map(cut) : cut(value);
			}
			case 'Mid': {
				const start = integer(b, 'Mid', 'the start');
				// Cloud sync's own example leaves the length out (Mid(Item([proxyAddresses], …), 6)): the rest of the text.
				const length = c ? integer(c, 'Mid', 'the length') : Number.POSITIVE_INFINITY;
				if (start < 1) throw new EvaluationFailure(`Mid counts from 1, not ${start}`);
				return eachValue(a, (value) => value.slice(start - 1, start - 1 + Math.max(length, 0)));
			}
			case 'NormalizeDiacritics':
				return eachValue(a, normalizeDiacritics);
			case 'Not':
				// "If source value is True, returns False. Otherwise, returns True" — null included.
				return asBoolean(!isTrue(single(a, 'Not')));
			case 'Now':
				notes.add('Now() is the current time (UTC), different on every run.');
				return formatGeneralDate(options.now?.() ?? new Date());
			case 'NumFromDate': {
				const value = single(a, 'NumFromDate');
				if (value === null) return null;
				const parsed = parseDate(value);
				if (!parsed) throw new EvaluationFailure(`NumFromDate needs an ISO 8601 date such as 2020-12-31 23:59:59-08:00, not ${describe(value)} (convert it with FormatDateTime first)`);
				return String(fileTimeFromDate(parsed));
			}
			case 'PCase': {
				const separators = b ? single(b, 'PCase') : null;
				return eachValue(a, (value) => properCase(value, separators));
			}
			case 'RandomString': {
				const [length, numbers, specials, capitals, lowers] = [a, b, c, d, args[4]].map((argument, index) =>
					integer(argument, 'RandomString', ['Length', 'MinimumNumbers', 'MinimumSpecialCharacters', 'MinimumCapital', 'MinimumLowerCase'][index]!),
				) as [number, number, number, number, number];
				if (length > 256) throw new EvaluationFailure(`RandomString: Length is at most 256 characters, not ${length}`);
				if (length < numbers + specials + capitals + lowers) throw new EvaluationFailure(`RandomString: Length ${length} is less than the sum of the minimums (${numbers + specials + capitals + lowers})`);
				notes.add('RandomString() gives a new random value on every run.');
				return randomString(length, numbers, specials, capitals, lowers, single(args[5], 'RandomString') ?? '');
			}
			case 'Redact':
				notes.add('Redact(): the value flows as shown; the provisioning logs show [Redact] instead.');
				return evaluate(a);
			case 'RemoveDuplicates': {
				const value = evaluate(a);
				return Array.isArray(value) ? [...new Set(value)] : value;
			}
			case 'Replace':
				return replace(args);
			case 'SelectUniqueValue': {
				notes.add('SelectUniqueValue: shown is the first rule that gives a value; the service also checks that the value is unique in the target directory and moves on to the next rule when it is taken.');
				for (const argument of args) {
					const value = evaluate(argument);
					if (value !== null && value !== '') return value;
				}
				return null;
			}
			case 'SingleAppRoleAssignment': {
				const value = evaluate(a);
				if (Array.isArray(value) && value.length > 1) notes.add('SingleAppRoleAssignment with several roles: the service picks one, and which one is not predictable.');
				return Array.isArray(value) ? (value[0] ?? null) : value;
			}
			case 'Split': {
				const value = single(a, 'Split');
				const delimiter = single(b, 'Split');
				if (value === null) return null;
				if (!delimiter) throw new EvaluationFailure('Split needs a delimiter such as ","');
				return value.split(delimiter);
			}
			case 'StringFromSid':
			case 'StringFromSID':
				return eachValue(a, (value) => sidToString(Buffer.from(value, 'base64')));
			case 'StripSpaces':
				return eachValue(a, (value) => value.replaceAll(' ', ''));
			case 'Switch': {
				// A null source matches the key "" (the reference: use a literal empty string as a key for empty input).
				const value = single(a, 'the source of Switch') ?? '';
				for (let index = 2; index + 1 < args.length; index += 2) {
					if ((single(args[index], 'a key of Switch') ?? '') === value) return evaluate(args[index + 1]);
				}
				return evaluate(b);
			}
			case 'ToLower':
			case 'ToUpper': {
				const culture = single(b, name) || undefined;
				return eachValue(a, (value) => {
					try {
						return name === 'ToLower' ? value.toLocaleLowerCase(culture ?? 'en-US') : value.toLocaleUpperCase(culture ?? 'en-US');
					} catch {
						throw new EvaluationFailure(`${name}: ${describe(culture ?? '')} is not a culture name such as en-US`);
					}
				});
			}
			case 'Trim':
				return eachValue(a, (value) => value.trim());
			case 'Word': {
				const value = single(a, 'Word');
				const number = integer(b, 'Word', 'the word number');
				// Documented: a null string, a number below 1 or too few words give "".
				if (value === null || number < 1) return '';
				const delimiters = single(c, 'Word') ?? ' ';
				const words = [...value].reduce<string[]>(
					(list, char) => {
						if (delimiters.includes(char)) list.push('');
						else list[list.length - 1] += char;
						return list;
					},
					[''],
				);
				return words.filter((word) => word !== '')[number - 1] ?? '';
			}
			case 'AppRoleAssignments':
			case 'AppRoleAssignmentsComplex':
			case 'AssertiveAppRoleAssignmentsComplex':
				throw new EvaluationFailure(`${name} builds the target's role objects from the user's app role assignments, which a local test does not have`, 'unsupported');
			default:
				throw new EvaluationFailure(`'${name}' is not a function this evaluator knows, so it cannot evaluate it`, 'unsupported');
		}
	};

	const replace = (args: (ExpressionNode | null)[]): ExpressionValue => {
		const [source, oldValueNode, patternNode, groupNode, replacementNode, replacementAttributeNode, templateNode] = args;
		const oldValue = single(oldValueNode, 'Replace');
		const pattern = single(patternNode, 'Replace');
		const group = single(groupNode, 'Replace');
		const replacement = replacementNode ? single(replacementNode, 'Replace') : null;
		const template = single(templateNode, 'Replace');
		const value = evaluate(source);
		if (pattern !== null && group !== null && replacementAttributeNode) {
			const other = single(replacementAttributeNode, 'Replace');
			const regex = dotNetRegex(pattern, false);
			if (flavor === 'app') {
				// App: the source wins when it has a value; otherwise the group is taken from replacementAttributeName.
				if (value !== null && value !== '') return value;
				if (other === null) return null;
				return regex.exec(other)?.groups?.[group] ?? null;
			}
			// Cloud sync: the group's match in the source is replaced by replacementAttributeName's value.
			return mapText(value, (text) => replaceGroup(text, regex, group, other ?? ''));
		}
		if (oldValue !== null && template !== null && replacement === null) {
			return mapText(value, (text) => template.split(oldValue).join(text));
		}
		if (pattern !== null) {
			if (group !== null) return mapText(value, (text) => replaceGroup(text, dotNetRegex(pattern, true), group, replacement ?? ''));
			const regex = dotNetRegex(pattern, true);
			return mapText(value, (text) => text.replace(regex, (...found) => expandDotNetReplacement(replacement ?? '', matchOf(found), text)));
		}
		if (oldValue !== null) {
			if (oldValue === '') return value;
			return mapText(value, (text) => text.split(oldValue).join(replacement ?? ''));
		}
		throw new EvaluationFailure('Replace needs oldValue or regexPattern (its 2nd or 3rd argument); keep the empty slots: Replace([x], "old", , , "new", , )');
	};

	try {
		const value = evaluate(node);
		const values = value === null ? [] : Array.isArray(value) ? value : [value];
		return {ok: true, values, ...(Array.isArray(value) ? {multiValued: true} : {}), ...(notes.size > 0 ? {notes: [...notes]} : {})};
	} catch (error) {
		if (error instanceof EvaluationFailure) return {ok: false, message: error.message, reason: error.reason};
		if (error instanceof RangeError) return {ok: false, message: `the expression could not be evaluated: ${error.message}`, reason: 'error'};
		throw error;
	}
}

/** String.replace's callback arguments as a match array (groups, index) for the .NET substitutions. */
function matchOf(found: unknown[]): RegExpMatchArray {
	const hasGroups = typeof found[found.length - 1] === 'object' && found[found.length - 1] !== null;
	const groups = hasGroups ? (found[found.length - 1] as Record<string, string>) : undefined;
	const tail = hasGroups ? 3 : 2;
	const match = found.slice(0, found.length - tail) as string[] as RegExpMatchArray;
	match.index = found[found.length - tail] as number;
	if (groups) match.groups = groups;
	return match;
}

function mapText(value: ExpressionValue, transform: (text: string) => string): ExpressionValue {
	if (value === null) return null;
	return Array.isArray(value) ? value.map(transform) : transform(value);
}

/** Replaces what the named group matched (in every match) with `replacement`. */
function replaceGroup(text: string, regex: RegExp, group: string, replacement: string): string {
	let result = '';
	let last = 0;
	regex.lastIndex = 0;
	for (const match of text.matchAll(regex.global ? regex : new RegExp(regex.source, `${regex.flags}g`))) {
		const span = match.indices?.groups?.[group];
		if (!span) continue;
		result += text.slice(last, span[0]) + replacement;
		last = span[1];
		if (match[0] === '') break;
	}
	return result + text.slice(last);
}

function describeNode(node: ExpressionNode | null | undefined): string {
	if (!node) return 'the value';
	if (node.kind === 'attribute') return `[${node.name}]`;
	if (node.kind === 'call') return `${node.name}(…)`;
	return 'the value';
}

function compare(left: string | null, operator: string, right: string | null): boolean {
	// A null operand makes the condition false (the reference: "the condition check fails" on null or empty input).
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
