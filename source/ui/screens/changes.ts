/** The pending edits of a job, in words. */
import {memo, row} from '../rows.js';
import type {ChangesFrame} from '../state.js';
import {undoEdit} from '../editing.js';
import {navigation, type ScreenKind, takeContext} from './types.js';

export const changesScreen: ScreenKind<ChangesFrame> = {
	title: () => 'Pending changes',
	crumb: () => 'pending changes',
	commands: () => [...navigation, 'open', 'removeItem', 'undo', 'savePatch', 'plan'],
	columns: () => [{title: 'Pending edit (u undoes the last, D the selected one)', weight: 1, min: 20, cut: 'middle'}],
	rowInFull: (frame, index) => {
		const edits = frame.context.working.edits;
		const edit = edits[index];
		return edit ? {title: `Pending edit ${index + 1} of ${edits.length}`, lines: [edit.full ?? edit.summary]} : undefined;
	},
	rows: (frame) => memo(frame.kind, frame.context, () => frame.context.working.edits.map((edit, index) => row(String(edit.id), index, [edit.summary]))),
	placeholder: (frame) => (frame.context.working.edits.length === 0 ? {text: 'No pending changes.', tone: 'dim'} : undefined),
	withContext: takeContext,
	// D undoes the selected edit (u the last one).
	remove(state, frame, index) {
		const edit = frame.context.working.edits[index ?? -1];
		return edit ? undoEdit(state, frame.context, edit.id) : state;
	},
};
