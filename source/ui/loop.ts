/**
 * Closing the loop after a change (issue 11), as part of the one update: a job's status and its actions, provision
 * on demand (the canary after a write, with the undo of that write one key away) and the provisioning logs. The
 * rules and the words are source/loop's, the same as the `job`, `provision` and `logs` commands.
 */
import {confirmationWord, confirms} from '../edit/index.js';
import {expectedSubjectKind, type LogsOutcome} from '../explorer/loop-operations.js';
import {checkAction, type JobAction, nextStepsAfterSchemaWrite, type RestartChoice, restartChoices, restartChoicesFor} from '../loop/actions.js';
import {decodeJobStatus, sameStatus} from '../loop/job-status.js';
import {type LogFilter, logActions, logFilterText, logStatuses, parseLogFilter} from '../loop/logs.js';
import {subjectWords} from '../loop/on-demand.js';
import type {Command} from './keymap.js';
import {initialList} from './list.js';
import {screenOf, selectedIndex} from './screens/index.js';
import {menuModal, type Modal} from './modal.js';
import {
	type Action,
	type AfterWrite,
	type AppState,
	addTask,
	type Frame,
	frameContext,
	isFrameOf,
	type JobRef,
	jobTarget,
	type LogsFrame,
	leavePlan,
	type PlanFrame,
	type ProvisionFrame,
	push,
	topFrame,
	withFittedWindow,
} from './state.js';

/** Keys that act on the tenant's job (they send something): none of them exists under --read-only. */
export const loopWriteCommands: ReadonlySet<Command> = new Set<Command>(['startJob', 'pauseJob', 'restartJob', 'provision', 'restoreBackup']);

const loopCommands = new Set<Command>([...loopWriteCommands, 'jobStatus', 'watch', 'logs', 'logQuery']);

export function isLoopCommand(command: Command): boolean {
	return loopCommands.has(command);
}

export type LoopPurpose =
	| {kind: 'restart-scope'; target: JobRef; jobFrameId?: number}
	/** y/n for an action that does not reprocess everything; the typed app name (a prompt) for one that does. */
	| {kind: 'job-action'; target: JobRef; action: JobAction; restart?: RestartChoice; jobFrameId?: number}
	| {kind: 'provision-subject'; target: JobRef; afterWrite?: ProvisionFrame['afterWrite']}
	| {kind: 'logs-query'; frameId: number};

export function isLoopPurpose(purpose: {kind: string}): purpose is LoopPurpose {
	return purpose.kind === 'restart-scope' || purpose.kind === 'job-action' || purpose.kind === 'provision-subject' || purpose.kind === 'logs-query';
}

/** The job a screen is about, when it is a tenant job: the screen says (screens/*: job), else its loaded job. */
function jobOf(state: AppState, frame: Frame): JobRef | undefined {
	const own = screenOf(frame).job;
	if (own) return own(frame, selectedIndex(frame));
	const context = frameContext(frame);
	if (context?.servicePrincipalId && context.job && state.source.kind === 'tenant') return {servicePrincipalId: context.servicePrincipalId, appName: context.appName, job: context.job};
	return undefined;
}

function openJob(state: AppState, target: JobRef): AppState {
	return push(state, (id) => ({id, kind: 'job', target, status: 'loading', watching: false, readOnly: state.readOnly, list: initialList}));
}

