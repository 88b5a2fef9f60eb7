/**
 * What each screen lists: rows derived from the frame's data (memoised on the data object, so a
 * key press never rebuilds a 20,000-row list), plus the detail lines of the leaf screens.
 */
import {filterSetEffects, type Problem} from '../edit/index.js';
import type {AppSummary, BackupEntry} from '../explorer/services.js';
import {formatExpression, sourceKind, sourceSummary} from '../schema/expression.js';
import type {
	AttributeDefinitionNode,
	AttributeMappingNode,
	DirectoryNode,
	ObjectDefinitionNode,
	ObjectMappingNode,
	RuleNode,
	SchemaIndex,
} from '../schema/navigation.js';
import {sanitizeForTerminal as clean} from '../schema/sanitize.js';
import {storedTreeAdvice} from '../schema/stored-tree.js';
import type {FilterClause, SynchronizationJob} from '../schema/types.js';
import type {SchemaContext} from './context.js';
import type {Row} from './list.js';
import type {Frame, NodeFrame} from './state.js';
import {type ColumnSpec, wrap} from './text.js';

function row(key: string, index: number, cells: string[]): Row {
	const safe = cells.map((cell) => clean(cell));
	return {key, index, cells: safe, search: safe.join(' ').toLowerCase()};
}

const rowCaches = new Map<Frame['kind'], WeakMap<object, readonly Row[]>>();

/** Rows per screen kind and data object: two screens of one node (a mapping and its scope) list different rows. */
function memo(kind: Frame['kind'], key: object | undefined, build: () => Row[]): readonly Row[] {
	if (!key) return [];
	let cache = rowCaches.get(kind);
	if (!cache) {
		cache = new WeakMap();
		rowCaches.set(kind, cache);
	}
	let rows = cache.get(key);
	if (!rows) {
		rows = build();
		cache.set(key, rows);
	}
	return rows;
}

function yesNo(value: unknown): string {
	return value === true ? 'yes' : value === false ? 'no' : '–';
}

function shortTime(value: unknown): string {
	if (typeof value !== 'string' || value.startsWith('0001-01-01')) return 'never';
	return value.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z');
}

function appRows(apps: readonly AppSummary[]): Row[] {
	return apps.map(({servicePrincipal: sp, jobs, noAccess}, index) => {
		// Graph refused to list this app's jobs (401 UnknownError: a missing permission or role): unknown, not zero.
		if (noAccess !== undefined) return row(sp.id, index, [sp.displayName ?? '(no name)', '?', 'no access', sp.appId ?? '']);
		const worst = jobs.map((job) => job.status?.code ?? 'Unknown');
		return row(sp.id, index, [sp.displayName ?? '(no name)', String(jobs.length), worstOf(worst), sp.appId ?? '']);
	});
}

const severity = ['Active', 'NotRun', 'NotConfigured', 'Paused', 'Quarantine'];
function worstOf(codes: string[]): string {
	return codes.reduce((worst, code) => (severity.indexOf(code) > severity.indexOf(worst) || !severity.includes(code) ? code : worst), codes[0] ?? '');
}

function jobRows(jobs: readonly SynchronizationJob[]): Row[] {
	return jobs.map((job, index) =>
		row(job.id, index, [
			job.templateId ?? '',
			job.status?.code ?? 'Unknown',
			shortTime(job.status?.lastExecution?.timeEnded ?? job.status?.lastExecution?.timeBegan),
			job.schedule?.state ?? '',
			job.id,
		]),
	);
}

function schemaRootRows(index: SchemaIndex): Row[] {
	const rules = index.rules.map((node, position) =>
		row(`rule:${node.pointer}`, position, [
			'Rule',
			node.label,
			`${node.rule.sourceDirectoryName ?? '?'} → ${node.rule.targetDirectoryName ?? '?'}`,
			`${node.objectMappings.length} object mappings`,
		]),
	);
	const directories = index.directories.map((node, position) =>
		row(`dir:${node.pointer}`, index.rules.length + position, [
			'Directory',
			node.label,
			node.directory.readOnly ? 'read-only' : '',
			`${node.objects.length} objects`,
		]),
	);
	return [...rules, ...directories];
}

