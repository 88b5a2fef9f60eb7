/** `export`: Step 4 of Microsoft's procedure (download the schema) as one command. */
import {writeFileAtomic} from '../fs/atomic-write.js';
import {UsageError} from '../errors.js';
import {resolveJob, resolveServicePrincipal} from '../explorer/resolve.js';
import {parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {openSession} from './session.js';

export const exportHelp = `Usage: provisioning-explorer export --sp APP [--job JOB] [--out FILE]

Saves a provisioning job's synchronization schema exactly as Graph returns it.

  --sp APP       the app: service principal object id, appId or exact display name
  --job JOB      the job id or templateId (needed when the app has several jobs)
  --out FILE     where to write (default: standard output; "-" too); written atomically

${sharedHelp}

Example:
  provisioning-explorer export --demo --sp contoso.com --job AD2AADProvisioning --out contoso.schema.json`;

export async function runExport(args: string[]): Promise<number> {
	const {values} = parseCommandLine(
		args,
		{options: {...sharedOptions, sp: {type: 'string'}, job: {type: 'string'}, out: {type: 'string', short: 'o'}}},
		'export ',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		process.stdout.write(`${exportHelp}\n`);
		return 0;
	}
	if (!values.sp) throw new UsageError('export needs --sp (object id, appId or display name). See `provisioning-explorer export --help`.');
	const session = await openSession(shared);
	try {
		const servicePrincipal = await resolveServicePrincipal(session.graph, values.sp);
		const job = await resolveJob(session.graph, servicePrincipal, values.job);
		const bytes = await session.graph.getSchemaBytes(servicePrincipal.id, job.id);
		if (!values.out || values.out === '-') {
			await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (error) => (error ? reject(error) : resolve())));
		} else {
			await writeFileAtomic(values.out, bytes);
			process.stderr.write(`Saved the ${job.templateId ?? job.id} schema of ${servicePrincipal.displayName ?? servicePrincipal.id} to ${values.out} (${bytes.length} bytes).\n`);
		}
		return 0;
	} finally {
		await session.close();
	}
}
