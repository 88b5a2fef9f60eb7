/**
 * The explorer as one explicit state machine: a stack of screens (frames), changed only by this
 * reducer. Effects (sign-in, Graph, files) watch the state and report back with actions, so every
 * key press is applied in order against the latest state, even when several arrive in one read.
 */
import type {Operation} from 'fast-json-patch';
import type {DriftError, Plan, Problem, WriteOptions, WriteStep} from '../edit/index.js';
import type {ReviewRequest} from '../edit/review.js';
import type {InitialLocation, SchemaLocation} from '../explorer/deep-link.js';
import type {AppSummary, BackupEntry, DeviceCodePrompt, ExplorerSource, SchemaBytes, SchemaDownload} from '../explorer/services.js';
import type {HistoryListing, HistoryVersion} from '../history/versions.js';
import type {
	AttributeDefinitionNode,
	AttributeMappingNode,
	DirectoryNode,
	ObjectDefinitionNode,
	ObjectMappingNode,
	RuleNode,
	SchemaNode,
} from '../schema/navigation.js';
import type {AttributeMapping, AttributeMappingSource, SynchronizationJob, SynchronizationSchema} from '../schema/types.js';
import type {SchemaContext} from './context.js';
import type {LogsOutcome, ProvisionOutcome} from '../explorer/loop-operations.js';
import type {JobAction, RestartChoice} from '../loop/actions.js';
import type {LogEventView, LogFilter} from '../loop/logs.js';
import {handleLoopCommand, isLoopCommand, loopStep, loopWriteCommands} from './loop.js';
import {describeError} from '../errors.js';
import {resolvePointer} from '../schema/pointer.js';
import {createContext, refreshContext} from './context.js';
import {handleEditCommand, isEditCommand, selectedAttributeMapping, submitModal, writeCommands} from './editing.js';
import {exportChecked, exportRequest} from './export.js';
import {helpLines} from './help.js';
import {type Command, contextCommands, filterCommands, helpCommands, type KeyContext, type KeyPress, matchCommand, noticeCommands, rowNoticeCommands, textFieldCommands} from './keymap.js';
import {sourceObjectConsent, sourceObjectRead, testDraftExpression, testFinished, testPrefilled, testSelectedMapping} from './expression-test.js';
import type {SourceObjectRequest, SourceObjectValues} from '../explorer/source-object.js';
import type {ExpressionCase, Silence} from '../expressions/case-file.js';
import type {TestField, TestInput} from '../expressions/test-runner.js';
import type {TestRun} from '../explorer/expression-tests.js';
import {filterRows, fitWindow, initialList, type ListMove, type ListState, moveList, scrollText} from './list.js';
import {insertText, type MenuEvent, menuEvent, type Modal, modalKey, type ModalOutcome, type PromptModal} from './modal.js';
import {adoptLoadedApps, commandSuggestions, filterOpensSingleRow, historyAfterWrite, historyListed, jobHistory, locateOnLoad, openAtLocation, openPlaces} from './history.js';
import {openImportPlan} from './plan-view.js';
import {frameRows, isLoading, isTextFrame, openRow, screenOf, selectedIndex, textLines} from './screens/index.js';

export type LoadStatus = 'loading' | 'ready' | 'error';

type FrameBase = {id: number; list: ListState};

export type SignInFrame = FrameBase & {
	kind: 'signIn';
	phase: 'starting' | 'prompt' | 'cancelled' | 'error';
	/** :login asks even when a saved sign-in would work. */
	forcePrompt?: boolean;
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
	/** After a write: the screens the admin was on (by JSON Pointer), opened again once the job is read back. */
	reopen?: ReadonlyArray<{kind: NodeFrame['kind']; pointer: string; list: ListState}>;
	/** A deep link (--mapping, :open): the place to open once the job is read, as if the admin had walked there. */
	locate?: SchemaLocation;
	/** `h` on the jobs list: the job's history opens once the job is read. */
	thenHistory?: boolean;
	/** After the job is read again: open the restore plan of this backup (the canary's undo). */
	afterReload?: {restore: string};
};
/** A screen inside a loaded schema, showing one node of `context.index`. */
type NodeFrameOf<Kind extends string, Node> = FrameBase & {kind: Kind; context: SchemaContext; node: Node};
export type RuleFrame = NodeFrameOf<'rule', RuleNode>;
export type ObjectMappingFrame = NodeFrameOf<'objectMapping', ObjectMappingNode>;
export type AttributeMappingFrame = NodeFrameOf<'attributeMapping', AttributeMappingNode>;
export type DirectoryFrame = NodeFrameOf<'directory', DirectoryNode>;
export type ObjectFrame = NodeFrameOf<'object', ObjectDefinitionNode>;
export type AttributeFrame = NodeFrameOf<'attribute', AttributeDefinitionNode>;
/** The scoping filter of an object mapping. */
export type ScopeFrame = NodeFrameOf<'scope', ObjectMappingNode>;
export type NodeFrame = RuleFrame | ObjectMappingFrame | AttributeMappingFrame | DirectoryFrame | ObjectFrame | AttributeFrame | ScopeFrame;

/**
 * A screen for `node` of the given kind, or undefined when the node is not of the kind that screen shows (e.g. a
 * pointer that now leads elsewhere). The one place a navigation node becomes a typed screen.
 */
export function nodeFrame(id: number, kind: NodeFrame['kind'], context: SchemaContext, node: SchemaNode, list: ListState): NodeFrame | undefined {
	const base = {id, context, list};
	switch (kind) {
		case 'rule':
			return node.kind === 'rule' ? {...base, kind, node} : undefined;
		case 'objectMapping':
		case 'scope':
			return node.kind === 'objectMapping' ? {...base, kind, node} : undefined;
		case 'attributeMapping':
			return node.kind === 'attributeMapping' ? {...base, kind, node} : undefined;
		case 'directory':
			return node.kind === 'directory' ? {...base, kind, node} : undefined;
		case 'object':
			return node.kind === 'objectDefinition' ? {...base, kind, node} : undefined;
		case 'attribute':
			return node.kind === 'attributeDefinition' ? {...base, kind, node} : undefined;
	}
}
/** The pending edits of a job. */
export type ChangesFrame = FrameBase & {kind: 'changes'; context: SchemaContext};
/** Backups of a job, for :restore. */
export type BackupsFrame = FrameBase & {kind: 'backups'; context: SchemaContext; status: LoadStatus; backups?: BackupEntry[]; error?: string};

