/**
 * A job's life in the demo tenant: start, pause and restart change its state; a running cycle progresses
 * with real time and ends with counts; quarantine has a reason and clears as Microsoft documents; restart
 * scopes do what they are documented to do. Provisioning (a cycle, or one object on demand) evaluates the
 * job's current schema — mappings, expressions, scoping filters, matching — against a small source
 * directory, writes to a target store, and records provisioning log events (research loop-and-expressions.md §1–3).
 */

import {randomUUID} from 'node:crypto';
import {evaluateExpression, type ExpressionValue} from '../expressions/evaluate.js';
import {parseExpressionText} from '../expressions/parser.js';
import type {AttributeMapping, Filter, FilterClause, ObjectMapping, SynchronizationRule, SynchronizationSchema} from '../schema/types.js';
import {findEntraGroup, findSourceObject, type SourceKind, type SourceObject, sourceKindOf, sourceObjectsOf, sourceSystemNames} from './source-directories.js';
import {parseIsoDuration} from '../loop/job-status.js';
import type {DemoJob} from './tenant.js';

/** Every restart scope of synchronizationJobRestartScope (research graph-sync-api.md §1.11). */
export const resetScopeValues = ['None', 'ConnectorDataStore', 'Escrows', 'Watermark', 'QuarantineState', 'Full', 'ForceDeletes'] as const;
export const doNotUseResetScopes = ['None', 'ConnectorDataStore'] as const;

export type ProvisioningOptions = {
	/** How long a full cycle takes, in ms (default 6000). */
	cycleDurationMs?: number;
	/**
	 * Microsoft marks `None` and `ConnectorDataStore` "DO NOT USE" without saying what the service does with them:
	 * 'reject' (default) answers 400, 'ignore' drops them from the scope (both plausible; the client never sends them).
	 */
	doNotUseScopes?: 'reject' | 'ignore';
	/** provisionOnDemand requests allowed per window (documented: 5 per 10 s). */
	onDemandLimit?: {requests: number; windowMs: number};
	/**
	 * How much faster than real time a started job's schedule runs: its `schedule.interval` is divided by this
	 * (default 1, real time; the built-in demo uses 60, so PT40M passes in 40 s).
	 */
	scheduleScale?: number;
};

export type StepStatus = 'Success' | 'Skipped' | 'Failure';
type Step = {name: string; type: 'Import' | 'Scoping' | 'Matching' | 'Export'; status: StepStatus; description: string; details: Record<string, string>};
type ModifiedProperty = {displayName: string; oldValue: string | null; newValue: string | null};

export type ProvisioningOutcome = {
	result: StepStatus;
	errorCode?: string;
	errorMessage?: string;
	action: 'Create' | 'Update' | 'Delete' | 'Other';
	steps: (Step & {timestamp: string})[];
	modified: ModifiedProperty[];
	source: SourceObject;
	targetId: string | null;
	startTime: string;
	endTime: string;
	changeId: string;
};

type TargetEntry = {id: string; values: Record<string, string>; sourceObjectId: string | null};

type Cycle = {id: string; startedAt: number; elapsedBeforePause: number; runningSince: number | null; total: number; resetScope: Set<string>};

type Runtime = {
	targets: TargetEntry[];
	cycle: Cycle | null;
	/** Deletes held back by the accidental-deletes threshold until a ForceDeletes restart. */
	heldDeletes: string[];
	/** Salesforce's stored credentials are bad until its secrets are saved again. */
	credentialsValid: boolean;
	onDemandTimes: number[];
	/** When the schedule runs the next cycle (after a cycle of a started job ended); null: not scheduled. */
	nextRunAt: number | null;
};

export type ProvisioningLogEvent = Record<string, unknown> & {activityDateTime: string; jobId: string};

const iso = (ms: number) => new Date(ms).toISOString();
const zeroDate = '0001-01-01T00:00:00Z';

/** The one rule and object mapping that provisions `objectTypeName` (ruleId may carry Graph's `#V2` suffix). */
export function findObjectMapping(schema: SynchronizationSchema, ruleId: string, objectTypeName: string): {rule?: SynchronizationRule; mapping?: ObjectMapping} {
	const bareId = ruleId.split('#')[0]?.toLowerCase();
	const rule = (schema.synchronizationRules ?? []).find((each) => each.id?.toLowerCase() === bareId);
	if (!rule) return {};
	const mapping = (rule.objectMappings ?? []).find((each) => each.enabled !== false && (each.sourceObjectName ?? '').toLowerCase() === objectTypeName.toLowerCase());
	return {rule, mapping};
}

function inputOf(source: SourceObject): Map<string, ExpressionValue> {
	const input = new Map<string, ExpressionValue>();
	for (const [key, value] of Object.entries(source.attributes)) input.set(key, value === '' ? null : value);
	return input;
}

