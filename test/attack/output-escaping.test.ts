/**
 * Issue 9 §7 (g): `docs` on a value with hundreds of thousands of backticks, CSV formula injection behind
 * leading blanks or line breaks, and C1/BiDi control characters in JSON output. Run through the built binary.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {csvColumns} from '../../source/explorer/docs.js';
import {parseCsv, removeIsolatedStates, runCli} from '../commands/cli.js';

afterAll(() => removeIsolatedStates());

function schemaWithDefaults(defaults: Record<string, string>) {
	return {
		id: 'Attack.1',
		synchronizationRules: [
			{
				name: 'Rule',
				sourceDirectoryName: 'Source',
				targetDirectoryName: 'Target',
				objectMappings: [
					{
						name: 'People',
						enabled: true,
						flowTypes: 'Add',
						sourceObjectName: 'person',
						targetObjectName: 'User',
						attributeMappings: Object.entries(defaults).map(([target, defaultValue]) => ({targetAttributeName: target, source: null, defaultValue})),
					},
				],
			},
		],
	};
}

describe('docs on hostile values', () => {
	it('documents a value made of 300,000 backticks without crashing', async () => {
		// Split into runs so the backtick-run regex finds a very large number of matches.
		const value = '`a'.repeat(300_000);
		const result = await runCli(['docs', '--file', '-'], {input: JSON.stringify(schemaWithDefaults({ticks: value}))});
		expect(result.stderr).not.toMatch(/call stack/i);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('| `ticks` |');
	}, 60_000);

	it('neutralises formulas behind leading blanks and line breaks in CSV', async () => {
		const defaults = {lead: '  =1+1', tab: '\t@SUM(A1)', newline: '\n-2+3', crlf: '\r\n+cmd', plain: 'ok', number: '-1'};
		const result = await runCli(['docs', '--file', '-', '--format', 'csv'], {input: JSON.stringify(schemaWithDefaults(defaults))});
		expect(result.code).toBe(0);
		const [, ...records] = parseCsv(result.stdout);
		const column = (name: (typeof csvColumns)[number]) => csvColumns.indexOf(name);
		const value = (target: string) => records.find((record) => record[column('Target attribute')] === target)![column('Default value')]!;
		for (const target of ['lead', 'tab', 'newline', 'crlf']) expect(value(target).startsWith("'"), `${target}: ${JSON.stringify(value(target))}`).toBe(true);
		expect(value('plain')).toBe('ok');
		expect(value('number')).toBe('-1');
	});
});

describe('JSON output escapes C1 and BiDi controls', () => {
	it('patch output: the characters are \\u escapes and the value is unchanged', async () => {
		const hostile = 'a\u202Eevil\u0085b\u009Bc\u2066d\u200Fe';
		const schema = schemaWithDefaults({x: hostile});
		const directory = mkdtempSync(join(tmpdir(), 'pvx-json-'));
		const path = join(directory, 'hostile.schema.json');
		writeFileSync(path, JSON.stringify(schema));
		const result = await runCli(['patch', '--file', path, '--patch', '-'], {input: JSON.stringify([{op: 'replace', path: '/id', value: 'Attack.2'}])});
		rmSync(directory, {recursive: true, force: true});
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).not.toMatch(/[\u0080-\u009F\u202A-\u202E\u2066-\u2069\u200E\u200F]/);
		expect(result.stdout).toContain('\\u202e');
		const parsed = JSON.parse(result.stdout);
		expect(parsed.synchronizationRules[0].objectMappings[0].attributeMappings[0].defaultValue).toBe(hostile);
	});

	it('diff --format json-patch: the patch carries \\u escapes and still applies the same value', async () => {
		const hostile = 'a\u202Eevil\u0085b\u009Bc\u2066d\u200Fe\u2028f';
		const directory = mkdtempSync(join(tmpdir(), 'pvx-json-'));
		const before = join(directory, 'before.schema.json');
		const after = join(directory, 'after.schema.json');
		writeFileSync(before, JSON.stringify(schemaWithDefaults({x: 'plain'})));
		writeFileSync(after, JSON.stringify(schemaWithDefaults({x: hostile})));
		const result = await runCli(['diff', before, after, '--format', 'json-patch']);
		rmSync(directory, {recursive: true, force: true});
		expect(result.code, result.stderr).toBe(1);
		expect(result.stdout).not.toMatch(/[\u0080-\u009F\u202A-\u202E\u2066-\u2069\u200E\u200F\u2028\u2029]/);
		expect(result.stdout).toContain('\\u202e');
		const operations = JSON.parse(result.stdout) as Array<{op: string; value?: unknown}>;
		expect(operations.filter((operation) => operation.op === 'replace').map((operation) => operation.value)).toEqual([hostile]);
	});
});
