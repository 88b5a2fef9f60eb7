/**
 * `validate FILE`: the explorer's checks on a schema file before it goes anywhere near a tenant; with --sp, also
 * every expression through the job's own parser (Graph's parseExpression) and the job's function and operator
 * lists.
 */
import {allExpressions, type Problem, validateSchema, validateWithServer} from '../edit/index.js';
import {UsageError} from '../errors.js';
import {expressionCheckSkippedReason} from '../explorer/expression-check.js';
import {resolveJob, resolveServicePrincipal} from '../explorer/resolve.js';
import {buildSchemaIndex} from '../schema/navigation.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {jsonHelp, jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {colorEnabled, loadSchemaInput, paint, writeJson, writeStdout} from './output.js';
import {openSession} from './session.js';
import {readCaseFileOption} from './test-expressions.js';

export const validateHelp = `Usage: provisioning-explorer validate FILE [--sp APP [--job JOB]] [--cases FILE] [--json]

Checks a schema file the way the explorer checks an edit before writing: enum values spelled exactly
as Graph expects, value types, target attributes that exist and are mapped once, source attributes
that exist, matching priorities, scoping clauses, expressions (length, syntax, known functions) and
rules that name existing directories, and the lint rules for Microsoft's documented traps (each
problem names its rule id and documentation link; see the README). With --sp, every expression is
also sent to the job's parseExpression (Graph's own parser; nothing is written), and the job's
lists of functions and filter operators replace the documented ones. Those three calls need Synchronization.ReadWrite.All:
with --read-only they are skipped (said once, on stderr) and the documented lists are used.
FILE may be "-" for standard input.

  --sp APP       check expressions with this app's job: object id, appId or exact display name
  --job JOB      the job id or templateId (needed when the app has several jobs)
  --cases FILE   a case file whose "silence" entries turn lint rules off per mapping (with a reason)
${jsonHelp}: {file, errors, warnings, problems: [{severity, pointer, message, rule?, link?}]}

Exit codes: 0 no problems (warnings are printed but allowed), 1 problems found, 2 usage error or failure.

${sharedHelp}

Examples:
  provisioning-explorer validate contoso.schema.json
  provisioning-explorer validate contoso.schema.json --demo --sp contoso.com --job AD2AADProvisioning`;

export async function runValidate(args: string[]): Promise<number> {
	const {values, positionals} = parseCommandLine(
		args,
		{
			options: {...sharedOptions, ...jsonOption, sp: {type: 'string'}, job: {type: 'string'}, cases: {type: 'string'}},
			allowPositionals: true,
		},
		'validate ',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${validateHelp}\n`);
		return 0;
	}
	if (positionals.length !== 1) {
		throw new UsageError(`validate checks one schema file: validate FILE${positionals.length > 1 ? `, not ${positionals.length}` : ''}. See \`provisioning-explorer validate --help\`.`);
	}
	if (values.job && !values.sp) throw new UsageError('--job goes with --sp (the app whose parser checks the expressions).');
	const file = positionals[0]!;
	const loaded = await loadSchemaInput(file);
	const silence = values.cases === undefined ? undefined : (await readCaseFileOption(values.cases)).silence;
	const schema = loaded.schema;

	let problems: Problem[];
	let checkedByGraph: {app: string; job: string; expressions: number} | undefined;
	let graphCheckSkipped: string | undefined;
	if (values.sp && shared.readOnly) {
		// The app and job are still resolved (reads), so a wrong --sp is reported as it would be otherwise.
		const session = await openSession(shared);
		try {
			const servicePrincipal = await resolveServicePrincipal(session.graph, values.sp);
			await resolveJob(session.graph, servicePrincipal, values.job);
		} finally {
			await session.close();
		}
		graphCheckSkipped = expressionCheckSkippedReason;
		process.stderr.write(`${graphCheckSkipped}\n`);
		problems = validateSchema(schema, {silence});
	} else if (values.sp) {
		const session = await openSession(shared);
		try {
			const servicePrincipal = await resolveServicePrincipal(session.graph, values.sp);
			const job = await resolveJob(session.graph, servicePrincipal, values.job);
			const expressions = allExpressions(schema);
			const [functions, operators, serverProblems] = await Promise.all([
				session.graph.listFunctions(servicePrincipal.id, job.id),
				session.graph.listFilterOperators(servicePrincipal.id, job.id),
				validateWithServer(session.graph, servicePrincipal.id, job.id, expressions),
			]);
			problems = validateSchema(schema, {
				silence,
				// An empty list would make every name unknown: keep the documented ones then.
				functions: functions.length > 0 ? functions.map((each) => each.name) : undefined,
				filterOperators: operators.length > 0 ? operators.map((each) => each.name) : undefined,
			});
			// Graph's parser has the last word: a local syntax error on the same expression would only repeat it.
			const rejected = new Set(serverProblems.map((problem) => problem.pointer));
			problems = [...problems.filter((problem) => !(problem.severity === 'error' && rejected.has(problem.pointer))), ...serverProblems];
			checkedByGraph = {app: servicePrincipal.displayName ?? servicePrincipal.id, job: job.templateId ?? job.id, expressions: expressions.length};
		} finally {
			await session.close();
		}
	} else {
		problems = validateSchema(schema, {silence});
	}
	problems.sort((left, right) => (left.severity === right.severity ? 0 : left.severity === 'error' ? -1 : 1));
	const errors = problems.filter((problem) => problem.severity === 'error').length;
	const warnings = problems.length - errors;

	if (values.json) {
		await writeJson({
			file: loaded.name,
			errors,
			warnings,
			...(checkedByGraph ? {checkedByGraph} : {}),
			...(graphCheckSkipped ? {graphCheckSkipped} : {}),
			problems,
		});
		return errors > 0 ? 1 : 0;
	}
	const color = colorEnabled(process.stdout);
	const lines = problems.map((problem) => {
		const mark = problem.severity === 'error' ? paint('error  ', 'red', color) : paint('warning', 'yellow', color);
		const rule = problem.rule ? `  ${problem.rule}${problem.link ? ` ${problem.link}` : ''}` : '';
		return `${mark}  ${clean(problem.message)}\n         ${paint(clean(problem.pointer) + rule, 'dim', color)}\n`;
	});
	const mappings = [...buildSchemaIndex(schema).attributeMappings()].length;
	const graphNote = checkedByGraph
		? `; ${checkedByGraph.expressions} expression${checkedByGraph.expressions === 1 ? '' : 's'} checked by Graph's parser for ${clean(checkedByGraph.app)} / ${clean(checkedByGraph.job)}`
		: '';
	const summary =
		problems.length === 0
			? `${clean(loaded.name)}: no problems found (${mappings} attribute mapping${mappings === 1 ? '' : 's'}${graphNote}).`
			: `${clean(loaded.name)}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} (${mappings} attribute mapping${mappings === 1 ? '' : 's'}${graphNote}).`;
	await writeStdout(`${lines.join('')}${summary}\n`);
	return errors > 0 ? 1 : 0;
}
