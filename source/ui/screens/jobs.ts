/** One app's provisioning jobs. */
import {initialList} from '../list.js';
import {historyOfJob} from '../history.js';
import {jobRows, memo} from '../rows.js';
import {type JobsFrame, push} from '../state.js';
import {listCommands, type ScreenKind} from './types.js';

export const jobsScreen: ScreenKind<JobsFrame> = {
	title: () => 'Provisioning jobs',
	crumb: (frame) => frame.app.servicePrincipal.displayName ?? frame.app.servicePrincipal.id,
	commands: () => [...listCommands, 'export', 'history', 'jobHistory', 'jobStatus'],
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
	enter(state, frame, index) {
		const job = index === undefined ? undefined : frame.app.jobs[index];
		return job ? push(state, (id) => ({id, kind: 'schema', status: 'loading', app: frame.app, job, list: initialList})) : state;
	},
	job(frame, index) {
		const job = index === undefined ? undefined : frame.app.jobs[index];
		const {servicePrincipal} = frame.app;
		return job ? {servicePrincipalId: servicePrincipal.id, appName: servicePrincipal.displayName ?? servicePrincipal.id, job} : undefined;
	},
	command: (state, frame, command, index) => (command === 'history' || command === 'jobHistory' ? historyOfJob(state, frame, index) : undefined),
	exportHint: 'Open the job first (Enter), then press x to export its schema.',
};
