/**
 * Provision on demand: choosing the subject the way the app type requires (rule id from the schema,
 * object type from the object mapping, AD distinguished name for cloud sync, worker id for Workday, object
 * id for Entra sources), and reading the answer — HTTP 200 whose `key` and `value` are JSON strings, in
 * either documented shape — as an admin reads it (research loop-and-expressions.md §2).
 */

import {UserError} from '../errors.js';
import type {ObjectMapping, SynchronizationRule, SynchronizationSchema} from '../schema/types.js';

// ---------------------------------------------------------------------------------------------
// The request

export type SubjectKind = 'distinguishedName' | 'workerId' | 'objectId';

export type OnDemandRequest = {
	ruleId: string;
	objectTypeName: string;
	objectId: string;
	subjectKind: SubjectKind;
	/** Shown next to the result: where on-demand behaves differently from a cycle. */
	notes: string[];
};

export type OnDemandTarget = {rule: SynchronizationRule; mapping: ObjectMapping; subjectKind: SubjectKind};

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const supportsOnDemand = (rule: SynchronizationRule) => (rule.metadata ?? []).some((entry) => entry.key === 'supportsProvisionOnDemand' && String(entry.value).toLowerCase() === 'true');

function subjectKindOf(rule: SynchronizationRule, templateId: string | undefined): SubjectKind {
	const source = (rule.sourceDirectoryName ?? '').toLowerCase();
	if (templateId === 'AD2AADProvisioning' || source === 'active directory') return 'distinguishedName';
	if (source.includes('workday') || /^workday/i.test(templateId ?? '')) return 'workerId';
	return 'objectId';
}

/** The rule (the one that supports on-demand first) and the object mapping of the user-like object, or the one named. */
export function onDemandTarget(schema: SynchronizationSchema, templateId: string | undefined, objectType?: string): OnDemandTarget {
	const rules = [...(schema.synchronizationRules ?? [])].sort((a, b) => Number(supportsOnDemand(b)) - Number(supportsOnDemand(a)));
	for (const rule of rules) {
		const mappings = (rule.objectMappings ?? []).filter((mapping) => mapping.enabled !== false && mapping.sourceObjectName);
		const mapping = objectType
			? mappings.find((each) => each.sourceObjectName?.toLowerCase() === objectType.toLowerCase())
			: (mappings.find((each) => /^(user|worker)$/i.test(each.sourceObjectName ?? '')) ?? mappings[0]);
		if (mapping && rule.id) return {rule, mapping, subjectKind: subjectKindOf(rule, templateId)};
	}
	const available = (schema.synchronizationRules ?? []).flatMap((rule) => (rule.objectMappings ?? []).filter((each) => each.enabled !== false).map((each) => each.sourceObjectName));
	throw new UserError(
		objectType
			? `No enabled object mapping of this job provisions "${objectType}"; it provisions: ${available.filter(Boolean).join(', ') || 'nothing'}.`
			: 'This job has no enabled object mapping to provision on demand.',
	);
}

export const subjectWords: Record<SubjectKind, string> = {
	distinguishedName: "the user's distinguished name in Active Directory, e.g. CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com",
	workerId: "the worker's Workday worker id (or WID), e.g. 21001",
	objectId: "the Entra object id of the user, e.g. 9bb0f679-a883-4a6f-8260-35b491b8b8c8 (or the UPN, which is looked up)",
};

/** Checks the subject fits the app type; a UPN for an Entra source is returned as needing a lookup. */
export function checkSubject(kind: SubjectKind, subject: string): {objectId: string} | {lookupUpn: string} {
	const value = subject.trim();
	if (value === '') throw new UserError(`--subject is empty: give ${subjectWords[kind]}.`);
	switch (kind) {
		case 'distinguishedName':
			if (!/^[A-Za-z]+=.+/.test(value) || !value.includes(',')) throw new UserError(`Cloud sync provisions on demand by distinguished name, not "${value}": give ${subjectWords[kind]}.`);
			return {objectId: value};
		case 'workerId':
			if (/\s/.test(value) || value.includes('@')) throw new UserError(`Workday provisions on demand by worker id, not "${value}": give ${subjectWords[kind]}.`);
			return {objectId: value};
		case 'objectId':
			if (guidPattern.test(value)) return {objectId: value.toLowerCase()};
			if (/^[^@\s]+@[^@\s]+$/.test(value)) return {lookupUpn: value};
			throw new UserError(`This app provisions on demand by Entra object id, not "${value}": give ${subjectWords[kind]}.`);
	}
}

