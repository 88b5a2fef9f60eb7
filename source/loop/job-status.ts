/**
 * A job's status in words: state, status code, the last run's result and counts, a running cycle's
 * progress, steady state, successive failures and, for a quarantined job, its reason, error, since when,
 * next attempt and Microsoft's documented remediation (research loop-and-expressions.md §3.2–3.3).
 * Pure functions: a screen or a command renders the rows they return.
 */

import type {SynchronizationJob} from '../schema/types.js';

export type ExecutionView = {
	state: string;
	began?: string;
	ended?: string;
	imported: number;
	exported: number;
	escrowed: number;
	error?: {code: string; message: string};
};

export type QuarantineView = {
	reason: string;
	/** The reason in words (Microsoft's meaning). */
	meaning: string;
	remediation: string;
	errorCode?: string;
	errorMessage?: string;
	since?: string;
	nextAttempt?: string;
	seriesCount?: number;
};

export type JobStatusView = {
	id: string;
	templateId: string;
	/** The schedule's state: Active, Paused or Disabled. */
	state: string;
	code: string;
	interval?: string;
	running?: {completed: number; total: number; units: string; percent: number};
	lastRun?: ExecutionView;
	lastSuccessfulRun?: ExecutionView;
	steadyStateSince?: string;
	successiveFailures: number;
	escrowsPruned: boolean;
	quarantine?: QuarantineView;
};

type Open = Record<string, unknown>;

/** Graph's "never": null, empty or year 1. */
export function isUnsetTime(time: unknown): boolean {
	return typeof time !== 'string' || time === '' || time.startsWith('0001-01-01');
}

const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function execution(value: unknown): ExecutionView | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const run = value as Open;
	// A never-run job shows state Failed with the zero date and error None: that is not a failure (research §3.2).
	if (isUnsetTime(run.timeBegan) && isUnsetTime(run.timeEnded)) return undefined;
	const error = run.error as Open | null | undefined;
	const code = text(error?.code);
	return {
		state: text(run.state) ?? 'Unknown',
		began: isUnsetTime(run.timeBegan) ? undefined : (run.timeBegan as string),
		ended: isUnsetTime(run.timeEnded) ? undefined : (run.timeEnded as string),
		imported: number(run.countImported),
		exported: number(run.countExported),
		escrowed: number(run.countEscrowed),
		...(code && code !== 'None' ? {error: {code, message: text(error?.message) ?? ''}} : {}),
	};
}

/** Microsoft's quarantine reasons, what they mean and what to do (application-provisioning-quarantine-status). */
export const quarantineReasons: Record<string, {meaning: string; remediation: string}> = {
	EncounteredQuarantineException: {
		meaning: 'the provisioning service could not connect to the target: the credentials are invalid or the endpoint refused them',
		remediation:
			'Re-authorise the admin credentials (tenant URL, secret token, permissions) and test the connection; for a SCIM endpoint that answers 404, check its SCIM compliance with the vendor. Then restart provisioning.',
	},
	EncounteredEscrowProportionThreshold: {
		meaning: 'more than 40 % of provisioning events failed',
		remediation: 'Fix the errors shown in the provisioning logs (`logs --status failure`), then restart provisioning so the stored failures (escrows) are cleared.',
	},
	EncounteredBaseEscrowThreshold: {
		meaning: 'too many provisioning events failed (an absolute threshold)',
		remediation: 'Fix the errors shown in the provisioning logs (`logs --status failure`), then restart provisioning so the stored failures (escrows) are cleared.',
	},
	EncounteredTotalEscrowThreshold: {
		meaning: 'too many provisioning events failed in total (an absolute threshold)',
		remediation: 'Fix the errors shown in the provisioning logs (`logs --status failure`), then restart provisioning so the stored failures (escrows) are cleared.',
	},
	TooManyDeletes: {
		meaning: 'a cycle would delete or disable more accounts than the accidental-deletions threshold allows',
		remediation:
			'Review the held deletions in the provisioning logs. To allow them, restart with "Force deletes held by the accidental-deletes threshold" (ForceDeletes); to reject them, fix the cause first (re-assign users, restore objects, fix the scope), then restart provisioning.',
	},
	QuarantinedOnDemand: {
		meaning: 'Microsoft quarantined the job by hand',
		remediation: 'Contact Microsoft support.',
	},
	IngestionInterrupted: {meaning: 'ingestion was interrupted (not described further by Microsoft)', remediation: 'Check the provisioning logs, then restart provisioning.'},
	Unknown: {meaning: 'no reason given', remediation: 'Check the error below and the provisioning logs, then restart provisioning.'},
};