/** The value a mapping gives the target attribute: undefined when the simulator cannot evaluate it. */
export function mappingValue(mapping: AttributeMapping, input: Map<string, ExpressionValue>, domain: string): {value: string | null} | {error: string} | undefined {
	const source = mapping.source;
	const fallback = mapping.defaultValue ?? null;
	if (!source) return {value: fallback};
	const text = typeof source.expression === 'string' && source.expression !== '' ? source.expression : source.type === 'Attribute' && source.name ? `[${source.name}]` : undefined;
	if (source.type === 'Constant' && typeof source.name === 'string' && text === undefined) return {value: source.name};
	if (text === undefined) return undefined;
	const parsed = parseExpressionText(text);
	if (!parsed.ok) return undefined;
	if (parsed.node.kind === 'call' && parsed.node.name === 'Error') {
		const message = parsed.node.arguments[0];
		return {error: message?.kind === 'string' ? message.value : 'Error()'};
	}
	const outcome = evaluateExpression(parsed.node, input, domain);
	// What the demo cannot evaluate is left out; anything else (Error("…"), a bad regex in data) fails the export.
	if (!outcome.ok) return /^The demo tenant cannot evaluate/.test(outcome.message) ? undefined : {error: outcome.message};
	const value = outcome.values.length === 0 ? null : outcome.values.join(',');
	return {value: value === null || value === '' ? fallback : value};
}

function clauseMatches(clause: FilterClause, input: Map<string, ExpressionValue>): boolean {
	const raw = input.get(clause.sourceOperandName);
	const value = Array.isArray(raw) ? (raw[0] ?? null) : (raw ?? null);
	const operands = clause.targetOperand?.values ?? [];
	const lower = value?.toLowerCase() ?? null;
	const regex = (pattern: string) => {
		try {
			return new RegExp(pattern, 'i').test(value ?? '');
		} catch {
			return false;
		}
	};
	switch (clause.operatorName.toUpperCase()) {
		case 'IS TRUE':
			return lower === 'true';
		case 'IS FALSE':
			return lower !== 'true';
		case 'IS NULL':
			return value === null;
		case 'IS NOT NULL':
			return value !== null;
		case 'EQUALS':
			return operands.some((operand) => operand.toLowerCase() === lower);
		case 'NOT EQUALS':
			return !operands.some((operand) => operand.toLowerCase() === lower);
		case 'REGEX MATCH':
			return operands.some(regex);
		case 'NOT REGEX MATCH':
			return !operands.some(regex);
		case 'ENDS_WITH':
			return lower !== null && operands.some((operand) => lower.endsWith(operand.toLowerCase()));
		case 'INCLUDES':
			return lower !== null && operands.some((operand) => lower.includes(operand.toLowerCase()));
		case 'GREATER_THAN':
			return value !== null && operands.some((operand) => Number(value) > Number(operand));
		case 'GREATER_THAN_OR_EQUALS':
			return value !== null && operands.some((operand) => Number(value) >= Number(operand));
		case '&':
			return value !== null && operands.some((operand) => (Number(value) & Number(operand)) !== 0);
		case '!&':
			return value === null || operands.every((operand) => (Number(value) & Number(operand)) === 0);
		default:
			// An operator the simulator does not know lets the object through rather than hide it.
			return true;
	}
}

/** Whether the object is in scope, and the evaluation per clause (`ScopeEvaluationResult`). OR of groups, AND of clauses. */
export function evaluateScope(scope: Filter | null | undefined, input: Map<string, ExpressionValue>): {inScope: boolean; results: Record<string, boolean>} {
	const groups = [...(scope?.inputFilterGroups ?? []), ...(scope?.groups ?? []), ...(scope?.categoryFilterGroups ?? [])].filter((group) => (group.clauses ?? []).length > 0);
	const results: Record<string, boolean> = {};
	if (groups.length === 0) return {inScope: true, results};
	let inScope = false;
	for (const group of groups) {
		let passed = true;
		for (const clause of group.clauses ?? []) {
			const matched = clauseMatches(clause, input);
			results[`${group.name ?? 'scope'}.${clause.sourceOperandName} ${clause.operatorName} ${(clause.targetOperand?.values ?? []).map((each) => `'${each}'`).join(', ')}`.trim()] = matched;
			passed &&= matched;
		}
		inScope ||= passed;
	}
	return {inScope, results};
}

export class ProvisioningService {
	private readonly runtimes = new Map<DemoJob, Runtime>();
	readonly cycleDurationMs: number;
	readonly doNotUseScopes: 'reject' | 'ignore';
	readonly onDemandLimit: {requests: number; windowMs: number};
	readonly scheduleScale: number;

	constructor(
		private readonly tenant: {tenantId: string; domain: string; admin: {id: string; userPrincipalName: string; displayName: string}; jobs: DemoJob[]; servicePrincipalName(id: string): string},
		options: ProvisioningOptions = {},
	) {
		this.cycleDurationMs = options.cycleDurationMs ?? 6000;
		this.doNotUseScopes = options.doNotUseScopes ?? 'reject';
		this.onDemandLimit = options.onDemandLimit ?? {requests: 5, windowMs: 10_000};
		this.scheduleScale = options.scheduleScale ?? 1;
		this.createdAt = Date.now();
		// Decided now, before anything can lift the quarantine: its cause is the stored credentials.
		for (const job of tenant.jobs) if (job.job.status?.quarantine?.reason === 'EncounteredQuarantineException') this.badCredentials.add(job);
	}

	private readonly badCredentials = new Set<DemoJob>();

	private readonly createdAt: number;
	private readonly events: ProvisioningLogEvent[] = [];
	private historySeeded = false;

