/**
 * The explorer as one explicit state machine: a stack of screens (frames), changed only by this
 * reducer. Effects (sign-in, Graph, files) watch the state and report back with actions, so every
 * key press is applied in order against the latest state, even when several arrive in one read.
 */
import type {AppSummary, DeviceCodePrompt, ExplorerSource, SchemaDownload} from '../explorer/services.js';
import type {SchemaIndex} from '../schema/navigation.js';
import type {SynchronizationJob} from '../schema/types.js';
import {type Command, type KeyPress, matchCommand} from './keymap.js';
import {filterRows, fitWindow, initialList, type ListMove, type ListState, moveList, scrollText} from './list.js';
import {detailLines, openRow, type SchemaContext, frameRows} from './rows.js';

export type LoadStatus = 'loading' | 'ready' | 'error';

type FrameBase = {id: number; list: ListState};

export type SignInFrame = FrameBase & {
	kind: 'signIn';
	phase: 'starting' | 'prompt' | 'cancelled' | 'error';
	prompt?: DeviceCodePrompt;
	error?: string;
};
export type AppsFrame = FrameBase & {
	kind: 'apps';
	status: LoadStatus;
	apps?: AppSummary[];
	progress?: {done: number; total: number};
	error?: string;
};
export type JobsFrame = FrameBase & {kind: 'jobs'; app: AppSummary};
export type SchemaFrame = FrameBase & {
	kind: 'schema';
	status: LoadStatus;
	app?: AppSummary;
	job?: SynchronizationJob;
	context?: SchemaContext;
	error?: string;
};
/** Screens inside a loaded schema; `node` is a navigation-index node. */
export type NodeFrame = FrameBase & {
	kind: 'rule' | 'objectMapping' | 'attributeMapping' | 'directory' | 'object' | 'attribute';
	context: SchemaContext;
	node: unknown;
};
export type Frame = SignInFrame | AppsFrame | JobsFrame | SchemaFrame | NodeFrame;

export type Task = {
	id: number;
	kind: 'export';
	bytes: Uint8Array;
	appName: string;
	job?: Pick<SynchronizationJob, 'id' | 'templateId'>;
};

export type Message = {kind: 'info' | 'error'; text: string};

export type AppState = {
	source: ExplorerSource;
	viewport: {rows: number; columns: number};
	stack: Frame[];
	help: boolean;
	message?: Message;
	tasks: Task[];
	nextId: number;
	exit?: {code: number};
};

export type Action =
	| {type: 'key'; press: KeyPress}
	| {type: 'resize'; rows: number; columns: number}
	| {type: 'signInPrompt'; frameId: number; prompt: DeviceCodePrompt}
	| {type: 'signedIn'; frameId: number; account: string}
	| {type: 'signInFailed'; frameId: number; error: string}
	| {type: 'appsProgress'; frameId: number; done: number; total: number}
	| {type: 'appsLoaded'; frameId: number; apps: AppSummary[]}
	| {type: 'schemaLoaded'; frameId: number; download: SchemaDownload; index: SchemaIndex}
	| {type: 'loadFailed'; frameId: number; error: string}
	| {type: 'taskDone'; taskId: number; message: Message};

/** Lines the screen spends on breadcrumb, title, column header, status and footer. */
export const chromeLines = 5;

/** Rows available to a list: the frame stays at most rows−1 lines tall (see Ink's clear-screen path). */
export function listViewportRows(viewport: {rows: number}): number {
	return Math.max(1, viewport.rows - 1 - chromeLines);
}

export function initialState(source: ExplorerSource, viewport: {rows: number; columns: number}): AppState {
	const first: Frame =
		source.kind === 'file'
			? {id: 1, kind: 'schema', status: 'loading', list: initialList}
			: {id: 1, kind: 'signIn', phase: 'starting', list: initialList};
	return {source, viewport, stack: [first], help: false, tasks: [], nextId: 2};
}

export function topFrame(state: AppState): Frame {
	return state.stack[state.stack.length - 1]!;
}

const navigation: Command[] = ['up', 'down', 'pageUp', 'pageDown', 'home', 'end'];
const everywhere: Command[] = ['help', 'quit', 'forceQuit', 'back'];

/** The commands a screen offers: drives key matching, the footer and `?` help alike. */
export function availableCommands(frame: Frame): ReadonlySet<Command> {
	const commands = new Set<Command>(everywhere);
	switch (frame.kind) {
		case 'signIn':
			if (frame.phase === 'cancelled' || frame.phase === 'error') commands.add('retry');
			break;
		case 'apps':
			if (frame.status === 'error') commands.add('retry');
			if (frame.status === 'ready') for (const command of [...navigation, 'open', 'filter', 'retry'] as Command[]) commands.add(command);
			break;
		case 'jobs':
			for (const command of [...navigation, 'open', 'filter', 'export'] as Command[]) commands.add(command);
			break;
		case 'schema':
			if (frame.status === 'error') commands.add('retry');
			if (frame.status === 'ready') for (const command of [...navigation, 'open', 'filter', 'export'] as Command[]) commands.add(command);
			break;
		case 'attributeMapping':
		case 'attribute':
			for (const command of [...navigation, 'export'] as Command[]) commands.add(command);
			break;
		default:
			for (const command of [...navigation, 'open', 'filter', 'export'] as Command[]) commands.add(command);
	}
	return commands;
}

