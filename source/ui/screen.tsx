/**
 * Thin views. The frame is a fixed stack of single-line <Text>s — breadcrumb, title, column header,
 * body, status, footer — never taller than rows−1, so Ink stays on its cheap incremental path.
 */
import {Box, Text} from 'ink';
import {memo, useEffect, useState} from 'react';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {helpLines} from './help.js';
import {logsCommandHint} from './loop.js';
import {
	bindingFor,
	choiceCommands,
	confirmCommands,
	filterCommands,
	footerBindings,
	helpCommands,
	type KeyBinding,
	menuCommands,
	textFieldCommands,
} from './keymap.js';
import {filterRows, type Row} from './list.js';
import {menuInstanceKey, ShortMenu} from './menu.js';
import {type ChoiceModal, cursorOf, matchingSuggestions} from './modal.js';
import {planConfirmCommands, planStatus} from './plan-view.js';
import {crumb, frameColumns, frameRows, frameTitle, isTextFrame, textLines} from './screens/index.js';
import {
	type AppState,
	availableCommands,
	listViewportRows,
	type SignInFrame,
	topFrame,
} from './state.js';
import {cellWidth, type ColumnSpec, formatRow, layoutColumns, truncate, wrap} from './text.js';

const contentWidthCache = new WeakMap<readonly Row[], number[]>();

/** The widest cell of each column (memoised per row list): the whole list, so widths do not jump while scrolling. */
function contentWidths(rows: readonly Row[]): number[] {
	let widths = contentWidthCache.get(rows);
	if (!widths) {
		widths = [];
		for (const row of rows) {
			row.cells.forEach((cell, column) => {
				widths![column] = Math.max(widths![column] ?? 0, cellWidth(cell));
			});
		}
		contentWidthCache.set(rows, widths);
	}
	return widths;
}

/**
 * Columns no wider than their widest cell: a tighter table to read, and shorter lines to re-send
 * when the cursor moves over SSH (padding is bytes too).
 */
function fitColumnsToContent(specs: ColumnSpec[], rows: readonly Row[]): ColumnSpec[] {
	const widths = contentWidths(rows);
	return specs.map((spec, column) => {
		if (column === specs.length - 1) return spec; // the last column is never padded anyway
		const needed = Math.max(spec.title.length, widths[column] ?? 0);
		const max = Math.min(spec.max ?? Number.POSITIVE_INFINITY, needed);
		return {...spec, max, min: Math.min(spec.min, max)};
	});
}

/** `menu`: where a short menu (ink-select-input) is drawn, `menu.rows` lines tall. */
type Line = {key: string; text: string; inverse?: boolean; bold?: boolean; dim?: boolean; color?: string; menu?: {modal: ChoiceModal; rows: number}};

type ScreenLineProps = {text: string; inverse?: boolean; bold?: boolean; dim?: boolean; color?: string};

/**
 * The one place text reaches the terminal: every line is stripped of control characters here, whatever screen,
 * modal or message it comes from, so no view can forget it. Primitive props only, so React skips rows whose text
 * did not change.
 */
const ScreenLine = memo(function ScreenLine({text, inverse, bold, dim, color}: ScreenLineProps) {
	return (
		<Text inverse={inverse} bold={bold} dimColor={dim} color={color} wrap="truncate-end">
			{clean(text) || ' '}
		</Text>
	);
});

function sourceLabel(state: AppState): string {
	return state.source.kind === 'file' ? state.source.path : state.source.label;
}

function breadcrumb(state: AppState): string {
	const parts = state.stack.map((frame) => crumb(frame, sourceLabel(state))).filter((part): part is string => Boolean(part));
	return clean(parts.join(' › ') || 'provisioning-explorer');
}


