/**
 * The "Targets not met" section of bench/RESULTS.md: for every FAIL in the verdict table, why (the measurements
 * that show it, from this run's figures and the directions tried, which the sections below record) and what it
 * would take. It is rendered from the verdict table itself, so it always matches the run above it:
 *
 *   node --import tsx bench/unmet.ts    re-renders the section of bench/RESULTS.md from its own verdict table
 */
import {readFile, writeFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';

type Verdict = {figure: string; measured: string; target: string; source: string; result: string};

/** Why a target is missed, and what it would take: matched against the figure's text. */
const explanations: Array<{figure: RegExp; why: string; wouldTake: string}> = [
	{
		figure: /^(First useful frame of `--file`|Time to first frame)/,
		why: 'A bare `node` printing READY already pays process start-up; the explorer then compiles and runs its bundle (React, Ink, yoga\'s WebAssembly, our screens) before its first frame. The profile (`bench/profile.ts startup-file`) shows module compile and evaluation as the largest part after Node itself. Kept: string-width\'s segmenter and emoji regex built on first use (the largest single gain, ~25 ms), the schema read while the UI loads, yoga decoded with `Buffer`. Tried and dropped, with figures under "Time to first frame": one bundle file (slower than chunks), a V8 code cache through `vm.Script` cached data (no gain over the chunked bundle), a start-up snapshot (Node 20 takes it only on the command line of a second process).',
		wouldTake: 'Drawing the first frame without React and Ink (a hand-written first screen that Ink then takes over), or a renderer lighter than React for the first screen; or Node ≥ 22, whose module compile cache and single-executable snapshot do what Node 20 cannot.',
	},
	{
		figure: /^App list of `--demo`, signed in/,
		why: 'Before the app list can be drawn, the explorer loads msal-node, got and Node\'s HTTP stack (about 170 ms of module loading in the profile) and makes the requests the list needs (service principals, then the jobs of each app, a few at a time), each a real HTTP round trip to the simulator on 127.0.0.1.',
		wouldTake: 'Showing the last app list from a cache in the state directory at once and refreshing it behind (stale-while-revalidate, marked as such), and loading the HTTP and sign-in code in parallel with the first frame instead of before it.',
	},
	{
		figure: /^(Keystroke → last byte of its frame|Keystroke → updated frame)/,
		why: 'The medians are well under 16 ms (see the table); the p95 tails come from the frames where the process waits for CPU or a garbage collection, and from work a key must do once: the first filter character scans every row (a substring filter has to look at each row once; later characters search only the previous answer), and on this schema V8 runs in its memory-saving mode (`--optimize-for-size`, switched on for schemas over 4 MiB to meet the memory target), which costs CPU time (see "Memory"). Kept: only the changed cells of a changed line are sent, unchanged rows are reused without re-tokenising, screen lines are keyed by row, text widths are cached.',
		wouldTake: 'Rendering the list outside React (writing the two changed rows directly, as the cell diff already computes them), an index for substring filters (n-grams) so the first character does not scan every row, and choosing per machine between the memory target and the latency target (the memory-saving mode trades one for the other).',
	},
	{
		figure: /^(Job status screen: J opens|Logs .*: L opens|Provisioning result: Enter|History .*: h opens)/,
		why: 'Opening these views waits for what they show: a Graph request to the simulator on 127.0.0.1 (the job\'s status; the newest 100 provisioning events; the provisionOnDemand request itself) or, for the history, reading the 200 backups\' notes from disk. The first byte (the screen with its "reading…" mark) comes within the target (see "first byte p95" in the row); the rest is the request or the disk, and scrolling the opened view is within the target.',
		wouldTake: 'For the history, one index of the backup notes (a single read instead of one per backup); for the job status and the logs, showing the last answer at once from memory and reading again behind it. A provisionOnDemand request cannot be made faster from here: it is the tenant\'s work.',
	},
	{
		figure: /keystroke → last byte p50 \/ p95/,
		why: 'The same per-frame cost as the 20,000-row list: the new views draw a full page of rows per frame, and the reference row (↓ in the 4-row app list, measured in the same session) shows the floor of this machine and harness; rows are built once per load, not per key, and the logs screen holds at most the newest 100 events.',
		wouldTake: 'The same as for the list: fewer React renders per key and direct writes of the changed rows.',
	},
	{
		figure: /^Bytes (per ↓|of a page turn)/,
		why: 'A ↓ changes two rows and the position counter; the explorer sends only the cells of a line that differ (the cursor row\'s highlight covers the marker and the first column), so what remains is cursor movement and style codes per changed span. A page turn changes most rows of the page.',
		wouldTake: 'Scroll regions (DECSTBM) for a one-row scroll, which must survive resizes and terminals that handle them badly over SSH; not done for that reason.',
	},
	{
		figure: /^Leak check/,
		why: 'See the heap-floor samples under "Memory": the floor of heapUsed after warm-up is compared between the first and the last third of the run.',
		wouldTake: 'A heap snapshot diff between the two thirds (`--heapsnapshot-signal`) to find what is retained.',
	},
	{
		figure: /^Job status/,
		why: 'See "The new views": a refresh marks the title while it reads, so it writes a few bytes even when the status is unchanged.',
		wouldTake: 'Not marking the title for a refresh that answers within a frame.',
	},
	{
		figure: /^Peak RSS/,
		why: 'The live data of the 20 MB schema is 45–60 MiB of heap (the index wraps the parsed objects, it does not copy them). The peak comes from garbage: every edit and undo lints the whole schema and rebuilds the 20,000 list rows, 25–45 MiB of garbage each time, and V8 grows the heap before collecting it. Kept: `--file` keeps a SHA-256 instead of the file\'s bytes, V8\'s memory-saving mode for schemas over 4 MiB. Tried, with figures under "Memory": smaller semi-spaces, heap-growing percentages, semi-space growth factor.',
		wouldTake: 'Incremental work per edit: lint only the changed mappings (the other results cannot change) and update only the edited mapping\'s row instead of rebuilding the list.',
	},
];

/** The rows of the "## Verdict" table of a RESULTS.md. */
export function verdictsOf(markdown: string): Verdict[] {
	const section = markdown.split('\n## Verdict\n')[1]?.split('\n## ')[0] ?? '';
	return section
		.split('\n')
		.filter((line) => line.startsWith('| ') && !line.startsWith('| Figure') && !line.startsWith('| ---'))
		.map((line) => {
			const cells = line
				.slice(2, -2)
				.split(/(?<!\\) \| /)
				.map((cell) => cell.replaceAll('\\|', '|'));
			return {figure: cells[0] ?? '', measured: cells[1] ?? '', target: cells[2] ?? '', source: cells[3] ?? '', result: cells[4] ?? ''};
		});
}

export function unmetTargetsMarkdown(verdicts: readonly Verdict[]): string {
	const failed = verdicts.filter((verdict) => verdict.result === 'FAIL');
	if (failed.length === 0) return '## Targets not met\n\nNone: every target in the verdict table is met.\n';
	const blocks = failed.map((verdict) => {
		const known = explanations.find((each) => each.figure.test(verdict.figure));
		const why = known?.why ?? 'No explanation is recorded for this figure yet.';
		const take = known?.wouldTake ?? '–';
		return `- **${verdict.figure}** (${verdict.source}): measured ${verdict.measured}; target ${verdict.target}.\n  *Why:* ${why}\n  *What it would take:* ${take}`;
	});
	return `## Targets not met\n\nEach FAIL above, with the measurements that show why and what meeting it would take.\n\n${blocks.join('\n')}\n`;
}

/** Puts (or replaces) the section right after the verdict table's summary line. */
export async function writeUnmetSection(resultsPath: string): Promise<void> {
	const markdown = await readFile(resultsPath, 'utf8');
	const withoutOld = markdown.replace(/\n## Targets not met\n[\s\S]*?(?=\n## )/, '');
	const section = unmetTargetsMarkdown(verdictsOf(withoutOld));
	const at = withoutOld.indexOf('\n## Details');
	if (at < 0) throw new Error(`${resultsPath} has no "## Details" section to put the targets not met before`);
	await writeFile(resultsPath, `${withoutOld.slice(0, at)}\n${section}${withoutOld.slice(at)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	await writeUnmetSection(fileURLToPath(new URL('./RESULTS.md', import.meta.url)));
}
