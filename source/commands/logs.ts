/** `logs --sp APP --job JOB`: the job's recent provisioning events, newest first. */
import {resolveJob, resolveServicePrincipal} from '../explorer/resolve.js';
import {UsageError} from '../errors.js';
import {buildLogQuery, logActions, logEventLines, logEventRow, logPermissions, logStatuses, parseSince} from '../loop/logs.js';
import {SlidingWindowLimiter} from '../loop/rate-limit.js';
import {readLogEvents} from '../loop/read-logs.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {jsonHelp, jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {colorEnabled, formatTable, writeJson, writeStdout} from './output.js';
import {openSession} from './session.js';

const defaultMax = 200;

export const logsHelp = `Usage: provisioning-explorer logs --sp APP [--job JOB] [--since 24h] [--status S] [--action A] [--user X] [--json]

Lists the job's provisioning events (Graph: GET /auditLogs/provisioning), newest first: time, status,
action, source and target object, error code. --details adds each event's steps, the properties
changed (old → new), the error's reason and Microsoft's recommended action.

  --sp APP        the app: service principal object id, appId or exact display name
  --job JOB       the job id or templateId (needed when the app has several jobs)
  --since T       events newer than T: 90m, 24h (default), 7d or a date (logs are kept 30 days)
  --status S      ${logStatuses.join(', ')} (filtered by Graph)
  --action A      ${logActions.join(', ')} (filtered by Graph)
  --user X        an object id (filtered by Graph), or a UPN or display name: Graph cannot filter on
                  those, so they are matched here among the events read
  --max N         read at most N events (default ${defaultMax}), newest first
  --details       print every event in full
${jsonHelp}

Reading logs needs AuditLog.Read.All and Directory.Read.All (asked for by this command), a role such
as Reports Reader or Application Administrator, and Microsoft Entra ID P1 or P2. Graph allows 5
requests per 10 s for logs; pages are fetched within that. Exit codes: 0 listed (even none), 2 error.

${sharedHelp}

Examples:
  provisioning-explorer logs --demo --sp contoso.com --job AD2AADProvisioning --since 1h --status skipped
  provisioning-explorer logs --demo --sp Salesforce --status failure --details`;

export async function runLogs(args: string[]): Promise<number> {
	const {values} = parseCommandLine(
		args,
		{
			options: {
				...sharedOptions,
				...jsonOption,
				sp: {type: 'string'},
				job: {type: 'string'},
				since: {type: 'string'},
				status: {type: 'string'},
				action: {type: 'string'},
				user: {type: 'string'},
				max: {type: 'string'},
				details: {type: 'boolean'},
			},
		},
		'logs ',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${logsHelp}\n`);
		return 0;
	}
	if (!values.sp) throw new UsageError('logs needs --sp (object id, appId or display name). See `provisioning-explorer logs --help`.');
	const max = values.max === undefined ? defaultMax : Number(values.max);
	if (!Number.isInteger(max) || max < 1 || max > 10_000) throw new UsageError(`--max must be a whole number from 1 to 10000, not "${values.max}".`);
	const since = parseSince(values.since ?? '24h');
	const session = await openSession(shared, {extraScopes: logPermissions});
	try {
		const graph = session.graph;
		const servicePrincipal = await resolveServicePrincipal(graph, values.sp);
		const job = await resolveJob(graph, servicePrincipal, values.job);
		const query = buildLogQuery({jobId: job.id, since, status: values.status, action: values.action, user: values.user, pageSize: Math.min(max, 100)});
		for (const note of query.notes) process.stderr.write(`${note}\n`);
		const limiter = new SlidingWindowLimiter();
		const {events, more} = await readLogEvents(graph, query, {max, beforePage: () => limiter.take()});
		if (more) process.stderr.write(`Showing the ${max} newest events read; more exist (raise --max or narrow with --since, --status, --action).\n`);
		if (values.json) {
			await writeJson(events);
		} else if (events.length === 0) {
			process.stderr.write(`No provisioning events of ${clean(servicePrincipal.displayName ?? servicePrincipal.id)} / ${clean(job.templateId ?? job.id)} since ${new Date(since).toISOString().slice(0, 16).replace('T', ' ')} UTC match.\n`);
		} else if (values.details) {
			await writeStdout(`${events.map((event) => logEventLines(event).map(clean).join('\n')).join('\n\n')}\n`);
		} else {
			const color = colorEnabled(process.stdout);
			const rows = events.map((event) => {
				const [time, status, ...rest] = logEventRow(event) as [string, string, ...string[]];
				return [time, {text: status, color: status === 'failure' ? ('red' as const) : status === 'skipped' ? ('dim' as const) : undefined}, ...rest];
			});
			await writeStdout(formatTable(['TIME (UTC)', 'STATUS', 'ACTION', 'SOURCE', 'TARGET', 'ERROR'], rows, {color}));
		}
		return 0;
	} finally {
		await session.close();
	}
}
