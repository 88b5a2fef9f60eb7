/** One app's provisioning jobs. */
import {jobRows, memo} from '../rows.js';
import type {JobsFrame} from '../state.js';
import {listCommands, type ScreenKind} from './types.js';

export const jobsScreen: ScreenKind<JobsFrame> = {
	title: () => 'Provisioning jobs',
	crumb: (frame) => frame.app.servicePrincipal.displayName ?? frame.app.servicePrincipal.id,
	commands: () => [...listCommands, 'export', 'history'],
	columns: () => [
		{title: 'Template', weight: 2, min: 14, cut: 'middle'},
		{title: 'Status', weight: 0, min: 10, max: 10},
		{title: 'Last run', weight: 0, min: 17, max: 17},
		{title: 'Schedule', weight: 0, min: 8, max: 8},
		{title: 'Job id', weight: 3, min: 12, cut: 'middle'},
	],
	rows: (frame) => memo(frame.kind, frame.app.jobs, () => jobRows(frame.app.jobs)),
};
