/**
 * One user action → one Edit: guarded JSON Patch operations plus words for the pending-changes view. Builders are
 * pure functions of the working document; they refuse (UserError, one line) what Graph would reject outright:
 * a target mapped twice, a target the target object does not define, an enum in the wrong case, a malformed value.
 * Everything else (missing source attributes, unknown functions…) is for validateSchema to report.
 */
import type {Operation} from 'fast-json-patch';
import {UserError} from '../errors.js';
import {parseExpressionText, toMappingSource} from '../expressions/parser.js';
import {parseExpression} from '../schema/expression.js';
import {checkSchemaShape, SchemaFileError} from '../schema/load.js';
import {buildSchemaIndex} from '../schema/navigation.js';
import {parsePointer, resolvePointer} from '../schema/pointer.js';
import {
	type AttributeMapping,
	type AttributeMappingSource,
	type FilterClause,
	type FilterGroup,
	flowBehaviors,
	flowTypes,
	type ObjectMapping,
	objectFlowTypeFlags,
	type SynchronizationRule,
	type SynchronizationSchema,
	sourceTypes,
} from '../schema/types.js';
import {diffOperations} from './diff.js';
import {describeScope} from './plan.js';
import {cloneJson, compactJson, isPlainObject, type JsonObject, jsonEqual, textOf} from './json.js';
import {describeClause, describePointer, describeSource, filterGroupSets, objectMappingLabel} from './labels.js';
import {applyInPlace, guardsFor, type PatchTarget} from './patch.js';

export type Edit = {
	/** Assigned by the WorkingCopy, in order. */
	id: number;
	/** `~ User ← user · mail: [mail] → Join("@", …)`, `+ User ← user · mail ← [mail]`, `- User ← user · mail`. */
	summary: string;
	/** The summary with no value shortened, where the summary shortens one (the changes screen shows it on Enter). */
	full?: string;
	kind: 'add' | 'remove' | 'change';
	/** The node the edit concerns: an attribute mapping, object mapping or scoping clause / group. */
	pointer: string;
	/** `test` guards first, then the change(s). */
	operations: Operation[];
};

export type EditDraft = Omit<Edit, 'id'>;

export type SourceInput =
	| {kind: 'Attribute'; name: string}
	| {kind: 'Constant'; value: string}
	/** `parsed`: the server's parsedExpression for this text, when available (preferred: it is what Graph stores). */
	| {kind: 'Expression'; expression: string; parsed?: AttributeMappingSource}
	| {kind: 'None'};

export type FilterGroupSet = 'groups' | 'inputFilterGroups' | 'categoryFilterGroups';

export const maxExpressionLength = 10_000;

// ---------------------------------------------------------------------------------------------
// Locating nodes

const attributeMappingPattern = /^\/synchronizationRules\/(\d+)\/objectMappings\/(\d+)\/attributeMappings\/(\d+)$/;
const objectMappingPattern = /^\/synchronizationRules\/(\d+)\/objectMappings\/(\d+)$/;
const clausePattern = /^(\/synchronizationRules\/\d+\/objectMappings\/\d+)\/scope\/(groups|inputFilterGroups|categoryFilterGroups)\/(\d+)\/clauses\/(\d+)$/;

type AttributeMappingPlace = {mapping: AttributeMapping; objectMapping: ObjectMapping; objectMappingPointer: string; index: number};

function attributeMappingAt(document: SynchronizationSchema, pointer: string): AttributeMappingPlace {
	const match = attributeMappingPattern.exec(pointer);
	const mapping = match ? resolvePointer(document, pointer) : undefined;
	if (!match || !isPlainObject(mapping)) throw new UserError(`There is no attribute mapping at ${pointer}; reload the list and try again.`);
	const objectMappingPointer = pointer.slice(0, pointer.lastIndexOf('/attributeMappings/'));
	return {
		mapping: mapping as AttributeMapping,
		objectMapping: resolvePointer(document, objectMappingPointer) as ObjectMapping,
		objectMappingPointer,
		index: Number(match[3]),
	};
}

function objectMappingAt(document: SynchronizationSchema, pointer: string): {objectMapping: ObjectMapping; rule: SynchronizationRule} {
	const objectMapping = objectMappingPattern.test(pointer) ? resolvePointer(document, pointer) : undefined;
	if (!isPlainObject(objectMapping)) throw new UserError(`There is no object mapping at ${pointer}; reload the list and try again.`);
	const rule = resolvePointer(document, pointer.slice(0, pointer.lastIndexOf('/objectMappings/'))) as SynchronizationRule;
	return {objectMapping: objectMapping as ObjectMapping, rule};
}

