// Bundles the CLI into dist/ so the published executable loads a handful of files instead of
// hundreds of ESM modules: start-up time is a feature over SSH. Heavy, rarely needed code
// (sign-in, HTTP) is reached through dynamic import() and lands in separate chunks.
import {readFile, rm} from 'node:fs/promises';
import {build} from 'esbuild';

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

/**
 * Ink 6.8's incremental renderer rewinds one row too few when the previous frame ended with a
 * newline (every frame shorter than the terminal does), so each update lands one row low
 * (vadimdemedes/ink#909, unfixed in the 6.x line that Node 20 allows). Fix that one expression at
 * bundle time, and fail the build if the code it fixes ever changes.
 */
const inkIncrementalRewindFix = {
	name: 'ink-incremental-rewind-fix',
	setup(esbuild) {
		esbuild.onLoad({filter: /[\\/]ink[\\/]build[\\/]log-update\.js$/}, async (args) => {
			const source = await readFile(args.path, 'utf8');
			const buggy = 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));';
			if (!source.includes(buggy)) throw new Error(`ink log-update.js changed: review the rewind fix in scripts/build.js (${args.path})`);
			const fixed = "buffer.push(ansiEscapes.cursorUp(previousOutput.endsWith('\\n') ? previousVisible : previousVisible - 1));";
			return {contents: source.replace(buggy, fixed), loader: 'js'};
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
  legalComments: 'none',
  // Ink loads React DevTools only when DEV=true; we never ship it.
  external: ['react-devtools-core'],
  logLevel: 'warning',
  // Some dependencies still call require() for Node built-ins; give the ESM bundle one.
  banner: {js: "import {createRequire as __pvxCreateRequire} from 'node:module'; const require = __pvxCreateRequire(import.meta.url);"},
  define: {'process.env.NODE_ENV': '"production"'},
  plugins: [inkIncrementalRewindFix, inkClearForgetsFrame],
});
