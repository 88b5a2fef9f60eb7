/** What a headless xterm shows, cell by cell with the styles a user sees, for comparing two screens. */
import type xterm from '@xterm/headless';

type Terminal = InstanceType<typeof xterm.Terminal>;

/**
 * Each row as text with its styles marked where they change, e.g. `{i}› Alias   {}  Always`: i inverse,
 * b bold, d dim, u underline, f<n>/g<n> foreground/background colour. Trailing unstyled blanks are left out.
 */
export function styledRows(terminal: Terminal): string[] {
	const buffer = terminal.buffer.active;
	const cell = buffer.getNullCell();
	const rows: string[] = [];
	for (let y = 0; y < terminal.rows; y++) {
		const line = buffer.getLine(buffer.viewportY + y);
		const cells: Array<{chars: string; style: string}> = [];
		for (let x = 0; line && x < terminal.cols; x++) {
			line.getCell(x, cell);
			// The right half of a wide character: its left half already stands for it.
			if (cell.getWidth() === 0) continue;
			const style = [
				cell.isInverse() ? 'i' : '',
				cell.isBold() ? 'b' : '',
				cell.isDim() ? 'd' : '',
				cell.isUnderline() ? 'u' : '',
				cell.isFgDefault() ? '' : `f${cell.getFgColor()}`,
				cell.isBgDefault() ? '' : `g${cell.getBgColor()}`,
			].join('');
			cells.push({chars: cell.getChars() || ' ', style});
		}
		while (cells.length > 0 && cells.at(-1)!.chars === ' ' && cells.at(-1)!.style === '') cells.pop();
		let text = '';
		let style = '';
		for (const each of cells) {
			if (each.style !== style) text += `{${each.style}}`;
			style = each.style;
			text += each.chars;
		}
		rows.push(text);
	}
	return rows;
}

/** Resolves once everything written to the terminal so far has been parsed into its screen. */
export function settled(terminal: Terminal): Promise<void> {
	return new Promise((resolve) => terminal.write('', resolve));
}
