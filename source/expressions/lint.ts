/**
 * Lint rules for the traps Microsoft documents in attribute mappings and scoping filters (catalogue:
 * research/loop-and-expressions.md §4.1). Each rule has an id, a severity (an error blocks a write, a warning is
 * shown), a one-line summary and the documentation section it comes from. Rules marked for app provisioning or
 * cloud sync apply only to that kind of job. Part of validateSchema (source/edit/validate.ts), so `validate`,
 * import, patch and the explorer's write report the same findings; a case file's `silence` turns one off per
 * mapping, with a reason.
 */

import {buildSchemaIndex, type AttributeMappingNode, type ObjectMappingNode} from '../schema/navigation.js';
import type {SynchronizationSchema} from '../schema/types.js';
import type {Silence} from './case-file.js';
import {dateIntervals} from './dates.js';
import {evaluableSource} from './evaluable.js';
import type {ExpressionFlavor} from './evaluate.js';
import {findFunction, findFunctionIgnoringCase} from './function-catalog.js';
import type {ExpressionNode} from './parser.js';
import {schemaFlavor} from './test-runner.js';

const fn = 'https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data';
const knownIssues = 'https://learn.microsoft.com/entra/identity/app-provisioning/known-issues';
const scoping = 'https://learn.microsoft.com/entra/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts';
const customize = 'https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes';
const attributeMappingResource = 'https://learn.microsoft.com/graph/api/resources/synchronization-attributemapping';

export type LintRule = {
	id: string;
	severity: 'error' | 'warning';
	/** Which jobs: app provisioning, cloud sync (AD2AAD) or all. */
	applies: 'all' | 'app' | 'cloudSync';
	summary: string;
	link: string;
};