function mappingLabel(place: AttributeMappingPlace): string {
	return `${objectMappingLabel(place.objectMapping)} · ${place.mapping.targetAttributeName}`;
}

/** The target object's attribute names, or a reason they are unknown. */
function targetAttributes(document: SynchronizationSchema, objectMappingPointer: string): {names: Set<string>; objectName: string; directoryName: string} | {reason: string} {
	const node = buildSchemaIndex(document).nodeAt(objectMappingPointer);
	if (node?.kind !== 'objectMapping') return {reason: `there is no object mapping at ${objectMappingPointer}`};
	const directoryName = textOf(node.parent.model.targetDirectoryName ?? '');
	const directory = node.parent.targetDirectory;
	if (!directory) return {reason: `the rule's target directory '${directoryName}' is not in the schema, so the target attributes are unknown`};
	const objectName = textOf(node.model.targetObjectName ?? '');
	const object = node.targetObject;
	if (!object) return {reason: `the target object '${objectName}' is not in directory '${directoryName}', so its attributes are unknown`};
	return {names: new Set(object.attributes.map((attribute) => textOf(attribute.model.name))), objectName, directoryName};
}

function operationFor(document: unknown, path: string, value: unknown): Operation {
	const segments = parsePointer(path)!;
	const parent = resolvePointer(document, path.slice(0, path.lastIndexOf('/')));
	const exists = isPlainObject(parent) && Object.hasOwn(parent, segments.at(-1)!);
	return exists ? {op: 'replace', path, value: cloneJson(value)} : {op: 'add', path, value: cloneJson(value)};
}

function guarded(document: unknown, operation: Operation): Operation[] {
	return [...guardsFor(document, operation), operation];
}

/**
 * Guarded operations that turn the node at `pointer` from `before` into `after`: the identity of every element
 * down to the node, then each change's own guards, computed on a private copy of the node as the changes
 * progress (the document itself is not touched).
 */
function guardedNodeChanges(document: unknown, pointer: string, before: unknown, after: unknown, kind: 'attributeMapping' | 'objectMapping'): Operation[] {
	const ancestors = guardsFor(document, {op: 'add', path: `${pointer}/-`, value: null});
	const scratch: PatchTarget = {document: structuredClone(before)};
	const result: Operation[] = [];
	for (const change of diffOperations(before, after, '', kind)) {
		const own = guardsFor(scratch.document, change).map((test) => ({...test, path: `${pointer}${test.path}`}));
		result.push(...ancestors, ...own, {...change, path: `${pointer}${change.path}`} as Operation);
		applyInPlace(scratch, [change]);
	}
	return result;
}

function formatValue(field: string, value: unknown, maxLength = 40): string {
	if (value === undefined || value === null) return '(none)';
	if (field === 'defaultValue' && typeof value === 'string') return `"${value}"`;
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : compactJson(value, maxLength);
}

/** An enum value exactly as Graph spells it; a wrong-case spelling is refused with the right one. */
function exactEnum(value: unknown, members: readonly string[], what: string): string {
	if (typeof value === 'string' && members.includes(value)) return value;
	const fixed = typeof value === 'string' ? members.find((member) => member.toLowerCase() === value.toLowerCase()) : undefined;
	if (fixed) throw new UserError(`${what} must be written '${fixed}', not '${value}': Graph's enum values are case-sensitive.`);
	throw new UserError(`${what} must be one of ${members.join(', ')} (found ${compactJson(value, 30)}).`);
}

// ---------------------------------------------------------------------------------------------
// Sources

