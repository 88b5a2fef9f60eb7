/**
 * `patch`: an RFC 6902 JSON Patch applied to a job's live schema (on the explorer's safe write path) or to a
 * schema file (offline). Hand-written patches may select array elements by name (`[targetAttributeName=mail]`,
 * see source/edit/selectors.ts); selectors become index paths guarded by `test` operations.
 */
import {readFile, stat} from 'node:fs/promises';
import type {Operation} from 'fast-json-patch';
import {applyOperations, parsePatchFile, WorkingCopy} from '../edit/index.js';
import {UsageError, UserError} from '../errors.js';
import {normalizeJsonText} from '../explorer/normalize.js';
import {formatMegabytes, maxSchemaFileBytes} from '../schema/load.js';
import {escapeJsonControls, sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions, writeHelp, writeOptions} from './options.js';
import {loadSchemaInput, readStdin, writeOutput, writeStdout} from './output.js';
import {openSession} from './session.js';
import {readWriteCaseSettings} from './test-expressions.js';
import {fetchLiveJob, readWriteSettings, runWriteFlow, sessionAuthor} from './write-flow.js';

export const patchHelp = `Usage: provisioning-explorer patch --sp APP [--job JOB] --patch FILE [--dry-run] [--yes] [--backup-dir DIR]
       provisioning-explorer patch --file SCHEMA --patch FILE [--out FILE] [--normalize]

Applies a JSON Patch (RFC 6902: an array of add, remove, replace, move, copy and test operations) to a
job's live schema, on the same safe path as import (plan, checks, confirmation, backup, write, read
back), or to a schema file offline. All operations apply or none: a failing "test" leaves everything
as it was and names the operation.

Paths may select an element of a list by its properties instead of its position, so a patch written
by hand keeps working when Graph reorders a list: a segment [key=value] picks the one element whose
key equals value, [key1=value1,key2=value2] needs all pairs to match. In values write %2C for ",",
%3D for "=", %5D for "]", %25 for "%" and %2F for "/". A selector that matches no element, or more
than one, is an error naming it. Each selector becomes the element's index, preceded by "test"
operations on the selected properties. For example:
  [{"op": "replace",
    "path": "/synchronizationRules/0/objectMappings/[sourceObjectName=user,targetObjectName=User]/attributeMappings/[targetAttributeName=Mail]/flowType",
    "value": "Always"}]

  --sp APP       the app: service principal object id, appId or exact display name
  --job JOB      the job id or templateId (needed when the app has several jobs)
  --patch FILE   the JSON Patch ("-" for standard input; any encoding the explorer reads)
  --file SCHEMA  patch a schema file instead of the tenant ("-" for standard input)
  --out FILE     with --file: where to write the patched schema (default: standard output; "-" too);
                 UTF-8 without a byte order mark, written atomically, indented with two spaces
  --normalize    with --file: keys in the stable order of export --normalize

${writeHelp}

Exit codes: 0 applied (or nothing to change, or dry run); 1 the checks found problems (nothing
sent); 2 usage error, a guard or selector that does not match (nothing changed), not confirmed, or
failure.

${sharedHelp}

Examples:
  provisioning-explorer patch --demo --sp contoso.com --job AD2AADProvisioning --patch mail.patch.json --dry-run
  provisioning-explorer patch --file contoso.schema.json --patch mail.patch.json --out contoso.schema.json`;

function describeReadError(error: unknown): string {
	switch ((error as NodeJS.ErrnoException | undefined)?.code) {
		case 'ENOENT':
			return `file not found (looked in ${process.cwd()} for relative paths)`;
		case 'EACCES':
		case 'EPERM':
			return 'permission denied';
		case 'EISDIR':
			return 'it is a folder; give the path of a JSON Patch file';
		case 'ENOTDIR':
			return 'a part of the path is not a folder';
		default:
			return error instanceof Error ? error.message.split('\n')[0]! : String(error);
	}
}

