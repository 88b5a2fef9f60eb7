/** A job's schema: its synchronization rules and directories. */
import {memo, schemaRootRows} from '../rows.js';
import type {SchemaFrame} from '../state.js';
import {listCommands, type ScreenKind, schemaWide, withPending} from './types.js';

export const schemaScreen: ScreenKind<SchemaFrame> = {
	title: (frame) => withPending('Schema', frame),
	crumb: (frame, sourceLabel) => (frame.job ? (frame.job.templateId ?? frame.job.id) : sourceLabel),
	commands: (frame) => (frame.status === 'error' ? ['retry'] : frame.status === 'ready' ? [...listCommands, ...schemaWide, 'history', ...(frame.context?.job ? (['jobStatus'] as const) : [])] : []),
	columns: () => [
		{title: 'Kind', weight: 0, min: 9, max: 9},
		{title: 'Name', weight: 3, min: 12, cut: 'middle'},
		{title: 'Details', weight: 3, min: 10},
		{title: 'Contains', weight: 1, min: 10},
	],
	rows: (frame) => (frame.context ? memo(frame.kind, frame.context.index, () => schemaRootRows(frame.context!.index)) : []),
	open(frame, index) {
		const context = frame.context;
		if (!context) return undefined;
		const {rules, directories} = context.index;
		const rule = rules[index];
		if (rule) return {kind: 'rule', context, node: rule};
		const directory = directories[index - rules.length];
		return directory ? {kind: 'directory', context, node: directory} : undefined;
	},
};
