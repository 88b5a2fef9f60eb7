/**
 * The plan screen, like `terraform plan`: what a write changes, mapping by mapping, the warnings,
 * the unified diff — and the confirmation (typing the app's display name) that starts the write.
 */
import {afterSaveAdvice, type ConfirmationWord, confirmationWord, confirms, describeScopeChange, remapDirectories} from '../edit/index.js';
import {describeError} from '../errors.js';
import type {SchemaDownload} from '../explorer/services.js';
import {formatPlanText, planCounts} from '../edit/plan-text.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {refreshContext, type SchemaContext} from './context.js';
import {type KeyPress, matchCommand, planConfirmCommands} from './keymap.js';
import {initialList} from './list.js';
import {type AppState, addTask, applyMove, jobTarget, type PlanFrame, push, replaceContext, replaceTop, type Task, } from './state.js';
import {pathPieces, wrap} from './text.js';
import {afterWriteLines} from './loop.js';

const stepWords = {
	'checking-drift': 'checking that nobody changed the schema meanwhile',
	'backing-up': 'saving a backup of the live schema',
	writing: 'writing (PUT)',
	verifying: 'reading it back to verify',
} as const;

/** What the user must type to confirm: the app's display name as in the portal, or its object id when the name cannot be typed. */
export function confirmationName(frame: PlanFrame): ConfirmationWord {
	return confirmationWord({displayName: frame.context.appName, id: frame.context.servicePrincipalId});
}

const cache = new WeakMap<PlanFrame['plan'] & object, {columns: number; frame: PlanFrame; lines: string[]}>();

export function planLines(frame: PlanFrame, columns: number): string[] {
	const width = Math.max(20, columns - 2);
	const lines: string[] = [];
	const add = (text: string, indent = '') => {
		for (const line of wrap(clean(text), width - indent.length)) lines.push(indent + line);
	};
	// A path the admin copies: on lines of its own, unindented, cut only at the width (no space is ever inserted).
	const addPath = (label: string, path: string) => {
		add(label, '  ');
		if (path) lines.push(...pathPieces(clean(path), width));
	};
	const origin = frame.origin.kind === 'edits' ? 'your pending edits' : `${frame.origin.kind} of ${frame.origin.label}`;
	if (frame.note) {
		add(frame.note);
		lines.push('');
	}
	if (frame.status === 'checking') {
		add(`Checking ${origin}: local checks, then Graph's parseExpression for changed expressions…`);
		return lines;
	}
	if (frame.status === 'writing') add(`Writing ${origin}: ${frame.step ? stepWords[frame.step] : 'starting'}…`);
	if (frame.status === 'done') {
		add('✓ Written and verified: the schema read back from Graph equals what was sent.');
		addPath('Backup of the previous schema:', frame.backupPath ?? '');
		add(afterSaveAdvice, '  ');
		for (const line of afterWriteLines(frame)) add(line.trimStart(), line.startsWith('  ') ? '  ' : '');
		add('Enter or Esc reads the job again and returns to where you were.', '  ');
		lines.push('');
	}
	if (frame.status === 'failed' || frame.status === 'mismatch' || frame.status === 'drift') {
		add(`✗ ${frame.error ?? 'The write failed.'}`);
		if (frame.backupPath && !frame.error?.includes(frame.backupPath)) addPath('Backup of the live schema:', frame.backupPath);
		for (const detail of frame.details ?? []) add(detail, '  ');
		if (frame.status === 'drift' && frame.drift) {
			add('Changed on the server since you loaded it:', '  ');
			for (const change of frame.drift.plan.changes.slice(0, 20)) add(`${change.kind} ${change.objectMapping} · ${change.target}`, '    ');
			for (const change of frame.drift.plan.scopeChanges.slice(0, 10)) add(`${change.objectMapping}: ${describeScopeChange(change)}`, '    ');
			for (const pointer of frame.drift.plan.otherChanges.slice(0, 10)) add(`changed ${pointer}`, '    ');
			add(
				frame.origin.kind === 'edits'
					? 'r re-applies your edits on the new version (their guards decide whether they still fit); Esc goes back. Nothing was written.'
					: 'r plans again against the new version; Esc goes back. Nothing was written.',
				'  ',
			);
		} else {
			add('r tries again (you confirm again first); Esc goes back with your edits kept.', '  ');
		}
		lines.push('');
	}
	const plan = frame.plan;
	const problems = frame.problems ?? [];
	if (!plan) {
		// No plan to show (edits that no longer apply after someone else's change): the problems are the news.
		if (problems.length > 0) add('Problems — fix these before writing (Esc goes back):');
		for (const problem of problems) add(`${problem.severity === 'error' ? '✗' : '!'} ${problem.message}`, '  ');
		return lines;
	}
	if (frame.status === 'blocked') {
		add('Problems — fix these before writing: they are listed under Checks (Esc goes back).');
		lines.push('');
	}
	add(`Plan: ${planCounts(plan)} (${origin}).`);
	lines.push('');
	// The same text the import and patch commands print: the changes by meaning, warnings, checks, the JSON diff.
	const tests = frame.tests && frame.tests.length > 0 ? `${frame.tests.join('\n')}\n` : undefined;
	for (const line of formatPlanText(plan, {color: false, problems, counts: false, beforeDiff: tests}).replace(/\n$/, '').split('\n')) {
		const indent = /^ */.exec(line)![0];
		if (line.trim() === '') lines.push('');
		else for (const part of wrap(line.slice(indent.length), width - indent.length)) lines.push(indent + part);
	}
	return lines;
}