function confirmAction(state: AppState, target: JobRef, action: JobAction, restart: RestartChoice | undefined, jobFrameId: number | undefined): AppState {
	const view = decodeJobStatus(target.job);
	const check = checkAction(action, view, restart);
	if (!check.allowed) return {...state, message: {kind: 'error', text: check.reason}};
	const purpose: LoopPurpose = {kind: 'job-action', target, action, restart, jobFrameId};
	const what = action === 'restart' ? `Restart: ${restart?.label}` : action === 'start' ? 'Start the job' : 'Pause the job';
	const does =
		action === 'restart'
			? (restart?.does ?? '')
			: action === 'start'
				? 'The job runs its next cycle now and then on its schedule.'
				: 'The job stops after the current step; nothing is provisioned until it is started again.';
	const lines = [does, ...(check.warning ? [check.warning] : [])];
	if (check.needsTypedName) {
		const expected = confirmationWord({displayName: target.appName, id: target.servicePrincipalId});
		return {
			...state,
			modal: {kind: 'prompt', title: `${what} of ${target.appName}?`, hint: `${lines.join(' ')} Type the app's ${expected.what} (${expected.word}) and Enter to send it · Esc cancels.`, value: '', purpose},
		};
	}
	return {...state, modal: {kind: 'confirm', title: `${what} of ${target.appName}?`, lines: [...lines, 'y sends it, n cancels.'], purpose}};
}

function subjectPrompt(target: JobRef, afterWrite: ProvisionFrame['afterWrite'], value = ''): Modal {
	const kind = expectedSubjectKind(target.job.templateId);
	return {
		kind: 'prompt',
		title: `Provision on demand (${target.job.templateId ?? target.job.id}): who?`,
		hint:
			kind === 'objectId'
				? `Give ${subjectWords[kind]}, or a group with up to 5 members: group:<group id> member:<id or UPN> … This really provisions them in the target.`
				: `Give ${subjectWords[kind]}. This really provisions that one object in the target.`,
		value,
		purpose: {kind: 'provision-subject', target, afterWrite},
	};
}

/** What the plan's write touched, for the canary's highlight: the target attributes added or changed. */
export function touchedBy(plan: PlanFrame): string[] {
	return (plan.plan?.changes ?? []).filter((change) => change.kind !== 'removed').map((change) => change.target);
}

export function handleLoopCommand(state: AppState, frame: Frame, command: Command): AppState {
	const target = jobOf(state, frame);
	if (!target) return state;
	// The job screen reads the job again once an action is done.
	const jobFrameId = screenOf(frame).showsJobStatus ? frame.id : undefined;
	switch (command) {
		case 'jobStatus':
			return openJob(state, target);
		case 'startJob':
			return confirmAction(state, target, 'start', undefined, jobFrameId);
		case 'pauseJob':
			return confirmAction(state, target, 'pause', undefined, jobFrameId);
		case 'restartJob': {
			const choices = restartChoicesFor(decodeJobStatus(target.job));
			const notes = new Map(choices.map((choice) => [choice.label, choice.needsTypedName ? 'reprocesses or deletes: asks for the app name' : 'asks y/n']));
			return {
				...state,
				modal: {
					...menuModal(
						'Restart provisioning: which scope? (what each does is shown before it is sent)',
						choices.map((choice) => choice.label),
						{kind: 'restart-scope', target, jobFrameId},
						undefined,
						notes,
					),
				},
			};
		}
		case 'provision': {
			const afterWrite = screenOf(frame).afterWrite?.(frame);
			return {...state, modal: subjectPrompt(target, afterWrite, state.lastSubject?.jobId === target.job.id ? state.lastSubject.subject : '')};
		}
		case 'logs':
			return push(state, (id) => ({id, kind: 'logs', target, status: 'loading', list: initialList}));
		case 'logQuery':
			if (frame.kind !== 'logs') return state;
			return {
				...state,
				modal: {
					kind: 'prompt',
					title: 'Filter the provisioning logs at Graph (empty shows all)',
					hint: `status:${logStatuses.join('|')}  action:${logActions.join('|')}  user:<object id> (a UPN or name is matched here, among the events read)  since:90m|24h|7d|2026-12-01. Enter reads again; Esc cancels.`,
					value: logFilterText(frame.query),
					purpose: {kind: 'logs-query', frameId: frame.id},
				},
			};
		default:
			return state;
	}
}

