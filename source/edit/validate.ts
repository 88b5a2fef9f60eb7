/**
 * Checks before anything is written (research graph-sync-api.md §3, §5.4): enum spellings exactly as Graph
 * expects, value types, target attributes that exist and are mapped once, source attributes that exist, matching
 * priorities, expressions (length, syntax, known functions), and rules that name existing directories. The
 * server's parseExpression (validateWithServer) has the last word on expressions.
 *
 * Messages are one line and start with the mapping they concern (`User ← user · mail: …`); strings are raw
 * (screens sanitize them).
 */
import {storedTreeMismatch} from '../schema/stored-tree.js';
import {resolvePointer} from '../schema/pointer.js';
import {supportIds} from '../errors.js';
import {type ParseExpressionResult, type SchemaStore, storeErrorDetails} from './store.js';
import {functionNames, parseExpression, referencedAttributes, sourceAttributeNames} from '../schema/expression.js';
import {buildSchemaIndex, type ObjectDefinitionNode, type RuleNode} from '../schema/navigation.js';
import {
	type AttributeMappingSource,
	attributeTypes,
	discoverabilityFlags,
	flowBehaviors,
	flowTypes,
	mutabilities,
	objectFlowTypeFlags,
	type SynchronizationSchema,
	sourceTypes,
} from '../schema/types.js';
import type {Silence} from '../expressions/case-file.js';
import {filterOperators} from '../expressions/filter-operators.js';
import {findFunction, findFunctionIgnoringCase, functionCatalog, functionsFor} from '../expressions/function-catalog.js';
import type {ExpressionFlavor} from '../expressions/evaluate.js';
import {schemaFlavor} from '../expressions/test-runner.js';
import {lintRule, lintSchema, silenceFor} from '../expressions/lint.js';
import {maxExpressionLength} from './builders.js';
import {compactJson, isPlainObject, type JsonObject, textOf} from './json.js';
import {describeClause, filterGroupSets, objectMappingLabel} from './labels.js';

/** `rule` and `link`: the lint rule (source/expressions/lint.ts) the problem comes from, and its documentation. */
export type Problem = {severity: 'error' | 'warning'; pointer: string; message: string; rule?: string; link?: string};

/** Functions in either of Microsoft's expression references, plus those seen in real schemas (research §5.2): the shared catalog. */
export const documentedFunctions: readonly string[] = functionCatalog.map((spec) => spec.name);

/** Scoping-filter operators as the Entra docs spell them (research §1.10); unary ones take no value. */
export const documentedFilterOperators: readonly string[] = filterOperators.map((operator) => operator.name);
const unaryOperators = new Set(['IS FALSE', 'IS NOT NULL', 'IS NULL', 'IS TRUE']);

export type ValidateOptions = {
	/** Known function names (e.g. from …/schema/functions); default: the job kind's documented list. Unknown names warn. */
	functions?: readonly string[];
	/** Known filter operators (e.g. from …/schema/filterOperators); default: the documented list. Unknown names warn. */
	filterOperators?: readonly string[];
	/**
	 * Pointers of changed nodes: only problems in, or about, these nodes are reported (and only their object
	 * mappings, rules and directories are checked). Undefined: the whole document.
	 */
	only?: readonly string[];
	/** A case file's silences: lint rules turned off per mapping (with a reason). */
	silence?: readonly Silence[];
};

class Collector {
	readonly problems: Problem[] = [];
	error(pointer: string, message: string, rule?: string): void {
		this.problems.push({severity: 'error', pointer, message, ...ruleFields(rule)});
	}
	warning(pointer: string, message: string, rule?: string): void {
		this.problems.push({severity: 'warning', pointer, message, ...ruleFields(rule)});
	}
}

function ruleFields(rule: string | undefined): {rule?: string; link?: string} {
	const spec = rule ? lintRule(rule) : undefined;
	return spec ? {rule: spec.id, link: spec.link} : {};
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 39)}…` : value}'`;
	return String(value);
}

/** Enum value check; a wrong-case spelling names the right one (Graph answers 406 otherwise). */
function checkEnum(out: Collector, pointer: string, label: string, field: string, value: unknown, members: readonly string[]): void {
	if (value === undefined) return;
	if (typeof value === 'string' && members.includes(value)) return;
	if (typeof value === 'string') {
		const fixed = members.find((member) => member.toLowerCase() === value.toLowerCase());
		if (fixed) {
			out.error(pointer, `${label}: ${field} '${value}' must be spelled '${fixed}' (Graph's enum values are case-sensitive).`);
			return;
		}
	}
	out.error(pointer, `${label}: ${field} ${describe(value)} is not one of ${members.join(', ')}.`);
}

