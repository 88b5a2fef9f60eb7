/** One app's provisioning jobs. */
import {jobRows, memo} from '../rows.js';
import type {JobsFrame} from '../state.js';
import {listCommands, type ScreenKind} from './types.js';

export const jobsScreen: ScreenKind<JobsFrame> = {
	title: () => 'Provisioning jobs',
	crumb: (frame) => frame.app.servicePrincipal.displayName ?? frame.app.servicePrincipal.id,
	commands: () => [...listCommands, 'export', 'history', 'jobStatus'],
	columns: () => [
		// Templates are short ids (AD2AADProvisioning, WorkdayToAD): they stay whole at 80 columns.
		{title: 'Template', weight: 2, min: 18, cut: 'middle'},
		// Active, Paused, Disabled: whole at 80 columns.
		{title: 'State', weight: 0, min: 8, max: 8},
		{title: 'Status', weight: 3, min: 10},
		{title: 'Last run', weight: 2, min: 9, max: 27},
		{title: 'In/out/esc', weight: 0, min: 10, max: 12},
		{title: 'Steady', weight: 0, min: 6, max: 6},
		{title: 'Fails', weight: 0, min: 5, max: 5},
		{title: 'Job id', weight: 1, min: 6, cut: 'middle'},
	],
	rows: (frame) => memo(frame.kind, frame.app.jobs, () => jobRows(frame.app.jobs)),
};