/** The operations of a patch file (or of standard input for `-`), with the file's name for messages. */
export async function loadPatchInput(path: string): Promise<{operations: Operation[]; name: string}> {
	const name = path === '-' ? 'standard input' : path;
	let bytes: Uint8Array;
	if (path === '-') {
		if (process.stdin.isTTY) process.stderr.write('Reading the JSON Patch from standard input (finish with Ctrl+D)…\n');
		bytes = await readStdin('a JSON Patch');
	} else {
		try {
			const info = await stat(path);
			if (info.isDirectory()) throw Object.assign(new Error('is a directory'), {code: 'EISDIR'});
			if (info.size > maxSchemaFileBytes) {
				throw new UserError(`${clean(path)}: the file is ${formatMegabytes(info.size)}, larger than the ${formatMegabytes(maxSchemaFileBytes)} limit for a JSON Patch; check that this is the right file.`);
			}
			bytes = await readFile(path);
		} catch (error) {
			if (error instanceof UserError) throw error;
			throw new UserError(`Cannot read the patch ${clean(path)}: ${describeReadError(error)}.`, {cause: error});
		}
	}
	return {operations: parsePatchFile(bytes, clean(name)), name};
}

export async function runPatch(args: string[]): Promise<number> {
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
				patch: {type: 'string', short: 'p'},
				file: {type: 'string'},
				out: {type: 'string', short: 'o'},
				normalize: {type: 'boolean'},
			},
		},
		'patch ',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${patchHelp}\n`);
		return 0;
	}
	if (values.sp && values.file) throw new UsageError('patch changes either a job (--sp) or a file (--file), not both.');
	if (!values.sp && !values.file) throw new UsageError('patch needs --sp APP (a job in the tenant) or --file SCHEMA. See `provisioning-explorer patch --help`.');
	if (!values.patch) throw new UsageError('patch needs --patch FILE, the JSON Patch to apply ("-" for standard input). See `provisioning-explorer patch --help`.');
	if (values.file === '-' && values.patch === '-') throw new UsageError('Only one of --file and --patch can read standard input.');
	if (values.file) {
		const live = ['job', 'yes', 'dry-run', 'backup-dir', 'json', 'cases'].find((name) => values[name as keyof typeof values] !== undefined);
		if (live) throw new UsageError(`--${live} goes with --sp (patching the tenant); a file is patched without it.`);
		return patchFile(values.file, values.patch, {out: values.out, normalize: Boolean(values.normalize)});
	}
	if (values.out !== undefined) throw new UsageError('--out goes with --file; to save a job\'s patched schema, export it and patch the file.');
	if (values.normalize) throw new UsageError('--normalize goes with --file.');
	const settings = readWriteSettings(values, shared);
	const expressionCases = await readWriteCaseSettings(values.cases, shared.readOnly);
	const patch = await loadPatchInput(values.patch);
	const session = await openSession(shared);
	try {
		const {servicePrincipal, job, live} = await fetchLiveJob(session.graph, values.sp!, values.job);
		// All or nothing: a guard or selector that does not match throws before anything is planned.
		const {working} = new WorkingCopy(live).loadPatch(patch.operations, clean(patch.name));
		return await runWriteFlow(
			{
				graph: session.graph,
				servicePrincipal,
				job,
				live,
				document: working.document,
				what: `patch ${patch.name}`,
				afterName: `patched by ${patch.name}`,
				unchanged: `after ${patch.name}, the schema means the same as before.`,
				changedPointers: [...new Set(working.edits.map((edit) => edit.pointer))],
				author: await sessionAuthor(session),
			},
			{...settings, expressionCases, noPromptReason: values.patch === '-' ? 'the patch came from standard input' : undefined},
		);
	} finally {
		await session.close();
	}
}

async function patchFile(schemaPath: string, patchPath: string, options: {out?: string; normalize: boolean}): Promise<number> {
	const patch = await loadPatchInput(patchPath);
	const input = await loadSchemaInput(schemaPath);
	let patched: ReturnType<typeof applyOperations>;
	try {
		patched = applyOperations(input.schema, patch.operations);
	} catch (error) {
		if (error instanceof UserError) throw new UserError(`${clean(patch.name)}: ${error.message}`, {cause: error});
		throw error;
	}
	const compact = JSON.stringify(patched);
	const text = options.normalize ? normalizeJsonText(compact) : `${escapeJsonControls(JSON.stringify(patched, null, 2))}\n`;
	const written = await writeOutput(options.out, text);
	const changes = patch.operations.filter((operation) => (operation as {op?: unknown}).op !== 'test').length;
	const message = `Applied ${changes} change${changes === 1 ? '' : 's'} from ${clean(patch.name)} to ${clean(input.name)}`;
	process.stderr.write(written === 'stdout' ? `${message}.\n` : `${message}; wrote ${clean(written)}.\n`);
	return 0;
}