function checkFlags(out: Collector, pointer: string, label: string, field: string, value: unknown, members: readonly string[]): void {
	if (value === undefined || value === null) return;
	if (typeof value !== 'string') {
		out.error(pointer, `${label}: ${field} must be text such as "${members.slice(1).join(', ')}", not ${describe(value)}.`);
		return;
	}
	for (const part of value.split(',')) checkEnum(out, pointer, label, field, part.trim(), members);
}

function checkType(out: Collector, pointer: string, label: string, field: string, value: unknown, expected: 'string' | 'boolean' | 'object', nullable: boolean): void {
	if (value === undefined || (value === null && nullable)) return;
	const ok = expected === 'object' ? isPlainObject(value) : typeof value === expected;
	if (!ok) out.error(pointer, `${label}: ${field} must be ${expected === 'object' ? 'an object' : expected === 'string' ? 'text' : 'true or false'}${nullable ? ' or null' : ''}, not ${describe(value)}.`);
}

export function validateSchema(document: SynchronizationSchema, options: ValidateOptions = {}): Problem[] {
	const out = new Collector();
	// Offline, the reference of this kind of job: Contains is fine in cloud sync, unknown to app provisioning.
	const flavor = schemaFlavor(document);
	const knownFunctions = new Set(options.functions ?? functionsFor(flavor).map((spec) => spec.name));
	const knownOperators = new Set(options.filterOperators ?? documentedFilterOperators);
	const only = options.only ? [...new Set(options.only)] : undefined;
	const scope = only ? scopeOf(only) : undefined;
	const index = buildSchemaIndex(document);
	const directoryNames = new Set(index.directories.map((directory) => directory.model.name));
	const hasDirectories = Array.isArray(document.directories);

	for (const rule of index.rules) {
		const rulePointer = rule.pointer;
		const checkRule = !scope || scope.rules.has(rulePointer);
		if (checkRule && hasDirectories) {
			for (const key of ['sourceDirectoryName', 'targetDirectoryName'] as const) {
				const name = rule.model[key];
				if (name !== undefined && !directoryNames.has(name as string)) {
					out.error(
						`${rulePointer}/${key}`,
						`rule ${rule.label}: ${key} '${textOf(name)}' is not a directory of this schema (${[...directoryNames].join(', ') || 'none'}).`,
					);
				}
			}
		}
		for (const objectMapping of rule.objectMappings) {
			if (scope && !scope.objectMappings.has(objectMapping.pointer)) continue;
			checkObjectMapping(out, rule, objectMapping.pointer, objectMapping.model, objectMapping.sourceObject, objectMapping.targetObject, {
				knownFunctions,
				flavor,
				knownOperators,
				hasDirectories,
				// With `only`, each mapping's own checks run for the changed mappings; uniqueness still looks at all.
				checkMapping: only ? (pointer) => only.some((changed) => related(pointer, changed)) : () => true,
			});
		}
	}
	for (const directory of index.directories) {
		if (scope && !scope.directories.has(directory.pointer)) continue;
		const label = `directory ${directory.label}`;
		checkFlags(out, `${directory.pointer}/discoverabilities`, label, 'discoverabilities', directory.model.discoverabilities, discoverabilityFlags);
		for (const object of directory.objects) {
			const seen = new Set<string>();
			for (const attribute of object.attributes) {
				const attributeLabel = `${directory.label} › ${object.label} › ${attribute.label}`;
				const name = attribute.model.name;
				if (typeof name !== 'string' || name === '') out.error(attribute.pointer, `${attributeLabel}: an attribute definition needs a name.`);
				else if (seen.has(name)) out.error(attribute.pointer, `${attributeLabel}: the object defines '${name}' twice.`);
				else seen.add(name);
				checkEnum(out, `${attribute.pointer}/type`, attributeLabel, 'type', attribute.model.type, attributeTypes);
				checkEnum(out, `${attribute.pointer}/mutability`, attributeLabel, 'mutability', attribute.model.mutability, mutabilities);
			}
		}
	}
	for (const finding of lintSchema(document, {only}).findings) {
		out.problems.push({severity: finding.severity, pointer: finding.pointer, message: finding.message, rule: finding.rule, link: finding.link});
	}
	const problems = options.silence?.length ? out.problems.filter((problem) => !silenceFor(document, problem, options.silence, index)) : out.problems;
	if (!only) return problems;
	return problems.filter((problem) => only.some((pointer) => related(problem.pointer, pointer)));
}

