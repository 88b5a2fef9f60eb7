/**
 * The plan (like `terraform plan`): what a write would change, by meaning. Key order is irrelevant; server
 * fields (`version`, `@odata.*`) are ignored; attribute mappings are matched by targetAttributeName, object
 * mappings by rule + source + target object names, directories / objects / attribute definitions by name.
 * Also used by `diff A B`. Strings are raw (screens sanitize them).
 */
import {FILE_HEADERS_ONLY, formatPatch, structuredPatch} from 'diff';
import {sourceSummary} from '../schema/expression.js';
import {escapePointerSegment} from '../schema/pointer.js';
import {storedTreeMismatch} from '../schema/stored-tree.js';
import type {AttributeMapping, SynchronizationSchema} from '../schema/types.js';
import {alignKeyOrder, compactJson, isPlainObject, type JsonObject, jsonEqual, withoutServerFields} from './json.js';
import {describeClause, filterGroupSets, objectMappingLabel} from './labels.js';

export type FieldChange = {field: string; before: string; after: string};

export type MappingChange = {
	kind: 'added' | 'removed' | 'changed';
	/** `User ← user` */
	objectMapping: string;
	/** targetAttributeName */
	target: string;
	fields: FieldChange[];
	/** The mapping's pointer in the new document (in the old one when removed). */
	pointer: string;
};

export type ObjectMappingChange = {objectMapping: string; field: string; before: string; after: string; pointer: string};

/** One scoping-filter change, clause by clause: `+ inputFilterGroups 'Default…': department EQUALS "Sales"`. */
export type ScopeChange = {
	kind: 'added' | 'removed' | 'changed';
	/** `User ← user` */
	objectMapping: string;
	/** groups, inputFilterGroups or categoryFilterGroups */
	set: string;
	/** The group's name in quotes, or its position (`group 2`). */
	group: string;
	/** What changed: a clause, or a whole group (`group`). */
	what: 'clause' | 'group';
	before: string;
	after: string;
	pointer: string;
};

export type DefinitionChange = {
	kind: 'added' | 'removed' | 'changed';
	/** `Azure Active Directory › User › extension_123_costCenter` (directory › object › attribute). */
	path: string;
	pointer: string;
	fields: FieldChange[];
};

/** Cloud sync's rule-level scope: the OUs (containerFilter) or groups (groupFilter) taken into or out of scope. */
export type ContainerScopeChange = {
	/** `/synchronizationRules/0/containerFilter` */
	pointer: string;
	field: 'containerFilter' | 'groupFilter';
	added: string[];
	removed: string[];
};

export type Plan = {
	changes: MappingChange[];
	/** enabled, flowTypes, name, metadata…, and whole object mappings added or removed. */
	objectMappingChanges: ObjectMappingChange[];
	/** Scoping-filter changes of object mappings that exist before and after, clause by clause. */
	scopeChanges: ScopeChange[];
	scopingChanged: boolean;
	/** Cloud sync's rule-level OU / group scope (containerFilter, groupFilter) changed. */
	cloudSyncScopeChanged: boolean;
	/** The same changes OU by OU (group by group), for the lines that say what leaves scope. */
	containerScopeChanges: ContainerScopeChange[];
	matchingChanged: boolean;
	/** Pointers of changes outside attribute and object mappings (rules, directories, top-level fields). */
	otherChanges: string[];
	/** Directories, objects and attribute definitions added, removed or changed. */
	definitionChanges: DefinitionChange[];
	counts: {added: number; removed: number; changed: number};
	/** Plain words about consequences; empty when nothing changes. */
	warnings: string[];
	/**
	 * Mappings whose live stored parse tree holds what its text does not show, and whose new source loses it:
	 * `User ← user · onPremisesUserPrincipalName: the stored parse tree has a constant … editing the text drops it`.
	 */
	droppedFromStoredTrees: string[];
	/** Unified diff of the pretty-printed JSON (4-space indent, 3 lines of context); empty when nothing changes or when omitted. */
	diff: string;
	/** Why `diff` is empty although there are changes (too large to compute quickly). */
	diffOmitted?: string;
	hasChanges: boolean;
};

