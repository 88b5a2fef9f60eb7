/**
 * Files that are not schemas — empty, binary, cut off, some other JSON, 200 MB — given to every command that
 * reads one (the explorer's --file, validate, diff, docs --file, patch --file, and as the patch itself): one line
 * that names the file and the cause, exit code 2, no stack trace, and memory that does not grow with the file.
 * The 200 MB file is sparse, made at test time; each run's peak RSS comes from the child itself (getrusage's
 * maxRSS, what /proc/<pid>/status calls VmHWM), written by a preload as it exits.
 */
import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {mkdtemp, readFile, rm, truncate, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {maxSchemaFileBytes} from '../../source/schema/load.js';
import {binPath, runInTerminal} from '../helpers/pty.js';

const fixturePath = new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url).pathname;
const megabyte = 1024 * 1024;
/** What a command may use, whatever the file: Node and the bundle take about 62 MB; a 200 MB file read whole, over 400. */
const memoryBound = 128 * megabyte;

let directory: string;
let preload: string;
let okPatch: string;

type Hostile = {
	name: string;
	file: string;
	/** The cause, as a schema file and as a patch file. */
	asSchema: RegExp;
	asPatch: RegExp;
};
const hostiles: Hostile[] = [];

beforeAll(async () => {
	directory = await mkdtemp(join(tmpdir(), 'pvx-files-'));
	preload = join(directory, 'peak-rss.cjs');
	// Runs in the child: its own peak resident set size, in bytes, when it exits.
	await writeFile(
		preload,
		"process.on('exit', () => { if (process.env.PVX_PEAK_RSS_FILE) require('node:fs').writeFileSync(process.env.PVX_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)); });\n",
	);
	okPatch = join(directory, 'ok.patch.json');
	await writeFile(okPatch, '[{"op": "replace", "path": "/synchronizationRules/0/name", "value": "renamed"}]');

	const make = async (name: string, file: string, content: string | Uint8Array, asSchema: RegExp, asPatch: RegExp) => {
		const path = join(directory, file);
		await writeFile(path, content);
		hostiles.push({name, file: path, asSchema, asPatch});
	};
	await make('an empty file', 'empty.json', '', /: the file is empty/, /: the file is empty; a JSON Patch is an array of operations/);
	// Noise that is not UTF-8 from its first bytes on (0xC3 must be followed by 0x80–0xBF), nor UTF-16 (no NUL there).
	const noise = Buffer.concat([Buffer.from([0xc3, 0x28]), randomBytes(4094)]);
	await make('binary data', 'binary.json', noise, /: not valid UTF-8 text: it may be a binary file/, /: not valid UTF-8 text: it may be a binary file/);
	const fixture = await readFile(fixturePath);
	await make('a cut-off schema', 'truncated.json', fixture.subarray(0, 50_000), /: not valid JSON at line \d+, column \d+: .*\(is the file truncated\?\)/, /: not valid JSON at line \d+, column \d+: .*truncated/);
	const jobs = {value: [{id: 'AD2AADProvisioning.x.y', templateId: 'AD2AADProvisioning', schedule: {interval: 'PT2M'}}]};
	await make('JSON that is a job list', 'jobs.json', JSON.stringify(jobs), /this is a list of synchronization jobs .*not a schema/, /: a JSON Patch must be an array of operations\./);
	// 200 MB of nothing on disk: a sparse file whose start looks like a schema.
	const huge = join(directory, 'huge.schema.json');
	await writeFile(huge, '{"directories": [');
	await truncate(huge, 200 * megabyte);
	hostiles.push({
		name: 'a 200 MB file',
		file: huge,
		asSchema: /: the file is 200 MB, larger than the 64 MB limit; synchronization schemas are normally under 20 MB/,
		asPatch: /: the file is 200 MB, larger than the 64 MB limit for a JSON Patch/,
	});
});

afterAll(async () => {
	await rm(directory, {recursive: true, force: true});
});

type Measured = {code: number | null; stdout: string; stderr: string; peakRss: number};

let runCount = 0;

/** Runs the executable with its peak RSS recorded; `stdinFile` is streamed to its standard input. */
function runMeasured(args: string[], options: {stdinFile?: string} = {}): Promise<Measured> {
	const rssFile = join(directory, `rss-${runCount++}`);
	const env = {
		...process.env,
		NO_COLOR: '1',
		PROVISIONING_EXPLORER_STATE_DIR: join(directory, 'state'),
		PVX_PEAK_RSS_FILE: rssFile,
		NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim(),
	};
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [binPath, ...args], {env, cwd: directory, stdio: ['pipe', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('error', reject);
		child.on('close', async (code) => {
			const peakRss = Number(await readFile(rssFile, 'utf8').catch(() => 'NaN'));
			resolve({code, stdout, stderr, peakRss});
		});
		if (options.stdinFile) {
			const input = createReadStream(options.stdinFile);
			// The command stops reading at its limit and exits: a closed pipe is expected then.
			child.stdin.on('error', () => {});
			input.on('error', () => {});
			input.pipe(child.stdin);
		} else {
			child.stdin.end();
		}
	});
}

