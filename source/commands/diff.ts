/**
 * `diff A B`: two schemas compared by meaning (key order, encoding and server-maintained fields do not count),
 * each a file or a live job (`live:SP[/JOB]`). Output: the changes per object mapping, a JSON summary, or a
 * guarded JSON Patch that turns A into B (for `patch`).
 */
import type {Operation} from 'fast-json-patch';
import {buildPlan, diffAsPatch, diffOperations, jsonEqual, stripServerFields, toPatchFile} from '../edit/index.js';
import {UsageError} from '../errors.js';
import type {GraphClient} from '../graph/client.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import type {SynchronizationSchema} from '../schema/types.js';
import {jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {colorEnabled, loadSchemaInput, paint, writeJson, writeStdout} from './output.js';
import {openSession} from './session.js';
import {fetchLiveJob, formatChanges, planCounts, planJson} from './write-flow.js';

export const diffHelp = `Usage: provisioning-explorer diff A B [--format text|json|json-patch]

Compares two synchronization schemas by meaning. A and B are schema files (any encoding the explorer
reads; "-" for standard input) or live jobs written live:APP or live:APP/JOB (APP as for --sp: object
id, appId or display name; JOB a job id or templateId; the part after the last "/" is the job, so give
the object id of an app whose name contains "/"). Key order, encodings and the fields Graph maintains
itself (version, @odata annotations) do not count; attribute mappings are matched by target attribute,
object mappings by their source and target objects, definitions by name.

  --format text        (default) per object mapping: attribute mappings added (+), removed (-) and
                       changed (~, old → new source, flow type, matching priority…), scoping and other
                       object mapping changes; then directory and attribute definition changes
  --format json        the same as a JSON summary on standard output (--json too)
  --format json-patch  a JSON Patch (RFC 6902) that turns A into B, every change guarded by "test"
                       operations; apply it with patch --file A or patch --sp

Exit codes: 0 no difference, 1 differences, 2 usage error or failure.

${sharedHelp}

Examples:
  provisioning-explorer diff contoso.schema.json live:contoso.com/AD2AADProvisioning --demo
  provisioning-explorer diff test.schema.json prod.schema.json --format json-patch > change.patch.json`;

export const formats = ['text', 'json', 'json-patch'] as const;
export type Format = (typeof formats)[number];

type Side = {argument: string; name: string; schema: SynchronizationSchema};

/** `live:APP[/JOB]` split at the last "/" (app names may contain one; job ids and templateIds do not). */
export function parseLiveReference(argument: string): {servicePrincipal: string; job?: string} | undefined {
	if (!argument.startsWith('live:')) return undefined;
	const reference = argument.slice('live:'.length);
	const slash = reference.lastIndexOf('/');
	const servicePrincipal = slash < 0 ? reference : reference.slice(0, slash);
	const job = slash < 0 ? undefined : reference.slice(slash + 1) || undefined;
	if (servicePrincipal === '') throw new UsageError(`"${clean(argument)}" names no app; write live:APP or live:APP/JOB.`);
	return {servicePrincipal, job};
}

async function loadSide(argument: string, graph: GraphClient | undefined): Promise<Side> {
	const live = parseLiveReference(argument);
	if (!live) {
		const loaded = await loadSchemaInput(argument);
		return {argument, name: loaded.name, schema: loaded.schema};
	}
	const {servicePrincipal, job, live: schema} = await fetchLiveJob(graph!, live.servicePrincipal, live.job);
	return {argument, name: `live:${servicePrincipal.displayName ?? servicePrincipal.id}/${job.templateId ?? job.id}`, schema};
}

/** Paths of lists that hold the same elements in another order (what the plan, matching by name, does not count). */
function reorderedLists(a: SynchronizationSchema, b: SynchronizationSchema): string[] {
	return diffOperations(stripServerFields(a), stripServerFields(b))
		.filter((operation): operation is Operation & {value: unknown} => operation.op === 'replace' && Array.isArray((operation as {value?: unknown}).value))
		.map((operation) => operation.path);
}

export async function runDiff(args: string[]): Promise<number> {
	const {values, positionals} = parseCommandLine(
		args,
		{
			options: {...sharedOptions, ...jsonOption, format: {type: 'string'}},
			allowPositionals: true,
		},
		'diff ',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${diffHelp}\n`);
		return 0;
	}
	const format = (values.format ?? (values.json ? 'json' : 'text')).toLowerCase() as Format;
	if (!formats.includes(format)) throw new UsageError(`--format must be text, json or json-patch, not "${values.format}".`);
	if (values.json && format !== 'json') throw new UsageError('--json is --format json; give one format.');
	if (positionals.length !== 2) {
		throw new UsageError(`diff compares two schemas: diff A B (files or live:APP/JOB), not ${positionals.length}. See \`provisioning-explorer diff --help\`.`);
	}
	const [first, second] = positionals as [string, string];
	if (first === '-' && second === '-') throw new UsageError('Only one side can be read from standard input.');

	let a: Side;
	let b: Side;
	if (parseLiveReference(first) || parseLiveReference(second)) {
		// Files first: a broken file should fail before any sign-in.
		const files = await Promise.all([first, second].map((argument) => (parseLiveReference(argument) ? undefined : loadSide(argument, undefined))));
		const session = await openSession(shared);
		try {
			a = files[0] ?? (await loadSide(first, session.graph));
			b = files[1] ?? (await loadSide(second, session.graph));
		} finally {
			await session.close();
		}
	} else {
		a = await loadSide(first, undefined);
		b = await loadSide(second, undefined);
	}

	return reportComparison(a, b, format);
}

/**
 * Prints how B differs from A by meaning in `format` (shared with `history compare`); answers the exit code: 0 no
 * difference, 1 differences.
 */
export async function reportComparison(a: Pick<Side, 'name' | 'schema'>, b: Pick<Side, 'name' | 'schema'>, format: Format): Promise<number> {
	const plan = buildPlan(a.schema, b.schema, {beforeName: a.name, afterName: b.name});
	// The plan matches named elements by name; a list holding the same elements in another order is still a difference.
	const reordered = plan.hasChanges || jsonEqual(stripServerFields(a.schema), stripServerFields(b.schema)) ? [] : reorderedLists(a.schema, b.schema);
	const different = plan.hasChanges || reordered.length > 0;

	if (format === 'json-patch') {
		const operations = different ? diffAsPatch(a.schema, b.schema, {ignoreServerFields: true}) : [];
		await writeStdout(toPatchFile(operations));
	} else if (format === 'json') {
		await writeJson({a: a.name, b: b.name, equal: !different, ...planJson(plan), reordered});
	} else if (!different) {
		process.stderr.write(`No differences: ${clean(a.name)} and ${clean(b.name)} mean the same (version and @odata fields are not compared).\n`);
	} else {
		const color = colorEnabled(process.stdout);
		const lines = [`${paint('---', 'red', color)} ${clean(a.name)}\n${paint('+++', 'green', color)} ${clean(b.name)}\n`, formatChanges(plan, {color})];
		if (reordered.length > 0) {
			lines.push('Same elements in another order\n', ...reordered.map((path) => `  ~ ${clean(path)}\n`));
		}
		lines.push(`${planCounts(plan, {added: 'added', changed: 'changed', removed: 'removed'})}.\n`);
		await writeStdout(lines.join(''));
	}
	return different ? 1 : 0;
}
