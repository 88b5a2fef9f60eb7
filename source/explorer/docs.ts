/**
 * Readable documentation of a schema's mappings (`docs`): per object mapping its objects, whether it is
 * enabled, the scoping filter in words, and each attribute mapping's target, source or expression,
 * default, flow and matching. Rendered as Markdown or CSV; no React, no terminal.
 */
import {sourceKind, sourceSummary} from '../schema/expression.js';
import {buildSchemaIndex} from '../schema/navigation.js';
import {sanitizeForTerminal} from '../terminal/sanitize.js';
import type {AttributeMapping, Filter, FilterClause, FilterGroup, SynchronizationSchema} from '../schema/types.js';

export type DocumentedAttributeMapping = {
	target: string;
	/** Attribute, Constant, Expression or None. */
	sourceType: string;
	/** `[mail]`, `"True"`, the expression text, or empty when there is no source. */
	source: string;
	/** Undefined when not set (null or missing); "" is a real, empty default. */
	defaultValue: string | undefined;
	flowType: string;
	flowBehavior: string;
	/** Greater than 0 for matching attributes (the lowest is tried first). */
	matchingPriority: number;
};

export type FilterSetName = 'inputFilterGroups' | 'groups' | 'categoryFilterGroups';

export type DocumentedFilterSet = {
	set: FilterSetName;
	/** Each group: its name and its clauses in words; a group holds when all its clauses do. */
	groups: {name: string; clauses: string[]}[];
};

export type DocumentedObjectMapping = {
	rule: string;
	sourceDirectory: string;
	targetDirectory: string;
	name: string;
	sourceObject: string;
	targetObject: string;
	enabled: boolean;
	/** Graph's objectFlowTypes flags, e.g. "Add, Update, Delete". */
	flowTypes: string;
	/** Only the filter sets that have groups; empty: every object is in scope. */
	scope: DocumentedFilterSet[];
	/** The scope as one line, e.g. `isCriticalSystemObject IS FALSE AND adminDescription NOT REGEX MATCH ^User_`. */
	scopeText: string;
	attributeMappings: DocumentedAttributeMapping[];
};

export type MappingDocumentation = {
	title: string;
	/** Lines under the title: where the schema came from, its version. */
	facts: string[];
	objectMappings: DocumentedObjectMapping[];
};

// ---------------------------------------------------------------------------------------------
// The scoping filter in words

/** Evaluated first, then the scoping filter proper; in the order a reader should meet them. */
const filterSets: readonly {set: FilterSetName; label: string}[] = [
	{set: 'inputFilterGroups', label: 'input filter'},
	{set: 'groups', label: 'scoping filter'},
	{set: 'categoryFilterGroups', label: 'category filter'},
];

/**
 * A value as written in a clause; quoted only when it would otherwise be invisible or ambiguous: blank, padded, or
 * beside other values or holding the separator ", ", where `a, b` could be one value or two (a
 * distinguished name's bare commas stay readable).
 */
function operandText(value: unknown, listed: boolean): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return listed || text === '' || text !== text.trim() ? JSON.stringify(text) : text;
}

/** A value the file should hold as text but may not (the loader checks only what navigation relies on). */
function textOf(value: unknown): string {
	return typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value);
}

/** `adminDescription NOT REGEX MATCH ^User_`; several values are quoted and listed with commas. */
export function describeClause(clause: FilterClause): string {
	const values = Array.isArray(clause.targetOperand?.values) ? clause.targetOperand.values : [];
	const listed = values.length > 1 || values.some((value) => typeof value === 'string' && value.includes(', '));
	const operand = values.map((value) => operandText(value, listed)).join(', ');
	return [clause.sourceOperandName ?? '?', clause.operatorName ?? '?', operand].filter((part) => part !== '').join(' ');
}

function describeSet(groups: readonly FilterGroup[]): string {
	const described = groups.map((group) => (Array.isArray(group.clauses) ? group.clauses : []).map(describeClause));
	if (described.length === 1) return described[0]!.join(' AND ') || '(no conditions)';
	return described.map((clauses) => `(${clauses.join(' AND ') || 'no conditions'})`).join(' OR ');
}

export function documentFilter(scope: Filter | null | undefined): DocumentedFilterSet[] {
	if (!scope) return [];
	return filterSets.flatMap(({set}) => {
		const groups = Array.isArray(scope[set]) ? (scope[set] as FilterGroup[]).filter((group) => group && typeof group === 'object') : [];
		if (groups.length === 0) return [];
		return [{set, groups: groups.map((group) => ({name: textOf(group.name), clauses: (Array.isArray(group.clauses) ? group.clauses : []).map(describeClause)}))}];
	});
}

