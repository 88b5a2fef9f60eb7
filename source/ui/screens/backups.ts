/** A job's backups, for :restore. */
import {backupRows, memo} from '../rows.js';
import type {BackupsFrame} from '../state.js';
import {navigation, type ScreenKind} from './types.js';

export const backupsScreen: ScreenKind<BackupsFrame> = {
	title: () => 'Backups of this job',
	crumb: () => 'backups',
	commands: (frame) => (frame.status === 'ready' ? [...navigation, 'open'] : []),
	columns: () => [
		{title: 'Saved', weight: 0, min: 20, max: 20},
		{title: 'Version', weight: 1, min: 10},
		{title: 'File', weight: 2, min: 10, cut: 'middle'},
	],
	rows: (frame) => memo(frame.kind, frame.backups, () => backupRows(frame.backups ?? [])),
};
