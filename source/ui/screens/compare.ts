/** Two versions of a job (or a version and live) compared by meaning: the text `diff` and `history compare` print. */
import {sanitizeForTerminal as clean} from '../../terminal/sanitize.js';
import type {CompareFrame} from '../state.js';
import {wrap} from '../text.js';
import {navigation, type ScreenKind, takeContext} from './types.js';

const cache = new WeakMap<CompareFrame, {columns: number; lines: string[]}>();

function compareLines(frame: CompareFrame, columns: number): string[] {
	if (frame.status === 'loading') return ['Comparing…'];
	if (frame.status === 'error') return wrap(clean(frame.error ?? 'The comparison failed.'), columns);
	const cached = cache.get(frame);
	if (cached?.columns === columns) return cached.lines;
	const lines: string[] = [];
	// The text is made terminal-safe where it is formatted (formatPlanText); lines are wrapped keeping their indent.
	for (const line of (frame.text ?? '').replace(/\n$/, '').split('\n')) {
		const indent = /^ */.exec(line)![0];
		if (line.trim() === '') lines.push('');
		else for (const part of wrap(line.slice(indent.length), Math.max(10, columns - indent.length))) lines.push(indent + part);
	}
	cache.set(frame, {columns, lines});
	return lines;
}

export const compareScreen: ScreenKind<CompareFrame> = {
	title: (frame) => `Compare ${clean(frame.title)}`,
	crumb: () => 'compare',
	commands: () => [...navigation],
	text: compareLines,
	loadStatus: (frame) => frame.status,
	withContext: takeContext,
};
