/** One job's status in words, with its actions (start, pause, restart), provision on demand and the logs. */
import {restartChoicesFor} from '../../loop/actions.js';
import {decodeJobStatus, formatRows, jobStatusRows} from '../../loop/job-status.js';
import {sanitizeForTerminal as clean} from '../../terminal/sanitize.js';
import {type JobFrame, replaceTop} from '../state.js';
import {wrap} from '../text.js';
import {navigation, type ScreenKind} from './types.js';

/** Wrapped, sanitised lines: every tenant string passes here before it is drawn. */
export function wrappedLines(texts: readonly string[], columns: number): string[] {
	const width = Math.max(20, columns - 2);
	const lines: string[] = [];
	for (const text of texts) {
		if (text === '') {
			lines.push('');
			continue;
		}
		const indent = /^ */.exec(text)![0];
		// Continuation lines hang two columns further in, so where an entry starts stays visible.
		for (const [index, part] of wrap(clean(text.slice(indent.length)), width - indent.length - 2).entries()) lines.push(`${indent}${index > 0 ? '  ' : ''}${part}`);
	}
	return lines;
}

const cache = new WeakMap<object, {columns: number; watching: boolean; readOnly?: boolean; lines: string[]}>();

function jobLines(frame: JobFrame, columns: number): string[] {
	if (frame.status === 'loading') return ['Reading the job…'];
	if (frame.status === 'error') return wrappedLines([`✗ ${frame.error ?? 'Could not read the job.'}`, 'r tries again; Esc goes back.'], columns);
	const hit = cache.get(frame.target.job);
	if (hit && hit.columns === columns && hit.watching === frame.watching && hit.readOnly === frame.readOnly) return hit.lines;
	const view = decodeJobStatus(frame.target.job);
	const restart = restartChoicesFor(view)
		.map((choice) => `    ${choice.label}: ${choice.does}`);
	const texts = [
		...formatRows(jobStatusRows(view)),
		'',
		frame.watching ? 'Watching: the status is read every 3 s while this screen is open; W stops.' : 'r reads the status again; W watches a running cycle (every 3 s).',
		frame.readOnly ? 'L: provisioning logs. (Read-only: start, pause, restart and provision on demand are off.)' : 'Keys: s start · z pause · R restart · p provision a test user on demand · L provisioning logs.',
		'',
		'Restart scopes (R), as Microsoft documents them:',
		...restart,
	];
	const lines = wrappedLines(texts, columns);
	cache.set(frame.target.job, {columns, watching: frame.watching, readOnly: frame.readOnly, lines});
	return lines;
}

export const jobScreen: ScreenKind<JobFrame> = {
	title: (frame) => `Job ${frame.target.job.templateId ?? frame.target.job.id}${frame.watching ? '  · watching' : ''}${frame.refreshing ? '  · reading…' : ''}`,
	crumb: (frame) => `job ${frame.target.job.templateId ?? frame.target.job.id}`,
	commands: (frame) => (frame.status === 'ready' ? [...navigation, 'retry', 'watch', 'startJob', 'pauseJob', 'restartJob', 'provision', 'logs'] : ['retry']),
	text: (frame, columns) => jobLines(frame, columns),
	loadStatus: (frame) => frame.status,
	// Read when it opens, on r, after an action, and every few seconds while watched.
	load: (frame) =>
		frame.status === 'loading' || frame.refreshing
			? {kind: 'loadJob', frameId: frame.id, servicePrincipalId: frame.target.servicePrincipalId, jobId: frame.target.job.id}
			: undefined,
	watching: (frame) => (frame.watching ? {servicePrincipalId: frame.target.servicePrincipalId, jobId: frame.target.job.id} : undefined),
	retry: (state, frame) => replaceTop(state, {...frame, refreshing: true, error: undefined}),
	job: (frame) => frame.target,
	showsJobStatus: true,
	// W: the status is read every few seconds while the screen is open (again: stops).
	command: (state, frame, command) =>
		command === 'watch'
			? {
					...replaceTop(state, {...frame, watching: !frame.watching}),
					message: {kind: 'info', text: frame.watching ? 'Stopped watching.' : 'Watching: the status is read every 3 s while this screen is open (W stops).'},
				}
			: undefined,
};
