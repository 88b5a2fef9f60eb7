/**
 * Closing the loop from the explorer: a job's status, its actions (start, pause, restart with a documented
 * scope), provision on demand of one subject and the job's provisioning logs, on one Graph client. The decoding
 * and the rules are source/loop's (the same as the `job`, `provision` and `logs` commands); this only runs them.
 */
import type {SignInOptions, SignInPrompt} from '../auth/types.js';
import {UserError} from '../errors.js';
import type {GraphClient} from '../graph/client.js';
import {GraphError} from '../graph/errors.js';
import {type JobAction, type RestartChoice, shellWord} from '../loop/actions.js';
import {buildLogQuery, type LogEventView, logConsentReason, logPermissions} from '../loop/logs.js';
import {
	checkGroupRequest,
	checkSubject,
	decodeProvisionOnDemand,
	groupResultNote,
	onDemandBody,
	onDemandNotes,
	onDemandTarget,
	type OnDemandResult,
	parseGroupSubject,
	type SubjectKind,
	subjectWords,
} from '../loop/on-demand.js';
import {SlidingWindowLimiter} from '../loop/rate-limit.js';
import {readLogEvents} from '../loop/read-logs.js';
import {decodeSchemaBytes, parseSchemaText} from '../schema/load.js';
import type {SynchronizationJob} from '../schema/types.js';

export type ProvisionOutcome = {
	subject: string;
	objectId: string;
	objectTypeName: string;
	ruleId: string;
	subjectKind: SubjectKind;
	result: OnDemandResult;
	/** Where on-demand behaves differently from a cycle (cloud sync ignores scoping filters). */
	notes: string[];
};

export type LogsOutcome = {events: LogEventView[]; notes: string[]; more: boolean};

export interface LoopOperations {
	getJob(servicePrincipalId: string, jobId: string, signal?: AbortSignal): Promise<SynchronizationJob>;
	/** Start, pause, or restart with one of Microsoft's documented scopes. */
	runJobAction(servicePrincipalId: string, jobId: string, action: JobAction, restart?: RestartChoice): Promise<void>;
	/** Provisions one subject on demand; `onWait` is told before waiting for Microsoft's 5-per-10-s limit. */
	provision(
		servicePrincipalId: string,
		job: Pick<SynchronizationJob, 'id' | 'templateId'>,
		subject: string,
		options?: {onWait?: (waitMs: number) => void; signal?: AbortSignal; appName?: string},
	): Promise<ProvisionOutcome>;
	/** The job's newest provisioning events (up to `max`), newest first; licence and permission refusals in plain words. */
	listLogs(
		jobId: string,
		options?: {
			status?: string;
			action?: string;
			user?: string;
			since?: number;
			max?: number;
			signal?: AbortSignal;
			/** Told when the logs' permissions need a sign-in to consent (device code or browser), with the reason in the prompt. */
			onConsentPrompt?: (prompt: SignInPrompt) => void;
		},
	): Promise<LogsOutcome>;
}

/** How the logs are read: a client whose tokens carry the logs' permissions, and how to get them consented. */
export type LogsAccess = {
	graph: GraphClient;
	/** Asks for the logs' permissions, silently when already consented (AuthProvider.consentTo). */
	consent?: (extraScopes: readonly string[], options: SignInOptions & {reason: string}) => Promise<void>;
};

/**
 * What a job provisions on demand by, from its template alone (before its schema is read): cloud sync by AD
 * distinguished name, Workday by worker id, the rest by Entra object id. The schema's rule decides in the end.
 */
export function expectedSubjectKind(templateId: string | undefined): SubjectKind {
	if (templateId === 'AD2AADProvisioning') return 'distinguishedName';
	if (/^workday/i.test(templateId ?? '')) return 'workerId';
	return 'objectId';
}

