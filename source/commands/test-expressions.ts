/**
 * `test-expressions SCHEMA --cases FILE`: runs a case file's expression tests against a schema file, locally with
 * our evaluator or, with --sp, through the job's parseExpression (Graph evaluates each expression on the case's
 * input). Also the case reporting that import and patch print before their confirmation.
 */
import {type CaseFile, CaseFileError, type CaseOutcome, type CaseRunner, describeInput, loadCaseFile, runCases} from '../expressions/case-file.js';
import {describeTestResult, formatTestValue, runGraphTest, runLocalTest, schemaFlavor} from '../expressions/test-runner.js';
import {UsageError} from '../errors.js';
import {resolveJob, resolveServicePrincipal} from '../explorer/resolve.js';
import type {GraphClient} from '../graph/client.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import type {SynchronizationSchema} from '../schema/types.js';
import {jsonHelp, jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {colorEnabled, loadSchemaInput, paint, writeJson, writeStdout} from './output.js';
import {openSession} from './session.js';

export const testExpressionsHelp = `Usage: provisioning-explorer test-expressions SCHEMA --cases FILE [--sp APP [--job JOB]] [--json]

Runs the expression tests in a case file against the mappings of a schema file. Each case names a
mapping by its target attribute (and, when the target is mapped in several object mappings, its
objectMapping: a name or source→target), gives input values and the expected result:
  {"cases": [{"target": "AccountEnabled", "input": {"userAccountControl": "514"}, "expect": "False"}]}
Without --sp the expressions are evaluated locally by provisioning-explorer's own evaluator (no
sign-in; labelled "local evaluation"). With --sp each expression of SCHEMA is evaluated by the job's
parseExpression in Graph, on the case's input (needs Synchronization.ReadWrite.All; nothing is
written). See the README for the case file format.

  --cases FILE   the case file (e.g. contoso.AD2AADProvisioning.tests.json)
  --sp APP       evaluate through this app's job: object id, appId or exact display name
  --job JOB      the job id or templateId (needed when the app has several jobs)
${jsonHelp}: {schema, cases, mode, passed, failed, results: [...]}

Exit codes: 0 every case passed, 1 a case failed (each failure shows its input, the expected and the
actual result), 2 usage error or failure.

${sharedHelp}

Examples:
  provisioning-explorer test-expressions contoso.schema.json --cases contoso.AD2AADProvisioning.tests.json
  provisioning-explorer test-expressions contoso.schema.json --cases contoso.tests.json --demo --sp contoso.com --job AD2AADProvisioning`;

/** Why --read-only cannot test through Graph. */
export const readOnlyGraphTestReason =
	"Graph's parseExpression needs Synchronization.ReadWrite.All, which a --read-only sign-in does not ask for";

export type CaseMode = 'local' | 'graph';

/** The runner for a mode: our evaluator, or the job's parseExpression. */
export function caseRunner(schema: SynchronizationSchema, mode: CaseMode, graph?: {client: GraphClient; servicePrincipalId: string; jobId: string}): CaseRunner {
	if (mode === 'graph' && graph) {
		return (mapping, input) => runGraphTest(graph.client, {servicePrincipalId: graph.servicePrincipalId, jobId: graph.jobId}, mapping, input);
	}
	const flavor = schemaFlavor(schema);
	return async (mapping, input) => runLocalTest(mapping, input, {flavor});
}

export function modeLabel(mode: CaseMode): string {
	return mode === 'local' ? "local evaluation (provisioning-explorer's evaluator, not Graph)" : "Graph's parseExpression";
}

function caseTitle(outcome: CaseOutcome): string {
	const testCase = outcome.case;
	const mapping = `${testCase.target}${testCase.objectMapping ? ` (${testCase.objectMapping})` : ''}`;
	return `case ${outcome.number}${testCase.name ? ` "${testCase.name}"` : ''}: ${mapping}`;
}

/** Lines for a terminal: ✓ per passing case, ✗ with input, expected and got per failing one; terminal-safe. */
export function formatCaseOutcomes(outcomes: readonly CaseOutcome[], color: boolean, indent = ''): string {
	const lines: string[] = [];
	for (const outcome of outcomes) {
		if (outcome.status === 'pass') {
			const got = outcome.result?.ok ? formatTestValue(outcome.result.value) : 'the expected error';
			lines.push(`${paint('✓', 'green', color)} ${clean(caseTitle(outcome))} → ${clean(got)}`);
			continue;
		}
		lines.push(`${paint('✗', 'red', color)} ${clean(caseTitle(outcome))}`);
		lines.push(`    input:    ${clean(describeInput(outcome.case.input))}`);
		if (outcome.case.expectError !== undefined) lines.push(`    expected: an error containing "${clean(outcome.case.expectError)}"`);
		else lines.push(`    expected: ${clean(formatTestValue(outcome.case.expect ?? null))}`);
		lines.push(`    got:      ${clean(outcome.result ? describeTestResult(outcome.result) : (outcome.message ?? 'nothing'))}`);
	}
	for (const outcome of outcomes) {
		for (const note of outcome.result?.ok ? outcome.result.notes : []) lines.push(`  ! case ${outcome.number}: ${clean(note)}`);
	}
	return lines.map((line) => `${indent}${line}\n`).join('');
}

export function caseOutcomesJson(outcomes: readonly CaseOutcome[]) {
	return outcomes.map((outcome) => ({
		number: outcome.number,
		...(outcome.case.name ? {name: outcome.case.name} : {}),
		target: outcome.case.target,
		...(outcome.case.objectMapping ? {objectMapping: outcome.case.objectMapping} : {}),
		input: outcome.case.input,
		...(outcome.case.expectError !== undefined ? {expectError: outcome.case.expectError} : {expect: outcome.case.expect ?? null}),
		status: outcome.status,
		...(outcome.result?.ok ? {got: outcome.result.value} : {}),
		...(outcome.result && !outcome.result.ok ? {error: outcome.result.message, errorKind: outcome.result.reason} : {}),
		...(outcome.status === 'fail' && outcome.message ? {message: outcome.message} : {}),
		...(outcome.result?.ok && outcome.result.notes.length > 0 ? {notes: outcome.result.notes} : {}),
		...(outcome.pointer ? {pointer: outcome.pointer} : {}),
	}));
}

/** A case file for a command, its problems as usage errors (exit 2). */
export async function readCaseFileOption(path: string): Promise<CaseFile> {
	try {
		return await loadCaseFile(path);
	} catch (error) {
		if (error instanceof CaseFileError) throw new UsageError(`${error.message}.`.replace(/\.\.$/, '.'));
		throw error;
	}
}

export async function runTestExpressions(args: string[]): Promise<number> {
	const {values, positionals} = parseCommandLine(
		args,
		{options: {...sharedOptions, ...jsonOption, cases: {type: 'string'}, sp: {type: 'string'}, job: {type: 'string'}}, allowPositionals: true},
		'test-expressions ',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${testExpressionsHelp}\n`);
		return 0;
	}
	if (positionals.length !== 1) throw new UsageError('test-expressions tests one schema file: test-expressions SCHEMA --cases FILE. See `provisioning-explorer test-expressions --help`.');
	if (!values.cases) throw new UsageError('test-expressions needs --cases FILE, the case file to run. See `provisioning-explorer test-expressions --help`.');
	if (values.job && !values.sp) throw new UsageError('--job goes with --sp (the app whose parseExpression evaluates the cases).');
	if (values.sp && shared.readOnly) {
		throw new UsageError(`${readOnlyGraphTestReason}; leave out --read-only, or leave out --sp to evaluate locally.`);
	}
	const loaded = await loadSchemaInput(positionals[0]!);
	const cases = await readCaseFileOption(values.cases);
	if (cases.cases.length === 0) throw new UsageError(`${values.cases} has no cases to run.`);

	let mode: CaseMode = 'local';
	let outcomes: CaseOutcome[];
	let via: string | undefined;
	if (values.sp) {
		mode = 'graph';
		const session = await openSession(shared);
		try {
			const servicePrincipal = await resolveServicePrincipal(session.graph, values.sp);
			const job = await resolveJob(session.graph, servicePrincipal, values.job);
			via = `${servicePrincipal.displayName ?? servicePrincipal.id} / ${job.templateId ?? job.id}`;
			outcomes = await runCases(loaded.schema, cases, caseRunner(loaded.schema, 'graph', {client: session.graph, servicePrincipalId: servicePrincipal.id, jobId: job.id}));
		} finally {
			await session.close();
		}
	} else {
		outcomes = await runCases(loaded.schema, cases, caseRunner(loaded.schema, 'local'));
	}
	const failed = outcomes.filter((outcome) => outcome.status === 'fail').length;
	const passed = outcomes.length - failed;
	if (values.json) {
		await writeJson({schema: loaded.name, cases: values.cases, mode, ...(via ? {job: via} : {}), passed, failed, results: caseOutcomesJson(outcomes)});
		return failed > 0 ? 1 : 0;
	}
	const color = colorEnabled(process.stdout);
	const how = `${modeLabel(mode)}${via ? ` for ${clean(via)}` : ''}`;
	const summary = `${clean(loaded.name)}: ${passed} of ${outcomes.length} case${outcomes.length === 1 ? '' : 's'} passed, ${failed} failed (${how}).`;
	await writeStdout(`${formatCaseOutcomes(outcomes, color)}${summary}\n`);
	return failed > 0 ? 1 : 0;
}

/** What import and patch need to run a job's cases: the file, and whether Graph may evaluate them. */
export type ExpressionCaseSettings = {file: CaseFile; name: string; mode: CaseMode};

/** Runs a case file before a write; each failing case becomes a blocking error, and the report goes in the plan. */
export async function runWriteCases(
	document: SynchronizationSchema,
	settings: ExpressionCaseSettings,
	job: {graph: GraphClient; servicePrincipalId: string; jobId: string},
	color: boolean,
): Promise<{text: string; failures: {severity: 'error'; pointer: string; message: string}[]; json: unknown}> {
	const runner = caseRunner(document, settings.mode, {client: job.graph, servicePrincipalId: job.servicePrincipalId, jobId: job.jobId});
	const outcomes = await runCases(document, settings.file, runner);
	const failed = outcomes.filter((outcome) => outcome.status === 'fail');
	const heading = `${paint('Expression tests:', 'bold', color)} ${outcomes.length - failed.length} of ${outcomes.length} passed in ${clean(settings.name)} (${modeLabel(settings.mode)}).\n`;
	return {
		text: heading + formatCaseOutcomes(outcomes, color, '  '),
		json: {cases: settings.name, mode: settings.mode, passed: outcomes.length - failed.length, failed: failed.length, results: caseOutcomesJson(outcomes)},
		failures: failed.map((outcome) => ({
			severity: 'error',
			pointer: outcome.pointer ?? '',
			message: `expression test ${caseTitle(outcome)} failed: ${outcome.message ?? ''}`,
		})),
	};
}

/** `--cases FILE` of import and patch: Graph evaluates the cases, except under --read-only (then our evaluator). */
export async function readWriteCaseSettings(path: string | undefined, readOnly: boolean): Promise<ExpressionCaseSettings | undefined> {
	if (path === undefined) return undefined;
	if (path === '') throw new UsageError('--cases needs a case file.');
	const file = await readCaseFileOption(path);
	return {file, name: path, mode: readOnly ? 'local' : 'graph'};
}
