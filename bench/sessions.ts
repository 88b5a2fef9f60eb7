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

export type ListSession = {
	rowCount: number;
	/** Bytes written when the list screen is first opened (Enter on its object mapping). */
	openBytes: number;
	openResponse: Response;
	down: DownWalk;
	/** Bytes written when the terminal narrows by one column (Ink erases the frame and repaints it, then the app lays out again). */
	narrowBytes?: number;
};

const titleLine = (screen: string[]) => screen[1] ?? '';
/** The first visible row without the cursor marker, so moving the cursor off it is not taken for a scroll. */
const firstListRow = (screen: string[]) => (screen[3] ?? '').slice(2).trimEnd();

/** The title line ends with the position, e.g. "… 37/136" (or "… 1/20 of 136" under a filter). */
function positionIs(position: number, total: number): (screen: string[]) => boolean {
	const pattern = new RegExp(`(?:^|\\s)${position}/${total}$`);
	return (screen) => pattern.test(titleLine(screen));
}

async function walkDown(terminal: MeasuredTerminal, total: number, presses: number): Promise<DownWalk> {
	const walk: DownWalk = {responses: [], scrolled: []};
	for (let position = 2; position <= presses + 1; position++) {
		const topBefore = firstListRow(terminal.screenLines());
		walk.responses.push(await terminal.press(KEY.down, positionIs(position, total), `${position}/${total}`));
		walk.scrolled.push(firstListRow(terminal.screenLines()) !== topBefore);
	}
	return walk;
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
		const down = await walkDown(terminal, 136, downPresses);
		const narrowBytes = await narrowByOneColumn(terminal);
		terminal.write('q');
		await terminal.waitForExit();
		return {rowCount: 136, openBytes: openResponse.bytes, openResponse, down, narrowBytes};
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

		const down = await walkDown(terminal, total, downPresses);

		const pageDown: Response[] = [];
		for (let index = 0; index < options.samples; index++) {
			const before = titleLine(terminal.screenLines());
			pageDown.push(await terminal.press(KEY.pageDown, (screen) => titleLine(screen) !== before, 'the next page'));
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
			peakRss,
		};
	} finally {
		terminal.kill();
	}
}