export function onDemandNotes(target: OnDemandTarget, templateId: string | undefined): string[] {
	if (target.subjectKind === 'distinguishedName' || templateId === 'AD2AADProvisioning') {
		return ['Cloud sync provisions on demand without applying scoping filters (Microsoft: "On-demand provisioning"): a cycle may leave this user out.'];
	}
	return [];
}

type OnDemandSubject = {objectId: string; objectTypeName: string; links?: {members: {objectId: string; objectTypeName: string}[]}};

/**
 * The documented body: `{"parameters":[{"ruleId","subjects":[{"objectId","objectTypeName"}]}]}`; a group carries its
 * members as `links.members` of type User (GDC provisionOnDemand Example 3).
 */
export function onDemandBody(request: Pick<OnDemandRequest, 'ruleId' | 'objectId' | 'objectTypeName'> & {members?: readonly string[]}): {parameters: {ruleId: string; subjects: OnDemandSubject[]}[]} {
	const subject: OnDemandSubject = {objectId: request.objectId, objectTypeName: request.objectTypeName};
	if (request.members) subject.links = {members: request.members.map((objectId) => ({objectId, objectTypeName: 'User'}))};
	return {parameters: [{ruleId: request.ruleId, subjects: [subject]}]};
}

/** Microsoft's limit for a group on demand: one group with up to 5 members per request (POD). */
export const maxGroupMembers = 5;

/**
 * Whether this job can provision `--member`s with a group on demand, as Microsoft documents it: apps fed from Entra ID
 * only (not cloud sync, Workday or similar HR sources, nor cross-tenant sync), at most 5 members, each a user.
 * Returns the members to send; throws the reason otherwise.
 */
export function checkGroupRequest(target: OnDemandTarget, templateId: string | undefined, members: readonly string[]): readonly string[] | undefined {
	const isGroup = (target.mapping.sourceObjectName ?? '').toLowerCase() === 'group';
	if (!isGroup) {
		if (members.length > 0) throw new UserError(`--member is for a group (--object-type Group); this provisions ${target.mapping.sourceObjectName ?? 'users'}.`);
		return undefined;
	}
	if (target.subjectKind !== 'objectId' || /^azure2azure/i.test(templateId ?? '')) {
		throw new UserError(
			`Microsoft supports groups in provision on demand only for apps provisioned from Entra ID, not for ${templateId ?? 'this job'} (cloud sync, Workday and similar sources, cross-tenant sync): provision the users one by one.`,
		);
	}
	if (members.length > maxGroupMembers) throw new UserError(`A group is provisioned on demand with at most ${maxGroupMembers} members (Microsoft's limit); ${members.length} were given.`);
	return members;
}

/**
 * The explorer's subject for a group: `group:<id> member:<id or UPN> …` → the group and its members; undefined for
 * a plain subject (a user, worker or distinguished name).
 */
export function parseGroupSubject(text: string): {group: string; members: string[]} | undefined {
	const words = text.trim().split(/\s+/);
	if (!/^group:/i.test(words[0] ?? '')) return undefined;
	const group = (words[0] as string).slice('group:'.length);
	const members: string[] = [];
	for (const word of words.slice(1)) {
		if (!/^member:./i.test(word)) throw new UserError(`"${word}" is not a member: write group:<group id> member:<id or UPN> (up to ${maxGroupMembers}).`);
		members.push(word.slice('member:'.length));
	}
	if (!group) throw new UserError(`Give the group's Entra object id after group:, e.g. group:8213fd99-d6b6-417b-8e13-af6334856215 member:BillBob@contoso.com.`);
	return {group, members};
}

/** Said next to a group's result: Microsoft answers it without steps (`value` "{}"). */
export const groupResultNote =
	"Microsoft answers a group's provision on demand without its steps: the provisioning logs show the group and each member (L in the explorer, or the logs command).";

// ---------------------------------------------------------------------------------------------
// The answer