	/** Every provisioning event, oldest first; the first read adds the last cycle before the demo started. */
	get logs(): ProvisioningLogEvent[] {
		// Cycles the schedule ran since the last look have written their events by now.
		for (const job of this.runtimes.keys()) this.refresh(job);
		if (!this.historySeeded) {
			this.historySeeded = true;
			// The last cycle before the demo starts, so the logs have history (it changes nothing). Lazy: a tenant of
			// hundreds of apps (benchmarks) pays nothing for it unless logs are read.
			const lastCycle = this.createdAt - 45 * 60_000;
			const history: ProvisioningLogEvent[] = [];
			const live = this.events.splice(0);
			for (const job of this.tenant.jobs) {
				const kind = sourceKindOf(job.job.templateId);
				const schema = kind ? this.schemaOf(job) : undefined;
				if (!kind || !schema) continue;
				const cycleId = randomUUID();
				for (const [index, source] of sourceObjectsOf(kind).entries()) {
					this.provision(job, this.runtimeOf(job), schema, kind, source, {onDemand: false, cycleId, now: lastCycle + index * 1000, dryRun: true});
				}
				history.push(...this.events.splice(0));
			}
			this.events.push(...history, ...live);
		}
		return this.events;
	}

	private runtimeOf(job: DemoJob): Runtime {
		let runtime = this.runtimes.get(job);
		if (!runtime) {
			runtime = {targets: [], cycle: null, heldDeletes: [], credentialsValid: !this.badCredentials.has(job), onDemandTimes: [], nextRunAt: null};
			this.runtimes.set(job, runtime);
			this.seedTargets(job, runtime);
		}
		return runtime;
	}

	/** What earlier cycles provisioned: every object marked provisioned, as the initial schema maps it. */
	private seedTargets(job: DemoJob, runtime: Runtime): void {
		const kind = sourceKindOf(job.job.templateId);
		// The schema the job started with, not the current one: a change written before the first provisioning
		// must show as a change (runtimes are made lazily, possibly after a PUT).
		const schema = this.schemaOf({...job, schema: {...job.schema, text: job.schema.templateDefaultText}});
		if (!kind || !schema) return;
		for (const source of sourceObjectsOf(kind)) {
			if (!source.provisioned) continue;
			const mapping = this.mappingFor(schema, source, kind);
			if (!mapping) continue;
			const values = this.targetValues(mapping, source, true);
			runtime.targets.push({id: stableGuid(`${job.job.id}/${source.objectId}`), values, sourceObjectId: source.objectId});
		}
	}

	private schemaOf(job: DemoJob): SynchronizationSchema | undefined {
		try {
			const parsed = JSON.parse(job.schema.text) as SynchronizationSchema;
			return parsed && typeof parsed === 'object' ? parsed : undefined;
		} catch {
			return undefined;
		}
	}

	private mappingFor(schema: SynchronizationSchema, _source: SourceObject, kind: SourceKind): ObjectMapping | undefined {
		const typeName = objectTypeNameOf(kind);
		for (const rule of schema.synchronizationRules ?? []) {
			const found = findObjectMapping(schema, rule.id ?? '', typeName).mapping;
			if (found) return found;
		}
		return undefined;
	}

	private targetValues(mapping: ObjectMapping, source: SourceObject, creating: boolean): Record<string, string> {
		const input = inputOf(source);
		const values: Record<string, string> = {};
		for (const attribute of mapping.attributeMappings ?? []) {
			if (!creating && attribute.flowType === 'ObjectAddOnly') continue;
			const outcome = mappingValue(attribute, input, this.tenant.domain);
			if (outcome && 'value' in outcome && outcome.value !== null) values[attribute.targetAttributeName] = outcome.value;
		}
		return values;
	}

	// -----------------------------------------------------------------------------------------
	// Job control

	/**
	 * Brings the job's status up to now: a running cycle progresses, or ends; a started job whose next scheduled
	 * cycle is due runs it. Call before serving a job.
	 */
	refresh(job: DemoJob, now = Date.now()): void {
		const runtime = this.runtimes.get(job);
		if (!runtime) return;
		// A cycle that ended long ago was followed by scheduled ones: a few rounds at most (missed slots are skipped).
		for (let round = 0; round < 4; round++) {
			const cycle = runtime.cycle;
			if (!cycle) {
				const due = runtime.nextRunAt;
				if (due === null || due > now || !this.runsOnSchedule(job)) return;
				runtime.nextRunAt = null;
				// The service does not catch up on missed runs: the latest slot before now is the one that ran.
				const period = this.cycleDurationMs + (this.scaledInterval(job) ?? 0);
				this.beginCycle(job, runtime, new Set(), period > 0 ? now - ((now - due) % period) : due);
				continue;
			}
			const elapsed = cycle.elapsedBeforePause + (cycle.runningSince === null ? 0 : now - cycle.runningSince);
			if (cycle.runningSince !== null && elapsed >= this.cycleDurationMs) {
				this.finishCycle(job, runtime, cycle, cycle.startedAt + this.cycleDurationMs + (now - cycle.startedAt - elapsed));
				continue;
			}
			const completed = Math.min(cycle.total, Math.floor((elapsed / this.cycleDurationMs) * cycle.total));
			const status = statusOf(job);
			status.progress = [{completedUnits: completed, totalUnits: cycle.total, units: 'Objects', progressObservationDateTime: iso(now)}];
			return;
		}
	}

