/** A job's backups, for :restore. */
import {backupRows, memo} from '../rows.js';
import type {BackupsFrame} from '../state.js';
import {addTask} from '../state.js';
import {navigation, type ScreenKind, takeContext} from './types.js';

export const backupsScreen: ScreenKind<BackupsFrame> = {
	title: () => 'Backups of this job',
	crumb: () => 'backups',
	commands: (frame) => (frame.status === 'ready' ? [...navigation, 'open'] : []),
	columns: () => [
		{title: 'Saved', weight: 0, min: 20, max: 20},
		{title: 'Version', weight: 1, min: 10},
		{title: 'File', weight: 2, min: 10, cut: 'middle'},
	],
	rowInFull: (frame, index) => {
		const backup = frame.backups?.[index];
		if (!backup) return undefined;
		const row = backupRows([backup])[0]!;
		return {title: 'Backup', lines: ['File:', `Saved: ${row.cells[0]}`, `Version: ${row.cells[1] || '(none)'}`], paths: [backup.path], enterDoes: 'restores it through the plan (you confirm there)'};
	},
	rows: (frame) => memo(frame.kind, frame.backups, () => backupRows(frame.backups ?? [])),
	placeholder(frame) {
		if ((frame.backups?.length ?? 0) > 0) return undefined;
		const text = frame.status === 'error' ? (frame.error ?? 'No backups.') : frame.status === 'loading' ? 'Looking for backups…' : 'No backups of this job yet: one is saved before every write.';
		return {text, tone: 'dim'};
	},
	loadStatus: (frame) => frame.status,
	withContext: takeContext,
	// Enter reads the backup, then its restore plan opens.
	enter(state, frame, index) {
		const backup = index === undefined ? undefined : frame.backups?.[index];
		if (!backup) return state;
		return addTask({...state, message: {kind: 'info', text: 'Reading the backup…'}}, {kind: 'readSchema', path: backup.path, purpose: 'restore', jobKey: frame.context.jobKey});
	},
};
