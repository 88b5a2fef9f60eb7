/**
 * What a kind of screen is, in one place (as k9s registers its views): its title, breadcrumb, the commands it
 * offers (which drive key matching, the footer and `?` help), its columns and rows or its text, where Enter on
 * a row leads — and the decisions that differ per kind, as optional hooks (retry, back, loading and empty bodies,
 * what an edit key targets…). Generic code (state.ts, editing.ts, screen.tsx, update.ts) asks the registry
 * (index.ts) instead of testing `frame.kind`; a screen without a hook gets the generic behaviour, said at each hook.
 * One module per kind in this folder; index.ts registers them.
 */
import type {AttributeMappingNode, ObjectMappingNode, SchemaNode} from '../../schema/navigation.js';
import {sanitizeForTerminal as clean} from '../../terminal/sanitize.js';
import type {SchemaContext} from '../context.js';
import type {Command, KeyContext, KeyPress} from '../keymap.js';
import type {Row} from '../list.js';
import type {AfterWrite, AppState, Frame, JobRef, LoadStatus, NodeFrame} from '../state.js';
import {type ColumnSpec, wrap} from '../text.js';
import type {LoadEffect} from '../update.js';

/** A line of a screen's own body (drawn, and sanitised, by screen.tsx like every other line). */
export type BodyLine = {key: string; text: string; bold?: boolean; dim?: boolean; color?: string};

/** What a screen shows instead of its rows or text while it has none to show (loading, failed, empty). */
export type Placeholder = {text: string; tone: 'plain' | 'dim' | 'error'; nextStep?: string};

/** What the edit keys act on, on this screen with this row selected. */
export type EditTarget = {
	/** s d f b m D t: the attribute mapping they change. */
	attributeMapping?: AttributeMappingNode;
	/** a t S: the object mapping they change or open. */
	objectMapping?: ObjectMappingNode;
	/** e: the node edited as JSON in $VISUAL/$EDITOR. */
	json?: AttributeMappingNode | ObjectMappingNode;
};

export type ScreenKind<F extends Frame> = {
	/** The title line's text (without the position). */
	title(frame: F): string;
	/** What this screen adds to the breadcrumb, if anything. */
	crumb(frame: F, sourceLabel: string): string | undefined;
	/** The commands offered (before --read-only removes the writing ones). */
	commands(frame: F): readonly Command[];
	/** Where the keys go other than the list's commands (the plan's typed confirmation: `plan`). Default: `list`. */
	keyContext?(frame: F): KeyContext;
	/** A list screen: its columns and rows. */
	columns?(frame: F): ColumnSpec[];
	rows?(frame: F): readonly Row[];
	/** Where Enter on row `index` leads (a screen inside the schema). */
	open?(frame: F, index: number): Omit<NodeFrame, 'id' | 'list'> | undefined;
	/**
	 * Enter (`open`) on this screen, with the selected row's index (undefined when nothing is selected). Default:
	 * the screen `open` names, pushed.
	 */
	enter?(state: AppState, frame: F, index: number | undefined): AppState;
	/**
	 * A row in full, for lists whose rows a narrow terminal cuts: Enter shows it (wrapped, paths whole) before the
	 * row's own Enter action, if it has one (`enterDoes`, in words), which a second Enter carries out.
	 */
	rowInFull?(frame: F, index: number, readOnly: boolean): RowInFull | undefined;
	/** A text screen: its lines for this width (scrolled, not selected). */
	text?(frame: F, columns: number): readonly string[];
	/** A text screen's column header line. Default: none. */
	header?: string;
	/** A body drawn by the screen itself (sign-in), instead of rows or text. */
	body?(frame: F, width: number, now: number): BodyLine[];
	/** Whether the body changes with the clock (a countdown): re-drawn every second while true. */
	ticking?(frame: F): boolean;
	/** What to show instead of the rows or text (loading, failed, nothing to list), if anything. */
	placeholder?(frame: F): Placeholder | undefined;
	/** The status line, when the screen says what is happening there itself (the plan). */
	status?(frame: F): {text: string; color?: string} | undefined;
	/** Keys this screen handles before its commands (the plan's confirmation, the test's fields); undefined: not handled. */
	handleKey?(state: AppState, frame: F, press: KeyPress): AppState | undefined;
	/** Where the screen's data stands; keys typed while `loading` are kept for it. Default: nothing to load. */
	loadStatus?(frame: F): LoadStatus | undefined;
	/** The work the screen needs while it is on the stack (the update turns it into an effect). */
	load?(frame: F): LoadEffect | undefined;
	/** Whether the screen gave up its load (a cancelled sign-in): its work is cancelled. Default: never. */
	cancelled?(frame: F): boolean;
	/** The job the screen reads every few seconds while open (W on the job screen). */
	watching?(frame: F): {servicePrincipalId: string; jobId: string} | undefined;
	/**
	 * A command this screen gives its own meaning (W on the job, Space and R on the history, h on the jobs list),
	 * with the selected row's index; undefined: the command's generic meaning.
	 */
	command?(state: AppState, frame: F, command: Command, index: number | undefined): AppState | undefined;
	/** The tenant job this screen is about, with row `index` selected (job actions, provision, logs). Default: its loaded job. */
	job?(frame: F, index: number | undefined): JobRef | undefined;
	/** The screen shows the job's status: it reads the job again once an action sent from it is done. */
	showsJobStatus?: boolean;
	/** After a write: what provisioning on demand from here highlights and offers to undo (the canary). */
	afterWrite?(frame: F): AfterWrite | undefined;
	/** `r`: what reloading or retrying means here. Default: nothing. */
	retry?(state: AppState, frame: F): AppState;
	/** Esc: leaving this screen, when it is more than closing it (undefined: close it as usual). */
	back?(state: AppState, frame: F): AppState | undefined;
	/**
	 * The screen with a job's changed schema context (after an edit, undo, Graph's answer), or undefined when what it
	 * shows no longer exists (it is closed with the screens above it). Default: the screen as it was.
	 */
	withContext?(frame: F, context: SchemaContext): F | undefined;
	/** What the edit keys act on here, with row `index` selected. Default: nothing (the keys say "select … first"). */
	editTarget?(frame: F, index: number | undefined): EditTarget;
	/** `a` when it adds something other than an attribute mapping (a scoping clause). */
	add?(state: AppState, frame: F, index: number | undefined): AppState;
	/** `D` when it removes something other than an attribute mapping (a clause, a pending edit). */
	remove?(state: AppState, frame: F, index: number | undefined): AppState;
	/** What a paste outside a text field is told, when this screen has more to say. */
	pasteHint?(frame: F): string | undefined;
	/** Whether `?` help lists the text-field keys (the screen's keys open prompts). */
	textFields?: boolean;
	/** `x` here, when the screen cannot export (it says what to do instead). */
	exportHint?: string;
};

