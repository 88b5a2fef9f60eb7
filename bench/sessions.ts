/**
 * Measurements inside a running explorer at 160×45: bytes per ↓ in an attribute-mapping list,
 * and keystroke → updated frame for ↓, PgDn, opening a mapping and typing a filter character.
 */
import {startSimulator} from '../source/simulator/index.js';
import {KEY} from '../test/helpers/keys.js';
import {MeasuredTerminal, type Response} from './terminal.js';

export const columns = 160;
export const rows = 45;

/** ↓ presses from the first row: at 45 rows the list shows 39, so the first 38 move the cursor within the page and the next 38 scroll. */
export const downPresses = 76;

export type DownWalk = {
	/** One entry per ↓, in order from the first row. */
	responses: Response[];
	/** Whether each ↓ scrolled the list (the first visible row changed) rather than only moving the cursor. */
	scrolled: boolean[];
};

/** A key that turned the page: its answer, and the bytes of the text of the screen rows it changed. */
export type PageTurn = Response & {
	key: string;
	/** UTF-8 bytes of the rows that read differently afterwards, as they now read (no escape codes): what a page turn must not exceed. */
	changedRowBytes: number;
};

export type ListSession = {
	rowCount: number;
	/** Bytes written when the list screen is first opened (Enter on its object mapping). */
	openBytes: number;
	openResponse: Response;
	down: DownWalk;
	/** Bytes written when the terminal narrows by one column (Ink erases the frame and repaints it, then the app lays out again). */
	narrowBytes?: number;
	/** Every ↓ that turned the page in the walk, then PgDn and PgUp presses. */
	pageTurns: PageTurn[];
};

const titleLine = (screen: string[]) => screen[1] ?? '';
/** The first visible row without the cursor marker, so moving the cursor off it is not taken for a scroll. */
const firstListRow = (screen: string[]) => (screen[3] ?? '').slice(2).trimEnd();

/** The title line ends with the position, e.g. "… 37/136" (or "… 1/20 of 136" under a filter). */
function positionIs(position: number, total: number): (screen: string[]) => boolean {
	const pattern = new RegExp(`(?:^|\\s)${position}/${total}$`);
	return (screen) => pattern.test(titleLine(screen));
}

function changedRowBytes(before: string[], after: string[]): number {
	let bytes = 0;
	for (const [index, line] of after.entries()) if (line !== before[index]) bytes += Buffer.byteLength(line.trimEnd());
	return bytes;
}

/** Presses a key and also reports the bytes of the rows it changed on screen. */
async function pressCountingRows(terminal: MeasuredTerminal, name: string, key: string, expected: (screen: string[]) => boolean, what: string): Promise<PageTurn> {
	const before = terminal.screenLines();
	const response = await terminal.press(key, expected, what);
	return {...response, key: name, changedRowBytes: changedRowBytes(before, terminal.screenLines())};
}

async function walkDown(terminal: MeasuredTerminal, total: number, presses: number, pageTurns: PageTurn[]): Promise<DownWalk> {
	const walk: DownWalk = {responses: [], scrolled: []};
	for (let position = 2; position <= presses + 1; position++) {
		const topBefore = firstListRow(terminal.screenLines());
		const turn = await pressCountingRows(terminal, '↓', KEY.down, positionIs(position, total), `${position}/${total}`);
		const scrolled = firstListRow(terminal.screenLines()) !== topBefore;
		const {key: _key, changedRowBytes: _changed, ...response} = turn;
		walk.responses.push(response);
		walk.scrolled.push(scrolled);
		if (scrolled) pageTurns.push(turn);
	}
	return walk;
}

/** PgDn then PgUp, `count` of each, from where the list is. */
async function pageDownAndUp(terminal: MeasuredTerminal, count: number, pageTurns: PageTurn[]): Promise<void> {
	for (const [name, key] of [
		['PgDn', KEY.pageDown],
		['PgUp', KEY.pageUp],
	] as const) {
		for (let index = 0; index < count; index++) {
			const before = titleLine(terminal.screenLines());
			pageTurns.push(await pressCountingRows(terminal, name, key, (screen) => titleLine(screen) !== before, `${name} from ${before}`));
		}
	}
}