/** B on the canary's result: the write's plan is left (the job is read again), then the backup's restore plan opens. */
export function restoreBackup(state: AppState, afterWrite: AfterWrite): AppState {
	const {backupPath, planFrameId} = afterWrite;
	const withoutResult = {...state, stack: state.stack.slice(0, -1)};
	const plan = topFrame(withoutResult);
	if (!isFrameOf(plan, 'plan') || plan.id !== planFrameId) return {...state, message: {kind: 'error', text: `Restore it with :restore (the backup is ${backupPath}).`}};
	// The job is read again first (the write changed it), then the backup's plan opens, as :restore does.
	return leavePlan(withoutResult, plan, {restore: backupPath});
}

export function openLogEvent(state: AppState, frame: LogsFrame, index: number): AppState {
	const event = frame.logs?.events[index];
	return event ? push(state, (id) => ({id, kind: 'logEvent', event, list: initialList})) : state;
}

export function submitLoopModal(state: AppState, modal: Modal, value: string): AppState {
	const purpose = modal.purpose;
	if (!isLoopPurpose(purpose)) return state;
	switch (purpose.kind) {
		case 'restart-scope': {
			const choice = restartChoices.find((each) => each.label === value);
			return choice ? confirmAction(state, purpose.target, 'restart', choice, purpose.jobFrameId) : state;
		}
		case 'job-action': {
			if (modal.kind === 'prompt') {
				const expected = confirmationWord({displayName: purpose.target.appName, id: purpose.target.servicePrincipalId});
				if (!confirms(value, expected)) return {...state, modal: {...modal, value, error: `Type the app's ${expected.what} exactly ("${expected.word}"), or Esc to cancel.`}};
			}
			const words = purpose.action === 'restart' ? `Restart (${purpose.restart?.resetScope})` : purpose.action === 'start' ? 'Start' : 'Pause';
			return addTask(
				{...state, message: {kind: 'info', text: `${words}: sending…`}},
				{kind: 'jobAction', target: purpose.target, action: purpose.action, restart: purpose.restart, jobFrameId: purpose.jobFrameId},
			);
		}
		case 'logs-query': {
			let query: LogFilter;
			try {
				query = parseLogFilter(value);
			} catch (error) {
				return {...state, modal: {...(modal as Extract<Modal, {kind: 'prompt'}>), value, error: error instanceof Error ? error.message : String(error)}};
			}
			const closed = {...state, modal: undefined};
			return updateFrame(closed, purpose.frameId, 'logs', (frame) => ({...frame, query, status: 'loading', logs: undefined, error: undefined, list: initialList}));
		}
		case 'provision-subject': {
			const subject = value.trim();
			if (!subject) return {...state, modal: {...(modal as Extract<Modal, {kind: 'prompt'}>), value, error: `Give ${subjectWords[expectedSubjectKind(purpose.target.job.templateId)]}.`}};
			const top = topFrame(state);
			// Provisioning again from a result replaces it; else the result opens over the screen it was asked from.
			const base = {...(isFrameOf(top, 'provision') ? {...state, stack: state.stack.slice(0, -1)} : state), lastSubject: {jobId: purpose.target.job.id, subject}};
			const opened = push(base, (id) => ({id, kind: 'provision', target: purpose.target, subject, status: 'running', attempt: 1, afterWrite: purpose.afterWrite, list: initialList}));
			const frame = topFrame(opened);
			return addTask(opened, {kind: 'provision', frameId: frame.id, attempt: 1, target: purpose.target, subject});
		}
	}
}

function updateFrame<K extends Frame['kind']>(state: AppState, frameId: number, kind: K, change: (frame: Extract<Frame, {kind: K}>) => Frame): AppState {
	const index = state.stack.findIndex((frame) => frame.id === frameId);
	const frame = state.stack[index];
	if (!isFrameOf(frame, kind)) return state;
	const next = change(frame);
	if (next === frame) return state;
	const stack = [...state.stack];
	stack[index] = next;
	return withFittedWindow({...state, stack});
}