function quoteConstant(value: string): string {
	return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** The attributeMappingSource for what the user entered, shaped like the ones Graph stores. */
export function buildSource(input: SourceInput): AttributeMappingSource | null {
	switch (input.kind) {
		case 'None':
			return null;
		case 'Attribute': {
			const name = input.name.trim();
			if (name === '') throw new UserError('Choose a source attribute.');
			return {expression: `[${name}]`, name, type: 'Attribute', parameters: []};
		}
		case 'Constant':
			return {expression: quoteConstant(input.value), name: input.value, type: 'Constant', parameters: []};
		case 'Expression': {
			const text = input.expression.trim();
			if (text === '') throw new UserError('The expression is empty: enter one, or choose "none" for no source.');
			if (text.length > maxExpressionLength) {
				throw new UserError(`The expression is ${text.length.toLocaleString('en-US')} characters long; Graph accepts at most ${maxExpressionLength.toLocaleString('en-US')}.`);
			}
			// The server's parse is authoritative: use it when there is one.
			if (input.parsed && isPlainObject(input.parsed)) {
				const server = cloneJson(input.parsed);
				if (typeof server.expression !== 'string') server.expression = text;
				return server;
			}
			const parsed = parseExpression(text);
			if (!parsed.ok) throw new UserError(`The expression does not parse: ${parsed.error.message} (at character ${parsed.error.offset + 1}).`);
			const ast = parsed.ast;
			switch (ast.kind) {
				case 'attribute':
					return {expression: text, name: ast.name, type: 'Attribute', parameters: []};
				case 'string':
					return {expression: text, name: ast.value, type: 'Constant', parameters: []};
				case 'number':
				case 'hex':
					// Graph stores numbers as quoted constants (research §5.3).
					return {expression: quoteConstant(String(ast.value)), name: String(ast.value), type: 'Constant', parameters: []};
				case 'call': {
					// Without the server's parse, the whole tree as Graph's parseExpression builds it (research §5.3), so
					// the pending patch, the plan and the PUT carry the same body; the server's tree replaces it when known.
					const local = parseExpressionText(text);
					if (local.ok) return {...toMappingSource(local.node), expression: text};
					return {expression: text, name: ast.name, type: 'Function', parameters: []};
				}
				default:
					throw new UserError('An expression must be a function call, an [attribute] or a "constant".');
			}
		}
	}
}

export function editAttributeMappingSource(document: SynchronizationSchema, mappingPointer: string, source: SourceInput): EditDraft {
	const place = attributeMappingAt(document, mappingPointer);
	const next = buildSource(source);
	const previous = place.mapping.source ?? null;
	if (jsonEqual(previous, next)) throw new UserError(`${mappingLabel(place)} already has this source; nothing to change.`);
	const operation = operationFor(document, `${mappingPointer}/source`, next);
	return {
		kind: 'change',
		pointer: mappingPointer,
		summary: `~ ${mappingLabel(place)}: ${describeSource(previous)} → ${describeSource(next)}`,
		full: `~ ${mappingLabel(place)}: ${describeSource(previous, Number.POSITIVE_INFINITY)} → ${describeSource(next, Number.POSITIVE_INFINITY)}`,
		operations: guarded(document, operation),
	};
}

// ---------------------------------------------------------------------------------------------
// Fields

export type AttributeMappingField = 'defaultValue' | 'flowType' | 'flowBehavior' | 'matchingPriority';

function checkedFieldValue(place: AttributeMappingPlace, field: AttributeMappingField, value: unknown): unknown {
	const what = `${mappingLabel(place)}: ${field}`;
	switch (field) {
		case 'defaultValue':
			if (value !== null && typeof value !== 'string') throw new UserError(`${what} must be text or none.`);
			return value;
		case 'flowType':
			return exactEnum(value, flowTypes, what);
		case 'flowBehavior':
			return exactEnum(value, flowBehaviors, what);
		case 'matchingPriority': {
			const priority = value === null ? 0 : typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
			if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 2_147_483_647) {
				throw new UserError(`${what} must be a whole number: 0 for "not used for matching", 1 for the first matching attribute, 2 for the next…`);
			}
			if (priority > 0) {
				const other = (place.objectMapping.attributeMappings ?? []).find(
					(mapping, index) => index !== place.index && isPlainObject(mapping) && mapping.matchingPriority === priority,
				);
				if (other) throw new UserError(`${what}: priority ${priority} is already used by '${other.targetAttributeName}'; choose another number or change that mapping first.`);
			}
			return priority;
		}
		default:
			throw new UserError(`${String(field)} cannot be edited here.`);
	}
}

export function editAttributeMappingField(
	document: SynchronizationSchema,
	mappingPointer: string,
	field: AttributeMappingField,
	value: string | number | null,
): EditDraft {
	const place = attributeMappingAt(document, mappingPointer);
	const next = checkedFieldValue(place, field, value);
	const previous = place.mapping[field];
	if (jsonEqual(previous ?? null, next) && Object.hasOwn(place.mapping, field)) {
		throw new UserError(`${mappingLabel(place)}: ${field} is already ${formatValue(field, next)}; nothing to change.`);
	}
	const operation = operationFor(document, `${mappingPointer}/${field}`, next);
	return {
		kind: 'change',
		pointer: mappingPointer,
		summary: `~ ${mappingLabel(place)}: ${field} ${formatValue(field, previous)} → ${formatValue(field, next)}`,
		full: `~ ${mappingLabel(place)}: ${field} ${formatValue(field, previous, Number.POSITIVE_INFINITY)} → ${formatValue(field, next, Number.POSITIVE_INFINITY)}`,
		operations: guarded(document, operation),
	};
}