/** The versions known for a job (issue 13): backups with their notes, and exports of --history-dir. */
export type HistoryFrame = FrameBase & {
	kind: 'history';
	context: SchemaContext;
	status: LoadStatus;
	listing?: HistoryListing;
	error?: string;
	/** The version marked (Space) to compare with another, by its ref. */
	marked?: string;
};
/** One side of a comparison: the live schema of the loaded job, or a listed version. */
export type CompareSide = {kind: 'live'; name: string; schema: SynchronizationSchema} | {kind: 'version'; name: string; version: HistoryVersion};
/** Two versions (or a version and live) compared by meaning, as `diff` prints it. */
export type CompareFrame = FrameBase & {kind: 'compare'; context: SchemaContext; status: LoadStatus; title: string; text?: string; error?: string};

export type PlanOrigin = {kind: 'edits'} | {kind: 'import' | 'restore'; label: string};
export type PlanStatus = 'checking' | 'blocked' | 'confirm' | 'writing' | 'done' | 'failed' | 'drift' | 'mismatch';
/** terraform-plan-like review of what a write would change, then the write itself. */
export type PlanFrame = FrameBase & {
	kind: 'plan';
	context: SchemaContext;
	origin: PlanOrigin;
	document: SynchronizationSchema;
	status: PlanStatus;
	plan?: Plan;
	problems?: Problem[];
	/** What the user typed to confirm (the app's display name). */
	typed: string;
	step?: WriteStep;
	backupPath?: string;
	error?: string;
	details?: string[];
	drift?: Pick<DriftError, 'live' | 'liveBytes' | 'liveVersion' | 'plan'>;
	/** Which write attempt this is, so a result from an older attempt is ignored. */
	attempt: number;
	/** What to know about where the document came from (e.g. remapped directory ids). */
	note?: string;
	/** The case file whose expression tests run before the confirmation; their report, once run. */
	cases?: string;
	tests?: readonly string[];
};
/** A tenant job the loop screens act on: the app's id and name, and the job as last read. */
export type JobRef = {servicePrincipalId: string; appName: string; job: SynchronizationJob};
/** A job's status in words and its actions; `watching` refreshes it every few seconds while the screen is open. */
export type JobFrame = FrameBase & {kind: 'job'; target: JobRef; status: LoadStatus; refreshing?: boolean; watching: boolean; error?: string; readOnly?: boolean};
/** After a write: what the canary needs to highlight the change and offer its undo. */
export type AfterWrite = {backupPath: string; touched: readonly string[]; planFrameId: number};
/** Provision on demand of one subject, and its result. */
export type ProvisionFrame = FrameBase & {
	kind: 'provision';
	target: JobRef;
	subject: string;
	status: 'waiting' | 'running' | 'done' | 'error';
	/** While waiting for Microsoft's 5-per-10-s limit. */
	waitMs?: number;
	outcome?: ProvisionOutcome;
	error?: string;
	attempt: number;
	afterWrite?: AfterWrite;
};
/** A job's provisioning events, newest first. */
export type LogsFrame = FrameBase & {
	kind: 'logs';
	target: JobRef;
	status: LoadStatus;
	logs?: LogsOutcome;
	error?: string;
	/** What Graph is asked to filter on (F); local `/` filters only the events read. */
	query?: LogFilter;
	/** While the logs' permissions wait for a sign-in to consent (first use). */
	consent?: DeviceCodePrompt;
};
export type LogEventFrame = FrameBase & {kind: 'logEvent'; event: LogEventView};
export type LoopFrame = JobFrame | ProvisionFrame | LogsFrame | LogEventFrame;
/** A place in the expression test: a value of a field (its position), or where a multi-valued field takes one more. */
export type TestSlot = {field: number; value: number | 'add'};
/** The expression test (`t`): input fields, the run, the result. */
export type ExpressionTestFrame = FrameBase & {
	kind: 'expressionTest';
	context: SchemaContext;
	/** The attribute mapping tested (the object mapping's, for a mapping still being added). */
	pointer: string;
	objectMappingPointer: string;
	label: string;
	/** The mapping with the source under test (an expression being typed, when `draft` is set). */
	mapping: AttributeMapping;
	fields: readonly TestField[];
	values: Readonly<Record<string, readonly string[]>>;
	/** Fields the admin typed in: the last values arriving late do not overwrite them. */
	touched: readonly string[];
	selected: number;
	status: 'preparing' | 'running' | 'done';
	run?: TestRun;
	/** Which run this is, so an answer from an earlier run is ignored. */
	attempt: number;
	/** Under which key the job's last values are kept. */
	valuesKey: string;
	prefill?: string;
	/** Reading a source object's values (`o`): whom, and what came of it. */
	/** consent: the provisioning logs' first use asks for their permissions (a sign-in) while reading. */
	sourceRead?: {subject: string; status: 'reading' | 'done' | 'error'; error?: string; notes?: readonly string[]; consent?: DeviceCodePrompt};
	/** The last subject read, offered again by `o`. */
	lastSubject?: string;
	/** Opened from the expression prompt: Esc returns to it, with the text as typed. */
	draft?: PromptModal;
};
export type Frame = SignInFrame | AppsFrame | JobsFrame | SchemaFrame | NodeFrame | ChangesFrame | BackupsFrame | PlanFrame | ExpressionTestFrame | HistoryFrame | CompareFrame | LoopFrame;

/** A tenant job a task talks to; `jobKey` says which loaded schema the answer belongs to. */
export type JobTarget = {jobKey: number; servicePrincipalId: string; jobId: string};

/**
 * Effects as values: what the update asks the runner (runner.ts) to do. Each carries everything it needs — the
 * runner never reads the state — and is answered with actions.
 */
