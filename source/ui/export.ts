/**
 * `x`: export the job's schema as Graph returned it. The runner first says where the file goes (and whether one is
 * there already); an existing file is replaced only after the admin says yes.
 */
import type {SchemaBytes} from '../explorer/services.js';
import {screenOf} from './screens/index.js';
import {type AppState, addTask, type Frame, frameContext} from './state.js';

export function exportRequest(state: AppState, frame: Frame): AppState {
	const hint = screenOf(frame).exportHint;
	if (hint) return {...state, message: {kind: 'info', text: hint}};
	const context = frameContext(frame);
	if (!context) return {...state, message: {kind: 'info', text: 'Nothing to export yet.'}};
	return addTask(state, {kind: 'checkExport', bytes: context.download.bytes, appName: context.appName, job: context.job ?? {id: 'schema'}});
}

/** The runner found where the export goes: write it, or ask first when a file is there. */
export function exportChecked(state: AppState, bytes: SchemaBytes, path: string, exists: boolean): AppState {
	if (!exists) return addTask({...state, message: {kind: 'info', text: `Exporting to ${path}…`}}, {kind: 'export', bytes, path, replace: false});
	return {
		...state,
		modal: {
			kind: 'confirm',
			title: `Replace the existing file ${path}?`,
			lines: ['y replaces it with this export, n keeps it (nothing is written).'],
			purpose: {kind: 'replace-export', path, bytes},
		},
	};
}
