/** A job's provisioning events, newest first; Enter opens one. */
import {logEventLines, logEventRow} from '../../loop/logs.js';
import {memo, row} from '../rows.js';
import type {LogEventFrame, LogsFrame} from '../state.js';
import {wrappedLines} from './job.js';
import {logsCommandHint, openLogEvent} from '../loop.js';
import {replaceTop} from '../state.js';
import {listCommands, navigation, type ScreenKind} from './types.js';

export const logsScreen: ScreenKind<LogsFrame> = {
	title: (frame) => `Provisioning logs, newest first${frame.logs ? ` (the ${frame.logs.events.length} newest${frame.logs.more ? '; more exist' : ''}; / filters by status, action or user)` : ''}`,
	crumb: () => 'logs',
	commands: (frame) => (frame.status === 'ready' ? [...listCommands, 'retry'] : ['retry']),
	columns: () => [
		{title: 'Time (UTC)', weight: 0, min: 19, max: 19},
		{title: 'Status', weight: 0, min: 7, max: 7},
		{title: 'Action', weight: 0, min: 6, max: 12},
		{title: 'Source', weight: 3, min: 10, cut: 'middle'},
		{title: 'Target', weight: 2, min: 8, cut: 'middle'},
		{title: 'Error', weight: 1, min: 5},
	],
	rows: (frame) => memo(frame.kind, frame.logs, () => (frame.logs?.events ?? []).map((event, index) => row(event.id || String(index), index, logEventRow(event)))),
	placeholder(frame) {
		if ((frame.logs?.events.length ?? 0) > 0) return undefined;
		if (frame.status === 'error') return {text: `✗ ${frame.error ?? 'Could not read the provisioning logs.'} ${logsCommandHint(frame.target)}`, tone: 'error'};
		return {text: frame.status === 'loading' ? 'Reading the provisioning logs…' : 'No provisioning events of this job in the last 30 days (r reads again).', tone: 'dim'};
	},
	loadStatus: (frame) => frame.status,
	load: (frame) => (frame.status === 'loading' ? {kind: 'loadLogs', frameId: frame.id, jobId: frame.target.job.id} : undefined),
	retry: (state, frame) => replaceTop(state, {...frame, status: 'loading', error: undefined}),
	job: (frame) => frame.target,
	enter: (state, frame, index) => (index === undefined ? state : openLogEvent(state, frame, index)),
};

export const logEventScreen: ScreenKind<LogEventFrame> = {
	title: (frame) => `Provisioning event: ${frame.event.status} ${frame.event.action}`,
	crumb: () => 'event',
	commands: () => [...navigation],
	text: (frame, columns) => wrappedLines(logEventLines(frame.event), columns),
};
