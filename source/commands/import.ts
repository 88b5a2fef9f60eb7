/**
 * `import`: Step 5 of Microsoft's procedure (paste a schema back) as one command, on the explorer's safe path:
 * plan → checks → confirm → backup → PUT → verify. A file exported from another app gets the target's
 * directory ids by directory name.
 */
import {remapDirectories} from '../edit/index.js';
import {UsageError} from '../errors.js';
import {jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions, writeHelp, writeOptions} from './options.js';
import {loadSchemaInput, writeStdout} from './output.js';
import {openSession} from './session.js';
import {readWriteCaseSettings} from './test-expressions.js';
import {fetchLiveJob, readWriteSettings, runWriteFlow, sessionAuthor} from './write-flow.js';

export const importHelp = `Usage: provisioning-explorer import --sp APP [--job JOB] --in FILE [--dry-run] [--yes] [--backup-dir DIR]

Replaces a job's schema with the one in FILE (for example from export, from another tenant or from
git), the way the explorer does: it shows what changes by meaning, checks the file (Graph's
parseExpression for new expressions), asks you to confirm, backs up the live schema, writes it and
reads it back. When FILE comes from another app or tenant, its directory ids are replaced by the
target's, matched by directory name; a directory the target does not have is refused. A file that
means the same as the live schema sends nothing.

  --sp APP       the app: service principal object id, appId or exact display name
  --job JOB      the job id or templateId (needed when the app has several jobs)
  --in FILE      the schema to import (any encoding the explorer reads; "-" for standard input,
                 which then needs --yes or --dry-run)

${writeHelp}

Exit codes: 0 written, nothing to change or dry run; 1 the checks found problems (nothing sent);
2 usage error, not confirmed, or failure (nothing sent, or what happened is printed).

${sharedHelp}

Examples:
  provisioning-explorer import --demo --sp contoso.com --job AD2AADProvisioning --in contoso.schema.json --dry-run
  provisioning-explorer import --sp 5974b304-92cd-452b-9bd5-6d11807354d1 --job AD2AADProvisioning --in prod.schema.json --yes`;

export async function runImport(args: string[]): Promise<number> {
	const {values} = parseCommandLine(
		args,
		{
			options: {
				...sharedOptions,
				...jsonOption,
				...writeOptions,
				cases: {type: 'string'},
				sp: {type: 'string'},
				job: {type: 'string'},
				in: {type: 'string', short: 'i'},
			},
		},
		'import ',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${importHelp}\n`);
		return 0;
	}
	if (!values.sp) throw new UsageError('import needs --sp APP (object id, appId or display name). See `provisioning-explorer import --help`.');
	if (!values.in) throw new UsageError('import needs --in FILE, the schema to import ("-" for standard input). See `provisioning-explorer import --help`.');
	const settings = readWriteSettings(values, shared);
	const expressionCases = await readWriteCaseSettings(values.cases, shared.readOnly);
	// The file first: a typo or a broken file should fail before any sign-in.
	const imported = await loadSchemaInput(values.in);
	const session = await openSession(shared);
	try {
		const {servicePrincipal, job, live} = await fetchLiveJob(session.graph, values.sp, values.job);
		const {document, remapped, schemaId} = remapDirectories(imported.schema, live);
		const notes: string[] = [];
		if (remapped.length > 0) {
			notes.push(
				`Directory ids taken from the target by name: ${remapped.map((entry) => `${entry.name} (${entry.from ?? 'none'} → ${entry.to ?? 'none'})`).join(', ')}.`,
			);
		}
		if (schemaId) notes.push(`Schema id taken from the target: ${schemaId.from ?? 'none'} → ${schemaId.to ?? 'none'}.`);
		return await runWriteFlow(
			{
				graph: session.graph,
				servicePrincipal,
				job,
				live,
				document,
				what: `import of ${imported.name}`,
				afterName: imported.name,
				unchanged: `the live schema already means the same as ${imported.name} (version and @odata fields are not compared).`,
				notes,
				author: await sessionAuthor(session),
			},
			{...settings, expressionCases, noPromptReason: values.in === '-' ? 'the schema came from standard input' : undefined},
		);
	} finally {
		await session.close();
	}
}