	/** A job runs on its schedule while it is started and neither paused nor quarantined. */
	private runsOnSchedule(job: DemoJob): boolean {
		return job.job.schedule?.state === 'Active' && statusOf(job).code === 'Active' && this.scaledInterval(job) !== undefined;
	}

	/** The schedule's interval on the demo's clock; undefined for none (TimeSpan.MaxValue, as Microsoft's examples use). */
	private scaledInterval(job: DemoJob): number | undefined {
		const interval = parseIsoDuration(job.job.schedule?.interval);
		if (interval === undefined || interval >= 10_675_199 * 86_400_000) return undefined;
		return interval / this.scheduleScale;
	}

	start(job: DemoJob, now = Date.now()): void {
		this.refresh(job, now);
		const runtime = this.runtimeOf(job);
		const status = statusOf(job);
		// Start resumes a paused job where it stopped and lifts quarantine (research §3.1).
		status.code = 'Active';
		status.quarantine = null;
		if (job.job.schedule) job.job.schedule.state = 'Active';
		if (runtime.cycle) {
			if (runtime.cycle.runningSince === null) runtime.cycle.runningSince = now;
		} else {
			this.beginCycle(job, runtime, new Set(), now);
		}
	}

	pause(job: DemoJob, now = Date.now()): void {
		this.refresh(job, now);
		const runtime = this.runtimeOf(job);
		const status = statusOf(job);
		status.code = 'Paused';
		// As in Microsoft's paused-job example: code Paused, schedule Disabled.
		if (job.job.schedule) job.job.schedule.state = 'Disabled';
		const cycle = runtime.cycle;
		if (cycle && cycle.runningSince !== null) {
			cycle.elapsedBeforePause += now - cycle.runningSince;
			cycle.runningSince = null;
		}
	}

	/** `resetScope` already validated. Empty: like the portal's restart (Watermark, Escrows, QuarantineState). */
	restart(job: DemoJob, scopes: Set<string>, now = Date.now()): void {
		this.refresh(job, now);
		const runtime = this.runtimeOf(job);
		const status = statusOf(job);
		const effective = scopes.size === 0 ? new Set(['Watermark', 'Escrows', 'QuarantineState']) : new Set(scopes);
		if (effective.has('Full')) for (const each of ['Watermark', 'Escrows', 'QuarantineState']) effective.add(each);
		if (effective.has('QuarantineState') || effective.has('ForceDeletes')) status.quarantine = null;
		if (effective.has('Escrows')) {
			status.countSuccessiveCompleteFailures = 0;
			const last = status.lastExecution as Record<string, unknown> | null | undefined;
			if (last) {
				last.countEscrowed = 0;
				last.countEscrowedRaw = 0;
			}
		}
		// Full breaks the links between source and target objects: the next run matches again.
		if (effective.has('Full')) for (const target of runtime.targets) target.sourceObjectId = null;
		status.code = 'Active';
		if (job.job.schedule) job.job.schedule.state = 'Active';
		runtime.cycle = null;
		this.beginCycle(job, runtime, effective, now);
	}

	/** The app's credentials were saved again: the next cycle can reach the target. */
	credentialsSaved(servicePrincipalId: string): void {
		for (const job of this.tenant.jobs) {
			if (job.servicePrincipalId !== servicePrincipalId) continue;
			this.badCredentials.delete(job);
			const runtime = this.runtimes.get(job);
			if (runtime) runtime.credentialsValid = true;
		}
	}

	/** For tests and demos: too many deletes in one cycle, held until a ForceDeletes restart. */
	quarantineForDeletes(job: DemoJob, objectIds: string[], now = Date.now()): void {
		const runtime = this.runtimeOf(job);
		runtime.heldDeletes = [...objectIds];
		this.quarantine(job, 'TooManyDeletes', {code: 'TooManyDeletes', message: `${objectIds.length} deletions exceed the accidental-deletions threshold.`, tenantActionable: true}, now);
	}

	private quarantine(job: DemoJob, reason: string, error: {code: string; message: string; tenantActionable: boolean}, now: number): void {
		const status = statusOf(job);
		const previous = status.quarantine as Record<string, unknown> | null | undefined;
		status.code = 'Quarantine';
		status.quarantine = {
			currentBegan: iso(now),
			nextAttempt: iso(now + 24 * 3600_000),
			reason,
			seriesBegan: (previous?.seriesBegan as string | undefined) ?? iso(now),
			seriesCount: ((previous?.seriesCount as number | undefined) ?? 0) + 1,
			error,
		};
	}

	private beginCycle(job: DemoJob, runtime: Runtime, resetScope: Set<string>, now: number): void {
		const kind = sourceKindOf(job.job.templateId);
		const total = kind ? sourceObjectsOf(kind).length : 0;
		runtime.cycle = {id: randomUUID(), startedAt: now, elapsedBeforePause: 0, runningSince: now, total, resetScope};
		statusOf(job).progress = [{completedUnits: 0, totalUnits: total, units: 'Objects', progressObservationDateTime: iso(now)}];
	}