export type PlanOptions = {
	/** Names in the diff header; default `live` and `edited`. */
	beforeName?: string;
	afterName?: string;
};

/** Text-diff limits: beyond them the semantic summary still lists every change. */
const diffMaxEditLength = 5_000;
const diffTimeoutMs = 1_000;
/** More changes than this and the text diff would exceed diffMaxEditLength anyway: skip it at once. */
const diffMaxChanges = 400;
const contextLines = 3;

// ---------------------------------------------------------------------------------------------
// Values in words

function show(value: unknown, field = ''): string {
	if (value === undefined) return '(absent)';
	if (value === null) return '(none)';
	if (typeof value === 'string') return field === 'defaultValue' ? `"${value}"` : value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return compactJson(value, 200);
}

function showSource(mapping: JsonObject | undefined): string {
	if (!mapping) return '';
	return sourceSummary({targetAttributeName: '', source: (mapping.source ?? null) as AttributeMapping['source']});
}

/** `inputFilterGroups: (a IS TRUE AND b EQUALS "x") OR (…)`; `(no filter)`. */
export function describeScope(scope: unknown): string {
	if (!isPlainObject(scope)) return '(no filter)';
	const parts: string[] = [];
	for (const set of filterGroupSets) {
		const groups = scope[set];
		if (!Array.isArray(groups) || groups.length === 0) continue;
		const text = groups
			.map((group) => {
				const clauses = isPlainObject(group) && Array.isArray(group.clauses) ? group.clauses : [];
				const inner = clauses.map((clause) => describeClause(isPlainObject(clause) ? clause : undefined)).join(' AND ');
				return groups.length > 1 || clauses.length > 1 ? `(${inner || 'always'})` : inner || 'always';
			})
			.join(' OR ');
		parts.push(`${set}: ${text}`);
	}
	return parts.length > 0 ? parts.join('; ') : '(no filter)';
}

// ---------------------------------------------------------------------------------------------
// Matching by identity

type Keyed<T> = {key: string; value: T; index: number};

/** Elements keyed by `keyOf`; the second element with the same key gets `key#2`, and so on (pairs by occurrence). */
function keyed<T>(array: unknown, keyOf: (element: T, index: number) => string): Map<string, Keyed<T>> {
	const result = new Map<string, Keyed<T>>();
	if (!Array.isArray(array)) return result;
	const counts = new Map<string, number>();
	array.forEach((element: T, index) => {
		const base = keyOf(element, index);
		const count = (counts.get(base) ?? 0) + 1;
		counts.set(base, count);
		const key = count === 1 ? base : `${base}#${count}`;
		result.set(key, {key, value: element, index});
	});
	return result;
}

function nameKey(element: unknown, index: number): string {
	return isPlainObject(element) && typeof element.name === 'string' ? element.name : `#${index}`;
}

function ruleKey(rule: unknown, index: number): string {
	if (!isPlainObject(rule)) return `#${index}`;
	if (typeof rule.id === 'string') return `id:${rule.id}`;
	if (typeof rule.name === 'string') return `name:${rule.name}`;
	return `#${index}`;
}

function objectMappingKey(mapping: unknown, index: number): string {
	if (!isPlainObject(mapping)) return `#${index}`;
	return JSON.stringify([mapping.sourceObjectName ?? null, mapping.targetObjectName ?? null]);
}

function attributeMappingKey(mapping: unknown, index: number): string {
	return isPlainObject(mapping) && typeof mapping.targetAttributeName === 'string' ? mapping.targetAttributeName : `#${index}`;
}

// ---------------------------------------------------------------------------------------------

/** Fields of an attribute mapping listed first, in this order; any other field follows. */
const mappingFields = ['source', 'defaultValue', 'flowType', 'flowBehavior', 'matchingPriority', 'exportMissingReferences'];

