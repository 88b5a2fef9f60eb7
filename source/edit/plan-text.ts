/**
 * The one plain-text rendering of a plan, used by `import`, `patch`, `diff` and the explorer's plan screen (and
 * `:restore`): the changes by meaning, the warnings, the checks, the JSON diff (or why it was left out). Every
 * string from the schema is made terminal-safe here; colour is optional.
 */
import {paint} from '../terminal/paint.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {describeScopeChange, type Plan} from './plan.js';
import type {Problem} from './validate.js';

export function pluralize(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Pointers outside attribute mappings, object mappings and definitions (those have their own lines). */
export function otherChangePointers(plan: Plan): string[] {
	return plan.otherChanges.filter((pointer) => !pointer.startsWith('/directories'));
}

/** `1 attribute mapping to add, 2 to change, 0 to remove; 1 object mapping change; …` */
export function planCounts(plan: Plan, verbs: {added: string; changed: string; removed: string} = {added: 'to add', changed: 'to change', removed: 'to remove'}): string {
	const {added, changed, removed} = plan.counts;
	const parts = [`${pluralize(added, 'attribute mapping')} ${verbs.added}, ${changed} ${verbs.changed}, ${removed} ${verbs.removed}`];
	if (plan.scopeChanges.length > 0) parts.push(pluralize(plan.scopeChanges.length, 'scoping-filter change'));
	if (plan.objectMappingChanges.length > 0) parts.push(pluralize(plan.objectMappingChanges.length, 'object mapping change'));
	if (plan.definitionChanges.length > 0) parts.push(pluralize(plan.definitionChanges.length, 'attribute definition change'));
	const other = otherChangePointers(plan).length;
	if (other > 0) parts.push(pluralize(other, 'other change'));
	return parts.join('; ');
}

/** Values longer than this together are shown on two lines (old, new) instead of `old → new`. */
const inlineChangeLength = 100;

/** `~ flowType: Always → ObjectAddOnly`, or for long values (scopes, expressions) the old and new value on lines of their own. */
function fieldChange(head: string, field: string, before: string, after: string, color: boolean): string {
	const [name, old, next] = [clean(field), clean(before), clean(after)];
	if (old.length + next.length <= inlineChangeLength) return `${head}${name}: ${old} → ${next}`;
	const pad = ' '.repeat(head.length - head.trimStart().length + 2);
	return `${head}${name}\n${pad}${paint('-', 'red', color)} ${old}\n${pad}${paint('+', 'green', color)} ${next}`;
}

/**
 * The changes by meaning, one block per object mapping: attribute mappings added (+), removed (-) and changed (~,
 * each field old → new), object-mapping fields such as scope and enabled; then attribute definitions and other
 * changes. Every string is made terminal-safe; lines end with a newline.
 */
export function formatChanges(plan: Plan, options: {color: boolean; indent?: string}): string {
	const indent = options.indent ?? '';
	const lines: string[] = [];
	const mark = {added: paint('+', 'green', options.color), removed: paint('-', 'red', options.color), changed: paint('~', 'yellow', options.color)};
	const groups = new Map<string, {objectMapping: string[]; attributes: string[]}>();
	const group = (label: string) => {
		let found = groups.get(label);
		if (!found) {
			found = {objectMapping: [], attributes: []};
			groups.set(label, found);
		}
		return found;
	};
	for (const change of plan.objectMappingChanges) {
		const text =
			change.field === 'object mapping'
				? `${change.after === 'removed' ? mark.removed : mark.added} object mapping ${change.after === 'removed' ? 'removed' : 'added'}`
				: fieldChange(`${mark.changed} `, change.field, change.before, change.after, options.color);
		group(change.objectMapping).objectMapping.push(text);
	}
	for (const change of plan.scopeChanges) {
		const text = describeScopeChange(change);
		group(change.objectMapping).objectMapping.push(`${mark[change.kind]}${clean(text.slice(1))}`);
	}
	for (const change of plan.changes) {
		const target = clean(change.target);
		const entry = group(change.objectMapping).attributes;
		if (change.kind === 'changed') {
			entry.push(`${mark.changed} ${target}`);
			for (const field of change.fields) entry.push(fieldChange('    ', field.field, field.before || '(absent)', field.after || '(absent)', options.color));
			continue;
		}
		const shown = change.fields.map((field) => `${clean(field.field)} ${clean(change.kind === 'added' ? field.after : field.before)}`).join('; ');
		entry.push(`${change.kind === 'added' ? mark.added : mark.removed} ${target}${shown ? `: ${shown}` : ''}`);
	}
	for (const [label, entries] of groups) {
		lines.push(`Object mapping ${clean(label)}`);
		for (const line of [...entries.objectMapping, ...entries.attributes]) for (const part of line.split('\n')) lines.push(`  ${part}`);
	}
	if (plan.definitionChanges.length > 0) {
		lines.push('Directories and attribute definitions');
		for (const change of plan.definitionChanges) {
			const fields = change.fields.map((field) => `${clean(field.field)}: ${clean(field.before)} → ${clean(field.after)}`).join('; ');
			lines.push(`  ${mark[change.kind]} ${clean(change.path)}${fields ? `: ${fields}` : ''}`);
		}
	}
	const other = otherChangePointers(plan);
	if (other.length > 0) {
		lines.push('Other changes');
		for (const pointer of other) {
			lines.push(`  ${mark.changed} ${clean(pointer)}`);
			const scope = plan.containerScopeChanges.find((change) => change.pointer === pointer);
			if (!scope) continue;
			const what = scope.field === 'containerFilter' ? 'OU' : 'group';
			// Whole entries on lines of their own: a distinguished name is what the admin checks and copies.
			for (const entry of scope.added) lines.push(`      ${mark.added} ${what} into scope: ${clean(entry)}`);
			for (const entry of scope.removed) lines.push(`      ${mark.removed} ${what} out of scope (its objects may be deleted in Microsoft Entra ID): ${clean(entry)}`);
			if (scope.added.length + scope.removed.length === 0) lines.push(`      the same ${what}s, written differently`);
		}
	}
	return lines.map((line) => `${indent}${line}\n`).join('');
}

/** A plan's change lists as plain JSON (for `--json` and `diff --format json`). */
export function planJson(plan: Plan) {
	return {
		counts: plan.counts,
		scopingChanged: plan.scopingChanged,
		matchingChanged: plan.matchingChanged,
		attributeMappings: plan.changes,
		objectMappings: plan.objectMappingChanges,
		scope: plan.scopeChanges,
		definitions: plan.definitionChanges,
		containerScope: plan.containerScopeChanges,
		other: otherChangePointers(plan),
	};
}

/** More diff lines than this are not printed: the summary above lists every change. */
export const maxDiffLines = 300;

export function formatDiff(plan: Plan, color: boolean): string {
	if (!plan.diff) return plan.diffOmitted ? `${plan.diffOmitted}\n` : '';
	const lines = plan.diff.replace(/\n$/, '').split('\n');
	const shown = lines.slice(0, maxDiffLines).map((line) => {
		const safe = clean(line);
		if (line.startsWith('+++') || line.startsWith('---')) return paint(safe, 'bold', color);
		if (line.startsWith('+')) return paint(safe, 'green', color);
		if (line.startsWith('-')) return paint(safe, 'red', color);
		if (line.startsWith('@@')) return paint(safe, 'dim', color);
		return safe;
	});
	if (lines.length > maxDiffLines) shown.push(`… ${lines.length - maxDiffLines} more lines of the JSON diff not shown; the summary above lists every change.`);
	return `Diff (JSON)\n${shown.map((line) => `  ${line}`).join('\n')}\n`;
}

export function formatProblems(problems: readonly Problem[], color: boolean): string {
	return problems
		.map((problem) => {
			const mark = problem.severity === 'error' ? paint('✗ error', 'red', color) : paint('! warning', 'yellow', color);
			return `  ${mark}  ${clean(problem.message)}  (${clean(problem.pointer)})\n`;
		})
		.join('');
}

/**
 * Summary, changes, warnings, checks and diff as lines of text (each ending with a newline). `problems` undefined:
 * the checks are left out (e.g. `diff`, or while they run).
 */
export function formatPlanText(
	plan: Plan,
	options: {color: boolean; problems?: readonly Problem[]; expressionsChecked?: number; counts?: boolean; beforeDiff?: string},
): string {
	const {color, problems} = options;
	const checked = options.expressionsChecked ?? 0;
	return [
		options.counts === false ? '' : `${paint('Summary:', 'bold', color)} ${planCounts(plan)}.\n`,
		formatChanges(plan, {color, indent: '  '}),
		`${paint('Warnings:', 'bold', color)}\n${plan.warnings.map((warning) => `  ! ${clean(warning)}\n`).join('')}`,
		problems === undefined
			? ''
			: problems.length > 0
				? `${paint('Checks:', 'bold', color)}\n${formatProblems(problems, color)}`
				: `${paint('Checks:', 'bold', color)} no problems found${checked > 0 ? ` (${pluralize(checked, 'new expression')} checked by Graph's parser)` : ''}.\n`,
		options.beforeDiff ?? '',
		formatDiff(plan, color),
	].join('');
}
