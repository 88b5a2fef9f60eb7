/**
 * Testing a mapping's expression on sample values, React-free, for `test-expressions`, import/patch and the
 * explorer's `t` screen: find the mapping (target attribute, optionally its object mapping), list the fields to
 * fill (the source attributes the expression reads, multi-valued or not), run the expression locally with our
 * evaluator or through Graph's parseExpression with a testInputObject, and describe the result in words.
 */

import type {ExpressionParserClient, ParseExpressionResult} from './parse-client.js';
import {sourceAttributeNames} from '../schema/expression.js';
import {buildSchemaIndex, type AttributeMappingNode, type ObjectDefinitionNode, type ObjectMappingNode} from '../schema/navigation.js';
import type {AttributeMapping, AttributeMappingSource, SynchronizationSchema} from '../schema/types.js';
import {evaluableSource, sourceText} from './evaluable.js';
import {type ExpressionFlavor, type ExpressionValue, evaluateExpression} from './evaluate.js';

/** Which mapping: its target attribute and, when the target is mapped in several object mappings, which one. */
export type MappingReference = {
	target: string;
	/** The object mapping's name, or `source→target` object names (`user→User`; `->` works too). */
	objectMapping?: string;
};

/** Input values by source attribute name: a string, a list of strings (multi-valued) or null (absent). */
export type TestInput = Record<string, string | string[] | null>;

export type TestField = {
	/** The source attribute, as written in the expression (`[name]`). */
	name: string;
	/** The source object defines it as multi-valued: the field takes several values. */
	multiValued: boolean;
	/** Its type in the source object (String, Boolean, Integer, DateTime, Reference, Binary), when defined. */
	type?: string;
	/** Whether the source object defines it (extension attributes may be missing from the definitions). */
	defined: boolean;
};

export class MappingLookupError extends Error {}

/** App provisioning or cloud sync: the few functions the two references describe differently follow this. */
export function schemaFlavor(schema: SynchronizationSchema): ExpressionFlavor {
	if (typeof schema.id === 'string' && /^(AD2AAD|AAD2AD)/i.test(schema.id)) return 'cloudSync';
	const rules = Array.isArray(schema.synchronizationRules) ? schema.synchronizationRules : [];
	return rules.some((rule) => rule?.sourceDirectoryName === 'Active Directory' && rule?.targetDirectoryName === 'Azure Active Directory') ? 'cloudSync' : 'app';
}

function objectMappingMatches(node: ObjectMappingNode, wanted: string): boolean {
	const name = node.model.name;
	if (typeof name === 'string' && name === wanted) return true;
	const pair = /^(.*?)\s*(?:→|->)\s*(.*)$/.exec(wanted);
	return Boolean(pair && pair[1] === (node.model.sourceObjectName ?? '') && pair[2] === (node.model.targetObjectName ?? ''));
}

/** `user→User` for messages and case files. */
export function objectMappingReference(node: ObjectMappingNode): string {
	return `${node.model.sourceObjectName ?? ''}→${node.model.targetObjectName ?? ''}`;
}

