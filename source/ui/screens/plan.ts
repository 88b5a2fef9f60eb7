/** The plan, then the write: a text screen. */
import {sanitizeForTerminal as clean} from '../../terminal/sanitize.js';
import {cachedPlanLines} from '../plan-view.js';
import type {PlanFrame} from '../state.js';
import {navigation, type ScreenKind} from './types.js';

export const planScreen: ScreenKind<PlanFrame> = {
	title(frame) {
		const origin = frame.origin.kind === 'edits' ? 'pending edits' : `${frame.origin.kind} ${clean(frame.origin.label)}`;
		return `Plan: write ${origin} to ${clean(frame.context.appName)}`;
	},
	crumb: () => 'plan',
	// After the write, Enter (open) reads the job again and returns to where the admin was; Microsoft's next steps
	// are offered as keys (the canary, the restart, the job's status).
	commands: (frame) =>
		frame.status === 'done'
			? [...navigation, 'open', 'retry', ...(frame.context.job && frame.context.servicePrincipalId ? (['provision', 'restartJob', 'jobStatus'] as const) : [])]
			: [...navigation, 'retry'],
	text: (frame, columns) => cachedPlanLines(frame, columns),
};
