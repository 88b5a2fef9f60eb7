// Bundles the CLI into dist/ so the published executable loads a handful of files instead of
// hundreds of ESM modules: start-up time is a feature over SSH. Heavy, rarely needed code
// (sign-in, HTTP) is reached through dynamic import() and lands in separate chunks.
import {readFile, rm} from 'node:fs/promises';
import {build} from 'esbuild';

/**
 * Ink, yoga-layout and string-width are patched at install (patches/, applied by patch-package in `npm install`), so the tests
 * and this bundle run the same Ink. Refuse to bundle an unpatched one: it would cost bytes per key over SSH, or start-up time.
 */
const patched = [
	['node_modules/ink/build/log-update.js', (text) => text.includes('skippedLines')],
	['node_modules/ink/build/ink.js', (text) => text.includes("this.lastOutputToRender = '';\n        }\n    }\n    patchConsole() {")],
	['node_modules/yoga-layout/dist/binaries/yoga-wasm-base64-esm.js', (text) => !text.includes('"function"!=typeof fetch') && text.includes('Buffer.from(a.slice(37),"base64")')],
	// Unpatched, its menus would pick the wrong item on ↓ Enter typed ahead and take no keys from the explorer.
	['node_modules/ink-select-input/build/SelectInput.js', (text) => text.includes('return subscribe(handleInput);')],
	// Start-up: without these, building the grapheme segmenter and the RGI emoji set costs ~25 ms before the first frame.
	['node_modules/string-width/index.js', (text) => text.includes('simpleTextRegex')],
	['node_modules/wrap-ansi/node_modules/string-width/index.js', (text) => text.includes('segmenter ??= new Intl.Segmenter()')],
];
for (const [file, isPatched] of patched) {
	if (!isPatched(await readFile(file, 'utf8'))) throw new Error(`${file} is not patched: run npm install (it applies patches/ with patch-package)`);
}

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
});