/** One line on stderr that names the file, the expected cause, exit code 2, nothing on stdout, bounded memory. */
function expectRefusal(result: Measured, file: string, cause: RegExp, what: string, bound = memoryBound): void {
	const lines = result.stderr.split('\n').filter((line) => line !== '');
	expect(lines, `${what}: ${result.stderr}`).toHaveLength(1);
	expect(lines[0], what).toMatch(/^provisioning-explorer: /);
	expect(lines[0]?.toLowerCase(), what).toContain(file.slice(file.lastIndexOf('/') + 1).toLowerCase());
	expect(lines[0], what).toMatch(cause);
	expect(lines[0], what).not.toMatch(/Unexpected error|\bat .+:\d+:\d+/);
	expect(result.code, what).toBe(2);
	expect(result.stdout, what).toBe('');
	expect(result.peakRss, `${what}: peak RSS`).toBeGreaterThan(0);
	expect(result.peakRss, `${what}: peak RSS ${Math.round(result.peakRss / megabyte)} MB`).toBeLessThan(bound);
}

/** Runs `runs` two at a time (the test machines have two cores). */
async function inPairs<T>(runs: (() => Promise<T>)[]): Promise<T[]> {
	const results: T[] = [];
	for (let i = 0; i < runs.length; i += 2) results.push(...(await Promise.all(runs.slice(i, i + 2).map((run) => run()))));
	return results;
}

describe('a file that is not a schema, given to each command', () => {
	it('is refused with one line naming the file and the cause, exit code 2 and bounded memory', async () => {
		const runs = hostiles.flatMap((hostile) => {
			const commands: [string, string[], RegExp][] = [
				['validate', ['validate', hostile.file], hostile.asSchema],
				['diff', ['diff', hostile.file, fixturePath], hostile.asSchema],
				['docs --file', ['docs', '--file', hostile.file], hostile.asSchema],
				['patch --file', ['patch', '--file', hostile.file, '--patch', okPatch], hostile.asSchema],
				['patch --patch', ['patch', '--file', fixturePath, '--patch', hostile.file], hostile.asPatch],
			];
			return commands.map(([what, args, cause]) => async () => expectRefusal(await runMeasured(args), hostile.file, cause, `${what} with ${hostile.name}`));
		});
		await inPairs(runs);
	});

	it('is refused the same way on standard input, read no further than the limit', async () => {
		for (const hostile of hostiles.filter((each) => each.name === 'a 200 MB file' || each.name === 'a cut-off schema')) {
			const result = await runMeasured(['validate', '-'], {stdinFile: hostile.file});
			const cause = hostile.name === 'a 200 MB file' ? /Standard input is larger than the 64 MB limit for a schema/ : hostile.asSchema;
			// Reading stops at the limit: at most the limit in buffers on top of what any run uses.
			expectRefusal(result, 'standard input', new RegExp(cause.source, 'i'), `validate - with ${hostile.name}`, memoryBound + maxSchemaFileBytes);
		}
	});
});

describe('a file that is not a schema, opened in the explorer', () => {
	it('shows the cause on screen, stays usable, quits cleanly and keeps memory bounded', async () => {
		for (const hostile of hostiles) {
			const rssFile = join(directory, `rss-explorer-${runCount++}`);
			const session = runInTerminal(['--file', hostile.file], {
				columns: 100,
				rows: 24,
				cwd: directory,
				env: {PVX_PEAK_RSS_FILE: rssFile, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim()},
			});
			try {
				const screen = (await session.waitForText('Press r to retry')).replace(/\n(?!Press)/g, ' ');
				expect(screen, hostile.name).toMatch(hostile.asSchema);
				const lines = session.screenLines();
				expect(lines[0]).toBe(hostile.file.slice(hostile.file.lastIndexOf('/') + 1));
				expect(lines[22]).toMatch(/^Esc\/← back/);
				session.write('r'); // retrying reads the file again and says the same
				await new Promise((resolve) => setTimeout(resolve, 200));
				expect(session.screen().replace(/\n(?!Press)/g, ' ')).toMatch(hostile.asSchema);
				session.write('q');
				expect(await session.waitForExit(), hostile.name).toBe(0);
				expect(session.output()).not.toMatch(/Unexpected error|stopped on an unexpected error/);
			} finally {
				session.kill();
			}
			const peakRss = Number(await readFile(rssFile, 'utf8'));
			expect(peakRss, `${hostile.name}: peak RSS ${Math.round(peakRss / megabyte)} MB`).toBeLessThan(memoryBound);
		}
	});
});
