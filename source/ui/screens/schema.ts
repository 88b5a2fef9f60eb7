/** A job's schema: its synchronization rules and directories. */
import {openHistory} from '../history.js';
import {memo, schemaRootRows} from '../rows.js';
import {replaceTop, type SchemaFrame} from '../state.js';
import {listCommands, loadPlaceholder, type ScreenKind, schemaWide, takeContext, withPending} from './types.js';

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
	loadStatus: (frame) => frame.status,
	load: (frame) => (frame.status === 'loading' ? {kind: 'loadSchema', frameId: frame.id, app: frame.app, job: frame.job} : undefined),
	placeholder: (frame) => loadPlaceholder(frame, 'Loading the schema…'),
	retry: (state, frame) => replaceTop({...state, nextId: state.nextId + 1}, {...frame, id: state.nextId, status: 'loading', error: undefined, context: undefined}),
	// Leaving the job drops its pending edits: asked first.
	back(state, frame) {
		if (!frame.context?.working.hasChanges) return undefined;
		const count = frame.context.working.edits.length;
		return {
			...state,
			modal: {
				kind: 'confirm',
				title: `Leave this job and discard ${count} pending edit${count === 1 ? '' : 's'}?`,
				lines: ['P saves them as a JSON Patch file first.', 'y discards and goes back, n stays.'],
				purpose: {kind: 'discard-and-leave'},
			},
		};
	},
	withContext: takeContext,
	command: (state, frame, command) => (command === 'history' && frame.context ? openHistory(state, frame.context) : undefined),
};