function mappingFieldChanges(before: JsonObject | undefined, after: JsonObject | undefined): FieldChange[] {
	const keys = new Set([...mappingFields, ...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
	keys.delete('targetAttributeName');
	const fields: FieldChange[] = [];
	for (const field of keys) {
		const old = before?.[field];
		const next = after?.[field];
		if (before && after && jsonEqual(old, next)) continue;
		// A mapping added or removed as a whole: Graph's default values are noise.
		if (!before && isDefault(field, next)) continue;
		if (!after && isDefault(field, old)) continue;
		if (field === 'source') {
			let beforeText = before ? showSource(before) : '';
			const afterText = after ? showSource(after) : '';
			if (before && after && beforeText === afterText) beforeText = `${beforeText} (stored parse tree differs)`;
			fields.push({field, before: beforeText, after: afterText});
		} else {
			fields.push({field, before: before ? show(old, field) : '', after: after ? show(next, field) : ''});
		}
	}
	return fields;
}

/** What the old source's stored tree held beyond its text and the new source no longer has, in words. */
function droppedFromStoredTree(before: unknown, after: unknown): string | undefined {
	if (jsonEqual(before, after)) return undefined;
	const hidden = storedTreeMismatch(before as AttributeMapping['source']);
	if (!hidden) return undefined;
	const kept = new Set(storedTreeMismatch(after as AttributeMapping['source'])?.parts ?? []);
	const lost = hidden.parts.filter((part) => !kept.has(part));
	if (lost.length === 0) return undefined;
	const it = lost.length === 1 ? 'it' : 'them';
	return `the stored parse tree has ${lost.join(', ')} that the expression text does not show; editing the text drops ${it}. To keep ${it}, edit the mapping's JSON (e in the explorer) instead of its text.`;
}

function isDefault(field: string, value: unknown): boolean {
	return value === undefined || value === null || (field === 'matchingPriority' && value === 0) || (field === 'exportMissingReferences' && value === false);
}

const isMatching = (mapping: JsonObject | undefined) => typeof mapping?.matchingPriority === 'number' && mapping.matchingPriority > 0;

export function buildPlan(before: SynchronizationSchema, after: SynchronizationSchema, options: PlanOptions = {}): Plan {
	const from = withoutServerFields(before);
	const to = withoutServerFields(after);
	const plan: Plan = {
		changes: [],
		objectMappingChanges: [],
		scopeChanges: [],
		scopingChanged: false,
		cloudSyncScopeChanged: false,
		containerScopeChanges: [],
		matchingChanged: false,
		otherChanges: [],
		definitionChanges: [],
		counts: {added: 0, removed: 0, changed: 0},
		warnings: [],
		droppedFromStoredTrees: [],
		diff: '',
		hasChanges: false,
	};
	compareTopLevel(from, to, plan);
	compareRules(from, to, plan);
	compareDirectories(from, to, plan);
	// Every difference lands in one of these lists (a mere reordering of named elements is no change).
	plan.hasChanges = plan.changes.length + plan.objectMappingChanges.length + plan.scopeChanges.length + plan.otherChanges.length + plan.definitionChanges.length > 0;
	if (!plan.hasChanges) return plan;
	for (const change of plan.changes) plan.counts[change.kind]++;
	plan.warnings = warningsFor(plan);
	const changeCount = plan.changes.length + plan.objectMappingChanges.length + plan.scopeChanges.length + plan.otherChanges.length;
	const diff =
		changeCount > diffMaxChanges
			? {omitted: `The JSON diff is too large to show (${changeCount.toLocaleString('en-US')} changes); the summary lists every change.`}
			: unifiedDiff(from, to, options.beforeName ?? 'live', options.afterName ?? 'edited');
	if (typeof diff === 'string') plan.diff = diff;
	else plan.diffOmitted = diff.omitted;
	return plan;
}

function compareTopLevel(from: JsonObject, to: JsonObject, plan: Plan): void {
	const keys = new Set([...Object.keys(from), ...Object.keys(to)]);
	for (const key of keys) {
		if (key === 'synchronizationRules' || key === 'directories') continue;
		if (!jsonEqual(from[key], to[key])) plan.otherChanges.push(`/${escapePointerSegment(key)}`);
	}
}

function compareRules(from: JsonObject, to: JsonObject, plan: Plan): void {
	const beforeRules = keyed<JsonObject>(from.synchronizationRules, ruleKey);
	const afterRules = keyed<JsonObject>(to.synchronizationRules, ruleKey);
	for (const [key, rule] of afterRules) {
		const previous = beforeRules.get(key);
		const pointer = `/synchronizationRules/${rule.index}`;
		if (!previous) plan.otherChanges.push(pointer);
		if (isPlainObject(rule.value) && isPlainObject(previous?.value)) {
			for (const field of new Set([...Object.keys(previous.value), ...Object.keys(rule.value)])) {
				if (field === 'objectMappings' || jsonEqual(previous.value[field], rule.value[field])) continue;
				plan.otherChanges.push(`${pointer}/${escapePointerSegment(field)}`);
				// Cloud sync scopes by OU and group here (research §1.6).
				if (field === 'containerFilter' || field === 'groupFilter') {
					plan.scopingChanged = true;
					plan.cloudSyncScopeChanged = true;
					plan.containerScopeChanges.push(containerScopeChange(`${pointer}/${field}`, field, previous.value[field], rule.value[field]));
				}
			}
		}
		compareObjectMappings(previous?.value, rule.value, pointer, previous ? `/synchronizationRules/${previous.index}` : undefined, plan);
	}
	for (const [key, rule] of beforeRules) {
		if (afterRules.has(key)) continue;
		const pointer = `/synchronizationRules/${rule.index}`;
		plan.otherChanges.push(pointer);
		compareObjectMappings(rule.value, undefined, undefined, pointer, plan);
	}
}

/** The entries of `includedContainers` / `includedGroups`, by value: an OU is in scope or not, whatever its position. */
function containerScopeChange(pointer: string, field: 'containerFilter' | 'groupFilter', before: unknown, after: unknown): ContainerScopeChange {
	const list = field === 'containerFilter' ? 'includedContainers' : 'includedGroups';
	const entries = (filter: unknown) => (isPlainObject(filter) && Array.isArray(filter[list]) ? filter[list].map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry))) : []);
	const [old, next] = [entries(before), entries(after)];
	return {pointer, field, added: next.filter((entry) => !old.includes(entry)), removed: old.filter((entry) => !next.includes(entry))};
}