function isTextFrame(frame: Frame): boolean {
	return frame.kind === 'attributeMapping' || frame.kind === 'attribute';
}

function replaceTop(state: AppState, frame: Frame): AppState {
	return {...state, stack: [...state.stack.slice(0, -1), frame]};
}

function push(state: AppState, make: (id: number) => Frame): AppState {
	return {...state, stack: [...state.stack, make(state.nextId)], nextId: state.nextId + 1, message: undefined};
}

function updateFrame(state: AppState, frameId: number, update: (frame: Frame) => Frame): AppState {
	const index = state.stack.findIndex((frame) => frame.id === frameId);
	if (index === -1) return state; // The screen was left before its data arrived: drop the answer.
	const stack = [...state.stack];
	stack[index] = update(stack[index]!);
	return {...state, stack};
}

/** The export an `x` press asks for on the current screen, if the bytes are at hand. */
function exportRequest(frame: Frame): Omit<Task, 'id' | 'kind'> | string {
	if (frame.kind === 'jobs') return 'Open the job first (Enter), then press x to export its schema.';
	if (!('context' in frame) || !frame.context) return 'Nothing to export yet.';
	const {download, appName, job} = frame.context;
	return {bytes: download.bytes, appName, job};
}

/** Drops the filter but keeps the cursor on the row it was on, so clearing a filter never loses your place. */
function clearFilter(state: AppState, frame: Frame): AppState {
	const current = filterRows(frameRows(frame), frame.list.filter)[frame.list.cursor];
	const list = {...frame.list, filtering: false, filter: '', cursor: current?.index ?? 0};
	return replaceTop(state, {...frame, list: fitWindow(list, frameRows(frame).length, listViewportRows(state.viewport))});
}

function handleFilterKey(state: AppState, frame: Frame, press: KeyPress): AppState {
	const list = frame.list;
	if (press.return) return replaceTop(state, {...frame, list: {...list, filtering: false}});
	if (press.escape) return clearFilter(state, frame);
	if (press.backspace || press.delete) {
		return replaceTop(state, {...frame, list: {...list, filter: list.filter.slice(0, -1), cursor: 0, offset: 0}});
	}
	if (press.ctrl || press.meta || !press.input || press.upArrow || press.downArrow) {
		// Arrows keep working while filtering, so one can narrow and move without leaving the prompt.
		if (press.upArrow || press.downArrow) return applyMove(state, frame, press.upArrow ? 'up' : 'down');
		return state;
	}
	const typed = press.input.replace(/[\x00-\x1f\x7f]/g, '');
	return replaceTop(state, {...frame, list: {...list, filter: list.filter + typed, cursor: 0, offset: 0}});
}

function applyMove(state: AppState, frame: Frame, move: ListMove): AppState {
	const viewportRows = listViewportRows(state.viewport);
	let list: ListState;
	if (isTextFrame(frame)) {
		const lines = detailLines(frame as NodeFrame, state.viewport.columns);
		list = scrollText(frame.list, move, lines.length, viewportRows);
	} else {
		const rows = filterRows(frameRows(frame), frame.list.filter);
		list = moveList(frame.list, move, rows.length, viewportRows);
	}
	return list === frame.list ? state : replaceTop(state, {...frame, list});
}

function goBack(state: AppState, frame: Frame): AppState {
	if (frame.kind === 'signIn' && frame.phase !== 'cancelled' && frame.phase !== 'error') {
		return replaceTop(state, {...frame, phase: 'cancelled', prompt: undefined});
	}
	if (state.stack.length <= 1) {
		return {...state, message: {kind: 'info', text: 'This is the first screen: q quits.'}};
	}
	return {...state, stack: state.stack.slice(0, -1), message: undefined};
}

function retry(state: AppState, frame: Frame): AppState {
	const id = state.nextId;
	const next = {...state, nextId: id + 1, message: undefined};
	switch (frame.kind) {
		case 'signIn':
			return replaceTop(next, {id, kind: 'signIn', phase: 'starting', list: initialList});
		case 'apps':
			return replaceTop(next, {id, kind: 'apps', status: 'loading', list: initialList});
		case 'schema':
			return replaceTop(next, {...frame, id, status: 'loading', error: undefined, context: undefined});
		default:
			return state;
	}
}