/** The attribute mapping a reference names; a target in several object mappings needs `objectMapping`. */
export function findMapping(schema: SynchronizationSchema, reference: MappingReference): AttributeMappingNode {
	const index = buildSchemaIndex(schema);
	const objectMappings = index.rules.flatMap((rule) => rule.objectMappings);
	const scoped = reference.objectMapping === undefined ? objectMappings : objectMappings.filter((node) => objectMappingMatches(node, reference.objectMapping!));
	if (reference.objectMapping !== undefined && scoped.length === 0) {
		const known = objectMappings.map((node) => `${node.model.name ? `"${node.model.name}" or ` : ''}${objectMappingReference(node)}`);
		throw new MappingLookupError(`no object mapping "${reference.objectMapping}" in this schema (there are: ${known.join('; ') || 'none'})`);
	}
	const found = scoped.flatMap((node) => node.attributeMappings.filter((mapping) => mapping.model.targetAttributeName === reference.target));
	if (found.length === 1) return found[0]!;
	if (found.length === 0) {
		const wrongCase = scoped.flatMap((node) => node.attributeMappings).find((mapping) => mapping.model.targetAttributeName?.toLowerCase() === reference.target.toLowerCase());
		const hint = wrongCase ? ` (names are case-sensitive: did you mean "${wrongCase.model.targetAttributeName}"?)` : '';
		throw new MappingLookupError(`no attribute mapping targets "${reference.target}"${reference.objectMapping ? ` in ${reference.objectMapping}` : ''}${hint}`);
	}
	const where = found.map((mapping) => objectMappingReference(mapping.parent));
	throw new MappingLookupError(`"${reference.target}" is mapped in ${found.length} object mappings (${where.join(', ')}); say which with "objectMapping"`);
}

/** The fields a test of this mapping needs: one per source attribute its expression reads. */
export function testFields(mapping: AttributeMappingNode): TestField[] {
	return sourceFields(mapping.model.source, mapping.parent.sourceObject);
}

/**
 * The fields for any source, e.g. an expression being edited before it is accepted: pass
 * `{type: 'Function', expression: text}` and the object mapping's source object.
 */
export function sourceFields(source: AttributeMappingSource | null | undefined, sourceObject: ObjectDefinitionNode | undefined): TestField[] {
	return sourceAttributeNames(source).map((name) => {
		const definition = sourceObject?.attribute(name)?.model;
		return {
			name,
			multiValued: definition?.multivalued === true,
			...(typeof definition?.type === 'string' ? {type: definition.type} : {}),
			defined: definition !== undefined,
		};
	});
}

export type TestMode = 'local' | 'graph';

export type TestResult =
	| {
			ok: true;
			mode: TestMode;
			/** null: no value; a string; or a list when the result is multi-valued. */
			value: ExpressionValue;
			notes: string[];
	  }
	| {
			ok: false;
			mode: TestMode;
			message: string;
			/** parse: the expression is not valid; error: it fails on this input; unsupported: it cannot be evaluated here. */
			reason: 'parse' | 'error' | 'unsupported';
	  };

const asValue = (values: readonly string[], multiValued: boolean): ExpressionValue => (values.length === 0 ? null : multiValued || values.length > 1 ? [...values] : values[0]!);

function defaultValueNote(mapping: AttributeMapping, value: ExpressionValue): string[] {
	if (value !== null || typeof mapping.defaultValue !== 'string' || mapping.defaultValue === '') return [];
	return [`The expression gives no value: when an object is created, the mapping's default value "${mapping.defaultValue}" is used.`];
}

function inputMap(input: TestInput): Map<string, ExpressionValue> {
	return new Map(Object.entries(input).map(([key, value]) => [key, value === undefined ? null : value]));
}

/**
 * Evaluates the mapping on `input` with our evaluator (no network). Only `mapping.model` is read, so an edited
 * mapping can be tested before it is accepted: `runLocalTest({model: {...node.model, source}}, input)`.
 */
export function runLocalTest(
	mapping: {model: AttributeMapping},
	input: TestInput,
	options: {flavor?: ExpressionFlavor; defaultDomain?: string} = {},
): TestResult {
	const source = evaluableSource(mapping.model.source);
	if (!source.ok) {
		if (!mapping.model.source) return {ok: true, mode: 'local', value: null, notes: defaultValueNote(mapping.model, null)};
		return {ok: false, mode: 'local', message: source.message, reason: 'parse'};
	}
	const outcome = evaluateExpression(source.node, inputMap(input), {flavor: options.flavor, defaultDomain: options.defaultDomain});
	if (!outcome.ok) {
		const reason = outcome.reason ?? 'error';
		// What needs the service can still be tested through it.
		return {ok: false, mode: 'local', message: reason === 'unsupported' ? `${outcome.message}; test it through Graph (--sp)` : outcome.message, reason};
	}
	const value = asValue(outcome.values, outcome.multiValued === true);
	const notes = [...(outcome.notes ?? []), ...defaultValueNote(mapping.model, value)];
	if (source.from === 'tree') notes.unshift(`Evaluated from the stored parse tree: ${source.why ?? 'it is what the service stores'}.`);
	return {ok: true, mode: 'local', value, notes};
}

