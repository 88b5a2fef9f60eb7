/**
 * `export`: Step 4 of Microsoft's procedure (download the schema) as one command, for one job or,
 * with --all, for every job of every app (a backup, or a folder to keep in git).
 */
import {mkdir, stat} from 'node:fs/promises';
import {UsageError, UserError} from '../errors.js';
import {type ExportAllEvent, exportAllSchemas, type ExportAllResult, prepareExportBytes} from '../explorer/export-schemas.js';
import {ThrottleGate} from '../explorer/inventory.js';
import {resolveJob, resolveServicePrincipal} from '../explorer/resolve.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {colorEnabled, createProgress, describeFileError, paint, writeJson, writeOutput, writeStdout} from './output.js';
import {openSession} from './session.js';

export const exportHelp = `Usage: provisioning-explorer export --sp APP [--job JOB] [--out FILE] [--normalize]
       provisioning-explorer export --all --out DIR [--normalize] [--json]

Saves provisioning jobs' synchronization schemas exactly as Graph returns them (UTF-8, no byte order
mark, written atomically; never tokens or secrets).

  --sp APP       the app: service principal object id, appId or exact display name
  --job JOB      the job id or templateId (needed when the app has several jobs)
  --out FILE     where to write (default: standard output; "-" too)
  --all          every job of every app, one file per job: DIR/<app>/<templateId>.schema.json
                 (apps whose names give the same folder get -<first 8 characters of the object id>;
                 jobs of one app with the same templateId are named by job id). Progress and a summary
                 go to standard error; a job that fails is reported and the others are still saved
                 (exit code 1; 2 when nothing could be saved)
  --normalize    write keys in a stable order for clean git diffs: in every object id, name, key and
                 targetAttributeName first, then the other keys in ordinal (ASCII) order; arrays keep
                 their order; indented with two spaces, LF line breaks, a final newline
  --json         with --all: print a JSON summary (files written, failures) on standard output

${sharedHelp}

Examples:
  provisioning-explorer export --demo --sp contoso.com --job AD2AADProvisioning --out contoso.schema.json
  provisioning-explorer export --demo --all --out backup --normalize`;