export type OnDemandStep = {
	name: string;
	/** Import, Scoping, Matching, Export (Graph's spelling kept). */
	type: string;
	status: string;
	description: string;
	timestamp?: string;
	details: Record<string, string>;
};

export type ModifiedAttribute = {name: string; oldValue: string | null | undefined; newValue: string | null | undefined};

export type OnDemandResult = {
	/** Success, Skipped or Failure (another documented value is passed through); a failed step makes it Failure. */
	outcome: string;
	succeeded: boolean;
	errorCode?: string;
	errorMessage?: string;
	action?: string;
	reportableIdentifier?: string;
	steps: OnDemandStep[];
	modified: ModifiedAttribute[];
	sourceSystem?: string;
	targetSystem?: string;
	recommendedAction?: string;
	/** Which documented shape the answer had. */
	shape: 'key-result' | 'status-info-array' | 'empty';
};

function parseJsonText(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value);
	} catch {
		return undefined;
	}
}

const string = (value: unknown) => (typeof value === 'string' ? value : undefined);

function detailMap(details: unknown): Record<string, string> {
	if (!details || typeof details !== 'object') return {};
	return Object.fromEntries(Object.entries(details as Record<string, unknown>).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

function caseInsensitive(value: string | undefined): string | undefined {
	if (!value) return value;
	return value.charAt(0).toUpperCase() + value.slice(1).toLowerCase();
}

/** Reads a provisionOnDemand answer in either documented shape; throws a UserError when it is neither. */
export function decodeProvisionOnDemand(body: unknown): OnDemandResult {
	if (!body || typeof body !== 'object') throw new UserError('provisionOnDemand answered with something that is not a JSON object.');
	const envelope = body as {key?: unknown; value?: unknown};
	const key = parseJsonText(envelope.key) as {result?: unknown; details?: {errorCode?: unknown; errorMessage?: unknown}} | undefined;
	let value = parseJsonText(envelope.value);
	// Shape B: `key` is a type name and `value` a JSON array of shape-A objects (research §2.3).
	const shape: OnDemandResult['shape'] = Array.isArray(value) ? 'status-info-array' : value && typeof value === 'object' && Object.keys(value).length > 0 ? 'key-result' : 'empty';
	if (Array.isArray(value)) value = value[0];
	const detail = (value ?? {}) as Record<string, unknown>;
	const steps: OnDemandStep[] = (Array.isArray(detail.provisioningSteps) ? detail.provisioningSteps : []).map((raw: Record<string, unknown>) => ({
		name: string(raw.name) ?? '',
		type: string(raw.type) ?? string(raw.provisioningStepType) ?? '',
		status: caseInsensitive(string(raw.status)) ?? '',
		description: string(raw.description) ?? '',
		timestamp: string(raw.timestamp),
		details: detailMap(raw.details),
	}));
	const modified: ModifiedAttribute[] = (Array.isArray(detail.modifiedProperties) ? detail.modifiedProperties : []).map((raw: Record<string, unknown>) => ({
		name: string(raw.displayName) ?? '',
		oldValue: raw.oldValue === undefined ? undefined : (string(raw.oldValue) ?? (raw.oldValue === null ? null : JSON.stringify(raw.oldValue))),
		newValue: raw.newValue === undefined ? undefined : (string(raw.newValue) ?? (raw.newValue === null ? null : JSON.stringify(raw.newValue))),
	}));
	const statusInfo = (detail.statusInfo ?? {}) as Record<string, unknown>;
	const keyResult = key && typeof key === 'object' ? caseInsensitive(string(key.result)) : undefined;
	const infoStatus = caseInsensitive(string(statusInfo.status));
	let outcome = keyResult ?? infoStatus;
	if (!outcome) {
		if (shape === 'empty' && key === undefined) throw new UserError('provisionOnDemand answered without a result: neither `key` nor `value` could be read.');
		outcome = steps.some((step) => step.status === 'Failure') ? 'Failure' : steps.some((step) => step.status === 'Skipped') ? 'Skipped' : 'Success';
	}
	// Any failure anywhere is a failure (research §6): a "Success" key never hides a failed step.
	if (outcome === 'Success' && (infoStatus === 'Failure' || steps.some((step) => step.status === 'Failure'))) outcome = 'Failure';
	const errorCode = string(key?.details?.errorCode) ?? string(statusInfo.errorCode);
	const errorMessage = string(key?.details?.errorMessage) ?? string(statusInfo.reason);
	const system = (raw: unknown) => string((raw as {name?: unknown; displayName?: unknown} | undefined)?.name) ?? string((raw as {displayName?: unknown} | undefined)?.displayName);
	return {
		outcome,
		succeeded: outcome === 'Success',
		...(errorCode ? {errorCode} : {}),
		...(errorMessage ? {errorMessage} : {}),
		...(string(detail.action) ? {action: string(detail.action)} : {}),
		...(string(detail.reportableIdentifier) ? {reportableIdentifier: string(detail.reportableIdentifier)} : {}),
		steps,
		modified,
		...(system(detail.sourceSystem) ? {sourceSystem: system(detail.sourceSystem)} : {}),
		...(system(detail.targetSystem) ? {targetSystem: system(detail.targetSystem)} : {}),
		...(string(statusInfo.recommendedAction) ? {recommendedAction: string(statusInfo.recommendedAction)} : {}),
		shape,
	};
}

/** The portal's words for each step type (Microsoft: "On-demand provisioning"). */
const stepTitles: Record<string, string> = {
	import: 'Import',
	scoping: 'Scoping (is the object in scope?)',
	matching: 'Matching (source and target)',
	export: 'Action / export',
	processing: 'Processing',
	referenceresolution: 'Reference resolution',
};

const statusMarks: Record<string, string> = {Success: '✓', Skipped: '–', Failure: '✗'};

const shown = (value: string | null | undefined) => (value === undefined ? '(not reported)' : value === null ? '(none)' : value === '' ? '(empty)' : JSON.stringify(value));

/**
 * The result as an admin reads it: the outcome first (Skipped and Failure as such), each step with its
 * status and description, then the target attributes changed, old → new. `highlight` marks the attributes
 * a change touched; `details` adds each step's details.
 */
export function onDemandLines(result: OnDemandResult, options: {highlight?: readonly string[]; notes?: readonly string[]; details?: boolean} = {}): string[] {
	const lines: string[] = [];
	const subject = result.reportableIdentifier ? ` for ${result.reportableIdentifier}` : '';
	const headline =
		result.outcome === 'Success'
			? `Success${subject}: ${result.action ? `action ${result.action}` : 'provisioned'}${result.targetSystem ? ` in ${result.targetSystem}` : ''}.`
			: `${result.outcome.toUpperCase()}${subject} — not a success${result.errorCode ? `: ${result.errorCode}` : ''}${result.errorMessage ? ` (${result.errorMessage})` : ''}.`;
	lines.push(headline);
	if (result.steps.length > 0) lines.push('Steps:');
	result.steps.forEach((step, index) => {
		const title = stepTitles[step.type.toLowerCase()] ?? step.type;
		lines.push(`  ${index + 1}. ${statusMarks[step.status] ?? '?'} ${title}: ${step.status} — ${step.description}`);
		if (options.details) for (const [key, value] of Object.entries(step.details)) if (value !== '') lines.push(`       ${key}: ${value}`);
	});
	if (result.modified.length > 0) {
		lines.push(`Attributes ${result.outcome === 'Success' ? 'written' : 'reported'} (old → new):`);
		const highlight = new Set((options.highlight ?? []).map((name) => name.toLowerCase()));
		const sorted = [...result.modified].sort((a, b) => Number(highlight.has(b.name.toLowerCase())) - Number(highlight.has(a.name.toLowerCase())));
		for (const change of sorted) lines.push(`  ${highlight.has(change.name.toLowerCase()) ? '*' : ' '} ${change.name}: ${shown(change.oldValue)} → ${shown(change.newValue)}`);
	} else if (result.outcome !== 'Failure' && result.steps.length > 0) {
		lines.push('No target attribute changed.');
	}
	if (result.recommendedAction) lines.push(`Recommended action: ${result.recommendedAction}`);
	for (const note of options.notes ?? []) lines.push(`Note: ${note}`);
	return lines;
}

/** Exit code of `provision`: 0 success, 1 skipped or failed. */
export function onDemandExitCode(result: OnDemandResult): 0 | 1 {
	return result.succeeded ? 0 : 1;
}