/** The testInputObject Graph documents: multi-valued values carry `value@odata.type: #Collection(String)`. */
export function testInputObject(input: TestInput): {definition: null; properties: Record<string, unknown>[]} {
	return {
		definition: null,
		properties: Object.entries(input)
			// An absent attribute is left out: "a Null is expressed by the absence of the attribute".
			.filter(([, value]) => value !== null && value !== undefined)
			.map(([key, value]) => (Array.isArray(value) ? {key, 'value@odata.type': '#Collection(String)', value} : {key, value})),
	};
}

/** What parseExpression's answer means for the test. */
export function graphTestResult(response: ParseExpressionResult, mapping: AttributeMapping): TestResult {
	const message = (response.error?.message ?? '').replace(/\s+/g, ' ').trim();
	if (response.parsingSucceeded === false) return {ok: false, mode: 'graph', message: `Graph cannot parse the expression: ${message || 'no reason given'}`, reason: 'parse'};
	if (response.evaluationSucceeded === false) return {ok: false, mode: 'graph', message: message || 'Graph could not evaluate the expression (no reason given)', reason: 'error'};
	const values = Array.isArray(response.evaluationResult) ? response.evaluationResult.map(String) : [];
	const value = asValue(values, false);
	return {ok: true, mode: 'graph', value, notes: defaultValueNote(mapping, value)};
}

/**
 * Evaluates the mapping through the job's parseExpression (needs Synchronization.ReadWrite.All; Graph errors are
 * thrown as GraphError for the caller to show). A mapping without a source gives null without a request.
 */
export async function runGraphTest(
	graph: ExpressionParserClient,
	job: {servicePrincipalId: string; jobId: string},
	mapping: {model: AttributeMapping},
	input: TestInput,
	signal?: AbortSignal,
): Promise<TestResult> {
	const source = mapping.model.source;
	if (!source) return {ok: true, mode: 'graph', value: null, notes: defaultValueNote(mapping.model, null)};
	const expression = sourceText(source);
	const response = await graph.parseExpression(job.servicePrincipalId, job.jobId, {expression, testInputObject: testInputObject(input)}, signal);
	return graphTestResult(response, mapping.model);
}

/** `"False"`, `["a", "b"]`, `null` — a value as a case file writes it. */
export function formatTestValue(value: ExpressionValue | undefined): string {
	if (value === null || value === undefined) return 'null';
	return JSON.stringify(value).replace(/","/g, '", "');
}

/** Whether a result equals an expectation: a string matches a single value, a list the values in order, null no value. */
export function resultMatches(value: ExpressionValue, expected: ExpressionValue): boolean {
	const values = value === null ? [] : Array.isArray(value) ? value : [value];
	if (expected === null) return values.length === 0;
	if (typeof expected === 'string') return values.length === 1 && values[0] === expected;
	return values.length === expected.length && values.every((each, index) => each === expected[index]);
}

/** What a result says to a user: `"False" (local evaluation)`, `error: …`. */
export function describeTestResult(result: TestResult): string {
	const how = result.mode === 'local' ? 'local evaluation' : "Graph's parseExpression";
	if (!result.ok) return `${result.reason === 'unsupported' ? 'not evaluated' : result.reason === 'parse' ? 'does not parse' : 'error'}: ${result.message} (${how})`;
	return `${formatTestValue(result.value)} (${how})`;
}