function ruleRows(node: RuleNode, context: SchemaContext): Row[] {
	return node.objectMappings.map((mapping, index) =>
		row(mapping.pointer, index, [
			marker(context, mapping.pointer) + mapping.label,
			`${mapping.mapping.sourceObjectName || '(none)'} → ${mapping.mapping.targetObjectName ?? '(none)'}`,
			mapping.mapping.enabled === false ? 'disabled' : 'enabled',
			String(mapping.attributeMappings.length),
		]),
	);
}

function flowLabel(mapping: AttributeMappingNode['mapping']): string {
	const type = mapping.flowType ?? 'Always';
	const behavior = mapping.flowBehavior === 'FlowAlways' ? ' (always)' : '';
	return type + behavior;
}

/** ✗ an error, ! a warning, ~ edited and not yet written. */
function marker(context: SchemaContext, pointer: string): string {
	const problems = context.problems.get(pointer);
	if (problems?.some((problem) => problem.severity === 'error')) return '✗ ';
	if (problems && problems.length > 0) return '! ';
	return context.working.edits.some((edit) => edit.pointer === pointer) ? '~ ' : '';
}

function objectMappingRows(node: ObjectMappingNode, context: SchemaContext): Row[] {
	return node.attributeMappings.map((mapping, index) =>
		row(mapping.pointer, index, [
			marker(context, mapping.pointer) + mapping.mapping.targetAttributeName,
			flowLabel(mapping.mapping),
			mapping.mapping.matchingPriority ? String(mapping.mapping.matchingPriority) : '',
			sourceSummary(mapping.mapping, 200),
		]),
	);
}

function directoryRows(node: DirectoryNode): Row[] {
	return node.objects.map((object, index) => row(object.pointer, index, [object.label, `${object.attributes.length} attributes`]));
}

function objectRows(node: ObjectDefinitionNode): Row[] {
	return node.attributes.map((attribute, index) => {
		const definition = attribute.attribute;
		const flags = [
			definition.anchor ? 'anchor' : '',
			definition.required ? 'required' : '',
			definition.multivalued ? 'multi' : '',
		]
			.filter(Boolean)
			.join(' ');
		return row(attribute.pointer, index, [definition.name, definition.type ?? 'String', flags, definition.mutability ?? 'ReadWrite']);
	});
}

/** The rows a list screen shows, in order. */
export function frameRows(frame: Frame): readonly Row[] {
	switch (frame.kind) {
		case 'apps':
			return memo(frame.kind, frame.apps, () => appRows(frame.apps ?? []));
		case 'jobs':
			return memo(frame.kind, frame.app.jobs, () => jobRows(frame.app.jobs));
		case 'schema':
			return memo(frame.kind, frame.context?.index, () => schemaRootRows(frame.context!.index));
		case 'rule':
			return memo(frame.kind, frame.node, () => ruleRows(frame.node as RuleNode, frame.context));
		case 'objectMapping':
			return memo(frame.kind, frame.node, () => objectMappingRows(frame.node as ObjectMappingNode, frame.context));
		case 'scope':
			return memo(frame.kind, frame.node, () => scopeEntries(frame.node as ObjectMappingNode).map((entry, index) => row(`${entry.clausePointer ?? entry.set}:${index}`, index, [entry.group, entry.text])));
		case 'changes':
			return memo(frame.kind, frame.context, () => frame.context.working.edits.map((edit, index) => row(String(edit.id), index, [edit.summary])));
		case 'backups':
			return memo(frame.kind, frame.backups, () => backupRows(frame.backups ?? []));
		case 'directory':
			return memo(frame.kind, frame.node, () => directoryRows(frame.node as DirectoryNode));
		case 'object':
			return memo(frame.kind, frame.node, () => objectRows(frame.node as ObjectDefinitionNode));
		default:
			return [];
	}
}

