// Bundles the CLI into dist/ so the published executable loads a handful of files instead of
// hundreds of ESM modules: start-up time is a feature over SSH. Heavy, rarely needed code
// (sign-in, HTTP) is reached through dynamic import() and lands in separate chunks.
import {readFile, rm} from 'node:fs/promises';
import {build} from 'esbuild';

/**
 * yoga-layout (Ink's layout engine) loads its WebAssembly from a base64 data: URL through fetch()
 * when fetch exists, which on Node makes it load the whole undici HTTP client first: ~20 ms of
 * start-up for nothing. Take its synchronous base64 path instead.
 */
const yogaWithoutFetch = {
	name: 'yoga-without-fetch',
	setup(esbuild) {
		esbuild.onLoad({filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/}, async (args) => {
			const source = await readFile(args.path, 'utf8');
			const check = '"function"!=typeof fetch';
			if (source.split(check).length !== 3) throw new Error(`yoga-layout changed: review the fetch patch in scripts/build.js (${args.path})`);
			return {contents: source.replaceAll(check, '!0'), loader: 'js'};
		});
	},
};

/**
 * `instance.clear()` in Ink 6.8 erases the frame but then tells the renderer the old frame is still
 * on screen, so the next render only writes changed lines. We call it after handing the terminal to
 * $EDITOR, when the screen really is blank: make it forget, so the next render draws everything.
 */
const inkClearForgetsFrame = {
	name: 'ink-clear-forgets-frame',
	setup(esbuild) {
		esbuild.onLoad({filter: /[\\/]ink[\\/]build[\\/]ink\.js$/}, async (args) => {
			const source = await readFile(args.path, 'utf8');
			const resync = "this.log.sync(this.lastOutputToRender || this.lastOutput + '\\n');\n        }\n    }\n    patchConsole() {";
			if (!source.includes(resync)) throw new Error(`ink ink.js changed: review the clear() fix in scripts/build.js (${args.path})`);
			const forget = "this.lastOutput = '';\n            this.lastOutputToRender = '';\n        }\n    }\n    patchConsole() {";
			return {contents: source.replace(resync, forget), loader: 'js'};
		});
	},
};

/** Replaces `from` by `to` exactly once, or fails the build: the patched code must be what we reviewed. */
function replaceOnce(source, from, to, what) {
	if (source.split(from).length !== 2) throw new Error(`ink log-update.js changed: review "${what}" in scripts/build.js`);
	return source.replace(from, to);
}

/**
 * Two fixes to Ink 6.8's incremental renderer (log-update.js), the part that decides what each
 * key press costs over SSH:
 * - it rewinds one row too few when the previous frame ended with a newline (every frame shorter
 *   than the terminal does), so each update lands one row low (vadimdemedes/ink#909, unfixed in the
 *   6.x line that Node 20 allows);
 * - it moves over each unchanged line with its own ESC[E; one ESC[nE for a run says the same in a
 *   few bytes (a ↓ in a 45-row list leaves ~40 lines unchanged).
 */
const inkIncrementalFixes = {
	name: 'ink-incremental-fixes',
	setup(esbuild) {
		esbuild.onLoad({filter: /[\\/]ink[\\/]build[\\/]log-update\.js$/}, async (args) => {
			let source = await readFile(args.path, 'utf8');
			source = replaceOnce(
				source,
				'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));',
				"buffer.push(ansiEscapes.cursorUp(previousOutput.endsWith('\\n') ? previousVisible : previousVisible - 1));",
				'rewind',
			);
			source = replaceOnce(
				source,
				'        for (let i = 0; i < visibleCount; i++) {\n            const isLastLine = i === visibleCount - 1;\n            // We do not write lines',
				'        let skippedLines = 0;\n        const flushSkipped = () => { if (skippedLines > 0) buffer.push(skippedLines === 1 ? ansiEscapes.cursorNextLine : \'\\u001B[\' + skippedLines + \'E\'); skippedLines = 0; };\n        for (let i = 0; i < visibleCount; i++) {\n            const isLastLine = i === visibleCount - 1;\n            // We do not write lines',
				'skip counter',
			);
			source = replaceOnce(
				source,
				'                    buffer.push(ansiEscapes.cursorNextLine);\n                }\n                continue;',
				'                    skippedLines++;\n                }\n                continue;',
				'count skipped lines',
			);
			source = replaceOnce(
				source,
				'            buffer.push(ansiEscapes.cursorTo(0) +\n                nextLines[i] +',
				'            flushSkipped();\n            buffer.push(ansiEscapes.cursorTo(0) +\n                nextLines[i] +',
				'flush before a changed line',
			);
			source = replaceOnce(
				source,
				'        const cursorSuffix = buildCursorSuffix(visibleCount, activeCursor);\n        buffer.push(cursorSuffix);',
				'        flushSkipped();\n        const cursorSuffix = buildCursorSuffix(visibleCount, activeCursor);\n        buffer.push(cursorSuffix);',
				'flush at the end',
			);
			return {contents: source, loader: 'js'};
		});
	},
};

// Start clean: chunk names carry content hashes, so old ones would pile up.
await rm('dist', {recursive: true, force: true});

await build({
  entryPoints: {cli: 'source/cli.tsx'},
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  sourcemap: 'linked',
  // Less to parse and compile before the first frame; the source maps keep stack traces readable.
  minify: true,
  legalComments: 'none',
  // Ink loads React DevTools only when DEV=true; we never ship it.
  external: ['react-devtools-core'],
  logLevel: 'warning',
  // Some dependencies still call require() for Node built-ins; give the ESM bundle one.
  banner: {js: "import {createRequire as __pvxCreateRequire} from 'node:module'; const require = __pvxCreateRequire(import.meta.url);"},
  define: {'process.env.NODE_ENV': '"production"'},
  plugins: [inkIncrementalFixes, inkClearForgetsFrame, yogaWithoutFetch],
});
