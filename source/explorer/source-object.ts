/**
 * A real source object's values for the expression test (`o` in `t`), read-only:
 * - Entra-sourced jobs (SCIM and gallery apps, cross-tenant sync): the Entra user, GET /users/{id | UPN}?$select=
 *   with the Graph names of the attributes the expression reads (User.Read.All; the basic profile needs only
 *   User.ReadBasic.All). Attributes the service computes (IsSoftDeleted, appRoleAssignments) are not Graph properties.
 * - Every job, and where Graph cannot read the source (AD for cloud sync, Workday): the newest provisioning log event
 *   of that subject in the job, whose import step carries the imported source values (Microsoft's provisionOnDemand
 *   and log examples: EntryImport details). Logs need AuditLog.Read.All and Directory.Read.All.
 * Facts and choices: docs/graph-notes.md, "Source objects for the expression test".
 */
import {UserError} from '../errors.js';
import type {GraphClient} from '../graph/client.js';
import {GraphError} from '../graph/errors.js';
import type {LogEventView} from '../loop/logs.js';
import type {LoopOperations} from './loop-operations.js';

export type SourceObjectRequest = {
	jobId: string;
	templateId?: string;
	/** The synchronization rule's source directory, e.g. "Azure Active Directory", "Active Directory", "Workday". */
	sourceDirectoryName?: string;
	sourceObjectName?: string;
	subject: string;
	/** The source attributes the expression reads, and whether each is multi-valued. */
	fields: readonly {name: string; multiValued: boolean}[];
};

export type SourceObjectValues = {
	/** By attribute; null: the object does not have it (absent). */
	values: Record<string, string | string[] | null>;
	/** Where the values come from, in words ("Entra user adele@contoso.com (GET /users, now)"). */
	from: string;
	/** What the admin should know: attributes that could not be read, a fallback taken. */
	notes: string[];
};

/** Entra attribute names of the provisioning schema that Graph's user names differently. */
const graphNames: Record<string, string> = {
	objectId: 'id',
	mobile: 'mobilePhone',
	facsimileTelephoneNumber: 'faxNumber',
	physicalDeliveryOfficeName: 'officeLocation',
	telephoneNumber: 'businessPhones',
	immutableId: 'onPremisesImmutableId',
	dirSyncEnabled: 'onPremisesSyncEnabled',
	'employeeOrgData.costCenter': 'employeeOrgData',
	'employeeOrgData.division': 'employeeOrgData',
	...Object.fromEntries(Array.from({length: 15}, (_, index) => [`extensionAttribute${index + 1}`, 'onPremisesExtensionAttributes'])),
};

/** Attributes of the Entra source object that are not user properties in Graph, and why. */
const notGraphProperties: Record<string, string> = {
	IsSoftDeleted: 'computed by the provisioning service (unassigned, out of scope, soft-deleted or disabled)',
	appRoleAssignments: "the user's assignments to this app, not a user property",
	manager: 'a reference (GET /users/{id}/manager)',
	'passwordProfile.password': 'never readable',
	originalUserPrincipalName: 'set by the service for B2B users',
};

export function isEntraSource(request: Pick<SourceObjectRequest, 'sourceDirectoryName' | 'templateId'>): boolean {
	const directory = request.sourceDirectoryName?.trim().toLowerCase();
	if (directory) return directory === 'azure active directory' || directory === 'microsoft entra id';
	return request.templateId !== 'AD2AADProvisioning' && !/^(workday|successfactors)/i.test(request.templateId ?? '');
}

