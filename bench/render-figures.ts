/**
 * Issue 14's bytes-per-key and keystroke-latency targets: verdict rows and the details section of
 * bench/RESULTS.md, from the sessions in sessions.ts (160×45, read through a headless xterm).
 */
import type {LargeFileSession, ListSession, PageTurn} from './sessions.js';
import {formatMs, mean, median, percentile} from './stats.js';
import type {Response} from './terminal.js';

const issue14 = 'issue 14';
const bytesPerDownTarget = 200;
const latencyTargetMs = 16;

type VerdictRow = {figure: string; measured: string; target: string; source: string; pass?: boolean};

/** ↓ presses that moved the cursor within the page (no page turn). */
function downWithinPage(session: ListSession): number[] {
	return session.down.responses.filter((_, index) => !session.down.scrolled[index]).map((response) => response.bytes);
}

function pageTurnRatio(turn: PageTurn): number {
	return turn.bytes / Math.max(1, turn.changedRowBytes);
}

function latency(responses: readonly Response[]): {p50: number; p95: number} {
	const times = responses.map((response) => response.frameMs);
	return {p50: median(times), p95: percentile(times, 95)};
}

function mixedOf(session: LargeFileSession, key?: string): Response[] {
	return session.mixed.filter((answer) => key === undefined || answer.key === key);
}

export function renderVerdictRows(demoList: ListSession, largeFile: LargeFileSession): VerdictRow[] {
	const withinPage = downWithinPage(demoList);
	const firstForty = demoList.down.responses.slice(0, 40).map((response) => response.bytes);
	const turns = [...demoList.pageTurns, ...largeFile.pageTurns];
	const worstTurn = Math.max(...turns.map(pageTurnRatio));
	const rows: VerdictRow[] = [
		{
			figure: `Bytes per ↓ within a page, ${demoList.rowCount}-row mapping list (demo), 160×45`,
			measured: `${Math.round(mean(withinPage))} B mean (max ${Math.max(...withinPage)} B, n=${withinPage.length}); first 40 ↓ with their page turn: ${Math.round(mean(firstForty))} B`,
			target: `≤ ${bytesPerDownTarget} B`,
			source: issue14,
			pass: mean(withinPage) <= bytesPerDownTarget,
		},
		{
			figure: 'Bytes of a page turn (↓ past the edge, PgDn, PgUp), ratio to the bytes of the rows that changed',
			measured: `worst ${worstTurn.toFixed(2)}× (median ${Math.round(median(turns.map((turn) => turn.bytes)))} B vs ${Math.round(median(turns.map((turn) => turn.changedRowBytes)))} B, n=${turns.length})`,
			target: '≤ 1×',
			source: issue14,
			pass: turns.length > 0 && worstTurn <= 1,
		},
	];
	const keys: Array<[string, Response[]]> = [
		['↓', largeFile.down.responses],
		['PgDn', largeFile.pageDown],
		['Enter on a mapping', largeFile.openMapping],
		['a filter character', largeFile.filterCharacter],
		['↓, PgDn, Enter and a filter character interleaved', mixedOf(largeFile)],
	];
	for (const [name, responses] of keys) {
		const {p50, p95} = latency(responses);
		rows.push({
			figure: `Keystroke → last byte of its frame, 20,000-row list, ${name}, p50 / p95 (n=${responses.length})`,
			measured: `${formatMs(p50)} / ${formatMs(p95)}`,
			target: `p95 ≤ ${latencyTargetMs} ms`,
			source: issue14,
			pass: p95 <= latencyTargetMs,
		});
	}
	return rows;
}

function table(header: string[], body: string[][]): string {
	return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((cells) => `| ${cells.join(' | ')} |`)].join('\n');
}

