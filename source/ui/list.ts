/**
 * A windowed, filterable list as pure state: the reducer never renders more rows than fit, and
 * because moves are computed from state (not from render-time closures) type-ahead applies in order.
 */

export type Row = {
	/** Stable React key. */
	key: string;
	/** Cell texts, already sanitised for the terminal. */
	cells: string[];
	/** Lower-cased text the `/` filter matches against. */
	search: string;
	/** Index of the row in the unfiltered list (what `open` acts on). */
	index: number;
	/** Lower-cased name of what the row lists, when it has one: a filter equal to it or starting it ranks the row first. */
	name?: string;
};

export type ListState = {
	/** Position in the filtered rows. */
	cursor: number;
	/** First visible filtered row. */
	offset: number;
	/** Applied filter text (lower-case match). */
	filter: string;
	/** True while the user is typing a filter. */
	filtering: boolean;
};

export const initialList: ListState = {cursor: 0, offset: 0, filter: '', filtering: false};

export type ListMove = 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';

/** Per row list, the answers for the filter being typed and its prefixes, shortest first. */
/** Per row list, the answers for the filter being typed and its prefixes, shortest first (matches in list order, and ranked). */
const filteredCache = new WeakMap<readonly Row[], Array<{needle: string; matches: readonly Row[]; ranked: readonly Row[]}>>();

/**
 * Rows matching a filter (case-insensitive substring), the row named exactly so first, then the rows whose name
 * starts so, then the rest, each in list order: `/mail` puts `mail` above `extensionAttribute1 ← mail`, so the
 * cursor (on the first row) is on what the admin named. A filter typed one character at a time only narrows:
 * each answer is searched within the matches of its longest cached prefix, so only the first character scans
 * the whole list (a 20,000-row list takes a few ms once, not on every character).
 */
export function filterRows(rows: readonly Row[], filter: string): readonly Row[] {
	if (!filter) return rows;
	const needle = filter.toLowerCase();
	const chain = (filteredCache.get(rows) ?? []).filter((entry) => needle.startsWith(entry.needle));
	const nearest = chain.at(-1);
	if (nearest?.needle === needle) return nearest.ranked;
	// Every row holding the needle holds its prefix too, so the prefix's matches are a superset, in list order.
	const matches = (nearest?.matches ?? rows).filter((row) => row.search.includes(needle));
	const exact: Row[] = [];
	const prefix: Row[] = [];
	const rest: Row[] = [];
	for (const row of matches) {
		if (row.name === needle) exact.push(row);
		else if (row.name?.startsWith(needle)) prefix.push(row);
		else rest.push(row);
	}
	const ranked = exact.length + prefix.length === 0 ? matches : [...exact, ...prefix, ...rest];
	chain.push({needle, matches, ranked});
	filteredCache.set(rows, chain);
	return ranked;
}

/** The row the filter names exactly (its name, ignoring case), when exactly one row has that name. */
export function namedRow(rows: readonly Row[], filter: string): Row | undefined {
	const needle = filter.toLowerCase();
	const named = filterRows(rows, filter).filter((row) => row.name === needle);
	return named.length === 1 ? named[0] : undefined;
}

function clamp(value: number, min: number, max: number): number {
	return Math.max(min, Math.min(max, value));
}

/** Keeps the cursor inside the list and the window around the cursor. */
export function fitWindow(state: ListState, count: number, viewportRows: number): ListState {
	const rows = Math.max(1, viewportRows);
	const cursor = clamp(state.cursor, 0, Math.max(0, count - 1));
	let offset = clamp(state.offset, cursor - rows + 1, cursor);
	offset = clamp(offset, 0, Math.max(0, count - rows));
	if (cursor === state.cursor && offset === state.offset) return state;
	return {...state, cursor, offset};
}

export function moveList(state: ListState, move: ListMove, count: number, viewportRows: number): ListState {
	const page = Math.max(1, viewportRows - 1);
	const last = Math.max(0, count - 1);
	const target = {
		up: state.cursor - 1,
		down: state.cursor + 1,
		pageUp: state.cursor - page,
		pageDown: state.cursor + page,
		home: 0,
		end: last,
	}[move];
	const cursor = clamp(target, 0, last);
	let offset = state.offset;
	// PgUp/PgDn scroll the window by a page as well, like a pager, instead of dragging the cursor to the edge.
	if (move === 'pageDown') offset += page;
	if (move === 'pageUp') offset -= page;
	// Stepping past an edge turns the page (keeping one row of context) instead of scrolling by one
	// row: over SSH a one-row scroll redraws every row, a page turn does so once per page.
	const rows = Math.max(1, viewportRows);
	if (move === 'down' && cursor > offset + rows - 1) offset = cursor - 1;
	if (move === 'up' && cursor < offset) offset = cursor - rows + 2;
	return fitWindow({...state, cursor, offset}, count, viewportRows);
}

/** Scrolling for text views: the "cursor" is the top line. */
export function scrollText(state: ListState, move: ListMove, lineCount: number, viewportRows: number): ListState {
	const maxTop = Math.max(0, lineCount - viewportRows);
	const page = Math.max(1, viewportRows - 1);
	const top = {
		up: state.offset - 1,
		down: state.offset + 1,
		pageUp: state.offset - page,
		pageDown: state.offset + page,
		home: 0,
		end: maxTop,
	}[move];
	const offset = clamp(top, 0, maxTop);
	return offset === state.offset ? state : {...state, offset, cursor: offset};
}