	private finishCycle(job: DemoJob, runtime: Runtime, cycle: Cycle, endedAt: number): void {
		runtime.cycle = null;
		// The next cycle comes one interval after this one ended (quarantine and pause stop it: runsOnSchedule).
		const interval = this.scaledInterval(job);
		runtime.nextRunAt = interval === undefined ? null : endedAt + interval;
		const status = statusOf(job);
		status.progress = [];
		const kind = sourceKindOf(job.job.templateId);
		const schema = this.schemaOf(job);
		const counts = {imported: 0, exported: 0, escrowed: 0};
		let failure: {code: string; message: string; tenantActionable: boolean} | null = null;
		if (!runtime.credentialsValid) {
			failure = {
				code: 'SalesforceInvalidCredentials',
				message: 'Your Salesforce.com credentials are invalid. Please obtain a current Salesforce.com administrative user name, password and security token, and enter those in the screen for configuring user provisioning',
				tenantActionable: true,
			};
		} else if (kind && schema) {
			for (const source of sourceObjectsOf(kind)) {
				counts.imported++;
				const outcome = this.provision(job, runtime, schema, kind, source, {onDemand: false, cycleId: cycle.id, now: endedAt});
				if (outcome.result === 'Failure') counts.escrowed++;
				else if (outcome.action === 'Create' || outcome.action === 'Update') counts.exported++;
			}
			if (runtime.heldDeletes.length > 0) {
				if (cycle.resetScope.has('ForceDeletes')) {
					for (const objectId of runtime.heldDeletes) this.logDelete(job, objectId, cycle.id, endedAt);
					counts.exported += runtime.heldDeletes.length;
					runtime.heldDeletes = [];
				} else {
					this.quarantine(job, 'TooManyDeletes', {code: 'TooManyDeletes', message: `${runtime.heldDeletes.length} deletions exceed the accidental-deletions threshold.`, tenantActionable: true}, endedAt);
				}
			}
		}
		const execution = {
			activityIdentifier: cycle.id,
			countEntitled: counts.imported,
			countEntitledForProvisioning: counts.imported,
			countEscrowed: counts.escrowed,
			countEscrowedRaw: counts.escrowed,
			countExported: counts.exported,
			countExports: counts.exported,
			countImported: counts.imported,
			countImportedDeltas: counts.imported,
			countImportedReferenceDeltas: 0,
			error: failure,
			state: failure ? 'Failed' : counts.escrowed > 0 ? 'EntryLevelErrors' : 'Succeeded',
			timeBegan: iso(cycle.startedAt),
			timeEnded: iso(endedAt),
		};
		status.lastExecution = execution;
		if (failure) {
			status.countSuccessiveCompleteFailures = ((status.countSuccessiveCompleteFailures as number | undefined) ?? 0) + 1;
			this.quarantine(job, 'EncounteredQuarantineException', failure, endedAt);
			return;
		}
		status.countSuccessiveCompleteFailures = 0;
		status.lastSuccessfulExecution = execution;
		if (counts.exported > 0) status.lastSuccessfulExecutionWithExports = execution;
		if (counts.escrowed === 0) {
			status.steadyStateLastAchievedTime = iso(endedAt);
			if (!status.steadyStateFirstAchievedTime || String(status.steadyStateFirstAchievedTime).startsWith('0001')) status.steadyStateFirstAchievedTime = iso(endedAt);
		}
		if (status.code !== 'Quarantine') status.code = 'Active';
	}

	// -----------------------------------------------------------------------------------------
	// Provisioning one object

	/** Seconds to wait when the on-demand limit is reached, else 0 (and the request is counted). */
	takeOnDemandSlot(job: DemoJob, now = Date.now()): number {
		// The limit is per app: count every job of the service principal together.
		const window = this.onDemandLimit.windowMs;
		const times = this.tenant.jobs.filter((each) => each.servicePrincipalId === job.servicePrincipalId).flatMap((each) => this.runtimeOf(each).onDemandTimes);
		const recent = times.filter((time) => now - time < window).sort((a, b) => a - b);
		const runtime = this.runtimeOf(job);
		runtime.onDemandTimes = runtime.onDemandTimes.filter((time) => now - time < window);
		if (recent.length >= this.onDemandLimit.requests) {
			const oldest = recent[recent.length - this.onDemandLimit.requests] as number;
			return Math.max(1, Math.ceil((oldest + window - now) / 1000));
		}
		runtime.onDemandTimes.push(now);
		return 0;
	}

	/** provisionOnDemand for one subject; undefined when the job has no source directory in the demo. */
	provisionOnDemand(job: DemoJob, mapping: ObjectMapping, objectId: string, now = Date.now()): ProvisioningOutcome | {notFound: string; kind: SourceKind} | undefined {
		const kind = sourceKindOf(job.job.templateId);
		const schema = this.schemaOf(job);
		if (!kind || !schema) return undefined;
		const source = findSourceObject(kind, objectId);
		if (!source) return {notFound: objectId, kind};
		const runtime = this.runtimeOf(job);
		return this.provision(job, runtime, schema, kind, source, {onDemand: true, cycleId: `OnDemand_${randomUUID()}`, now, mapping});
	}

