/** The apps with provisioning jobs. */
import {initialList} from '../list.js';
import {appRows, memo} from '../rows.js';
import {type AppsFrame, addTask, push, replaceTop} from '../state.js';
import {listCommands, loadPlaceholder, type ScreenKind} from './types.js';

export const appsScreen: ScreenKind<AppsFrame> = {
	title: () => 'Apps with provisioning',
	crumb: (_frame, sourceLabel) => sourceLabel,
	commands: (frame) => (frame.status === 'error' ? ['retry'] : frame.status === 'ready' ? [...listCommands, 'retry'] : []),
	columns: () => [
		{title: 'Application', weight: 3, min: 16, cut: 'middle'},
		{title: 'Jobs', weight: 0, min: 4, max: 4},
		{title: 'Status', weight: 0, min: 10, max: 10},
		{title: 'App id', weight: 1, min: 8, max: 36},
	],
	rows: (frame) => memo(frame.kind, frame.apps, () => appRows(frame.apps ?? [])),
	enter(state, frame, index) {
		const app = index === undefined ? undefined : frame.apps?.[index];
		if (!app) return state;
		// Graph refused this app's jobs (401 UnknownError): an empty job list would hide why, so say it.
		if (app.noAccess !== undefined) return {...state, message: {kind: 'error', text: app.noAccess}};
		const opened = push(state, (id) => ({id, kind: 'jobs', app, list: initialList}));
		// Recent apps come first in the list next time (kept per tenant in the state directory).
		return addTask(opened, {kind: 'rememberApp', app: {id: app.servicePrincipal.id, displayName: app.servicePrincipal.displayName ?? app.servicePrincipal.id}});
	},
	loadStatus: (frame) => frame.status,
	load: (frame) => (frame.status === 'loading' ? {kind: 'listApps', frameId: frame.id} : undefined),
	placeholder: (frame) =>
		loadPlaceholder(frame, `Finding apps with provisioning jobs…${frame.progress ? ` ${frame.progress.done}/${frame.progress.total} service principals checked` : ''}`),
	retry: (state) => replaceTop({...state, nextId: state.nextId + 1}, {id: state.nextId, kind: 'apps', status: 'loading', list: initialList}),
};