export async function runExport(args: string[]): Promise<number> {
	const {values} = parseCommandLine(
		args,
		{
			options: {
				...sharedOptions,
				...jsonOption,
				sp: {type: 'string'},
				job: {type: 'string'},
				out: {type: 'string', short: 'o'},
				all: {type: 'boolean'},
				normalize: {type: 'boolean'},
			},
		},
		'export ',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${exportHelp}\n`);
		return 0;
	}
	const normalize = Boolean(values.normalize);
	if (values.all) {
		if (values.sp || values.job) throw new UsageError('export --all saves every app and job; leave out --sp and --job, or leave out --all.');
		if (!values.out || values.out === '-') throw new UsageError('export --all needs --out DIR, the folder for the files (one per job). See `provisioning-explorer export --help`.');
		return exportAll(shared, values.out, {normalize, json: Boolean(values.json)});
	}
	if (!values.sp) throw new UsageError('export needs --sp (object id, appId or display name), or --all --out DIR. See `provisioning-explorer export --help`.');
	if (values.json) throw new UsageError('--json goes with export --all (the summary); a single export writes the schema itself.');
	const session = await openSession(shared);
	try {
		const servicePrincipal = await resolveServicePrincipal(session.graph, values.sp);
		const job = await resolveJob(session.graph, servicePrincipal, values.job);
		const bytes = prepareExportBytes(await session.graph.getSchemaBytes(servicePrincipal.id, job.id), {normalize});
		const written = await writeOutput(values.out, bytes);
		if (written !== 'stdout') {
			process.stderr.write(
				`Saved the ${clean(job.templateId ?? job.id)} schema of ${clean(servicePrincipal.displayName ?? servicePrincipal.id)} to ${clean(written)} (${bytes.length} bytes).\n`,
			);
		}
		return 0;
	} finally {
		await session.close();
	}
}

/** Creates the folder first: a typo in --out should fail before any sign-in or download. */
async function prepareDirectory(directory: string): Promise<void> {
	const existing = await stat(directory).catch(() => undefined);
	if (existing && !existing.isDirectory()) throw new UsageError(`--out ${directory} is a file; export --all needs a folder.`);
	try {
		await mkdir(directory, {recursive: true});
	} catch (error) {
		throw new UserError(`Cannot create the folder ${directory}: ${describeFileError(error)}.`, {cause: error});
	}
}

function kilobytes(bytes: number): string {
	return bytes < 1024 ? `${bytes} bytes` : `${Math.round(bytes / 1024)} KB`;
}

function jobLabel(target: {servicePrincipal: {id: string; displayName?: string | null}; job: {id: string; templateId?: string}}): string {
	return `${clean(target.servicePrincipal.displayName ?? target.servicePrincipal.id)} / ${clean(target.job.templateId ?? target.job.id)}`;
}

async function exportAll(shared: ReturnType<typeof readSharedOptions>, directory: string, options: {normalize: boolean; json: boolean}): Promise<number> {
	await prepareDirectory(directory);
	const gate = new ThrottleGate();
	const session = await openSession(shared, {onRetry: (notice) => gate.pauseFor(notice.waitMs)});
	const progress = createProgress();
	const color = colorEnabled(process.stderr);
	const onEvent = (event: ExportAllEvent) => {
		switch (event.kind) {
			case 'scan':
				progress.update(`Looking for provisioning jobs: ${event.done}/${event.total} service principals checked…`);
				break;
			case 'planned':
				progress.log(`Exporting ${event.total} job schema${event.total === 1 ? '' : 's'} to ${clean(directory)}…`);
				break;
			case 'written':
				progress.log(`[${event.finished}/${event.total}] ${clean(event.export.path)} (${kilobytes(event.export.bytes)})`);
				break;
			case 'failed':
				progress.log(`[${event.finished}/${event.total}] ${paint('FAILED', 'red', color)} ${jobLabel(event.export)}: ${event.export.message}`);
				break;
		}
	};
	let result: ExportAllResult;
	try {
		result = await exportAllSchemas(session.graph, {directory, normalize: options.normalize, gate, onEvent});
	} finally {
		progress.clear();
		await session.close();
	}
	for (const failure of result.unlisted) {
		process.stderr.write(`Could not list the jobs of ${clean(failure.servicePrincipal.displayName ?? failure.servicePrincipal.id)}: ${failure.message}\n`);
	}
	const failures = result.failed.length + result.unlisted.length;
	const total = result.written.length + result.failed.length;
	if (total === 0 && failures === 0) {
		process.stderr.write('No app has provisioning jobs: nothing to export.\n');
	} else {
		const summary = [`Exported ${result.written.length} of ${total} job schemas (${result.appCount} apps) to ${clean(directory)}.`];
		if (result.failed.length > 0) {
			summary.push(`${result.failed.length} failed:`);
			for (const failure of result.failed) summary.push(`  ${jobLabel(failure)} (job ${clean(failure.job.id)}): ${failure.message}`);
		}
		if (result.unlisted.length > 0) summary.push(`The jobs of ${result.unlisted.length} app${result.unlisted.length === 1 ? '' : 's'} could not be listed (see above).`);
		if (failures > 0) summary.push('The files that were written are complete; run the command again to retry the rest.');
		process.stderr.write(`${summary.join('\n')}\n`);
	}
	if (options.json) {
		const app = (target: {servicePrincipal: {id: string; displayName?: string | null}}) => ({id: target.servicePrincipal.id, displayName: target.servicePrincipal.displayName ?? null});
		await writeJson({
			directory,
			normalized: options.normalize,
			written: result.written.map((each) => ({app: app(each), jobId: each.job.id, templateId: each.job.templateId ?? null, path: each.relativePath, bytes: each.bytes})),
			failed: [
				...result.failed.map((each) => ({app: app(each), jobId: each.job.id, templateId: each.job.templateId ?? null, path: each.relativePath, error: each.message})),
				...result.unlisted.map((each) => ({app: app(each), jobId: null, templateId: null, path: null, error: each.message})),
			],
		});
	}
	if (failures === 0) return 0;
	return result.written.length > 0 ? 1 : 2;
}