/** A path on lines of its own: one line when it fits, else cut at the width (never at a word, never with an ellipsis). */
function pathLines(key: string, path: string, width: number): Line[] {
	const safe = clean(path);
	const lines: Line[] = [];
	for (let start = 0; start < safe.length || start === 0; start += width) lines.push({key: `${key}-${start}`, text: safe.slice(start, start + width), bold: true});
	return lines;
}

/** A message that must be read whole, wrapped over as many lines as it needs. */
function wrapped(key: string, text: string, width: number, style: Omit<Line, 'key' | 'text'> = {}): Line[] {
	return wrap(clean(text), width).map((line, index) => ({key: `${key}-${index}`, text: line, ...style}));
}

function signInLines(frame: SignInFrame, now: number, width: number): Line[] {
	const prompt = frame.phase === 'prompt' ? frame.prompt : undefined;
	const how = prompt?.kind === 'browser' ? ' in a browser' : prompt ? ' with a device code' : '';
	const lines: Line[] = [{key: 'h', text: `Sign in to Microsoft Entra ID${how}`, bold: true}, {key: 'b0', text: ''}];
	// Also while the saved sign-in is tried, or an app-only credential gets its token: no prompt yet.
	if (frame.phase === 'starting') lines.push({key: 's', text: 'Signing in…'});
	if (prompt?.reason) lines.push(...wrapped('r', prompt.reason, width, {color: 'yellow'}), {key: 'b-r', text: ''});
	if (prompt?.kind === 'browser') {
		const port = prompt.redirectPort;
		lines.push(
			{key: 'p1', text: 'Open this address in a browser:'},
			...wrapped('p2', prompt.url, width, {bold: true, color: 'cyan'}),
			{key: 'b1', text: ''},
			...wrapped('p3', `It returns to http://localhost:${port} on this host. Over SSH, forward that port first: ssh -L ${port}:127.0.0.1:${port} <this host>`, width),
			{key: 'p5', text: 'Waiting for you to finish signing in…   Esc cancels.', dim: true},
		);
	} else if (prompt) {
		const left = Math.max(0, Math.round((prompt.expiresAt - now) / 1000));
		const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
		lines.push(
			{key: 'p1', text: 'On any device with a browser, open'},
			{key: 'p2', text: `    ${clean(prompt.verificationUri)}`, bold: true, color: 'cyan'},
			{key: 'p3', text: 'and enter the code'},
			{key: 'p4', text: `    ${clean(prompt.userCode).split('').join(' ')}`, bold: true, color: 'yellow'},
			{key: 'b1', text: ''},
			{key: 'p5', text: `The code expires in ${clock}. Waiting for you to finish signing in…   Esc cancels.`, dim: true},
		);
	}
	if (frame.phase === 'cancelled') lines.push({key: 'c', text: 'Sign-in cancelled. Press r to start again, or q to quit.'});
	if (frame.phase === 'error') {
		lines.push(...wrapped('e', frame.error ?? 'Sign-in failed.', width, {color: 'red'}), {key: 'next-step', text: 'Press r to try again, or q to quit.'});
	}
	return lines;
}