// ---------------------------------------------------------------------------------------------
// Adding and removing attribute mappings

/** Graph's values for the fields a new mapping leaves out, in the order Graph writes them. */
const newMappingDefaults = {
	defaultValue: null,
	exportMissingReferences: false,
	flowBehavior: 'FlowWhenChanged',
	flowType: 'Always',
	matchingPriority: 0,
} as const;

/** Target attributes of the object mapping's target object that no mapping writes yet (for the add picker). */
export function availableTargets(document: SynchronizationSchema, objectMappingPointer: string): string[] {
	const {objectMapping} = objectMappingAt(document, objectMappingPointer);
	const attributes = targetAttributes(document, objectMappingPointer);
	if ('reason' in attributes) return [];
	const mapped = new Set((objectMapping.attributeMappings ?? []).map((mapping) => mapping?.targetAttributeName));
	return [...attributes.names].filter((name) => !mapped.has(name));
}

/** The source object's attribute names (for expression completion); empty when the source object is unknown. */
export function sourceAttributeCandidates(document: SynchronizationSchema, objectMappingPointer: string): string[] {
	const node = buildSchemaIndex(document).nodeAt(objectMappingPointer);
	if (node?.kind !== 'objectMapping') return [];
	return (node.sourceObject?.attributes ?? []).map((attribute) => textOf(attribute.model.name));
}

function checkNewTarget(document: SynchronizationSchema, objectMappingPointer: string, objectMapping: ObjectMapping, target: unknown, ignoreIndex?: number): string {
	const label = objectMappingLabel(objectMapping);
	if (typeof target !== 'string' || target.trim() === '') throw new UserError(`${label}: an attribute mapping needs a target attribute (targetAttributeName).`);
	const existing = (objectMapping.attributeMappings ?? []).findIndex((mapping, index) => index !== ignoreIndex && mapping?.targetAttributeName === target);
	if (existing >= 0) {
		throw new UserError(`'${target}' is already mapped in ${label} (attribute mapping ${existing}): a target can be mapped only once, so change that mapping instead.`);
	}
	const attributes = targetAttributes(document, objectMappingPointer);
	if ('reason' in attributes) throw new UserError(`${label}: cannot add '${target}': ${attributes.reason}.`);
	if (!attributes.names.has(target)) {
		throw new UserError(`'${target}' is not an attribute of ${attributes.objectName} in ${attributes.directoryName}: add it to the target object's attribute definitions first.`);
	}
	return target;
}

function checkMappingEnums(mapping: JsonObject, label: string): void {
	if (mapping.flowType !== undefined) exactEnum(mapping.flowType, flowTypes, `${label}: flowType`);
	if (mapping.flowBehavior !== undefined) exactEnum(mapping.flowBehavior, flowBehaviors, `${label}: flowBehavior`);
	const stack: unknown[] = [mapping.source];
	while (stack.length > 0) {
		const source = stack.pop();
		if (!isPlainObject(source)) continue;
		if (source.type !== undefined) exactEnum(source.type, sourceTypes, `${label}: source type`);
		if (Array.isArray(source.parameters)) for (const parameter of source.parameters) if (isPlainObject(parameter)) stack.push(parameter.value);
	}
}

export function addAttributeMapping(document: SynchronizationSchema, objectMappingPointer: string, mapping: AttributeMapping): EditDraft {
	const {objectMapping} = objectMappingAt(document, objectMappingPointer);
	if (!isPlainObject(mapping)) throw new UserError('An attribute mapping must be a JSON object.');
	const target = checkNewTarget(document, objectMappingPointer, objectMapping, mapping.targetAttributeName);
	const label = `${objectMappingLabel(objectMapping)} · ${target}`;
	checkMappingEnums(mapping, label);
	const value: AttributeMapping = {...newMappingDefaults, ...cloneJson(mapping), targetAttributeName: target};
	if (!Object.hasOwn(value, 'source')) value.source = null;
	const list = objectMapping.attributeMappings;
	const listPointer = `${objectMappingPointer}/attributeMappings`;
	const operation: Operation = Array.isArray(list) ? {op: 'add', path: `${listPointer}/-`, value} : operationFor(document, listPointer, [value]);
	return {
		kind: 'add',
		pointer: `${listPointer}/${Array.isArray(list) ? list.length : 0}`,
		summary: `+ ${label} ← ${describeSource(value.source)}`,
		full: `+ ${label} ← ${describeSource(value.source, Number.POSITIVE_INFINITY)}`,
		operations: guarded(document, operation),
	};
}

