/**
 * Provisioning logs of one job (GET /auditLogs/provisioning): the query Graph can filter on, what has to be
 * filtered here instead (and the limit that implies), and each event read as an admin reads it
 * (research loop-and-expressions.md §1).
 */

import {UserError} from '../errors.js';

export const logStatuses = ['success', 'failure', 'skipped', 'warning'] as const;
/** Delegated permissions GET /auditLogs/provisioning needs, both of them (research §1.1). */
export const logPermissions = ['AuditLog.Read.All', 'Directory.Read.All'] as const;
/** Why the explorer asks for them only when logs are first opened (docs/graph-notes.md, "Provisioning logs in the explorer"). */
export const logConsentReason =
	'Provisioning logs need AuditLog.Read.All and Directory.Read.All, which the explorer does not ask for at sign-in (least privilege). Sign in once more to consent to them; if your account may not consent, an admin grants them for the tenant.';
export const logActions = ['create', 'update', 'delete', 'disable', 'stagedDelete', 'other'] as const;

export type LogQueryOptions = {
	jobId: string;
	/** Events newer than this (ms since the epoch). */
	since?: number;
	status?: string;
	action?: string;
	/** An object id (filtered by Graph), or a UPN / name (filtered here: Graph cannot filter by UPN). */
	user?: string;
	/** Page size asked of Graph. */
	pageSize?: number;
	/** How the caller spells a filter in its refusals: `--status` for the command (the default), `status:` in the explorer. */
	spell?: (name: 'status' | 'action') => string;
};

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An object id, which Graph can filter on (a UPN or name it cannot). */
export function isObjectId(text: string): boolean {
	return guidPattern.test(text.trim());
}

/** `24h`, `90m`, `7d`, `2026-12-01` or a full ISO time → ms since the epoch. */
export function parseSince(text: string, now = Date.now(), spelled = '--since'): number {
	const relative = /^(\d+)\s*(m|min|h|d)$/i.exec(text.trim());
	if (relative) {
		const unit = (relative[2] as string).toLowerCase();
		const minutes = unit === 'd' ? 1440 : unit === 'h' ? 60 : 1;
		return now - Number(relative[1]) * minutes * 60_000;
	}
	const absolute = Date.parse(text);
	if (!Number.isNaN(absolute) && /^\d{4}-\d{2}-\d{2}/.test(text.trim())) return absolute;
	throw new UserError(`${spelled} "${text}" is not a time: use 90m, 24h, 7d or a date such as 2026-12-01. Logs are kept 30 days (7 without Entra ID P1/P2).`);
}

function quote(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

export type LogQuery = {
	/** The query string for GET /auditLogs/provisioning. */
	parameters: URLSearchParams;
	/** Filters applied here, on what Graph returned. */
	localUser?: string;
	/** What the user should know about how the filters were applied. */
	notes: string[];
};

/** Builds the Graph query: jobId, time, status, action and object id go to Graph; a UPN or name is matched here. */
export function buildLogQuery(options: LogQueryOptions): LogQuery {
	const clauses = [`jobId eq ${quote(options.jobId)}`];
	const notes: string[] = [];
	const spell = options.spell ?? ((name) => `--${name}`);
	if (options.since !== undefined) clauses.push(`activityDateTime gt ${new Date(options.since).toISOString()}`);
	if (options.status !== undefined) {
		const status = options.status.toLowerCase();
		if (!(logStatuses as readonly string[]).includes(status)) throw new UserError(`${spell('status')} must be one of ${logStatuses.join(', ')}, not "${options.status}".`);
		// Graph's filters are case-sensitive and the values are lower case (research §1.3).
		clauses.push(`provisioningStatusInfo/status eq ${quote(status)}`);
	}
	if (options.action !== undefined) {
		const action = logActions.find((each) => each.toLowerCase() === options.action?.toLowerCase());
		if (!action) throw new UserError(`${spell('action')} must be one of ${logActions.join(', ')}, not "${options.action}".`);
		clauses.push(`provisioningAction eq ${quote(action)}`);
	}
	let localUser: string | undefined;
	if (options.user !== undefined) {
		const user = options.user.trim();
		if (guidPattern.test(user)) {
			clauses.push(`(sourceIdentity/id eq ${quote(user.toLowerCase())} or targetIdentity/id eq ${quote(user.toLowerCase())})`);
		} else {
			localUser = user;
			notes.push(`Graph cannot filter provisioning logs by UPN or name, so "${user}" is matched here, among the events read (newest first, up to --max).`);
		}
	}
	const parameters = new URLSearchParams();
	parameters.set('$filter', clauses.join(' and '));
	parameters.set('$orderby', 'activityDateTime desc');
	parameters.set('$top', String(options.pageSize ?? 100));
	return {parameters, localUser, notes};
}

export type LogStep = {name: string; type: string; status: string; description: string; details: [string, string][]};

export type LogEventView = {
	id: string;
	time: string;
	action: string;
	status: string;
	jobId: string;
	cycleId: string;
	changeId: string;
	source: {id: string; name: string; type: string; upn?: string};
	target: {id: string; name: string; type: string};
	sourceSystem: string;
	targetSystem: string;
	initiatedBy: string;
	errorCode?: string;
	reason?: string;
	recommendedAction?: string;
	steps: LogStep[];
	modified: {name: string; oldValue: string | null; newValue: string | null}[];
};

type Open = Record<string, unknown>;
const text = (value: unknown) => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));
const lower = (value: unknown) => text(value).toLowerCase();