/** The body of the current screen as at most `height` lines, plus the right-hand position text. */
function bodyLines(state: AppState, height: number, width: number): {header?: string; lines: Line[]; position?: string} {
	const frame = topFrame(state);
	if (state.help) {
		const all = helpLines(state);
		const top = state.help.offset;
		const last = Math.min(all.length, top + height);
		const shown = all.slice(top, top + height).map((line, index) => ({key: `help-${top + index}`, ...line}));
		return {lines: shown, position: all.length > height ? `lines ${top + 1}–${last}/${all.length}` : ''};
	}
	if (state.modal) return {lines: modalLines(state, height, width)};
	if (frame.kind === 'signIn') return {lines: signInLines(frame, Date.now(), width)};
	if ((frame.kind === 'apps' || frame.kind === 'schema') && frame.status !== 'ready') {
		if (frame.status === 'error') {
			return {
				lines: [
					...wrapped('e', frame.error ?? 'Loading failed.', width, {color: 'red'}),
					{key: 'next-step', text: 'Press r to retry, Esc to go back, q to quit.'},
				],
			};
		}
		const progress = frame.kind === 'apps' && frame.progress ? ` ${frame.progress.done}/${frame.progress.total} service principals checked` : '';
		const what = frame.kind === 'apps' ? 'Finding apps with provisioning jobs…' : 'Loading the schema…';
		return {lines: [{key: 'l', text: what + progress}]};
	}
	if (frame.kind === 'history' && frameRows(frame).length === 0) {
		const text = frame.status === 'error' ? (frame.error ?? 'No history.') : frame.status === 'loading' ? 'Looking for versions…' : 'No versions of this job yet: a backup is saved before every write (--history-dir adds exports).';
		return {lines: wrapped('empty', text, width, {dim: true})};
	}
	if (frame.kind === 'logs' && frameRows(frame).length === 0) {
		const text = frame.status === 'error' ? `✗ ${frame.error ?? 'Could not read the provisioning logs.'} ${logsCommandHint(frame.target)}` : frame.status === 'loading' ? 'Reading the provisioning logs…' : 'No provisioning events of this job in the last 30 days (r reads again).';
		return {lines: wrapped('empty', text, width, {dim: frame.status !== 'error', color: frame.status === 'error' ? 'red' : undefined})};
	}
	if ((frame.kind === 'changes' || frame.kind === 'backups') && frameRows(frame).length === 0) {
		const text = frame.kind === 'changes' ? 'No pending changes.' : frame.status === 'error' ? (frame.error ?? 'No backups.') : frame.status === 'loading' ? 'Looking for backups…' : 'No backups of this job yet: one is saved before every write.';
		return {lines: wrapped('empty', text, width, {dim: true})};
	}
	if (isTextFrame(frame)) {
		const all = textLines(frame, width);
		const top = frame.list.offset;
		const shown = all.slice(top, top + height).map((text, index) => ({key: String(top + index), text}));
		const last = Math.min(all.length, top + height);
		const header = frame.kind === 'plan' || frame.kind === 'expressionTest' || frame.kind === 'compare' || frame.kind === 'job' || frame.kind === 'provision' || frame.kind === 'logEvent' ? '' : 'Field               Value';
		return {header, lines: shown, position: all.length > height ? `lines ${top + 1}–${last}/${all.length}` : ''};
	}
	const specs = fitColumnsToContent(frameColumns(frame), frameRows(frame));
	const widths = layoutColumns(specs, width - 2);
	const rows = filterRows(frameRows(frame), frame.list.filter);
	const {cursor, offset} = frame.list;
	const lines: Line[] = rows.slice(offset, offset + height).map((row, index) => {
		const active = offset + index === cursor;
		return {key: row.key, text: `${active ? '›' : ' '} ${formatRow(row.cells, widths, specs)}`, inverse: active};
	});
	if (rows.length === 0) {
		lines.push({key: 'empty', text: frame.list.filter ? `  Nothing matches “${clean(frame.list.filter)}”. Esc clears the filter.` : '  (empty)', dim: true});
	}
	const total = frameRows(frame).length;
	const position = rows.length === 0 ? `0/${total}` : frame.list.filter ? `${cursor + 1}/${rows.length} of ${total}` : `${cursor + 1}/${total}`;
	return {header: `  ${formatRow(specs.map((spec) => spec.title), widths)}`, lines, position};
}