/** Whether one pointer is the other or contains it (segment-wise). */
function related(a: string, b: string): boolean {
	return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function scopeOf(pointers: readonly string[]) {
	const objectMappings = new Set<string>();
	const rules = new Set<string>();
	const directories = new Set<string>();
	for (const pointer of pointers) {
		const objectMapping = /^\/synchronizationRules\/\d+\/objectMappings\/\d+/.exec(pointer)?.[0];
		if (objectMapping) objectMappings.add(objectMapping);
		const rule = /^\/synchronizationRules\/\d+/.exec(pointer)?.[0];
		if (rule && !objectMapping) rules.add(rule);
		const directory = /^\/directories\/\d+/.exec(pointer)?.[0];
		if (directory) directories.add(directory);
		// A change above rules and directories (e.g. the whole document): check everything.
		if (!rule && !directory) return undefined;
	}
	return {objectMappings, rules, directories};
}

type Known = {
	knownFunctions: ReadonlySet<string>;
	/** The schema's job kind: a function only the other kind's reference lists is named as such. */
	flavor: ExpressionFlavor;
	knownOperators: ReadonlySet<string>;
	hasDirectories: boolean;
	checkMapping: (pointer: string) => boolean;
};

function checkObjectMapping(
	out: Collector,
	rule: RuleNode,
	pointer: string,
	objectMapping: JsonObject,
	sourceObject: ObjectDefinitionNode | undefined,
	targetObject: ObjectDefinitionNode | undefined,
	known: Known,
): void {
	const label = objectMappingLabel(objectMapping);
	checkType(out, `${pointer}/enabled`, label, 'enabled', objectMapping.enabled, 'boolean', false);
	checkFlags(out, `${pointer}/flowTypes`, label, 'flowTypes', objectMapping.flowTypes, objectFlowTypeFlags);
	const sourceName = objectMapping.sourceObjectName;
	const targetName = objectMapping.targetObjectName;
	const sourceDirectory = rule.sourceDirectory;
	const targetDirectory = rule.targetDirectory;
	if (typeof sourceName === 'string' && sourceName !== '' && sourceDirectory && !sourceObject) {
		out.error(`${pointer}/sourceObjectName`, `${label}: the source object '${sourceName}' is not in directory '${sourceDirectory.label}'.`);
	}
	if (typeof targetName === 'string' && targetName !== '' && targetDirectory && !targetObject) {
		out.error(`${pointer}/targetObjectName`, `${label}: the target object '${targetName}' is not in directory '${targetDirectory.label}'.`);
	}
	const sourceAttributes = sourceObject ? new Set(sourceObject.attributes.map((attribute) => attribute.model.name)) : undefined;
	const targetAttributes = targetObject ? new Set(targetObject.attributes.map((attribute) => attribute.model.name)) : undefined;

	checkScope(out, `${pointer}/scope`, label, objectMapping.scope, sourceAttributes, known);

	const mappings = objectMapping.attributeMappings;
	if (!Array.isArray(mappings)) return;
	const targets = new Map<string, number[]>();
	const priorities = new Map<number, number[]>();
	for (let i = 0; i < mappings.length; i++) {
		const mapping: unknown = mappings[i];
		const at = `${pointer}/attributeMappings/${i}`;
		if (!isPlainObject(mapping)) {
			out.error(at, `${label}: attribute mapping ${i} must be an object, not ${describe(mapping)}.`);
			continue;
		}
		const target = mapping.targetAttributeName;
		const priority = mapping.matchingPriority;
		if (!known.checkMapping(at)) {
			if (typeof target === 'string' && target !== '') targets.set(target, [...(targets.get(target) ?? []), i]);
			if (typeof priority === 'number' && Number.isInteger(priority) && priority > 0) priorities.set(priority, [...(priorities.get(priority) ?? []), i]);
			continue;
		}
		const mappingLabel = `${label} · ${typeof target === 'string' && target !== '' ? target : `attribute mapping ${i}`}`;
		if (typeof target !== 'string' || target === '') {
			out.error(`${at}/targetAttributeName`, `${mappingLabel}: the mapping needs a target attribute (targetAttributeName).`);
		} else {
			targets.set(target, [...(targets.get(target) ?? []), i]);
			if (targetAttributes && !targetAttributes.has(target)) {
				out.error(`${at}/targetAttributeName`, `${mappingLabel}: '${target}' is not an attribute of ${String(targetName)}; add it to the target object's attribute definitions first.`);
			}
		}
		checkEnum(out, `${at}/flowBehavior`, mappingLabel, 'flowBehavior', mapping.flowBehavior, flowBehaviors);
		checkEnum(out, `${at}/flowType`, mappingLabel, 'flowType', mapping.flowType, flowTypes);
		checkType(out, `${at}/defaultValue`, mappingLabel, 'defaultValue', mapping.defaultValue, 'string', true);
		checkType(out, `${at}/exportMissingReferences`, mappingLabel, 'exportMissingReferences', mapping.exportMissingReferences, 'boolean', true);
		if (priority !== undefined && priority !== null) {
			if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0) {
				out.error(`${at}/matchingPriority`, `${mappingLabel}: matchingPriority must be a whole number, 0 (not matching) or more, not ${describe(priority)}.`);
			} else if (priority > 0) {
				priorities.set(priority, [...(priorities.get(priority) ?? []), i]);
			}
		}
		checkSource(out, at, mappingLabel, mapping.source, sourceAttributes, sourceObject, known);
	}
	for (const [target, positions] of targets) {
		if (positions.length < 2) continue;
		for (const position of positions) {
			const others = positions.filter((each) => each !== position).join(', ');
			out.error(
				`${pointer}/attributeMappings/${position}/targetAttributeName`,
				`${label} · ${target}: '${target}' is mapped more than once (also attribute mapping ${others}); a target can be mapped only once.`,
			);
		}
	}
	for (const [priority, positions] of priorities) {
		if (positions.length < 2) continue;
		for (const position of positions) {
			const others = positions.filter((each) => each !== position).map((each) => `'${textOf(mappings[each]?.targetAttributeName)}'`);
			out.error(
				`${pointer}/attributeMappings/${position}/matchingPriority`,
				`${label} · ${textOf(mappings[position]?.targetAttributeName)}: matching priority ${priority} is also used by ${others.join(', ')}; each matching attribute needs its own priority.`,
				'MATCH-5',
			);
		}
	}
}

