/**
 * Issue 13 §3: keystrokes (every key and every typed character) for daily work, counted while driving the real
 * executable in a pseudo-terminal against the demo tenant on 127.0.0.1, each step waiting for the screen it leads
 * to. Part of `npm run bench`; alone: `node --import tsx bench/keystrokes.ts` (updates its section of RESULTS.md).
 *
 * How the admin types, in every walk: a long list (the apps of a real tenant, 136 attribute mappings) is filtered,
 * one character at a time until the row is the one the filter names or the only one left, then Enter; a short list
 * that shows all its rows (a job's two jobs, its schema's three rows, a rule's two object mappings) is picked by
 * eye with ↓ and Enter. `:open` parts are typed until the wanted name is first among the Tab choices shown, then Tab.
 *
 * Today's path is the walk before issue 13: no deep link, no `:open`, no `h` (`:restore` lists backups by file), no
 * canary screen, and Enter in a filter only kept the filter (a second Enter opened the row; a row the filter named
 * but did not leave alone was reached with ↓ in list order). It is derived from the measured walk, each filter's
 * Enter replaced by what it took then, or walked for real (`:restore`), or written out (the command lines).
 */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {SynchronizationSchema} from '../source/schema/types.js';
import {startSimulator} from '../source/simulator/index.js';
import {createContext} from '../source/ui/context.js';
import {objectMappingRows} from '../source/ui/rows.js';
import {MeasuredTerminal} from './terminal.js';

const KEY = {enter: '\r', esc: '\u001B', down: '\u001B[B', ctrlU: '\u0015', tab: '\t'} as const;
const size = {columns: 120, rows: 30};
const app = 'contoso.com';
const job = 'AD2AADProvisioning';
const target = 'Mail';
const newExpression = 'Trim(Join("", [mail]))';
/** The canary's test user: cloud sync provisions on demand by the AD distinguished name. */
const subject = 'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com';

export type KeystrokeRow = {task: string; todayPath: string; todayKeys: number; newPath: string; newKeys: number; target?: string};

function selectedOf(screen: readonly string[]): string {
	return (screen.find((line) => line.startsWith('›')) ?? '').slice(1).trim();
}

/** Counts what is sent: a named key is one keystroke, typed text one per character. */
class Walk {
	keys = 0;
	/** Keys the walk before issue 13 needed on top of this one (see `today`). */
	extraToday = 0;
	readonly path: string[] = [];
	/** What each step of `path` took before issue 13, where it differs. */
	private readonly today = new Map<number, string>();

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
	 * `/` and the name, one character at a time until the row is the only one left or the filter is its whole name
	 * (it then ranks first, under the cursor), then Enter opens it. `listOrderPosition`: where the row stood among
	 * the rows the whole name matches, in list order — what ↓ took before issue 13.
	 */
	async filterAndOpen(text: string, row: RegExp, opened: string | RegExp, listOrderPosition = 0): Promise<void> {
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
		if (left !== '1' && !row.test(this.selected())) throw new Error(`/${typed} does not put ${row} first:\n${this.terminal.screenLines().join('\n')}`);
		// Before issue 13 Enter kept the filter; then ↓ to the row in list order, and Enter opened it.
		const before = left === '1' ? ['⏎', '⏎'] : ['⏎', ...Array<string>(listOrderPosition).fill('↓'), '⏎'];
		this.today.set(this.path.length, before.join(' '));
		this.extraToday += before.length - 1;
		await this.key('⏎', KEY.enter, opened);
	}

	/** A short list shown whole: ↓ to the row (as seen), then Enter. */
	async pick(row: RegExp, opened: string | RegExp): Promise<void> {
		for (let guard = 0; guard < 20 && !row.test(this.selected()); guard++) {
			const before = this.selected();
			this.keys += 1;
			this.path.push('↓');
			this.terminal.write(KEY.down);
			await this.terminal.waitForScreen((screen) => selectedOf(screen) !== before, 'the next row');
			await this.terminal.waitForQuiet(80);
		}
		await this.key('⏎', KEY.enter, opened);
	}

