/**
 * `npm run bench`: measures the explorer against the speed targets of issues 2 (§6) and 6 ("Speed at
 * scale"), prints a table and writes bench/RESULTS.md. Not part of `npm test`; talks only to a
 * simulator on 127.0.0.1. The machine may be shared and noisy, so every time is compared with a
 * baseline measured in the same run, and each figure is a median or percentile of many samples.
 *
 *   npm run bench              full run, writes bench/RESULTS.md
 *   npm run bench -- --quick   fewer samples, prints only (for trying changes)
 *   npm run bench -- --memory-minutes N   the leak check's length (default 10; 1.5 with --quick)
 */
import {execFileSync} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {cpus, loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {generateLargeSchema} from '../source/simulator/index.js';
import {exportJobCount, exportLatencyMs, measureExportAll} from './export-all.js';
import {measureLoadIndex} from './load-index.js';
import {fullLeakMinutes, type MemoryReport, measureMemoryInChild, quickLeakMinutes} from './memory.js';
import {type BenchReport, formatTable, renderResultsMarkdown} from './report.js';
import {keystrokesMarkdown, measureKeystrokes, writeKeystrokeSection} from './keystrokes.js';
import {measureDemoMappingList, measureLargeFile} from './sessions.js';
import {measureStartup} from './startup.js';
import {writeUnmetSection} from './unmet.js';
import {measureViews} from './views.js';

const quick = process.argv.includes('--quick');
const memoryMinutesAt = process.argv.indexOf('--memory-minutes');
const memoryMinutes = memoryMinutesAt >= 0 ? Number(process.argv[memoryMinutesAt + 1]) : quick ? quickLeakMinutes : fullLeakMinutes;
const binPath = fileURLToPath(new URL('../bin/provisioning-explorer.js', import.meta.url));
const fixturePath = fileURLToPath(new URL('../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url));
const resultsPath = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const largeCounts = {attributeMappings: 20_000, attributeDefinitions: 50_000};

const counts = quick
	? {startupRuns: 8, startupWarmups: 1, startupFirstRunEvery: 4, viewSamples: 8, loadSmall: 15, loadLarge: 5, keySamples: 10, exportRounds: 1, throttledExports: 1}
	: {startupRuns: 40, startupWarmups: 3, startupFirstRunEvery: 4, viewSamples: 30, loadSmall: 60, loadLarge: 20, keySamples: 50, exportRounds: 3, throttledExports: 3};

function log(message: string): void {
	process.stderr.write(`bench: ${message}\n`);
}

function cpuModel(): string {
	return cpus()[0]?.model.trim() || 'unknown';
}

const workDirectory = await mkdtemp(join(tmpdir(), 'pvx-bench-'));
// The explorer's token cache and backups go here, never into the user's own state directory.
const env = {PROVISIONING_EXPLORER_STATE_DIR: join(workDirectory, 'state')};
try {
	const startedAt = new Date();
	const loadAverageAtStart = loadavg();
	log(`generating a schema with ${largeCounts.attributeMappings} attribute mappings and ${largeCounts.attributeDefinitions} attribute definitions`);
	const largePath = join(workDirectory, 'contoso-hr-large.schema.json');
	// Compact, as Graph returns it and as `export` saves it.
	await writeFile(largePath, JSON.stringify(generateLargeSchema(largeCounts)));

	log('load + index vs JSON.parse: cloud-sync fixture');
	const loadSmall = await measureLoadIndex(fixturePath, counts.loadSmall);
	log('load + index vs JSON.parse: generated schema');
	const loadLarge = await measureLoadIndex(largePath, counts.loadLarge);

	log(`start-up: first useful frame of --file and --demo vs bare node (${counts.startupRuns} rounds, interleaved)`);
	const startup = await measureStartup({
		binPath,
		fixturePath,
		runs: counts.startupRuns,
		warmups: counts.startupWarmups,
		firstRunEvery: counts.startupFirstRunEvery,
		workDirectory,
		env,
	});

	log('bytes per ↓ in the demo tenant’s 136-row attribute-mapping list at 160×45');
	const demoList = await measureDemoMappingList({binPath, env});

	log('keystrokes, bytes per ↓ and peak memory on the generated schema (--file) at 160×45');
	const largeFile = await measureLargeFile({binPath, file: largePath, rowCount: largeCounts.attributeMappings, env, samples: counts.keySamples});

	// Issue 14. First the session alone with V8's default heap (for comparison), then the product's session and its
	// leak run in a child process beside export --all: that section waits on simulated latency, the leak run on the
	// clock, and RSS does not depend on CPU time, so running them together keeps the full bench ~10 minutes shorter.
	const memory: MemoryReport = {errors: [], leakMinutes: memoryMinutes, concurrentWithExport: true};
	log('memory: the session on the generated schema with V8’s default heap (PROVISIONING_EXPLORER_DEFAULT_HEAP=1), for comparison');
	memory.defaultHeap = await measureMemoryInChild({file: largePath, minutes: 0, env: {...env, PROVISIONING_EXPLORER_DEFAULT_HEAP: '1'}}).catch((error: unknown) => {
		memory.errors.push(`default heap: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
		return undefined;
	});
	log(`memory: the session, then the ${memoryMinutes}-minute leak run, beside export --all`);
	const memoryRun = measureMemoryInChild({file: largePath, minutes: memoryMinutes, env}).then(
		(samples) => {
			memory.session = samples;
		},
		(error: unknown) => {
			memory.errors.push(error instanceof Error ? error.message.split('\n')[0]! : String(error));
		},
	);

	// About a minute per round and 1.5 minutes per run with 429s: the latency, not the machine, sets the pace.
	log(`export --all of ${exportJobCount} jobs at ${exportLatencyMs} ms latency vs one request at a time; then with 429s`);
	const exportAll = await measureExportAll({
		binPath,
		workDirectory,
		env,
		rounds: counts.exportRounds,
		throttledRuns: counts.throttledExports,
		log,
	});

	log('memory: waiting for the leak run to end');
	await memoryRun;

	log('keystrokes for daily work: reach a mapping (walks, :open), change and write it, the canary and its undo, restore it, deep link (issue 13 §3)');
	const keystrokes = keystrokesMarkdown(await measureKeystrokes({binPath, env}), new Date());

	log('the new views: job status and its refresh, logs of 10,000 events, provisioning results, history of 200 backups (issue 14)');
	const views = await measureViews({binPath, workDirectory, env: {PROVISIONING_EXPLORER_STATE_DIR: join(workDirectory, 'views-state')}, samples: counts.viewSamples, log});

	const report: BenchReport = {
		quick,
		startupWarmups: counts.startupWarmups,
		machine: {
			node: process.versions.node,
			cpu: cpuModel(),
			cores: cpus().length,
			platform: `${process.platform} ${execFileSync('uname', ['-r'], {encoding: 'utf8'}).trim()}`,
			date: startedAt.toISOString(),
			loadAverage: {start: loadAverageAtStart, end: loadavg()},
		},
		largeCounts,
		startup,
		loadSmall,
		loadLarge,
		demoList,
		largeFile,
		exportAll,
		memory,
		views,
	};
	process.stdout.write(`${formatTable(report)}\n\n${keystrokes}`);
	if (quick) {
		log('--quick: bench/RESULTS.md left as it was');
	} else {
		await writeFile(resultsPath, renderResultsMarkdown(report));
		await writeKeystrokeSection(resultsPath, keystrokes);
		await writeUnmetSection(resultsPath);
		log('wrote bench/RESULTS.md');
	}
} finally {
	await rm(workDirectory, {recursive: true, force: true});
}