function compareObjectMappings(beforeRule: unknown, afterRule: unknown, afterPointer: string | undefined, beforePointer: string | undefined, plan: Plan): void {
	const beforeMappings = keyed<JsonObject>(isPlainObject(beforeRule) ? beforeRule.objectMappings : undefined, objectMappingKey);
	const afterMappings = keyed<JsonObject>(isPlainObject(afterRule) ? afterRule.objectMappings : undefined, objectMappingKey);
	for (const [key, mapping] of afterMappings) {
		const previous = beforeMappings.get(key);
		const pointer = `${afterPointer}/objectMappings/${mapping.index}`;
		const label = objectMappingLabel(isPlainObject(mapping.value) ? mapping.value : undefined);
		if (!previous) {
			plan.objectMappingChanges.push({objectMapping: label, field: 'object mapping', before: '(none)', after: 'added', pointer});
			if (isPlainObject(mapping.value) && mapping.value.scope) plan.scopingChanged = true;
			compareAttributeMappings(undefined, mapping.value, label, pointer, pointer, plan);
			continue;
		}
		const old = isPlainObject(previous.value) ? previous.value : {};
		const next = isPlainObject(mapping.value) ? mapping.value : {};
		if (!isPlainObject(previous.value) || !isPlainObject(mapping.value)) {
			if (!jsonEqual(previous.value, mapping.value)) plan.otherChanges.push(pointer);
			continue;
		}
		for (const field of new Set([...Object.keys(old), ...Object.keys(next)])) {
			if (field === 'attributeMappings' || jsonEqual(old[field], next[field])) continue;
			if (field === 'scope') {
				plan.scopingChanged = true;
				const changes = scopeChanges(old.scope, next.scope, label, `${pointer}/scope`);
				// Only key order or empty sets differ: still a change of the stored body, said as one.
				if (changes.length === 0) {
					changes.push({kind: 'changed', objectMapping: label, set: 'scope', group: '', what: 'group', before: describeScope(old.scope), after: describeScope(next.scope), pointer: `${pointer}/scope`});
				}
				plan.scopeChanges.push(...changes);
			} else {
				plan.objectMappingChanges.push({objectMapping: label, field, before: show(old[field]), after: show(next[field]), pointer: `${pointer}/${escapePointerSegment(field)}`});
			}
		}
		compareAttributeMappings(old, next, label, pointer, `${beforePointer}/objectMappings/${previous.index}`, plan);
	}
	for (const [key, mapping] of beforeMappings) {
		if (afterMappings.has(key)) continue;
		const pointer = `${beforePointer}/objectMappings/${mapping.index}`;
		const label = objectMappingLabel(isPlainObject(mapping.value) ? mapping.value : undefined);
		plan.objectMappingChanges.push({objectMapping: label, field: 'object mapping', before: 'present', after: 'removed', pointer});
		if (isPlainObject(mapping.value) && mapping.value.scope) plan.scopingChanged = true;
		compareAttributeMappings(mapping.value, undefined, label, pointer, pointer, plan);
	}
}