function modalLines(state: AppState, height: number, width: number): Line[] {
	const modal = state.modal!;
	const lines: Line[] = [{key: 'modal-title', text: clean(modal.title), bold: true}];
	if (modal.kind === 'confirm' || modal.kind === 'notice') {
		for (const [index, line] of modal.lines.entries()) {
			lines.push(...wrapped(`modal-${index}`, line, width));
			// A path to copy goes on its own line, whole: split only where the terminal itself is narrower than it.
			if (index === 0 && modal.kind === 'notice') for (const [at, path] of (modal.paths ?? []).entries()) lines.push(...pathLines(`modal-path-${at}`, path, width));
		}
		return lines;
	}
	if (modal.kind === 'prompt') {
		if (modal.hint) lines.push(...wrapped('modal-hint', modal.hint, width, {dim: true}));
		const cursor = cursorOf(modal);
		// The text field, wrapped (never cut), with the cursor where ←/→ put it.
		lines.push(...wrapped('modal-value', `> ${modal.value.slice(0, cursor)}▏${modal.value.slice(cursor)}`, width, {color: 'cyan'}));
		if (modal.error) lines.push(...wrapped('modal-error', modal.error, width, {color: 'red'}));
		const suggestions = matchingSuggestions(modal, 12);
		if (suggestions.length > 0) {
			const chosen = modal.completion?.index;
			const shown = suggestions.map((suggestion, index) => (index === chosen ? `[${suggestion}]` : suggestion)).join('  ');
			const more = modal.completion && modal.completion.candidates.length > suggestions.length ? `  (+${modal.completion.candidates.length - suggestions.length})` : '';
			lines.push(...wrapped('modal-suggest', `Tab: ${shown}${more}`, width, {dim: true}).slice(0, 3));
		}
		return lines;
	}
	if (modal.hint) lines.push(...wrapped('modal-hint', modal.hint, width, {dim: true}));
	if (modal.error) lines.push(...wrapped('modal-error', modal.error, width, {color: 'red'}));
	if (modal.menu) {
		const rows = Math.min(modal.options.length, Math.max(1, height - lines.length));
		lines.push({key: 'modal-menu', text: '', menu: {modal, rows}});
		return lines;
	}
	const rows = filterRows(modal.options, modal.list.filter);
	lines.push({key: 'modal-filter', text: modal.list.filter ? `filter: ${modal.list.filter}  (${rows.length} of ${modal.options.length})` : 'type to narrow, ↑↓ choose, Enter accept', dim: true});
	const visible = Math.max(1, height - lines.length);
	const offset = Math.max(0, Math.min(modal.list.offset, modal.list.cursor), modal.list.cursor - visible + 1);
	for (const [index, option] of rows.slice(offset, offset + visible).entries()) {
		const active = offset + index === modal.list.cursor;
		const note = option.cells[1] ? `  (${option.cells[1]})` : '';
		lines.push({key: `opt-${option.key}`, text: `${active ? '›' : ' '} ${option.cells[0] ?? ''}${note}`, inverse: active, dim: Boolean(note) && !active});
	}
	return lines;
}

function statusLine(state: AppState): Line {
	const frame = topFrame(state);
	if (frame.kind === 'plan' && state.message?.kind !== 'error') {
		return {key: 'status', text: clean(planStatus(frame)), color: frame.status === 'confirm' ? 'yellow' : frame.status === 'done' ? 'green' : undefined};
	}
	if (frame.list.filtering) return {key: 'status', text: `/${clean(frame.list.filter)}▏  (Enter opens a lone row, else keeps · Esc clears)`, color: 'cyan'};
	if (state.message) {
		const {text, path} = state.message;
		return {key: 'status', text: clean(path ? `${text} ${path}` : text), color: state.message.kind === 'error' ? 'red' : 'green'};
	}
	if (frame.list.filter) return {key: 'status', text: `filter: ${clean(frame.list.filter)}  (Esc clears)`, dim: true};
	return {key: 'status', text: ''};
}

