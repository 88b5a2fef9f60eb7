/** Turns the samples of one `npm run bench` run into the verdict table and bench/RESULTS.md. */
import {type ExportAllSamples, type ExportCommandRun, type InProcessRun, throttleEvery, throttleRetryAfterSeconds} from './export-all.js';
import type {LoadIndexSamples} from './load-index.js';
import {type MemoryReport, memoryMarkdown, memoryVerdictRows} from './memory.js';
import {renderDetailsMarkdown, renderVerdictRows} from './render-figures.js';
import {columns, downPresses, filterWords, type LargeFileSession, type ListSession, rows} from './sessions.js';
import {type StartupSamples, startupDetailsMarkdown, startupMethodMarkdown, startupTriedMarkdown, startupVerdictRows} from './startup.js';
import {type ViewsSamples, viewsDetailsMarkdown, viewsMethodMarkdown, viewsVerdictRows} from './views.js';
import {formatBytes, formatMs, formatRatio, formatSeconds, mean, median, percentile} from './stats.js';
import type {Response} from './terminal.js';

export type BenchReport = {
	quick: boolean;
	startupWarmups: number;
	machine: {node: string; cpu: string; cores: number; platform: string; date: string; loadAverage: {start: number[]; end: number[]}};
	largeCounts: {attributeMappings: number; attributeDefinitions: number};
	startup: StartupSamples;
	loadSmall: LoadIndexSamples;
	loadLarge: LoadIndexSamples;
	demoList: ListSession;
	largeFile: LargeFileSession;
	exportAll: ExportAllSamples;
	/** Issue 14: peak RSS across a session and the leak check (bench/memory.ts). */
	memory?: MemoryReport;
	views: ViewsSamples;
};

const issue2 = 'issue 2 §6';
const issue6 = 'issue 6';

type VerdictRow = {
	figure: string;
	measured: string;
	target: string;
	source: string;
	/** Undefined: shown for context, no target. */
	pass?: boolean;
	notMeasured?: boolean;
};

const megabyte = 1024 * 1024;

/** Median of the per-round ratios: each round ran both sides back to back, so machine load cancels. */
function pairedRatio(numerator: readonly number[], denominator: readonly number[]): number {
	return median(numerator.map((value, index) => value / denominator[index]!));
}

function bytesPerDown(session: ListSession): {mean: number; inPage: number; scrolling: number; max: number} {
	const bytes = session.down.responses.map((response) => response.bytes);
	const inPage = bytes.filter((_, index) => !session.down.scrolled[index]);
	const scrolling = bytes.filter((_, index) => session.down.scrolled[index]);
	return {mean: mean(bytes), inPage: median(inPage), scrolling: median(scrolling), max: Math.max(...bytes)};
}

function frameTimes(responses: readonly Response[]): number[] {
	return responses.map((response) => response.frameMs);
}

function peakRssLimit(report: BenchReport): number {
	return 4 * report.loadLarge.bytes + 100 * megabyte;
}

/** Jobs one run of the command lost: not written (failed, or in an app whose jobs could not be listed), or written with other bytes than the tenant holds. */
function jobsLost(run: ExportCommandRun, jobs: number): number {
	return jobs - run.written + run.mismatched;
}

function runFailed(run: ExportCommandRun, jobs: number): boolean {
	return run.exitCode !== 0 || jobsLost(run, jobs) > 0;
}

/** Median of the per-round ratios of each side to one request at a time. */
function exportRatios(samples: ExportAllSamples): {command: number; inProcess: number} {
	const oneAtATime = samples.rounds.map((round) => round.oneAtATime.ms);
	return {
		command: pairedRatio(
			samples.rounds.map((round) => round.command.wallMs),
			oneAtATime,
		),
		inProcess: pairedRatio(
			samples.rounds.map((round) => round.inProcess.ms),
			oneAtATime,
		),
	};
}