function pairs(value: unknown): [string, string][] {
	if (!value || typeof value !== 'object') return [];
	return Object.entries(value as Open).map(([key, each]) => [key, typeof each === 'string' ? each : JSON.stringify(each)]);
}

/** One provisioningObjectSummary, v1.0 or beta (deprecated `action`/`statusInfo` as fallbacks); enums compared ignoring case. */
export function decodeLogEvent(raw: Open): LogEventView {
	const statusInfo = (raw.provisioningStatusInfo ?? {}) as Open;
	const legacy = (raw.statusInfo ?? {}) as Open;
	const error = (statusInfo.errorInformation ?? null) as Open | null;
	const source = (raw.sourceIdentity ?? {}) as Open;
	const target = (raw.targetIdentity ?? {}) as Open;
	const initiator = (raw.initiatedBy ?? {}) as Open;
	const sourceDetails = (source.details ?? {}) as Open;
	const errorCode = text(error?.errorCode ?? legacy.errorCode);
	const reason = text(error?.reason ?? legacy.reason);
	const recommended = text(error?.recommendedAction ?? legacy.recommendedAction);
	return {
		id: text(raw.id),
		time: text(raw.activityDateTime),
		action: lower(raw.provisioningAction ?? raw.action),
		status: lower(statusInfo.status ?? legacy.status),
		jobId: text(raw.jobId),
		cycleId: text(raw.cycleId),
		changeId: text(raw.changeId),
		source: {id: text(source.id), name: text(source.displayName), type: text(source.identityType), ...(sourceDetails.UserPrincipalName ? {upn: text(sourceDetails.UserPrincipalName)} : {})},
		target: {id: text(target.id), name: text(target.displayName), type: text(target.identityType)},
		sourceSystem: text(((raw.sourceSystem ?? {}) as Open).displayName),
		targetSystem: text(((raw.targetSystem ?? {}) as Open).displayName),
		initiatedBy: text(initiator.displayName) || text(initiator.initiatorType ?? initiator.initiatingType),
		...(errorCode ? {errorCode} : {}),
		...(reason ? {reason} : {}),
		...(recommended ? {recommendedAction: recommended} : {}),
		steps: (Array.isArray(raw.provisioningSteps) ? (raw.provisioningSteps as Open[]) : []).map((step) => ({
			name: text(step.name),
			type: lower(step.provisioningStepType),
			status: lower(step.status),
			description: text(step.description),
			details: pairs(step.details),
		})),
		modified: (Array.isArray(raw.modifiedProperties) ? (raw.modifiedProperties as Open[]) : []).map((change) => ({
			name: text(change.displayName),
			oldValue: change.oldValue === null || change.oldValue === undefined ? null : text(change.oldValue),
			newValue: change.newValue === null || change.newValue === undefined ? null : text(change.newValue),
		})),
	};
}

/** The local part of `--user`: a UPN, display name or id, ignoring case. */
export function matchesUser(event: LogEventView, user: string): boolean {
	const wanted = user.toLowerCase();
	return [event.source.upn, event.source.name, event.source.id, event.target.name, event.target.id].some((value) => value !== undefined && value.toLowerCase() === wanted);
}

/** What Microsoft documents about frequent error codes (howto-analyze-provisioning-logs). */
export const errorCodeMeanings: Record<string, string> = {
	Conflict: 'A conflicting object exists in the target: fix the values or the matching configuration.',
	EntryConflict: 'A conflicting object exists in the target: fix the values or the matching configuration.',
	TooManyRequests: 'The target throttled the service; it retries by itself.',
	InternalServerError: 'A transient error; retried after 40 minutes.',
	Timeout: 'A transient error; retried after 40 minutes.',
	InsufficientRights: 'The target refused the credentials or their rights.',
	Unauthorized: 'The target refused the credentials or their rights.',
	InvalidAnchor: 'The matched object no longer exists in the target: restart provisioning so objects are matched again.',
	MandatoryFieldsMissing: 'Required values are missing in the source.',
	SchemaAttributeNotFound: 'A mapped target attribute does not exist in the target.',
	DuplicateTargetEntries: 'The matching attribute is not unique in the target.',
	DuplicateSourceEntries: 'The matching attribute is not unique in the source.',
	ImportSkipped: 'Usually the source object lacks the matching attribute.',
	RedundantExport: 'Nothing to change: source and target already match.',
	NotEffectivelyEntitled: 'The object is out of scope (not assigned, or filtered out by a scoping filter).',
};

