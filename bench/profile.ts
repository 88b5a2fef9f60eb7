/**
 * Where the time goes, when a benchmark misses its target: runs the bundled explorer under
 * `node --cpu-prof` in a pseudo-terminal and prints the functions with the most self time, mapped
 * through dist/*.js.map back to the package or source file they come from.
 *
 *   node --import tsx bench/profile.ts startup        the --demo start-up, up to the first frame
 *   node --import tsx bench/profile.ts startup-file   --file on the cloud-sync fixture, up to its schema screen
 *   node --import tsx bench/profile.ts keys      ↓, PgDn and filter keys in the generated 20,000-row list
 *
 * Run `npm run build` first. Not part of `npm run bench` (profiling slows the program down).
 */
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {SourceMap} from 'node:module';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {generateLargeSchema} from '../source/simulator/index.js';
import {KEY} from '../test/helpers/keys.js';
import {fileFrameText, firstFrameText} from './startup.js';
import {MeasuredTerminal} from './terminal.js';

type ProfileNode = {
	id: number;
	callFrame: {functionName: string; url: string; lineNumber: number; columnNumber: number};
	hitCount?: number;
	children?: number[];
};
type CpuProfile = {nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[]};

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const binPath = join(repositoryRoot, 'bin/provisioning-explorer.js');

/** Monotonic microseconds, the clock V8 stamps profile samples with. */
function nowMicros(): number {
	return Number(process.hrtime.bigint() / 1000n);
}