/** Graph's answer to a change is lost or refused: --read-only never gets this far (the caller refuses first). */
export function createLoopOperations(graph: GraphClient, options: {readOnly?: boolean; logs?: LogsAccess} = {}): LoopOperations {
	// Shared across calls: the limit is per app, so every provisioning from this session counts.
	const limiter = new SlidingWindowLimiter();
	const logsGraph = options.logs?.graph ?? graph;
	let logsConsented = false;
	const refuseReadOnly = (what: string) => {
		if (options.readOnly) throw new UserError(`--read-only: ${what} was not sent.`);
	};
	return {
		getJob: (servicePrincipalId, jobId, signal) => graph.getJob(servicePrincipalId, jobId, signal),
		async runJobAction(servicePrincipalId, jobId, action, restart) {
			refuseReadOnly(`the job ${action}`);
			if (action === 'start') await graph.startJob(servicePrincipalId, jobId);
			else if (action === 'pause') await graph.pauseJob(servicePrincipalId, jobId);
			else {
				if (!restart) throw new UserError('Choose a restart scope first.');
				await graph.restartJob(servicePrincipalId, jobId, restart.resetScope);
			}
		},
		async provision(servicePrincipalId, job, subject, {onWait, signal, appName = servicePrincipalId} = {}) {
			refuseReadOnly('provisioning on demand');
			const schema = parseSchemaText(decodeSchemaBytes(await graph.getSchemaBytes(servicePrincipalId, job.id, signal)).text, 'the live schema');
			const group = parseGroupSubject(subject);
			const target = onDemandTarget(schema, job.templateId, group ? 'Group' : undefined);
			const groupMembers = checkGroupRequest(target, job.templateId, group?.members ?? []);
			const idOf = (each: string) => resolveSubject(target.subjectKind, each);
			const members = groupMembers ? await Promise.all(groupMembers.map(idOf)) : undefined;
			const objectId = await idOf(group?.group ?? subject);
			await limiter.take(onWait);
			const objectTypeName = target.mapping.sourceObjectName ?? '';
			const ruleId = target.rule.id ?? '';
			const answer = await graph.provisionOnDemand(servicePrincipalId, job.id, onDemandBody({ruleId, objectId, objectTypeName, members}), signal);
			const notes = [...onDemandNotes(target, job.templateId), ...(members ? [groupResultNote] : [])];
			return {subject, objectId, objectTypeName, ruleId, subjectKind: target.subjectKind, result: decodeProvisionOnDemand(answer), notes};

			async function resolveSubject(kind: SubjectKind, text: string): Promise<string> {
				const checked = checkSubject(kind, text);
				if (!('lookupUpn' in checked)) return checked.objectId;
				try {
					return (await graph.getUser(checked.lookupUpn, signal)).id;
				} catch (error) {
					if (error instanceof GraphError && error.status === 404) throw new UserError(`No user has the UPN ${checked.lookupUpn}: give ${subjectWords.objectId}.`);
					// The explorer signs in without User.ReadBasic.All (least privilege); the provision command asks for it.
					if (error instanceof GraphError && error.status === 403) {
						throw new UserError(
							`Looking up the UPN ${checked.lookupUpn} needs User.ReadBasic.All, which this sign-in does not have: give the user's Entra object id instead, or run provisioning-explorer provision --sp ${shellWord(appName)} --job ${shellWord(job.templateId ?? job.id)} --subject ${shellWord(checked.lookupUpn)}, which asks for it.`,
							{cause: error},
						);
					}
					throw error;
				}
			}
		},
		async listLogs(jobId, {status, action, user, since, max = 100, signal, onConsentPrompt} = {}) {
			const consent = options.logs?.consent;
			if (consent && !logsConsented) {
				await consent(logPermissions, {reason: logConsentReason, signal: signal ?? new AbortController().signal, onPrompt: (prompt) => onConsentPrompt?.(prompt)});
				logsConsented = true;
			}
			const query = buildLogQuery({jobId, since, status, action, user, pageSize: Math.min(max, 100)});
			const {events, more} = await readLogEvents(logsGraph, query, {max, signal});
			return {events, notes: query.notes, more};
		},
	};
}