export function decodeJobStatus(job: SynchronizationJob): JobStatusView {
	const status = (job.status ?? {}) as Open;
	const schedule = (job.schedule ?? {}) as Open;
	const progress = Array.isArray(status.progress) ? (status.progress as Open[]) : [];
	const current = progress[progress.length - 1];
	const total = number(current?.totalUnits);
	const completed = number(current?.completedUnits);
	const quarantine = status.quarantine as Open | null | undefined;
	let quarantineView: QuarantineView | undefined;
	if (quarantine && typeof quarantine === 'object') {
		const reason = text(quarantine.reason) || 'Unknown';
		const known = quarantineReasons[reason] ?? quarantineReasons.Unknown!;
		const error = quarantine.error as Open | null | undefined;
		quarantineView = {
			reason,
			meaning: known.meaning,
			remediation: known.remediation,
			errorCode: text(error?.code),
			errorMessage: text(error?.message),
			since: isUnsetTime(quarantine.currentBegan) ? undefined : (quarantine.currentBegan as string),
			nextAttempt: isUnsetTime(quarantine.nextAttempt) ? undefined : (quarantine.nextAttempt as string),
			seriesCount: typeof quarantine.seriesCount === 'number' ? quarantine.seriesCount : undefined,
		};
	}
	return {
		id: job.id,
		templateId: job.templateId ?? '',
		state: text(schedule.state) ?? 'Unknown',
		code: text(status.code) ?? 'Unknown',
		interval: text(schedule.interval),
		running: current && total > 0 ? {completed, total, units: text(current.units) ?? 'units', percent: Math.floor((completed / total) * 100)} : undefined,
		lastRun: execution(status.lastExecution),
		lastSuccessfulRun: execution(status.lastSuccessfulExecution),
		steadyStateSince: isUnsetTime(status.steadyStateLastAchievedTime) ? undefined : (status.steadyStateLastAchievedTime as string),
		successiveFailures: number(status.countSuccessiveCompleteFailures),
		escrowsPruned: status.escrowsPruned === true,
		quarantine: quarantineView,
	};
}