	/**
	 * provisionOnDemand of a group with the members named in `links` (documented for apps fed from Entra ID): each
	 * member is provisioned as a user, then the group with those members. Undefined for a job that reads another
	 * directory; `notFound` names the first unknown object.
	 */
	provisionGroupOnDemand(
		job: DemoJob,
		groupMapping: ObjectMapping,
		userMapping: ObjectMapping | undefined,
		groupId: string,
		memberIds: string[],
		now = Date.now(),
	): {outcomes: ProvisioningOutcome[]; result: StepStatus} | {notFound: string} | undefined {
		const schema = this.schemaOf(job);
		if (sourceKindOf(job.job.templateId) !== 'entra' || !schema) return undefined;
		const group = findEntraGroup(groupId);
		if (!group) return {notFound: groupId};
		const members = memberIds.map((id) => findSourceObject('entra', id));
		const missing = memberIds.find((_id, index) => !members[index]);
		if (missing) return {notFound: missing};
		const runtime = this.runtimeOf(job);
		const cycleId = `OnDemand_${randomUUID()}`;
		const outcomes: ProvisioningOutcome[] = [];
		for (const member of members as SourceObject[]) {
			outcomes.push(this.provision(job, runtime, schema, 'entra', member, {onDemand: true, cycleId, now, mapping: userMapping}));
		}
		// The group's members, as the target knows them: the targets its members were provisioned to.
		const memberTargets = outcomes.map((outcome) => outcome.targetId).filter((id): id is string => Boolean(id));
		const withMembers: SourceObject = {...group, attributes: {...group.attributes, members: memberTargets.join(',')}};
		outcomes.push(this.provision(job, runtime, schema, 'entra', withMembers, {onDemand: true, cycleId, now, mapping: groupMapping}));
		const result: StepStatus = outcomes.some((outcome) => outcome.result === 'Failure') ? 'Failure' : outcomes.every((outcome) => outcome.result === 'Skipped') ? 'Skipped' : 'Success';
		return {outcomes, result};
	}