function checkSource(
	out: Collector,
	at: string,
	label: string,
	source: unknown,
	sourceAttributes: ReadonlySet<unknown> | undefined,
	sourceObject: ObjectDefinitionNode | undefined,
	known: Known,
): void {
	if (source === undefined || source === null) return;
	if (!isPlainObject(source)) {
		out.error(`${at}/source`, `${label}: source must be an object or null, not ${describe(source)}.`);
		return;
	}
	// Enum spellings through the whole parameter tree.
	const stack: Array<{value: unknown; pointer: string}> = [{value: source, pointer: `${at}/source`}];
	while (stack.length > 0) {
		const {value, pointer} = stack.pop()!;
		if (!isPlainObject(value)) continue;
		checkEnum(out, `${pointer}/type`, label, 'source type', value.type, sourceTypes);
		if (Array.isArray(value.parameters)) {
			value.parameters.forEach((parameter, index) => {
				if (isPlainObject(parameter)) stack.push({value: parameter.value, pointer: `${pointer}/parameters/${index}/value`});
			});
		}
	}
	checkType(out, `${at}/source/expression`, label, 'expression', source.expression, 'string', true);
	const expression = source.expression;
	let attributes: string[];
	if (typeof expression === 'string' && expression.trim() !== '') {
		if (expression.length > maxExpressionLength) {
			out.error(
				`${at}/source/expression`,
				`${label}: the expression is ${expression.length.toLocaleString('en-US')} characters long; Graph accepts at most ${maxExpressionLength.toLocaleString('en-US')}.`,
				'LEN-1',
			);
			return;
		}
		const parsed = parseExpression(expression);
		if (!parsed.ok) {
			out.error(`${at}/source/expression`, `${label}: the expression does not parse: ${parsed.error.message} (at character ${parsed.error.offset + 1}).`);
			return;
		}
		for (const name of functionNames(parsed.ast)) {
			// A known name in the wrong case is lint rule CASE-1 (an error), reported by lintSchema.
			if (!known.knownFunctions.has(name) && (findFunction(name) || !findFunctionIgnoringCase(name))) {
				const onlyIn = findFunction(name)?.only;
				const otherKind = onlyIn && onlyIn !== known.flavor ? onlyIn : undefined;
				out.warning(
					`${at}/source/expression`,
					otherKind
						? `${label}: '${name}' is in the ${otherKind === 'cloudSync' ? 'cloud sync' : 'app-provisioning'} function reference only; this ${known.flavor === 'cloudSync' ? 'cloud sync' : 'app-provisioning'} job may not know it.`
						: `${label}: '${name}' is not a known function (check the spelling; names are case-sensitive).`,
					'FN-1',
				);
			}
		}
		attributes = referencedAttributes(parsed.ast);
	} else {
		attributes = sourceAttributeNames(source);
	}
	if (!sourceAttributes || !sourceObject) return;
	for (const name of attributes) {
		if (!sourceAttributes.has(name)) {
			out.error(`${at}/source`, `${label}: the source attribute [${name}] is not an attribute of ${sourceObject.label} in ${sourceObject.parent.label}.`, 'ATTR-1');
		}
	}
}

