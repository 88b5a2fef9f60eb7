/**
 * The explorer's one update function: `update(state, action) → {state, effects}`. It is pure — the working copy is
 * a persistent value, nothing is changed in place, and effects are plain values — so it can run twice (as React's
 * StrictMode does), be unit-tested without Ink, and replay keys typed ahead. The runner (runner.ts) executes the
 * effects and answers with actions.
 */
import type {AppSummary} from '../explorer/services.js';
import type {LogFilter} from '../loop/logs.js';
import type {SynchronizationJob} from '../schema/types.js';
import {screenOf} from './screens/index.js';
import {type Action, type AppState, type Frame, reducer, type Task} from './state.js';

/** Work a screen needs while it is on the stack: started when it appears, cancelled when it leaves. */
export type LoadEffect =
	| {kind: 'signIn'; frameId: number; forcePrompt: boolean}
	| {kind: 'listApps'; frameId: number}
	| {kind: 'loadSchema'; frameId: number; app?: AppSummary; job?: SynchronizationJob}
	| {kind: 'loadJob'; frameId: number; servicePrincipalId: string; jobId: string}
	| {kind: 'loadLogs'; frameId: number; jobId: string; query?: LogFilter}
	/** Reads the job every few seconds until stopped (the screen closed or W again). */
	| {kind: 'watchJob'; frameId: number; servicePrincipalId: string; jobId: string; everyMs: number}
	| {kind: 'stopWatch'; frameId: number}
	| {kind: 'cancel'; frameId: number};

/** How often a watched job is read. */
export const watchEveryMs = 3000;

export type Effect = Task | LoadEffect;

/** What a frame needs loaded, if anything (the screen says: screens/*: load). */
function loadOf(frame: Frame): LoadEffect | undefined {
	return screenOf(frame).load?.(frame);
}

/** The job a frame reads every few seconds, if it is watched. */
function watchOf(frame: Frame | undefined): {servicePrincipalId: string; jobId: string} | undefined {
	return frame && screenOf(frame).watching?.(frame);
}

/** Whether a frame's load (if it had one) is still wanted: on the stack and not given up (a cancelled sign-in). */
function stillWanted(frame: Frame | undefined): boolean {
	return frame !== undefined && !screenOf(frame).cancelled?.(frame);
}

/** The load effects of a state's stack as it starts. */
export function startEffects(state: AppState): Effect[] {
	return state.stack.flatMap((frame) => loadOf(frame) ?? []);
}

export function update(state: AppState, action: Action): {state: AppState; effects: Effect[]} {
	const stepped = reducer(state, action);
	const effects: Effect[] = [...stepped.tasks];
	const next = stepped.tasks.length > 0 ? {...stepped, tasks: []} : stepped;
	if (next.stack !== state.stack) {
		const before = new Map(state.stack.map((frame) => [frame.id, frame]));
		const after = new Map(next.stack.map((frame) => [frame.id, frame]));
		for (const frame of next.stack) {
			const load = loadOf(frame);
			const previous = before.get(frame.id);
			if (load && !(previous && loadOf(previous))) effects.push(load);
		}
		for (const frame of state.stack) {
			if (!stillWanted(after.get(frame.id)) && stillWanted(frame)) effects.push({kind: 'cancel', frameId: frame.id});
		}
		// A watch is a timer as a value: started when a job screen starts watching, stopped when it stops or closes.
		for (const frame of next.stack) {
			const watched = watchOf(frame);
			if (watched && !watchOf(before.get(frame.id))) effects.push({kind: 'watchJob', frameId: frame.id, ...watched, everyMs: watchEveryMs});
		}
		for (const frame of state.stack) {
			if (watchOf(frame) && !watchOf(after.get(frame.id))) effects.push({kind: 'stopWatch', frameId: frame.id});
		}
	}
	return {state: next, effects};
}