export function renderDetailsMarkdown(demoList: ListSession, largeFile: LargeFileSession): string {
	const turnRow = (name: string, turns: readonly PageTurn[]) =>
		turns.length === 0
			? [name, '0', '–', '–', '–']
			: [
					name,
					String(turns.length),
					`${Math.round(median(turns.map((turn) => turn.bytes)))} B`,
					`${Math.round(median(turns.map((turn) => turn.changedRowBytes)))} B`,
					`${Math.max(...turns.map(pageTurnRatio)).toFixed(2)}×`,
				];
	const withinPage = downWithinPage(demoList);
	const largeWithinPage = downWithinPage(largeFile);
	const mixedRow = (name: string, key?: string) => {
		const answers = mixedOf(largeFile, key);
		const {p50, p95} = latency(answers);
		return [name, String(answers.length), formatMs(p50), formatMs(p95), formatMs(Math.max(...answers.map((answer) => answer.frameMs)))];
	};
	return `### Bytes per key and keystroke latency at 160×45 (issue 14)

${table(
	['List', '↓ within a page: mean', 'median', 'max', 'n'],
	[
		[`${demoList.rowCount} mappings (demo)`, `${Math.round(mean(withinPage))} B`, `${median(withinPage)} B`, `${Math.max(...withinPage)} B`, String(withinPage.length)],
		[`${largeFile.rowCount.toLocaleString('en-US')} mappings (--file)`, `${Math.round(mean(largeWithinPage))} B`, `${median(largeWithinPage)} B`, `${Math.max(...largeWithinPage)} B`, String(largeWithinPage.length)],
	],
)}

${table(
	['Page turns', 'n', 'bytes (median)', 'bytes of the rows that changed (median)', 'worst ratio'],
	[
		turnRow(`${demoList.rowCount}-row list: ↓ past the edge`, demoList.pageTurns.filter((turn) => turn.key === '↓')),
		turnRow(`${demoList.rowCount}-row list: PgDn, PgUp`, demoList.pageTurns.filter((turn) => turn.key !== '↓')),
		turnRow('20,000-row list: ↓ past the edge', largeFile.pageTurns.filter((turn) => turn.key === '↓')),
		turnRow('20,000-row list: PgDn', largeFile.pageTurns.filter((turn) => turn.key === 'PgDn')),
	],
)}

${table(['Mixed sequence on the 20,000-row list', 'n', 'frame p50', 'frame p95', 'max'], [mixedRow('all'), mixedRow('↓', '↓'), mixedRow('PgDn', 'PgDn'), mixedRow('Enter on a mapping', 'Enter'), mixedRow('a filter character', 'filter character')])}

How these are measured: "within a page" is every ↓ of the walk above that did not turn the page. "The
bytes of the rows that changed" are the UTF-8 bytes of the text of every screen row that reads
differently after the key, as it then reads (no escape codes, trailing blanks left out): a page turn
that re-sent whole rows plus cursor movement would exceed it. The mixed sequence presses ↓, PgDn,
Enter on a mapping, Esc (not counted), \`/\` (not counted), one filter character, Esc (not counted), and
again, one key at a time as above.

Work per key. ↓, ↑, PgDn, PgUp, Home, End, Enter on a mapping and Esc back do not depend on the
number of rows: the rows of a list are built once per data object (\`ui/rows.ts\`), column widths once
per row list, and a frame formats only the visible rows; Ink's Output reuses the rows of earlier
frames (patches/ink+6.8.0.patch) and sends only changed cells. One key must look at every row: the
first character of a filter, because a substring filter has to test each row once. Each further
character searches only the previous answer (\`ui/list.ts\`), and deleting one returns a remembered
answer. Opening the object mapping builds its 20,000 rows once.

${whatWasTried}`;
}

/**
 * Measured while the work was done (December 2026, same 2-core machine under load 10–15 from other work, each
 * pair of builds run back to back), so only the ratios within a row mean anything; the full run above is the
 * verdict.
 */
const whatWasTried = `#### What was tried for bytes and latency (issue 14), kept or not

| Change | Before → after (same run) | Kept |
| --- | --- | --- |
| Ink's Output reuses a row whose writes equal an earlier frame's, and a row of one unstyled write is its text (it re-tokenised all 45 rows on every key: ~80% of a ↓'s render) | 20,000 rows: ↓ p50 31.5 → 7.1 ms, filter character p50 41.9 → 9.0 ms; PgDn unchanged (every row new) | yes |
| Screen lines keyed by their row on screen instead of by the list row they show (a page turn unmounted and mounted 39 components and their yoga nodes) | PgDn p50 36.6 → 6.3 ms, 23.7 → 5.6 ms in a second pair | yes |
| Cell-level updates in Ink's log-update: a changed line sends only its differing cells, jumping runs of 8+ equal cells | ↓ within a page (136 rows) 262 → 201 B; page turn 3270 → 2396 B | yes |
| Reverse video on the marker and first column instead of the whole row (whole-row reverse video changes every cell of both rows) | ↓ within a page 201 → 126 B; first 40 ↓ with their page turn 336 → 182 B | yes |
| Widths measured once per text (Ink measured every line of every frame with string-width; our footer and breadcrumb too); Ink's measure cache bounded | string-width self time over 120 Enter/Esc/↓ keys 293 → 28 ms (profile) | yes |
| A filter typed character by character searches the previous answer | first character still scans all rows; later ones only the matches | yes |
| Synchronized-output markers in the frame's write instead of two writes of their own | 3 → 1 write per key | yes |
| Page turns by scrolling (DECSTBM scroll region, insert/delete line) | not tried: a page turn keeps one row of 39 (one row of context), so scrolling could save one row (~60 B), against terminal-dependent behaviour over SSH, tmux and on resize | no |
| DECCARA (change the attributes of a rectangle) to move a whole-row highlight without resending its text | not tried: xterm has it, xterm.js, tmux and most others do not | no |
| Synchronized-output markers left out of small updates | 16 of ~125 B per ↓; kept because they keep multi-line updates from tearing | no |`;
