/**
 * Issue 13 §3: keystrokes (every key and every typed character) for daily work, counted while driving the real
 * executable in a pseudo-terminal against the demo tenant on 127.0.0.1, each step waiting for the screen it leads
 * to. Part of `npm run bench`; alone: `node --import tsx bench/keystrokes.ts` (updates its section of RESULTS.md).
 *
 * Today's path is the walk before issue 13: no deep link, no `h` (`:restore` lists backups by file), and Enter in a
 * filter only kept the filter — a second Enter opened the row. The new walk is measured; today's differs from it
 * only by that second Enter after each filter that left one row (counted as the walk meets them) and, for the
 * restore, is walked for real with `:restore`.
 */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {startSimulator} from '../source/simulator/index.js';
import {MeasuredTerminal} from './terminal.js';

const KEY = {enter: '\r', esc: '\u001B', down: '\u001B[B', ctrlU: '\u0015'} as const;
const size = {columns: 120, rows: 30};
const app = 'contoso.com';
const job = 'AD2AADProvisioning';
const target = 'Mail';
const newExpression = 'Trim(Join("", [mail]))';

export type KeystrokeRow = {task: string; todayPath: string; todayKeys: number; newPath: string; newKeys: number; target?: string};

function selectedOf(screen: readonly string[]): string {
	return (screen.find((line) => line.startsWith('›')) ?? '').slice(1).trim();
}

/** Counts what is sent: a named key is one keystroke, typed text one per character. */
class Walk {
	keys = 0;
	/** Filters that left one row, where Enter now opens it (today it took a second Enter). */
	singleRowFilters = 0;
	readonly path: string[] = [];
	/** Where in `path` an Enter opened the one row a filter left. */
	private readonly opensAt = new Set<number>();

	constructor(private readonly terminal: MeasuredTerminal) {}

	async key(label: string, bytes: string, until: string | RegExp): Promise<void> {
		this.keys += 1;
		this.path.push(label);
		this.terminal.write(bytes);
		await this.terminal.waitForText(until);
		await this.terminal.waitForQuiet(80);
	}

	async type(text: string, until: string | RegExp): Promise<void> {
		this.keys += [...text].length;
		this.path.push(text);
		this.terminal.write(text);
		await this.terminal.waitForText(until);
		await this.terminal.waitForQuiet(80);
	}

	/**
	 * `/` and the name, one character at a time until one row is left (as an admin stops typing), then Enter opens
	 * it; when the whole name leaves several rows, Enter keeps the filter and ↓ moves to `row`, then Enter opens it.
	 */
	async filterAndOpen(text: string, row: RegExp, opened: string | RegExp): Promise<void> {
		await this.key('/', '/', '/▏');
		let typed = '';
		let left: string | undefined;
		for (const character of text) {
			typed += character;
			this.keys += 1;
			this.terminal.write(character);
			await this.terminal.waitForText(`/${typed}▏`);
			await this.terminal.waitForQuiet(80);
			left = /\d+\/(\d+) of \d+/.exec(this.terminal.screenLines()[1] ?? '')?.[1];
			if (left === '1') break;
		}
		this.path[this.path.length - 1] = `/${typed}`;
		if (left === '1') {
			this.singleRowFilters += 1;
			this.opensAt.add(this.path.length);
			await this.key('⏎', KEY.enter, opened);
			return;
		}
		await this.key('⏎', KEY.enter, /filter: /);
		for (let guard = 0; guard < 50 && !row.test(this.selected()); guard++) {
			const before = this.selected();
			this.keys += 1;
			this.path.push('↓');
			this.terminal.write(KEY.down);
			await this.terminal.waitForScreen((screen) => selectedOf(screen) !== before, 'the next row');
			await this.terminal.waitForQuiet(80);
		}
		await this.key('⏎', KEY.enter, opened);
	}

	/** Esc, one screen (or filter) at a time, until the title line matches. */
	async escUntil(title: RegExp): Promise<void> {
		for (let guard = 0; guard < 10 && !title.test(this.terminal.screenLines()[1] ?? ''); guard++) {
			const before = this.terminal.screenLines().slice(0, 2).join('\n');
			this.keys += 1;
			this.path.push('Esc');
			this.terminal.write(KEY.esc);
			await this.terminal.waitForScreen((screen) => screen.slice(0, 2).join('\n') !== before, 'the screen or filter left');
			await this.terminal.waitForQuiet(120);
		}
	}

	selected(): string {
		return selectedOf(this.terminal.screenLines());
	}

