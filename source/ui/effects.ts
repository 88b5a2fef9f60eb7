/**
 * The I/O side of the state machine: when a screen that needs data is on top, start the request;
 * when it leaves the stack, cancel it; run queued tasks (export, plan, write, files, editor).
 * Results come back as actions.
 */
import {resolve} from 'node:path';
import {type Dispatch, useEffect, useRef} from 'react';
import {buildPlan, checkAgainstLive, DriftError, type Problem, validateSchema, VerifyMismatchError, WriteFailedError, withParsedSources} from '../edit/index.js';
import {describeError} from '../errors.js';
import {skippedCheckNotice} from '../explorer/expression-check.js';
import {type ExplorerServices, exportFileName} from '../explorer/services.js';
import {buildSchemaIndex} from '../schema/navigation.js';
import {resolvePointer} from '../schema/pointer.js';
import type {AttributeMappingSource, SynchronizationSchema} from '../schema/types.js';
import {createContext, refreshContext, type SchemaContext} from './context.js';
import {type Action, type AppState, type Message, type PlanFrame, type Task, topFrame, type WriteOutcome} from './state.js';

/** Runs a program on a file while the explorer steps aside (the terminal is handed over and taken back). */
export type ExternalEditor = (text: string, fileName: string) => Promise<string>;

/** Expressions in `after` that `before` does not have for the same target: the ones the server should check. */
function changedExpressions(before: SynchronizationSchema, after: SynchronizationSchema): Array<{pointer: string; expression: string}> {
	const known = new Set<string>();
	for (const node of buildSchemaIndex(before).attributeMappings()) {
		const expression = node.mapping.source?.expression;
		if (expression) known.add(`${node.mapping.targetAttributeName}\u0000${expression}`);
	}
	const result: Array<{pointer: string; expression: string}> = [];
	for (const node of buildSchemaIndex(after).attributeMappings()) {
		const expression = node.mapping.source?.expression;
		if (expression && node.mapping.source?.type === 'Function' && !known.has(`${node.mapping.targetAttributeName}\u0000${expression}`)) {
			result.push({pointer: node.pointer, expression});
		}
	}
	return result;
}

async function planFor(
	frame: PlanFrame,
	services: ExplorerServices,
): Promise<{plan: ReturnType<typeof buildPlan>; problems: Problem[]; document: SynchronizationSchema; adopted: boolean}> {
	const {context} = frame;
	let document = frame.document;
	const live = context.download.schema;
	const edited = frame.origin.kind === 'edits' ? [...new Set(context.working.edits.map((edit) => edit.pointer))] : undefined;
	const problems = [...checkAgainstLive(live, document), ...validateSchema(document, {only: edited, functions: context.functions ? [...context.functions] : undefined})];
	const expressions = changedExpressions(live, document);
	let adopted = false;
	if (services.tenant && context.servicePrincipalId && context.job && expressions.length > 0) {
		const parsed = new Map<string, AttributeMappingSource>();
		problems.push(...(await services.tenant.validateExpressions(context.servicePrincipalId, context.job.id, expressions, undefined, parsed)));
		// What is sent carries Graph's own parse trees for the new expressions, not hand-built ones. Pending edits
		// take them in, so the plan, the saved patch (P) and the PUT are one body.
		if (frame.origin.kind === 'edits') {
			adopted = context.working.adoptParsedSources(parsed).length > 0;
			document = context.working.document;
		} else {
			document = withParsedSources(document, parsed);
		}
	}
	return {plan: buildPlan(live, document), problems, document, adopted};
}

function writeOutcome(error: unknown): WriteOutcome {
	if (error instanceof DriftError) {
		return {kind: 'drift', error: describeError(error), drift: {live: error.live, liveBytes: error.liveBytes, liveVersion: error.liveVersion, plan: error.plan}};
	}
	if (error instanceof VerifyMismatchError) return {kind: 'mismatch', error: describeError(error), backupPath: error.backupPath, differences: error.differences};
	if (error instanceof WriteFailedError) return {kind: 'failed', error: describeError(error), backupPath: error.backupPath};
	return {kind: 'failed', error: describeError(error)};
}

