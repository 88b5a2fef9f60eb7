/**
 * Time to the first frame of `provisioning-explorer --demo` in a pseudo-terminal, against a bare
 * `node -e 0` started the same way in the same run (interleaved, so both see the same machine load).
 */
import {MeasuredTerminal} from './terminal.js';

export type StartupSamples = {
	/** Spawn → exit of `node -e 0`. */
	bareNodeMs: number[];
	/** Spawn → the sign-in screen's heading is on the screen. */
	firstFrameMs: number[];
};

export const firstFrameText = 'Sign in to Microsoft Entra ID';

export async function measureStartup(options: {binPath: string; runs: number; warmups: number; env: Record<string, string>}): Promise<StartupSamples> {
	const samples: StartupSamples = {bareNodeMs: [], firstFrameMs: []};
	const bareNode = async () => {
		const terminal = new MeasuredTerminal(process.execPath, ['-e', '0'], {columns: 100, rows: 30, env: options.env});
		const {at} = await terminal.waitForExit();
		terminal.kill();
		return at - terminal.spawnedAt;
	};
	const firstFrame = async () => {
		const terminal = new MeasuredTerminal(process.execPath, [options.binPath, '--demo'], {columns: 100, rows: 30, env: options.env});
		try {
			const shownAt = await terminal.waitForText(firstFrameText);
			return shownAt - terminal.spawnedAt;
		} finally {
			// Ends the demo before its sign-in completes (nothing is cached), and before the next run starts.
			terminal.write('\u0003');
			await terminal.waitForExit().catch(() => undefined);
			terminal.kill();
		}
	};
	for (let run = 0; run < options.warmups + options.runs; run++) {
		// Alternate which goes first, so neither always inherits the other's aftermath.
		const order = run % 2 === 0 ? [bareNode, firstFrame] : [firstFrame, bareNode];
		const [a, b] = [await order[0]!(), await order[1]!()];
		if (run < options.warmups) continue;
		const [nodeMs, appMs] = run % 2 === 0 ? [a, b] : [b, a];
		samples.bareNodeMs.push(nodeMs);
		samples.firstFrameMs.push(appMs);
	}
	return samples;
}
