/**
 * Expression test cases kept next to an exported schema (`contoso.AD2AADProvisioning.tests.json`):
 *
 *   {"cases": [{"target": "AccountEnabled", "input": {"userAccountControl": "514"}, "expect": "False"}],
 *    "silence": [{"rule": "SW-NULL", "target": "Department", "reason": "…"}]}
 *
 * A case names a mapping (target, optional objectMapping), input values (strings, lists of strings, or null for
 * an absent attribute) and what it should give: `expect` (a string, a list or null) or `expectError` (words the
 * error message contains). `silence` turns a lint rule off for one mapping, with the reason kept in git.
 */

import {readFile} from 'node:fs/promises';
import {writeFileAtomic} from '../fs/atomic-write.js';
import type {SynchronizationSchema} from '../schema/types.js';
import type {ExpressionValue} from './evaluate.js';
import {findMapping, MappingLookupError, objectMappingReference, type TestInput, type TestResult, formatTestValue, resultMatches} from './test-runner.js';
import type {AttributeMappingNode} from '../schema/navigation.js';

export type ExpressionCase = {
	/** Optional words that say what the case is about. */
	name?: string;
	objectMapping?: string;
	target: string;
	input: TestInput;
	/** The expected result; absent when expectError is given. */
	expect?: ExpressionValue;
	/** Words the error message contains, for a case that should fail (e.g. Error("AccountName is not present")). */
	expectError?: string;
};

export type Silence = {rule: string; target?: string; objectMapping?: string; reason: string};

export type CaseFile = {cases: ExpressionCase[]; silence: Silence[]};

export class CaseFileError extends Error {}

const caseKeys = new Set(['name', 'objectMapping', 'target', 'input', 'expect', 'expectError']);
const silenceKeys = new Set(['rule', 'target', 'objectMapping', 'reason']);

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((each) => typeof each === 'string');

function optionalText(where: string, value: unknown, field: string): string | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'string' || value === '') throw new CaseFileError(`${where}: "${field}" must be non-empty text`);
	return value;
}

/** Parses and checks a case file's text; problems are one line naming the case and the field. */
export function parseCaseFile(text: string, origin: string): CaseFile {
	let document: unknown;
	try {
		document = JSON.parse(text.replace(/^\uFEFF/, ''));
	} catch (error) {
		throw new CaseFileError(`${origin} is not valid JSON: ${(error as Error).message}`);
	}
	if (!isObject(document)) throw new CaseFileError(`${origin} must hold an object such as {"cases": [...]}`);
	const unknown = Object.keys(document).filter((key) => key !== 'cases' && key !== 'silence' && key !== '$schema' && key !== 'description');
	if (unknown.length > 0) throw new CaseFileError(`${origin}: unknown key "${unknown[0]}" (a case file has "cases" and "silence")`);
	const rawCases = document.cases ?? [];
	if (!Array.isArray(rawCases)) throw new CaseFileError(`${origin}: "cases" must be a list`);
	const cases = rawCases.map((raw, index): ExpressionCase => {
		const where = `${origin} case ${index + 1}`;
		if (!isObject(raw)) throw new CaseFileError(`${where} must be an object with "target", "input" and "expect"`);
		const extra = Object.keys(raw).find((key) => !caseKeys.has(key));
		if (extra) throw new CaseFileError(`${where}: unknown key "${extra}" (a case has ${[...caseKeys].join(', ')})`);
		const target = optionalText(where, raw.target, 'target');
		if (!target) throw new CaseFileError(`${where} needs "target", the target attribute of the mapping to test`);
		const input = raw.input ?? {};
		if (!isObject(input)) throw new CaseFileError(`${where}: "input" must be an object of attribute values, e.g. {"userAccountControl": "514"}`);
		for (const [key, value] of Object.entries(input)) {
			if (value !== null && typeof value !== 'string' && !isStringList(value)) {
				throw new CaseFileError(`${where}: input "${key}" must be a string, a list of strings or null, not ${JSON.stringify(value)} (write numbers and booleans in quotes: "514", "True")`);
			}
		}
		const hasExpect = Object.hasOwn(raw, 'expect');
		const expectError = optionalText(where, raw.expectError, 'expectError');
		if (hasExpect === (expectError !== undefined)) throw new CaseFileError(`${where} needs either "expect" (a string, a list of strings or null) or "expectError"`);
		if (hasExpect && raw.expect !== null && typeof raw.expect !== 'string' && !isStringList(raw.expect)) {
			throw new CaseFileError(`${where}: "expect" must be a string, a list of strings or null, not ${JSON.stringify(raw.expect)}`);
		}
		return {
			...(raw.name !== undefined ? {name: optionalText(where, raw.name, 'name')} : {}),
			...(raw.objectMapping !== undefined ? {objectMapping: optionalText(where, raw.objectMapping, 'objectMapping')} : {}),
			target,
			input: input as TestInput,
			...(hasExpect ? {expect: raw.expect as ExpressionValue} : {expectError}),
		};
	});
	const rawSilence = document.silence ?? [];
	if (!Array.isArray(rawSilence)) throw new CaseFileError(`${origin}: "silence" must be a list`);
	const silence = rawSilence.map((raw, index): Silence => {
		const where = `${origin} silence ${index + 1}`;
		if (!isObject(raw)) throw new CaseFileError(`${where} must be an object with "rule", "target" and "reason"`);
		const extra = Object.keys(raw).find((key) => !silenceKeys.has(key));
		if (extra) throw new CaseFileError(`${where}: unknown key "${extra}" (a silence has ${[...silenceKeys].join(', ')})`);
		const rule = optionalText(where, raw.rule, 'rule');
		const reason = optionalText(where, raw.reason, 'reason');
		if (!rule) throw new CaseFileError(`${where} needs "rule", a lint rule id such as "SW-NULL"`);
		if (!reason) throw new CaseFileError(`${where} needs "reason": why the rule does not apply to this mapping`);
		const target = optionalText(where, raw.target, 'target');
		const objectMapping = optionalText(where, raw.objectMapping, 'objectMapping');
		return {rule, reason, ...(target ? {target} : {}), ...(objectMapping ? {objectMapping} : {})};
	});
	return {cases, silence};
}