/** Every rule, for the README table, `validate --json` and a UI's detail view. */
export const lintRules: readonly LintRule[] = [
	{id: 'LEN-1', severity: 'error', applies: 'all', summary: 'An expression has at most 10,000 characters.', link: `${knownIssues}#maximum-characters-for-attribute-mapping-expressions`},
	{id: 'ATTR-1', severity: 'error', applies: 'all', summary: "An attribute the expression reads is not defined in the source object (add it to the source object's attribute list first).", link: `${customize}#editing-the-list-of-supported-attributes`},
	{id: 'FN-1', severity: 'warning', applies: 'all', summary: 'A function the job does not list (names missing from the reference exist, so this only warns).', link: `${fn}#list-of-functions`},
	{id: 'CASE-1', severity: 'error', applies: 'all', summary: 'A function name in the wrong case: the syntax is case-sensitive.', link: `${fn}#syntax-overview`},
	{id: 'SUV-1', severity: 'error', applies: 'all', summary: 'SelectUniqueValue must be the whole expression, not nested.', link: `${fn}#selectuniquevalue`},
	{id: 'SUV-2', severity: 'error', applies: 'all', summary: 'SelectUniqueValue needs at least two rules.', link: `${fn}#selectuniquevalue`},
	{id: 'SUV-3', severity: 'error', applies: 'all', summary: 'SelectUniqueValue cannot be used on a matching attribute.', link: `${fn}#selectuniquevalue`},
	{id: 'SUV-4', severity: 'error', applies: 'all', summary: 'SelectUniqueValue needs flowType ObjectAddOnly ("Only during object creation").', link: `${fn}#selectuniquevalue`},
	{id: 'SUV-5', severity: 'error', applies: 'all', summary: 'SelectUniqueValue works only for Workday, SuccessFactors and API-driven provisioning to on-premises Active Directory.', link: `${fn}#selectuniquevalue`},
	{id: 'FDT-1', severity: 'error', applies: 'all', summary: 'FormatDateTime needs (source, dateTimeStyles, inputFormat, outputFormat) — in cloud sync (source, inputFormat, outputFormat) — with an output format last.', link: `${fn}#formatdatetime`},
	{id: 'FDT-3', severity: 'warning', applies: 'app', summary: 'FormatDateTime with 3 arguments in an app job: the reference has 4; keep the empty dateTimeStyles slot: FormatDateTime([x], , "in", "out").', link: `${fn}#formatdatetime`},
	{id: 'IIF-2', severity: 'warning', applies: 'app', summary: 'IIF on a null or empty attribute: the condition check fails (IsPresent/IsNullOrEmpty/="" are documented as unsupported); use Switch([x], [x], "", "Other").', link: `${fn}#iif`},
	{id: 'IIF-3', severity: 'error', applies: 'all', summary: 'A comparison (=, <>, <, >…) is only allowed as the condition of IIF or CBool.', link: `${fn}#iif`},
	{id: 'SW-1', severity: 'error', applies: 'all', summary: 'Switch takes source, default, then key/value pairs: an even number of arguments, at least 4.', link: `${fn}#switch`},
	{id: 'SW-2', severity: 'warning', applies: 'app', summary: 'Do not use IsPresent, IsNull or IsNullOrEmpty as the source of Switch; use "" as a key instead.', link: `${fn}#switch`},
	{id: 'SW-NULL', severity: 'warning', applies: 'all', summary: 'Switch without a default and without a "" key: unmatched or empty input gives no value, and null values are not provisioned.', link: `${knownIssues}#null-attribute-cant-be-provisioned`},
	{id: 'ITEM-1', severity: 'error', applies: 'all', summary: 'Item counts from 1: index 0 should not be used.', link: `${fn}#item`},
	{id: 'DATE-1', severity: 'error', applies: 'all', summary: 'DateAdd and DateDiff intervals are yyyy, m, d, ww, h, n (minutes) or s.', link: `${fn}#dateadd`},
	{id: 'RAND-1', severity: 'error', applies: 'all', summary: 'RandomString: Length is at most 256 and at least the sum of the minimums.', link: `${fn}#randomstring`},
	{id: 'SCOPE-1', severity: 'error', applies: 'app', summary: 'appRoleAssignments, userType, manager and date attributes are not supported in scoping filters.', link: `${knownIssues}#unsupported-scoping-filters`},
	{id: 'SCOPE-2', severity: 'error', applies: 'all', summary: 'There is no IsMemberOf scoping filter and no filter on group membership; scope by group assignment instead.', link: scoping},
	{id: 'SCOPE-3', severity: 'error', applies: 'app', summary: 'Scoping filters cannot use multi-valued attributes.', link: `${knownIssues}#multivalue-directory-extensions`},
	{id: 'SCOPE-4', severity: 'error', applies: 'all', summary: 'Greater_Than and Greater_Than_OR_EQUALS compare integer attributes with integer values.', link: scoping},
	{id: 'MATCH-5', severity: 'error', applies: 'all', summary: 'Two matching attributes with the same matching priority: the order they are tried in is undefined.', link: attributeMappingResource},
	{id: 'MATCH-6', severity: 'warning', applies: 'all', summary: 'A matching attribute whose source is multi-valued: matching looks up one value.', link: `${customize}#matching-users-in-the-source-and-target--systems`},
	{id: 'FLOW-1', severity: 'warning', applies: 'cloudSync', summary: 'Cloud sync (AD2AAD) jobs do not respect flowType; the mapping flows as Always.', link: attributeMappingResource},
	{id: 'ROLE-1', severity: 'warning', applies: 'app', summary: 'appRoleAssignments mapped directly; use SingleAppRoleAssignment or AppRoleAssignmentsComplex.', link: `${customize}#provisioning-a-role-to-a-scim-app`},
];

const rulesById = new Map(lintRules.map((rule) => [rule.id, rule]));

export function lintRule(id: string): LintRule | undefined {
	return rulesById.get(id);
}

export type LintFinding = {
	rule: string;
	severity: 'error' | 'warning';
	/** JSON Pointer of the mapping field or scoping clause. */
	pointer: string;
	/** The attribute mapping it concerns (its pointer), for `!`/`✗` beside the mapping; absent for scoping clauses. */
	mappingPointer?: string;
	/** One line, starting with the mapping it concerns (`User ← user · Department: …`). */
	message: string;
	link: string;
	target?: string;
	/** `source→target` object names. */
	objectMapping: string;
};