function groupName(group: unknown, index: number): string {
	return isPlainObject(group) && typeof group.name === 'string' && group.name !== '' ? `'${group.name}'` : `group ${index + 1}`;
}

function clausesOf(group: unknown): JsonObject[] {
	return isPlainObject(group) && Array.isArray(group.clauses) ? group.clauses.map((clause) => (isPlainObject(clause) ? clause : {})) : [];
}

function describeGroup(group: unknown): string {
	const clauses = clausesOf(group);
	return clauses.length > 0 ? clauses.map((clause) => describeClause(clause)).join(' AND ') : '(no clauses: true for every object)';
}

/**
 * Two scoping filters compared clause by clause. Groups are matched by name (else by position); inside a group,
 * clauses equal on both sides are unchanged, a removed and an added clause on the same attribute are one change.
 */
function scopeChanges(before: unknown, after: unknown, label: string, scopePointer: string): ScopeChange[] {
	const result: ScopeChange[] = [];
	for (const set of filterGroupSets) {
		const groupKey = (group: unknown, index: number) => (isPlainObject(group) && typeof group.name === 'string' && group.name !== '' ? `name:${group.name}` : `#${index}`);
		const beforeGroups = keyed<unknown>(isPlainObject(before) ? before[set] : undefined, groupKey);
		const afterGroups = keyed<unknown>(isPlainObject(after) ? after[set] : undefined, groupKey);
		const base = {objectMapping: label, set};
		for (const [key, group] of afterGroups) {
			const pointer = `${scopePointer}/${set}/${group.index}`;
			const previous = beforeGroups.get(key);
			if (!previous) {
				result.push({...base, kind: 'added', group: groupName(group.value, group.index), what: 'group', before: '', after: describeGroup(group.value), pointer});
				continue;
			}
			if (jsonEqual(previous.value, group.value)) continue;
			const removed = clausesOf(previous.value).filter((clause) => !clausesOf(group.value).some((other) => jsonEqual(other, clause)));
			const added = clausesOf(group.value).map((clause, index) => ({clause, index})).filter(({clause}) => !clausesOf(previous.value).some((other) => jsonEqual(other, clause)));
			const name = groupName(group.value, group.index);
			for (const {clause, index} of added) {
				const partner = removed.findIndex((old) => old.sourceOperandName === clause.sourceOperandName);
				const clausePointer = `${pointer}/clauses/${index}`;
				if (partner >= 0) {
					const [old] = removed.splice(partner, 1);
					result.push({...base, kind: 'changed', group: name, what: 'clause', before: describeClause(old), after: describeClause(clause), pointer: clausePointer});
				} else {
					result.push({...base, kind: 'added', group: name, what: 'clause', before: '', after: describeClause(clause), pointer: clausePointer});
				}
			}
			for (const clause of removed) result.push({...base, kind: 'removed', group: name, what: 'clause', before: describeClause(clause), after: '', pointer});
			// Same clauses in another order, or another field of the group (its name is the key): one line.
			if (added.length === 0 && removed.length === 0) {
				result.push({...base, kind: 'changed', group: name, what: 'group', before: describeGroup(previous.value), after: describeGroup(group.value), pointer});
			}
		}
		for (const [key, group] of beforeGroups) {
			if (afterGroups.has(key)) continue;
			result.push({...base, kind: 'removed', group: groupName(group.value, group.index), what: 'group', before: describeGroup(group.value), after: '', pointer: `${scopePointer}/${set}/${group.index}`});
		}
	}
	return result;
}