export type Task =
	| {id: number; kind: 'export'; bytes: SchemaBytes; path: string; replace: boolean}
	| {id: number; kind: 'checkExport'; bytes: SchemaBytes; appName: string; job: Pick<SynchronizationJob, 'id' | 'templateId'>}
	| {id: number; kind: 'savePatch'; path: string; operations: Operation[]}
	| {id: number; kind: 'serverValidate'; job: JobTarget; expressions: Array<{pointer: string; expression: string}>}
	| {id: number; kind: 'plan'; frameId: number; attempt: number; request: ReviewRequest; job?: JobTarget; cases?: string}
	| {id: number; kind: 'write'; frameId: number; attempt: number; request: Omit<WriteOptions, 'graph' | 'backupDirectory' | 'onStep'>}
	| {id: number; kind: 'readSchema'; path: string; purpose: 'import' | 'restore'; jobKey: number}
	| {id: number; kind: 'listBackups'; frameId: number; appName: string; templateId?: string; jobId?: string}
	| {id: number; kind: 'editor'; jobKey: number; pointer: string; text: string}
	| {id: number; kind: 'metadata'; job: JobTarget}
	| {id: number; kind: 'loadPatch'; jobKey: number; path: string}
	| {id: number; kind: 'jobAction'; target: JobRef; action: JobAction; restart?: RestartChoice; jobFrameId?: number}
	| {id: number; kind: 'provision'; frameId: number; attempt: number; target: JobRef; subject: string}
	| {id: number; kind: 'prepareTest'; frameId: number; valuesKey: string; fields: readonly TestField[]}
	| {id: number; kind: 'runTest'; frameId: number; attempt: number; mapping: AttributeMapping; input: TestInput; valuesKey: string; schema: SynchronizationSchema; job?: JobTarget}
	| {id: number; kind: 'saveCase'; path: string; testCase: ExpressionCase}
	| {id: number; kind: 'loadSilences'; jobKey: number; path: string}
	| {id: number; kind: 'readSourceObject'; frameId: number; request: SourceObjectRequest}
	| {id: number; kind: 'listHistory'; frameId: number; job: {appName: string; templateId?: string; jobId: string}}
	| {id: number; kind: 'compareVersions'; frameId: number; before: CompareSide; after: CompareSide}
	| {id: number; kind: 'readVersion'; jobKey: number; version: HistoryVersion; label: string}
	| {id: number; kind: 'resolveLocation'; text: string}
	| {id: number; kind: 'rememberApp'; app: {id: string; displayName: string}}
	| {id: number; kind: 'signOut'}
	| {id: number; kind: 'whoami'};

/** A line of news for the status line; `sticky` (or a long error) is shown whole until dismissed. */
export type Message = {
	kind: 'info' | 'error';
	text: string;
	sticky?: boolean;
	/** A path the admin may copy (a backup, an export): shown whole, on a line of its own when the text does not fit. */
	path?: string;
};

export type AppState = {
	source: ExplorerSource;
	viewport: {rows: number; columns: number};
	stack: Frame[];
	/** The `?` help over the screen, scrolled to `offset`. */
	help: false | {offset: number};
	modal?: Modal;
	message?: Message;
	tasks: Task[];
	nextId: number;
	readOnly: boolean;
	/** A JSON Patch file to load into the first schema opened (--patch). */
	initialPatch?: string;
	/** The case file (--cases, or the one chosen when saving a case): cases are saved there and run before a write. */
	casesPath?: string;
	/** A deep link given on the command line: opened once signed in (tenant) or with the file. */
	initialLocation?: InitialLocation | SchemaLocation;
	/** Keys typed while the screen on top was loading: applied, in order, once it is ready (SSH type-ahead). */
	typeAhead: readonly KeyPress[];
	/** The last subject provisioned on demand: offered again (the canary runs before and after a restore). */
	lastSubject?: {jobId: string; subject: string};
	exit?: {code: number};
};

export type Action =
	| {type: 'key'; press: KeyPress}
	/** What the menu component (ink-select-input) did with the keys it took: the same outcome as those keys here. */
	| MenuEvent
	/** A bracketed paste: text for a text field, never commands. */
	| {type: 'paste'; text: string}
	| {type: 'resize'; rows: number; columns: number}
	| {type: 'signInPrompt'; frameId: number; prompt: DeviceCodePrompt}
	| {type: 'signedIn'; frameId: number; account: string}
	| {type: 'signInFailed'; frameId: number; error: string}
	| {type: 'appsProgress'; frameId: number; done: number; total: number}
	| {type: 'appsLoaded'; frameId: number; apps: AppSummary[]}
	| {type: 'schemaLoaded'; frameId: number; download: SchemaDownload}
	| {type: 'loadFailed'; frameId: number; error: string}
	| {type: 'taskDone'; taskId: number; message?: Message}
	| {type: 'serverChecked'; jobKey: number; expressions: Array<{pointer: string; expression: string}>; problems: Problem[]; parsed?: ReadonlyMap<string, AttributeMappingSource>}
	| {type: 'metadataLoaded'; jobKey: number; functions: string[]; filterOperators: string[]}
	| {type: 'patchRead'; jobKey: number; path: string; operations: unknown}
	| {type: 'exportChecked'; taskId: number; bytes: SchemaBytes; path: string; exists: boolean}
	/**
	 * `parsed`: Graph's parse trees by pointer; pending edits take them in, so the plan, `P` and the PUT are one body.
	 * `tests`: the report of the job's expression tests (a case file), when they ran.
	 */
	| {type: 'planReady'; frameId: number; attempt: number; plan: Plan; problems: Problem[]; document: SynchronizationSchema; parsed?: ReadonlyMap<string, AttributeMappingSource>; tests?: readonly string[]}
	| {type: 'writeStep'; frameId: number; attempt: number; step: WriteStep}
	| {type: 'writeFinished'; frameId: number; attempt: number; outcome: WriteOutcome}
	| {type: 'schemaRead'; taskId: number; purpose: 'import' | 'restore'; jobKey: number; download: SchemaDownload; label: string}
	| {type: 'backupsListed'; frameId: number; backups?: BackupEntry[]; error?: string}
	| {type: 'editorDone'; jobKey: number; pointer: string; text: string}
	| {type: 'testPrefilled'; frameId: number; input: TestInput}
	| {type: 'testFinished'; frameId: number; attempt: number; run: TestRun}
	| {type: 'silencesLoaded'; jobKey: number; silence: readonly Silence[]}
	| {type: 'sourceObjectRead'; frameId: number; subject: string; read?: SourceObjectValues; error?: string}
	| {type: 'sourceObjectConsent'; frameId: number; subject: string; prompt: DeviceCodePrompt}
	| {type: 'historyListed'; frameId: number; listing?: HistoryListing; error?: string}
	| {type: 'comparisonReady'; frameId: number; text?: string; error?: string}
	| {type: 'locationResolved'; location: InitialLocation}
	| {type: 'signedOut'; taskId: number}
	| {type: 'jobLoaded'; frameId: number; job: SynchronizationJob}
	| {type: 'jobLoadFailed'; frameId: number; error: string}
	| {type: 'jobActionDone'; taskId: number; jobFrameId?: number; message: Message}
	| {type: 'provisionWaiting'; frameId: number; attempt: number; waitMs: number}
	| {type: 'provisioned'; frameId: number; attempt: number; outcome?: ProvisionOutcome; error?: string}
	| {type: 'logsLoaded'; frameId: number; logs?: LogsOutcome; error?: string}
	| {type: 'logsConsent'; frameId: number; prompt: DeviceCodePrompt}
	| {type: 'notice'; message: Message};