export type LintOptions = {
	/** A case file's silences: the rules they name do not report for their mappings. */
	silence?: readonly Silence[];
	/** Job kind; by default from the schema (AD2AAD jobs are cloud sync). */
	flavor?: ExpressionFlavor;
	/** Pointers of changed nodes: only mappings and scopes in or around them are linted (an edit in a large schema). */
	only?: readonly string[];
};

export type LintResult = {findings: LintFinding[]; silenced: (LintFinding & {reason: string})[]};

const isString = (node: ExpressionNode | null | undefined, value?: string): boolean => node?.kind === 'string' && (value === undefined || node.value === value);
const constantText = (node: ExpressionNode | null | undefined): string | undefined => (node?.kind === 'string' ? node.value : node?.kind === 'number' ? node.raw : undefined);
const isCall = (node: ExpressionNode | null | undefined, ...names: string[]): boolean => node?.kind === 'call' && names.includes(node.name);

type Parent = {name: string; position: number};

/** Walks an expression with each node's parent call, argument position, depth and the names of the calls around it. */
function walk(node: ExpressionNode, visit: (node: ExpressionNode, parent: Parent | undefined, depth: number, within: ReadonlySet<string>) => void): void {
	const stack: {node: ExpressionNode; parent?: Parent; depth: number; within: ReadonlySet<string>}[] = [{node, depth: 0, within: new Set()}];
	while (stack.length > 0) {
		const current = stack.pop()!;
		visit(current.node, current.parent, current.depth, current.within);
		if (current.node.kind === 'call') {
			const {name} = current.node;
			const within = current.within.has(name) ? current.within : new Set([...current.within, name]);
			current.node.arguments.forEach((argument, position) => {
				if (argument) stack.push({node: argument, parent: {name, position}, depth: current.depth + 1, within});
			});
		} else if (current.node.kind === 'comparison') {
			// Operands of a comparison are not in a call position of their own.
			stack.push({node: current.node.left, parent: {name: '', position: -1}, depth: current.depth + 1, within: current.within});
			stack.push({node: current.node.right, parent: {name: '', position: -1}, depth: current.depth + 1, within: current.within});
		}
	}
}

/** Targets of a directory whose name says it is on-premises Active Directory (SelectUniqueValue's only target). */
const isOnPremisesActiveDirectory = (name: string | undefined) => typeof name === 'string' && /^(on-premises )?active directory$/i.test(name.trim());

const unsupportedScopingAttributes = new Set(['approleassignments', 'usertype', 'manager', 'statushiredate', 'startdate', 'enddate', 'statusterminationdate', 'accountexpires']);

export function lintSchema(schema: SynchronizationSchema, options: LintOptions = {}): LintResult {
	const flavor = options.flavor ?? schemaFlavor(schema);
	const findings: LintFinding[] = [];
	const applies = (rule: LintRule) => rule.applies === 'all' || rule.applies === flavor;
	const only = options.only;
	const wanted = (pointer: string) => !only || only.some((changed) => changed === pointer || changed.startsWith(`${pointer}/`) || pointer.startsWith(`${changed}/`));
	const index = buildSchemaIndex(schema);
	for (const rule of index.rules) {
		for (const objectMapping of rule.objectMappings) {
			const objectReference = `${objectMapping.model.sourceObjectName ?? ''}→${objectMapping.model.targetObjectName ?? ''}`;
			const label = `${objectMapping.model.targetObjectName ?? '(none)'} ← ${objectMapping.model.sourceObjectName ?? '(none)'}`;
			const report = (id: string, pointer: string, message: string, mapping?: AttributeMappingNode) => {
				const spec = rulesById.get(id)!;
				if (!applies(spec)) return;
				const target = mapping?.model.targetAttributeName;
				findings.push({
					rule: id,
					severity: spec.severity,
					pointer,
					...(mapping ? {mappingPointer: mapping.pointer} : {}),
					message: `${label}${target ? ` · ${target}` : ''}: ${message}`,
					link: spec.link,
					...(target ? {target} : {}),
					objectMapping: objectReference,
				});
			};
			if (wanted(`${objectMapping.pointer}/scope`)) lintScope(objectMapping, report);
			const targetDirectory = rule.model.targetDirectoryName;
			for (const mapping of objectMapping.attributeMappings) if (wanted(mapping.pointer)) lintMapping(mapping, report, {targetDirectory, flavor});
		}
	}
	const silenced: LintResult['silenced'] = [];
	const kept = findings.filter((finding) => {
		const silence = silenceFor(schema, finding, options.silence, index);
		if (silence) silenced.push({...finding, reason: silence.reason});
		return !silence;
	});
	return {findings: kept, silenced};
}