export function removeAttributeMapping(document: SynchronizationSchema, mappingPointer: string): EditDraft {
	const place = attributeMappingAt(document, mappingPointer);
	return {
		kind: 'remove',
		pointer: mappingPointer,
		summary: `- ${mappingLabel(place)}`,
		operations: guarded(document, {op: 'remove', path: mappingPointer}),
	};
}

// ---------------------------------------------------------------------------------------------
// Object mappings and scoping filters

export function setObjectMappingEnabled(document: SynchronizationSchema, objectMappingPointer: string, enabled: boolean): EditDraft {
	const {objectMapping} = objectMappingAt(document, objectMappingPointer);
	const label = objectMappingLabel(objectMapping);
	if (objectMapping.enabled === enabled) throw new UserError(`${label} is already ${enabled ? 'enabled' : 'disabled'}; nothing to change.`);
	return {
		kind: 'change',
		pointer: objectMappingPointer,
		summary: `~ ${label}: enabled ${formatValue('enabled', objectMapping.enabled)} → ${enabled}`,
		operations: guarded(document, operationFor(document, `${objectMappingPointer}/enabled`, enabled)),
	};
}

function checkedClause(clause: FilterClause, label: string): FilterClause {
	if (!isPlainObject(clause)) throw new UserError(`${label}: a scoping clause must be a JSON object.`);
	if (typeof clause.sourceOperandName !== 'string' || clause.sourceOperandName.trim() === '') throw new UserError(`${label}: choose the attribute the clause tests.`);
	if (typeof clause.operatorName !== 'string' || clause.operatorName.trim() === '') throw new UserError(`${label}: choose an operator.`);
	const operand = clause.targetOperand;
	if (operand !== null && operand !== undefined) {
		if (!isPlainObject(operand) || !Array.isArray(operand.values) || operand.values.some((value) => typeof value !== 'string')) {
			throw new UserError(`${label}: the clause's values must be a list of text values ({"values": ["…"]}) or null.`);
		}
	}
	return {operatorName: clause.operatorName, sourceOperandName: clause.sourceOperandName, targetOperand: operand ?? null, ...omit(clause, ['operatorName', 'sourceOperandName', 'targetOperand'])};
}

function omit(object: JsonObject, keys: string[]): JsonObject {
	const copy = {...object};
	for (const key of keys) delete copy[key];
	return copy;
}

function uniqueGroupName(groups: readonly (FilterGroup | null)[]): string {
	const names = new Set(groups.map((group) => group?.name));
	for (let number = groups.length + 1; ; number++) if (!names.has(`Group ${number}`)) return `Group ${number}`;
}

export function addScopingClause(
	document: SynchronizationSchema,
	objectMappingPointer: string,
	set: FilterGroupSet,
	groupIndex: number | 'new',
	clause: FilterClause,
	options: {groupName?: string} = {},
): EditDraft {
	const {objectMapping} = objectMappingAt(document, objectMappingPointer);
	const label = objectMappingLabel(objectMapping);
	if (!filterGroupSets.includes(set)) throw new UserError(`${label}: the filter set must be one of ${filterGroupSets.join(', ')}.`);
	const value = checkedClause(clause, label);
	const scope = objectMapping.scope;
	const groups = isPlainObject(scope) && Array.isArray(scope[set]) ? (scope[set] as FilterGroup[]) : undefined;
	const scopePointer = `${objectMappingPointer}/scope`;
	let operation: Operation;
	let groupWords: string;
	let pointer: string;
	if (groupIndex === 'new') {
		const name = options.groupName?.trim() || uniqueGroupName(groups ?? []);
		const group: FilterGroup = {name, clauses: [value]};
		groupWords = `'${name}'`;
		if (!isPlainObject(scope)) {
			const filter: JsonObject = {categoryFilterGroups: [], groups: [], inputFilterGroups: []};
			filter[set] = [group];
			operation = operationFor(document, scopePointer, filter);
			pointer = `${scopePointer}/${set}/0`;
		} else if (!groups) {
			operation = operationFor(document, `${scopePointer}/${set}`, [group]);
			pointer = `${scopePointer}/${set}/0`;
		} else {
			operation = {op: 'add', path: `${scopePointer}/${set}/-`, value: group};
			pointer = `${scopePointer}/${set}/${groups.length}`;
		}
	} else {
		const group = groups?.[groupIndex];
		if (!Number.isInteger(groupIndex) || !isPlainObject(group)) throw new UserError(`${label} has no ${set} group ${groupIndex}; add the clause to a new group instead.`);
		groupWords = typeof group.name === 'string' && group.name !== '' ? `'${group.name}'` : `${groupIndex}`;
		const clauses = group.clauses;
		if (Array.isArray(clauses) && clauses.some((existing) => jsonEqual(existing, value))) {
			throw new UserError(`${label}: the ${set} group ${groupWords} already has the clause ${describeClause(value)}.`);
		}
		const clausesPointer = `${scopePointer}/${set}/${groupIndex}/clauses`;
		operation = Array.isArray(clauses) ? {op: 'add', path: `${clausesPointer}/-`, value} : operationFor(document, clausesPointer, [value]);
		pointer = `${clausesPointer}/${Array.isArray(clauses) ? clauses.length : 0}`;
	}
	return {
		kind: 'add',
		pointer,
		summary: `+ ${label} · scope ${set} ${groupWords}: ${describeClause(value)}`,
		operations: guarded(document, operation),
	};
}