	private provision(
		job: DemoJob,
		runtime: Runtime,
		schema: SynchronizationSchema,
		kind: SourceKind,
		source: SourceObject,
		context: {onDemand: boolean; cycleId: string; now: number; mapping?: ObjectMapping; dryRun?: boolean},
	): ProvisioningOutcome {
		const start = context.now;
		let clock = start;
		const stamp = () => {
			clock += 37;
			return iso(clock);
		};
		const steps: ProvisioningOutcome['steps'] = [];
		const sourceName = sourceSystemNames[kind];
		const targetName = targetSystemName(job);
		const typeName = source.objectType ?? objectTypeNameOf(kind);
		const mapping = context.mapping ?? this.mappingFor(schema, source, kind);
		const changeId = randomUUID();
		const finish = (result: StepStatus, action: ProvisioningOutcome['action'], modified: ModifiedProperty[], targetId: string | null, error?: {code: string; message: string}): ProvisioningOutcome => {
			const outcome: ProvisioningOutcome = {result, action, steps, modified, source, targetId, startTime: iso(start), endTime: iso(clock), changeId, ...(error ? {errorCode: error.code, errorMessage: error.message} : {})};
			this.recordLog(job, outcome, context, kind);
			return outcome;
		};
		const input = inputOf(source);
		steps.push({
			name: 'EntryImport',
			type: 'Import',
			status: 'Success',
			description: `Retrieved ${typeName} '${source.reportable}' from ${sourceName}`,
			timestamp: stamp(),
			details: {...source.attributes},
		});
		if (!mapping) {
			steps.push({name: 'EntrySynchronizationScoping', type: 'Scoping', status: 'Skipped', description: `No enabled object mapping provisions ${typeName}`, timestamp: stamp(), details: {}});
			return finish('Skipped', 'Other', [], null, {code: 'NotEffectivelyEntitled', message: `No enabled object mapping provisions ${typeName}.`});
		}
		const scope = evaluateScope(mapping.scope, input);
		// Cloud sync provisions on demand whatever the scoping filters say (research §2.1): it reports them as passed.
		const ignoresScope = context.onDemand && kind === 'activeDirectory';
		const inScope = ignoresScope || scope.inScope;
		const scopingDetails: Record<string, string> =
			kind === 'activeDirectory'
				? {'Active in the source system': 'True', 'Scoping filter evaluation passed': inScope ? 'True' : 'False'}
				: {IsActive: 'True', Assigned: 'True', IsEffectivelyEntitledForProvisioning: inScope ? 'True' : 'False', IsInProvisioningScopeDisplayName: inScope ? 'True' : 'False', ScopeEvaluationResult: JSON.stringify(scope.results)};
		steps.push({
			name: 'EntrySynchronizationScoping',
			type: 'Scoping',
			status: inScope ? 'Success' : 'Skipped',
			description: `Determine if ${typeName} in scope by evaluating against each scoping filter`,
			timestamp: stamp(),
			details: scopingDetails,
		});
		if (!inScope) {
			return finish('Skipped', 'Other', [], null, {code: 'NotEffectivelyEntitled', message: `The ${typeName} '${source.reportable}' is out of scope: it does not pass the job's scoping filter.`});
		}
		// Matching: first the link from an earlier run, then the attributes with a matching priority, in order.
		let target = runtime.targets.find((each) => each.sourceObjectId === source.objectId);
		const computed = this.targetValues(mapping, source, !target);
		if (!target) {
			const matchers = (mapping.attributeMappings ?? []).filter((each) => (each.matchingPriority ?? 0) > 0).sort((a, b) => (a.matchingPriority ?? 0) - (b.matchingPriority ?? 0));
			const createValues = this.targetValues(mapping, source, true);
			for (const matcher of matchers) {
				const value = createValues[matcher.targetAttributeName];
				if (value === undefined) continue;
				target = runtime.targets.find((each) => each.values[matcher.targetAttributeName]?.toLowerCase() === value.toLowerCase());
				if (target) break;
			}
			if (target && !context.dryRun) target.sourceObjectId = source.objectId;
		}
		steps.push({
			name: target ? 'EntryImport' : 'EntrySynchronizationAdd',
			type: 'Matching',
			status: 'Success',
			description: target
				? `Retrieved ${mapping.targetObjectName ?? 'object'} '${source.reportable}' from ${targetName}`
				: `${mapping.targetObjectName ?? 'object'} '${source.reportable}' will be created in ${targetName} (no matching ${mapping.targetObjectName ?? 'object'} was found)`,
			timestamp: stamp(),
			details: target ? {...target.values, id: target.id} : {},
		});
		if (!runtime.credentialsValid) {
			steps.push({name: target ? 'EntryExportUpdate' : 'EntryExportAdd', type: 'Export', status: 'Failure', description: `Failed to export ${typeName} '${source.reportable}' to ${targetName}`, timestamp: stamp(), details: {ReportableIdentifier: source.reportable}});
			return finish('Failure', target ? 'Update' : 'Create', [], target?.id ?? null, {code: 'SalesforceInvalidCredentials', message: 'Your Salesforce.com credentials are invalid. Re-enter the admin credentials of the app, then restart provisioning.'});
		}
		for (const attribute of mapping.attributeMappings ?? []) {
			const outcome = mappingValue(attribute, input, this.tenant.domain);
			if (outcome && 'error' in outcome) {
				steps.push({name: 'EntryExportUpdate', type: 'Export', status: 'Failure', description: `Failed to evaluate ${attribute.targetAttributeName}: ${outcome.error}`, timestamp: stamp(), details: {ReportableIdentifier: source.reportable}});
				return finish('Failure', target ? 'Update' : 'Create', [], target?.id ?? null, {code: 'ExpressionEvaluationFailed', message: outcome.error});
			}
		}
		if (target) {
			const modified: ModifiedProperty[] = [];
			for (const [name, value] of Object.entries(computed)) {
				if (target.values[name] !== value) modified.push({displayName: name, oldValue: target.values[name] ?? null, newValue: value});
			}
			if (modified.length === 0) {
				steps.push({
					name: 'EntrySynchronizationSkip',
					type: 'Export',
					status: 'Skipped',
					description: `The state of the ${typeName} in both the source and target systems already match. No change to the ${typeName} '${source.reportable}' currently needs to be made.`,
					timestamp: stamp(),
					details: {SkipReason: 'RedundantExport'},
				});
				return finish('Skipped', 'Other', [], target.id, {code: 'RedundantExport', message: 'The state of the user in both the source and target systems already match.'});
			}
			if (!context.dryRun) for (const change of modified) target.values[change.displayName] = change.newValue ?? '';
			steps.push({name: 'EntryExportUpdate', type: 'Export', status: 'Success', description: `${typeName} '${source.reportable}' was updated in ${targetName}`, timestamp: stamp(), details: {}});
			return finish('Success', 'Update', modified, target.id);
		}
		const created: TargetEntry = {id: stableGuid(`${job.job.id}/${source.objectId}`), values: computed, sourceObjectId: source.objectId};
		if (!context.dryRun) runtime.targets.push(created);
		steps.push({name: 'EntryExportAdd', type: 'Export', status: 'Success', description: `${typeName} '${source.reportable}' was created in ${targetName}`, timestamp: stamp(), details: {ReportableIdentifier: source.reportable}});
		return finish('Success', 'Create', Object.entries(computed).map(([displayName, newValue]) => ({displayName, oldValue: null, newValue})), created.id);
	}

	// -----------------------------------------------------------------------------------------
	// Provisioning logs (provisioningObjectSummary, v1.0 names; beta adds the deprecated action/statusInfo)

	private recordLog(job: DemoJob, outcome: ProvisioningOutcome, context: {onDemand: boolean; cycleId: string}, kind: SourceKind): void {
		const errorInformation =
			outcome.result === 'Success' || !outcome.errorCode
				? null
				: {
						errorCode: outcome.errorCode,
						reason: outcome.errorMessage ?? null,
						additionalDetails: null,
						errorCategory: outcome.result === 'Failure' ? 'failure' : 'nonServiceFailure',
						recommendedAction: outcome.result === 'Failure' ? recommendedActionFor(outcome.errorCode) : null,
					};
		this.events.push(
			this.logEvent(job, {
				activityDateTime: outcome.endTime,
				cycleId: context.cycleId,
				changeId: outcome.changeId,
				action: outcome.action,
				durationInMilliseconds: Math.max(1, Date.parse(outcome.endTime) - Date.parse(outcome.startTime)),
				status: outcome.result.toLowerCase(),
				errorInformation,
				steps: outcome.steps.map((step) => ({name: step.name, provisioningStepType: step.type.toLowerCase(), status: step.status.toLowerCase(), description: step.description, details: step.details})),
				modified: outcome.modified,
				source: outcome.source,
				targetId: outcome.targetId ?? '',
				kind,
				initiatedBy: context.onDemand
					? {id: this.tenant.admin.id, displayName: this.tenant.admin.displayName, initiatorType: 'user'}
					: {id: '', displayName: 'Azure AD Provisioning Service', initiatorType: 'system'},
			}),
		);
	}