/** A Graph property's value as test input: text, a list, or null. */
function inputValue(value: unknown, multiValued: boolean): string | string[] | null {
	if (value === null || value === undefined) return null;
	if (Array.isArray(value)) {
		const values = value.filter((each) => each !== null && each !== undefined).map((each) => (typeof each === 'string' ? each : JSON.stringify(each)));
		if (values.length === 0) return null;
		return multiValued ? values : values[0]!;
	}
	if (typeof value === 'boolean') return value ? 'True' : 'False';
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** The values of `fields` from a Graph user body (the provisioning schema's names, mapped). */
export function valuesFromGraphUser(user: Record<string, unknown>, fields: SourceObjectRequest['fields']): {values: SourceObjectValues['values']; unread: string[]} {
	const values: SourceObjectValues['values'] = {};
	const unread: string[] = [];
	for (const field of fields) {
		if (notGraphProperties[field.name]) {
			unread.push(field.name);
			continue;
		}
		const property = graphNames[field.name] ?? field.name;
		let value = user[property];
		if (property === 'onPremisesExtensionAttributes' || property === 'employeeOrgData') {
			const key = property === 'employeeOrgData' ? field.name.split('.')[1]! : field.name;
			value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : null;
		}
		values[field.name] = inputValue(value, field.multiValued);
	}
	return {values, unread};
}

export function graphSelect(fields: SourceObjectRequest['fields']): string[] {
	const names = fields.filter((field) => !notGraphProperties[field.name]).map((field) => graphNames[field.name] ?? field.name);
	return [...new Set(['id', 'userPrincipalName', ...names])];
}

/** The import step's details of a log event (or provisionOnDemand result): the source object as the service read it. */
export function valuesFromLogEvent(event: LogEventView, fields: SourceObjectRequest['fields']): SourceObjectValues['values'] | undefined {
	const step = event.steps.find((each) => each.type === 'import' && each.details.length > 0);
	if (!step) return undefined;
	const details = new Map(step.details);
	const values: SourceObjectValues['values'] = {};
	for (const field of fields) {
		const text = details.get(field.name);
		if (text === undefined) {
			values[field.name] = null;
			continue;
		}
		// A multi-valued attribute may arrive as JSON text; anything else is one value.
		let value: string | string[] = text;
		if (field.multiValued && text.startsWith('[')) {
			try {
				const parsed: unknown = JSON.parse(text);
				if (Array.isArray(parsed)) value = parsed.map((each) => (typeof each === 'string' ? each : JSON.stringify(each)));
			} catch {
				// Not JSON: kept as one value.
			}
		}
		values[field.name] = field.multiValued ? (Array.isArray(value) ? value : [value]) : Array.isArray(value) ? (value[0] ?? null) : value;
	}
	return values;
}

/**
 * Attributes Graph has no property for (IsSoftDeleted, appRoleAssignments…): the service's own import of the user
 * in the newest log event has them. Best effort: without the logs' permissions they stay unfilled, and say why.
 */
async function unreadFromLogs(
	loop: Pick<LoopOperations, 'listLogs'> | undefined,
	request: SourceObjectRequest,
	upn: string,
	unread: string[],
	values: SourceObjectValues['values'],
	signal?: AbortSignal,
): Promise<string[]> {
	const unreadWhy = unread.map((name) => `${name} (${notGraphProperties[name]})`).join('; ');
	const fields = request.fields.filter((field) => unread.includes(field.name));
	try {
		const events = loop ? (await loop.listLogs(request.jobId, {user: upn, max: 200, signal})).events : [];
		for (const event of events) {
			const logged = valuesFromLogEvent(event, fields);
			if (!logged || Object.values(logged).every((value) => value === null)) continue;
			Object.assign(values, logged);
			return [`Not Graph properties, taken from the import step of the provisioning log event at ${event.time}: ${unreadWhy}.`];
		}
		return [`Not read (not Graph properties, and no provisioning log event of ${upn} has them): ${unreadWhy}.`];
	} catch {
		return [`Not read (not Graph properties; the provisioning logs could not be read): ${unreadWhy}.`];
	}
}

const userReadRefusal = (subject: string) =>
	`Graph refused to read the Entra user ${subject}: reading a user's full profile needs User.Read.All (or Directory.Read.All), which this sign-in does not have`;

/** Reads the subject's source values: the Entra user (Entra-sourced jobs), else or failing that the newest log event. */
export async function readSourceObject(
	access: {graph: GraphClient; loop?: Pick<LoopOperations, 'listLogs'>},
	request: SourceObjectRequest,
	signal?: AbortSignal,
): Promise<SourceObjectValues> {
	const subject = request.subject.trim();
	if (!subject) throw new UserError('Name the source object: a UPN, object id, or the name the provisioning logs show.');
	const notes: string[] = [];
	if (isEntraSource(request)) {
		try {
			const user = await access.graph.getUserProperties(subject, graphSelect(request.fields), signal);
			const {values, unread} = valuesFromGraphUser(user, request.fields);
			const upn = typeof user.userPrincipalName === 'string' ? user.userPrincipalName : subject;
			if (unread.length > 0) notes.push(...(await unreadFromLogs(access.loop, request, upn, unread, values, signal)));
			return {values, from: `Entra user ${upn} (GET /users/{id}, as it is now)`, notes};
		} catch (error) {
			if (!(error instanceof GraphError)) throw error;
			if (error.status === 404) throw new UserError(`No Entra user has the id or UPN ${subject}.`, {cause: error});
			if (error.status !== 403 && error.status !== 401) throw error;
			notes.push(`${userReadRefusal(subject)}; the provisioning logs were read instead.`);
		}
	}
	if (!access.loop) throw new UserError(notes[0] ?? 'This session cannot read provisioning logs.');
	let events: LogEventView[];
	try {
		events = (await access.loop.listLogs(request.jobId, {user: subject, max: 200, signal})).events;
	} catch (error) {
		const why = error instanceof Error ? error.message : String(error);
		throw new UserError(notes.length > 0 ? `${userReadRefusal(subject)}, and the provisioning logs could not be read either: ${why}` : why, {cause: error});
	}
	for (const event of events) {
		const values = valuesFromLogEvent(event, request.fields);
		if (!values) continue;
		const who = event.source.upn ?? event.source.name ?? subject;
		return {values, from: `the import step of the provisioning log event of ${who} at ${event.time} (${event.action || 'event'}, ${event.status || 'no status'})`, notes};
	}
	throw new UserError(
		`No provisioning log event of this job names ${subject} with imported values (newest 200 read). Provision it on demand (p on the job) or wait for a cycle, then try again; or type the values.`,
	);
}
