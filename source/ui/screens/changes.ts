/** The pending edits of a job, in words. */
import {memo, row} from '../rows.js';
import type {ChangesFrame} from '../state.js';
import {navigation, type ScreenKind} from './types.js';

export const changesScreen: ScreenKind<ChangesFrame> = {
	title: () => 'Pending changes',
	crumb: () => 'pending changes',
	commands: () => [...navigation, 'removeItem', 'undo', 'savePatch', 'plan'],
	columns: () => [{title: 'Pending edit (u undoes the last, D the selected one)', weight: 1, min: 20, cut: 'middle'}],
	rows: (frame) => memo(frame.kind, frame.context, () => frame.context.working.edits.map((edit, index) => row(String(edit.id), index, [edit.summary]))),
};
