/**
 * The explorer's side of expression tests, React-free: run one test (Graph's parseExpression when it may be asked,
 * else our evaluator, labelled), and run a job's case file before a write, with each failing case as a blocking
 * problem. The evaluation, the case file and the judging are source/expressions'; this only chooses where to run.
 */
import {stat} from 'node:fs/promises';
import type {Problem} from '../edit/index.js';
import {describeError} from '../errors.js';
import {type CaseOutcome, describeInput, loadCaseFile, runCases, type Silence} from '../expressions/case-file.js';
import {describeTestResult, formatTestValue, runLocalTest, schemaFlavor, type TestInput, type TestResult} from '../expressions/test-runner.js';
import type {AttributeMapping, SynchronizationSchema} from '../schema/types.js';
import type {TenantOperations} from './services.js';

/** Why a test is evaluated locally although a tenant is open. */
export const readOnlyTestReason = "under --read-only Graph's parseExpression cannot be asked (it needs Synchronization.ReadWrite.All)";

export type TestTarget = {servicePrincipalId: string; jobId: string};

export type TestRun = {result: TestResult; /** Why our evaluator answered instead of Graph, when it did. */ localBecause?: string};

/**
 * One test of `mapping` (its source may be an expression still being edited) on `input`: through the job's
 * parseExpression when a tenant may be asked, else, or when Graph cannot answer, with our evaluator.
 */
export async function runExpressionTest(options: {
	mapping: {model: AttributeMapping};
	input: TestInput;
	schema: SynchronizationSchema;
	tenant?: TenantOperations;
	job?: TestTarget;
	readOnly: boolean;
	signal?: AbortSignal;
}): Promise<TestRun> {
	const local = (localBecause: string): TestRun => ({result: runLocalTest(options.mapping, options.input, {flavor: schemaFlavor(options.schema)}), localBecause});
	if (!options.tenant || !options.job) return local('offline (a schema file): no Graph to ask');
	if (options.readOnly) return local(readOnlyTestReason);
	try {
		return {result: await options.tenant.testExpression(options.job.servicePrincipalId, options.job.jobId, options.mapping, options.input, options.signal)};
	} catch (error) {
		return local(`Graph could not be asked: ${describeError(error)}`);
	}
}

/** The result in words, one line each: the value (or error), then what the evaluator noted. */
export function describeTestRun(run: TestRun): string[] {
	const {result} = run;
	const lines = [result.ok ? formatTestValue(result.value) : describeTestResult(result).replace(/ \((local evaluation|Graph's parseExpression)\)$/, '')];
	if (result.ok) {
		if (Array.isArray(result.value)) lines.push(`${result.value.length} values (multi-valued)`);
		if (result.value === null) lines.push('null: the expression gives no value (the attribute is not set).');
		lines.push(...result.notes);
	}
	return lines;
}

export type JobCaseRun = {
	/** Failing cases, as errors that block the write like a failed check. */
	problems: Problem[];
	/** The report for the plan: a heading and one line per case (raw text; the screen sanitises it). */
	lines: string[];
	silence: Silence[];
};

async function exists(path: string): Promise<boolean> {
	try {
		await stat(path);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code !== 'ENOENT';
	}
}

function caseTitle(outcome: CaseOutcome): string {
	const testCase = outcome.case;
	return `case ${outcome.number}${testCase.name ? ` "${testCase.name}"` : ''}: ${testCase.target}${testCase.objectMapping ? ` (${testCase.objectMapping})` : ''}`;
}

/** Runs the case file at `path` on the body a write would send; a case file that cannot be read blocks too. */
export async function runJobCases(options: {
	path: string;
	document: SynchronizationSchema;
	tenant?: TenantOperations;
	job?: TestTarget;
	readOnly: boolean;
}): Promise<JobCaseRun> {
	let file: Awaited<ReturnType<typeof loadCaseFile>>;
	if (!(await exists(options.path))) {
		// Named to save cases in, not written yet: nothing to run, and nothing to block on.
		const message = `No expression tests ran: there is no case file at ${options.path} yet (t, then s, saves one).`;
		return {problems: [{severity: 'warning', pointer: '', message}], lines: [`Expression tests: ${message}`], silence: []};
	}
	try {
		file = await loadCaseFile(options.path);
	} catch (error) {
		const message = `The expression tests in ${options.path} could not be run: ${describeError(error)}`;
		return {problems: [{severity: 'error', pointer: '', message}], lines: [`Expression tests: ${message}`], silence: []};
	}
	let graphUsed = false;
	const outcomes = await runCases(options.document, file, async (mapping, input) => {
		const run = await runExpressionTest({mapping, input, schema: options.document, tenant: options.tenant, job: options.job, readOnly: options.readOnly});
		if (!run.localBecause) graphUsed = true;
		return run.result;
	});
	const failed = outcomes.filter((outcome) => outcome.status === 'fail');
	const how = graphUsed ? "Graph's parseExpression" : 'local evaluation';
	const lines = [`Expression tests: ${outcomes.length - failed.length} of ${outcomes.length} passed in ${options.path} (${how}).`];
	for (const outcome of outcomes) {
		if (outcome.status === 'pass') {
			lines.push(`  ✓ ${caseTitle(outcome)} → ${outcome.result?.ok ? formatTestValue(outcome.result.value) : 'the expected error'}`);
			continue;
		}
		lines.push(`  ✗ ${caseTitle(outcome)}`, `      input:    ${describeInput(outcome.case.input)}`);
		lines.push(`      expected: ${outcome.case.expectError !== undefined ? `an error containing "${outcome.case.expectError}"` : formatTestValue(outcome.case.expect ?? null)}`);
		lines.push(`      got:      ${outcome.result ? describeTestResult(outcome.result) : (outcome.message ?? 'nothing')}`);
	}
	return {
		problems: failed.map((outcome) => ({severity: 'error', pointer: outcome.pointer ?? '', message: `expression test ${caseTitle(outcome)} failed: ${outcome.message ?? ''}`})),
		lines,
		silence: file.silence,
	};
}