function exportRows(samples: ExportAllSamples): VerdictRow[] {
	const {jobs, latencyMs, throttledRuns} = samples;
	const ratio = exportRatios(samples).command;
	const failedCleanRuns = samples.rounds.filter((round) => runFailed(round.command, jobs)).length;
	const lost = throttledRuns.reduce((sum, run) => sum + jobsLost(run, jobs), 0);
	const failedRuns = throttledRuns.filter((run) => runFailed(run, jobs)).length;
	const share = throttledRuns.reduce((sum, run) => sum + run.throttled, 0) / Math.max(1, throttledRuns.reduce((sum, run) => sum + run.graphRequests, 0));
	const median429Run = formatSeconds(median(throttledRuns.map((run) => run.wallMs)));
	return [
		{
			figure: `\`export --all\` of ${jobs} jobs, ${latencyMs} ms latency: wall time, ratio to one request at a time`,
			measured:
				`${formatRatio(ratio)} (${formatSeconds(median(samples.rounds.map((round) => round.command.wallMs)))} vs ${formatSeconds(median(samples.rounds.map((round) => round.oneAtATime.ms)))})` +
				(failedCleanRuns ? `; ${failedCleanRuns} runs failed without faults` : ''),
			target: '< 1× (no number set)',
			source: issue6,
			pass: ratio < 1 && failedCleanRuns === 0,
		},
		{
			figure: `\`export --all\` of ${jobs} jobs, 429 + Retry-After: ${throttleRetryAfterSeconds} on every ${throttleEvery}th Graph request: failures`,
			measured: `${lost} job${lost === 1 ? '' : 's'} lost, ${failedRuns} of ${throttledRuns.length} runs failed (${(share * 100).toFixed(0)}% of requests answered 429; ${median429Run} per run, median)`,
			target: '0 failures',
			source: issue6,
			pass: throttledRuns.length > 0 && failedRuns === 0,
		},
	];
}

function verdictRows(report: BenchReport): VerdictRow[] {
	const {loadSmall, loadLarge, demoList, largeFile} = report;
	const smallRatio = pairedRatio(loadSmall.loadIndexMs, loadSmall.jsonParseMs);
	const largeRatio = pairedRatio(loadLarge.loadIndexMs, loadLarge.jsonParseMs);
	const demoBytes = bytesPerDown(demoList);
	const largeBytes = bytesPerDown(largeFile);
	const bytesMeasured = (figures: ReturnType<typeof bytesPerDown>, session: ListSession) =>
		`${Math.round(figures.mean)} B (in page ${Math.round(figures.inPage)} B, scrolling ${Math.round(figures.scrolling)} B; full redraw ${session.openBytes} B)`;
	const rowsOut: VerdictRow[] = [
		...startupVerdictRows(report.startup),
		{
			figure: `Bytes per ↓, ${demoList.rowCount}-row mapping list (demo), ${columns}×${rows}`,
			measured: bytesMeasured(demoBytes, demoList),
			target: '≤ 400 B',
			source: issue2,
			pass: demoBytes.mean <= 400,
		},
		{
			figure: `Bytes per ↓, ${largeFile.rowCount.toLocaleString('en-US')}-row mapping list, ${columns}×${rows}`,
			measured: bytesMeasured(largeBytes, largeFile),
			target: '≤ 250 B',
			source: issue6,
			pass: largeBytes.mean <= 250,
		},
		{
			figure: `Load + index, cloud-sync fixture (${formatBytes(loadSmall.bytes)}), ratio to JSON.parse`,
			measured: `${formatRatio(smallRatio)} (${formatMs(median(loadSmall.loadIndexMs))} vs ${formatMs(median(loadSmall.jsonParseMs))})`,
			target: '≤ 2×',
			source: issue2,
			pass: smallRatio <= 2,
		},
	];
	const largeLoadMeasured = `${formatRatio(largeRatio)} (${formatMs(median(loadLarge.loadIndexMs))} vs ${formatMs(median(loadLarge.jsonParseMs))})`;
	const largeLoadFigure = `Load + index, generated schema (${formatBytes(loadLarge.bytes)}), ratio to JSON.parse`;
	rowsOut.push(
		{figure: largeLoadFigure, measured: largeLoadMeasured, target: '≤ 2×', source: issue2, pass: largeRatio <= 2},
		{figure: largeLoadFigure, measured: largeLoadMeasured, target: '≤ 1.5×', source: issue6, pass: largeRatio <= 1.5},
	);
	const keys: Array<[string, Response[]]> = [
		['↓', largeFile.down.responses],
		['PgDn', largeFile.pageDown],
		['opening a mapping (Enter)', largeFile.openMapping],
		['typing a filter character', largeFile.filterCharacter],
	];
	for (const [name, responses] of keys) {
		const times = frameTimes(responses);
		const p95 = percentile(times, 95);
		rowsOut.push({
			figure: `Keystroke → updated frame, ${name}, p50 / p95 (n=${times.length})`,
			measured: `${formatMs(median(times))} / ${formatMs(p95)}`,
			target: 'p95 ≤ 16 ms',
			source: issue6,
			pass: p95 <= 16,
		});
	}
	rowsOut.push(...renderVerdictRows(demoList, largeFile));
	const peak = largeFile.peakRss.end;
	rowsOut.push({
		figure: `Peak RSS browsing the generated schema (${formatBytes(loadLarge.bytes)} file)`,
		measured: peak === undefined ? 'not available (no /proc)' : formatBytes(peak),
		target: `≤ 4 × file + 100 MiB = ${formatBytes(peakRssLimit(report))}`,
		source: issue6,
		pass: peak === undefined ? undefined : peak <= peakRssLimit(report),
		notMeasured: peak === undefined,
	});
	rowsOut.push(...memoryVerdictRows(report.memory));
	rowsOut.push(...exportRows(report.exportAll));
	rowsOut.push(...viewsVerdictRows(report.views));
	return rowsOut;
}