/** `+ inputFilterGroups 'Default…': department EQUALS "Sales"`, `~ … : old → new`, `- … group: a AND b`. */
export function describeScopeChange(change: ScopeChange): string {
	const mark = {added: '+', removed: '-', changed: '~'}[change.kind];
	const where = change.set === 'scope' ? 'scope' : `scope ${change.set} ${change.group}${change.what === 'group' ? ' (whole group)' : ''}`;
	if (change.kind === 'added') return `${mark} ${where}: ${change.after}`;
	if (change.kind === 'removed') return `${mark} ${where}: ${change.before}`;
	return `${mark} ${where}: ${change.before} → ${change.after}`;
}

function compareAttributeMappings(beforeObject: unknown, afterObject: unknown, label: string, afterPointer: string, beforePointer: string, plan: Plan): void {
	const beforeMappings = keyed<JsonObject>(isPlainObject(beforeObject) ? beforeObject.attributeMappings : undefined, attributeMappingKey);
	const afterMappings = keyed<JsonObject>(isPlainObject(afterObject) ? afterObject.attributeMappings : undefined, attributeMappingKey);
	for (const [key, mapping] of afterMappings) {
		const previous = beforeMappings.get(key);
		const next = isPlainObject(mapping.value) ? mapping.value : undefined;
		const target = typeof next?.targetAttributeName === 'string' ? next.targetAttributeName : key;
		const pointer = `${afterPointer}/attributeMappings/${mapping.index}`;
		if (!previous) {
			plan.changes.push({kind: 'added', objectMapping: label, target, fields: mappingFieldChanges(undefined, next), pointer});
			if (isMatching(next)) plan.matchingChanged = true;
			continue;
		}
		if (jsonEqual(previous.value, mapping.value)) continue;
		const old = isPlainObject(previous.value) ? previous.value : undefined;
		plan.changes.push({kind: 'changed', objectMapping: label, target, fields: mappingFieldChanges(old, next), pointer});
		const dropped = droppedFromStoredTree(old?.source, next?.source);
		if (dropped) plan.droppedFromStoredTrees.push(`${label} · ${target}: ${dropped}`);
		if (!jsonEqual(old?.matchingPriority ?? 0, next?.matchingPriority ?? 0) || (isMatching(next) && !jsonEqual(old?.source, next?.source))) {
			plan.matchingChanged = true;
		}
	}
	for (const [key, mapping] of beforeMappings) {
		if (afterMappings.has(key)) continue;
		const old = isPlainObject(mapping.value) ? mapping.value : undefined;
		const target = typeof old?.targetAttributeName === 'string' ? old.targetAttributeName : key;
		plan.changes.push({kind: 'removed', objectMapping: label, target, fields: mappingFieldChanges(old, undefined), pointer: `${beforePointer}/attributeMappings/${mapping.index}`});
		if (isMatching(old)) plan.matchingChanged = true;
	}
}

