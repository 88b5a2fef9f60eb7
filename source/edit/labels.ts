/**
 * Words for places in a schema: `User ← user` for an object mapping, `User ← user · mail` for an attribute mapping,
 * `User ← user · scope inputFilterGroups 'Group 1'` for a scoping group. Strings are returned raw: screens pass
 * them through sanitizeForTerminal before showing them.
 */
import {sourceSummary} from '../schema/expression.js';
import {parsePointer} from '../schema/pointer.js';
import type {AttributeMapping, AttributeMappingSource, FilterClause, ObjectMapping} from '../schema/types.js';
import {compactJson, isPlainObject, type JsonObject, textOf} from './json.js';

export const summaryLength = 40;

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `User ← user` (target ← source), the way admins read a provisioning flow. */
export function objectMappingLabel(mapping: ObjectMapping | JsonObject | undefined): string {
	if (!mapping) return '(object mapping)';
	return `${text(mapping.targetObjectName) ?? '(none)'} ← ${text(mapping.sourceObjectName) ?? '(none)'}`;
}

/** The short form of a mapping source: `[mail]`, `"True"`, `Join("@", …)`, `(none)`. */
export function describeSource(source: AttributeMappingSource | null | undefined, maxLength = summaryLength): string {
	return sourceSummary({targetAttributeName: '', source: source ?? null} as AttributeMapping, maxLength);
}

/**
 * `sAMAccountName NOT EQUALS "SUPPORT_388945a0"`, `isCriticalSystemObject IS FALSE`. Values are quoted as in JSON
 * (as the JSON diff shows them), so a value holding `", "` never reads as two values.
 */
export function describeClause(clause: FilterClause | JsonObject | undefined): string {
	if (!clause) return '(clause)';
	const values = isPlainObject(clause.targetOperand) && Array.isArray(clause.targetOperand.values) ? clause.targetOperand.values : [];
	const operands = values.map((value) => (typeof value === 'string' ? JSON.stringify(value) : compactJson(value, 30))).join(', ');
	return `${textOf(clause.sourceOperandName ?? '?')} ${textOf(clause.operatorName ?? '?')}${operands ? ` ${operands}` : ''}`;
}

export const filterGroupSets = ['groups', 'inputFilterGroups', 'categoryFilterGroups'] as const;

/** Kinds of array elements the schema identifies by name, and the properties that identify them. */
export type ElementKind =
	| 'rule'
	| 'objectMapping'
	| 'attributeMapping'
	| 'filterGroup'
	| 'clause'
	| 'directory'
	| 'object'
	| 'attributeDefinition'
	| 'keyed'
	| 'referencedObject'
	| 'value';

/** What the elements of the array under property `property` are, given the kind of the object holding it. */
export function elementKindOf(property: string, holder: ElementKind | 'schema' | 'other'): ElementKind {
	switch (property) {
		case 'synchronizationRules':
			return 'rule';
		case 'objectMappings':
			return 'objectMapping';
		case 'attributeMappings':
			return 'attributeMapping';
		case 'groups':
		case 'inputFilterGroups':
		case 'categoryFilterGroups':
			return 'filterGroup';
		case 'clauses':
			return 'clause';
		case 'directories':
			return holder === 'schema' ? 'directory' : 'value';
		case 'objects':
			return 'object';
		case 'attributes':
			return 'attributeDefinition';
		case 'metadata':
		case 'parameters':
		case 'apiExpressions':
			return 'keyed';
		case 'referencedObjects':
			return 'referencedObject';
		default:
			return 'value';
	}
}

export const elementNames: Record<ElementKind, string> = {
	rule: 'rule',
	objectMapping: 'object mapping',
	attributeMapping: 'attribute mapping',
	filterGroup: 'filter group',
	clause: 'scoping clause',
	directory: 'directory',
	object: 'object',
	attributeDefinition: 'attribute definition',
	keyed: 'entry',
	referencedObject: 'referenced object',
	value: 'element',
};

/** The properties that identify an element of this kind (only those the element has are used). */
export function identityKeys(kind: ElementKind, element: JsonObject): string[] {
	switch (kind) {
		case 'rule':
			return typeof element.id === 'string' ? ['id'] : ['name'];
		case 'objectMapping':
			return ['sourceObjectName', 'targetObjectName', 'name'];
		case 'attributeMapping':
			return ['targetAttributeName'];
		case 'filterGroup':
		case 'directory':
		case 'object':
		case 'attributeDefinition':
			return ['name'];
		case 'clause':
			return ['operatorName', 'sourceOperandName'];
		case 'keyed':
			return ['key'];
		case 'referencedObject':
			return ['referencedObjectName'];
		default:
			return [];
	}
}