function clauseAt(document: SynchronizationSchema, clausePointer: string) {
	const match = clausePattern.exec(clausePointer);
	const clause = match ? resolvePointer(document, clausePointer) : undefined;
	if (!match || !isPlainObject(clause)) throw new UserError(`There is no scoping clause at ${clausePointer}; reload and try again.`);
	const objectMapping = resolvePointer(document, match[1]!) as ObjectMapping;
	const groupPointer = clausePointer.slice(0, clausePointer.lastIndexOf('/clauses/'));
	const group = resolvePointer(document, groupPointer) as FilterGroup;
	const groupWords = typeof group.name === 'string' && group.name !== '' ? `'${group.name}'` : match[3]!;
	return {clause: clause as FilterClause, label: objectMappingLabel(objectMapping), set: match[2]!, group, groupPointer, groupWords};
}

/** Whether `clause` says exactly what the clause at `clausePointer` already says (then there is nothing to edit). */
export function isUnchangedClause(document: SynchronizationSchema, clausePointer: string, clause: FilterClause): boolean {
	const place = clauseAt(document, clausePointer);
	return jsonEqual(place.clause, checkedClause(clause, place.label));
}

export function editScopingClause(document: SynchronizationSchema, clausePointer: string, clause: FilterClause): EditDraft {
	const place = clauseAt(document, clausePointer);
	const value = checkedClause(clause, place.label);
	if (jsonEqual(place.clause, value)) throw new UserError(`${place.label}: the clause is unchanged; nothing to change.`);
	return {
		kind: 'change',
		pointer: clausePointer,
		summary: `~ ${place.label} · scope ${place.set} ${place.groupWords}: ${describeClause(place.clause)} → ${describeClause(value)}`,
		operations: guarded(document, {op: 'replace', path: clausePointer, value}),
	};
}

/**
 * Removes a clause. Removing a group's last clause removes the group: a group without clauses is true for every
 * object, which would put everyone in scope.
 */
export function removeScopingClause(document: SynchronizationSchema, clausePointer: string): EditDraft {
	const place = clauseAt(document, clausePointer);
	const clauses = place.group.clauses ?? [];
	const last = clauses.length <= 1;
	const path = last ? place.groupPointer : clausePointer;
	return {
		kind: 'remove',
		pointer: path,
		summary: `- ${place.label} · scope ${place.set} ${place.groupWords}: ${describeClause(place.clause)}${last ? ' (and the group, now empty)' : ''}`,
		operations: guarded(document, {op: 'remove', path}),
	};
}

// ---------------------------------------------------------------------------------------------
// Whole nodes ($EDITOR)

/** Wraps a node in a minimal schema so the loader's shape check can judge it, and reports its findings relative to the node. */
function checkNodeShape(value: unknown, wrapperPath: string, wrap: (value: unknown) => unknown): void {
	try {
		checkSchemaShape(wrap(value), 'the edited JSON');
	} catch (error) {
		if (error instanceof SchemaFileError && error.pointer !== undefined && error.pointer.startsWith(wrapperPath)) {
			const at = error.message.indexOf(`${error.pointer} `);
			const what = at >= 0 ? error.message.slice(at + error.pointer.length + 1) : error.message;
			const relative = error.pointer.slice(wrapperPath.length);
			throw new UserError(`The edited JSON is not valid here: ${relative === '' ? 'the value' : relative} ${what}.`);
		}
		throw error;
	}
}