/**
 * The whole scope as one line. With one filter set it is just that set's condition: groups joined by OR,
 * clauses by AND. Several sets are labelled: `input filter: …; scoping filter: …`.
 */
export function describeFilter(scope: Filter | null | undefined): string {
	const sets = filterSets.filter(({set}) => Array.isArray(scope?.[set]) && (scope![set] as FilterGroup[]).length > 0);
	if (sets.length === 0) return 'all objects (no scoping filter)';
	if (sets.length === 1) return describeSet(scope![sets[0]!.set] as FilterGroup[]);
	return sets.map(({set, label}) => `${label}: ${describeSet(scope![set] as FilterGroup[])}`).join('; ');
}

// ---------------------------------------------------------------------------------------------
// The model

function documentAttributeMapping(mapping: AttributeMapping): DocumentedAttributeMapping {
	const kind = sourceKind(mapping);
	return {
		target: mapping.targetAttributeName ?? '',
		sourceType: kind,
		source: kind === 'None' ? '' : sourceSummary(mapping),
		defaultValue: typeof mapping.defaultValue === 'string' ? mapping.defaultValue : undefined,
		flowType: textOf(mapping.flowType ?? 'Always'),
		flowBehavior: textOf(mapping.flowBehavior ?? 'FlowWhenChanged'),
		matchingPriority: typeof mapping.matchingPriority === 'number' ? mapping.matchingPriority : 0,
	};
}