	/** The keys counted since the last take, and the path as typed now and as it was typed before issue 13. */
	take(): {keys: number; path: string; todayPath: string; singleRowFilters: number} {
		const today = this.path.map((step, index) => (this.opensAt.has(index) ? '⏎ ⏎' : step));
		const result = {keys: this.keys, path: this.path.join(' '), todayPath: today.join(' '), singleRowFilters: this.singleRowFilters};
		this.keys = 0;
		this.singleRowFilters = 0;
		this.path.length = 0;
		this.opensAt.clear();
		return result;
	}
}

const detailShown = `Target attribute    ${target}`;

async function changeAndWrite(walk: Walk): Promise<void> {
	await walk.key('s', 's', 'Source type');
	await walk.key('⏎', KEY.enter, '> Trim([mail])');
	await walk.key('Ctrl+U', KEY.ctrlU, /> ▏/);
	await walk.type(newExpression, newExpression);
	await walk.key('⏎', KEY.enter, '1 pending');
	await walk.key('w', 'w', `Type "${app}"`);
	await walk.type(app, `${app}▏`);
	await walk.key('⏎', KEY.enter, 'Written and verified');
}

/** After a write: back on the mapping (the plan's Enter, then the notice with the backup's path). */
async function backToMapping(walk: Walk): Promise<void> {
	await walk.key('⏎', KEY.enter, 'Enter or Esc closes this.');
	await walk.key('⏎', KEY.enter, detailShown);
}

async function confirmWrite(walk: Walk): Promise<void> {
	await walk.type(app, `${app}▏`);
	await walk.key('⏎', KEY.enter, 'Written and verified');
}