function resultText(row: VerdictRow): string {
	if (row.notMeasured) return 'TODO';
	if (row.pass === undefined) return '–';
	return row.pass ? 'pass' : 'FAIL';
}

function summaryLine(rowsIn: readonly VerdictRow[]): string {
	const judged = rowsIn.filter((row) => row.pass !== undefined && !row.notMeasured);
	const passed = judged.filter((row) => row.pass).length;
	const todo = rowsIn.filter((row) => row.notMeasured).length;
	return `${passed} of ${judged.length} targets met${todo ? `; ${todo} not measured yet` : ''}.`;
}

/** Plain-text table for stdout. */
export function formatTable(report: BenchReport): string {
	const rowsIn = verdictRows(report);
	const header = ['Figure', 'Measured', 'Target', 'Source', 'Result'];
	const cells = rowsIn.map((row) => [row.figure, row.measured, row.target, row.source, resultText(row)].map((cell) => cell.replaceAll('`', '')));
	const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
	const line = (values: string[]) => values.map((value, column) => value.padEnd(widths[column]!)).join('  ').trimEnd();
	const output = [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line), '', summaryLine(rowsIn)];
	if (report.quick) output.push('(--quick: fewer samples than a full run)');
	return output.join('\n');
}

function markdownTable(header: string[], body: string[][]): string {
	const escapeCell = (text: string) => text.replaceAll('|', '\\|');
	return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((cells) => `| ${cells.map(escapeCell).join(' | ')} |`)].join('\n');
}

function commandRow(name: string, runs: readonly ExportCommandRun[], jobs: number): string[] {
	const sum = (pick: (run: ExportCommandRun) => number) => runs.reduce((total, run) => total + pick(run), 0);
	return [
		name,
		timeSpread(runs.map((run) => run.wallMs)),
		'–',
		'–',
		(sum((run) => run.graphRequests) / runs.length).toFixed(0),
		(sum((run) => run.throttled) / runs.length).toFixed(0),
		`${sum((run) => run.written)} of ${jobs * runs.length}`,
		String(sum((run) => run.failed)),
		String(sum((run) => run.mismatched)),
		runs.map((run) => String(run.exitCode)).join(', '),
	];
}

function inProcessRow(name: string, runs: readonly InProcessRun[], jobs: number): string[] {
	return [
		name,
		timeSpread(runs.map((run) => run.ms)),
		formatSeconds(median(runs.map((run) => run.listMs))),
		formatSeconds(median(runs.map((run) => run.schemaMs))),
		(runs.reduce((total, run) => total + run.graphRequests, 0) / runs.length).toFixed(0),
		'0',
		`${runs.reduce((total, run) => total + run.written, 0)} of ${jobs * runs.length}`,
		'0',
		'–',
		'–',
	];
}

function timeSpread(values: readonly number[]): string {
	return values.length === 1 ? formatSeconds(values[0]!) : `${formatSeconds(median(values))} (${formatSeconds(Math.min(...values))}–${formatSeconds(Math.max(...values))}, n=${values.length})`;
}