function openSelected(state: AppState, frame: Frame): AppState {
	const rows = filterRows(frameRows(frame), frame.list.filter);
	const row = rows[frame.list.cursor];
	if (!row) return state;
	if (frame.kind === 'apps') {
		const app = frame.apps?.[row.index];
		return app ? push(state, (id) => ({id, kind: 'jobs', app, list: initialList})) : state;
	}
	if (frame.kind === 'jobs') {
		const job = frame.app.jobs[row.index];
		return job ? push(state, (id) => ({id, kind: 'schema', status: 'loading', app: frame.app, job, list: initialList})) : state;
	}
	const target = openRow(frame, row.index);
	if (!target) return state;
	return push(state, (id) => ({id, list: initialList, ...target}));
}

function handleCommand(state: AppState, frame: Frame, command: Command): AppState {
	switch (command) {
		case 'forceQuit':
		case 'quit':
			return {...state, exit: {code: 0}};
		case 'help':
			return {...state, help: true};
		case 'back':
			return goBack(state, frame);
		case 'retry':
			return retry(state, frame);
		case 'filter':
			return replaceTop(state, {...frame, list: {...frame.list, filtering: true}});
		case 'open':
			return openSelected(state, frame);
		case 'export': {
			const request = exportRequest(frame);
			if (typeof request === 'string') return {...state, message: {kind: 'info', text: request}};
			return {
				...state,
				tasks: [...state.tasks, {id: state.nextId, kind: 'export', ...request}],
				nextId: state.nextId + 1,
				message: {kind: 'info', text: 'Exporting…'},
			};
		}
		default:
			return applyMove(state, frame, command);
	}
}

function handleKey(current: AppState, press: KeyPress): AppState {
	if (current.exit) return current;
	// A message is news for one look: the next key clears it.
	const state = current.message ? {...current, message: undefined} : current;
	if (press.ctrl && press.input === 'c') return {...state, exit: {code: 0}};
	if (state.help) {
		// Help is a modal: any of its closing keys closes it, other keys are ignored.
		if (press.escape || press.return || press.input === '?' || press.input === 'q') return {...state, help: false};
		return state;
	}
	const frame = topFrame(state);
	if (frame.list.filtering) return handleFilterKey(state, frame, press);
	// Esc with an applied filter clears the filter before it goes back.
	if (press.escape && frame.list.filter) return clearFilter(state, frame);
	const command = matchCommand(press, availableCommands(frame));
	return command ? handleCommand(state, frame, command) : state;
}

function withFittedWindow(state: AppState): AppState {
	const frame = topFrame(state);
	if (isTextFrame(frame)) return state;
	const count = filterRows(frameRows(frame), frame.list.filter).length;
	const list = fitWindow(frame.list, count, listViewportRows(state.viewport));
	return list === frame.list ? state : replaceTop(state, {...frame, list});
}

export function reducer(state: AppState, action: Action): AppState {
	switch (action.type) {
		case 'key':
			return handleKey(state, action.press);
		case 'resize':
			return withFittedWindow({...state, viewport: {rows: action.rows, columns: action.columns}});
		case 'signInPrompt':
			return updateFrame(state, action.frameId, (frame) =>
				frame.kind === 'signIn' && frame.phase !== 'cancelled' ? {...frame, phase: 'prompt', prompt: action.prompt} : frame,
			);
		case 'signedIn': {
			const frame = topFrame(state);
			if (frame.id !== action.frameId || frame.kind !== 'signIn' || frame.phase === 'cancelled') return state;
			return {
				...state,
				stack: [{id: state.nextId, kind: 'apps', status: 'loading', list: initialList}],
				nextId: state.nextId + 1,
				message: {kind: 'info', text: `Signed in as ${action.account}.`},
			};
		}
		case 'signInFailed':
			return updateFrame(state, action.frameId, (frame) =>
				frame.kind === 'signIn' && frame.phase !== 'cancelled' ? {...frame, phase: 'error', error: action.error, prompt: undefined} : frame,
			);
		case 'appsProgress':
			return updateFrame(state, action.frameId, (frame) =>
				frame.kind === 'apps' ? {...frame, progress: {done: action.done, total: action.total}} : frame,
			);
		case 'appsLoaded':
			return updateFrame(state, action.frameId, (frame) =>
				frame.kind === 'apps' ? {...frame, status: 'ready', apps: action.apps, progress: undefined} : frame,
			);
		case 'schemaLoaded':
			return updateFrame(state, action.frameId, (frame) => {
				if (frame.kind !== 'schema') return frame;
				const appName = frame.app?.servicePrincipal.displayName ?? (state.source.kind === 'file' ? state.source.path : 'app');
				const context: SchemaContext = {download: action.download, index: action.index, appName, job: frame.job};
				return {...frame, status: 'ready', context};
			});
		case 'loadFailed':
			return updateFrame(state, action.frameId, (frame) =>
				frame.kind === 'apps' || frame.kind === 'schema' ? {...frame, status: 'error', error: action.error} : frame,
			);
		case 'taskDone':
			return {...state, tasks: state.tasks.filter((task) => task.id !== action.taskId), message: action.message};
		default:
			return state;
	}
}