/** The loop's answers; undefined for actions that are not the loop's. */
export function loopStep(state: AppState, action: Action): AppState | undefined {
	switch (action.type) {
		case 'jobLoaded': {
			const loaded = updateFrame(state, action.frameId, 'job', (frame) => {
				// A watched job whose status did not change keeps its state object: nothing is drawn, no byte is written.
				if (frame.status === 'ready' && !frame.refreshing && sameStatus(decodeJobStatus(frame.target.job), decodeJobStatus(action.job))) return frame;
				return {...frame, status: 'ready', refreshing: false, error: undefined, target: {...frame.target, job: action.job}};
			});
			return loaded === state ? state : withJobInLists(loaded, action.job);
		}
		case 'jobLoadFailed':
			return updateFrame(state, action.frameId, 'job', (frame) => ({...frame, status: frame.status === 'loading' ? 'error' : frame.status, refreshing: false, error: action.error}));
		case 'jobActionDone': {
			const next = {...state, message: action.message};
			return action.jobFrameId === undefined ? next : updateFrame(next, action.jobFrameId, 'job', (frame) => ({...frame, refreshing: true}));
		}
		case 'provisionWaiting':
			return updateFrame(state, action.frameId, 'provision', (frame) => (frame.attempt === action.attempt ? {...frame, status: 'waiting', waitMs: action.waitMs} : frame));
		case 'provisioned':
			return updateFrame(state, action.frameId, 'provision', (frame) =>
				frame.attempt === action.attempt
					? {...frame, status: action.outcome ? 'done' : 'error', outcome: action.outcome, error: action.error, waitMs: undefined}
					: frame,
			);
		case 'logsLoaded': {
			const loaded = updateFrame(state, action.frameId, 'logs', (frame) => ({...frame, status: action.logs ? 'ready' : 'error', logs: action.logs, error: action.error, consent: undefined}));
			// A late answer for a closed screen changes nothing, and says nothing.
			if (loaded === state) return state;
			const limits = action.logs ? logsLimits(action.logs) : undefined;
			return limits ? {...loaded, message: {kind: 'info', text: limits}} : loaded;
		}
		case 'logsConsent':
			return updateFrame(state, action.frameId, 'logs', (frame) => (frame.status === 'loading' ? {...frame, consent: action.prompt} : frame));
		default:
			return undefined;
	}
}

/** A job read again also updates the app's job list under it, so going back shows the same status. */
function withJobInLists(state: AppState, job: JobRef['job']): AppState {
	const stack = state.stack.map((frame) =>
		isFrameOf(frame, 'jobs') && frame.app.jobs.some((each) => each.id === job.id)
			? {...frame, app: {...frame.app, jobs: frame.app.jobs.map((each) => (each.id === job.id ? job : each))}}
			: frame,
	);
	return {...state, stack};
}

/** The next steps Microsoft documents after a schema write, and the keys that take them on the plan's result. */
export function afterWriteLines(frame: PlanFrame): string[] {
	if (!jobTarget(frame.context)) return [];
	return [
		'Next steps:',
		...nextStepsAfterSchemaWrite(frame.context.job?.templateId).map((step) => `  ${step}`),
		'  p provisions a test user on demand now (the attributes your change touched are marked *; B then offers the restore of the backup).',
		'  R restarts provisioning (choose the scope); J opens the job status.',
	];
}

/** What the admin should know about the events shown: what was matched here rather than by Graph, and when more exist. */
function logsLimits(logs: LogsOutcome): string | undefined {
	// Short enough for one line at 80 columns; the `logs` command prints the longer notes.
	const parts = (logs.notes ?? []).length > 0 ? ['user: matched here among the events read (Graph cannot filter by UPN or name).'] : [];
	if (logs.more) parts.push(`Only the ${logs.events.length} newest matching events were read: F narrows at Graph for older ones.`);
	return parts.length > 0 ? parts.join(' ') : undefined;
}
