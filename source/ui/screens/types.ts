/**
 * What a kind of screen is, in one place (as k9s registers its views): its title, breadcrumb, the commands it
 * offers (which drive key matching, the footer and `?` help), its columns and rows or its text, and where Enter on
 * a row leads. One module per kind in this folder; index.ts registers them.
 */
import type {Command} from '../keymap.js';
import type {Row} from '../list.js';
import type {Frame, NodeFrame} from '../state.js';
import type {ColumnSpec} from '../text.js';

export type ScreenKind<F extends Frame> = {
	/** The title line's text (without the position). */
	title(frame: F): string;
	/** What this screen adds to the breadcrumb, if anything. */
	crumb(frame: F, sourceLabel: string): string | undefined;
	/** The commands offered (before --read-only removes the writing ones). */
	commands(frame: F): readonly Command[];
	/** A list screen: its columns and rows. */
	columns?(frame: F): ColumnSpec[];
	rows?(frame: F): readonly Row[];
	/** Where Enter on row `index` leads (a screen inside the schema). */
	open?(frame: F, index: number): Omit<NodeFrame, 'id' | 'list'> | undefined;
	/**
	 * A row in full, for lists whose rows a narrow terminal cuts: Enter shows it (wrapped, paths whole) before the
	 * row's own Enter action, if it has one (`enterDoes`, in words), which a second Enter carries out.
	 */
	rowInFull?(frame: F, index: number, readOnly: boolean): RowInFull | undefined;
	/** A text screen: its lines for this width (scrolled, not selected). */
	text?(frame: F, columns: number): readonly string[];
};

export type ScreenRegistry = {[Kind in Frame['kind']]: ScreenKind<Extract<Frame, {kind: Kind}>>};

export const navigation: Command[] = ['up', 'down', 'pageUp', 'pageDown', 'home', 'end'];
export const listCommands: Command[] = [...navigation, 'open', 'filter'];
/** Keys of every screen inside a loaded schema. */
export const schemaWide: Command[] = ['export', 'changes', 'undo', 'savePatch', 'plan', 'import'];
export const mappingEdits: Command[] = ['editSource', 'editDefault', 'editFlowType', 'editFlowBehavior', 'editMatching', 'externalEdit', 'removeItem'];

/** The title with the number of pending edits of the job, when there are any. */
export function withPending(title: string, frame: {context?: {working: {edits: readonly unknown[]}}}): string {
	const pending = frame.context?.working.edits.length ?? 0;
	return pending > 0 ? `${title}  · ${pending} pending` : title;
}

export type RowInFull = {title: string; lines: string[]; paths?: string[]; enterDoes?: string};