export type WriteOutcome =
	| {kind: 'done'; backupPath: string; newVersion: string | null}
	| {kind: 'failed'; error: string; backupPath?: string}
	| {kind: 'drift'; error: string; drift: Pick<DriftError, 'live' | 'liveBytes' | 'liveVersion' | 'plan'>}
	| {kind: 'mismatch'; error: string; backupPath: string; differences: string[]};

/** Lines the screen spends on breadcrumb, title, column header, status and footer. */
export const chromeLines = 5;

/** Rows available to a list: the frame stays at most rows−1 lines tall (see Ink's clear-screen path). */
export function listViewportRows(viewport: {rows: number}): number {
	return Math.max(1, viewport.rows - 1 - chromeLines);
}

export function initialState(
	source: ExplorerSource,
	viewport: {rows: number; columns: number},
	options: {readOnly?: boolean; initialPatch?: string; casesPath?: string; initialLocation?: InitialLocation | SchemaLocation} = {},
): AppState {
	const first: Frame =
		source.kind === 'file'
			? {id: 1, kind: 'schema', status: 'loading', list: initialList, ...(options.initialLocation ? {locate: options.initialLocation} : {})}
			: {id: 1, kind: 'signIn', phase: 'starting', list: initialList};
	return {
		source,
		viewport,
		stack: [first],
		help: false,
		tasks: [],
		typeAhead: [],
		nextId: 2,
		readOnly: Boolean(options.readOnly),
		initialPatch: options.initialPatch,
		casesPath: options.casesPath,
		...(source.kind === 'tenant' && options.initialLocation ? {initialLocation: options.initialLocation} : {}),
	};
}

export function topFrame(state: AppState): Frame {
	return state.stack[state.stack.length - 1]!;
}

export function frameContext(frame: Frame): SchemaContext | undefined {
	return 'context' in frame ? frame.context : undefined;
}

const everywhere: Command[] = ['help', 'quit', 'forceQuit', 'back', 'commandLine'];

/**
 * Where the keys go now — the help, a dialog, the screen's own context (the plan's typed confirmation), a filter,
 * or the screen's commands — and the commands offered there: what the footer and `?` help are generated from.
 */
export function keyScope(state: Pick<AppState, 'stack' | 'readOnly' | 'help' | 'modal'>): {context: KeyContext; commands: ReadonlySet<Command>} {
	if (state.help) return {context: 'help', commands: helpCommands};
	const modal = state.modal;
	if (modal) {
		if (modal.kind === 'notice') return {context: 'notice', commands: modal.enterOpensRow ? rowNoticeCommands : noticeCommands};
		const context = modal.kind === 'prompt' ? 'text' : modal.kind === 'choice' && modal.menu ? 'menu' : modal.kind;
		return {context, commands: contextCommands(context)};
	}
	const frame = state.stack[state.stack.length - 1]!;
	const own = screenOf(frame).keyContext?.(frame) ?? 'list';
	if (own !== 'list') return {context: own, commands: contextCommands(own)};
	if (frame.list.filtering) return {context: 'filter', commands: filterCommands};
	return {context: 'list', commands: availableCommands(frame, state.readOnly)};
}

/** The commands a screen offers: drives key matching, the footer and `?` help alike. */
export function availableCommands(frame: Frame, readOnly = false): ReadonlySet<Command> {
	const commands = new Set<Command>([...everywhere, ...screenOf(frame).commands(frame)]);
	if (readOnly) for (const command of [...writeCommands, ...loopWriteCommands]) commands.delete(command);
	return commands;
}

export function replaceTop(state: AppState, frame: Frame): AppState {
	return {...state, stack: [...state.stack.slice(0, -1), frame]};
}

export function push(state: AppState, make: (id: number) => Frame): AppState {
	return {...state, stack: [...state.stack, make(state.nextId)], nextId: state.nextId + 1};
}

export function addTask(state: AppState, task: Task extends infer T ? (T extends {id: number} ? Omit<T, 'id'> : never) : never): AppState {
	return {...state, tasks: [...state.tasks, {...task, id: state.nextId} as Task], nextId: state.nextId + 1};
}

/**
 * Whether a frame is a screen of one of `kinds`: how an answer (a load, a write, a run) checks that the screen it
 * was for is still that screen before it changes it. The one generic test of a frame's kind outside screens/.
 */
export function isFrameOf<K extends Frame['kind']>(frame: Frame | undefined, ...kinds: K[]): frame is Extract<Frame, {kind: K}> {
	return frame !== undefined && kinds.some((kind) => kind === frame.kind);
}

/** Changes the screen `frameId` when it is still on the stack and of `kinds`; otherwise the answer is dropped. */
export function updateFrameOf<K extends Frame['kind']>(state: AppState, frameId: number, kinds: K | K[], change: (frame: Extract<Frame, {kind: K}>) => Frame): AppState {
	const wanted = Array.isArray(kinds) ? kinds : [kinds];
	return updateFrame(state, frameId, (frame) => (isFrameOf(frame, ...wanted) ? change(frame) : frame));
}

export function updateFrame(state: AppState, frameId: number, update: (frame: Frame) => Frame): AppState {
	const index = state.stack.findIndex((frame) => frame.id === frameId);
	if (index === -1) return state; // The screen was left before its data arrived: drop the answer.
	const stack = [...state.stack];
	stack[index] = update(stack[index]!);
	return {...state, stack};
}

/** The newest version of a loaded job's context (it is replaced on every edit), if a screen still shows it. */
export function latestContext(state: AppState, jobKey: number): SchemaContext | undefined {
	for (const frame of state.stack) {
		const context = frameContext(frame);
		if (context?.jobKey === jobKey) return context;
	}
	return undefined;
}

/**
 * Puts a changed schema context into every screen that shows that job. Screens showing a node re-find it
 * by its JSON Pointer; a screen whose node no longer exists is closed with the ones above it.
 */
export function replaceContext(state: AppState, to: SchemaContext): AppState {
	const stack: Frame[] = [];
	for (const frame of state.stack) {
		if (frameContext(frame)?.jobKey !== to.jobKey) {
			stack.push(frame);
			continue;
		}
		const withContext = screenOf(frame).withContext;
		const next = withContext ? withContext(frame, to) : frame;
		if (!next) break;
		stack.push(next);
	}
	return withFittedWindow({...state, stack});
}