function checkScope(out: Collector, pointer: string, label: string, scope: unknown, sourceAttributes: ReadonlySet<unknown> | undefined, known: Known): void {
	if (scope === undefined || scope === null) return;
	if (!isPlainObject(scope)) {
		out.error(pointer, `${label}: scope must be an object or null, not ${describe(scope)}.`);
		return;
	}
	for (const set of filterGroupSets) {
		const groups = scope[set];
		if (groups === undefined || groups === null) continue;
		if (!Array.isArray(groups)) {
			out.error(`${pointer}/${set}`, `${label}: scope ${set} must be a list of filter groups.`);
			continue;
		}
		groups.forEach((group: unknown, groupIndex) => {
			const groupPointer = `${pointer}/${set}/${groupIndex}`;
			if (!isPlainObject(group)) {
				out.error(groupPointer, `${label}: scope ${set} group ${groupIndex} must be an object.`);
				return;
			}
			const groupLabel = `${label} · scope ${set} ${typeof group.name === 'string' && group.name !== '' ? `'${group.name}'` : groupIndex}`;
			const clauses = group.clauses;
			if (!Array.isArray(clauses) || clauses.length === 0) {
				out.warning(groupPointer, `${groupLabel}: the group has no clauses, so every object matches it.`);
				return;
			}
			clauses.forEach((clause: unknown, clauseIndex) => {
				const clausePointer = `${groupPointer}/clauses/${clauseIndex}`;
				if (!isPlainObject(clause)) {
					out.error(clausePointer, `${groupLabel}: clause ${clauseIndex} must be an object.`);
					return;
				}
				const clauseLabel = `${groupLabel}: ${describeClause(clause)}`;
				if (typeof clause.operatorName !== 'string' || clause.operatorName === '') {
					out.error(`${clausePointer}/operatorName`, `${clauseLabel}: the clause needs an operator (operatorName).`);
				} else if (!known.knownOperators.has(clause.operatorName)) {
					const fixed = [...known.knownOperators].find((name) => name.toLowerCase() === String(clause.operatorName).toLowerCase());
					out.warning(`${clausePointer}/operatorName`, `${clauseLabel}: '${clause.operatorName}' is not a known operator${fixed ? ` (did you mean '${fixed}'?)` : ''}.`);
				}
				if (typeof clause.sourceOperandName !== 'string' || clause.sourceOperandName === '') {
					out.error(`${clausePointer}/sourceOperandName`, `${clauseLabel}: the clause needs an attribute (sourceOperandName).`);
				} else if (sourceAttributes && !sourceAttributes.has(clause.sourceOperandName)) {
					out.warning(`${clausePointer}/sourceOperandName`, `${clauseLabel}: '${clause.sourceOperandName}' is not an attribute of the source object.`);
				}
				const operand = clause.targetOperand;
				const values = isPlainObject(operand) ? operand.values : undefined;
				if (operand !== null && operand !== undefined && (!isPlainObject(operand) || (values !== undefined && values !== null && !Array.isArray(values)))) {
					out.error(`${clausePointer}/targetOperand`, `${clauseLabel}: targetOperand must be {"values": [...]} or null, not ${compactJson(operand, 30)}.`);
					return;
				}
				const count = Array.isArray(values) ? values.length : 0;
				if (typeof clause.operatorName === 'string' && unaryOperators.has(clause.operatorName) && count > 0) {
					out.warning(`${clausePointer}/targetOperand`, `${clauseLabel}: ${clause.operatorName} takes no value; the values are ignored.`);
				} else if (typeof clause.operatorName === 'string' && known.knownOperators.has(clause.operatorName) && !unaryOperators.has(clause.operatorName) && count === 0) {
					out.warning(`${clausePointer}/targetOperand`, `${clauseLabel}: ${clause.operatorName} compares with a value, but the clause has none.`);
				}
			});
		});
	}
}

