/** A job's provisioning events, newest first; Enter opens one. F filters at Graph, / among the events read. */
import {isObjectId, logEventLines, logEventRow, logFilterText} from '../../loop/logs.js';
import {shellWord} from '../../loop/actions.js';
import {memo, row} from '../rows.js';
import type {JobRef, LogEventFrame, LogsFrame} from '../state.js';
import {wrappedLines} from './job.js';
import {openLogEvent} from '../loop.js';
import {replaceTop} from '../state.js';
import {listCommands, navigation, type ScreenKind} from './types.js';

/** Short enough for 80 columns: how many were read, and what Graph filtered (F) before `/` narrows them here. */
export const logsScreen: ScreenKind<LogsFrame> = {
	title: (frame) => {
		if (!frame.logs) return 'Provisioning logs, newest first';
		// A UPN or name is not a Graph filter: it is matched here, and the title says so.
		const local = frame.query?.user !== undefined && !isObjectId(frame.query.user) ? frame.query.user : undefined;
		const query = logFilterText(local === undefined ? frame.query : {...frame.query, user: undefined});
		return `Provisioning logs, newest first: ${frame.logs.events.length}${frame.logs.more ? '+' : ''} · Graph filter ${query || 'none'} (F)${local === undefined ? '' : ` · user ${local} matched here`}`;
	},
	crumb: () => 'logs',
	commands: (frame) => (frame.status === 'ready' ? [...listCommands, 'retry', 'logQuery'] : frame.status === 'error' ? ['retry', 'logQuery'] : []),
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
		// The consent screen is an instruction to follow, not a dim aside.
		return {text: logsEmptyText(frame), tone: frame.status === 'error' ? 'error' : frame.consent ? 'plain' : 'dim'};
	},
	loadStatus: (frame) => frame.status,
	load: (frame) => (frame.status === 'loading' ? {kind: 'loadLogs', frameId: frame.id, jobId: frame.target.job.id, query: frame.query} : undefined),
	retry: (state, frame) => replaceTop(state, {...frame, status: 'loading', error: undefined}),
	job: (frame) => frame.target,
	enter: (state, frame, index) => (index === undefined ? state : openLogEvent(state, frame, index)),
};

/** The `logs` command for this job, for an admin who wants more than the explorer reads. */
export function logsCommandHint(target: JobRef): string {
	return `r tries again. For more events or a script: provisioning-explorer logs --sp ${shellWord(target.appName)} --job ${shellWord(target.job.templateId ?? target.job.id)} --since 24h.`;
}

/** What the logs screen says while it has no rows: reading, the consent sign-in (first use), a refusal, or none found. */
export function logsEmptyText(frame: LogsFrame): string {
	if (frame.status === 'error') return `✗ ${frame.error ?? 'Could not read the provisioning logs.'} ${logsCommandHint(frame.target)}`;
	const consent = frame.consent;
	if (frame.status === 'loading' && consent) {
		const how =
			consent.kind === 'browser'
				? `open ${consent.url} in a browser (it returns to http://localhost:${consent.redirectPort}; over SSH forward that port)`
				: `open ${consent.verificationUri} and enter the code ${consent.userCode} (valid until ${new Date(consent.expiresAt).toISOString().slice(11, 16)} UTC)`;
		return `${consent.reason ?? ''} To consent, ${how}. The logs are read as soon as you have signed in. Esc cancels.`;
	}
	if (frame.status === 'loading') return 'Reading the provisioning logs…';
	const query = logFilterText(frame.query);
	return query
		? `No provisioning events of this job match ${query} (Graph keeps 30 days; F changes the filter, r reads again).`
		: 'No provisioning events of this job in the last 30 days (r reads again).';
}

export const logEventScreen: ScreenKind<LogEventFrame> = {
	title: (frame) => `Provisioning event: ${frame.event.status} ${frame.event.action}`,
	crumb: () => 'event',
	commands: () => [...navigation],
	text: (frame, columns) => wrappedLines(logEventLines(frame.event), columns),
};