/** Column titles and proportions per list screen. */
export function frameColumns(frame: Frame): ColumnSpec[] {
	switch (frame.kind) {
		case 'apps':
			return [
				{title: 'Application', weight: 3, min: 16},
				{title: 'Jobs', weight: 0, min: 4, max: 4},
				{title: 'Status', weight: 0, min: 10, max: 10},
				{title: 'App id', weight: 1, min: 8, max: 36},
			];
		case 'jobs':
			return [
				{title: 'Template', weight: 2, min: 14},
				{title: 'Status', weight: 0, min: 10, max: 10},
				{title: 'Last run', weight: 0, min: 17, max: 17},
				{title: 'Schedule', weight: 0, min: 8, max: 8},
				{title: 'Job id', weight: 3, min: 12},
			];
		case 'schema':
			return [
				{title: 'Kind', weight: 0, min: 9, max: 9},
				{title: 'Name', weight: 3, min: 12},
				{title: 'Details', weight: 3, min: 10},
				{title: 'Contains', weight: 1, min: 10},
			];
		case 'rule':
			return [
				{title: 'Object mapping', weight: 3, min: 16},
				{title: 'Objects', weight: 2, min: 12},
				{title: 'State', weight: 0, min: 8, max: 8},
				{title: 'Mappings', weight: 0, min: 8, max: 8},
			];
		case 'objectMapping':
			return [
				// Source, the long free text, goes last: rows end where their text ends instead of carrying
				// padding, which is what a moving cursor re-sends over SSH.
				{title: 'Target attribute', weight: 2, min: 14, max: 30},
				{title: 'Flow', weight: 0, min: 14, max: 14},
				{title: 'Match', weight: 0, min: 5, max: 5},
				{title: 'Source', weight: 5, min: 12},
			];
		case 'directory':
			return [
				{title: 'Object', weight: 3, min: 12},
				{title: 'Attributes', weight: 1, min: 12},
			];
		case 'object':
			return [
				{title: 'Attribute', weight: 3, min: 14},
				{title: 'Type', weight: 0, min: 9, max: 9},
				{title: 'Flags', weight: 1, min: 10, max: 24},
				{title: 'Mutability', weight: 0, min: 10, max: 10},
			];
		case 'scope':
			return [
				{title: 'Filter group', weight: 1, min: 12, max: 40},
				{title: 'Clause', weight: 3, min: 20},
			];
		case 'changes':
			return [{title: 'Pending edit (u undoes the last, D the selected one)', weight: 1, min: 20}];
		case 'backups':
			return [
				{title: 'Saved', weight: 0, min: 20, max: 20},
				{title: 'Version', weight: 1, min: 10},
				{title: 'File', weight: 2, min: 10},
			];
		default:
			return [{title: 'Field', weight: 0, min: 20, max: 20}, {title: 'Value', weight: 1, min: 10}];
	}
}

