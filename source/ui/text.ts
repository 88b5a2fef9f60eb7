import stringWidth from 'string-width';

/** Cuts text to at most `width` terminal cells, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	// Fast path: plain ASCII is one cell per character.
	if (/^[\x20-\x7e]*$/.test(text)) {
		return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
	}
	if (cellWidth(text) <= width) return text;
	let result = '';
	let used = 0;
	const segmenter = new Intl.Segmenter();
	for (const {segment} of segmenter.segment(text)) {
		const cells = cellWidth(segment);
		if (used + cells > width - 1) break;
		result += segment;
		used += cells;
	}
	return `${result}…`;
}

/**
 * Cuts text to at most `width` cells in the middle, keeping both ends: names that differ only at the end
 * (`ExtensionAttribute1` … `ExtensionAttribute15`, `msExchExtensionCustomAttribute3`) stay told apart.
 */
export function truncateMiddle(text: string, width: number): string {
	if (width <= 0) return '';
	if (cellWidth(text) <= width) return text;
	if (width < 6) return truncate(text, width);
	const segments = [...new Intl.Segmenter().segment(text)].map(({segment}) => segment);
	const tailWidth = Math.floor((width - 1) * 0.45);
	const headWidth = width - 1 - tailWidth;
	let head = '';
	let used = 0;
	for (const segment of segments) {
		const cells = cellWidth(segment);
		if (used + cells > headWidth) break;
		head += segment;
		used += cells;
	}
	let tail = '';
	used = 0;
	for (let index = segments.length - 1; index >= 0; index--) {
		const cells = cellWidth(segments[index]!);
		if (used + cells > tailWidth) break;
		tail = segments[index]! + tail;
		used += cells;
	}
	return `${head}…${tail}`;
}

/** Splits text after its first `cells` terminal cells (a wide character that would straddle the split goes right). */
export function splitAtCell(text: string, cells: number): [string, string] {
	if (/^[\x20-\x7e]*$/.test(text)) return [text.slice(0, cells), text.slice(cells)];
	let used = 0;
	let end = 0;
	for (const {segment} of new Intl.Segmenter().segment(text)) {
		const width = cellWidth(segment);
		if (used + width > cells) break;
		used += width;
		end += segment.length;
	}
	return [text.slice(0, end), text.slice(end)];
}

const nonAsciiWidths = new Map<string, number>();

/** How many terminal cells text takes (remembered for non-ASCII text: footers and breadcrumbs are measured on every frame). */
export function cellWidth(text: string): number {
	if (/^[\x20-\x7e]*$/.test(text)) return text.length;
	let width = nonAsciiWidths.get(text);
	if (width === undefined) {
		width = stringWidth(text);
		if (nonAsciiWidths.size >= 5000) nonAsciiWidths.clear();
		nonAsciiWidths.set(text, width);
	}
	return width;
}

/** Truncates or pads text to exactly `width` cells. */
export function fitToWidth(text: string, width: number): string {
	const cut = truncate(text, width);
	const cells = cellWidth(cut);
	return cells >= width ? cut : cut + ' '.repeat(width - cells);
}

export type ColumnSpec = {
	title: string;
	/** Share of the spare width. */
	weight: number;
	/** Width never shrunk below this (unless the terminal is tiny). */
	min: number;
	/** Width never grown beyond this. */
	max?: number;
	/** Where a too-long cell is cut: identifying columns keep both ends (default: the end). */
	cut?: 'end' | 'middle';
};

/** Splits the terminal width among columns (a single space between them). */
export function layoutColumns(specs: readonly ColumnSpec[], totalWidth: number): number[] {
	const gaps = Math.max(0, specs.length - 1);
	const available = Math.max(specs.length, totalWidth - gaps);
	const minimum = specs.reduce((sum, spec) => sum + spec.min, 0);
	if (minimum >= available) {
		// Tiny terminal: shrink proportionally, first column first to keep the rest readable.
		const scale = available / minimum;
		return specs.map((spec) => Math.max(1, Math.floor(spec.min * scale)));
	}
	const spare = available - minimum;
	const totalWeight = specs.reduce((sum, spec) => sum + spec.weight, 0) || 1;
	const widths = specs.map((spec) => {
		const grown = spec.min + Math.floor((spare * spec.weight) / totalWeight);
		return spec.max === undefined ? grown : Math.min(spec.max, grown);
	});
	// What capped columns could not use goes to the last one (usually free text such as a source).
	const used = widths.reduce((sum, width) => sum + width, 0);
	const last = specs.length - 1;
	if (last >= 0 && specs[last]!.max === undefined) widths[last]! += Math.max(0, available - used);
	return widths;
}