export async function loadCaseFile(path: string): Promise<CaseFile> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
		throw new CaseFileError(`Cannot read the case file ${path}: ${why}`);
	}
	return parseCaseFile(text, path);
}

/** `contoso.AD2AADProvisioning.schema.json` → `contoso.AD2AADProvisioning.tests.json`: where a UI saves cases. */
export function defaultCaseFilePath(schemaPath: string): string {
	return `${schemaPath.replace(/(\.schema)?\.json$/i, '')}.tests.json`;
}

export type CaseOutcome = {
	case: ExpressionCase;
	/** 1-based, as messages count. */
	number: number;
	status: 'pass' | 'fail';
	/** Why it failed, in words: expected and got, or that the mapping was not found. */
	message?: string;
	result?: TestResult;
	/** The mapping's JSON Pointer, when found. */
	pointer?: string;
};

export type CaseRunner = (mapping: AttributeMappingNode, input: TestInput) => Promise<TestResult>;

/** Runs every case against the schema with `run` (local or Graph); a case that cannot run fails with the reason. */
export async function runCases(schema: SynchronizationSchema, file: CaseFile, run: CaseRunner): Promise<CaseOutcome[]> {
	const outcomes: CaseOutcome[] = [];
	for (const [index, testCase] of file.cases.entries()) {
		const number = index + 1;
		let mapping: AttributeMappingNode;
		try {
			mapping = findMapping(schema, {target: testCase.target, objectMapping: testCase.objectMapping});
		} catch (error) {
			if (!(error instanceof MappingLookupError)) throw error;
			outcomes.push({case: testCase, number, status: 'fail', message: error.message});
			continue;
		}
		const result = await run(mapping, testCase.input);
		outcomes.push({case: testCase, number, pointer: mapping.pointer, result, ...judge(testCase, result)});
	}
	return outcomes;
}

function judge(testCase: ExpressionCase, result: TestResult): {status: 'pass' | 'fail'; message?: string} {
	if (testCase.expectError !== undefined) {
		if (!result.ok && result.reason === 'error' && result.message.toLowerCase().includes(testCase.expectError.toLowerCase())) return {status: 'pass'};
		const got = result.ok ? formatTestValue(result.value) : `${result.reason === 'error' ? 'error' : 'not evaluated'}: ${result.message}`;
		return {status: 'fail', message: `expected an error containing "${testCase.expectError}", got ${got}`};
	}
	const expected = testCase.expect ?? null;
	if (!result.ok) {
		const what = result.reason === 'unsupported' ? 'could not be evaluated' : result.reason === 'parse' ? 'does not parse' : 'failed';
		return {status: 'fail', message: `expected ${formatTestValue(expected)}, but the expression ${what}: ${result.message}`};
	}
	if (resultMatches(result.value, expected)) return {status: 'pass'};
	return {status: 'fail', message: `expected ${formatTestValue(expected)}, got ${formatTestValue(result.value)}`};
}

/** `userAccountControl = "514", proxyAddresses = ["a", "b"]`, or `(no input values)`. */
export function describeInput(input: TestInput): string {
	const entries = Object.entries(input);
	if (entries.length === 0) return '(no input values)';
	return entries.map(([key, value]) => `${key} = ${formatTestValue(value)}`).join(', ');
}

const sameInput = (a: TestInput, b: TestInput) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * Adds a case to the file at `path` (creating it), replacing a case for the same mapping and input, and writes it
 * atomically; the rest of the file is kept as it was parsed. Answers the case file as written.
 */
export async function saveCase(path: string, testCase: ExpressionCase): Promise<CaseFile> {
	let file: CaseFile = {cases: [], silence: []};
	let extra: Record<string, unknown> = {};
	try {
		const text = await readFile(path, 'utf8');
		file = parseCaseFile(text, path);
		const {cases: _cases, silence: _silence, ...rest} = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
		extra = rest;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
	const cases = file.cases.filter(
		(each) => !(each.target === testCase.target && (each.objectMapping ?? '') === (testCase.objectMapping ?? '') && sameInput(each.input, testCase.input)),
	);
	cases.push(testCase);
	const written: CaseFile = {cases, silence: file.silence};
	const body = {...extra, cases, ...(file.silence.length > 0 ? {silence: file.silence} : {})};
	await writeFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`);
	return written;
}

/**
 * The case a test run makes (a UI's one-key save): the mapping's target, its object mapping only when the target is
 * mapped in several, the input, and the result as the expectation (an error's message as expectError). A result
 * that could not be evaluated makes no case.
 */
export function caseFromTest(schema: SynchronizationSchema, mapping: AttributeMappingNode, input: TestInput, result: TestResult): ExpressionCase | undefined {
	if (!result.ok && result.reason !== 'error') return undefined;
	const target = mapping.model.targetAttributeName;
	let ambiguous = false;
	try {
		findMapping(schema, {target});
	} catch (error) {
		if (!(error instanceof MappingLookupError)) throw error;
		ambiguous = true;
	}
	return {
		...(ambiguous ? {objectMapping: objectMappingReference(mapping.parent)} : {}),
		target,
		input,
		...(result.ok ? {expect: result.value} : {expectError: result.message}),
	};
}
