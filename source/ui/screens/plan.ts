/** The plan, then the write: a text screen. */
import {sanitizeForTerminal as clean} from '../../terminal/sanitize.js';
import {touchedBy} from '../loop.js';
import {cachedPlanLines, handlePlanKey, planStatus, retryPlan} from '../plan-view.js';
import {leavePlan, type PlanFrame} from '../state.js';
import {navigation, type ScreenKind, takeContext} from './types.js';

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
	// While the name is typed, keys go to the confirmation (the table's `plan` context), not to commands.
	keyContext: (frame) => (frame.status === 'confirm' ? 'plan' : 'list'),
	handleKey: handlePlanKey,
	status: (frame) => ({text: planStatus(frame), color: frame.status === 'confirm' ? 'yellow' : frame.status === 'done' ? 'green' : undefined}),
	retry: retryPlan,
	// Esc and Enter after the write read the job again and return to where the admin was.
	back: (state, frame) => leavePlan(state, frame),
	enter: (state, frame) => (frame.status === 'done' ? leavePlan(state, frame) : state),
	withContext: takeContext,
	// Provisioning on demand after the write is the canary: it highlights what the write touched and offers its undo.
	afterWrite: (frame) => (frame.status === 'done' && frame.backupPath ? {backupPath: frame.backupPath, touched: touchedBy(frame), planFrameId: frame.id} : undefined),
	pasteHint: (frame) => (frame.status === 'confirm' ? 'The confirmation must be typed.' : undefined),
};
