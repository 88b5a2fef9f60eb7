import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';

const heapModule = new URL('../../source/schema/heap.ts', import.meta.url).href;
const jsonSyntaxModule = new URL('../../source/schema/json-syntax.ts', import.meta.url).href;

/** Parses a schema text of `length` characters in a fresh Node process (the flag is process-wide) and answers whether V8 was switched. */
async function switchedAfterParsing(length: number, env: Record<string, string> = {}): Promise<boolean> {
	const script = `
		const {parseSchemaText} = await import(${JSON.stringify(jsonSyntaxModule)});
		const {preferSmallHeapFor} = await import(${JSON.stringify(heapModule)});
		const padding = ' '.repeat(Math.max(0, ${length} - 40));
		parseSchemaText('{"id":"x","synchronizationRules":[],"directories":[]' + padding + '}', 'test');
		// 0 is below any threshold: this only reports whether the parse switched.
		process.stdout.write(String(preferSmallHeapFor(0)));`;
	const {stdout} = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {env: {...process.env, ...env}});
	return stdout === 'true';
}

describe('V8 memory-saving mode for big schemas (issue 14)', () => {
	it('switches when a schema text of 4 MiB or more is parsed', async () => {
		expect(await switchedAfterParsing(4 * 1024 * 1024 + 10)).toBe(true);
	});

	it('keeps V8 defaults for the usual, smaller schemas', async () => {
		expect(await switchedAfterParsing(1024 * 1024)).toBe(false);
	});

	it('keeps V8 defaults under PROVISIONING_EXPLORER_DEFAULT_HEAP=1', async () => {
		expect(await switchedAfterParsing(4 * 1024 * 1024 + 10, {PROVISIONING_EXPLORER_DEFAULT_HEAP: '1'})).toBe(false);
	});
});