function changedFields(before: JsonObject, after: JsonObject): string[] {
	const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
	return [...keys].filter((key) => !jsonEqual(before[key], after[key]));
}

function checkObjectMappingEnums(objectMapping: JsonObject, label: string): void {
	if (typeof objectMapping.flowTypes === 'string') {
		for (const part of objectMapping.flowTypes.split(',')) exactEnum(part.trim(), objectFlowTypeFlags, `${label}: flowTypes`);
	}
}

/**
 * Replace a whole attribute mapping or object mapping with `value` (the `e` key: the node edited as JSON in
 * $EDITOR). The change is recorded as the smallest set of guarded operations (one per changed field / mapping),
 * so it survives a rebase as well as single edits do.
 */
export function replaceNode(document: SynchronizationSchema, pointer: string, value: unknown): EditDraft {
	if (attributeMappingPattern.test(pointer)) {
		const place = attributeMappingAt(document, pointer);
		if (!isPlainObject(value)) throw new UserError('the edited JSON must be one attribute mapping: an object with "targetAttributeName".');
		const wrapperPath = '/synchronizationRules/0/objectMappings/0/attributeMappings/0';
		checkNodeShape(value, wrapperPath, (node) => ({synchronizationRules: [{objectMappings: [{attributeMappings: [node]}]}]}));
		const label = mappingLabel(place);
		if (value.targetAttributeName !== place.mapping.targetAttributeName) {
			checkNewTarget(document, place.objectMappingPointer, place.objectMapping, value.targetAttributeName, place.index);
		}
		checkMappingEnums(value, label);
		const fields = changedFields(place.mapping, value);
		if (fields.length === 0) throw new UserError(`${label}: the edited JSON is unchanged; nothing to change.`);
		return {
			kind: 'change',
			pointer,
			summary: `~ ${label}: edited as JSON (${fields.join(', ')})`,
			operations: guardedNodeChanges(document, pointer, place.mapping, value, 'attributeMapping'),
		};
	}
	if (objectMappingPattern.test(pointer)) {
		const {objectMapping} = objectMappingAt(document, pointer);
		if (!isPlainObject(value)) throw new UserError('the edited JSON must be one object mapping: an object with "attributeMappings".');
		const wrapperPath = '/synchronizationRules/0/objectMappings/0';
		checkNodeShape(value, wrapperPath, (node) => ({synchronizationRules: [{objectMappings: [node]}]}));
		const label = objectMappingLabel(objectMapping);
		checkObjectMappingEnums(value, label);
		const after = value as ObjectMapping;
		const before = objectMapping.attributeMappings ?? [];
		const seen = new Set<string>();
		const known = new Set(before.map((mapping) => mapping?.targetAttributeName));
		const attributes = targetAttributes(document, pointer);
		for (const mapping of after.attributeMappings ?? []) {
			const target = mapping.targetAttributeName;
			if (seen.has(target)) throw new UserError(`${label}: '${target}' is mapped twice in the edited JSON; a target can be mapped only once.`);
			seen.add(target);
			if (!known.has(target) && 'names' in attributes && !attributes.names.has(target)) {
				throw new UserError(`'${target}' is not an attribute of ${attributes.objectName} in ${attributes.directoryName}: add it to the target object's attribute definitions first.`);
			}
			checkMappingEnums(mapping, `${label} · ${target}`);
		}
		const fields = changedFields(objectMapping, value);
		if (fields.length === 0) throw new UserError(`${label}: the edited JSON is unchanged; nothing to change.`);
		return {
			kind: 'change',
			pointer,
			summary: `~ ${label}: edited as JSON (${fields.join(', ')})`,
			operations: guardedNodeChanges(document, pointer, objectMapping, value, 'objectMapping'),
		};
	}
	throw new UserError(`Only a whole attribute mapping or object mapping can be edited as JSON (not ${describePointer(document, pointer).label}).`);
}

// ---------------------------------------------------------------------------------------------
// Words for any operation (patch files)