/** Memoised per plan, frame state and width: scrolling must not rebuild a large diff per key. */
export function cachedPlanLines(frame: PlanFrame, columns: number): string[] {
	if (!frame.plan) return planLines(frame, columns);
	const hit = cache.get(frame.plan);
	if (hit && hit.columns === columns && hit.frame.status === frame.status && hit.frame.step === frame.step && hit.frame.problems === frame.problems) return hit.lines;
	const lines = planLines(frame, columns);
	cache.set(frame.plan, {columns, frame, lines});
	return lines;
}

/** The status line of the plan screen: the confirmation prompt, or what is happening. */
export function planStatus(frame: PlanFrame): string {
	switch (frame.status) {
		case 'checking':
			return 'Checking…';
		case 'blocked':
			return 'Not writable: fix the problems listed (Esc goes back).';
		case 'confirm':
			return `Type "${confirmationName(frame).word}" and Enter to write · Esc goes back: ${frame.typed}▏`;
		case 'writing':
			return `Writing: ${frame.step ? stepWords[frame.step] : 'starting'}…`;
		case 'done':
			return 'Done. Enter or Esc reads the job again and returns to where you were.';
		case 'drift':
			return 'Nothing written: the schema changed on the server. r re-applies, Esc goes back.';
		default:
			return 'r tries again · Esc goes back';
	}
}

/** The review of a plan screen's document, as an effect: everything the runner needs travels with it. */
export function reviewTask(frame: PlanFrame): Omit<Extract<Task, {kind: 'plan'}>, 'id'> {
	const {context} = frame;
	const changedPointers = frame.origin.kind === 'edits' ? [...new Set(context.working.edits.map((edit) => edit.pointer))] : undefined;
	return {
		kind: 'plan',
		frameId: frame.id,
		attempt: frame.attempt,
		request: {live: context.download.schema, document: frame.document, changedPointers, functions: context.functions},
		job: jobTarget(context),
		cases: frame.cases,
	};
}

function startWrite(state: AppState, frame: PlanFrame): AppState {
	const attempt = frame.attempt + 1;
	const {context} = frame;
	if (!context.servicePrincipalId || !context.job) return state;
	const writing = replaceTop(state, {...frame, status: 'writing', attempt, step: undefined, error: undefined, details: undefined});
	return addTask(writing, {
		kind: 'write',
		frameId: frame.id,
		attempt,
		request: {
			servicePrincipalId: context.servicePrincipalId,
			jobId: context.job.id,
			appName: context.appName,
			templateId: context.job.templateId,
			baseVersion: context.working.baseVersion,
			base: context.working.live,
			document: frame.document,
		},
	});
}

