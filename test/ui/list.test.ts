import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {filterRows, fitWindow, initialList, moveList, namedRow, type Row, scrollText} from '../../source/ui/list.js';
import {fitToWidth, formatRow, layoutColumns, truncate} from '../../source/ui/text.js';

const rows: Row[] = Array.from({length: 136}, (_, index) => ({key: String(index), index, cells: [`attr${index}`], search: `attr${index}`}));

describe('windowed list', () => {
	it('keeps the cursor inside the window, turning a page when it steps past an edge', () => {
		let state = initialList;
		for (let step = 0; step < 9; step++) state = moveList(state, 'down', rows.length, 10);
		expect(state).toMatchObject({cursor: 9, offset: 0});
		state = moveList(state, 'down', rows.length, 10);
		expect(state).toMatchObject({cursor: 10, offset: 9}); // one row of context above
		for (let step = 0; step < 20; step++) state = moveList(state, 'down', rows.length, 10);
		expect(state).toMatchObject({cursor: 30, offset: 27});
		state = moveList(state, 'up', rows.length, 10);
		expect(state).toMatchObject({cursor: 29, offset: 27});
		for (let step = 0; step < 3; step++) state = moveList(state, 'up', rows.length, 10);
		expect(state).toMatchObject({cursor: 26, offset: 18}); // one row of context below
	});

	it('stops at both ends instead of wrapping around', () => {
		expect(moveList(initialList, 'up', rows.length, 10).cursor).toBe(0);
		const end = moveList(initialList, 'end', rows.length, 10);
		expect(end).toMatchObject({cursor: 135, offset: 126});
		expect(moveList(end, 'down', rows.length, 10).cursor).toBe(135);
	});

	it('pages by a screen and scrolls the window with it', () => {
		const paged = moveList(initialList, 'pageDown', rows.length, 10);
		expect(paged.cursor).toBe(9);
		expect(paged.offset).toBe(9);
		expect(moveList(paged, 'pageUp', rows.length, 10)).toMatchObject({cursor: 0, offset: 0});
	});

	it('refits after the viewport shrinks', () => {
		const state = {...initialList, cursor: 50, offset: 45};
		expect(fitWindow(state, rows.length, 3)).toMatchObject({cursor: 50, offset: 48});
		expect(fitWindow({...state, cursor: 500}, 10, 3)).toMatchObject({cursor: 9, offset: 7});
	});

	it('filters case-insensitively and copes with an empty list', () => {
		expect(filterRows(rows, 'ATTR13').map((row) => row.index)).toEqual([13, 130, 131, 132, 133, 134, 135]);
		expect(moveList(initialList, 'end', 0, 10)).toMatchObject({cursor: 0, offset: 0});
	});

	it('answers a filter typed, corrected and retyped character by character exactly as a fresh search would', () => {
		const words = fc.array(fc.constantFrom('a', 'b', 'B', 'ab', 'ba', 'x'), {maxLength: 4}).map((parts) => parts.join(''));
		// Half the rows have a name (ranked first when the filter names it or starts it), as attribute mappings do.
		const list = fc.array(words, {maxLength: 40}).map((texts) =>
			texts.map((text, index): Row => ({key: String(index), index, cells: [text], search: text.toLowerCase(), name: index % 2 === 0 ? text.toLowerCase() : undefined})),
		);
		const fresh = (rowsUnderTest: readonly Row[], needle: string) => {
			const matches = rowsUnderTest.filter((row) => row.search.includes(needle));
			return [...matches.filter((row) => row.name === needle), ...matches.filter((row) => row.name !== needle && row.name?.startsWith(needle)), ...matches.filter((row) => !row.name?.startsWith(needle))];
		};
		// Each step types a character or deletes the last one, as at the `/` prompt.
		const steps = fc.array(fc.constantFrom('a', 'b', 'B', 'x', '⌫'), {maxLength: 12});
		fc.assert(
			fc.property(list, steps, (rowsUnderTest, keys) => {
				let filter = '';
				for (const key of keys) {
					filter = key === '⌫' ? filter.slice(0, -1) : filter + key;
					const expected = filter ? fresh(rowsUnderTest, filter.toLowerCase()) : rowsUnderTest;
					expect(filterRows(rowsUnderTest, filter)).toEqual(expected);
				}
			}),
			{numRuns: 300},
		);
	});

	it('ranks the row named as the filter first, then names starting so, the rest in list order', () => {
		const named = (index: number, name: string, other = ''): Row => ({key: String(index), index, cells: [name, other], search: `${name} ${other}`.toLowerCase(), name: name.toLowerCase()});
		const list = [named(0, 'Alias', 'mailNickname'), named(1, 'extensionAttribute1', 'mail'), named(2, 'mailNickname'), named(3, 'Mail'), named(4, 'x')];
		expect(filterRows(list, 'MAIL').map((row) => row.index)).toEqual([3, 2, 0, 1]);
		expect(namedRow(list, 'mail')?.index).toBe(3);
		expect(namedRow(list, 'mai')).toBeUndefined();
		// Rows without a name (choice lists) keep their order.
		expect(filterRows(rows, 'attr13').map((row) => row.index)).toEqual([13, 130, 131, 132, 133, 134, 135]);
		// Two rows of one name: the filter names neither.
		expect(namedRow([...list, named(5, 'mail')], 'mail')).toBeUndefined();
	});

	it('scrolls text views by lines without running past the end', () => {
		const down = scrollText(initialList, 'pageDown', 25, 10);
		expect(down.offset).toBe(9);
		expect(scrollText(down, 'end', 25, 10).offset).toBe(15);
		expect(scrollText(initialList, 'down', 5, 10)).toBe(initialList);
	});
});

describe('text fitting', () => {
	it('truncates by terminal cells, wide characters included', () => {
		expect(truncate('abcdef', 4)).toBe('abc…');
		expect(truncate('日本語のテキスト', 7)).toBe('日本語…');
		expect(fitToWidth('ab', 4)).toBe('ab  ');
	});

	it('lays out columns that never exceed the width', () => {
		const widths = layoutColumns(
			[
				{title: 'a', weight: 1, min: 10},
				{title: 'b', weight: 0, min: 5, max: 5},
				{title: 'c', weight: 2, min: 10},
			],
			80,
		);
		expect(widths.reduce((sum, width) => sum + width, 0) + 2).toBeLessThanOrEqual(80);
		expect(formatRow(['x'.repeat(100), 'yy', 'z'], widths).length).toBeLessThanOrEqual(80);
	});
});