/** Drops the filter but keeps the cursor on the row it was on, so clearing a filter never loses your place. */
function clearFilter(state: AppState, frame: Frame): AppState {
	const current = filterRows(frameRows(frame), frame.list.filter)[frame.list.cursor];
	const list = {...frame.list, filtering: false, filter: '', cursor: current?.index ?? 0};
	return replaceTop(state, {...frame, list: fitWindow(list, frameRows(frame).length, listViewportRows(state.viewport))});
}

function handleFilterKey(state: AppState, frame: Frame, press: KeyPress): AppState {
	const list = frame.list;
	switch (matchCommand(press, filterCommands, 'filter')) {
		case 'submit': {
			const kept = replaceTop(state, {...frame, list: {...list, filtering: false}});
			// A filter that leaves exactly one row opens it: find and open in one step.
			return filterOpensSingleRow(frame) ? openSelected(kept, topFrame(kept)) : kept;
		}
		case 'cancel':
			return clearFilter(state, frame);
		case 'deleteBack':
			return replaceTop(state, {...frame, list: {...list, filter: list.filter.slice(0, -1), cursor: 0, offset: 0}});
		case 'up':
			return applyMove(state, frame, 'up');
		case 'down':
			return applyMove(state, frame, 'down');
	}
	if (press.ctrl || press.meta || !press.input) return state;
	const typed = press.input.replace(/[\x00-\x1f\x7f]/g, '');
	return replaceTop(state, {...frame, list: {...list, filter: list.filter + typed, cursor: 0, offset: 0}});
}


export function applyMove(state: AppState, frame: Frame, move: ListMove): AppState {
	const viewportRows = listViewportRows(state.viewport);
	let list: ListState;
	if (isTextFrame(frame)) {
		list = scrollText(frame.list, move, textLines(frame, state.viewport.columns).length, viewportRows);
	} else {
		const rows = filterRows(frameRows(frame), frame.list.filter);
		list = moveList(frame.list, move, rows.length, viewportRows);
	}
	return list === frame.list ? state : replaceTop(state, {...frame, list});
}

function pendingEditCount(state: AppState): number {
	const contexts = new Set(state.stack.map(frameContext).filter((context): context is SchemaContext => Boolean(context)));
	let count = 0;
	for (const context of contexts) count += context.working.edits.length;
	return count;
}

function goBack(state: AppState, frame: Frame): AppState {
	const left = screenOf(frame).back?.(state, frame);
	if (left) return left;
	if (state.stack.length <= 1) return {...state, message: {kind: 'info', text: 'This is the first screen: q quits.'}};
	return {...state, stack: state.stack.slice(0, -1)};
}

/** Leaving the plan: after a successful write the job is read again, so the screens show what is live now. */
export function leavePlan(state: AppState, frame: PlanFrame, afterReload?: SchemaFrame['afterReload']): AppState {
	if (frame.status === 'writing') return {...state, message: {kind: 'info', text: 'Writing… wait for the result.'}};
	const popped = {...state, stack: state.stack.slice(0, -1)};
	if (frame.status !== 'done') return popped;
	const schemaIndex = popped.stack.findIndex((candidate) => isFrameOf(candidate, 'schema') && candidate.context?.jobKey === frame.context.jobKey);
	const schema = popped.stack[schemaIndex];
	if (!isFrameOf(schema, 'schema')) return popped;
	// Back to where the admin was: the screens above the job's root are reopened by pointer once it is read again.
	const reopen = popped.stack.slice(schemaIndex + 1).flatMap((above) => ('node' in above ? [{kind: above.kind, pointer: above.node.pointer, list: above.list}] : []));
	return {
		...popped,
		stack: [...popped.stack.slice(0, schemaIndex), {...schema, id: popped.nextId, status: 'loading', context: undefined, list: schema.list, reopen, afterReload, ...historyAfterWrite(popped.stack.slice(schemaIndex + 1))}],
		nextId: popped.nextId + 1,
		// Restoring next (B after a canary): the backup's plan comes up at once, so no notice stands in its way.
		message: afterReload ? {kind: 'info', text: 'Reading the job again, then the backup…'} : {kind: 'info', text: 'Written and verified. Backup of the previous schema:', path: frame.backupPath ?? ''},
	};
}

/** Enter: the screen's own meaning of it, else the screen its selected row leads to. */
/** `rowShown`: the row was shown in full already (its notice's Enter), so Enter now does the row's own action. */
function openSelected(state: AppState, frame: Frame, rowShown = false): AppState {
	const index = selectedIndex(frame);
	const full = rowShown || index === undefined ? undefined : screenOf(frame).rowInFull?.(frame, index, state.readOnly);
	if (full) {
		const last = full.enterDoes ? `Enter ${full.enterDoes} · Esc goes back.` : 'Enter or Esc closes.';
		return {...state, modal: {kind: 'notice', title: full.title, lines: [...full.lines, last], paths: full.paths, purpose: {kind: 'notice'}, enterOpensRow: full.enterDoes}};
	}
	const enter = screenOf(frame).enter;
	if (enter) return enter(state, frame, index);
	if (index === undefined) return state;
	const target = openRow(frame, index);
	if (!target) return state;
	const opened = nodeFrame(state.nextId, target.kind, target.context, target.node, initialList);
	return opened ? {...state, stack: [...state.stack, opened], nextId: state.nextId + 1} : state;
}

function quit(state: AppState): AppState {
	const pending = pendingEditCount(state);
	if (pending === 0) return {...state, exit: {code: 0}};
	return {
		...state,
		modal: {
			kind: 'confirm',
			title: `Quit and discard ${pending} pending edit${pending === 1 ? '' : 's'}?`,
			lines: ['Nothing was written to the tenant. P saves them as a JSON Patch file first.', 'y quits, n stays.'],
			purpose: {kind: 'discard-and-quit'},
		},
	};
}