/** [time, status, action, source, target, error] for a list. */
export function logEventRow(event: LogEventView): string[] {
	return [
		event.time ? `${event.time.slice(0, 19).replace('T', ' ')}` : '',
		event.status,
		event.action,
		event.source.upn ?? (event.source.name || event.source.id),
		event.target.name || event.target.id,
		event.errorCode ?? '',
	];
}

/** An event's detail: steps, modified properties old → new, the error code, reason and recommended action. */
export function logEventLines(event: LogEventView): string[] {
	const lines = [
		`${event.time} ${event.status.toUpperCase()} ${event.action} ${event.source.upn ?? event.source.name} (${event.sourceSystem} → ${event.targetSystem})`,
		`  initiated by ${event.initiatedBy || 'unknown'}; cycle ${event.cycleId}; change ${event.changeId}`,
	];
	if (event.errorCode || event.reason) {
		lines.push(`  Error: ${event.errorCode ?? ''}${event.reason ? ` — ${event.reason}` : ''}`);
		const meaning = event.errorCode ? errorCodeMeanings[event.errorCode] : undefined;
		if (meaning) lines.push(`  Meaning: ${meaning}`);
		if (event.recommendedAction) lines.push(`  Recommended action: ${event.recommendedAction}`);
	}
	for (const [index, step] of event.steps.entries()) lines.push(`  ${index + 1}. ${step.type || step.name} ${step.status}: ${step.description}`);
	if (event.modified.length > 0) {
		lines.push('  Modified properties (old → new):');
		for (const change of event.modified) lines.push(`    ${change.name}: ${change.oldValue ?? '(none)'} → ${change.newValue ?? '(none)'}`);
	}
	return lines;
}

/** The permissions, roles and licence that reading provisioning logs needs (research §1.1). */
export const logAccessRequirements =
	'Reading provisioning logs needs the AuditLog.Read.All and Directory.Read.All permissions (both, admin-consented), a role such as Reports Reader, Security Reader, Global Reader, Application Administrator or Cloud Application Administrator, and a tenant with Microsoft Entra ID P1 or P2.';

/** Plain words for a refused log read: licence or permissions. */
export function explainLogAccessError(status: number, code: string | undefined): string | undefined {
	if (code === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant') {
		return 'This tenant has no Microsoft Entra ID P1 or P2 licence, which provisioning logs need; the portal shows the same logs under the app\'s Provisioning > Provisioning logs (7 days on Free).';
	}
	if (status === 403) return `Not allowed to read provisioning logs. ${logAccessRequirements} Ask an admin to grant them, then sign in again.`;
	return undefined;
}

/** What the explorer's `F` asks Graph for: the same filters as the `logs` command, as the user typed them. */
export type LogFilter = {status?: string; action?: string; user?: string; since?: string};

const filterKeys = ['status', 'action', 'user', 'since'] as const;

/**
 * `status:failure action:update user:adele@contoso.com since:24h` (or `=`; any order; empty clears) → a filter,
 * checked as the `logs` command checks its options, so a typo is refused before anything is sent.
 */
export function parseLogFilter(text: string, now = Date.now()): LogFilter {
	const filter: LogFilter = {};
	for (const word of text.trim().split(/\s+/).filter(Boolean)) {
		const match = /^([a-z]+)[:=](.+)$/i.exec(word);
		const key = filterKeys.find((each) => each === match?.[1]?.toLowerCase());
		if (!match || !key) throw new UserError(`"${word}" is not a filter: use status:, action:, user: or since: (e.g. status:failure since:24h).`);
		filter[key] = match[2] as string;
	}
	// The same checks as the command's options: a wrong status or time is said now, not by Graph.
	buildLogQuery({
		jobId: 'check',
		status: filter.status,
		action: filter.action,
		user: filter.user,
		since: filter.since === undefined ? undefined : parseSince(filter.since, now, 'since:'),
		spell: (name) => `${name}:`,
	});
	return filter;
}

/** The filter as it was typed back (`status:failure since:24h`), for the prompt and the title. */
export function logFilterText(filter: LogFilter | undefined): string {
	return filterKeys.flatMap((key) => (filter?.[key] === undefined ? [] : [`${key}:${filter[key]}`])).join(' ');
}
