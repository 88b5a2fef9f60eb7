/**
 * What each screen lists: rows derived from the frame's data (memoised on the data object, so a
 * key press never rebuilds a 20,000-row list), plus the detail lines of the leaf screens.
 */
import {filterSetEffects, type Problem} from '../edit/index.js';
import {decodeJobStatus, jobStatusSummary} from '../loop/job-status.js';
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
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {storedTreeAdvice} from '../schema/stored-tree.js';
import type {FilterClause, SynchronizationJob} from '../schema/types.js';
import type {SchemaContext, SilencedProblem} from './context.js';
import type {Row} from './list.js';
import type {Frame} from './state.js';
import {cellWidth, wrap} from './text.js';

/** `name`: what the row lists (an app, a job's template, a mapping's target…), for filters that name one row. */
export function row(key: string, index: number, cells: string[], name?: string | null): Row {
	const safe = cells.map((cell) => clean(cell));
	const named = name ? {name: clean(name).toLowerCase()} : {};
	return {key, index, cells: safe, search: safe.join(' ').toLowerCase(), ...named};
}

const rowCaches = new Map<Frame['kind'], WeakMap<object, readonly Row[]>>();

/** Rows per screen kind and data object: two screens of one node (a mapping and its scope) list different rows. */
export function memo(kind: Frame['kind'], key: object | undefined, build: () => Row[]): readonly Row[] {
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

export function appRows(apps: readonly AppSummary[]): Row[] {
	return apps.map(({servicePrincipal: sp, jobs, noAccess}, index) => {
		// Graph refused to list this app's jobs (401 UnknownError: a missing permission or role): unknown, not zero.
		if (noAccess !== undefined) return row(sp.id, index, [sp.displayName ?? '(no name)', '?', 'no access', sp.appId ?? ''], sp.displayName);
		const worst = jobs.map((job) => job.status?.code ?? 'Unknown');
		return row(sp.id, index, [sp.displayName ?? '(no name)', String(jobs.length), worstOf(worst), sp.appId ?? ''], sp.displayName);
	});
}

const severity = ['Active', 'NotRun', 'NotConfigured', 'Paused', 'Quarantine'];
function worstOf(codes: string[]): string {
	return codes.reduce((worst, code) => (severity.indexOf(code) > severity.indexOf(worst) || !severity.includes(code) ? code : worst), codes[0] ?? '');
}

/** Per job: state, status in words (quarantine, a running cycle's progress), the last run with its counts, steady state, successive failures. */
export function jobRows(jobs: readonly SynchronizationJob[]): Row[] {
	return jobs.map((job, index) => {
		const view = decodeJobStatus(job);
		const last = view.lastRun;
		return row(job.id, index, [
			job.templateId ?? '',
			view.state,
			jobStatusSummary(view),
			last ? `${last.state} ${shortTime(last.ended ?? last.began)}` : 'never run',
			last ? `${last.imported}/${last.exported}/${last.escrowed}` : '',
			view.steadyStateSince ? 'yes' : 'no',
			String(view.successiveFailures),
			job.id,
		], job.templateId);
	});
}

export function schemaRootRows(index: SchemaIndex): Row[] {
	const rules = index.rules.map((node, position) =>
		row(`rule:${node.pointer}`, position, [
			'Rule',
			node.label,
			`${node.rule.sourceDirectoryName ?? '?'} → ${node.rule.targetDirectoryName ?? '?'}`,
			`${node.objectMappings.length} object mappings`,
		], node.label),
	);
	const directories = index.directories.map((node, position) =>
		row(`dir:${node.pointer}`, index.rules.length + position, [
			'Directory',
			node.label,
			node.directory.readOnly ? 'read-only' : '',
			`${node.objects.length} objects`,
		], node.label),
	);
	return [...rules, ...directories];
}

export function ruleRows(node: RuleNode, context: SchemaContext): Row[] {
	return node.objectMappings.map((mapping, index) =>
		row(mapping.pointer, index, [
			marker(context, mapping.pointer) + mapping.label,
			`${mapping.mapping.sourceObjectName || '(none)'} → ${mapping.mapping.targetObjectName ?? '(none)'}`,
			mapping.mapping.enabled === false ? 'disabled' : 'enabled',
			String(mapping.attributeMappings.length),
		], mapping.mapping.name ?? mapping.label),
	);
}

function flowLabel(mapping: AttributeMappingNode['mapping']): string {
	const type = mapping.flowType ?? 'Always';
	const behavior = mapping.flowBehavior === 'FlowAlways' ? ' (always)' : '';
	return type + behavior;
}

/** ✗ an error, ! a warning, + added, ~ edited, not yet written. */
function marker(context: SchemaContext, pointer: string): string {
	const problems = context.problems.get(pointer);
	if (problems?.some((problem) => problem.severity === 'error')) return '✗ ';
	if (problems && problems.length > 0) return '! ';
	const edits = context.working.edits.filter((edit) => edit.pointer === pointer);
	if (edits.length === 0) return '';
	return edits.some((edit) => edit.kind === 'add') ? '+ ' : '~ ';
}

export function objectMappingRows(node: ObjectMappingNode, context: SchemaContext): Row[] {
	return node.attributeMappings.map((mapping, index) =>
		row(mapping.pointer, index, [
			marker(context, mapping.pointer) + mapping.mapping.targetAttributeName,
			flowLabel(mapping.mapping),
			mapping.mapping.matchingPriority ? String(mapping.mapping.matchingPriority) : '',
			sourceSummary(mapping.mapping, 200),
		], mapping.mapping.targetAttributeName),
	);
}

export function directoryRows(node: DirectoryNode): Row[] {
	return node.objects.map((object, index) => row(object.pointer, index, [object.label, `${object.attributes.length} attributes`], object.label));
}

export function objectRows(node: ObjectDefinitionNode): Row[] {
	return node.attributes.map((attribute, index) => {
		const definition = attribute.attribute;
		const flags = [
			definition.anchor ? 'anchor' : '',
			definition.required ? 'required' : '',
			definition.multivalued ? 'multi' : '',
		]
			.filter(Boolean)
			.join(' ');
		return row(attribute.pointer, index, [definition.name, definition.type ?? 'String', flags, definition.mutability ?? 'ReadWrite'], definition.name);
	});
}

export function backupRows(backups: readonly BackupEntry[]): Row[] {
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

/** Rules a case file's `silence` turned off here: named with the file's reason, so a silenced trap is not invisible. */
function silencedLines(silenced: readonly SilencedProblem[] | undefined): string[] {
	if (!silenced || silenced.length === 0) return [];
	return [
		'Silenced by the case file (--cases)',
		...silenced.map((problem) => `  – ${problem.rule ? `[${clean(problem.rule)}] ` : ''}${clean(problem.message)} — reason: ${clean(problem.reason)}`),
		'',
	];
}

function problemLines(problems: readonly Problem[] | undefined): string[] {
	if (!problems || problems.length === 0) return [];
	return [
		'Problems',
		...problems.flatMap((problem) => [
			`  ${problem.severity === 'error' ? '✗' : '!'} ${clean(problem.message)}${problem.rule ? `  [${clean(problem.rule)}]` : ''}`,
			// The documentation the rule comes from, whole, so it can be copied.
			...(problem.link ? [`    ${clean(problem.link)}`] : []),
		]),
		'',
	];
}

export function attributeMappingLines(node: AttributeMappingNode, context: SchemaContext, columns: number): string[] {
	const mapping = node.mapping;
	const owner = node.parent;
	const kind = sourceKind(mapping);
	const edited = context.working.edits.filter((edit) => edit.pointer === node.pointer || edit.pointer.startsWith(`${node.pointer}/`));
	const lines = [
		...problemLines(context.problems.get(node.pointer)),
		...silencedLines(context.silenced?.get(node.pointer)),
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

export function attributeDefinitionLines(node: AttributeDefinitionNode): string[] {
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

/** Details wrap instead of being cut: a long value (a pointer's index, a message) goes on under its label. */
export function wrapDetails(lines: readonly string[], width: number): string[] {
	const result: string[] = [];
	for (const line of lines) {
		if (cellWidth(line) <= width) {
			result.push(line);
			continue;
		}
		const fieldMatch = /^(\S.{0,18}? +)(\S.*)$/.exec(line);
		const indent = fieldMatch && fieldMatch[1]!.length === labelWidth + 1 ? ' '.repeat(labelWidth + 1) : (/^ */.exec(line)?.[0] ?? '');
		const head = fieldMatch && fieldMatch[1]!.length === labelWidth + 1 ? fieldMatch[1]! : indent;
		const body = line.slice(head.length);
		for (const [index, part] of wrap(body, Math.max(10, width - indent.length)).entries()) result.push((index === 0 ? head : indent) + part);
	}
	return result;
}

/** The text of a leaf screen, wrapped for the current width; memoised per node and width. */
export function detailText(node: AttributeMappingNode | AttributeDefinitionNode, build: () => string[], columns: number): string[] {
	const cached = lineCache.get(node);
	if (cached && cached.columns === columns) return cached.lines;
	const lines = wrapDetails(build(), columns - 2);
	lineCache.set(node, {columns, lines});
	return lines;
}