export type ScreenRegistry = {[Kind in Frame['kind']]: ScreenKind<Extract<Frame, {kind: Kind}>>};

export const navigation: Command[] = ['up', 'down', 'pageUp', 'pageDown', 'home', 'end'];
export const listCommands: Command[] = [...navigation, 'open', 'filter'];
/** Keys of every screen inside a loaded schema. */
export const schemaWide: Command[] = ['export', 'changes', 'undo', 'savePatch', 'plan', 'import', 'jobHistory'];
export const mappingEdits: Command[] = ['editSource', 'editDefault', 'editFlowType', 'editFlowBehavior', 'editMatching', 'externalEdit', 'removeItem'];

/** The title with the number of pending edits of the job, when there are any. */
export function withPending(title: string, frame: {context?: {working: {edits: readonly unknown[]}}}): string {
	const pending = frame.context?.working.edits.length ?? 0;
	return pending > 0 ? `${title}  · ${pending} pending` : title;
}

/** withContext for screens that show the job as a whole: they take the new context as it is. */
export function takeContext<F extends {context?: SchemaContext}>(frame: F, context: SchemaContext): F {
	return {...frame, context};
}

/** A text wrapped to the width as body lines (made terminal-safe first, so the widths are the drawn ones). */
export function wrappedBody(key: string, text: string, width: number, style: Omit<BodyLine, 'key' | 'text'> = {}): BodyLine[] {
	return wrap(clean(text), width).map((line, index) => ({key: `${key}-${index}`, text: line, ...style}));
}

/** withContext for a screen showing one node: the node found again by its JSON Pointer, if it is still of its kind. */
export function refindNode<F extends NodeFrame>(frame: F, context: SchemaContext, isShown: (node: SchemaNode) => node is F['node']): F | undefined {
	const node = context.index.nodeAt(frame.node.pointer);
	return node && isShown(node) ? {...frame, context, node} : undefined;
}

/** The body of a screen whose whole content is loaded (the app list, a schema) until it is ready. */
export function loadPlaceholder(frame: {status: LoadStatus; error?: string}, loading: string): Placeholder | undefined {
	if (frame.status === 'loading') return {text: loading, tone: 'plain'};
	if (frame.status === 'error') return {text: frame.error ?? 'Loading failed.', tone: 'error', nextStep: 'Press r to retry, Esc to go back, q to quit.'};
	return undefined;
}

export type RowInFull = {title: string; lines: string[]; paths?: string[]; enterDoes?: string};
