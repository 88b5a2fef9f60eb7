/** Helpers for driving Ink screens through ink-testing-library. */
import {vi} from 'vitest';

type Rendered = {lastFrame: () => string | undefined; stdin: {write: (data: string) => void}};

export async function waitForFrame(app: Rendered, expected: string | RegExp, timeout = 10_000): Promise<string> {
	let frame = '';
	await vi.waitFor(
		() => {
			frame = app.lastFrame() ?? '';
			const ok = typeof expected === 'string' ? frame.includes(expected) : expected.test(frame);
			if (!ok) throw new Error(`screen does not show ${String(expected)}:\n${frame}`);
		},
		{timeout, interval: 10},
	);
	return frame;
}

/** Writes keys, then gives React and Ink a moment to apply them (our handlers need no more than that). */
export async function press(app: Rendered, ...keys: string[]): Promise<void> {
	for (const key of keys) {
		app.stdin.write(key);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
	// A lone Esc is held briefly in case the rest of a split escape sequence follows.
	await new Promise((resolve) => setTimeout(resolve, keys.includes('\u001B') ? 80 : 15));
}

/** The row the cursor is on (marked with ›). */
export function selectedRow(frame: string): string {
	return frame.split('\n').find((line) => line.startsWith('›'))?.slice(1).trim() ?? '';
}

/** The "n/total" position shown on the title line. */
export function position(frame: string): string {
	return frame.split('\n')[1]?.match(/(\d+\/\d+(?: of \d+)?)\s*$/)?.[1] ?? '';
}

/** The app list has loaded (its title line ends with the position 1/4). */
export const appsLoaded = /^Apps with provisioning\s+1\/4$/m;

/** From the signed-in app list into contoso.com › AD2AADProvisioning › rule › user mapping (136 attribute mappings). */
export async function openContosoUserMappings(app: Rendered): Promise<string> {
	await waitForFrame(app, appsLoaded);
	await press(app, '/', 'contoso.com', '\r'); // one row left: Enter opens it
	await waitForFrame(app, 'Provisioning jobs');
	await press(app, '/', 'AD2AADProvisioning', '\r'); // one row left: Enter opens it
	await waitForFrame(app, 'Directory');
	await press(app, '\r');
	await waitForFrame(app, 'Object mappings');
	await press(app, '\r');
	return waitForFrame(app, '1/136');
}