/** `2025-06-02 07:58 UTC (3 h ago)`; relative words only when `now` is given. */
export function describeTime(iso: string | undefined, now?: number): string {
	if (!iso) return 'never';
	const time = Date.parse(iso);
	if (Number.isNaN(time)) return iso;
	const shown = `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
	if (now === undefined) return shown;
	const seconds = Math.round((time - now) / 1000);
	const magnitude = Math.abs(seconds);
	const amount = magnitude < 90 ? `${magnitude} s` : magnitude < 5400 ? `${Math.round(magnitude / 60)} min` : magnitude < 172_800 ? `${Math.round(magnitude / 3600)} h` : `${Math.round(magnitude / 86_400)} d`;
	return `${shown} (${seconds >= 0 ? `in ${amount}` : `${amount} ago`})`;
}

/** `Succeeded: 812 imported, 3 exported, 0 escrowed`. */
export function describeExecution(run: ExecutionView | undefined): string {
	if (!run) return 'never run';
	const counts = `${run.imported} imported, ${run.exported} exported, ${run.escrowed} escrowed`;
	return `${run.state}: ${counts}${run.error ? ` — ${run.error.code}${run.error.message ? `: ${run.error.message}` : ''}` : ''}`;
}

/** One short phrase for a table cell: what needs attention first. */
export function jobStatusSummary(view: JobStatusView): string {
	if (view.quarantine) return `Quarantine (${view.quarantine.reason})`;
	if (view.running) return `${view.code}, running ${view.running.percent} %`;
	if (view.code === 'Paused') return 'Paused';
	return view.lastRun ? `${view.code}, last run ${view.lastRun.state}` : view.code;
}

/**
 * An ISO 8601 duration as synchronizationSchedule.interval carries it (`PT40M`, `PT2M`, `P1D`, .NET's
 * `P10675199DT2H48M5.4775807S` for TimeSpan.MaxValue) → ms; undefined when it is not one. Years and months are
 * not used by the schedule and are refused rather than guessed.
 */
export function parseIsoDuration(text: string | undefined): number | undefined {
	const match = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text?.trim() ?? '');
	if (!match || text?.trim() === 'P' || text?.trim().endsWith('T')) return undefined;
	const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number];
	return ((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

/** `PT40M` → `40 min`; undefined for what is not a duration or is .NET's TimeSpan.MaxValue (no schedule). */
export function describeInterval(interval: string | undefined): string | undefined {
	const match = interval ? /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(interval) : null;
	if (!match) return undefined;
	const [days, hours, minutes, seconds] = match.slice(1).map((part) => (part ? Number(part) : 0)) as [number, number, number, number];
	if (days > 36_500) return undefined;
	const parts = [days ? `${days} d` : '', hours ? `${hours} h` : '', minutes ? `${minutes} min` : '', seconds ? `${seconds} s` : ''].filter(Boolean);
	return parts.length > 0 ? parts.join(' ') : undefined;
}

/** `every 40 min (PT40M)`, or that the job does not run on a schedule. */
function scheduleWords(interval: string | undefined): string {
	const every = describeInterval(interval);
	if (every) return `every ${every} (${interval})`;
	return parseIsoDuration(interval) !== undefined ? `none: runs only when started or restarted (${interval})` : interval ? `${interval} (not a duration)` : 'not given';
}

/** [label, value] rows for a job's detail: every status fact, in words. */
export function jobStatusRows(view: JobStatusView, now?: number): [string, string][] {
	const rows: [string, string][] = [
		['Job', `${view.templateId} (${view.id})`],
		['State', view.state],
		['Status', view.code],
	];
	if (view.running) rows.push(['Running', `cycle ${view.running.percent} % done (${view.running.completed} of ${view.running.total} ${view.running.units.toLowerCase()})`]);
	rows.push(['Last run', view.lastRun ? `${describeExecution(view.lastRun)}; ended ${describeTime(view.lastRun.ended ?? view.lastRun.began, now)}` : 'never run']);
	if (view.lastSuccessfulRun && view.lastSuccessfulRun.ended !== view.lastRun?.ended) rows.push(['Last success', describeTime(view.lastSuccessfulRun.ended, now)]);
	rows.push(['Steady state', view.steadyStateSince ? `reached ${describeTime(view.steadyStateSince, now)}` : 'not reached yet']);
	rows.push(['Successive failures', String(view.successiveFailures)]);
	if (view.escrowsPruned) rows.push(['Escrows pruned', 'yes: the job pauses after the initial cycle until the errors are fixed']);
	const quarantine = view.quarantine;
	if (quarantine) {
		rows.push(['Quarantine', `${quarantine.reason}: ${quarantine.meaning}`]);
		if (quarantine.errorCode || quarantine.errorMessage) rows.push(['Error', [quarantine.errorCode, quarantine.errorMessage].filter(Boolean).join(': ')]);
		rows.push(['Since', describeTime(quarantine.since, now)]);
		rows.push(['Next attempt', quarantine.nextAttempt ? describeTime(quarantine.nextAttempt, now) : 'not scheduled']);
		if (quarantine.seriesCount !== undefined) rows.push(['Attempts in quarantine', String(quarantine.seriesCount)]);
		rows.push(['What to do', quarantine.remediation]);
	}
	// Last: a quarantine's remediation matters more on a small screen.
	rows.push(['Schedule', scheduleWords(view.interval)]);
	return rows;
}

/** The rows as aligned `Label: value` lines. */
export function formatRows(rows: readonly [string, string][]): string[] {
	const width = Math.max(...rows.map(([label]) => label.length));
	return rows.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`);
}

/** Whether anything a watcher would see changed (so a refresh can skip redrawing). */
export function sameStatus(a: JobStatusView, b: JobStatusView): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}
