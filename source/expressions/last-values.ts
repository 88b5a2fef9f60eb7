/**
 * The input values last used to test expressions, per job and source attribute, in the state directory
 * (`expression-test-values.json`, mode 0600: the values are directory data), so a test screen can prefill its
 * fields. A job is keyed by what the caller names it by (`<servicePrincipalId>/<jobId>`, or a file path).
 */

import {mkdir, readFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {writeFileAtomic} from '../fs/atomic-write.js';
import {stateDirectory} from '../paths.js';
import type {TestField, TestInput} from './test-runner.js';

type Store = {jobs: Record<string, Record<string, string | string[] | null>>};

export function lastValuesPath(env: NodeJS.ProcessEnv = process.env): string {
	return join(stateDirectory(env), 'expression-test-values.json');
}

/** Jobs kept; the least recently used go first. */
const maxJobs = 50;

async function readStore(path: string): Promise<Store> {
	try {
		const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Store>;
		return parsed && typeof parsed.jobs === 'object' && parsed.jobs !== null ? {jobs: parsed.jobs} : {jobs: {}};
	} catch {
		// A missing or damaged file only means nothing is prefilled.
		return {jobs: {}};
	}
}

/** The last values for these fields (absent ones are left out), for prefilling a test. */
export async function loadLastValues(jobKey: string, fields: readonly TestField[], path = lastValuesPath()): Promise<TestInput> {
	const known = (await readStore(path)).jobs[jobKey] ?? {};
	const result: TestInput = {};
	for (const field of fields) if (Object.hasOwn(known, field.name)) result[field.name] = known[field.name]!;
	return result;
}

/** Remembers the values of a test run for the job (merged with the other attributes' values). */
export async function saveLastValues(jobKey: string, input: TestInput, path = lastValuesPath()): Promise<void> {
	const store = await readStore(path);
	const merged = {...(store.jobs[jobKey] ?? {}), ...input};
	delete store.jobs[jobKey];
	store.jobs[jobKey] = merged;
	const keys = Object.keys(store.jobs);
	for (const key of keys.slice(0, Math.max(0, keys.length - maxJobs))) delete store.jobs[key];
	await mkdir(dirname(path), {recursive: true, mode: 0o700});
	await writeFileAtomic(path, `${JSON.stringify(store, null, 2)}\n`, {mode: 0o600});
}
