/**
 * The write path of `import` and live `patch`, the same as the explorer's: plan → checks → confirm → backup →
 * PUT → verify (the last three in writeSchema). The plan, checks and outcome go to stderr; `--json` puts a
 * result object on stdout. Nothing is sent unless the user typed the app's name on a terminal or gave --yes.
 */
import {createInterface} from 'node:readline';
import {
	afterSaveAdvice,
	buildPlan,
	confirms,
	confirmationWord,
	DriftError,
	UnmodelledPropertiesError,
	unmodelledThroughV1,
	validateWithServer,
	VerifyMismatchError,
	VerifyUnavailableError,
	WriteFailedError,
	type WriteStep,
	writeSchema,
} from '../edit/index.js';
import {describeError, UsageError, UserError} from '../errors.js';
import type {Connection} from '../explorer/connect.js';
import {resolveJob, resolveServicePrincipal} from '../explorer/resolve.js';
import {downloadSchema} from '../explorer/tenant-services.js';
import type {GraphClient} from '../graph/client.js';
import {nextStepCommands, nextStepsAfterSchemaWrite} from '../loop/actions.js';
import {SchemaFileError} from '../schema/load.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import type {ServicePrincipal, SynchronizationJob, SynchronizationSchema} from '../schema/types.js';
import {expressionCheckSkippedReason} from '../explorer/expression-check.js';
import type {SharedOptions} from './options.js';
import {blockingProblems, changedExpressions, review} from '../edit/review.js';
import {formatChanges, formatPlanText, pluralize, planJson} from '../edit/plan-text.js';
import {colorEnabled, createProgress, paint, writeJson} from './output.js';
import {type ExpressionCaseSettings, runWriteCases} from './test-expressions.js';

// ---------------------------------------------------------------------------------------------
// Options

export type WriteFlowSettings = {
	/** --yes: write without asking (required without a terminal). */
	yes: boolean;
	/** --dry-run: show the plan and the checks, send nothing. */
	dryRun: boolean;
	/** --backup-dir; default backupDirectory() in the state directory. */
	backupDirectory?: string;
	/** --json: a result object on stdout. */
	json: boolean;
	/** Why the confirmation cannot be typed even on a terminal (e.g. standard input carried the file). */
	noPromptReason?: string;
	/** --cases: the job's expression tests, run on what would be sent; a failing case blocks like a check. */
	expressionCases?: ExpressionCaseSettings;
	/** --read-only (with --dry-run): Graph's parseExpression needs Synchronization.ReadWrite.All, so it is skipped. */
	readOnly?: boolean;
};

/** The write options from parsed values; refuses --read-only for a real write before anyone signs in. */
export function readWriteSettings(values: Record<string, unknown>, shared: SharedOptions): Omit<WriteFlowSettings, 'noPromptReason'> {
	const dryRun = Boolean(values['dry-run']);
	if (shared.readOnly && !dryRun) {
		throw new UsageError('--read-only cannot write to the tenant; leave it out, or add --dry-run to only see the plan.');
	}
	const backupDirectory = values['backup-dir'] as string | undefined;
	if (backupDirectory === '') throw new UsageError('--backup-dir needs a folder.');
	return {yes: Boolean(values.yes), dryRun, backupDirectory, json: Boolean(values.json), readOnly: shared.readOnly};
}

// ---------------------------------------------------------------------------------------------
// The live job

export type LiveJob = {servicePrincipal: ServicePrincipal; job: SynchronizationJob; live: SynchronizationSchema};

/** The app and job a command names (`--sp`, `--job`), and the job's schema as Graph returns it now. */
export async function fetchLiveJob(graph: GraphClient, servicePrincipalReference: string, jobReference: string | undefined): Promise<LiveJob> {
	const servicePrincipal = await resolveServicePrincipal(graph, servicePrincipalReference);
	const job = await resolveJob(graph, servicePrincipal, jobReference);
	try {
		const {schema} = await downloadSchema(graph, servicePrincipal.id, job.id);
		return {servicePrincipal, job, live: schema};
	} catch (error) {
		if (error instanceof SchemaFileError) throw new UserError(`Graph returned a schema that cannot be read (${error.message}); try again.`, {cause: error});
		throw error;
	}
}

