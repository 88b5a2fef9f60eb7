/** The apps with provisioning jobs. */
import {appRows, memo} from '../rows.js';
import type {AppsFrame} from '../state.js';
import {listCommands, type ScreenKind} from './types.js';

export const appsScreen: ScreenKind<AppsFrame> = {
	title: () => 'Apps with provisioning',
	crumb: (_frame, sourceLabel) => sourceLabel,
	commands: (frame) => (frame.status === 'error' ? ['retry'] : frame.status === 'ready' ? [...listCommands, 'retry'] : []),
	columns: () => [
		{title: 'Application', weight: 3, min: 16, cut: 'middle'},
		{title: 'Jobs', weight: 0, min: 4, max: 4},
		{title: 'Status', weight: 0, min: 10, max: 10},
		{title: 'App id', weight: 1, min: 8, max: 36},
	],
	rows: (frame) => memo(frame.kind, frame.apps, () => appRows(frame.apps ?? [])),
};
