/** The Ink the tests run is the patched one the bundle runs (patches/ applied at npm install). */
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {describe, expect, it} from 'vitest';

const require = createRequire(import.meta.url);
const inkBuild = dirname(require.resolve('ink'));

describe('patches applied at install', () => {
	it("Ink's incremental renderer rewinds over a trailing newline and skips unchanged lines in one move", () => {
		const logUpdate = readFileSync(join(inkBuild, 'log-update.js'), 'utf8');
		expect(logUpdate).toContain("previousOutput.endsWith('\\n') ? previousVisible : previousVisible - 1");
		expect(logUpdate).toContain('skippedLines');
	});

	it("Ink's clear() forgets the erased frame", () => {
		expect(readFileSync(join(inkBuild, 'ink.js'), 'utf8')).toContain("this.lastOutput = '';\n            this.lastOutputToRender = '';");
	});

	it("ink-select-input's handler acts on the position as of the last key, and takes keys from the explorer", () => {
		const selectInput = readFileSync(join(dirname(require.resolve('ink-select-input')), 'SelectInput.js'), 'utf8');
		expect(selectInput).toContain('const { rotateIndex, selectedIndex } = position.current;');
		expect(selectInput).toContain('return subscribe(handleInput);');
	});

	it('yoga loads its WebAssembly without fetch()', () => {
		// The package's exports hide the file: find it beside its package.json.
		const entry = require.resolve('yoga-layout', {paths: [inkBuild]});
		const yogaRoot = entry.slice(0, entry.lastIndexOf(`${join('node_modules', 'yoga-layout')}`) + join('node_modules', 'yoga-layout').length);
		const yoga = readFileSync(join(yogaRoot, 'dist/binaries/yoga-wasm-base64-esm.js'), 'utf8');
		expect(yoga).not.toContain('"function"!=typeof fetch');
		// Start-up: the 70 KB of WebAssembly decoded natively, not by atob and a loop over its characters.
		expect(yoga).toContain('Buffer.from(a.slice(37),"base64")');
	});

	it('string-width measures plain text without building the grapheme segmenter or the emoji set at import (start-up)', () => {
		const own = readFileSync(require.resolve('string-width'), 'utf8');
		expect(own).toContain('simpleTextRegex');
		expect(own).toContain('segmenter ??= new Intl.Segmenter()');
		const wrapAnsi = dirname(require.resolve('wrap-ansi', {paths: [inkBuild]}));
		expect(readFileSync(require.resolve('string-width', {paths: [wrapAnsi]}), 'utf8')).toContain('segmenter ??= new Intl.Segmenter()');
	});
});