/** How one element reads in a message: `'mail'`, `'user → User'`. */
export function describeElement(kind: ElementKind, element: unknown): string {
	if (!isPlainObject(element)) return compactJson(element, 40);
	switch (kind) {
		case 'objectMapping':
			return `'${objectMappingLabel(element)}'`;
		case 'clause':
			return `'${describeClause(element)}'`;
		default: {
			const key = identityKeys(kind, element).find((name) => element[name] !== undefined);
			return key ? `'${textOf(element[key], 40)}'` : compactJson(element, 40);
		}
	}
}

export type PointerPlace = {
	/** Words for the place: `User ← user · mail · flowType`. */
	label: string;
	/** The deepest rule / object mapping / attribute mapping / group / clause on the way, and the rest below it. */
	objectMapping?: {pointer: string; model: JsonObject};
	attributeMapping?: {pointer: string; model: JsonObject};
	filterGroup?: {pointer: string; set: string; model: JsonObject | undefined};
	clause?: {pointer: string; model: JsonObject | undefined};
	/** Property names after the deepest recognised element, e.g. ['source'] or ['flowType']. */
	rest: string[];
};

/**
 * Describe where a pointer leads in `document` (which should still hold the elements on the way; missing elements
 * are described by position).
 */
export function describePointer(document: unknown, pointer: string): PointerPlace {
	const segments = parsePointer(pointer) ?? [];
	const place: PointerPlace = {label: '', rest: []};
	const words: string[] = [];
	let current: unknown = document;
	let holder: ElementKind | 'schema' | 'other' = 'schema';
	let path = '';
	let rest: string[] = [];
	for (let i = 0; i < segments.length; i++) {
		const segment = segments[i]!;
		path += `/${segment.replaceAll('~', '~0').replaceAll('/', '~1')}`;
		const container = current;
		current = isPlainObject(container) || Array.isArray(container) ? (container as JsonObject)[segment] : undefined;
		const next = segments[i + 1];
		if (Array.isArray(current) && next !== undefined && /^\d+$/.test(next)) {
			const kind = elementKindOf(segment, holder);
			const element: unknown = current[Number(next)];
			const elementPath = `${path}/${next}`;
			const model = isPlainObject(element) ? element : undefined;
			rest = [];
			switch (kind) {
				case 'rule':
					words.length = 0;
					words.push(`rule ${model && typeof model.name === 'string' && model.name !== '' ? model.name : model && typeof model.id === 'string' ? model.id : next}`);
					break;
				case 'objectMapping':
					words.length = 0;
					words.push(model ? objectMappingLabel(model) : `object mapping ${next}`);
					if (model) place.objectMapping = {pointer: elementPath, model};
					break;
				case 'attributeMapping':
					words.push(model && typeof model.targetAttributeName === 'string' ? model.targetAttributeName : `attribute mapping ${next}`);
					if (model) place.attributeMapping = {pointer: elementPath, model};
					break;
				case 'filterGroup': {
					const name = model && typeof model.name === 'string' && model.name !== '' ? ` '${model.name}'` : ` ${next}`;
					words.push(`scope ${segment}${name}`);
					place.filterGroup = {pointer: elementPath, set: segment, model};
					break;
				}
				case 'clause':
					words.push(model ? describeClause(model) : `clause ${next}`);
					place.clause = {pointer: elementPath, model};
					break;
				case 'directory':
				case 'object':
				case 'attributeDefinition':
					if (kind === 'directory') words.length = 0;
					words.push(model && typeof model.name === 'string' ? model.name : `${elementNames[kind]} ${next}`);
					break;
				default:
					rest.push(segment, next);
			}
			current = element;
			holder = kind;
			path = elementPath;
			i++;
			continue;
		}
		if (segment === 'scope' && holder === 'objectMapping') {
			rest = [];
			holder = 'other';
			continue;
		}
		if (filterGroupSets.includes(segment as (typeof filterGroupSets)[number]) && words.at(-1) !== undefined && holder === 'other') {
			rest = [];
			words.push(`scope ${segment}`);
			continue;
		}
		rest.push(segment);
		holder = 'other';
	}
	place.rest = rest;
	const separator = words.length > 0 && segments[0] === 'directories' ? ' › ' : ' · ';
	if (words.length === 0) place.label = pointer === '' ? 'the schema' : pointer;
	else place.label = [words.join(separator), ...(rest.length > 0 ? [rest.join('.')] : [])].join(separator);
	return place;
}