/** The pending-view words for one operation, judged on the document as it is before the operation runs. */
export function summarizeOperation(document: SynchronizationSchema, operation: Operation): {summary: string; full?: string; kind: Edit['kind']; pointer: string} {
	const place = describePointer(document, operation.path);
	const kind: Edit['kind'] = operation.op === 'add' ? 'add' : operation.op === 'remove' ? 'remove' : 'change';
	const sign = kind === 'add' ? '+' : kind === 'remove' ? '-' : '~';
	const pointer = place.clause?.pointer ?? place.attributeMapping?.pointer ?? place.filterGroup?.pointer ?? place.objectMapping?.pointer ?? operation.path;
	const old = resolvePointer(document, operation.path);
	const rest = place.rest;
	// Adding a whole attribute mapping: `+ User ← user · mail ← [mail]`.
	if (operation.op === 'add' && /\/attributeMappings\/(\d+|-)$/.test(operation.path) && isPlainObject(operation.value)) {
		const mapping = operation.value as AttributeMapping;
		const ownerPointer = operation.path.slice(0, operation.path.lastIndexOf('/attributeMappings/'));
		const owner = resolvePointer(document, ownerPointer) as ObjectMapping | undefined;
		const position = operation.path.endsWith('/-') ? (owner?.attributeMappings?.length ?? 0) : Number(operation.path.slice(operation.path.lastIndexOf('/') + 1));
		const added = `+ ${objectMappingLabel(owner)} · ${mapping.targetAttributeName} ← `;
		return {kind, pointer: `${ownerPointer}/attributeMappings/${position}`, summary: added + describeSource(mapping.source), full: added + describeSource(mapping.source, Number.POSITIVE_INFINITY)};
	}
	if (operation.op === 'add' && /\/clauses\/(\d+|-)$/.test(operation.path) && isPlainObject(operation.value)) {
		return {kind, pointer: operation.path, summary: `+ ${place.label}: ${describeClause(operation.value)}`};
	}
	const scope = /^(.*\/objectMappings\/\d+)\/scope(?:\/(groups|inputFilterGroups|categoryFilterGroups)(?:\/(\d+|-))?)?$/.exec(operation.path);
	if (scope && operation.op !== 'test' && operation.op !== 'move' && operation.op !== 'copy') {
		const owner = objectMappingLabel(resolvePointer(document, scope[1]!) as ObjectMapping | undefined);
		const value = (operation as {value?: unknown}).value;
		const set = scope[2];
		if (!set) {
			if (operation.op === 'remove') return {kind, pointer: scope[1]!, summary: `- ${owner}: scope ${describeScope(old)}`};
			return {kind: 'change', pointer: scope[1]!, summary: `~ ${owner}: scope ${describeScope(old)} → ${describeScope(value)}`};
		}
		if (!scope[3]) {
			const words = (groups: unknown) => describeScope({[set]: groups});
			return {kind: 'change', pointer: operation.path, summary: `~ ${owner}: scope ${words(old)} → ${words(value)}`};
		}
		if (operation.op === 'add' && isPlainObject(value)) {
			const name = typeof value.name === 'string' && value.name !== '' ? ` '${value.name}'` : '';
			const clauses = Array.isArray(value.clauses) ? value.clauses.map((clause) => describeClause(clause as FilterClause)).join(' AND ') : '';
			return {kind, pointer: operation.path, summary: `+ ${owner} · scope ${set}${name}: ${clauses || '(no clauses)'}`};
		}
	}
	if (operation.op === 'remove') return {kind, pointer, summary: `- ${place.label}`};
	if (operation.op === 'move' || operation.op === 'copy') {
		return {kind, pointer, summary: `~ ${place.label}: ${operation.op} from ${describePointer(document, operation.from).label}`};
	}
	if (operation.op === 'test') return {kind: 'change', pointer, summary: `? ${place.label}: check`};
	const value = (operation as {value?: unknown}).value;
	const field = rest.at(-1);
	if (field === 'source' && rest.length === 1) {
		return {kind: 'change', pointer, summary: `~ ${place.label.replace(/ · source$/, '')}: ${describeSource(old as AttributeMappingSource)} → ${describeSource(value as AttributeMappingSource)}`};
	}
	if (place.clause && rest.length === 0 && operation.op === 'replace') {
		return {kind, pointer, summary: `~ ${place.label.replace(/ · [^·]*$/, '')}: ${describeClause(place.clause.model)} → ${describeClause(value as FilterClause)}`};
	}
	if (field && rest.length === 1) {
		const label = place.label.replace(new RegExp(` · ${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), '');
		return {kind: 'change', pointer, summary: `~ ${label}: ${field} ${formatValue(field, old)} → ${formatValue(field, value)}`};
	}
	return {kind, pointer, summary: `${sign} ${place.label}: ${compactJson(old, 30)} → ${compactJson(value, 30)}`};
}
