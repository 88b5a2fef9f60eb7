/**
 * The routes that close the loop after a change: job start/pause/restart, provisionOnDemand, and
 * GET /auditLogs/provisioning (research loop-and-expressions.md §1–3, graph-sync-api.md §2).
 */

import type {GraphOperation} from './authorization.js';
import {type GraphApiVersion, invalidJson, metadataUrl, unsupportedMediaType} from './graph-routes.js';
import {graphError, jsonResponse, noContent, parseJsonBody, type RequestContext, type SimulatorResponse} from './http.js';
import {decodeSkipToken, encodeSkipToken, ODataQueryError} from './odata.js';
import {doNotUseResetScopes, findObjectMapping, objectTypeNameOf, type ProvisioningLogEvent, type ProvisioningOutcome, resetScopeValues} from './provisioning.js';
import {entraUsers, sourceSystemNames} from './source-directories.js';
import type {DemoJob, DemoTenant} from './tenant.js';

type JobAction = {operation: GraphOperation; run: (job: DemoJob) => SimulatorResponse};
type Route = {operation: GraphOperation; run: () => SimulatorResponse};

const is = (segment: string | undefined, name: string) => segment?.toLowerCase() === name.toLowerCase();

function methodNotAllowed(context: RequestContext): SimulatorResponse {
	return graphError(context, 405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
}

/** POST …/jobs/{id}/start|pause|restart|provisionOnDemand; undefined when `name` is none of them. */
export function jobActionRoute(context: RequestContext, apiVersion: GraphApiVersion, name: string, tenant: DemoTenant): JobAction | SimulatorResponse | undefined {
	const known = ['start', 'pause', 'restart', 'provisionOnDemand'].find((each) => is(name, each));
	if (!known) return undefined;
	if (context.method !== 'POST') return methodNotAllowed(context);
	const provisioning = tenant.provisioning;
	switch (known) {
		case 'start':
			return {
				operation: 'synchronization.write',
				run: (job) => {
					provisioning.start(job);
					return noContent();
				},
			};
		case 'pause':
			return {
				operation: 'synchronization.write',
				run: (job) => {
					provisioning.pause(job);
					return noContent();
				},
			};
		case 'restart':
			return {operation: 'synchronization.write', run: (job) => restart(context, tenant, job)};
		default:
			return {operation: 'synchronization.write', run: (job) => provisionOnDemand(context, apiVersion, tenant, job)};
	}
}

function restart(context: RequestContext, tenant: DemoTenant, job: DemoJob): SimulatorResponse {
	let scopes = new Set<string>();
	if (context.body.length > 0) {
		const problem = unsupportedMediaType(context);
		if (problem) return problem;
		const body = parseJsonBody(context) as {criteria?: {resetScope?: unknown} | null} | undefined;
		if (body === undefined || typeof body !== 'object' || body === null) return invalidJson(context);
		const resetScope = body.criteria?.resetScope;
		if (resetScope !== undefined && resetScope !== null && typeof resetScope !== 'string') {
			return graphError(context, 400, 'BadRequest', "The property 'resetScope' must be a comma-separated string of synchronizationJobRestartScope values.");
		}
		const names = (resetScope ?? '')
			.split(',')
			.map((each) => each.trim())
			.filter((each) => each !== '');
		for (const name of names) {
			// A flags enum: names are matched ignoring case, as .NET's Enum.Parse does for Graph.
			const known = resetScopeValues.find((each) => each.toLowerCase() === name.toLowerCase());
			if (!known) return graphError(context, 400, 'BadRequest', `Requested value '${name}' was not found in synchronizationJobRestartScope.`);
			if ((doNotUseResetScopes as readonly string[]).includes(known)) {
				if (tenant.provisioning.doNotUseScopes === 'ignore') continue;
				return graphError(context, 400, 'BadRequest', `The restart scope '${known}' is not supported. ${known === 'None' ? 'Use start instead.' : 'Contact support.'}`);
			}
			scopes.add(known);
		}
		scopes = new Set(scopes);
	}
	tenant.provisioning.restart(job, scopes);
	return noContent();
}

type OnDemandBody = {parameters?: {ruleId?: unknown; subjects?: {objectId?: unknown; objectTypeName?: unknown; links?: unknown}[]}[]};

function parameterInvalid(context: RequestContext, message: string): SimulatorResponse {
	return graphError(context, 400, 'RequestParameterInvalid', message);
}

function provisionOnDemand(context: RequestContext, apiVersion: GraphApiVersion, tenant: DemoTenant, job: DemoJob): SimulatorResponse {
	const wait = tenant.provisioning.takeOnDemandSlot(job);
	if (wait > 0) {
		return graphError(context, 429, 'TooManyRequests', 'Too many requests: provisionOnDemand allows 5 requests per 10 seconds. Retry after the time in the Retry-After header.', {
			'retry-after': String(wait),
		});
	}
	const problem = unsupportedMediaType(context);
	if (problem) return problem;
	const body = parseJsonBody(context) as OnDemandBody | undefined;
	if (body === undefined || typeof body !== 'object' || body === null) return invalidJson(context);
	const parameter = Array.isArray(body.parameters) ? body.parameters[0] : undefined;
	if (!parameter || body.parameters?.length !== 1) return parameterInvalid(context, "Send exactly one element in 'parameters', with a ruleId and subjects.");
	const ruleId = typeof parameter.ruleId === 'string' ? parameter.ruleId : '';
	const subjects = Array.isArray(parameter.subjects) ? parameter.subjects : [];
	const subject = subjects[0];
	if (subjects.length !== 1 || typeof subject?.objectId !== 'string' || typeof subject.objectTypeName !== 'string' || subject.objectId.trim() === '') {
		return parameterInvalid(context, "Send one subject with an objectId and an objectTypeName (for a group, its members go in 'links').");
	}
	let schema: Parameters<typeof findObjectMapping>[0];
	try {
		schema = JSON.parse(job.schema.text);
	} catch {
		return graphError(context, 500, 'InternalServerError', 'The stored schema could not be read.');
	}
	const {rule, mapping} = findObjectMapping(schema, ruleId, subject.objectTypeName);
	if (!rule) return parameterInvalid(context, `The synchronization job '${job.job.id}' does not include the rule '${ruleId}'.`);
	if (!mapping) return parameterInvalid(context, `The rule '${ruleId}' does not provision objects of type '${subject.objectTypeName}'.`);
	const odataContext =
		rule.sourceDirectoryName === 'Active Directory'
			? // Microsoft's cloud-sync example answers with syncfabric's context (GDC provisionOnDemand Example 2).
				'https://syncfabric.windowsazure.com/api/$metadata#microsoft.synchronization.stringKeyStringValuePair'
			: `${metadataUrl(apiVersion)}#microsoft.graph.stringKeyStringValuePair`;
	if (mapping.sourceObjectName?.toLowerCase() === 'group') return provisionGroup(context, tenant, job, rule, mapping, subject, odataContext);
	const outcome = tenant.provisioning.provisionOnDemand(job, mapping, subject.objectId);
	if (!outcome || 'notFound' in outcome) {
		const system = outcome ? sourceSystemNames[outcome.kind] : (rule.sourceDirectoryName ?? 'the source system');
		const message = `Could not find ${subject.objectTypeName} '${subject.objectId}' in ${system}.`;
		const now = new Date().toISOString();
		return jsonResponse(200, {
			'@odata.context': odataContext,
			key: JSON.stringify({result: 'Failure', details: {errorCode: 'EntryNotFound', errorMessage: message}}),
			value: JSON.stringify({
				action: 'Other',
				provisioningSteps: [{name: 'EntryImport', type: 'Import', status: 'Failure', description: message, timestamp: now, details: {}}],
				modifiedProperties: [],
				reportableIdentifier: subject.objectId,
				startTime: now,
				endTime: now,
				statusInfo: {status: 'Failure', errorCode: 'EntryNotFound', reason: message, additionalDetails: null, errorCategory: 'failure', recommendedAction: null},
			}),
		});
	}
	return jsonResponse(200, {'@odata.context': odataContext, key: JSON.stringify(keyOf(outcome)), value: JSON.stringify(shapeAValue(outcome, job, rule.sourceDirectoryName, rule.targetDirectoryName))});
}

/** Microsoft documents a group with up to 5 members per request (research loop-and-expressions.md §2.1). */
const maxGroupMembers = 5;

/**
 * A group subject with its members in `links.members` (GDC provisionOnDemand Example 3): each member is provisioned,
 * then the group. The answer is the documented one: `key` {"result":…,"details":{}} and `value` "{}"; the steps are
 * in the provisioning logs.
 */
function provisionGroup(
	context: RequestContext,
	tenant: DemoTenant,
	job: DemoJob,
	rule: NonNullable<ReturnType<typeof findObjectMapping>['rule']>,
	groupMapping: NonNullable<ReturnType<typeof findObjectMapping>['mapping']>,
	subject: {objectId?: unknown; links?: unknown},
	odataContext: string,
): SimulatorResponse {
	const links = subject.links as {members?: unknown} | null | undefined;
	const members = links?.members ?? [];
	if (!Array.isArray(members) || members.some((member) => typeof member?.objectId !== 'string' || typeof member?.objectTypeName !== 'string')) {
		return parameterInvalid(context, "'links.members' must be a list of subjects with an objectId and an objectTypeName.");
	}
	if (members.length > maxGroupMembers) return parameterInvalid(context, `A group can be provisioned on demand with at most ${maxGroupMembers} members; ${members.length} were sent.`);
	const memberType = members.find((member) => member.objectTypeName.toLowerCase() !== 'user');
	if (memberType) return parameterInvalid(context, `Group members are provisioned on demand as users, not '${memberType.objectTypeName}' (nested groups are not supported).`);
	const userMapping = (rule.objectMappings ?? []).find((each) => each.enabled !== false && each.sourceObjectName?.toLowerCase() === 'user');
	const outcome = tenant.provisioning.provisionGroupOnDemand(
		job,
		groupMapping,
		userMapping,
		String(subject.objectId),
		members.map((member) => member.objectId as string),
	);
	if (!outcome || 'notFound' in outcome) {
		const message = `Could not find '${outcome?.notFound ?? subject.objectId}' in ${rule.sourceDirectoryName ?? 'the source system'}.`;
		return jsonResponse(200, {'@odata.context': odataContext, key: JSON.stringify({result: 'Failure', details: {errorCode: 'EntryNotFound', errorMessage: message}}), value: '{}'});
	}
	const failed = outcome.outcomes.find((each) => each.result === 'Failure');
	const details = failed?.errorCode ? {errorCode: failed.errorCode, errorMessage: failed.errorMessage ?? ''} : {};
	return jsonResponse(200, {'@odata.context': odataContext, key: JSON.stringify({result: outcome.result, details}), value: '{}'});
}

function keyOf(outcome: ProvisioningOutcome): unknown {
	return {result: outcome.result, details: outcome.errorCode ? {errorCode: outcome.errorCode, errorMessage: outcome.errorMessage ?? ''} : {}};
}

/** Shape A of the documented response (loop-and-expressions.md §2.3). */
function shapeAValue(outcome: ProvisioningOutcome, job: DemoJob, sourceSystem: string | undefined, targetSystem: string | undefined): unknown {
	return {
		action: outcome.action,
		changeId: outcome.changeId,
		endTime: outcome.endTime,
		modifiedProperties: outcome.modified,
		provisioningSteps: outcome.steps,
		reportableIdentifier: outcome.source.reportable,
		startTime: outcome.startTime,
		statusInfo: {
			status: outcome.result,
			errorCode: outcome.result === 'Success' ? null : (outcome.errorCode ?? null),
			reason: outcome.result === 'Success' ? null : (outcome.errorMessage ?? null),
			additionalDetails: null,
			errorCategory: outcome.result === 'Failure' ? 'failure' : null,
			recommendedAction: null,
		},
		sourceIdentity: {id: outcome.source.id, type: objectTypeNameOf(kindOfTemplate(job)), displayName: outcome.source.displayName, details: null},
		sourceSystem: {id: null, name: sourceSystem ?? null, details: null},
		targetIdentity: {id: outcome.targetId, type: 'User', displayName: null, details: null},
		targetSystem: {id: null, name: targetSystem ?? null, details: null},
	};
}

function kindOfTemplate(job: DemoJob): 'activeDirectory' | 'workday' | 'entra' {
	const templateId = job.job.templateId ?? '';
	if (templateId === 'AD2AADProvisioning') return 'activeDirectory';
	if (/^Workday/i.test(templateId)) return 'workday';
	return 'entra';
}

// ---------------------------------------------------------------------------------------------
// GET /auditLogs/provisioning

/** Paths Microsoft documents as filterable (loop-and-expressions.md §1.3), lower-cased. */
const filterablePaths = new Set([
	'id',
	'tenantid',
	'jobid',
	'changeid',
	'cycleid',
	'provisioningaction',
	'action',
	'activitydatetime',
	'durationinmilliseconds',
	'provisioningstatusinfo/status',
	'statusinfo/status',
	'sourcesystem/displayname',
	'targetsystem/displayname',
	'sourceidentity/identitytype',
	'sourceidentity/id',
	'sourceidentity/displayname',
	'targetidentity/identitytype',
	'targetidentity/id',
	'targetidentity/displayname',
	'serviceprincipal/id',
	'serviceprincipal/name',
	'serviceprincipal/displayname',
	'initiatedby/displayname',
]);

export function auditLogRoute(context: RequestContext, apiVersion: GraphApiVersion, segments: string[], tenant: DemoTenant): Route | SimulatorResponse {
	const [child, ...rest] = segments;
	if (!is(child, 'provisioning')) return graphError(context, 400, 'BadRequest', `Resource not found for the segment '${child ?? 'auditLogs'}'.`);
	if (rest.length > 0) return graphError(context, 400, 'BadRequest', `Resource not found for the segment '${rest[0]}'.`);
	if (context.method !== 'GET') return methodNotAllowed(context);
	return {
		operation: 'auditLogs.read',
		run: () => {
			if (!tenant.premiumLicense) {
				// What Graph answers for reports without Entra ID P1/P2 (graph-notes.md, "Provisioning logs").
				return graphError(context, 403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', "Neither tenant is B2C or tenant doesn't have premium license");
			}
			return listProvisioningLogs(context, apiVersion, tenant);
		},
	};
}

function listProvisioningLogs(context: RequestContext, apiVersion: GraphApiVersion, tenant: DemoTenant): SimulatorResponse {
	const query = context.query;
	const filterText = query.get('$filter');
	const orderBy = (query.get('$orderby') ?? 'activityDateTime desc').trim();
	const topText = query.get('$top');
	const top = topText === null ? 50 : Number(topText);
	if (!Number.isInteger(top) || top < 1 || top > 1000) return graphError(context, 400, 'BadRequest', `Invalid $top value '${topText}': use a whole number from 1 to 1000.`);
	const order = /^activityDateTime(\s+(asc|desc))?$/i.exec(orderBy);
	if (!order) return graphError(context, 400, 'BadRequest', `$orderby supports only activityDateTime asc|desc, not '${orderBy}'.`);
	let events = tenant.provisioning.logs.map((event) => (apiVersion === 'beta' ? withBetaProperties(event) : event));
	if (filterText !== null) {
		try {
			const predicate = parseLogFilter(filterText);
			events = events.filter(predicate);
		} catch (error) {
			if (error instanceof ODataQueryError) return graphError(context, 400, error.code, error.message);
			throw error;
		}
	}
	const descending = (order[2] ?? 'asc').toLowerCase() === 'desc';
	events = [...events].sort((a, b) => (Date.parse(a.activityDateTime) - Date.parse(b.activityDateTime)) * (descending ? -1 : 1));
	const fingerprint = JSON.stringify([filterText, orderBy, top]);
	const skipToken = query.get('$skiptoken');
	let offset = 0;
	try {
		offset = skipToken === null ? 0 : decodeSkipToken(skipToken, fingerprint);
	} catch (error) {
		if (error instanceof ODataQueryError) return graphError(context, 400, error.code, error.message);
		throw error;
	}
	const body: Record<string, unknown> = {'@odata.context': `${metadataUrl(apiVersion)}#auditLogs/provisioning`};
	if (offset + top < events.length) {
		const next = new URLSearchParams();
		for (const [key, value] of query) if (key !== '$skiptoken') next.append(key, value);
		if (!next.has('$top')) next.set('$top', String(top));
		next.set('$skiptoken', encodeSkipToken(offset + top, fingerprint));
		body['@odata.nextLink'] = `${context.baseUrl}/${apiVersion}/auditLogs/provisioning?${next.toString().replace(/\+/g, '%20')}`;
	}
	body.value = events.slice(offset, offset + top);
	return jsonResponse(200, body);
}

/** beta still returns the deprecated `action` and `statusInfo` next to the new names (beta list Example 2). */
function withBetaProperties(event: ProvisioningLogEvent): ProvisioningLogEvent {
	const info = event.provisioningStatusInfo as {status: string; errorInformation: Record<string, unknown> | null};
	const action = String(event.provisioningAction);
	return {
		...event,
		action: action.charAt(0).toUpperCase() + action.slice(1),
		statusInfo: {
			'@odata.type': '#microsoft.graph.statusDetails',
			status: info.status,
			errorCode: info.errorInformation?.errorCode ?? null,
			reason: info.errorInformation?.reason ?? null,
			additionalDetails: null,
			errorCategory: info.errorInformation?.errorCategory ?? null,
			recommendedAction: info.errorInformation?.recommendedAction ?? null,
		},
	};
}

type Predicate = (event: Record<string, unknown>) => boolean;

/** The reports API's answer to a filter it does not support, word for word (ISSUE microsoft-graph-docs-contrib#6620, #6043). */
const invalidFilterClause = 'Invalid filter clause';
type Token = {text: string; quoted: boolean};

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let index = 0;
	while (index < text.length) {
		const char = text[index] as string;
		if (/\s/.test(char)) {
			index++;
		} else if ('(),'.includes(char)) {
			tokens.push({text: char, quoted: false});
			index++;
		} else if (char === "'") {
			let value = '';
			let cursor = index + 1;
			for (;;) {
				if (cursor >= text.length) throw new ODataQueryError('BadRequest', 'Invalid filter clause: unterminated string literal.');
				if (text[cursor] === "'") {
					if (text[cursor + 1] === "'") {
						value += "'";
						cursor += 2;
						continue;
					}
					break;
				}
				value += text[cursor];
				cursor++;
			}
			tokens.push({text: value, quoted: true});
			index = cursor + 1;
		} else {
			const match = /^[^\s(),']+/.exec(text.slice(index)) as RegExpExecArray;
			tokens.push({text: match[0], quoted: false});
			index += match[0].length;
		}
	}
	return tokens;
}

function valueAt(event: Record<string, unknown>, path: string): unknown {
	let current: unknown = event;
	for (const segment of path.split('/')) {
		if (!current || typeof current !== 'object') return undefined;
		const key = Object.keys(current).find((each) => each.toLowerCase() === segment.toLowerCase() || (segment.toLowerCase() === 'name' && each === 'displayName'));
		current = key === undefined ? undefined : (current as Record<string, unknown>)[key];
	}
	return current;
}

/**
 * $filter for provisioning logs as documented: eq, gt, lt, contains() (with tolower(), as Microsoft's own example),
 * and/or, parentheses; case-sensitive. Anything else (ne, ge, le, startswith, not, a property not listed as
 * filterable) is the reports API's 400 "Invalid filter clause" (docs/graph-notes.md).
 */
export function parseLogFilter(text: string): Predicate {
	const tokens = tokenize(text);
	let position = 0;
	const peek = () => tokens[position];
	const keyword = (word: string) => {
		const token = peek();
		return token !== undefined && !token.quoted && token.text.toLowerCase() === word;
	};
	const expect = (word: string) => {
		const token = tokens[position++];
		if (!token || token.quoted || token.text.toLowerCase() !== word) throw new ODataQueryError('BadRequest', `Invalid filter clause: expected '${word}' near '${token?.text ?? 'the end'}'.`);
	};
	const operand = (): {read: (event: Record<string, unknown>) => unknown; path: string} => {
		if (keyword('tolower')) {
			position++;
			expect('(');
			const inner = operand();
			expect(')');
			return {path: inner.path, read: (event) => String(inner.read(event) ?? '').toLowerCase()};
		}
		const token = tokens[position++];
		if (!token || token.quoted) throw new ODataQueryError('BadRequest', 'Invalid filter clause: expected a property path.');
		if (!filterablePaths.has(token.text.toLowerCase())) throw new ODataQueryError('BadRequest', invalidFilterClause);
		return {path: token.text, read: (event) => valueAt(event, token.text)};
	};
	const literal = (): string => {
		const token = tokens[position++];
		if (!token) throw new ODataQueryError('BadRequest', 'Invalid filter clause: expected a value.');
		return token.text;
	};
	const compare = (actual: unknown, expected: string, path: string): number => {
		if (path.toLowerCase() === 'activitydatetime') {
			const right = Date.parse(expected);
			if (Number.isNaN(right)) throw new ODataQueryError('BadRequest', `Invalid filter clause: '${expected}' is not a date and time.`);
			return Math.sign(Date.parse(String(actual)) - right);
		}
		if (typeof actual === 'number') return Math.sign(actual - Number(expected));
		const left = String(actual ?? '');
		return left < expected ? -1 : left > expected ? 1 : 0;
	};
	const factor = (): Predicate => {
		if (peek()?.text === '(' && !peek()?.quoted) {
			position++;
			const inner = expression();
			expect(')');
			return inner;
		}
		if (keyword('contains')) {
			position++;
			expect('(');
			const left = operand();
			expect(',');
			const value = literal();
			expect(')');
			return (event) => String(left.read(event) ?? '').includes(value);
		}
		const left = operand();
		const operatorToken = tokens[position++];
		const operator = operatorToken?.text.toLowerCase();
		const value = literal();
		switch (operator) {
			case 'eq':
				return (event) => compare(left.read(event), value, left.path) === 0;
			case 'gt':
				return (event) => compare(left.read(event), value, left.path) > 0;
			case 'lt':
				return (event) => compare(left.read(event), value, left.path) < 0;
			default:
				throw new ODataQueryError('BadRequest', invalidFilterClause);
		}
	};
	const term = (): Predicate => {
		let left = factor();
		while (keyword('and')) {
			position++;
			const right = factor();
			const previous = left;
			left = (event) => previous(event) && right(event);
		}
		return left;
	};
	const expression = (): Predicate => {
		let left = term();
		while (keyword('or')) {
			position++;
			const right = term();
			const previous = left;
			left = (event) => previous(event) || right(event);
		}
		return left;
	};
	const predicate = expression();
	if (position < tokens.length) throw new ODataQueryError('BadRequest', `Invalid filter clause: unexpected '${tokens[position]?.text}'.`);
	return predicate;
}

// ---------------------------------------------------------------------------------------------
// GET /users/{id | userPrincipalName}: the Entra users of the demo directory (to find a UPN's object id)

export function userRoute(context: RequestContext, apiVersion: GraphApiVersion, segments: string[]): Route | SimulatorResponse {
	const [id, ...rest] = segments;
	if (id === undefined) return graphError(context, 400, 'BadRequest', 'The demo tenant serves single users only: GET /users/{id | userPrincipalName}.');
	if (rest.length > 0) return graphError(context, 400, 'BadRequest', `Resource not found for the segment '${rest[0]}'.`);
	if (context.method !== 'GET') return methodNotAllowed(context);
	return {
		operation: 'users.read',
		run: () => {
			const wanted = safeDecode(id).toLowerCase();
			const user = entraUsers.find((each) => each.id === wanted || each.reportable.toLowerCase() === wanted);
			if (!user) return graphError(context, 404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
			const select = (context.query.get('$select') ?? 'id,userPrincipalName')
				.split(',')
				.map((name) => name.trim())
				.filter(Boolean);
			const properties = graphUserProperties(user);
			const unknown = select.find((name) => !(name in properties) && !name.startsWith('extension_'));
			if (unknown) return graphError(context, 400, 'BadRequest', `Could not find a property named '${unknown}' on type 'microsoft.graph.user'.`);
			return jsonResponse(200, {
				'@odata.context': `${metadataUrl(apiVersion)}#users(${select.join(',')})/$entity`,
				...Object.fromEntries(select.map((name) => [name, properties[name] ?? null])),
			});
		},
	};
}

/**
 * A demo Entra user as Graph's user resource: the provisioning schema's attribute names mapped to Graph's (objectId →
 * id, extensionAttributeN → onPremisesExtensionAttributes…), booleans as booleans, unset properties as null.
 */
function graphUserProperties(user: (typeof entraUsers)[number]): Record<string, unknown> {
	const a = user.attributes;
	const text = (name: string) => a[name] ?? null;
	const extensions = Object.fromEntries(Array.from({length: 15}, (_, index) => [`extensionAttribute${index + 1}`, a[`extensionAttribute${index + 1}`] ?? null]));
	return {
		id: user.id,
		userPrincipalName: user.reportable,
		displayName: text('displayName'),
		givenName: text('givenName'),
		surname: text('surname'),
		mail: text('mail'),
		mailNickname: text('mailNickname'),
		accountEnabled: a.accountEnabled === undefined ? null : a.accountEnabled === 'True',
		jobTitle: text('jobTitle'),
		department: text('department'),
		companyName: text('companyName'),
		userType: text('userType'),
		employeeId: text('employeeId'),
		employeeType: text('employeeType'),
		employeeHireDate: text('employeeHireDate'),
		employeeOrgData: null,
		city: text('city'),
		country: text('country'),
		state: text('state'),
		streetAddress: text('streetAddress'),
		postalCode: text('postalCode'),
		usageLocation: text('usageLocation'),
		preferredLanguage: text('preferredLanguage'),
		mobilePhone: text('mobile'),
		businessPhones: a.telephoneNumber ? [a.telephoneNumber] : [],
		faxNumber: text('facsimileTelephoneNumber'),
		officeLocation: text('physicalDeliveryOfficeName'),
		proxyAddresses: [],
		otherMails: [],
		onPremisesExtensionAttributes: extensions,
		onPremisesImmutableId: text('immutableId'),
		onPremisesSamAccountName: null,
		onPremisesSecurityIdentifier: null,
		onPremisesSyncEnabled: null,
	};
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}