export async function measureKeystrokes(options: {binPath: string; env: Record<string, string>}): Promise<KeystrokeRow[]> {
	const simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	const stateDirectory = await mkdtemp(join(tmpdir(), 'pvx-keys-'));
	const env = {...options.env, PROVISIONING_EXPLORER_STATE_DIR: stateDirectory};
	const start = () => new MeasuredTerminal(process.execPath, [options.binPath, '--demo', '--graph-url', simulator.url], {...size, env});
	const rows: KeystrokeRow[] = [];
	let terminal = start();
	try {
		// Launch, signed in: the app list has loaded.
		await terminal.waitForText(/Apps with provisioning\s+1\/\d+/, 60_000);
		await terminal.waitForQuiet(100);
		const walk = new Walk(terminal);

		await walk.filterAndOpen(app, /^contoso\.com\b/, /Provisioning jobs\s+1\//);
		await walk.filterAndOpen(job, new RegExp(`^${job}\\b`), /Schema\s+1\//);
		await walk.key('⏎', KEY.enter, /Object mappings\s+1\//);
		await walk.key('⏎', KEY.enter, /Attribute mappings .*1\/136/);
		await walk.filterAndOpen(target, new RegExp(`^${target}\\b`), detailShown);
		const reach = walk.take();
		rows.push({
			task: `From the app list to ${app} › ${job} › ${target}'s expression`,
			todayPath: reach.todayPath,
			todayKeys: reach.keys + reach.singleRowFilters,
			newPath: reach.path,
			newKeys: reach.keys,
			target: '≤ 20',
		});

		await changeAndWrite(walk);
		const write = walk.take();
		rows.push({task: `Change ${target}'s expression and write it safely (plan, typed name, backup, verify)`, todayPath: write.path, todayKeys: write.keys, newPath: write.path, newKeys: write.keys});

		// Restore the previous version, new: h on the job, R, the typed name.
		await backToMapping(walk);
		// Esc up to the job (the first Esc on a filtered list clears the filter).
		await walk.escUntil(/^Schema\s+1\//);
		await walk.key('h', 'h', /History of this job: 1 version/);
		await walk.key('R', 'R', `Type "${app}"`);
		await confirmWrite(walk);
		const restoreNew = walk.take();

		// Today: the same write again (not counted: back to the mapping with :open), then :restore and the newest backup.
		await walk.key('⏎', KEY.enter, 'Enter or Esc closes this.');
		await walk.key('⏎', KEY.enter, /Schema\s+1\//);
		await walk.key(':', ':', 'Command');
		await walk.type(`open ${app}/${job}/${target}`, `${target}▏`);
		await walk.key('⏎', KEY.enter, detailShown);
		walk.take();
		await changeAndWrite(walk);
		walk.take();
		await backToMapping(walk);
		await walk.key(':', ':', 'Command');
		await walk.type('restore', '> restore▏');
		await walk.key('⏎', KEY.enter, /Backups of this job\s+1\//);
		await walk.key('⏎', KEY.enter, `Type "${app}"`);
		await confirmWrite(walk);
		const restoreToday = walk.take();
		rows.push({
			task: 'Restore the version before the write (from the mapping just written, back on it)',
			todayPath: restoreToday.path,
			todayKeys: restoreToday.keys,
			newPath: restoreNew.path,
			newKeys: restoreNew.keys,
		});
		terminal.write('q');
		await terminal.waitForExit();
		terminal.kill();

		// The next day: the app was opened before, so the list starts with it.
		terminal = start();
		await terminal.waitForText(/Apps with provisioning\s+1\/\d+/, 60_000);
		await terminal.waitForQuiet(100);
		const again = new Walk(terminal);
		if (!/^contoso\.com\b/.test(again.selected())) throw new Error(`${app} is not first among the recent apps:\n${terminal.screenLines().join('\n')}`);
		await again.key('⏎', KEY.enter, /Provisioning jobs\s+1\//);
		await again.key('⏎', KEY.enter, /Schema\s+1\//);
		await again.key('⏎', KEY.enter, /Object mappings\s+1\//);
		await again.key('⏎', KEY.enter, /Attribute mappings .*1\/136/);
		await again.filterAndOpen(target, new RegExp(`^${target}\\b`), detailShown);
		const recent = again.take();
		rows.splice(1, 0, {
			task: `The same, ${app} opened before (recent apps first)`,
			todayPath: 'as above: no recent apps, the list keeps its order',
			todayKeys: reach.keys + reach.singleRowFilters,
			newPath: recent.path,
			newKeys: recent.keys,
			target: '≤ 20',
		});
		terminal.write('q');
		await terminal.waitForExit();
		terminal.kill();

		// The deep link: one command line, the explorer opens on the mapping.
		const command = `provisioning-explorer --sp ${app} --job ${job} --mapping ${target}`;
		terminal = new MeasuredTerminal(process.execPath, [options.binPath, '--demo', '--graph-url', simulator.url, '--sp', app, '--job', job, '--mapping', target], {...size, env});
		await terminal.waitForText(detailShown, 60_000);
		rows.push({
			task: `Launch straight on ${target}'s expression (deep link)`,
			todayPath: `launch, then the ${reach.keys + reach.singleRowFilters} keystrokes above`,
			todayKeys: [...'provisioning-explorer'].length + 1 + reach.keys + reach.singleRowFilters,
			newPath: `\`${command}\` ⏎ (one command line; no key inside the explorer)`,
			newKeys: [...command].length + 1,
			target: '1 command line',
		});
		terminal.write('q');
		await terminal.waitForExit();
	} finally {
		terminal.kill();
		await simulator.close();
		await rm(stateDirectory, {recursive: true, force: true});
	}
	return rows;
}

export function keystrokesMarkdown(rows: readonly KeystrokeRow[], date: Date): string {
	const cell = (text: string) => text.replace(/\|/g, '\\|');
	const lines = [
		'## Keystrokes (issue 13 §3)',
		'',
		`Written by bench/keystrokes.ts (part of \`npm run bench\`) on ${date.toISOString()}: every key and every typed character, counted while driving the built executable in a pseudo-terminal (120×30) against the demo tenant, signed in, each step waiting for the screen it leads to. "Today" is the walk before issue 13: Enter in a filter only kept it (a second Enter opened the row), no deep link, \`:restore\` instead of \`h\`.`,
		'',
		'| Task | Today: path | Today: keys | Now: path | Now: keys | Target |',
		'| --- | --- | --- | --- | --- | --- |',
		...rows.map((row) => `| ${cell(row.task)} | ${cell(row.todayPath)} | ${row.todayKeys} | ${cell(row.newPath)} | ${row.newKeys} | ${row.target ?? ''} |`),
		'',
		'A provision-on-demand canary after a write is not measured: the explorer has no canary screen yet (issue 11).',
		'',
	];
	return lines.join('\n');
}

/** Puts the keystroke section into RESULTS.md, replacing the one there. */
export async function writeKeystrokeSection(resultsPath: string, section: string): Promise<void> {
	const current = await readFile(resultsPath, 'utf8').catch(() => '# Benchmark results\n');
	const start = current.indexOf('## Keystrokes (issue 13 §3)');
	let next: string;
	if (start === -1) next = `${current.replace(/\n*$/, '\n\n')}${section}`;
	else {
		const end = current.indexOf('\n## ', start + 1);
		next = `${current.slice(0, start)}${section}${end === -1 ? '' : current.slice(end + 1)}`;
	}
	await writeFile(resultsPath, next);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const binPath = fileURLToPath(new URL('../bin/provisioning-explorer.js', import.meta.url));
	const rows = await measureKeystrokes({binPath, env: {}});
	const section = keystrokesMarkdown(rows, new Date());
	process.stdout.write(section);
	if (!process.argv.includes('--quick')) await writeKeystrokeSection(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), section);
}