function exportDetails(samples: ExportAllSamples): string {
	const {jobs, rounds, throttledRuns} = samples;
	const ratios = exportRatios(samples);
	const oneAtATime = rounds.map((round) => round.oneAtATime);
	const perRequest = median(oneAtATime.map((run) => run.ms / run.graphRequests));
	const errors = throttledRuns.flatMap((run, index) => run.errors.map((error) => `- run ${index + 1}: ${error}`));
	return `### \`export --all\`: ${jobs} jobs in ${samples.apps} apps, ${samples.servicePrincipals} service principals, ${samples.latencyMs} ms latency

${markdownTable(
	['Run', 'wall time, median (min–max, n)', 'listing (median)', 'schemas (median)', 'Graph requests (mean)', '429s (mean)', 'written', 'failed', 'differ from tenant', 'exit codes'],
	[
		commandRow('`export --all` (the command, spawn → exit)', rounds.map((round) => round.command), jobs),
		inProcessRow('its core in-process (`exportAllSchemas`)', rounds.map((round) => round.inProcess), jobs),
		inProcessRow('one request at a time, in-process', oneAtATime, jobs),
		commandRow(`\`export --all\` with 429 + Retry-After: ${throttleRetryAfterSeconds} on every ${throttleEvery}th Graph request`, throttledRuns, jobs),
	],
)}

Ratio to one request at a time (median of the per-round ratios): the command ${formatRatio(ratios.command)}, its core
in-process ${formatRatio(ratios.inProcess)}. One request at a time takes ${formatMs(perRequest)} per request on average (the
simulated latency is ${samples.latencyMs} ms).${errors.length > 0 ? `\n\nWhy jobs failed in the runs with 429s:\n\n${errors.join('\n')}` : ''}`;
}

export function renderResultsMarkdown(report: BenchReport): string {
	const {machine, startup, loadSmall, loadLarge, demoList, largeFile, largeCounts} = report;
	const rowsIn = verdictRows(report);
	const demoBytes = bytesPerDown(demoList);
	const largeBytes = bytesPerDown(largeFile);
	const downWithin = largeFile.down.responses.filter((_, index) => !largeFile.down.scrolled[index]);
	const downScrolling = largeFile.down.responses.filter((_, index) => largeFile.down.scrolled[index]);
	const keyRows: Array<[string, Response[]]> = [
		['↓', largeFile.down.responses],
		['↓ within the page', downWithin],
		['↓ that scrolls', downScrolling],
		['PgDn', largeFile.pageDown],
		['Enter on a mapping (opens its detail)', largeFile.openMapping],
		['a filter character', largeFile.filterCharacter],
		['Esc from a mapping back to the list (includes the 50 ms Esc wait)', largeFile.backToList],
		['Enter on the object mapping: the 20,000-row list appears (one sample)', [largeFile.openResponse]],
	];
	const loadRow = (name: string, samples: LoadIndexSamples) => [
		name,
		formatBytes(samples.bytes),
		formatMs(median(samples.jsonParseMs)),
		`${formatMs(median(samples.loadIndexMs))} (${formatRatio(pairedRatio(samples.loadIndexMs, samples.jsonParseMs))})`,
		`${formatMs(median(samples.everythingMs))} (${formatRatio(pairedRatio(samples.everythingMs, samples.jsonParseMs))})`,
		String(samples.jsonParseMs.length),
	];
	const bytesRow = (name: string, session: ListSession, figures: ReturnType<typeof bytesPerDown>) => [
		name,
		`${Math.round(figures.mean)} B`,
		`${Math.round(figures.inPage)} B`,
		`${Math.round(figures.scrolling)} B`,
		`${figures.max} B`,
		`${session.openBytes} B`,
		session.narrowBytes === undefined ? '–' : `${session.narrowBytes} B`,
	];
	const rss = largeFile.peakRss;
	const inPagePresses = largeFile.down.scrolled.filter((scrolled) => !scrolled).length;
	const rssText = (value: number | undefined) => (value === undefined ? 'n/a' : formatBytes(value));

	return `# Benchmark results