/**
 * The case file's silence that applies to a problem of `rule` at `pointer`, if any: same rule, and (when given) the
 * mapping's target attribute and its object mapping (name or source→target).
 */
export function silenceFor(
	schema: SynchronizationSchema,
	problem: {rule?: string; pointer: string},
	silences: readonly Silence[] | undefined,
	index = buildSchemaIndex(schema),
): Silence | undefined {
	if (!problem.rule || !silences || silences.length === 0) return undefined;
	const objectPointer = /^\/synchronizationRules\/\d+\/objectMappings\/\d+/.exec(problem.pointer)?.[0];
	const objectMapping = index.rules.flatMap((rule) => rule.objectMappings).find((each) => each.pointer === objectPointer);
	const mappingPointer = /^\/synchronizationRules\/\d+\/objectMappings\/\d+\/attributeMappings\/\d+/.exec(problem.pointer)?.[0];
	const mapping = objectMapping?.attributeMappings.find((each) => each.pointer === mappingPointer);
	const pair = objectMapping ? `${objectMapping.model.sourceObjectName ?? ''}→${objectMapping.model.targetObjectName ?? ''}` : undefined;
	return silences.find(
		(each) =>
			each.rule === problem.rule &&
			(each.target === undefined || each.target === mapping?.model.targetAttributeName) &&
			(each.objectMapping === undefined || each.objectMapping.replace('->', '→').replace(/\s*→\s*/, '→') === pair || each.objectMapping === objectMapping?.model.name),
	);
}

type Report = (id: string, pointer: string, message: string, mapping?: AttributeMappingNode) => void;