async function profileStartup(profileDirectory: string, env: Record<string, string>, file: boolean): Promise<{from?: number; to?: number}> {
	// Start-up is short: sample every 100 µs instead of every 1 ms.
	const target = file ? ['--file', fileURLToPath(new URL('../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url))] : ['--demo'];
	const terminal = new MeasuredTerminal(
		process.execPath,
		['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${profileDirectory}`, binPath, ...target],
		{columns: 160, rows: 45, env},
	);
	await terminal.waitForText(file ? fileFrameText : firstFrameText);
	const to = nowMicros();
	terminal.write(KEY.ctrlC);
	await terminal.waitForExit();
	terminal.kill();
	return {to};
}

async function profileKeys(profileDirectory: string, env: Record<string, string>, workDirectory: string): Promise<{from?: number; to?: number}> {
	const file = join(workDirectory, 'large.schema.json');
	await writeFile(file, JSON.stringify(generateLargeSchema({attributeMappings: 20_000, attributeDefinitions: 50_000})));
	const terminal = new MeasuredTerminal(
		process.execPath,
		['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${profileDirectory}`, binPath, '--file', file],
		{columns: 160, rows: 45, env},
	);
	await terminal.waitForText(/Schema\s+1\/\d+/, 120_000);
	await terminal.waitForQuiet(200);
	await terminal.press(KEY.enter, (screen) => /Object mappings\s+1\//.test(screen[1] ?? ''), 'the rule');
	await terminal.press(KEY.enter, (screen) => /\s1\/20000$/.test(screen[1] ?? ''), 'the list');
	const from = nowMicros();
	for (let position = 2; position <= 77; position++) {
		await terminal.press(KEY.down, (screen) => new RegExp(`\\s${position}/20000$`).test(screen[1] ?? ''), `${position}`);
	}
	for (let index = 0; index < 20; index++) {
		const before = terminal.screenLines()[1];
		await terminal.press(KEY.pageDown, (screen) => screen[1] !== before, 'the next page');
	}
	for (const word of ['join', 'trim', 'ext1', 'coal']) {
		await terminal.press('/', (screen) => screen.some((line) => line.startsWith('/▏')), 'the prompt');
		for (let length = 1; length <= word.length; length++) {
			const typed = word.slice(0, length);
			await terminal.press(typed.at(-1)!, (screen) => screen.some((line) => line.startsWith(`/${typed}▏`)), typed);
		}
		await terminal.press(KEY.esc, (screen) => !screen.some((line) => line.startsWith(`/${word}▏`)), 'cleared');
	}
	const to = nowMicros();
	terminal.write('q');
	await terminal.waitForExit();
	terminal.kill();
	return {from, to};
}

/** Maps bundle positions to original sources through the .map file next to each bundle chunk. */
class SourceLocator {
	private readonly maps = new Map<string, SourceMap | undefined>();

	async locate(url: string, line: number, column: number): Promise<string> {
		if (!url) return '(native)';
		if (!url.startsWith('file://')) return url;
		const path = fileURLToPath(url);
		if (!this.maps.has(path)) {
			const payload = await readFile(`${path}.map`, 'utf8').then(
				(text) => JSON.parse(text),
				() => undefined,
			);
			this.maps.set(path, payload ? new SourceMap(payload) : undefined);
		}
		const map = this.maps.get(path);
		const entry = map?.findEntry(line, column) as {originalSource?: string} | undefined;
		const original = entry?.originalSource ? fileURLToPath(new URL(entry.originalSource, url)) : path;
		return relative(repositoryRoot, original);
	}
}

/** "node_modules/react-reconciler/cjs/…" → "react-reconciler"; source files stay as they are. */
function packageOf(file: string): string {
	const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
	if (match) return match[1]!;
	if (file.startsWith('node:') || file === '(native)') return file.startsWith('node:') ? 'node (built-in)' : '(native)';
	return file;
}

async function summarise(profile: CpuProfile, window: {from?: number; to?: number}): Promise<string> {
	const selfMicros = new Map<number, number>();
	let time = profile.startTime;
	let total = 0;
	for (let index = 0; index < profile.samples.length; index++) {
		time += profile.timeDeltas[index]!;
		if (window.from !== undefined && time < window.from) continue;
		if (window.to !== undefined && time > window.to) continue;
		const delta = profile.timeDeltas[index + 1] ?? 0;
		const id = profile.samples[index]!;
		selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
		total += delta;
	}
	const parentOf = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
	const locator = new SourceLocator();
	const nameOf = new Map<number, {name: string; owner: string}>();
	for (const node of profile.nodes) {
		const {callFrame} = node;
		const file = await locator.locate(callFrame.url, callFrame.lineNumber, callFrame.columnNumber);
		const line = callFrame.url ? `:${callFrame.lineNumber + 1}` : '';
		nameOf.set(node.id, {name: `${callFrame.functionName || '(anonymous)'}  ${file}${line}`, owner: callFrame.url ? packageOf(file) : callFrame.functionName});
	}
	const byFunction = new Map<string, number>();
	const byPackage = new Map<string, number>();
	const inclusive = new Map<string, number>();
	for (const [id, micros] of selfMicros) {
		const {name, owner} = nameOf.get(id)!;
		byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
		byPackage.set(owner, (byPackage.get(owner) ?? 0) + micros);
		// Every function on the stack gets the time once, however often it recurs.
		const onStack = new Set<string>();
		for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) onStack.add(nameOf.get(current)!.name);
		for (const each of onStack) inclusive.set(each, (inclusive.get(each) ?? 0) + micros);
	}
	inclusive.delete(nameOf.get(profile.nodes[0]!.id)!.name);
	const top = (map: Map<string, number>, count: number) =>
		[...map.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, count)
			.map(([name, micros]) => `  ${(micros / 1000).toFixed(1).padStart(8)} ms  ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`)
			.join('\n');
	return [
		`sampled time in the window: ${(total / 1000).toFixed(1)} ms`,
		'',
		'self time by package or source file:',
		top(byPackage, 15),
		'',
		'self time by function:',
		top(byFunction, 25),
		'',
		'total time (self + callees) by function:',
		top(inclusive, 30),
	].join('\n');
}

const scenario = process.argv[2];
if (scenario !== 'startup' && scenario !== 'startup-file' && scenario !== 'keys') {
	process.stderr.write('usage: node --import tsx bench/profile.ts startup|startup-file|keys\n');
	process.exit(2);
}
const workDirectory = await mkdtemp(join(tmpdir(), 'pvx-profile-'));
try {
	const profileDirectory = join(workDirectory, 'profiles');
	const env = {PROVISIONING_EXPLORER_STATE_DIR: join(workDirectory, 'state')};
	const window = scenario.startsWith('startup') ? await profileStartup(profileDirectory, env, scenario === 'startup-file') : await profileKeys(profileDirectory, env, workDirectory);
	const [profileFile] = await readdir(profileDirectory);
	if (!profileFile) throw new Error('node wrote no CPU profile');
	const profile = JSON.parse(await readFile(join(profileDirectory, profileFile), 'utf8')) as CpuProfile;
	process.stdout.write(`${await summarise(profile, window)}\n`);
} finally {
	await rm(workDirectory, {recursive: true, force: true});
}