function handleCommand(state: AppState, frame: Frame, command: Command): AppState {
	const own = screenOf(frame).command?.(state, frame, command, selectedIndex(frame));
	if (own) return own;
	switch (command) {
		case 'forceQuit':
			return {...state, exit: {code: 0}};
		case 'quit':
			return quit(state);
		case 'help':
			return {...state, help: {offset: 0}};
		case 'back':
			return goBack(state, frame);
		case 'retry':
			return screenOf(frame).retry?.(state, frame) ?? state;
		case 'filter':
			return replaceTop(state, {...frame, list: {...frame.list, filtering: true}});
		case 'open':
			return openSelected(state, frame);
		case 'commandLine':
			return {
				...state,
				modal: {kind: 'prompt', title: 'Command', hint: ':open APP/JOB/[OBJECTMAPPING/]TARGET  :restore  :login  :logout  :whoami  :apps  :quit · Tab completes', value: '', suggestions: commandSuggestions(), places: openPlaces(state), purpose: {kind: 'command'}},
			};
		case 'export':
			return exportRequest(state, frame);
		case 'jobHistory':
			return jobHistory(state, frame);
		case 'testExpression': {
			const context = frameContext(frame);
			return context ? testSelectedMapping(state, context, selectedAttributeMapping(frame)) : state;
		}
		default:
			if (isLoopCommand(command)) return handleLoopCommand(state, frame, command);
			if (isEditCommand(command)) return handleEditCommand(state, frame, command);
			return isListMove(command) ? applyMove(state, frame, command) : state;
	}
}

const listMoves: readonly ListMove[] = ['up', 'down', 'pageUp', 'pageDown', 'home', 'end'];

function isListMove(command: Command): command is ListMove {
	return listMoves.some((move) => move === command);
}

const maxTypeAhead = 200;

function handleKey(current: AppState, press: KeyPress): AppState {
	if (current.exit) return current;
	if (press.ctrl && press.input === 'c') return {...current, exit: {code: 0}};
	const top = topFrame(current);
	if (!current.modal && !current.help && isLoading(top) && !press.escape) {
		// Over SSH an admin types ahead of the screen: keep the keys for it instead of dropping them (Esc still leaves).
		return current.typeAhead.length < maxTypeAhead ? {...current, typeAhead: [...current.typeAhead, press]} : current;
	}
	// A message is news for one look: the next key clears it.
	const state = current.message ? {...current, message: undefined} : current;
	if (state.help) {
		// Help is over the screen: its keys scroll or close it, other keys are ignored.
		const command = matchCommand(press, helpCommands, 'help');
		if (command === 'close') return {...state, help: false};
		if (!command || !isListMove(command)) return state;
		const scrolled = scrollText({...initialList, offset: state.help.offset}, command, helpLines(state).length, listViewportRows(state.viewport));
		return {...state, help: {offset: scrolled.offset}};
	}
	// `?` over a question or a notice: the help says what its keys do (it closes back to the dialog).
	if (state.modal) {
		const scope = keyScope(state);
		if (matchCommand(press, scope.commands, scope.context) === 'help') return {...state, help: {offset: 0}};
	}
	if (state.modal?.kind === 'prompt' && matchCommand(press, textFieldCommands, 'text') === 'testExpression') {
		const context = frameContext(topFrame(state));
		return context ? testDraftExpression(state, context, state.modal) : state;
	}
	if (state.modal) return applyModalOutcome(state, modalKey(state.modal, press, listViewportRows(state.viewport) - 3));
	const frame = topFrame(state);
	const handled = screenOf(frame).handleKey?.(state, frame, press);
	if (handled !== undefined) return handled;
	if (frame.list.filtering) return handleFilterKey(state, frame, press);
	// Esc with an applied filter clears the filter before it goes back.
	if (press.escape && frame.list.filter) return clearFilter(state, frame);
	const command = matchCommand(press, availableCommands(frame, state.readOnly));
	return command ? handleCommand(state, frame, command) : state;
}

function applyModalOutcome(state: AppState, outcome: ModalOutcome): AppState {
	switch (outcome.type) {
		case 'cancel':
			return {...state, modal: undefined};
		case 'update':
			return {...state, modal: outcome.modal};
		case 'submit':
			if (outcome.modal.kind === 'notice') return openSelected({...state, modal: undefined}, topFrame(state), true);
			return submitModal({...state, modal: undefined}, outcome.modal, outcome.value);
		default:
			return state;
	}
}

/** A highlight or pick reported by the menu on screen: applied like the keys it stands for (a stale one is dropped). */
function handleMenuEvent(current: AppState, event: MenuEvent): AppState {
	if (current.modal?.kind !== 'choice' || !current.modal.menu) return current;
	const state = current.message ? {...current, message: undefined} : current;
	return applyModalOutcome(state, menuEvent(current.modal, event));
}

export function withFittedWindow(state: AppState): AppState {
	const frame = topFrame(state);
	if (isTextFrame(frame)) {
		const lines = textLines(frame, state.viewport.columns).length;
		const list = scrollText(frame.list, 'up', lines, listViewportRows(state.viewport));
		const fitted = scrollText(list, 'down', lines, listViewportRows(state.viewport));
		// (up then down re-clamps the top line to the new length without moving it otherwise)
		return fitted.offset === frame.list.offset ? state : replaceTop(state, {...frame, list: {...frame.list, offset: Math.min(frame.list.offset, fitted.offset)}});
	}
	const count = filterRows(frameRows(frame), frame.list.filter).length;
	const list = fitWindow(frame.list, count, listViewportRows(state.viewport));
	return list === frame.list ? state : replaceTop(state, {...frame, list});
}

/** The tenant job behind a context, for tasks that ask Graph about it (none for a file). */
export function jobTarget(context: SchemaContext): JobTarget | undefined {
	return context.servicePrincipalId && context.job ? {jobKey: context.jobKey, servicePrincipalId: context.servicePrincipalId, jobId: context.job.id} : undefined;
}

function schemaLoaded(state: AppState, frameId: number, download: SchemaDownload): AppState {
	const frame = state.stack.find((candidate) => candidate.id === frameId);
	if (!isFrameOf(frame, 'schema') || frame.status !== 'loading') return state;
	const {app, job} = frame;
	const context = createContext({
		jobKey: frameId,
		download,
		appName: app?.servicePrincipal.displayName ?? (state.source.kind === 'file' ? state.source.path : 'app'),
		job,
		servicePrincipalId: app?.servicePrincipal.id,
	});
	let next = updateFrame(state, frameId, () => ({...frame, status: 'ready', context, reopen: undefined, locate: undefined, thenHistory: undefined, afterReload: undefined}));
	const onTop = topFrame(next).id === frameId;
	if (frame.reopen && onTop) next = reopenFrames(next, context, frame.reopen);
	if ((frame.locate || frame.thenHistory) && onTop) next = locateOnLoad(next, context, frame);
	if (frame.afterReload?.restore) {
		next = addTask({...next, message: {kind: 'info', text: 'Reading the backup…'}}, {kind: 'readSchema', path: frame.afterReload.restore, purpose: 'restore', jobKey: context.jobKey});
	}
	// The case file's silences take their rules off this job's markers, as they do in the plan's checks.
	if (next.casesPath) next = addTask(next, {kind: 'loadSilences', jobKey: context.jobKey, path: next.casesPath});
	const target = jobTarget(context);
	if (target) next = addTask(next, {kind: 'metadata', job: target});
	if (next.initialPatch) {
		const path = next.initialPatch;
		next = addTask({...next, initialPatch: undefined}, {kind: 'loadPatch', jobKey: context.jobKey, path});
	}
	return next;
}

