/** Tables, colour rules and the scope-in-words text, in process. */
import {describe, expect, it} from 'vitest';
import {describeFilter, markdownCode} from '../../source/explorer/docs.js';
import {describeInterval, describeLastRun, describeSchedule} from '../../source/commands/jobs.js';
import {colorEnabled, formatTable} from '../../source/commands/output.js';

describe('formatTable', () => {
	it('aligns columns by display width, wide characters included', () => {
		const table = formatTable(['NAME', 'JOBS'], [['人事', '1'], ['Workday', '12']], {color: false});
		expect(table).toBe('NAME     JOBS\n人事     1\nWorkday  12\n');
	});

	it('shows control characters from the server instead of obeying them', () => {
		const table = formatTable(['NAME', 'ID'], [['evil\u001b]52;c;aGk=\u0007\u202Ename', 'x']], {color: false});
		expect(table).not.toMatch(/[\u001b\u0007\u202E]/);
		expect(table).toContain('evil␛]52;c;aGk=␇⟨U+202E⟩name  x');
	});

	it('adds colour after measuring, so coloured and plain tables line up the same', () => {
		const rows = [['a', {text: 'Quarantine', color: 'red' as const}, 'x']];
		const plain = formatTable(['NAME', 'STATUS', 'ID'], rows, {color: false});
		const coloured = formatTable(['NAME', 'STATUS', 'ID'], rows, {color: true});
		expect(coloured).toContain('\u001b[31mQuarantine\u001b[39m');
		expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
	});
});

describe('colorEnabled', () => {
	const terminal = {isTTY: true};
	const pipe = {isTTY: false};
	it('colours a terminal, not a pipe, unless told otherwise; NO_COLOR always wins', () => {
		expect(colorEnabled(terminal, {})).toBe(true);
		expect(colorEnabled(pipe, {})).toBe(false);
		expect(colorEnabled(terminal, {TERM: 'dumb'})).toBe(false);
		expect(colorEnabled(terminal, {NO_COLOR: '1'})).toBe(false);
		expect(colorEnabled(terminal, {NO_COLOR: ''})).toBe(true);
		expect(colorEnabled(pipe, {FORCE_COLOR: '1'})).toBe(true);
		expect(colorEnabled(terminal, {FORCE_COLOR: '0'})).toBe(false);
		expect(colorEnabled(pipe, {FORCE_COLOR: '1', NO_COLOR: '1'})).toBe(false);
	});
});

describe('job columns', () => {
	it('says when a job last ran, in UTC', () => {
		expect(describeLastRun({state: 'Succeeded', timeBegan: '2025-06-02T07:50:00Z', timeEnded: '2025-06-02T07:51:30.123Z'})).toBe('2025-06-02 07:51 Succeeded');
		expect(describeLastRun({state: 'Failed', timeBegan: '2025-06-02T09:50:00+02:00', timeEnded: null})).toBe('2025-06-02 07:50 Failed');
		expect(describeLastRun({timeBegan: '0001-01-01T00:00:00Z', timeEnded: '0001-01-01T00:00:00Z'})).toBe('never');
		expect(describeLastRun(null)).toBe('never');
	});

	it('reads ISO 8601 intervals, and knows TimeSpan.MaxValue means no schedule', () => {
		expect(describeInterval('PT40M')).toBe('40 min');
		expect(describeInterval('P1DT2H')).toBe('1 d 2 h');
		expect(describeInterval('P10675199DT2H48M5.4775807S')).toBeUndefined();
		expect(describeInterval('weekly')).toBeUndefined();
		expect(describeSchedule({id: 'j', schedule: {interval: 'PT2M', state: 'Active'}})).toBe('every 2 min');
		expect(describeSchedule({id: 'j', schedule: {interval: 'P10675199DT2H48M5.4775807S', state: 'Disabled'}})).toBe('Disabled');
		expect(describeSchedule({id: 'j', schedule: {interval: 'PT40M', state: 'Paused'}})).toBe('Paused (every 40 min)');
	});
});

describe('the scope in words', () => {
	it('joins clauses with AND and groups with OR, and labels filter sets when there are several', () => {
		const clause = (sourceOperandName: string, operatorName: string, ...values: string[]) => ({
			sourceOperandName,
			operatorName,
			targetOperand: values.length > 0 ? {values} : null,
		});
		expect(describeFilter(null)).toBe('all objects (no scoping filter)');
		expect(describeFilter({groups: [], inputFilterGroups: []})).toBe('all objects (no scoping filter)');
		expect(describeFilter({groups: [{name: 'g', clauses: [clause('isCriticalSystemObject', 'IS FALSE'), clause('adminDescription', 'NOT REGEX MATCH', '^User_')]}]})).toBe(
			'isCriticalSystemObject IS FALSE AND adminDescription NOT REGEX MATCH ^User_',
		);
		expect(describeFilter({groups: [{clauses: [clause('a', 'EQUALS', 'x', 'y')]}, {clauses: [clause('b', 'EQUALS', '')]}]})).toBe('(a EQUALS "x", "y") OR (b EQUALS "")');
		expect(describeFilter({groups: [{clauses: [clause('a', 'IS TRUE')]}], inputFilterGroups: [{clauses: [clause('b', 'IS NOT NULL')]}]})).toBe(
			'input filter: b IS NOT NULL; scoping filter: a IS TRUE',
		);
	});

	it('writes code spans that survive backticks', () => {
		expect(markdownCode('[mail]')).toBe('`[mail]`');
		expect(markdownCode('a`b')).toBe('``a`b``');
		expect(markdownCode('`x`')).toBe('`` `x` ``');
		expect(markdownCode('a|b', {inTable: true})).toBe('`a\\|b`');
		expect(markdownCode('')).toBe('(empty)');
	});
});