function rebase(state: AppState, frame: PlanFrame): AppState {
	const drift = frame.drift;
	if (!drift) return state;
	const context = frame.context;
	const download: SchemaDownload = {bytes: drift.liveBytes, schema: drift.live};
	let next: SchemaContext;
	let failed: string[] = [];
	if (frame.origin.kind === 'edits') {
		const result = context.working.rebase(drift.live, drift.liveVersion);
		failed = result.failed.map(({edit, reason}) => `${edit.summary}: ${reason}`);
		next = refreshContext({...context, working: result.working}, {download});
	} else {
		next = {...context, download};
	}
	// The plan on top takes the new context with every other screen of the job.
	const planFrame: PlanFrame = {...frame, context: next};
	const result = replaceContext(state, next);
	if (failed.length > 0) {
		return replaceTop(result, {
			...planFrame,
			status: 'blocked',
			plan: undefined,
			error: undefined,
			problems: failed.map((message) => ({severity: 'error' as const, pointer: '', message: `Does not apply to the new version: ${message}`})),
			drift: undefined,
		});
	}
	const document = frame.origin.kind === 'edits' ? next.working.document : frame.document;
	const checking: PlanFrame = {...planFrame, document, status: 'checking', plan: undefined, problems: undefined, drift: undefined, error: undefined, attempt: planFrame.attempt + 1, list: initialList};
	return addTask(replaceTop(result, checking), reviewTask(checking));
}

/** Keys the plan screen takes itself; undefined lets the usual handling (scrolling, Esc) apply. */
export function handlePlanKey(state: AppState, frame: PlanFrame, press: KeyPress): AppState | undefined {
	if (frame.status === 'confirm') {
		// The plan's own context: everything typed goes into the confirmation, except the keys of the table.
		const command = matchCommand(press, planConfirmCommands, 'plan');
		if (command === 'submit') {
			const expected = confirmationName(frame);
			if (confirms(frame.typed, expected)) return startWrite(state, frame);
			return {...state, message: {kind: 'error', text: `Type the ${expected.what} exactly ("${expected.word}") to write, or Esc to go back.`}};
		}
		if (command === 'deleteBack') return replaceTop(state, {...frame, typed: frame.typed.slice(0, -1)});
		if (command === 'cancel') return undefined;
		if (command === 'typeText') return replaceTop(state, {...frame, typed: frame.typed + press.input});
		if (command === 'up' || command === 'down' || command === 'pageUp' || command === 'pageDown') return applyMove(state, frame, command);
		return state;
	}
	return undefined;
}

/** `r` on the plan (the table's retry command): re-apply after drift, or confirm again after a failed write. */
export function retryPlan(state: AppState, frame: PlanFrame): AppState {
	if (frame.status === 'drift') return rebase(state, frame);
	if (frame.status === 'failed' || frame.status === 'mismatch') return replaceTop(state, {...frame, status: 'confirm', typed: ''});
	return state;
}

/** Import and restore: the file's schema becomes the plan's target, its directory ids remapped by name. */
export function openImportPlan(state: AppState, context: SchemaContext, download: SchemaDownload, purpose: 'import' | 'restore', label: string): AppState {
	let document: SchemaDownload['schema'];
	let remappedNote = '';
	try {
		const result = remapDirectories(download.schema, context.download.schema);
		document = result.document;
		const changed = result.remapped.filter((entry) => entry.from !== entry.to);
		if (changed.length > 0) remappedNote = ` Directory ids remapped by name: ${changed.map((entry) => entry.name).join(', ')}.`;
	} catch (error) {
		return {...state, message: {kind: 'error', text: `Cannot ${purpose} ${label}: ${describeError(error)}`}};
	}
	const pending = context.working.edits.length;
	const note = pending > 0 ? ` Your ${pending} pending edit${pending === 1 ? ' is' : 's are'} not part of it.` : '';
	const plan: PlanFrame = {
		id: state.nextId,
		kind: 'plan',
		context,
		origin: {kind: purpose, label},
		document,
		cases: state.casesPath,
		status: 'checking',
		typed: '',
		attempt: 0,
		list: initialList,
		note: `Read ${label}.${remappedNote}${note}`,
	};
	return addTask(push(state, () => plan), reviewTask(plan));
}