	/** The Tab choices the command line shows under it, as the admin reads them. */
	private tabChoices(): string[] {
		const line = this.terminal.screenLines().find((each) => each.startsWith('Tab: '));
		return line ? line.slice(5).trim().split(' · ').map((choice) => choice.replace(/^\[|\]$/g, '')) : [];
	}

	/**
	 * One part of a `:open` line: characters until `wanted` is first among the Tab choices shown (or the part is
	 * typed whole, when there is nothing to complete from), then Tab when that saves keys.
	 */
	async part(text: string, wanted: string): Promise<void> {
		let typed = '';
		const line = () => this.terminal.screenLines().find((each) => each.startsWith('> ')) ?? '';
		for (const character of [...text, '']) {
			const choices = this.tabChoices();
			if (choices[0] === wanted && typed.length < text.length) {
				if (typed) this.path.push(typed);
				const before = line();
				this.keys += 1;
				this.path.push('⇥');
				this.terminal.write(KEY.tab);
				await this.terminal.waitForScreen((screen) => (screen.find((each) => each.startsWith('> ')) ?? '') !== before, 'the part completed');
				await this.terminal.waitForQuiet(80);
				return;
			}
			if (character === '') break;
			typed += character;
			this.keys += 1;
			this.terminal.write(character);
			await this.terminal.waitForText(`${typed}▏`);
			await this.terminal.waitForQuiet(80);
		}
		this.path.push(typed);
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
	take(): {keys: number; path: string; todayPath: string; todayKeys: number} {
		const todayPath = this.path.map((step, index) => this.today.get(index) ?? step).join(' ');
		const result = {keys: this.keys, path: this.path.join(' '), todayPath, todayKeys: this.keys + this.extraToday};
		this.keys = 0;
		this.extraToday = 0;
		this.path.length = 0;
		this.today.clear();
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

/** Where Mail stands among the User mappings `/Mail` matches, in list order (what ↓ took before issue 13). */
function mailListOrderPosition(schema: SynchronizationSchema): number {
	const context = createContext({jobKey: 0, download: {bytes: new Uint8Array(), schema}, appName: app});
	const node = context.index.rules[0]!.objectMappings[0]!;
	const matching = objectMappingRows(node, context).filter((row) => row.search.includes(target.toLowerCase()));
	return matching.findIndex((row) => row.cells[0] === target);
}

/** Without counting: back to the app list (Esc until its title). */
async function toAppList(terminal: MeasuredTerminal): Promise<void> {
	const walk = new Walk(terminal);
	// Its filter cleared too: the next walk's `/` starts a new one.
	await walk.escUntil(/^Apps with provisioning\s+\d+\/\d+\s*$/);
}

/** Without counting: `:open` straight to the mapping. */
async function openMapping(terminal: MeasuredTerminal): Promise<void> {
	const walk = new Walk(terminal);
	await walk.key(':', ':', 'Command');
	await walk.type(`open ${app}/${job}/${target}`, `${target}▏`);
	await walk.key('⏎', KEY.enter, detailShown);
}

export async function measureKeystrokes(options: {binPath: string; env: Record<string, string>}): Promise<KeystrokeRow[]> {
	const simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	const stateDirectory = await mkdtemp(join(tmpdir(), 'pvx-keys-'));
	const env = {...options.env, PROVISIONING_EXPLORER_STATE_DIR: stateDirectory};
	const start = () => new MeasuredTerminal(process.execPath, [options.binPath, '--demo', '--graph-url', simulator.url], {...size, env});
	const servicePrincipal = simulator.tenant.servicePrincipals.find((each) => each.displayName === app)!;
	const demoJob = simulator.tenant.jobsOf(servicePrincipal.id).find((each) => each.job.templateId === job)!;
	const mailPosition = mailListOrderPosition(JSON.parse(demoJob.schema.text) as SynchronizationSchema);
	const rows: KeystrokeRow[] = [];
	let terminal = start();
	try {
		// Launch, signed in: the app list has loaded.
		await terminal.waitForText(/Apps with provisioning\s+1\/\d+/, 60_000);
		await terminal.waitForQuiet(100);
		const walk = new Walk(terminal);
		const reachTask = `From the app list to ${app} › ${job} › ${target}'s expression`;

		// 1. As an admin types it: the app list filtered, the short lists picked by eye, the mappings filtered.
		await walk.filterAndOpen(app, /^contoso\.com\b/, /Provisioning jobs\s+1\//);
		await walk.pick(new RegExp(`^${job}\\b`), /Schema\s+1\//);
		await walk.pick(/^Rule\b/, /Object mappings\s+1\//);
		await walk.pick(/^Synchronize Active Directory/, /Attribute mappings .*1\/136/);
		await walk.filterAndOpen(target, new RegExp(`^${target}\\b`), detailShown, mailPosition);
		const reach = walk.take();
		rows.push({task: `${reachTask}: long lists filtered, short lists picked`, todayPath: reach.todayPath, todayKeys: reach.todayKeys, newPath: reach.path, newKeys: reach.keys, target: '≤ 20'});
		await toAppList(terminal);

		// 2. The same with every list filtered, even the job list of two (the walk measured before).
		await walk.filterAndOpen(app, /^contoso\.com\b/, /Provisioning jobs\s+1\//);
		await walk.filterAndOpen(job, new RegExp(`^${job}\\b`), /Schema\s+1\//);
		await walk.pick(/^Rule\b/, /Object mappings\s+1\//);
		await walk.pick(/^Synchronize Active Directory/, /Attribute mappings .*1\/136/);
		await walk.filterAndOpen(target, new RegExp(`^${target}\\b`), detailShown, mailPosition);
		const filtered = walk.take();
		rows.push({task: `${reachTask}: every list filtered`, todayPath: filtered.todayPath, todayKeys: filtered.todayKeys, newPath: filtered.path, newKeys: filtered.keys});
		await toAppList(terminal);

		// 3. `:open` with Tab, from the app list (the job not read yet: its mappings are not offered).
		await walk.key(':', ':', 'Command');
		await walk.part('open', 'open');
		await walk.part(app, `${app}/`);
		await walk.part(job, `${job}/`);
		await walk.part(target, target);
		await walk.key('⏎', KEY.enter, detailShown);
		const opened = walk.take();
		rows.push({
			task: `${reachTask}: \`:open\` with Tab`,
			todayPath: `no \`:open\`: the walk of the first row, ${reach.todayPath}`,
			todayKeys: reach.todayKeys,
			newPath: opened.path,
			newKeys: opened.keys,
			target: '≤ 20',
		});

		await changeAndWrite(walk);
		const write = walk.take();
		rows.push({task: `Change ${target}'s expression and write it safely (plan, typed name, backup, verify)`, todayPath: write.path, todayKeys: write.keys, newPath: write.path, newKeys: write.keys});

		// The canary: on the write's result, p and the test user, then the result with the touched attributes.
		await walk.key('p', 'p', 'Provision on demand (');
		await walk.type(subject, `${subject}▏`);
		await walk.key('⏎', KEY.enter, /If the result is wrong: B restores/);
		const canary = walk.take();
		const provisionCommand = `provisioning-explorer provision --sp ${app} --job ${job} --subject "${subject}"`;
		rows.push({
			task: 'After the write, provision a test user on demand (the canary)',
			todayPath: `q, then \`${provisionCommand}\` ⏎ in the shell`,
			todayKeys: 1 + [...provisionCommand].length + 1,
			newPath: `${canary.path} (the user typed; a paste is one action)`,
			newKeys: canary.keys,
		});

		// Its undo: B opens the restore of the backup just taken, then p (the same user offered again) shows the way back.
		await walk.key('B', 'B', `Type "${app}"`);
		await confirmWrite(walk);
		await walk.key('p', 'p', `> ${subject}▏`);
		await walk.key('⏎', KEY.enter, /Subject: CN=AdeleV/);
		const undo = walk.take();
		// Today's figure needs the `:restore` walk measured below.
		const undoRow: KeystrokeRow = {task: 'The canary was wrong: restore the backup, then provision the user again', todayPath: '', todayKeys: 0, newPath: undo.path, newKeys: undo.keys};
		rows.push(undoRow);

		// Restore the previous version, new: from the mapping just written, H and R.
		await openMapping(terminal);
		await changeAndWrite(walk);
		walk.take();
		await backToMapping(walk);
		await walk.key('H', 'H', /History of this job: \d+ version/);
		await walk.key('R', 'R', `Type "${app}"`);
		await confirmWrite(walk);
		const restoreNew = walk.take();

		// Today: the same write again (not counted), then :restore and the newest backup.
		await walk.key('⏎', KEY.enter, 'Enter or Esc closes this.');
		await walk.key('⏎', KEY.enter, /History of this job/);
		await openMapping(terminal);
		walk.take();
		await changeAndWrite(walk);
		walk.take();
		await backToMapping(walk);
		await walk.key(':', ':', 'Command');
		await walk.type('restore', '> restore▏');
		await walk.key('⏎', KEY.enter, /Backups of this job\s+1\//);
		await walk.key('⏎', KEY.enter, /Enter restores it through the plan/);
		// Today's product opened the plan with that Enter; this one first shows the backup's row in full (issue 10),
		// so a second Enter goes on to the plan. Not counted: the figure is the walk before issue 13.
		terminal.write(KEY.enter);
		await terminal.waitForText(`Type "${app}"`);
		await terminal.waitForQuiet(80);
		await confirmWrite(walk);
		const restoreToday = walk.take();
		undoRow.todayPath = `\`:restore\` in the explorer (${restoreToday.keys} keys, below), then the command line above again (${1 + [...provisionCommand].length + 1})`;
		undoRow.todayKeys = restoreToday.keys + 1 + [...provisionCommand].length + 1;
		rows.push({
			task: 'Restore the version before the write (from the mapping just written)',
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
		await again.pick(/^contoso\.com\b/, /Provisioning jobs\s+1\//);
		await again.pick(new RegExp(`^${job}\\b`), /Schema\s+1\//);
		await again.pick(/^Rule\b/, /Object mappings\s+1\//);
		await again.pick(/^Synchronize Active Directory/, /Attribute mappings .*1\/136/);
		await again.filterAndOpen(target, new RegExp(`^${target}\\b`), detailShown, mailPosition);
		const recent = again.take();
		rows.splice(3, 0, {
			task: `The same, ${app} opened before (recent apps first)`,
			todayPath: 'no recent apps: as the first row',
			todayKeys: reach.todayKeys,
			newPath: recent.path,
			newKeys: recent.keys,
			target: '≤ 20',
		});
		await toAppList(terminal);
		await again.key(':', ':', 'Command');
		await again.part('open', 'open');
		await again.part(app, `${app}/`);
		await again.part(job, `${job}/`);
		await again.part(target, target);
		await again.key('⏎', KEY.enter, detailShown);
		const recentOpen = again.take();
		rows.splice(4, 0, {
			task: `The same with \`:open\`, ${app} opened before`,
			todayPath: 'no `:open`, no recent apps: as the first row',
			todayKeys: reach.todayKeys,
			newPath: recentOpen.path,
			newKeys: recentOpen.keys,
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
			todayPath: `launch, then the ${reach.todayKeys} keystrokes of the first row`,
			todayKeys: [...'provisioning-explorer'].length + 1 + reach.todayKeys,
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
		`Written by bench/keystrokes.ts (part of \`npm run bench\`) on ${date.toISOString()}: every key and every typed character, counted while driving the built executable in a pseudo-terminal (120×30) against the demo tenant, signed in, each step waiting for the screen it leads to. Long lists (a tenant's apps, 136 attribute mappings) are filtered until the row is named or alone, short lists shown whole are picked with ↓ and ⏎, \`:open\` parts are typed until the wanted name is the first Tab choice. "Today" is the walk before issue 13: Enter in a filter only kept it (a second Enter opened the row, ↓ reached a row it did not leave alone), no deep link, no \`:open\`, \`:restore\` instead of the history, no canary screen.`,
		'',
		'| Task | Today: path | Today: keys | Now: path | Now: keys | Target |',
		'| --- | --- | --- | --- | --- | --- |',
		...rows.map((row) => `| ${cell(row.task)} | ${cell(row.todayPath)} | ${row.todayKeys} | ${cell(row.newPath)} | ${row.newKeys} | ${row.target ?? ''} |`),
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
