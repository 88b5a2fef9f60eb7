/**
 * The I/O side of the state machine: when a screen that needs data is on top, start the request;
 * when it leaves the stack, cancel it. Results come back as actions.
 */
import {type Dispatch, useEffect, useRef} from 'react';
import {type ExplorerServices, exportFileName} from '../explorer/services.js';
import {buildSchemaIndex} from '../schema/navigation.js';
import {describeError} from '../errors.js';
import {type Action, type AppState, topFrame} from './state.js';

export function useExplorerEffects(state: AppState, dispatch: Dispatch<Action>, services: ExplorerServices): void {
	const running = useRef(new Map<number, AbortController>());
	const startedTasks = useRef(new Set<number>());

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
		if (running.current.has(frame.id)) return;
		const controller = new AbortController();
		const {signal} = controller;
		const start = (work: () => Promise<void>) => {
			running.current.set(frame.id, controller);
			work().finally(() => {
				if (running.current.get(frame.id) === controller) running.current.delete(frame.id);
			});
		};
		const frameId = frame.id;
		if (frame.kind === 'signIn' && frame.phase === 'starting') {
			start(async () => {
				try {
					const signedIn = await services.signIn({signal, onPrompt: (prompt) => dispatch({type: 'signInPrompt', frameId, prompt})});
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
			start(async () => {
				try {
					const download =
						app && job ? await services.getSchema(app.servicePrincipal.id, job.id, signal) : await services.openFile();
					const index = buildSchemaIndex(download.schema);
					if (!signal.aborted) dispatch({type: 'schemaLoaded', frameId, download, index});
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
			const name = exportFileName(task.appName, task.job ?? {id: 'schema'}, new Date());
			services.saveExport(task.bytes, name).then(
				(path) => dispatch({type: 'taskDone', taskId: task.id, message: {kind: 'info', text: `Exported to ${path}`}}),
				(error: unknown) =>
					dispatch({type: 'taskDone', taskId: task.id, message: {kind: 'error', text: `Export failed: ${describeError(error)}`}}),
			);
		}
	}, [state.tasks, dispatch, services]);

	// Abort everything on unmount (quit).
	useEffect(() => {
		const controllers = running.current;
		return () => {
			for (const controller of controllers.values()) controller.abort();
		};
	}, []);
}