function lintMapping(mapping: AttributeMappingNode, report: Report, context: {targetDirectory: string | undefined; flavor: ExpressionFlavor}): void {
	const model = mapping.model;
	const at = mapping.pointer;
	const priority = typeof model.matchingPriority === 'number' ? model.matchingPriority : 0;
	if (typeof model.flowType === 'string' && ['ObjectAddOnly', 'MultiValueAddOnly', 'ValueAddOnly', 'AttributeAddOnly'].includes(model.flowType)) {
		report('FLOW-1', `${at}/flowType`, `flowType ${model.flowType} is ignored by cloud sync jobs; the mapping flows every time (Always).`, mapping);
	}
	if (model.source?.type === 'Attribute' && model.source.name === 'appRoleAssignments') {
		report('ROLE-1', `${at}/source`, 'appRoleAssignments is mapped directly; wrap it in SingleAppRoleAssignment or AppRoleAssignmentsComplex.', mapping);
	}
	if (priority > 0) {
		const multiValued = mapping.sourceAttributes.filter((each) => each.definition?.model.multivalued === true).map((each) => each.name);
		if (multiValued.length > 0) report('MATCH-6', `${at}/matchingPriority`, `the matching attribute reads the multi-valued [${multiValued.join('], [')}]; matching looks up one value, so use a single-valued, unique attribute.`, mapping);
	}
	if (model.source?.type !== 'Function') return;
	const source = evaluableSource(model.source);
	// Text that does not parse is reported by validateSchema's syntax check.
	if (!source.ok) return;
	const pointer = `${at}/source`;
	walk(source.node, (node, parent, depth, within) => {
		if (node.kind === 'comparison') {
			const allowed = parent && parent.position === 0 && (parent.name === 'IIF' || parent.name === 'CBool');
			if (!allowed) report('IIF-3', pointer, `the comparison '${node.operator}' is only allowed as the condition of IIF or CBool${parent?.name ? ` (here it is argument ${parent.position + 1} of ${parent.name})` : ''}.`, mapping);
			return;
		}
		if (node.kind !== 'call') return;
		const args = node.arguments;
		if (!findFunction(node.name)) {
			const right = findFunctionIgnoringCase(node.name);
			if (right) report('CASE-1', pointer, `'${node.name}' must be spelled '${right.name}': function names are case-sensitive.`, mapping);
		}
		switch (node.name) {
			case 'SelectUniqueValue':
				if (depth > 0) report('SUV-1', pointer, 'SelectUniqueValue is nested; it must be the whole expression.', mapping);
				if (args.length < 2) report('SUV-2', pointer, `SelectUniqueValue has ${args.length} rule${args.length === 1 ? '' : 's'}; it needs at least two.`, mapping);
				if (priority > 0) report('SUV-3', pointer, `SelectUniqueValue is used on a matching attribute (matching priority ${priority}); it cannot be.`, mapping);
				if (model.flowType !== 'ObjectAddOnly') report('SUV-4', pointer, `SelectUniqueValue needs flowType ObjectAddOnly ("Only during object creation"), not ${model.flowType ?? '(none)'}.`, mapping);
				if (context.targetDirectory !== undefined && !isOnPremisesActiveDirectory(context.targetDirectory)) {
					report('SUV-5', pointer, `SelectUniqueValue is only supported when provisioning to on-premises Active Directory (Workday, SuccessFactors, API-driven), not to ${context.targetDirectory}.`, mapping);
				}
				break;
			case 'FormatDateTime': {
				const count = args.length;
				if (count < 3 || count > 4) report('FDT-1', pointer, `FormatDateTime has ${count} argument${count === 1 ? '' : 's'}; write ${context.flavor === 'cloudSync' ? 'FormatDateTime([x], "inputFormat", "outputFormat")' : 'FormatDateTime([x], , "inputFormat", "outputFormat")'}.`, mapping);
				else if (!args[count - 1]) report('FDT-1', pointer, 'FormatDateTime has no output format (its last argument is empty).', mapping);
				else if (count === 4) {
					if (context.flavor === 'cloudSync') report('FDT-1', pointer, "FormatDateTime has 4 arguments; cloud sync's takes (source, inputFormat, outputFormat).", mapping);
				} else if (args[1] !== null) {
					report('FDT-3', pointer, `FormatDateTime([x], "${constantText(args[1]) ?? '…'}", …) has 3 arguments; the app reference's form is (source, dateTimeStyles, inputFormat, outputFormat): keep the empty slot.`, mapping);
				}
				break;
			}
			case 'IIF': {
				const condition = args[0];
				if (isCall(condition, 'IsPresent', 'IsNullOrEmpty', 'IsNull') || (condition?.kind === 'comparison' && (isString(condition.left, '') || isString(condition.right, '')))) {
					report('IIF-2', pointer, 'IIF tests for a null or empty attribute, which the reference lists as unsupported in app provisioning; use Switch([x], [x], "", "Other").', mapping);
				}
				break;
			}
			case 'Switch': {
				const count = args.length;
				if (count < 4 || (count - 2) % 2 !== 0) {
					report('SW-1', pointer, `Switch has ${count} arguments; it takes source, default, then key/value pairs (an even number, at least 4).`, mapping);
					break;
				}
				if (isCall(args[0], 'IsPresent', 'IsNull', 'IsNullOrEmpty')) report('SW-2', pointer, `Switch's source is ${(args[0] as {name: string}).name}(…); use the attribute itself with "" as a key.`, mapping);
				const keys = args.filter((_argument, position) => position >= 2 && position % 2 === 0).map(constantText);
				const hasDefault = args[1] !== null && !(isString(args[1], ''));
				const coversFlag = (values: string[]) => values.every((value) => keys.includes(value));
				// Inside IgnoreFlowIfNullOrEmpty no value is the point: FN's own example wraps a Switch with a "" default.
				if (!hasDefault && !keys.includes('') && !coversFlag(['True', 'False']) && !coversFlag(['0', '1']) && !within.has('IgnoreFlowIfNullOrEmpty')) {
					report('SW-NULL', pointer, 'Switch has no default value and no "" key: input that matches no key (or is empty) gives no value, so the target keeps its old value.', mapping);
				}
				break;
			}
			case 'Item':
				if (constantText(args[1]) === '0') report('ITEM-1', pointer, 'Item([…], 0): Item counts from 1.', mapping);
				break;
			case 'DateAdd':
			case 'DateDiff': {
				const interval = constantText(args[0]);
				if (interval !== undefined && !(dateIntervals as readonly string[]).includes(interval)) {
					report('DATE-1', pointer, `${node.name} interval "${interval}" is not one of ${dateIntervals.join(', ')} (n is minutes, m months).`, mapping);
				}
				break;
			}
			case 'RandomString': {
				const numbers = args.slice(0, 5).map((argument) => Number(constantText(argument)));
				const [length, ...minimums] = numbers as [number, ...number[]];
				const sum = minimums.reduce((total, each) => total + (Number.isFinite(each) ? each : 0), 0);
				if (Number.isFinite(length) && (length > 256 || length < sum)) {
					report('RAND-1', pointer, `RandomString length ${length} ${length > 256 ? 'is more than 256' : `is less than the sum of its minimums (${sum})`}.`, mapping);
				}
				break;
			}
		}
	});
}

