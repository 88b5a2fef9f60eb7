/**
 * Mounts the explorer in the terminal and guarantees the terminal comes back as it was: alternate
 * screen left and cursor shown on quit, on Ctrl+C, on signals and after a crash.
 */
import {render} from 'ink';
import type {ExplorerServices} from '../explorer/services.js';
import {Explorer} from './app.js';

const enterAltScreen = '\x1b[?1049h';
const leaveAltScreen = '\x1b[?1049l';
const showCursor = '\x1b[?25h';

export type RunOptions = {altScreen: boolean};

export async function runExplorer(services: ExplorerServices, options: RunOptions): Promise<number> {
	const {stdout} = process;
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		stdout.write(options.altScreen ? showCursor + leaveAltScreen : showCursor);
	};
	const onSignal = (signal: NodeJS.Signals) => {
		restore();
		process.exit(signal === 'SIGINT' ? 130 : 143);
	};
	const onCrash = (error: unknown) => {
		restore();
		const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
		process.stderr.write(`provisioning-explorer stopped on an unexpected error: ${message}\n`);
		process.exit(2);
	};
	process.on('exit', restore);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	process.on('SIGINT', onSignal);
	process.on('uncaughtException', onCrash);
	process.on('unhandledRejection', onCrash);
	if (options.altScreen) stdout.write(enterAltScreen);

	let exitCode = 0;
	const instance = render(<Explorer services={services} onExit={(code) => (exitCode = code)} />, {
		exitOnCtrlC: false,
		patchConsole: false,
		incrementalRendering: true,
		maxFps: 60,
	});
	try {
		await instance.waitUntilExit();
	} finally {
		restore();
	}
	return exitCode;
}
