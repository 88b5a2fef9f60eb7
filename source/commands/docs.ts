/** `docs`: the mappings of a job or a schema file as readable Markdown or as CSV for a spreadsheet. */
import {documentSchema, renderCsv, renderMarkdown} from '../explorer/docs.js';
import {downloadSchema} from '../explorer/tenant-services.js';
import {resolveJob, resolveServicePrincipal} from '../explorer/resolve.js';
import {UsageError, UserError} from '../errors.js';
import {SchemaFileError} from '../schema/load.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import type {SynchronizationSchema} from '../schema/types.js';
import {parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {loadSchemaInput, writeOutput, writeStdout} from './output.js';
import {openSession} from './session.js';

export const docsHelp = `Usage: provisioning-explorer docs --sp APP [--job JOB] [--format md|csv] [--out FILE]
       provisioning-explorer docs --file SCHEMA [--format md|csv] [--out FILE]

Documents the mappings: for each object mapping its objects, whether it is enabled, the scoping filter
in words (e.g. isCriticalSystemObject IS FALSE AND adminDescription NOT REGEX MATCH ^User_), and for
each attribute mapping the target, the source or expression, the default, flow type and behavior and
whether it is a matching attribute.

  --sp APP       the app: service principal object id, appId or exact display name
  --job JOB      the job id or templateId (needed when the app has several jobs)
  --file SCHEMA  a schema file instead of a tenant (any encoding the explorer reads; "-" for standard input)
  --format F     md (Markdown, the default) or csv (one row per attribute mapping, RFC 4180 quoting;
                 fields a spreadsheet would run as formulas get a leading ')
  --out FILE     where to write (default: standard output; "-" too); written atomically

${sharedHelp}

Examples:
  provisioning-explorer docs --demo --sp contoso.com --job AD2AADProvisioning --out contoso.md
  provisioning-explorer docs --file contoso.schema.json --format csv > contoso.csv`;

const formats = ['md', 'csv'] as const;

export async function runDocs(args: string[]): Promise<number> {
	const {values} = parseCommandLine(
		args,
		{
			options: {
				...sharedOptions,
				sp: {type: 'string'},
				job: {type: 'string'},
				file: {type: 'string'},
				format: {type: 'string'},
				out: {type: 'string', short: 'o'},
			},
		},
		'docs ',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${docsHelp}\n`);
		return 0;
	}
	const format = (values.format ?? 'md').toLowerCase();
	if (!formats.includes(format as (typeof formats)[number])) throw new UsageError(`--format must be md or csv, not "${values.format}".`);
	if (values.sp && values.file) throw new UsageError('docs documents either a job (--sp) or a file (--file), not both.');
	if (!values.sp && !values.file) throw new UsageError('docs needs --sp APP (a job in the tenant) or --file SCHEMA. See `provisioning-explorer docs --help`.');
	if (values.file && values.job) throw new UsageError('--job goes with --sp; a schema file holds one job.');

	let schema: SynchronizationSchema;
	let title: string;
	const facts: string[] = [];
	if (values.file) {
		const loaded = await loadSchemaInput(values.file);
		schema = loaded.schema;
		title = `Provisioning mappings in ${loaded.name}`;
	} else {
		const session = await openSession(shared);
		try {
			const servicePrincipal = await resolveServicePrincipal(session.graph, values.sp!);
			const job = await resolveJob(session.graph, servicePrincipal, values.job);
			try {
				schema = (await downloadSchema(session.graph, servicePrincipal.id, job.id)).schema;
			} catch (error) {
				if (error instanceof SchemaFileError) throw new UserError(`${error.message}; try again.`, {cause: error});
				throw error;
			}
			const name = servicePrincipal.displayName ?? servicePrincipal.id;
			title = `Provisioning mappings of ${name} — ${job.templateId ?? job.id}`;
			facts.push(`App: ${name} (object id ${servicePrincipal.id})`, `Job: ${job.id}`);
		} finally {
			await session.close();
		}
	}
	const documentation = documentSchema(schema, {title, facts});
	const text = format === 'csv' ? renderCsv(documentation) : renderMarkdown(documentation);
	const written = await writeOutput(values.out, text);
	if (written !== 'stdout') process.stderr.write(`Wrote the documentation of ${documentation.objectMappings.length} object mappings to ${clean(written)}.\n`);
	return 0;
}
