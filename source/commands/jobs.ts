/** `jobs --sp APP`: an app's provisioning jobs, as a table or JSON. */
import {resolveJob, resolveServicePrincipal} from '../explorer/resolve.js';
import {jobsOrNone} from '../explorer/tenant-services.js';
import {UsageError} from '../errors.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import type {ServicePrincipal, SynchronizationJob, SynchronizationTaskExecution} from '../schema/types.js';
import type {GraphClient} from '../graph/client.js';
import {decodeJobStatus, describeInterval, formatRows, jobStatusRows, jobStatusSummary, sameStatus} from '../loop/job-status.js';
import {jsonHelp, jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {colorEnabled, formatTable, statusColor, writeJson, writeStdout} from './output.js';
import {openSession} from './session.js';

export const jobsHelp = `Usage: provisioning-explorer jobs --sp APP [--job JOB [--watch]] [--json]

Lists an app's provisioning jobs: templateId, status, last run (UTC), schedule and job id; a job that
needs attention (quarantine, a running cycle, failures) gets a line saying why.

  --sp APP       the app: service principal object id, appId or exact display name
  --job JOB      one job in detail: state, status, the last run's result and counts (imported,
                 exported, escrowed), a running cycle's progress, steady state, successive failures,
                 and for a quarantined job its reason, error, since when, next attempt and what to do
  --watch        with --job: refresh every 3 s while a cycle runs, printing only what changed
${jsonHelp}

${sharedHelp}

Example:
  provisioning-explorer jobs --demo --sp contoso.com
  provisioning-explorer jobs --demo --sp Salesforce --job SfOutDelta
  provisioning-explorer jobs --demo --sp contoso.com --json | jq -r '.[].templateId'`;

/** Graph's "never" for dates in job status. */
function isUnset(time: string | null | undefined): boolean {
	return !time || time.startsWith('0001-01-01');
}

/** `2025-06-02 07:58 Succeeded`, or `never`. */
export function describeLastRun(execution: SynchronizationTaskExecution | null | undefined): string {
	if (!execution || isUnset(execution.timeBegan)) return 'never';
	const time = String(execution.timeEnded && !isUnset(execution.timeEnded) ? execution.timeEnded : execution.timeBegan);
	const date = new Date(time);
	const shown = Number.isNaN(date.getTime()) ? time : date.toISOString().slice(0, 16).replace('T', ' ');
	return execution.state ? `${shown} ${execution.state}` : shown;
}

// Shared with the job's detail in the explorer (one reading of schedule.interval).
export {describeInterval} from '../loop/job-status.js';

/** `every 40 min`, or the state when the job does not run on a schedule (`Disabled`). */
export function describeSchedule(job: SynchronizationJob): string {
	const state = job.schedule?.state ?? '';
	const every = describeInterval(job.schedule?.interval);
	if (state === 'Active' && every) return `every ${every}`;
	if (!state) return every ? `every ${every}` : '';
	return every ? `${state} (every ${every})` : state;
}

export async function runJobs(args: string[]): Promise<number> {
	const {values} = parseCommandLine(args, {options: {...sharedOptions, ...jsonOption, sp: {type: 'string'}, job: {type: 'string'}, watch: {type: 'boolean'}}}, 'jobs ');
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${jobsHelp}\n`);
		return 0;
	}
	if (!values.sp) throw new UsageError('jobs needs --sp (object id, appId or display name). See `provisioning-explorer jobs --help`.');
	if (values.watch && !values.job) throw new UsageError('--watch goes with --job: name the job to watch.');
	const session = await openSession(shared);
	try {
		const servicePrincipal = await resolveServicePrincipal(session.graph, values.sp);
		if (values.job !== undefined) return await showJob(session.graph, servicePrincipal, values.job, {json: Boolean(values.json), watch: Boolean(values.watch)});
		const jobs = (await jobsOrNone(session.graph, servicePrincipal.id)).sort(
			(a, b) => (a.templateId ?? '').localeCompare(b.templateId ?? '', 'en') || (a.id < b.id ? -1 : 1),
		);
		if (values.json) {
			await writeJson(
				jobs.map((job) => ({
					id: job.id,
					templateId: job.templateId ?? null,
					status: job.status?.code ?? null,
					lastRun: job.status?.lastExecution
						? {state: job.status.lastExecution.state ?? null, timeBegan: job.status.lastExecution.timeBegan ?? null, timeEnded: job.status.lastExecution.timeEnded ?? null}
						: null,
					schedule: job.schedule ? {interval: job.schedule.interval ?? null, state: job.schedule.state ?? null, expiration: job.schedule.expiration ?? null} : null,
					detail: decodeJobStatus(job),
				})),
			);
		} else if (jobs.length > 0) {
			const color = colorEnabled(process.stdout);
			const rows = jobs.map((job) => {
				const status = job.status?.code ?? 'Unknown';
				return [job.templateId ?? '', {text: status, color: statusColor(status)}, describeLastRun(job.status?.lastExecution), describeSchedule(job), job.id];
			});
			await writeStdout(formatTable(['TEMPLATE', 'STATUS', 'LAST RUN (UTC)', 'SCHEDULE', 'ID'], rows, {color}));
			// What needs attention, in words, on stderr: the table stays one row per job for scripts.
			for (const job of jobs) {
				const view = decodeJobStatus(job);
				if (view.quarantine || view.running || view.successiveFailures > 0) {
					process.stderr.write(`${clean(`${job.templateId ?? job.id}: ${jobStatusSummary(view)}${view.quarantine ? ` — ${view.quarantine.meaning}` : ''}. Details: jobs --sp … --job ${job.templateId ?? job.id}`)}\n`);
				}
			}
		}
		if (jobs.length === 0) process.stderr.write(`${clean(servicePrincipal.displayName ?? servicePrincipal.id)} has no provisioning jobs.\n`);
		return 0;
	} finally {
		await session.close();
	}
}

const watchIntervalMs = Number(process.env.PROVISIONING_EXPLORER_WATCH_INTERVAL_MS) || 3000;

/** One job in detail; with `watch`, refreshed while a cycle runs, printing a block only when something changed. */
async function showJob(graph: GraphClient, servicePrincipal: ServicePrincipal, reference: string, options: {json: boolean; watch: boolean}): Promise<number> {
	const listed = await resolveJob(graph, servicePrincipal, reference);
	let view = decodeJobStatus(await graph.getJob(servicePrincipal.id, listed.id));
	const print = async () => {
		if (options.json) await writeJson(view);
		else await writeStdout(`${formatRows(jobStatusRows(view, Date.now())).map(clean).join('\n')}\n`);
	};
	await print();
	while (options.watch && view.running) {
		await new Promise((resolve) => setTimeout(resolve, watchIntervalMs));
		const next = decodeJobStatus(await graph.getJob(servicePrincipal.id, listed.id));
		if (sameStatus(next, view)) continue;
		view = next;
		if (!options.json) await writeStdout('\n');
		await print();
	}
	return 0;
}