// ---------------------------------------------------------------------------------------------
// The plan in words (shared with `diff`)

export {formatChanges, maxDiffLines, otherChangePointers, planCounts, planJson} from '../edit/plan-text.js';
export {changedExpressions, withoutLiveErrors} from '../edit/review.js';

// ---------------------------------------------------------------------------------------------
// Confirmation

/** Whether a confirmation can be typed: stdin and stderr are a terminal. */
export function canPrompt(): boolean {
	return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Asks on stderr, reads one line from stdin; undefined when the user ended input (Ctrl+D) or pressed Ctrl+C. */
export function askLine(question: string): Promise<string | undefined> {
	const reader = createInterface({input: process.stdin, output: process.stderr, terminal: true});
	return new Promise((resolve) => {
		let answered = false;
		reader.on('SIGINT', () => {
			process.stderr.write('\n');
			reader.close();
		});
		reader.on('close', () => {
			if (!answered) resolve(undefined);
		});
		reader.question(question, (answer) => {
			answered = true;
			reader.close();
			resolve(answer);
		});
	});
}

// ---------------------------------------------------------------------------------------------
// The flow

export type WriteRequest = {
	graph: GraphClient;
	servicePrincipal: ServicePrincipal;
	job: SynchronizationJob;
	/** The live schema as downloaded just before: the plan's "before" and the write's drift base. */
	live: SynchronizationSchema;
	/** What would be sent. */
	document: SynchronizationSchema;
	/** `import of contoso.schema.json`, `patch mail.patch.json`. */
	what: string;
	/** The name of the new side in the diff header. */
	afterName: string;
	/** What to say when the document means the same as the live schema (nothing is sent). */
	unchanged: string;
	/** Pointers the change touched (a patch): only problems there are reported. Undefined: the whole document. */
	changedPointers?: readonly string[];
	/** Lines printed after the heading, e.g. directory ids remapped. */
	notes?: readonly string[];
	/** Who is signed in, for the note beside the backup (sessionAuthor). */
	author?: {account: string; tenantId?: string};
};

/** The signed-in account for a backup's note; undefined when it cannot be told (the write goes on). */
export async function sessionAuthor(connection: Pick<Connection, 'auth'>): Promise<{account: string; tenantId?: string} | undefined> {
	const account = await connection.auth.describe().catch(() => undefined);
	return account ? {account: account.account, tenantId: account.tenantId} : undefined;
}

const stepWords: Record<WriteStep, string> = {
	'checking-drift': 'Checking that nobody changed the live schema meanwhile…',
	'backing-up': 'Backing up the live schema…',
	writing: 'Writing the schema (PUT)…',
	verifying: 'Reading it back to verify…',
};

type Outcome = {status: string; exitCode: number; backupPath?: string; newVersion?: string | null; error?: string; normalised?: string[]};

/**
 * Plans the change, prints the plan and the checks to stderr, asks for confirmation and writes. Answers the exit
 * code: 0 written, unchanged or dry run; 1 the checks found errors (nothing sent); 2 not confirmed or the write
 * failed (what happened, and where the backup is, is printed).
 */
export async function runWriteFlow(request: WriteRequest, settings: WriteFlowSettings): Promise<number> {
	const {graph, servicePrincipal, job, live, document} = request;
	const color = colorEnabled(process.stderr);
	const appName = servicePrincipal.displayName ?? servicePrincipal.id;
	const jobName = job.templateId ?? job.id;
	const heading = `${paint('Plan', 'bold', color)} for ${clean(appName)} / ${clean(jobName)} (job ${clean(job.id)}): ${clean(request.what)}`;
	const planOptions = {beforeName: `live ${appName} / ${jobName}`, afterName: request.afterName};
	let plan = buildPlan(live, document, planOptions);
	let expressionTests: unknown;
	const report = async (outcome: Outcome): Promise<number> => {
		if (settings.json) {
			await writeJson({
				status: outcome.status,
				app: {id: servicePrincipal.id, displayName: servicePrincipal.displayName ?? null},
				jobId: job.id,
				templateId: job.templateId ?? null,
				...planJson(plan),
				...(expressionTests ? {expressionTests} : {}),
				...(outcome.backupPath ? {backupPath: outcome.backupPath} : {}),
				...(outcome.normalised ? {normalised: outcome.normalised} : {}),
				...(outcome.newVersion !== undefined ? {newVersion: outcome.newVersion} : {}),
				...(outcome.error ? {error: outcome.error} : {}),
			});
		}
		return outcome.exitCode;
	};

	const out: string[] = [heading];
	for (const note of request.notes ?? []) out.push(`  ${clean(note)}`);
	if (!plan.hasChanges) {
		out.push(`No changes: ${clean(request.unchanged)} Nothing was sent.`);
		process.stderr.write(`${out.join('\n')}\n`);
		return report({status: 'unchanged', exitCode: 0});
	}
	process.stderr.write(`${out.join('\n')}\n`);

	// The shared review step: checks against the live schema and the local checks (a case file's silences applied),
	// then Graph's own parser for the expressions that are new; what is sent carries Graph's own parse trees for those
	// expressions, not hand-built ones, and the plan shows (and the JSON diff prints) exactly that body. Under
	// --read-only the parser is not asked (it needs Synchronization.ReadWrite.All), and the reason is printed.
	if (settings.readOnly && changedExpressions(live, document).length > 0) process.stderr.write(`${expressionCheckSkippedReason}
`);
	const reviewed = await review(
		{live, document, changedPointers: request.changedPointers, silence: settings.expressionCases?.file.silence, ...planOptions},
		settings.readOnly ? undefined : (expressions, parsed) => validateWithServer(graph, servicePrincipal.id, job.id, expressions, undefined, parsed),
	);
	plan = reviewed.plan;
	const {problems, body: toSend} = reviewed;
	const caseReport = settings.expressionCases ? await runWriteCases(toSend, settings.expressionCases, {graph, servicePrincipalId: servicePrincipal.id, jobId: job.id}, color) : undefined;
	expressionTests = caseReport?.json;
	// Under v1.0 the refusal comes with the plan (and in a dry run), not after the admin has typed the confirmation.
	const unmodelled = await unmodelledThroughV1(graph, servicePrincipal.id, job.id, live);
	const versionProblems = unmodelled.length > 0 ? [{severity: 'error' as const, pointer: '', message: new UnmodelledPropertiesError(unmodelled).message}] : [];
	const errors = [...versionProblems, ...blockingProblems(reviewed), ...(caseReport?.failures ?? [])];

	process.stderr.write(
		formatPlanText(plan, {color, problems: [...versionProblems, ...problems], expressionsChecked: reviewed.expressionsChecked, counts: true, beforeDiff: caseReport?.text}),
	);

	if (errors.length > 0) {
		const failedCases = caseReport?.failures.length ?? 0;
		const found = [errors.length > failedCases ? `the checks found ${pluralize(errors.length - failedCases, 'problem')}` : '', failedCases > 0 ? `${pluralize(failedCases, 'expression test')} failed` : '']
			.filter(Boolean)
			.join(' and ');
		process.stderr.write(`Not written: ${found}; fix ${errors.length === 1 ? 'it' : 'them'} and run the command again.\n`);
		return report({status: 'invalid', exitCode: 1, error: `${pluralize(errors.length, 'problem')} found by the checks`});
	}
	if (settings.dryRun) {
		process.stderr.write(`Dry run: nothing was sent to ${clean(appName)}.\n`);
		return report({status: 'dry-run', exitCode: 0});
	}

	if (!settings.yes) {
		const refused = (message: string) => {
			process.stderr.write(`provisioning-explorer: ${message}\n`);
			return report({status: 'not-confirmed', exitCode: 2, error: message});
		};
		if (settings.noPromptReason) return refused(`Not written: ${settings.noPromptReason}, so the confirmation cannot be typed; add --yes to write (or --dry-run to only see the plan).`);
		if (!canPrompt()) {
			return refused('Not written: writing needs confirmation, and there is no terminal to type it on; add --yes to write without asking (or --dry-run to only see the plan).');
		}
		const expected = confirmationWord({displayName: servicePrincipal.displayName, id: servicePrincipal.id});
		const shown = clean(expected.word);
		const answer = await askLine(
			`Saving replaces this job's schema. Type the app's ${expected.what} (${paint(shown, 'bold', color)}) to write, anything else cancels: `,
		);
		if (answer === undefined) return refused('Cancelled: nothing was written.');
		if (!confirms(answer, expected)) return refused(`Not written: "${clean(answer.trim())}" is not the app's ${expected.what} "${shown}".`);
	}

	const progress = createProgress();
	try {
		const result = await writeSchema({
			graph,
			servicePrincipalId: servicePrincipal.id,
			jobId: job.id,
			appName,
			templateId: job.templateId,
			baseVersion: typeof live.version === 'string' ? live.version : null,
			base: live,
			document: toSend,
			backupDirectory: settings.backupDirectory,
			onStep: (step) => progress.update(stepWords[step]),
			author: request.author,
			operation: request.what,
			plan,
		});
		progress.clear();
		const version = result.newVersion ? ` (new version ${clean(result.newVersion)})` : '';
		const verified =
			result.normalisedTotal === 0
				? `the schema read back from Graph equals what was sent${version}.`
				: `every change is stored as sent${version}; Graph filled in or normalised ${pluralize(result.normalisedTotal, 'other value')}: ${result.normalised.map(clean).join('; ')}${result.normalisedTotal > result.normalised.length ? '; …' : ''}.`;
		process.stderr.write(`${paint('✓', 'green', color)} Written and verified: ${verified}\nBackup of the previous schema: ${clean(result.backupPath)}\n${afterSaveAdvice}\n`);
		// The same next steps as commands, and the canary before the restart reaches everyone.
		const subjectHint = job.templateId === 'AD2AADProvisioning' ? '"CN=…"' : job.templateId && /^workday/i.test(job.templateId) ? 'WORKER-ID' : 'USER-OBJECT-ID';
		process.stderr.write(
			`Next steps:\n${nextStepsAfterSchemaWrite(job.templateId)
				.map((step) => `  ${step}\n`)
				.join('')}${nextStepCommands(appName, jobName, job.templateId, subjectHint)
				.map((command) => `  ${clean(command)}\n`)
				.join('')}`,
		);
		return report({status: 'written', exitCode: 0, backupPath: result.backupPath, newVersion: result.newVersion, ...(result.normalisedTotal > 0 ? {normalised: result.normalised} : {})});
	} catch (error) {
		progress.clear();
		return report(describeWriteFailure(error, color));
	}
}

/** Prints what went wrong in the write and answers the outcome; errors that are not the write's own are rethrown. */
function describeWriteFailure(error: unknown, color: boolean): Outcome {
	const lines: string[] = [`provisioning-explorer: ${describeError(error)}`];
	let outcome: Outcome;
	if (error instanceof DriftError) {
		lines.push('Changed on the server since this command read the schema:');
		lines.push(formatChanges(error.plan, {color, indent: '  '}).replace(/\n$/, '') || '  (server-maintained fields only)');
		lines.push('Run the command again to plan against the current version (nothing is re-applied automatically).');
		outcome = {status: 'drift', exitCode: 2, error: error.message};
	} else if (error instanceof VerifyMismatchError) {
		lines.push('Differences between what was sent and what Graph stored:');
		for (const difference of error.differences) lines.push(`  ${clean(difference)}`);
		lines.push(`Backup of the previous schema: ${clean(error.backupPath)}`);
		outcome = {status: 'verify-mismatch', exitCode: 2, backupPath: error.backupPath, newVersion: error.newVersion, error: error.message};
	} else if (error instanceof WriteFailedError) {
		lines.push(`Backup of the live schema: ${clean(error.backupPath)}`);
		outcome = {status: error.applied === 'yes' ? 'written-with-error' : 'failed', exitCode: 2, backupPath: error.backupPath, error: error.message};
	} else if (error instanceof VerifyUnavailableError) {
		lines.push(`Backup of the previous schema: ${clean(error.backupPath)}`);
		outcome = {status: 'verify-unavailable', exitCode: 2, backupPath: error.backupPath, error: error.message};
	} else if (error instanceof UserError) {
		outcome = {status: 'failed', exitCode: error.exitCode, error: error.message};
	} else {
		throw error;
	}
	process.stderr.write(`${lines.join('\n')}\n`);
	return outcome;
}