export type ExpressionToCheck = {pointer: string; expression: string; label?: string};

/**
 * Asks the server's parser about each expression (POST …/schema/parseExpression, four at a time). A parse
 * failure is an error carrying the server's message; a failed call throws (GraphError) for the caller to show.
 */
export async function validateWithServer(
	graph: Pick<SchemaStore, 'parseExpression'>,
	servicePrincipalId: string,
	jobId: string,
	expressions: ExpressionToCheck[],
	signal?: AbortSignal,
	/** Filled with Graph's parse tree of each expression it accepted, by pointer (see withParsedSources). */
	parsed?: Map<string, AttributeMappingSource>,
): Promise<Problem[]> {
	const results: Array<Problem | undefined> = new Array(expressions.length);
	let next = 0;
	const worker = async () => {
		while (next < expressions.length) {
			const position = next++;
			const item = expressions[position]!;
			let response: ParseExpressionResult;
			try {
				response = await graph.parseExpression(servicePrincipalId, jobId, {expression: item.expression}, signal);
			} catch (error) {
				// Graph may answer a malformed expression with HTTP 400 instead of parsingSucceeded: false. That is a
				// problem on this expression, shown beside its mapping, not a failure of the whole plan.
				const details = storeErrorDetails(error);
				if (details?.status !== 400) throw error;
				const reason = (details.message || details.code || 'Bad Request').replace(/\s+/g, ' ').trim();
				results[position] = {severity: 'error', pointer: item.pointer, message: `${item.label ? `${item.label}: ` : ''}Graph rejects the expression (HTTP 400): ${reason}${supportIds(details)}`};
				continue;
			}
			if (response.parsingSucceeded !== false && response.parsedExpression && parsed) parsed.set(item.pointer, response.parsedExpression);
			if (response.parsingSucceeded === false) {
				const message = (response.error?.message ?? 'the expression does not parse').replace(/\s+/g, ' ').trim();
				results[position] = {
					severity: 'error',
					pointer: item.pointer,
					message: `${item.label ? `${item.label}: ` : ''}Graph rejects the expression: ${message}`,
				};
			}
		}
	};
	await Promise.all(Array.from({length: Math.min(4, expressions.length)}, worker));
	return results.filter((problem): problem is Problem => problem !== undefined);
}

/**
 * The document to send, with each checked expression's source replaced by the parse tree Graph's
 * parseExpression built for it (keeping the text as typed): the service stores sources as trees, and
 * we should not hand-build them (research §5.3). Pointers may name the mapping, its source or its
 * source expression.
 */
export function withParsedSources(document: SynchronizationSchema, parsed: ReadonlyMap<string, AttributeMappingSource>): SynchronizationSchema {
	if (parsed.size === 0) return document;
	const copy = structuredClone(document);
	for (const [pointer, tree] of parsed) {
		const mappingPointer = pointer.replace(/\/source(\/expression)?$/, '');
		const mapping = resolvePointer(copy, mappingPointer) as {source?: AttributeMappingSource | null} | undefined;
		const expression = mapping?.source?.expression;
		if (!mapping || typeof expression !== 'string') continue;
		// A tree that holds more than its text (edited as JSON to keep it) is sent as it is.
		if (storedTreeMismatch(mapping.source)) continue;
		mapping.source = {...tree, expression};
	}
	return copy;
}

/** Every attribute mapping's expression in the document (for `validate FILE --sp`). */
export function allExpressions(document: SynchronizationSchema): ExpressionToCheck[] {
	const result: ExpressionToCheck[] = [];
	for (const mapping of buildSchemaIndex(document).attributeMappings()) {
		const expression = mapping.model.source?.expression;
		if (typeof expression === 'string' && expression.trim() !== '') {
			result.push({pointer: `${mapping.pointer}/source/expression`, expression, label: `${objectMappingLabel(mapping.parent.model)} · ${mapping.label}`});
		}
	}
	return result;
}