	private logDelete(job: DemoJob, objectId: string, cycleId: string, now: number): void {
		const kind = sourceKindOf(job.job.templateId) ?? 'entra';
		const source = findSourceObject(kind, objectId) ?? {objectId, id: objectId, reportable: objectId, displayName: objectId, attributes: {}, provisioned: true};
		this.events.push(
			this.logEvent(job, {
				activityDateTime: iso(now),
				cycleId,
				changeId: randomUUID(),
				action: 'Delete',
				durationInMilliseconds: 120,
				status: 'success',
				errorInformation: null,
				steps: [{name: 'EntryExportDelete', provisioningStepType: 'export', status: 'success', description: `'${source.reportable}' was deleted in ${targetSystemName(job)}`, details: {}}],
				modified: [],
				source,
				targetId: '',
				kind,
				initiatedBy: {id: '', displayName: 'Azure AD Provisioning Service', initiatorType: 'system'},
			}),
		);
	}

	private logEvent(
		job: DemoJob,
		event: {
			activityDateTime: string;
			cycleId: string;
			changeId: string;
			action: string;
			durationInMilliseconds: number;
			status: string;
			errorInformation: Record<string, unknown> | null;
			steps: Record<string, unknown>[];
			modified: ModifiedProperty[];
			source: SourceObject;
			targetId: string;
			kind: SourceKind;
			initiatedBy: {id: string; displayName: string; initiatorType: string};
		},
	): ProvisioningLogEvent {
		const servicePrincipalName = this.tenant.servicePrincipalName(job.servicePrincipalId);
		const typeName = event.source.objectType ?? objectTypeNameOf(event.kind);
		return {
			id: randomUUID(),
			activityDateTime: event.activityDateTime,
			tenantId: this.tenant.tenantId,
			jobId: job.job.id,
			cycleId: event.cycleId,
			changeId: event.changeId,
			provisioningAction: event.action.toLowerCase(),
			durationInMilliseconds: event.durationInMilliseconds,
			provisioningStatusInfo: {status: event.status, errorInformation: event.errorInformation},
			provisioningSteps: event.steps,
			modifiedProperties: event.modified,
			servicePrincipal: {id: job.servicePrincipalId, displayName: servicePrincipalName},
			sourceSystem: {id: stableGuid(`${job.job.id}/source`), displayName: sourceSystemNames[event.kind], details: {}},
			targetSystem: {
				id: stableGuid(`${job.job.id}/target`),
				displayName: targetSystemName(job),
				details: {ApplicationId: job.servicePrincipalId, ServicePrincipalId: job.servicePrincipalId, ServicePrincipalDisplayName: servicePrincipalName},
			},
			initiatedBy: event.initiatedBy,
			sourceIdentity: {id: event.source.id, displayName: event.source.displayName, identityType: typeName, details: {UserPrincipalName: event.source.reportable}},
			targetIdentity: {id: event.targetId, displayName: event.source.displayName, identityType: event.source.objectType ?? targetObjectTypeOf(event.kind), details: {}},
		};
	}
}

/** What Microsoft's log documentation recommends for the error codes the demo produces. */
function recommendedActionFor(code: string): string | null {
	if (/InvalidCredentials|Unauthorized/i.test(code)) return 'Re-enter the admin credentials of the app (Provisioning > Admin credentials), test the connection, then restart provisioning.';
	if (code === 'ExpressionEvaluationFailed') return 'Fix the attribute mapping expression, save, and provision the object on demand again.';
	return null;
}

function statusOf(job: DemoJob): Record<string, unknown> {
	if (!job.job.status) job.job.status = {};
	return job.job.status as Record<string, unknown>;
}

export function objectTypeNameOf(kind: SourceKind): string {
	return kind === 'activeDirectory' ? 'user' : kind === 'workday' ? 'Worker' : 'User';
}

function targetObjectTypeOf(kind: SourceKind): string {
	return kind === 'workday' ? 'user' : 'User';
}

function targetSystemName(job: DemoJob): string {
	const kind = sourceKindOf(job.job.templateId);
	if (kind === 'activeDirectory') return 'Azure Active Directory';
	if (kind === 'workday') return 'Active Directory';
	return /^Sf/i.test(job.job.templateId ?? '') ? 'Salesforce' : 'customappsso';
}

/** A GUID derived from text, so the demo's target ids stay the same from run to run. */
function stableGuid(text: string): string {
	let hash = 0x811c9dc5;
	const bytes: number[] = [];
	for (let round = 0; round < 16; round++) {
		for (const char of `${round}:${text}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
		bytes.push(hash & 0xff);
	}
	const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export {zeroDate};