async function narrowByOneColumn(terminal: MeasuredTerminal): Promise<number> {
	const before = terminal.bytesWritten;
	terminal.resize(columns - 1, rows);
	await terminal.waitForQuiet(300);
	return terminal.bytesWritten - before;
}

/** The demo tenant's contoso.com → AD2AADProvisioning → rule → user mapping: the 136-row list of issue 2. */
export async function measureDemoMappingList(options: {binPath: string; env: Record<string, string>}): Promise<ListSession> {
	const simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	const terminal = new MeasuredTerminal(process.execPath, [options.binPath, '--demo', '--graph-url', simulator.url], {columns, rows, env: options.env});
	try {
		// The breadcrumb shows "contoso.com (demo)" at once; wait for the loaded list (its position counter).
		await terminal.waitForText(/Apps with provisioning\s+1\/\d+/);
		// A filter that leaves one row opens it on Enter.
		terminal.write('/contoso.com');
		terminal.write(KEY.enter);
		await terminal.waitForText(/Provisioning jobs\s+1\/\d+/);
		terminal.write('/AD2AADProvisioning');
		terminal.write(KEY.enter);
		await terminal.waitForText(/Schema\s+1\/\d+/);
		terminal.write(KEY.enter); // the rule
		await terminal.waitForText(/Object mappings\s+1\/\d+/);
		await terminal.waitForQuiet(100);
		const openResponse = await terminal.press(KEY.enter, positionIs(1, 136), '1/136');
		const pageTurns: PageTurn[] = [];
		const down = await walkDown(terminal, 136, downPresses, pageTurns);
		await pageDownAndUp(terminal, 1, pageTurns);
		const narrowBytes = await narrowByOneColumn(terminal);
		terminal.write('q');
		await terminal.waitForExit();
		return {rowCount: 136, openBytes: openResponse.bytes, openResponse, down, narrowBytes, pageTurns};
	} finally {
		terminal.kill();
		await simulator.close();
	}
}

export type LargeFileSession = ListSession & {
	/** Spawn → the schema screen of the file is on screen (one sample). */
	schemaShownMs: number;
	pageDown: Response[];
	openMapping: Response[];
	/** Esc from a mapping back to the list; includes the 50 ms the app waits to tell a lone Esc from an escape sequence. */
	backToList: Response[];
	filterCharacter: Response[];
	/**
	 * The four kinds of key above interleaved, one at a time (↓, PgDn, Enter on a mapping, a filter character),
	 * each judged on its own answer; the Esc and `/` between them are not counted.
	 */
	mixed: Array<Response & {key: string}>;
	/** VmHWM of the explorer process at three points. */
	peakRss: {schemaShown?: number; listOpened?: number; end?: number};
};

export const filterWords = ['join', 'trim', 'ext1', 'coal'];