function planFrameUpdate(state: AppState, frameId: number, update: (frame: PlanFrame) => PlanFrame): AppState {
	return updateFrameOf(state, frameId, 'plan', update);
}

/** An error too long for the status line is shown whole, in a notice that waits to be dismissed. */
function noticeForLongError(state: AppState): AppState {
	const message = state.message;
	if (!message || state.modal) return state;
	const length = message.text.length + (message.path ? message.path.length + 1 : 0);
	if (length <= state.viewport.columns - 1 || (message.kind !== 'error' && !message.sticky && !message.path)) return state;
	const title = message.kind === 'error' ? 'Problem' : 'Note';
	return {
		...state,
		message: undefined,
		modal: {kind: 'notice', title, lines: [message.text, 'Enter or Esc closes this.'], paths: message.path ? [message.path] : undefined, purpose: {kind: 'notice'}},
	};
}

export function reducer(state: AppState, action: Action): AppState {
	return noticeForLongError(step(state, action));
}

/** After a load: the keys typed meanwhile apply now, in order, to the screen that is ready (dropped if it failed). */
function replayTypeAhead(after: AppState): AppState {
	if (after.typeAhead.length === 0) return after;
	const top = topFrame(after);
	if (isLoading(top)) return after;
	let state: AppState = {...after, typeAhead: []};
	if (screenOf(top).loadStatus?.(top) === 'error') return state;
	for (const press of after.typeAhead) state = handleKey(state, press);
	return state;
}

function step(state: AppState, action: Action): AppState {
	const next = stepAction(state, action);
	const loads: ReadonlySet<Action['type']> = new Set(['appsLoaded', 'schemaLoaded', 'backupsListed', 'historyListed', 'comparisonReady', 'loadFailed', 'jobLoaded', 'jobLoadFailed', 'logsLoaded']);
	return loads.has(action.type) ? replayTypeAhead(next) : next;
}

function stepAction(state: AppState, action: Action): AppState {
	switch (action.type) {
		case 'key':
			return handleKey(state, action.press);
		case 'paste':
			return handlePaste(state, action.text);
		case 'menuHighlight':
		case 'menuPick':
			return handleMenuEvent(state, action);
		case 'resize':
			return withFittedWindow({...state, viewport: {rows: action.rows, columns: action.columns}});
		case 'signInPrompt':
			return updateFrameOf(state, action.frameId, 'signIn', (frame) => (frame.phase !== 'cancelled' ? {...frame, phase: 'prompt', prompt: action.prompt} : frame));
		case 'signedIn': {
			const frame = topFrame(state);
			if (frame.id !== action.frameId || !isFrameOf(frame, 'signIn') || frame.phase === 'cancelled') return state;
			const signedIn: AppState = {
				...state,
				stack: [{id: state.nextId, kind: 'apps', status: 'loading', list: initialList}],
				nextId: state.nextId + 1,
				message: {kind: 'info', text: `Signed in as ${action.account}.`},
			};
			// A deep link from the command line opens where it points, with the app list and jobs below it.
			const location = state.initialLocation;
			return location && 'servicePrincipalId' in location ? openAtLocation({...signedIn, initialLocation: undefined}, location) : signedIn;
		}
		case 'signInFailed':
			return updateFrameOf(state, action.frameId, 'signIn', (frame) =>
				frame.phase !== 'cancelled' ? {...frame, phase: 'error', error: action.error, prompt: undefined} : frame,
			);
		case 'appsProgress':
			return updateFrameOf(state, action.frameId, 'apps', (frame) => ({...frame, progress: {done: action.done, total: action.total}}));
		case 'appsLoaded':
			return adoptLoadedApps(
				updateFrameOf(state, action.frameId, 'apps', (frame) => ({...frame, status: 'ready', apps: action.apps, progress: undefined})),
				action.frameId,
			);
		case 'schemaLoaded':
			return schemaLoaded(state, action.frameId, action.download);
		case 'loadFailed':
			return updateFrameOf(state, action.frameId, ['apps', 'schema'], (frame) => ({...frame, status: 'error', error: action.error}));
		case 'taskDone':
			return action.message ? {...state, message: action.message} : state;
		case 'serverChecked':
			return serverChecked(state, action.jobKey, action.expressions, action.problems, action.parsed);
		case 'metadataLoaded': {
			const current = latestContext(state, action.jobKey);
			return current ? replaceContext(state, {...current, functions: action.functions, filterOperators: action.filterOperators}) : state;
		}
		case 'patchRead':
			return patchRead(state, action.jobKey, action.path, action.operations);
		case 'exportChecked':
			return exportChecked(state, action.bytes, action.path, action.exists);
		case 'planReady':
			return planReady(state, action);
		case 'writeStep':
			return planFrameUpdate(state, action.frameId, (frame) => (frame.attempt === action.attempt ? {...frame, step: action.step} : frame));
		case 'writeFinished':
			return planFrameUpdate(state, action.frameId, (frame) => {
				if (frame.attempt !== action.attempt) return frame;
				const outcome = action.outcome;
				switch (outcome.kind) {
					case 'done':
						return {...frame, status: 'done', backupPath: outcome.backupPath, step: undefined, list: initialList};
					case 'failed':
						return {...frame, status: 'failed', error: outcome.error, backupPath: outcome.backupPath, step: undefined};
					case 'drift':
						return {...frame, status: 'drift', error: outcome.error, drift: outcome.drift, step: undefined, list: initialList};
					case 'mismatch':
						return {...frame, status: 'mismatch', error: outcome.error, backupPath: outcome.backupPath, details: outcome.differences, step: undefined};
				}
			});
		case 'schemaRead': {
			const context = latestContext(state, action.jobKey);
			return context ? openImportPlan(state, context, action.download, action.purpose, action.label) : state;
		}
		case 'backupsListed':
			return updateFrameOf(state, action.frameId, 'backups', (frame) => ({...frame, status: action.error ? 'error' : 'ready', backups: action.backups, error: action.error}));
		case 'testPrefilled':
			return testPrefilled(state, action.frameId, action.input);
		case 'testFinished':
			return testFinished(state, action.frameId, action.attempt, action.run);
		case 'sourceObjectRead':
			return sourceObjectRead(state, action.frameId, action.subject, action.read, action.error);
		case 'sourceObjectConsent':
			return sourceObjectConsent(state, action.frameId, action.subject, action.prompt);
		case 'silencesLoaded': {
			const context = latestContext(state, action.jobKey);
			return context ? replaceContext(state, refreshContext(context, {silence: action.silence})) : state;
		}
		case 'historyListed':
			return historyListed(state, action.frameId, action.listing, action.error);
		case 'comparisonReady':
			return updateFrameOf(state, action.frameId, 'compare', (frame) => ({...frame, status: action.error ? 'error' : 'ready', text: action.text, error: action.error}));
		case 'locationResolved':
			return openAtLocation(state, action.location);
		case 'signedOut':
			return {
				...state,
				stack: [{id: state.nextId, kind: 'signIn', phase: 'cancelled', list: initialList}],
				nextId: state.nextId + 1,
				message: {kind: 'info', text: 'Signed out: the saved sign-in was removed from this computer.'},
			};
		case 'notice':
			return {...state, message: action.message};
		case 'editorDone': {
			const context = latestContext(state, action.jobKey);
			if (!context) return state;
			return submitModal(state, {kind: 'confirm', title: '', lines: [], purpose: {kind: 'editor-result', pointer: action.pointer}}, action.text, context);
		}
		default:
			return loopStep(state, action) ?? state;
	}
}