export function documentSchema(schema: SynchronizationSchema, options: {title: string; facts?: string[]}): MappingDocumentation {
	const index = buildSchemaIndex(schema);
	const objectMappings = index.rules.flatMap((rule) =>
		rule.objectMappings.map(
			(objectMapping): DocumentedObjectMapping => ({
				rule: rule.label,
				sourceDirectory: rule.model.sourceDirectoryName ?? '',
				targetDirectory: rule.model.targetDirectoryName ?? '',
				name: objectMapping.label,
				sourceObject: objectMapping.model.sourceObjectName ?? '',
				targetObject: objectMapping.model.targetObjectName ?? '',
				enabled: objectMapping.model.enabled !== false,
				flowTypes: objectMapping.model.flowTypes ?? '',
				scope: documentFilter(objectMapping.model.scope),
				scopeText: describeFilter(objectMapping.model.scope),
				attributeMappings: objectMapping.attributeMappings.map((node) => documentAttributeMapping(node.model)),
			}),
		),
	);
	const facts = [...(options.facts ?? [])];
	if (typeof schema.version === 'string' && schema.version !== '') facts.push(`Schema version: ${schema.version}`);
	return {title: options.title, facts, objectMappings};
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** Terminal-safe text (control and invisible characters made visible) on one line. */
function oneLine(text: string): string {
	return sanitizeForTerminal(text);
}

/** Escapes what Markdown would otherwise read as formatting, links or HTML, and table cell separators. */
export function markdownText(text: string): string {
	return oneLine(text).replace(/[\\`*_[\]<>|~#]/g, '\\$&');
}

/** A code span that survives backticks in the text; `|` escaped because GitHub splits table cells on it even in code. */
export function markdownCode(text: string, options: {inTable?: boolean} = {}): string {
	if (text === '') return '(empty)';
	let code = oneLine(text);
	if (options.inTable) code = code.replace(/\|/g, '\\|');
	// A loop, not Math.max(...runs): spreading hundreds of thousands of runs overflows the call stack.
	let longestRun = 0;
	for (const run of code.matchAll(/`+/g)) longestRun = Math.max(longestRun, run[0].length);
	const fence = '`'.repeat(longestRun + 1);
	const pad = code.startsWith('`') || code.endsWith('`') || (code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') ? ' ' : '';
	return `${fence}${pad}${code}${pad}${fence}`;
}

function filterSetLabel(set: FilterSetName): string {
	return filterSets.find((each) => each.set === set)!.label;
}

function markdownScope(mapping: DocumentedObjectMapping): string[] {
	if (mapping.scope.length === 0) return ['Scope: all objects (no scoping filter).'];
	const lines = ['Scope (an object is in scope when it matches any group of a filter; a group matches when all its conditions hold):', ''];
	for (const set of mapping.scope) {
		for (const group of set.groups) {
			const name = group.name ? ` ${markdownCode(group.name)}` : '';
			const conditions = group.clauses.length > 0 ? group.clauses.map((clause) => markdownCode(clause)).join(' AND ') : '(no conditions)';
			lines.push(`- ${filterSetLabel(set.set)} (\`${set.set}\`), group${name}: ${conditions}`);
		}
	}
	return lines;
}

export function renderMarkdown(documentation: MappingDocumentation): string {
	const lines = [`# ${markdownText(documentation.title)}`, ''];
	for (const fact of documentation.facts) lines.push(`- ${markdownText(fact)}`);
	if (documentation.facts.length > 0) lines.push('');
	if (documentation.objectMappings.length === 0) lines.push('This schema has no object mappings.', '');
	let rule: string | undefined;
	for (const mapping of documentation.objectMappings) {
		const ruleHeading = `${mapping.rule} (${mapping.sourceDirectory || '?'} → ${mapping.targetDirectory || '?'})`;
		if (ruleHeading !== rule) {
			rule = ruleHeading;
			lines.push(`## Rule: ${markdownText(ruleHeading)}`, '');
		}
		lines.push(`### ${markdownText(mapping.name)}`, '');
		lines.push(
			`- Objects: ${markdownCode(mapping.sourceObject || '(none)')} → ${markdownCode(mapping.targetObject || '(none)')}`,
			`- ${mapping.enabled ? 'Enabled' : 'Disabled'}; actions: ${markdownText(mapping.flowTypes || '(not set)')}`,
			`- ${mapping.attributeMappings.length} attribute mapping${mapping.attributeMappings.length === 1 ? '' : 's'}`,
			'',
			...markdownScope(mapping),
			'',
		);
		if (mapping.attributeMappings.length === 0) continue;
		lines.push('| Target attribute | Source | Default | Flow type | Flow behavior | Matching |', '| --- | --- | --- | --- | --- | --- |');
		for (const attribute of mapping.attributeMappings) {
			const cells = [
				markdownCode(attribute.target, {inTable: true}),
				attribute.sourceType === 'None' ? '(none)' : markdownCode(attribute.source, {inTable: true}),
				attribute.defaultValue === undefined ? '' : markdownCode(attribute.defaultValue === '' ? '""' : attribute.defaultValue, {inTable: true}),
				markdownText(attribute.flowType),
				markdownText(attribute.flowBehavior),
				attribute.matchingPriority > 0 ? `yes (priority ${attribute.matchingPriority})` : '',
			];
			lines.push(`| ${cells.map((cell) => cell || ' ').join(' | ')} |`);
		}
		lines.push('');
	}
	return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

// ---------------------------------------------------------------------------------------------
// CSV

export const csvColumns = [
	'Rule',
	'Object mapping',
	'Source object',
	'Target object',
	'Enabled',
	'Scope',
	'Target attribute',
	'Source type',
	'Source',
	'Default value',
	'Flow type',
	'Flow behavior',
	'Matching priority',
] as const;

/** Control and invisible characters made visible, line breaks kept (a quoted CSV field may hold them). */
function csvSafe(text: string): string {
	return text
		.split(/\r\n|\r|\n/)
		.map((line) => sanitizeForTerminal(line))
		.join('\n');
}

/**
 * RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. A field that a
 * spreadsheet would run as a formula (starting with =, +, -, @) gets a leading apostrophe, unless it
 * is a plain number (OWASP's advice against CSV injection).
 */
export function csvField(value: string | number | boolean | undefined): string {
	if (value === undefined) return '';
	let text = csvSafe(String(value));
	// Spreadsheets skip leading blanks and line breaks before reading a formula, so look past them too.
	if (/^\s*[=+\-@]/u.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
	return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per attribute mapping (an object mapping without any still gets a row); CRLF between records. */
export function renderCsv(documentation: MappingDocumentation): string {
	const records: string[] = [csvColumns.map(csvField).join(',')];
	for (const mapping of documentation.objectMappings) {
		const common = [mapping.rule, mapping.name, mapping.sourceObject, mapping.targetObject, mapping.enabled ? 'yes' : 'no', mapping.scopeText];
		const attributes: (DocumentedAttributeMapping | undefined)[] = mapping.attributeMappings.length > 0 ? mapping.attributeMappings : [undefined];
		for (const attribute of attributes) {
			const fields = attribute
				? [
						attribute.target,
						attribute.sourceType,
						attribute.source,
						attribute.defaultValue === '' ? '""' : attribute.defaultValue,
						attribute.flowType,
						attribute.flowBehavior,
						attribute.matchingPriority > 0 ? attribute.matchingPriority : '',
					]
				: ['', '', '', '', '', '', ''];
			records.push([...common, ...fields].map(csvField).join(','));
		}
	}
	return `${records.join('\r\n')}\r\n`;
}