function compareDirectories(from: JsonObject, to: JsonObject, plan: Plan): void {
	const beforeDirectories = keyed<JsonObject>(from.directories, nameKey);
	const afterDirectories = keyed<JsonObject>(to.directories, nameKey);
	const compareLevel = (
		beforeList: unknown,
		afterList: unknown,
		afterBase: string,
		beforeBase: string,
		path: string[],
		childKey: 'objects' | 'attributes' | undefined,
	) => {
		const beforeItems = keyed<JsonObject>(beforeList, nameKey);
		const afterItems = keyed<JsonObject>(afterList, nameKey);
		for (const [key, item] of afterItems) {
			const previous = beforeItems.get(key);
			const pointer = `${afterBase}/${item.index}`;
			const names = [...path, key];
			if (!previous) {
				plan.definitionChanges.push({kind: 'added', path: names.join(' › '), pointer, fields: []});
				plan.otherChanges.push(pointer);
				continue;
			}
			if (jsonEqual(previous.value, item.value)) continue;
			const old = isPlainObject(previous.value) ? previous.value : {};
			const next = isPlainObject(item.value) ? item.value : {};
			const fields: FieldChange[] = [];
			for (const field of new Set([...Object.keys(old), ...Object.keys(next)])) {
				if (field === childKey || jsonEqual(old[field], next[field])) continue;
				fields.push({field, before: show(old[field]), after: show(next[field])});
				plan.otherChanges.push(`${pointer}/${escapePointerSegment(field)}`);
			}
			if (fields.length > 0) plan.definitionChanges.push({kind: 'changed', path: names.join(' › '), pointer, fields});
			if (childKey) {
				compareLevel(old[childKey], next[childKey], `${pointer}/${childKey}`, `${beforeBase}/${previous.index}/${childKey}`, names, childKey === 'objects' ? 'attributes' : undefined);
			}
		}
		for (const [key, item] of beforeItems) {
			if (afterItems.has(key)) continue;
			const pointer = `${beforeBase}/${item.index}`;
			plan.definitionChanges.push({kind: 'removed', path: [...path, key].join(' › '), pointer, fields: []});
			plan.otherChanges.push(pointer);
		}
	};
	if (beforeDirectories.size === 0 && afterDirectories.size === 0) return;
	compareLevel(from.directories, to.directories, '/directories', '/directories', [], 'objects');
}

/**
 * What Microsoft documents each filter set does to objects that fall out of it (Graph's filter resource type;
 * docs/graph-notes.md "Scoping filter sets"): the hint beside an empty set and the plan's warning share these words.
 */
export const filterSetEffects = {
	groups: {
		hint: 'objects that fall out of scope are deprovisioned',
		warning:
			'The scoping filter (groups) changes: objects that no longer satisfy it are deprovisioned (disabled or deleted in the target system) unless "skip out of scope deletions" is set.',
	},
	inputFilterGroups: {
		hint: 'experimental, applied when objects are read; objects that fall out are not processed further and not deprovisioned',
		warning:
			'The input filter (inputFilterGroups, experimental) changes: objects it no longer admits are not processed any further, and Microsoft documents that they are not deprovisioned: what was provisioned stays in the target, no longer updated. Objects it newly admits are provisioned.',
	},
	categoryFilterGroups: {
		hint: 'experimental; decides which objects this object mapping processes',
		warning:
			'The category filter (categoryFilterGroups, experimental) changes: it decides which objects this object mapping processes; Microsoft does not document what happens to objects that fall out of it.',
	},
} as const;

/**
 * After a save, as Microsoft's procedure says (cloud sync "Transformations": PUT the schema, then "Restart
 * provisioning"; an empty resetScope on POST …/restart is the same). The write itself does not restart the job.
 */
export const afterSaveAdvice =
	'Next: restart provisioning for this job, as Microsoft\'s procedure for a schema saved through Graph says: "Restart provisioning" in the Microsoft Entra admin center, or POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/restart with an empty resetScope. Then follow the provisioning logs.';

function warningsFor(plan: Plan): string[] {
	const warnings = [
		'Saving replaces the whole schema; it does not restart the job. Microsoft\'s procedure is to restart provisioning after saving: that cycle evaluates every object in scope again, which can take hours in large directories.',
	];
	const sets = new Set(plan.scopeChanges.map((change) => (change.set === 'scope' ? 'groups' : change.set)));
	for (const set of filterGroupSets) if (sets.has(set)) warnings.push(filterSetEffects[set].warning);
	if (plan.cloudSyncScopeChanged) {
		warnings.push(
			'Cloud sync\'s OU or group scope (containerFilter / groupFilter) changes: Microsoft\'s accidental-deletion guidance counts taking an OU out of scope among the changes that delete objects in Microsoft Entra ID.',
		);
	}
	if (plan.scopingChanged && sets.size === 0 && !plan.cloudSyncScopeChanged) {
		warnings.push('An object mapping with a scoping filter is added or removed: check which objects it provisions.');
	}
	for (const dropped of plan.droppedFromStoredTrees) warnings.push(dropped);
	if (plan.matchingChanged) {
		warnings.push('Matching attributes change: accounts already provisioned may no longer be matched, so they can be created a second time or disabled.');
	}
	for (const change of plan.objectMappingChanges) {
		if (change.field === 'enabled' && change.after === 'false') warnings.push(`Object mapping ${change.objectMapping} is disabled: its objects stop being provisioned.`);
		if (change.field === 'enabled' && change.after === 'true') warnings.push(`Object mapping ${change.objectMapping} is enabled: its objects start being provisioned.`);
		if (change.field === 'flowTypes') warnings.push(`Object mapping ${change.objectMapping} now does ${change.after} (was ${change.before}).`);
		if (change.field === 'object mapping' && change.after === 'removed') warnings.push(`Object mapping ${change.objectMapping} is removed: its objects are no longer provisioned.`);
	}
	if (plan.counts.removed > 0) {
		warnings.push(
			`${plan.counts.removed} attribute mapping${plan.counts.removed === 1 ? ' is' : 's are'} removed: those target attributes keep their current values but are no longer updated.`,
		);
	}
	if (plan.definitionChanges.length > 0) {
		warnings.push('Directory or attribute definitions change: map only attributes the connected system really has, or provisioning fails at run time.');
	}
	return warnings;
}