Written by \`npm run bench\` (bench/run.ts) from one full run; do not edit by hand, rerun it. The
machine is shared and noisy: every time below is compared only with a baseline measured in the same
run, interleaved with it, and absolute times from different runs are not comparable. Even so, with
2 cores and other work on the machine (see the load average), p95s and the start-up ratio vary
between runs, so a verdict close to its target can flip from one run to the next.

## Machine

| | |
| --- | --- |
| Node | ${machine.node} |
| CPU | ${machine.cpu}, ${machine.cores} cores |
| OS | ${machine.platform} |
| Date | ${machine.date} |
| Load average (1, 5, 15 min) at start / end | ${machine.loadAverage.start.map((value) => value.toFixed(2)).join(' ')} / ${machine.loadAverage.end.map((value) => value.toFixed(2)).join(' ')} |

## Verdict

${markdownTable(
	['Figure', 'Measured', 'Target', 'Source', 'Result'],
	rowsIn.map((row) => [row.figure, row.measured, row.target, row.source, resultText(row)]),
)}

${summaryLine(rowsIn)}

## Details

### Time to first frame

${startupDetailsMarkdown(startup)}

${startupTriedMarkdown()}

${viewsDetailsMarkdown(report.views)}

### Bytes written per ↓ at ${columns}×${rows}

${markdownTable(
	['List', `mean of ${downPresses} ↓`, '↓ within the page (median)', '↓ that scrolls (median)', 'max', 'full redraw', 'narrow by 1 column'],
	[bytesRow(`${demoList.rowCount} mappings (demo tenant)`, demoList, demoBytes), bytesRow(`${largeFile.rowCount.toLocaleString('en-US')} mappings (--file)`, largeFile, largeBytes)],
)}

### Load + index

${markdownTable(
	['File', 'size', 'JSON.parse (median)', 'load + index (ratio)', 'load + every level indexed (ratio)', 'rounds'],
	[loadRow('cloud-sync fixture', loadSmall), loadRow(`generated: ${largeCounts.attributeMappings.toLocaleString('en-US')} mappings, ${largeCounts.attributeDefinitions.toLocaleString('en-US')} definitions`, loadLarge)],
)}

### Keystroke → updated frame, ${largeFile.rowCount.toLocaleString('en-US')}-row list (--file, ${columns}×${rows})

${markdownTable(
	['Key', 'n', 'first byte p50', 'frame p50', 'frame p95', 'frame max', 'bytes (median)'],
	keyRows.map(([name, responses]) => {
		const times = frameTimes(responses);
		return [
			name,
			String(responses.length),
			formatMs(median(responses.map((response) => response.firstByteMs))),
			formatMs(median(times)),
			formatMs(percentile(times, 95)),
			formatMs(Math.max(...times)),
			formatBytes(median(responses.map((response) => response.bytes))),
		];
	}),
)}

Spawn → the file's schema screen on screen: ${formatMs(largeFile.schemaShownMs)} (one sample).

${renderDetailsMarkdown(demoList, largeFile)}

### Memory (generated schema, ${formatBytes(loadLarge.bytes)})

| Explorer's peak RSS (VmHWM) | |
| --- | --- |
| schema screen shown | ${rssText(rss.schemaShown)} |
| 20,000-row list opened | ${rssText(rss.listOpened)} |
| end of the session | ${rssText(rss.end)} |
| limit: 4 × file + 100 MiB | ${formatBytes(peakRssLimit(report))} |

${report.memory ? `${memoryMarkdown(report.memory)}\n\n` : ''}${exportDetails(report.exportAll)}

## How each figure is measured

- **Terminal.** Every program runs in a pseudo-terminal (\`@lydell/node-pty\`) whose output is fed to a
  headless xterm (\`@xterm/headless\`), the screen a user sees. Each output chunk is stamped with its
  arrival time; "on screen at" is the arrival of the chunk after which the screen first showed the
  expected text. Bytes are counted as the terminal receives them (after the pty turns \`\\n\` into
  \`\\r\\n\`, as over SSH). The explorer is the bundle in \`dist/\` started through
  \`bin/provisioning-explorer.js\`, as users run it (\`npm run bench\` builds it first).
${startupMethodMarkdown(startup, report.startupWarmups)}
${viewsMethodMarkdown(report.views)}
- **Bytes per ↓.** At ${columns}×${rows} the list shows ${inPagePresses + 1} rows. From the first row, ${downPresses} presses of ↓ one
  at a time: each waits until the position counter shows the next row and the output has been quiet
  for 60 ms, and counts every byte written after the key. The first ${inPagePresses} presses move the cursor
  within the page, the rest scroll the list by one row; the verdict uses the mean over all of them.
  "Full redraw" is the bytes written when that list is first opened (Enter on its object mapping):
  every line differs from the previous screen, so Ink rewrites the frame except lines that happen to
  be equal (blank lines, an unchanged footer). "Narrow by 1 column" is the terminal going from
  ${columns} to ${columns - 1} columns: Ink erases the frame and paints it again, then the app lays it out
  for the new width. The 136-row list is the demo tenant's contoso.com → AD2AADProvisioning → rule →
  user mapping, reached with the keys of issue 2 against a simulator on 127.0.0.1; the
  ${largeFile.rowCount.toLocaleString('en-US')}-row list is the generated schema opened with \`--file\`.
- **Load + index.** In a separate \`node --expose-gc\` process with the core modules (no terminal):
  the file's bytes are read once, then each round times, after a forced garbage collection and in
  rotating order, (a) \`JSON.parse(bytes.toString('utf8'))\`, (b) what the explorer does before it
  shows a file's schema screen: \`decodeSchemaBytes\` (encoding check), \`parseSchemaText\` (parse +
  shape check), \`detectTextStyle\`, \`buildSchemaIndex\` and its first level, and (c) for context, (b)
  plus every level of the index and the attribute-usage index. Reading the file is left out of both
  sides. The ratio is the median of the per-round ratios. The generated schema is
  \`generateLargeSchema({attributeMappings: ${largeCounts.attributeMappings}, attributeDefinitions: ${largeCounts.attributeDefinitions}})\`
  from the simulator, written as compact JSON like Graph returns it.
- **Keystroke → updated frame.** In the ${largeFile.rowCount.toLocaleString('en-US')}-row list of the generated schema (\`--file\`,
  no network) at ${columns}×${rows}: one key at a time, only when the explorer has been quiet for 60 ms;
  the time runs from writing the key to the pseudo-terminal to the last output chunk before the next
  60 ms of quiet, once the screen shows the expected change (the position counter for ↓, a new title
  line for PgDn, "JSON Pointer" for a mapping, the filter prompt showing the typed text). ↓ is the
  same ${downPresses}-press walk as above; PgDn pages on from there; each Enter opens a different mapping
  (Esc and one uncounted ↓ in between); filter characters are typed into \`/\` one at a time
  (${filterWords.map((word) => `"${word}"`).join(', ')}, each from the top of the list, Esc in between).
  The time includes the pseudo-terminal and this harness reading it, as a user's terminal would.
- **\`export --all\`.** A simulator in the bench process with \`latencyMs: ${report.exportAll.latencyMs}\` (every answer, Graph and
  sign-in, is held that long before it is sent) and \`extraApps\`: the demo tenant's jobs plus one-job custom SCIM
  apps (about 35 KB of schema each), ${report.exportAll.jobs} jobs in ${report.exportAll.apps} apps among ${report.exportAll.servicePrincipals} service principals. The command signs
  in once beforehand (\`login --token-cache FILE\`, not timed), so each timed run signs in silently from
  the cache, as a scheduled backup would. "The command" is \`node bin/provisioning-explorer.js export --all
  --out <empty temporary folder> --json --demo --graph-url <simulator> --token-cache FILE\`, timed from spawn
  to exit: it lists the service principals, the jobs of each (a few at a time) and downloads the
  schemas (a few at a time). "One request at a time" does the same work in the bench process with the
  same \`GraphClient\` and HTTP transport, each request awaited before the next is sent: list the service
  principals, then the jobs of each, then download each schema, check it (\`prepareExportBytes\`) and
  write it atomically. It uses a token the simulator issues directly, so it pays neither Node start-up
  nor sign-in; the command does, so the ratio is conservative. "Its core in-process" runs
  \`exportAllSchemas\` (what the command runs after signing in) the same way, to show what start-up and
  sign-in cost. Each round runs the three back to back, rotating which goes first; the ratio is the
  median of the per-round ratios. Every file the command writes is compared byte for byte with the
  schema the tenant holds.
- **\`export --all\` with 429s.** The same command, with the fault rule \`{path: /^\\/(?:beta|v1\\.0)\\//, status: 429,
  retryAfter: ${throttleRetryAfterSeconds}, every: ${throttleEvery}}\`: every ${throttleEvery}th Graph request the simulator receives (counted across all
  concurrent requests, retries included) is answered 429 with \`Retry-After: ${throttleRetryAfterSeconds}\` instead of being handled —
  20% of requests; which requests it hits depends on the order they arrive in. Sign-in is not throttled (with the cached sign-in the
  command makes no sign-in requests). A run fails if it exits non-zero, or any job is not written
  (the summary lists it as failed, or its app's jobs could not be listed), or a written file differs
  from the tenant's schema.
- **Peak RSS.** \`VmHWM\` from \`/proc/<pid>/status\` of the explorer process at the end of the
  keystroke session above (the schema loaded, the big list built, mappings opened, filters typed).
  MiB = 1024² bytes; the limit reads issue 6's "100 MB" as 100 MiB, the more lenient reading.

To see where the time goes: \`npm run build && node --import tsx bench/profile.ts startup\` (or \`startup-file\`, \`keys\`)
runs the explorer under \`node --cpu-prof\` and lists the functions with the most time, mapped back
to their packages and source files.
`;
}
