/** An object mapping's scoping filter, clause by clause in words. */
import {sanitizeForTerminal as clean} from '../../terminal/sanitize.js';
import {memo, row, scopeEntries} from '../rows.js';
import type {ScopeFrame} from '../state.js';
import {askRemoveClause, startClause} from '../editing.js';
import {navigation, refindNode, type ScreenKind, schemaWide, withPending} from './types.js';

export const scopeScreen: ScreenKind<ScopeFrame> = {
	title: (frame) =>
		withPending(`Scoping filter  ${clean(frame.node.mapping.sourceObjectName || '(none)')} → ${clean(frame.node.mapping.targetObjectName ?? '?')}`, frame),
	crumb: () => 'scoping filter',
	commands: () => [...navigation, 'open', 'addItem', 'removeItem', ...schemaWide],
	columns: () => [
		{title: 'Filter group', weight: 1, min: 12, max: 40},
		{title: 'Clause', weight: 3, min: 20},
	],
	rowInFull: (frame, index, readOnly) => {
		const entry = scopeEntries(frame.node)[index];
		if (!entry) return undefined;
		return {title: 'Scoping filter row', lines: [`Filter group: ${entry.group}`, `Clause: ${entry.text}`], enterDoes: readOnly || !entry.clausePointer ? undefined : 'edits this clause'};
	},
	rows: (frame) =>
		memo(frame.kind, frame.node, () => scopeEntries(frame.node).map((entry, index) => row(`${entry.clausePointer ?? entry.set}:${index}`, index, [entry.group, entry.text]))),
	withContext: (frame, context) => refindNode(frame, context, (node) => node.kind === 'objectMapping'),
	editTarget: (frame) => ({objectMapping: frame.node}),
	// Enter edits the selected clause, a adds one (to the selected group), D removes the selected clause.
	enter: (state, frame, index) => (state.readOnly ? state : startClause(state, frame, 'edit', index)),
	add: (state, frame, index) => startClause(state, frame, 'add', index),
	remove: askRemoveClause,
	textFields: true,
};