function backupRows(backups: readonly BackupEntry[]): Row[] {
	return backups.map((backup, index) =>
		row(backup.path, index, [backup.createdAt.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'), backup.version ?? '', backup.path]),
	);
}

export type ScopeEntry = {
	set: 'groups' | 'inputFilterGroups' | 'categoryFilterGroups';
	groupIndex: number | 'new';
	group: string;
	clausePointer?: string;
	clause?: FilterClause;
	text: string;
};

/** The same words the plan's warnings use (Microsoft's filter resource type). */
const setNotes = {
	groups: filterSetEffects.groups.hint,
	inputFilterGroups: filterSetEffects.inputFilterGroups.hint,
	categoryFilterGroups: filterSetEffects.categoryFilterGroups.hint,
} as const;

/** A clause in words: `department EQUALS "Sales", "Marketing"`; one value unquoted (`ENDS_WITH OU=Cloud,DC=x`). */
export function clauseText(clause: FilterClause): string {
	const values = clause.targetOperand?.values ?? [];
	// Values may hold commas: several are quoted so where one ends stays visible.
	const shown = values.length === 1 ? values[0] : values.map((value) => `"${value}"`).join(', ');
	return `${clause.sourceOperandName} ${clause.operatorName}${values.length > 0 ? ` ${shown}` : ''}`;
}

/**
 * The scoping filter as rows: each clause, plus an "(empty)" row per set so a first clause can be
 * added. Within a group all clauses must hold; any group of a set may hold.
 */
export function scopeEntries(node: ObjectMappingNode): ScopeEntry[] {
	const scope = node.mapping.scope ?? {};
	const entries: ScopeEntry[] = [];
	for (const set of ['groups', 'inputFilterGroups', 'categoryFilterGroups'] as const) {
		const groups = scope[set] ?? [];
		groups.forEach((group, groupIndex) => {
			const name = `${set}[${groupIndex}] ${group.name ?? ''}`.trim();
			(group.clauses ?? []).forEach((clause, clauseIndex) => {
				entries.push({
					set,
					groupIndex,
					group: name,
					clausePointer: `${node.pointer}/scope/${set}/${groupIndex}/clauses/${clauseIndex}`,
					clause,
					text: `${clauseIndex > 0 ? 'AND ' : ''}${clauseText(clause)}`,
				});
			});
		});
		if (groups.length === 0 && set !== 'categoryFilterGroups') {
			entries.push({set, groupIndex: 'new', group: set, text: `(no filter — ${setNotes[set]}; a adds a clause)`});
		}
	}
	return entries;
}

/** Where Enter on a row of a schema screen leads. */
export function openRow(frame: Frame, index: number): Omit<NodeFrame, 'id' | 'list'> | undefined {
	if (frame.kind === 'scope' || frame.kind === 'changes' || frame.kind === 'backups' || frame.kind === 'plan') return undefined;
	if (frame.kind === 'schema') {
		const context = frame.context;
		if (!context) return undefined;
		const {rules, directories} = context.index;
		const rule = rules[index];
		if (rule) return {kind: 'rule', context, node: rule};
		const directory = directories[index - rules.length];
		return directory ? {kind: 'directory', context, node: directory} : undefined;
	}
	if (frame.kind === 'jobs' || frame.kind === 'apps' || frame.kind === 'signIn') return undefined;
	const {context} = frame;
	switch (frame.kind) {
		case 'rule': {
			const node = (frame.node as RuleNode).objectMappings[index];
			return node && {kind: 'objectMapping', context, node};
		}
		case 'objectMapping': {
			const node = (frame.node as ObjectMappingNode).attributeMappings[index];
			return node && {kind: 'attributeMapping', context, node};
		}
		case 'directory': {
			const node = (frame.node as DirectoryNode).objects[index];
			return node && {kind: 'object', context, node};
		}
		case 'object': {
			const node = (frame.node as ObjectDefinitionNode).attributes[index];
			return node && {kind: 'attribute', context, node};
		}
		default:
			return undefined;
	}
}

/** The label a frame contributes to the breadcrumb. */
export function crumb(frame: Frame, sourceLabel: string): string | undefined {
	switch (frame.kind) {
		case 'signIn':
			return undefined;
		case 'apps':
			return sourceLabel;
		case 'jobs':
			return frame.app.servicePrincipal.displayName ?? frame.app.servicePrincipal.id;
		case 'schema':
			return frame.job ? (frame.job.templateId ?? frame.job.id) : sourceLabel;
		case 'scope':
			return 'scoping filter';
		case 'changes':
			return 'pending changes';
		case 'backups':
			return 'backups';
		case 'plan':
			return 'plan';
		default:
			return frame.node.label;
	}
}

const labelWidth = 19;
function field(label: string, value: string): string {
	return `${label.padEnd(labelWidth)} ${clean(value)}`;
}

function show(value: unknown): string {
	if (value === null) return 'null';
	if (value === undefined) return '(not set)';
	if (typeof value === 'string') return value === '' ? '""' : value;
	return JSON.stringify(value);
}

function otherProperties(object: Record<string, unknown>, known: readonly string[]): string[] {
	const extra = Object.keys(object).filter((key) => !known.includes(key));
	if (extra.length === 0) return [];
	return ['', 'Other properties', ...extra.map((key) => field(`  ${key}`, truncateJson(object[key])))];
}

function truncateJson(value: unknown): string {
	const text = show(value);
	return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

function problemLines(problems: readonly Problem[] | undefined): string[] {
	if (!problems || problems.length === 0) return [];
	return ['Problems', ...problems.map((problem) => `  ${problem.severity === 'error' ? '✗' : '!'} ${clean(problem.message)}`), ''];
}

function attributeMappingLines(node: AttributeMappingNode, context: SchemaContext, columns: number): string[] {
	const mapping = node.mapping;
	const owner = node.parent;
	const kind = sourceKind(mapping);
	const edited = context.working.edits.filter((edit) => edit.pointer === node.pointer || edit.pointer.startsWith(`${node.pointer}/`));
	const lines = [
		...problemLines(context.problems.get(node.pointer)),
		...(edited.length > 0 ? [`Edited (not written yet): ${edited.map((edit) => clean(edit.summary)).join('; ')}`, ''] : []),
		field('Target attribute', mapping.targetAttributeName),
		field('Target object', `${owner.mapping.targetObjectName ?? '?'} (${owner.rule.rule.targetDirectoryName ?? '?'})`),
		field('Source type', kind),
	];
	const source = mapping.source;
	if (kind === 'Expression') {
		lines.push('Expression');
		const expression = source?.expression ?? sourceSummary(mapping, 100_000);
		for (const line of formatExpression(expression, {width: Math.max(20, columns - 6)})) lines.push(`  ${clean(line)}`);
		const advice = storedTreeAdvice(source);
		if (advice) lines.push(...wrap(clean(advice), Math.max(20, columns - 2)));
	} else if (kind === 'Attribute') {
		lines.push(field('Source attribute', `[${source?.name ?? ''}]`));
	} else if (kind === 'Constant') {
		lines.push(field('Constant', show(source?.name)));
	}
	lines.push(
		field('Default value', show(mapping.defaultValue)),
		field('flowType', mapping.flowType ?? '(not set)'),
		field('flowBehavior', mapping.flowBehavior ?? '(not set)'),
		field(
			'matchingPriority',
			mapping.matchingPriority ? `${mapping.matchingPriority} (matches objects on this attribute)` : String(mapping.matchingPriority ?? 0),
		),
		field('JSON Pointer', node.pointer),
		...otherProperties(mapping, ['targetAttributeName', 'source', 'defaultValue', 'flowType', 'flowBehavior', 'matchingPriority']),
	);
	return lines;
}

function attributeDefinitionLines(node: AttributeDefinitionNode): string[] {
	const definition = node.attribute;
	const lines = [
		field('Attribute', definition.name),
		field('Object', `${node.parent.label} (${node.parent.parent.label})`),
		field('type', definition.type ?? '(not set)'),
		field('multivalued', yesNo(definition.multivalued)),
		field('mutability', definition.mutability ?? '(not set)'),
		field('required', yesNo(definition.required)),
		field('anchor', yesNo(definition.anchor)),
		field('caseExact', yesNo(definition.caseExact)),
		field('defaultValue', show(definition.defaultValue)),
	];
	for (const reference of definition.referencedObjects ?? []) lines.push(field('references', reference.referencedObjectName));
	for (const entry of definition.metadata ?? []) lines.push(field(`metadata`, `${entry.key} = ${show(entry.value)}`));
	for (const entry of definition.apiExpressions ?? []) lines.push(field(`apiExpression`, `${entry.key} = ${show(entry.value)}`));
	const usage = node.usedBy();
	lines.push('', usage.length === 0 ? 'Not used by any attribute mapping.' : 'Used by attribute mappings');
	for (const use of usage) lines.push(`  ${clean(use.label)}`);
	lines.push('', field('JSON Pointer', node.pointer));
	return lines;
}

const lineCache = new WeakMap<object, {columns: number; lines: string[]}>();

/** The text of a leaf screen, wrapped for the current width; memoised per node and width. */
export function detailLines(frame: NodeFrame, columns: number): string[] {
	const node = frame.node as object;
	const cached = lineCache.get(node);
	if (cached && cached.columns === columns) return cached.lines;
	const lines =
		frame.kind === 'attributeMapping'
			? attributeMappingLines(frame.node as AttributeMappingNode, frame.context, columns)
			: attributeDefinitionLines(frame.node as AttributeDefinitionNode);
	lineCache.set(node, {columns, lines});
	return lines;
}