export function useExplorerEffects(
	state: AppState,
	dispatch: Dispatch<Action>,
	services: ExplorerServices,
	options: {editor?: ExternalEditor} = {},
): void {
	const running = useRef(new Map<number, AbortController>());
	// A frame's loading starts once: an effect flushed late, with a frame object from before its load finished,
	// must not start it again (that listed every app twice). Retrying makes a frame with a new id.
	const startedFrames = useRef(new Set<number>());
	const startedTasks = useRef(new Set<number>());
	const stateRef = useRef(state);
	stateRef.current = state;

	// Cancel the work of screens that are gone (or a sign-in the user cancelled).
	useEffect(() => {
		const live = new Set(
			state.stack.filter((frame) => !(frame.kind === 'signIn' && frame.phase === 'cancelled')).map((frame) => frame.id),
		);
		for (const [id, controller] of running.current) {
			if (!live.has(id)) {
				controller.abort();
				running.current.delete(id);
			}
		}
	}, [state.stack]);

	const frame = topFrame(state);
	useEffect(() => {
		if (startedFrames.current.has(frame.id)) return;
		const controller = new AbortController();
		const {signal} = controller;
		const start = (work: () => Promise<void>) => {
			startedFrames.current.add(frame.id);
			running.current.set(frame.id, controller);
			work().finally(() => {
				if (running.current.get(frame.id) === controller) running.current.delete(frame.id);
			});
		};
		const frameId = frame.id;
		if (frame.kind === 'signIn' && frame.phase === 'starting') {
			start(async () => {
				try {
					const signedIn = await services.signIn({
						signal,
						prompt: frame.forcePrompt ? 'always' : 'auto',
						onPrompt: (prompt) => dispatch({type: 'signInPrompt', frameId, prompt}),
					});
					if (!signal.aborted) dispatch({type: 'signedIn', frameId, account: signedIn.account});
				} catch (error) {
					if (!signal.aborted) dispatch({type: 'signInFailed', frameId, error: describeError(error)});
				}
			});
		} else if (frame.kind === 'apps' && frame.status === 'loading') {
			start(async () => {
				try {
					const apps = await services.listApps({
						signal,
						onProgress: (done, total) => dispatch({type: 'appsProgress', frameId, done, total}),
					});
					if (!signal.aborted) dispatch({type: 'appsLoaded', frameId, apps});
				} catch (error) {
					if (!signal.aborted) dispatch({type: 'loadFailed', frameId, error: describeError(error)});
				}
			});
		} else if (frame.kind === 'schema' && frame.status === 'loading') {
			const {app, job} = frame;
			const source = services.source;
			start(async () => {
				try {
					const download =
						app && job ? await services.getSchema(app.servicePrincipal.id, job.id, signal) : await services.openFile();
					const context = createContext({
						download,
						appName: app?.servicePrincipal.displayName ?? (source.kind === 'file' ? source.path : 'app'),
						job,
						servicePrincipalId: app?.servicePrincipal.id,
					});
					if (!signal.aborted) dispatch({type: 'schemaLoaded', frameId, context});
				} catch (error) {
					if (!signal.aborted) dispatch({type: 'loadFailed', frameId, error: describeError(error)});
				}
			});
		}
	}, [frame, dispatch, services]);

	useEffect(() => {
		for (const task of state.tasks) {
			if (startedTasks.current.has(task.id)) continue;
			startedTasks.current.add(task.id);
			runTask(task, stateRef, dispatch, services, options.editor).catch((error: unknown) =>
				dispatch({type: 'taskDone', taskId: task.id, message: {kind: 'error', text: describeError(error)}}),
			);
		}
	}, [state.tasks, dispatch, services, options.editor]);

	// Graph throttling or failing: say why the screen waits, and for how long.
	useEffect(() => {
		if (!services.watchRetries) return;
		return services.watchRetries((notice) =>
			dispatch({type: 'notice', message: {kind: 'info', text: `${notice.reason}; retrying in ${Math.max(1, Math.round(notice.waitMs / 1000))} s…`}}),
		);
	}, [services, dispatch]);

	// Abort everything on unmount (quit).
	useEffect(() => {
		const controllers = running.current;
		return () => {
			for (const controller of controllers.values()) controller.abort();
		};
	}, []);
}