/** Keys in the footer, as many as fit; `last` (the `?` help) is always shown. */
function fitFooter(bindings: readonly KeyBinding[], width: number, last?: KeyBinding): string {
	const entries = bindings.filter((binding) => binding !== last).map((binding) => `${binding.label} ${binding.help}`);
	const tail = last ? `${last.label} ${last.help}` : '';
	const room = width - (tail ? cellWidth(tail) + 2 : 0);
	const shown: string[] = [];
	let used = 0;
	for (const entry of entries) {
		const cost = cellWidth(entry) + (shown.length > 0 ? 2 : 0);
		if (used + cost > room) break;
		shown.push(entry);
		used += cost;
	}
	return [...shown, ...(tail ? [tail] : [])].join('  ');
}

/** The footer of the context the keys go to, generated from the key table like the `?` help. */
function footerLine(state: AppState, width: number): string {
	if (state.help) return fitFooter(footerBindings(helpCommands, 'help'), width);
	const modal = state.modal;
	if (modal) {
		if (modal.kind === 'notice') return modal.enterOpensRow ? `Enter ${modal.enterOpensRow}  Esc back` : 'Enter close';
		const context = modal.kind === 'prompt' ? 'text' : modal.kind === 'choice' && modal.menu ? 'menu' : modal.kind;
		const commands = context === 'text' ? textFieldCommands : context === 'menu' ? menuCommands : context === 'choice' ? choiceCommands : confirmCommands;
		return fitFooter(footerBindings(commands, context), width);
	}
	const frame = topFrame(state);
	if (frame.kind === 'plan' && frame.status === 'confirm') return `type the name  ${fitFooter(footerBindings(planConfirmCommands, 'plan'), width - 15)}`;
	if (frame.list.filtering) return fitFooter(footerBindings(filterCommands, 'filter'), width);
	const available = availableCommands(frame, state.readOnly);
	return fitFooter(footerBindings(available), width, bindingFor('help'));
}

/** Re-renders once a second while a device code is on screen, for the countdown. */
function useCountdownTick(active: boolean): void {
	const [, setTick] = useState(0);
	useEffect(() => {
		if (!active) return;
		const timer = setInterval(() => setTick((tick) => tick + 1), 1000);
		return () => clearInterval(timer);
	}, [active]);
}

export function Screen({state}: {state: AppState}) {
	const frame = topFrame(state);
	useCountdownTick(frame.kind === 'signIn' && frame.phase === 'prompt');
	const width = Math.max(10, state.viewport.columns);
	const height = listViewportRows(state.viewport);
	const body = bodyLines(state, height, width);
	const title = frameTitle(frame);
	const position = body.position ?? '';
	// The position follows the title closely rather than sitting at the right edge: the title line is
	// rewritten on every move, and 140 spaces of padding would be sent with it each time.
	const titleText = truncate(title, Math.max(1, width - position.length - 3));
	const gap = position ? 3 : 0;
	const lines: Line[] = [
		{key: 'crumb', text: truncate(breadcrumb(state), width), dim: true},
		{key: 'title', text: `${titleText}${' '.repeat(gap)}${position}`.trimEnd(), bold: true},
		{key: 'header', text: truncate(body.header ?? '', width), dim: true},
		...body.lines.slice(0, height),
	];
	// Pad the body so the status and footer stay on the bottom lines.
	const bodyHeight = body.lines.slice(0, height).reduce((sum, line) => sum + (line.menu ? line.menu.rows : 1), 0);
	for (let index = bodyHeight; index < height; index++) lines.push({key: `pad${index}`, text: ''});
	lines.push(statusLine(state), {key: 'footer', text: truncate(footerLine(state, width), width), dim: true});
	const maxLines = Math.max(1, state.viewport.rows - 1);
	return (
		<Box flexDirection="column" width={width}>
			{lines.slice(0, maxLines).map(({key, text, menu, ...style}) =>
				menu ? (
					<ShortMenu key={menuInstanceKey(menu.modal)} modal={menu.modal} visible={menu.rows} width={width} Line={ScreenLine} />
				) : (
					<ScreenLine key={key} text={truncate(text, width)} {...style} />
				),
			)}
		</Box>
	);
}