/** The generated schema opened with --file (no network): the 20,000-row list of issue 6. */
export async function measureLargeFile(options: {
	binPath: string;
	file: string;
	rowCount: number;
	env: Record<string, string>;
	samples: number;
}): Promise<LargeFileSession> {
	const total = options.rowCount;
	const terminal = new MeasuredTerminal(process.execPath, [options.binPath, '--file', options.file], {columns, rows, env: options.env});
	try {
		const shownAt = await terminal.waitForText(/Schema\s+1\/\d+/, 120_000);
		const schemaShownMs = shownAt - terminal.spawnedAt;
		await terminal.waitForQuiet(200);
		const peakRss: LargeFileSession['peakRss'] = {schemaShown: terminal.peakRssBytes()};
		await terminal.press(KEY.enter, (screen) => /Object mappings\s+1\/\d+/.test(titleLine(screen)), 'the rule');
		const openResponse = await terminal.press(KEY.enter, positionIs(1, total), `1/${total}`);
		peakRss.listOpened = terminal.peakRssBytes();

		const pageTurns: PageTurn[] = [];
		const down = await walkDown(terminal, total, downPresses, pageTurns);

		const pageDown: Response[] = [];
		for (let index = 0; index < options.samples; index++) {
			const before = titleLine(terminal.screenLines());
			const turn = await pressCountingRows(terminal, 'PgDn', KEY.pageDown, (screen) => titleLine(screen) !== before, 'the next page');
			pageTurns.push(turn);
			pageDown.push(turn);
		}

		const openMapping: Response[] = [];
		const backToList: Response[] = [];
		for (let index = 0; index < options.samples; index++) {
			const listTitle = titleLine(terminal.screenLines());
			const position = /(\d+)\/\d+$/.exec(listTitle)?.[1];
			openMapping.push(
				await terminal.press(KEY.enter, (screen) => screen.some((line) => line.startsWith('JSON Pointer')), 'the mapping detail'),
			);
			backToList.push(await terminal.press(KEY.esc, (screen) => titleLine(screen) === listTitle, `back to ${position}/${total}`));
			// Open a different mapping each time (this ↓ is not counted).
			await terminal.press(KEY.down, (screen) => titleLine(screen) !== listTitle, 'the next row');
		}

		const filterCharacter: Response[] = [];
		for (let round = 0; filterCharacter.length < options.samples; round++) {
			const word = filterWords[round % filterWords.length]!;
			await terminal.press(KEY.home, positionIs(1, total), `1/${total}`);
			await terminal.press('/', (screen) => screen.some((line) => line.startsWith('/▏')), 'the filter prompt');
			for (let length = 1; length <= word.length; length++) {
				const typed = word.slice(0, length);
				filterCharacter.push(
					await terminal.press(typed.at(-1)!, (screen) => screen.some((line) => line.startsWith(`/${typed}▏`)), `the filter "${typed}"`),
				);
			}
			await terminal.press(KEY.esc, (screen) => !screen.some((line) => line.startsWith(`/${word}▏`)), 'the filter cleared');
		}
		const mixed = await mixedKeys(terminal, total, options.samples);
		peakRss.end = terminal.peakRssBytes();
		await terminal.press(KEY.home, positionIs(1, total), `1/${total}`);
		const narrowBytes = await narrowByOneColumn(terminal);
		terminal.write('q');
		await terminal.waitForExit();
		return {
			rowCount: total,
			openBytes: openResponse.bytes,
			openResponse,
			down,
			narrowBytes,
			schemaShownMs,
			pageDown,
			openMapping,
			backToList,
			filterCharacter,
			mixed,
			peakRss,
			pageTurns,
		};
	} finally {
		terminal.kill();
	}
}

/** ↓, PgDn, Enter on a mapping and a filter character in turn, `rounds` times, from the top of the list. */
async function mixedKeys(terminal: MeasuredTerminal, total: number, rounds: number): Promise<Array<Response & {key: string}>> {
	const answers: Array<Response & {key: string}> = [];
	await terminal.press(KEY.home, positionIs(1, total), `1/${total}`);
	for (let round = 0; round < rounds; round++) {
		let title = titleLine(terminal.screenLines());
		answers.push({key: '↓', ...(await terminal.press(KEY.down, (screen) => titleLine(screen) !== title, 'the next row'))});
		title = titleLine(terminal.screenLines());
		answers.push({key: 'PgDn', ...(await terminal.press(KEY.pageDown, (screen) => titleLine(screen) !== title, 'the next page'))});
		title = titleLine(terminal.screenLines());
		answers.push({
			key: 'Enter',
			...(await terminal.press(KEY.enter, (screen) => screen.some((line) => line.startsWith('JSON Pointer')), 'the mapping detail')),
		});
		await terminal.press(KEY.esc, (screen) => titleLine(screen) === title, 'back to the list');
		await terminal.press('/', (screen) => screen.some((line) => line.startsWith('/▏')), 'the filter prompt');
		const typed = filterWords[round % filterWords.length]!.slice(0, 1);
		answers.push({
			key: 'filter character',
			...(await terminal.press(typed, (screen) => screen.some((line) => line.startsWith(`/${typed}▏`)), `the filter "${typed}"`)),
		});
		// Esc clears the filter and keeps the cursor on its row.
		await terminal.press(KEY.esc, (screen) => !screen.some((line) => line.startsWith(`/${typed}▏`)), 'the filter cleared');
	}
	return answers;
}