function lintScope(objectMapping: ObjectMappingNode, report: Report): void {
	const scope = objectMapping.model.scope;
	if (!scope || typeof scope !== 'object') return;
	const sourceObject = objectMapping.sourceObject;
	for (const set of ['groups', 'inputFilterGroups', 'categoryFilterGroups'] as const) {
		const groups = scope[set];
		if (!Array.isArray(groups)) continue;
		groups.forEach((group, groupIndex) => {
			const clauses = group && Array.isArray(group.clauses) ? group.clauses : [];
			clauses.forEach((clause, clauseIndex) => {
				if (!clause || typeof clause !== 'object') return;
				const pointer = `${objectMapping.pointer}/scope/${set}/${groupIndex}/clauses/${clauseIndex}`;
				const attribute = typeof clause.sourceOperandName === 'string' ? clause.sourceOperandName : '';
				const operator = typeof clause.operatorName === 'string' ? clause.operatorName : '';
				const definition = sourceObject?.attribute(attribute)?.model;
				const where = `scoping clause ${attribute} ${operator}`;
				if (/^(is)?memberof$|^members$/i.test(attribute) || /memberof/i.test(operator)) {
					report('SCOPE-2', pointer, `${where}: there is no IsMemberOf filter or filter on membership; assign the group to the app (scope "assigned users and groups") instead.`);
					return;
				}
				if (unsupportedScopingAttributes.has(attribute.toLowerCase()) || definition?.type === 'DateTime') {
					report('SCOPE-1', pointer, `${where}: ${attribute} is not supported in scoping filters (appRoleAssignments, userType, manager and date attributes are not).`);
				}
				if (definition?.multivalued === true) report('SCOPE-3', pointer, `${where}: ${attribute} is multi-valued, and scoping filters cannot use multi-valued attributes.`);
				if (operator === 'Greater_Than' || operator === 'Greater_Than_OR_EQUALS') {
					const values = Array.isArray(clause.targetOperand?.values) ? clause.targetOperand.values : [];
					const notInteger = values.find((value) => !/^-?\d+$/.test(String(value).trim()));
					if (notInteger !== undefined) report('SCOPE-4', pointer, `${where}: "${notInteger}" is not an integer; ${operator} compares integers.`);
					else if (definition?.type !== undefined && definition.type !== 'Integer') report('SCOPE-4', pointer, `${where}: ${attribute} is ${definition.type}, not Integer; ${operator} compares integers.`);
				}
			});
		});
	}
}

/** Findings per attribute mapping pointer, for `!`/`✗` beside each mapping in a list. */
export function findingsByMapping(findings: readonly LintFinding[]): Map<string, LintFinding[]> {
	const result = new Map<string, LintFinding[]>();
	for (const finding of findings) {
		if (!finding.mappingPointer) continue;
		result.set(finding.mappingPointer, [...(result.get(finding.mappingPointer) ?? []), finding]);
	}
	return result;
}