// ---------------------------------------------------------------------------------------------
// Unified diff

const compareBlock = 4096;

/** Where the texts stop being equal, at a line start, `contextLines` lines earlier. */
function commonHead(a: string, b: string): number {
	const shorter = Math.min(a.length, b.length);
	let index = 0;
	// Compare in blocks first: native substring comparison is far faster than a character loop.
	while (index + compareBlock <= shorter && a.slice(index, index + compareBlock) === b.slice(index, index + compareBlock)) index += compareBlock;
	while (index < shorter && a.charCodeAt(index) === b.charCodeAt(index)) index++;
	if (index === a.length && index === b.length) return index;
	let start = a.lastIndexOf('\n', index - 1) + 1;
	for (let line = 0; line < contextLines && start > 0; line++) start = a.lastIndexOf('\n', start - 2) + 1;
	return start;
}

/** How many characters at the end both texts share, as whole lines, less `contextLines` lines. */
function commonTail(a: string, b: string, head: number): number {
	const limit = Math.min(a.length, b.length) - head;
	let length = 0;
	while (length + compareBlock <= limit && a.slice(a.length - length - compareBlock, a.length - length) === b.slice(b.length - length - compareBlock, b.length - length)) {
		length += compareBlock;
	}
	while (length < limit && a.charCodeAt(a.length - 1 - length) === b.charCodeAt(b.length - 1 - length)) length++;
	// The first line break inside the shared part ends the last changed line; the context lines follow it.
	let cut = a.indexOf('\n', a.length - length);
	for (let line = 0; line < contextLines && cut >= 0; line++) cut = a.indexOf('\n', cut + 1);
	return cut < 0 ? 0 : a.length - (cut + 1);
}

function countLines(text: string, end: number): number {
	let count = 0;
	for (let index = text.indexOf('\n'); index >= 0 && index < end; index = text.indexOf('\n', index + 1)) count++;
	return count;
}

function unifiedDiff(from: JsonObject, to: JsonObject, beforeName: string, afterName: string): string | {omitted: string} {
	const oldText = `${JSON.stringify(from, null, 4)}\n`;
	const newText = `${JSON.stringify(alignKeyOrder(to, from), null, 4)}\n`;
	// Only the changed middle goes through the diff algorithm; the shared head and tail are skipped.
	const head = commonHead(oldText, newText);
	if (head === oldText.length && head === newText.length) return '';
	const tail = commonTail(oldText, newText, head);
	const patch = structuredPatch(beforeName, afterName, oldText.slice(head, oldText.length - tail), newText.slice(head, newText.length - tail), undefined, undefined, {
		context: contextLines,
		maxEditLength: diffMaxEditLength,
		timeout: diffTimeoutMs,
	});
	if (!patch) {
		return {omitted: `The JSON diff is too large to show (more than ${diffMaxEditLength.toLocaleString('en-US')} changed lines); the summary lists every change.`};
	}
	const skippedLines = countLines(oldText, head);
	for (const hunk of patch.hunks) {
		hunk.oldStart += skippedLines;
		hunk.newStart += skippedLines;
	}
	return formatPatch(patch, FILE_HEADERS_ONLY);
}
