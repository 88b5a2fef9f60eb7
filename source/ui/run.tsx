/**
 * Mounts the explorer in the terminal and guarantees the terminal comes back as it was: alternate
 * screen left and cursor shown on quit, on Ctrl+C, on signals and after a crash.
 */
import {spawnSync} from 'node:child_process';
import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {type Instance, render} from 'ink';
import {UserError} from '../errors.js';
import type {ExplorerServices, SchemaDownload} from '../explorer/services.js';
import {createTemporaryFolder, removeTemporaryFolder, removeTemporaryFoldersNow} from '../explorer/temp-folders.js';
import {Explorer} from './app.js';

const enterAltScreen = '\x1b[?1049h';
const leaveAltScreen = '\x1b[?1049l';
const showCursor = '\x1b[?25h';
/** Bracketed paste: pasted text arrives marked, so it is one paste, never a run of commands (input.ts). */
const pasteOn = '\x1b[?2004h';
const pasteOff = '\x1b[?2004l';

import type {InitialLocation, SchemaLocation} from '../explorer/deep-link.js';

export type RunOptions = {
	altScreen: boolean;
	initialPatch?: string;
	casesPath?: string;
	/** A deep link resolved before the first frame (cli.tsx). */
	initialLocation?: InitialLocation | SchemaLocation;
	/** `--file`: the schema if it was already read (cli.tsx reads it while this module loads). */
	preloaded?: SchemaDownload;
};

function shellQuote(text: string): string {
	return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Hands the terminal to $VISUAL/$EDITOR (like `kubectl edit`) and takes it back. Ink 6 has no
 * suspend, so: raw mode off, leave the alternate screen, run the editor, then return and redraw all.
 */
function terminalEditor(getInstance: () => Instance | undefined, altScreen: boolean) {
	return async (text: string, fileName: string): Promise<string> => {
		const editor = process.env.VISUAL || process.env.EDITOR;
		if (!editor) throw new UserError('Set $VISUAL or $EDITOR to the editor you want (e.g. export EDITOR=nano).');
		const directory = await createTemporaryFolder('pvx-edit-');
		const file = join(directory, fileName);
		await writeFile(file, text, {mode: 0o600});
		const {stdin, stdout} = process;
		try {
			stdin.setRawMode?.(false);
			stdout.write(pasteOff + showCursor + (altScreen ? leaveAltScreen : '\n'));
			const result = spawnSync(`${editor} ${shellQuote(file)}`, {shell: true, stdio: 'inherit'});
			if (result.error) throw new UserError(`Could not start the editor "${editor}": ${result.error.message}`);
			if (result.status !== 0) throw new UserError(`The editor "${editor}" exited with code ${result.status}; nothing changed.`);
			return await readFile(file, 'utf8');
		} finally {
			stdout.write(altScreen ? `${enterAltScreen}\x1b[H${pasteOn}` : pasteOn);
			stdin.setRawMode?.(true);
			getInstance()?.clear();
			await removeTemporaryFolder(directory);
		}
	};
}

export async function runExplorer(services: ExplorerServices, options: RunOptions): Promise<number> {
	const {stdout} = process;
	let restored = false;
	const restore = () => {
		// A signal or exit while the editor's file exists must not leave the schema text behind in the temp folder.
		removeTemporaryFoldersNow();
		if (restored) return;
		restored = true;
		stdout.write(pasteOff + (options.altScreen ? showCursor + leaveAltScreen : showCursor));
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
	stdout.write((options.altScreen ? enterAltScreen : '') + pasteOn);

	let exitCode = 0;
	let instance: Instance | undefined;
	const editor = terminalEditor(() => instance, options.altScreen);
	instance = render(<Explorer services={services} onExit={(code) => (exitCode = code)} editor={editor} initialPatch={options.initialPatch} casesPath={options.casesPath} initialLocation={options.initialLocation} preloaded={options.preloaded} />, {
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