function findPlanFrame(state: AppState, frameId: number): PlanFrame | undefined {
	const found = state.stack.find((candidate) => candidate.id === frameId);
	return found?.kind === 'plan' ? found : undefined;
}

async function runTask(
	task: Task,
	stateRef: {current: AppState},
	dispatch: Dispatch<Action>,
	services: ExplorerServices,
	editor: ExternalEditor | undefined,
): Promise<void> {
	const done = (message?: Message) => dispatch({type: 'taskDone', taskId: task.id, message});
	switch (task.kind) {
		case 'export': {
			const name = exportFileName(task.appName, task.job ?? {id: 'schema'}, new Date());
			try {
				done({kind: 'info', text: `Exported to ${await services.saveExport(task.bytes, name)}`});
			} catch (error) {
				done({kind: 'error', text: `Export failed: ${describeError(error)}`});
			}
			return;
		}
		case 'savePatch': {
			const {toPatchFile} = await import('../edit/index.js');
			try {
				const path = await services.saveTextFile(resolve(task.path), toPatchFile(task.operations));
				done({kind: 'info', text: `Saved ${task.operations.length} operations to ${path}`});
			} catch (error) {
				done({kind: 'error', text: `Not saved: ${describeError(error)}`});
			}
			return;
		}
		case 'serverValidate': {
			const {context} = task;
			if (!services.tenant || !context.servicePrincipalId || !context.job) return done();
			try {
				const parsed = new Map<string, AttributeMappingSource>();
				const problems = await services.tenant.validateExpressions(context.servicePrincipalId, context.job.id, task.expressions, undefined, parsed);
				const current = latestContext(stateRef.current, context);
				if (current) {
					// The edit now carries Graph's own tree, so a patch saved next (P) is the body the plan will show.
					const unchanged = new Map(
						[...parsed].filter(([pointer]) => resolvePointer(current.working.document, `${pointer}/source/expression`) === task.expressions.find((entry) => entry.pointer === pointer)?.expression),
					);
					current.working.adoptParsedSources(unchanged);
					const byPointer = new Map(task.expressions.map((entry) => [entry.pointer, entry.expression]));
					const serverProblems = [
						...current.serverProblems.filter((problem) => !byPointer.has(problem.pointer)),
						...problems.map((problem) => ({...problem, expression: byPointer.get(problem.pointer) ?? ''})),
					];
					const next = refreshContext(current, {serverProblems});
					const message =
						problems.length > 0 ? {kind: 'error' as const, text: `Graph's parseExpression: ${problems[0]!.message}`} : undefined;
					dispatch({type: 'contextChanged', from: current, to: next, message});
				}
				done();
			} catch (error) {
				done({kind: 'error', text: `Could not check the expression with Graph: ${describeError(error)}`});
			}
			return;
		}
		case 'metadata': {
			const {context} = task;
			if (!services.tenant || !context.servicePrincipalId || !context.job) return done();
			try {
				const [functions, filterOperators] = await Promise.all([
					services.tenant.listFunctions(context.servicePrincipalId, context.job.id),
					services.tenant.listFilterOperators(context.servicePrincipalId, context.job.id),
				]);
				const current = latestContext(stateRef.current, context);
				if (current) dispatch({type: 'contextChanged', from: current, to: {...current, functions, filterOperators}});
			} catch (error) {
				// Completion and checks fall back to the documented lists; browsing goes on (read-only says why, once).
				return done(skippedCheckNotice(error));
			}
			return done();
		}
		case 'plan': {
			const frame = findPlanFrame(stateRef.current, task.frameId);
			if (!frame) return done();
			try {
				const {plan, problems, document, adopted} = await planFor(frame, services);
				const current = adopted ? latestContext(stateRef.current, frame.context) : undefined;
				if (current) dispatch({type: 'contextChanged', from: current, to: refreshContext(current)});
				dispatch({type: 'planReady', frameId: task.frameId, plan, problems, document});
				done();
			} catch (error) {
				dispatch({type: 'writeFinished', frameId: task.frameId, attempt: frame.attempt, outcome: {kind: 'failed', error: describeError(error)}});
				done();
			}
			return;
		}
		case 'write': {
			const frame = findPlanFrame(stateRef.current, task.frameId);
			const {context} = frame ?? {};
			if (!frame || !context || !services.tenant || !context.servicePrincipalId || !context.job) return done();
			try {
				const result = await services.tenant.writeSchema({
					servicePrincipalId: context.servicePrincipalId,
					jobId: context.job.id,
					appName: context.appName,
					templateId: context.job.templateId,
					baseVersion: context.working.baseVersion,
					base: context.working.live,
					document: frame.document,
					onStep: (step) => dispatch({type: 'writeStep', frameId: task.frameId, attempt: task.attempt, step}),
				});
				dispatch({type: 'writeFinished', frameId: task.frameId, attempt: task.attempt, outcome: {kind: 'done', ...result}});
			} catch (error) {
				dispatch({type: 'writeFinished', frameId: task.frameId, attempt: task.attempt, outcome: writeOutcome(error)});
			}
			return done();
		}
		case 'readSchema': {
			try {
				const download = await services.readSchemaFile(task.path);
				dispatch({type: 'schemaRead', taskId: task.id, purpose: task.purpose, context: task.context, download, label: task.path});
			} catch (error) {
				done({kind: 'error', text: describeError(error)});
			}
			return;
		}
		case 'listBackups': {
			const frame = stateRef.current.stack.find((candidate) => candidate.id === task.frameId);
			if (frame?.kind !== 'backups') return done();
			try {
				const backups = await services.listBackups(frame.context.appName, frame.context.job?.templateId, frame.context.job?.id);
				dispatch({type: 'backupsListed', frameId: task.frameId, backups});
			} catch (error) {
				dispatch({type: 'backupsListed', frameId: task.frameId, error: describeError(error)});
			}
			return done();
		}
		case 'loadPatch': {
			const current = latestContext(stateRef.current, task.context) ?? task.context;
			try {
				const operations = await services.readPatchFile(task.path);
				if (!Array.isArray(operations)) throw new Error(`${task.path} is not a JSON Patch (an array of operations).`);
				const edits = current.working.loadPatch(operations, task.path);
				dispatch({
					type: 'contextChanged',
					from: current,
					to: refreshContext(current),
					message: {kind: 'info', text: `Loaded ${edits.length} edit${edits.length === 1 ? '' : 's'} from ${task.path}: c lists them, w writes.`},
				});
				done();
			} catch (error) {
				done({kind: 'error', text: `Patch ${task.path} not loaded: ${describeError(error)}`});
			}
			return;
		}
		case 'signOut': {
			try {
				await services.signOut?.();
				dispatch({type: 'signedOut', taskId: task.id});
			} catch (error) {
				done({kind: 'error', text: `Sign-out failed: ${describeError(error)}`});
			}
			return;
		}
		case 'whoami': {
			try {
				const account = await services.describeAccount?.();
				if (!account) return done({kind: 'info', text: 'Nobody is signed in.'});
				const expires = account.expiresAt ? `, token valid until ${new Date(account.expiresAt).toISOString().replace(/\.\d+Z$/, 'Z')}` : '';
				done({kind: 'info', sticky: true, text: `${account.account} · tenant ${account.tenantId} · ${account.cloud} · ${account.method} · ${account.scopes.join(' ')}${expires}`});
			} catch (error) {
				done({kind: 'error', text: describeError(error)});
			}
			return;
		}
		case 'editor': {
			if (!editor) return done({kind: 'error', text: 'No editor here: set $VISUAL or $EDITOR and run the explorer in a terminal.'});
			try {
				const text = await editor(task.text, 'mapping.json');
				done();
				if (text.trim() === task.text.trim()) return dispatch({type: 'taskDone', taskId: task.id, message: {kind: 'info', text: 'No change made in the editor.'}});
				dispatch({type: 'editorDone', context: latestContext(stateRef.current, task.context) ?? task.context, pointer: task.pointer, text});
			} catch (error) {
				done({kind: 'error', text: `Editor: ${describeError(error)}`});
			}
			return;
		}
	}
}

/** The newest version of a context (it is replaced on every edit) that grew out of `context`. */
function latestContext(state: AppState, context: SchemaContext): SchemaContext | undefined {
	for (const frame of state.stack) {
		const candidate = 'context' in frame ? frame.context : undefined;
		if (candidate && candidate.working === context.working) return candidate;
	}
	return undefined;
}
