/** Runs load-index-worker.ts for one file in a fresh process and returns its timings. */
import {execFile} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';

export type LoadIndexSamples = {bytes: number; jsonParseMs: number[]; loadIndexMs: number[]; everythingMs: number[]};

const workerPath = fileURLToPath(new URL('./load-index-worker.ts', import.meta.url));

export async function measureLoadIndex(path: string, iterations: number): Promise<LoadIndexSamples> {
	const {stdout} = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', workerPath, path, String(iterations)], {
		maxBuffer: 16 * 1024 * 1024,
	});
	return JSON.parse(stdout) as LoadIndexSamples;
}
