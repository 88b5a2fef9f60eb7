#!/usr/bin/env node
// A stand-in for $EDITOR in end-to-end tests: edits the file it is given the way the test asks
// (FAKE_EDITOR_MODE), as a person would in vim or nano.
import {existsSync, readFileSync, writeFileSync} from 'node:fs';

const file = process.argv[2];
const text = readFileSync(file, 'utf8');
const mode = process.env.FAKE_EDITOR_MODE ?? 'default-value';
if (mode === 'hold') {
	// Stays open (as a person reading the file would) until the test creates FAKE_EDITOR_RELEASE, then saves nothing.
	process.stdout.write('fake editor is open\n');
	const release = process.env.FAKE_EDITOR_RELEASE;
	const deadline = Date.now() + 20_000;
	while (Date.now() < deadline && !(release && existsSync(release))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
} else if (mode === 'break-json') {
	writeFileSync(file, `${text.trimEnd().slice(0, -1)},\n`);
} else {
	const value = JSON.parse(text);
	value.defaultValue = 'from-editor';
	writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