/** One table line: cells fitted to their widths, the last one not padded (saves bytes per redraw). */
export function formatRow(cells: readonly string[], widths: readonly number[], specs?: readonly Pick<ColumnSpec, 'cut'>[]): string {
	const parts: string[] = [];
	for (let index = 0; index < widths.length; index++) {
		const width = widths[index] ?? 0;
		const cell = specs?.[index]?.cut === 'middle' ? truncateMiddle(cells[index] ?? '', width) : (cells[index] ?? '');
		parts.push(index === widths.length - 1 ? truncate(cell, width) : fitToWidth(cell, width));
	}
	return parts.join(' ').trimEnd();
}

/** Word-wraps text into lines of at most `width` cells (long words are cut), for messages that must be read whole. */
export function wrap(text: string, width: number): string[] {
	const limit = Math.max(1, width);
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		let rest = word;
		while (stringWidth(rest) > limit) {
			if (line) {
				lines.push(line);
				line = '';
			}
			const head = truncate(rest, limit + 1).replace(/…$/, '');
			lines.push(head);
			rest = rest.slice(head.length);
		}
		if (!line) line = rest;
		else if (stringWidth(line) + 1 + stringWidth(rest) <= limit) line += ` ${rest}`;
		else {
			lines.push(line);
			line = rest;
		}
	}
	if (line) lines.push(line);
	return lines.length > 0 ? lines : [''];
}

/**
 * A breadcrumb in `width` cells. The longest middle parts give way first (each becomes `…`, neighbours merged), so
 * the first part (tenant or file), the app, the job and the place the admin is at (the last part) stay readable.
 */
export function fitTrail(parts: readonly string[], width: number, separator = ' › '): string {
	// A long last part (an object mapping's name) keeps both ends in half the width, so the app and job can stay too.
	const shown: Array<string | undefined> = parts.map((part, index) => (index === parts.length - 1 && parts.length > 1 && cellWidth(parts.join(separator)) > width ? truncateMiddle(part, Math.max(Math.floor(width / 2), 16)) : part));
	const render = () => shown.filter((part, index) => part !== undefined || shown[index - 1] !== undefined).map((part) => part ?? '…').join(separator);
	let trail = render();
	while (cellWidth(trail) > width) {
		let longest = -1;
		for (let index = shown.length - 2; index >= 1; index--) {
			if (shown[index] !== undefined && (longest < 0 || cellWidth(shown[index]!) > cellWidth(shown[longest]!))) longest = index;
		}
		if (longest < 0) break;
		shown[longest] = undefined;
		trail = render();
	}
	const lastIndex = shown.length - 1;
	if (cellWidth(trail) <= width && shown[lastIndex] !== parts[lastIndex]) {
		// The middle gave way after the last part was cut: give the last part the room that is left.
		const prefix = trail.slice(0, trail.length - shown[lastIndex]!.length);
		shown[lastIndex] = truncateMiddle(parts[lastIndex]!, width - cellWidth(prefix));
		trail = render();
	}
	if (cellWidth(trail) <= width) return trail;
	// Only the first and last are left and still too wide: the last part, cut in its middle if it must be.
	const last = parts.at(-1) ?? '';
	const alone = parts.length > 1 ? `…${separator}${last}` : last;
	return cellWidth(alone) <= width ? alone : truncateMiddle(last, width);
}

/** A path the admin copies, in pieces of `width` characters: cut only at the edge, nothing inserted or dropped. */
export function pathPieces(path: string, width: number): string[] {
	const pieces: string[] = [];
	for (let start = 0; start < path.length || start === 0; start += width) pieces.push(path.slice(start, start + width));
	return pieces;
}