/** Graph's parser answered for some expressions: its findings stand beside them while they are unchanged. */
function serverChecked(
	state: AppState,
	jobKey: number,
	expressions: Array<{pointer: string; expression: string}>,
	problems: Problem[],
	parsed: ReadonlyMap<string, AttributeMappingSource> = new Map(),
): AppState {
	let current = latestContext(state, jobKey);
	if (!current) return state; // the job was closed before the answer came
	const byPointer = new Map(expressions.map((entry) => [entry.pointer, entry.expression]));
	// The edit now carries Graph's own tree (for expressions still as they were checked), so a patch saved next (P)
	// is the body the plan will show.
	const unchanged = new Map([...parsed].filter(([pointer]) => resolvePointer(current!.working.document, `${pointer.replace(/\/source(\/expression)?$/, '')}/source/expression`) === byPointer.get(pointer)));
	if (unchanged.size > 0) current = {...current, working: current.working.adoptParsedSources(unchanged).working};
	const serverProblems = [
		...current.serverProblems.filter((problem) => !byPointer.has(problem.pointer)),
		...problems.map((problem) => ({...problem, expression: byPointer.get(problem.pointer) ?? ''})),
	];
	const next = replaceContext(state, refreshContext(current, {serverProblems}));
	return problems.length > 0 ? {...next, message: {kind: 'error', text: `Graph's parseExpression: ${problems[0]!.message}`}} : next;
}

/** A JSON Patch file read for --patch: its operations become pending edits, all or none. */
function patchRead(state: AppState, jobKey: number, path: string, operations: unknown): AppState {
	const current = latestContext(state, jobKey);
	if (!current) return state;
	try {
		if (!Array.isArray(operations)) throw new Error(`${path} is not a JSON Patch (an array of operations).`);
		const {working, edits} = current.working.loadPatch(operations, path);
		const next = replaceContext(state, refreshContext({...current, working}));
		return {...next, message: {kind: 'info', text: `Loaded ${edits.length} edit${edits.length === 1 ? '' : 's'} from ${path}: c lists them, w writes.`}};
	} catch (error) {
		return {...state, message: {kind: 'error', text: `Patch ${path} not loaded: ${describeError(error)}`}};
	}
}

/** Pasted text goes into the text field being typed in, as text; anywhere else it is not run as keys. */
function handlePaste(state: AppState, text: string): AppState {
	const modal = state.modal;
	if (modal?.kind === 'prompt') return {...state, modal: insertText(modal, text)};
	const frame = topFrame(state);
	if (!modal && !state.help && frame.list.filtering) {
		const filter = frame.list.filter + text.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ');
		return replaceTop(state, {...frame, list: {...frame.list, filter, cursor: 0, offset: 0}});
	}
	const where = screenOf(frame).pasteHint?.(frame) ?? 'Paste only into a text field (a prompt or a filter).';
	return {...state, message: {kind: 'info', text: `Pasted text ignored. ${where}`}};
}

/** Opens the screens a write left, by pointer, as long as each still exists in the job read back. */
function reopenFrames(state: AppState, context: SchemaContext, frames: NonNullable<SchemaFrame['reopen']>): AppState {
	let next = state;
	for (const saved of frames) {
		const node = context.index.nodeAt(saved.pointer);
		const frame = node && nodeFrame(next.nextId, saved.kind, context, node, saved.list);
		if (!frame) break;
		next = {...next, stack: [...next.stack, frame], nextId: next.nextId + 1};
	}
	return withFittedWindow(next);
}

/** The review answered: the plan screen shows it; pending edits take Graph's parse trees in, so `P` saves what is sent. */
function planReady(state: AppState, action: Extract<Action, {type: 'planReady'}>): AppState {
	const frame = state.stack.find((candidate) => candidate.id === action.frameId);
	// An answer for an earlier attempt (the plan was re-made meanwhile), or for a closed plan, is not this plan's.
	if (!isFrameOf(frame, 'plan') || frame.attempt !== action.attempt || frame.status !== 'checking') return state;
	let next = state;
	let document = action.document;
	if (frame.origin.kind === 'edits' && action.parsed && action.parsed.size > 0) {
		const {working, adopted} = frame.context.working.adoptParsedSources(action.parsed);
		if (adopted.length > 0) {
			next = replaceContext(state, refreshContext({...frame.context, working}));
			document = working.document;
		}
	}
	const blocked = action.problems.some((problem) => problem.severity === 'error');
	return planFrameUpdate(next, action.frameId, (plan) => ({...plan, plan: action.plan, problems: action.problems, document, tests: action.tests, status: blocked ? 'blocked' : 'confirm', typed: ''}));
}
