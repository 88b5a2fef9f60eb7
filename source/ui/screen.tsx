/**
 * Thin views. The frame is a fixed stack of single-line <Text>s — breadcrumb, title, column header,
 * body, status, footer — never taller than rows−1, so Ink stays on its cheap incremental path.
 */
import {Box, Text} from 'ink';
import {memo, useEffect, useState} from 'react';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {helpLines} from './help.js';
import {footerBindings, type KeyBinding} from './keymap.js';
import {filterRows, type Row} from './list.js';
import {menuInstanceKey, ShortMenu} from './menu.js';
import {type ChoiceModal, cursorOf, matchingSuggestions} from './modal.js';
import {crumb, frameColumns, frameRows, frameTitle, isTextFrame, screenOf, textLines} from './screens/index.js';
import {type AppState, keyScope, listViewportRows, topFrame} from './state.js';
import {cellWidth, type ColumnSpec, fitTrail, formatRow, layoutColumns, pathPieces, splitAtCell, truncate, wrap} from './text.js';

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

/**
 * inverseCells: only the first cells in inverse video (the selected row's marker and first column, see bodyLines).
 * `menu`: where a short menu (ink-select-input) is drawn, `menu.rows` lines tall.
 */
type Line = {key: string; text: string; inverse?: boolean; inverseCells?: number; bold?: boolean; dim?: boolean; color?: string; menu?: {modal: ChoiceModal; rows: number}};

type ScreenLineProps = {text: string; inverse?: boolean; inverseCells?: number; bold?: boolean; dim?: boolean; color?: string};

/**
 * The one place text reaches the terminal: every line is stripped of control characters here, whatever screen,
 * modal or message it comes from, so no view can forget it. Primitive props only, so React skips rows whose text
 * did not change.
 */
const ScreenLine = memo(function ScreenLine({text, inverse, inverseCells, bold, dim, color}: ScreenLineProps) {
	const safe = clean(text) || ' ';
	if (inverseCells !== undefined) {
		const [head, tail] = splitAtCell(safe, inverseCells);
		return (
			<Text bold={bold} dimColor={dim} color={color} wrap="truncate-end">
				<Text inverse>{head}</Text>
				{tail}
			</Text>
		);
	}
	return (
		<Text inverse={inverse} bold={bold} dimColor={dim} color={color} wrap="truncate-end">
			{safe}
		</Text>
	);
});

function sourceLabel(state: AppState): string {
	return state.source.kind === 'file' ? state.source.path : state.source.label;
}

function breadcrumb(state: AppState, width: number): string {
	const parts = state.stack.map((frame) => crumb(frame, sourceLabel(state))).filter((part): part is string => Boolean(part));
	return parts.length === 0 ? 'provisioning-explorer' : fitTrail(parts.map(clean), width);
}


/** A path on lines of its own: one line when it fits, else cut at the width (never at a word, never with an ellipsis). */
function pathLines(key: string, path: string, width: number): Line[] {
	return pathPieces(clean(path), width).map((piece, index) => ({key: `${key}-${index}`, text: piece, bold: true}));
}

/** A message that must be read whole, wrapped over as many lines as it needs. */
function wrapped(key: string, text: string, width: number, style: Omit<Line, 'key' | 'text'> = {}): Line[] {
	return wrap(clean(text), width).map((line, index) => ({key: `${key}-${index}`, text: line, ...style}));
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
	const screen = screenOf(frame);
	if (screen.body) return {lines: screen.body(frame, width, Date.now())};
	const placeholder = screen.placeholder?.(frame);
	if (placeholder) {
		const style = placeholder.tone === 'error' ? {color: 'red'} : placeholder.tone === 'dim' ? {dim: true} : {};
		const lines = wrapped('empty', placeholder.text, width, style);
		return {lines: placeholder.nextStep ? [...lines, {key: 'next-step', text: placeholder.nextStep}] : lines};
	}
	if (isTextFrame(frame)) {
		const all = textLines(frame, width);
		const top = frame.list.offset;
		const shown = all.slice(top, top + height).map((text, index) => ({key: String(top + index), text}));
		const last = Math.min(all.length, top + height);
		return {header: screen.header ?? '', lines: shown, position: all.length > height ? `lines ${top + 1}–${last}/${all.length}` : ''};
	}
	const specs = fitColumnsToContent(frameColumns(frame), frameRows(frame));
	const widths = layoutColumns(specs, width - 2);
	const rows = filterRows(frameRows(frame), frame.list.filter);
	const {cursor, offset} = frame.list;
	const lines: Line[] = rows.slice(offset, offset + height).map((row, index) => {
		const active = offset + index === cursor;
		// The marker and the first column in inverse video, not the whole row: moving the cursor then rewrites
		// those cells of two rows (~130 B per ↓ at 160 columns) instead of both rows whole (~200–400 B).
		return {key: row.key, text: `${active ? '›' : ' '} ${formatRow(row.cells, widths, specs)}`, inverseCells: active ? 2 + (widths[0] ?? 0) : undefined};
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
			const shown = suggestions.map((suggestion, index) => (index === chosen ? `[${suggestion}]` : suggestion)).join(' · ');
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
	const own = screenOf(frame).status?.(frame);
	if (own && state.message?.kind !== 'error') return {key: 'status', text: clean(own.text), color: own.color};
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
		// A long entry that does not fit leaves room for shorter ones after it (the table order stays).
		if (used + cost > room) continue;
		shown.push(entry);
		used += cost;
	}
	return [...shown, ...(tail ? [tail] : [])].join('  ');
}

/**
 * The footer of the context the keys go to, generated from the key table like the `?` help. Wherever keys are
 * commands rather than typed text, `?` is among them and always shown (last, so it is never cut).
 */
export function footerLine(state: AppState, width: number): string {
	const {context, commands} = keyScope(state);
	const bindings = footerBindings(commands, context);
	return fitFooter(bindings, width, bindings.find((binding) => binding.command === 'help'));
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
	useCountdownTick(screenOf(frame).ticking?.(frame) ?? false);
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
		{key: 'crumb', text: breadcrumb(state, width), dim: true},
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
			{/* Keyed by screen row, not by what it shows: a page turn updates 39 lines instead of replacing them. */}
			{lines.slice(0, maxLines).map(({key, text, menu, ...style}, row) =>
				menu ? (
					<ShortMenu key={menuInstanceKey(menu.modal)} modal={menu.modal} visible={menu.rows} width={width} Line={ScreenLine} />
				) : (
					// biome-ignore lint/suspicious/noArrayIndexKey: the row on screen is the identity here
					<ScreenLine key={row} text={truncate(text, width)} {...style} />
				),
			)}
		</Box>
	);
}
