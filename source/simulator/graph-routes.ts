/**
 * The Microsoft Graph routes the demo tenant serves under /beta and /v1.0: service principals and their
 * synchronization jobs, templates and schemas (research graph-sync-api.md §2).
 */

import type {ServicePrincipal} from '../schema/types.js';
import {schemaTextFor} from './api-shapes.js';
import {authenticate, forbidden, type GraphOperation, isAllowed, reportsRoleAllows, roleAllows, synchronizationDenied} from './authorization.js';
import {evaluateExpression, testInputValues} from '../expressions/evaluate.js';
import {filterOperators} from '../expressions/filter-operators.js';
import {functionSchemas} from '../expressions/function-catalog.js';
import {parseExpressionText, toMappingSource} from '../expressions/parser.js';
import {
	graphError,
	header,
	jsonResponse,
	noContent,
	parseJsonBody,
	type RequestContext,
	rawJsonResponse,
	requestMediaType,
	type SimulatorResponse,
} from './http.js';
import type {IdentityProvider} from './identity.js';
import {
	decodeSkipToken,
	encodeSkipToken,
	ODataQueryError,
	parseFilter,
	parseOrderBy,
	parseSearch,
	parseSelect,
	parseTop,
	pickProperties,
} from './odata.js';
import {auditLogRoute, jobActionRoute, userRoute} from './loop-routes.js';
import {validateSchemaDocument} from './schema-validation.js';
import {cloudSyncApplicationTemplateId, type DemoJob, type DemoTenant} from './tenant.js';

export const graphApiVersions = ['beta', 'v1.0'] as const;
export type GraphApiVersion = (typeof graphApiVersions)[number];

export type GraphDependencies = {tenant: DemoTenant; identity: IdentityProvider};

type Route = {operation: GraphOperation; run: () => SimulatorResponse};

const servicePrincipalType = 'microsoft.graph.servicePrincipal';

export const metadataUrl = (apiVersion: GraphApiVersion) => `https://graph.microsoft.com/${apiVersion}/$metadata`;

/** Handles one Graph request: authentication, routing, authorization, then the operation. */
export function handleGraphRequest(context: RequestContext, apiVersion: GraphApiVersion, segments: string[], dependencies: GraphDependencies): SimulatorResponse {
	const authentication = authenticate(context, dependencies.identity);
	if (!authentication.ok) return authentication.response;
	const route = resolveRoute(context, apiVersion, segments, dependencies);
	if (!('operation' in route)) return route;
	if (route.operation === 'servicePrincipals.read' || route.operation === 'users.read') {
		if (!isAllowed(authentication.grant, route.operation)) return forbidden(context);
	} else if (route.operation === 'auditLogs.read') {
		// The reporting service, not the sync backend: a missing permission or role is Graph's usual 403.
		if (!isAllowed(authentication.grant, route.operation) || !reportsRoleAllows(authentication.grant)) return forbidden(context);
	} else {
		// The synchronization backend answers a missing permission or directory role with 401 UnknownError.
		const servicePrincipal = dependencies.tenant.findServicePrincipal(segments[1] ?? '');
		const isCloudSync = servicePrincipal?.applicationTemplateId === cloudSyncApplicationTemplateId;
		if (!isAllowed(authentication.grant, route.operation) || !roleAllows(authentication.grant, {isCloudSync})) return synchronizationDenied(context);
	}
	try {
		return route.run();
	} catch (error) {
		if (error instanceof ODataQueryError) return graphError(context, 400, error.code, error.message);
		throw error;
	}
}

function segmentNotFound(context: RequestContext, segment: string): SimulatorResponse {
	return graphError(context, 400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

function methodNotAllowed(context: RequestContext): SimulatorResponse {
	return graphError(context, 405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
}

function resourceNotFound(context: RequestContext, id: string): SimulatorResponse {
	return graphError(context, 404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}

const is = (segment: string | undefined, name: string) => segment?.toLowerCase() === name.toLowerCase();

function resolveRoute(context: RequestContext, apiVersion: GraphApiVersion, segments: string[], dependencies: GraphDependencies): Route | SimulatorResponse {
	const {method} = context;
	const [collection, servicePrincipalId, navigation, child, jobId, jobChild, schemaChild, schemaGrandchild, ...tooDeep] = segments;
	if (collection === undefined) return segmentNotFound(context, apiVersion);
	if (is(collection, 'auditLogs')) return auditLogRoute(context, apiVersion, segments.slice(1), dependencies.tenant);
	if (is(collection, 'users')) return userRoute(context, apiVersion, segments.slice(1));
	if (!is(collection, 'servicePrincipals')) return segmentNotFound(context, collection);
	const read = (operation: GraphOperation, run: () => SimulatorResponse): Route | SimulatorResponse =>
		method === 'GET' ? {operation, run} : methodNotAllowed(context);

	if (servicePrincipalId === undefined) return read('servicePrincipals.read', () => listServicePrincipals(context, apiVersion, dependencies.tenant));
	if (navigation === undefined) return read('servicePrincipals.read', () => getServicePrincipal(context, apiVersion, dependencies.tenant, servicePrincipalId));
	if (!is(navigation, 'synchronization')) return segmentNotFound(context, navigation);
	if (child === undefined) return segmentNotFound(context, navigation);

	const withServicePrincipal = (run: (servicePrincipal: ServicePrincipal) => SimulatorResponse) => () => {
		const servicePrincipal = dependencies.tenant.findServicePrincipal(servicePrincipalId);
		return servicePrincipal ? run(servicePrincipal) : resourceNotFound(context, servicePrincipalId);
	};
	if (is(child, 'templates')) {
		if (jobId !== undefined) return segmentNotFound(context, jobId);
		return read('synchronization.read', withServicePrincipal((servicePrincipal) => listTemplates(apiVersion, dependencies.tenant, servicePrincipal)));
	}
	if (is(child, 'secrets')) {
		if (jobId !== undefined) return segmentNotFound(context, jobId);
		// Graph documents only PUT; reading them needs the write permission here, the cautious guess.
		if (method === 'GET') return {operation: 'synchronization.write', run: withServicePrincipal((servicePrincipal) => listSecrets(apiVersion, dependencies.tenant, servicePrincipal))};
		if (method === 'PUT') return {operation: 'synchronization.write', run: withServicePrincipal((servicePrincipal) => putSecrets(context, dependencies.tenant, servicePrincipal))};
		return methodNotAllowed(context);
	}
	if (!is(child, 'jobs')) return segmentNotFound(context, child);
	if (jobId === undefined) return read('synchronization.read', withServicePrincipal((servicePrincipal) => listJobs(apiVersion, dependencies.tenant, servicePrincipal)));

	const withJob = (run: (job: DemoJob) => SimulatorResponse) =>
		withServicePrincipal((servicePrincipal) => {
			const job = dependencies.tenant.findJob(servicePrincipal.id, jobId);
			return job ? run(job) : resourceNotFound(context, jobId);
		});
	if (jobChild === undefined) {
		return read(
			'synchronization.read',
			withJob((job) => {
				dependencies.tenant.provisioning.refresh(job);
				return jsonResponse(200, {'@odata.context': `${metadataUrl(apiVersion)}#servicePrincipals('${job.servicePrincipalId}')/synchronization/jobs/$entity`, ...job.job});
			}),
		);
	}
	if (!is(jobChild, 'schema')) {
		if (schemaChild !== undefined) return segmentNotFound(context, schemaChild);
		const action = jobActionRoute(context, apiVersion, jobChild, dependencies.tenant);
		if (!action) return segmentNotFound(context, jobChild);
		if (!('operation' in action)) return action;
		return {operation: action.operation, run: withJob(action.run)};
	}

	if (schemaChild === undefined) {
		switch (method) {
			case 'GET':
				return {operation: 'synchronization.read', run: withJob((job) => rawJsonResponse(200, schemaTextFor(job.schema.text, apiVersion)))};
			case 'PUT':
				return {operation: 'synchronization.write', run: withJob((job) => putSchema(context, apiVersion, dependencies.tenant, job))};
			case 'DELETE':
				return {
					operation: 'synchronization.write',
					run: withJob((job) => {
						dependencies.tenant.resetSchema(job);
						return noContent();
					}),
				};
			case 'PATCH':
				return {operation: 'synchronization.write', run: withJob((job) => patchNotSupported(context, job))};
			default:
				return methodNotAllowed(context);
		}
	}
	if (is(schemaChild, 'parseExpression')) {
		if (schemaGrandchild !== undefined) return segmentNotFound(context, schemaGrandchild);
		if (method !== 'POST') return methodNotAllowed(context);
		// parseExpression, functions and filterOperators document only Synchronization.ReadWrite.All (delegated).
		return {operation: 'synchronization.write', run: withJob((job) => parseExpression(context, apiVersion, dependencies.tenant, job))};
	}
	if (is(schemaChild, 'functions')) {
		if (schemaGrandchild !== undefined) return segmentNotFound(context, schemaGrandchild);
		return read(
			'synchronization.write',
			withJob((job) => {
				// A cloud sync job lists the cloud sync reference's functions, any other job the app-provisioning ones.
				const flavor = /^(AD2AAD|AAD2AD)/i.test(job.job.templateId ?? '') ? 'cloudSync' : 'app';
				return jsonResponse(200, {'@odata.context': `${metadataUrl(apiVersion)}#functions`, value: functionSchemas(flavor)});
			}),
		);
	}
	if (is(schemaChild, 'filterOperators')) {
		if (schemaGrandchild !== undefined) return segmentNotFound(context, schemaGrandchild);
		return read(
			'synchronization.write',
			withJob(() => jsonResponse(200, {'@odata.context': `${metadataUrl(apiVersion)}#Collection(microsoft.graph.filterOperatorSchema)`, value: filterOperators})),
		);
	}
	if (is(schemaChild, 'directories')) {
		if (tooDeep.length > 0) return segmentNotFound(context, tooDeep[0] as string);
		return read('synchronization.read', withJob((job) => directories(context, apiVersion, job, schemaGrandchild)));
	}
	return segmentNotFound(context, schemaChild);
}

const servicePrincipalProperties = (tenant: DemoTenant): string[] => Object.keys(tenant.servicePrincipals[0] ?? {id: ''});

function listServicePrincipals(context: RequestContext, apiVersion: GraphApiVersion, tenant: DemoTenant): SimulatorResponse {
	const query = context.query;
	const eventual = header(context, 'consistencylevel')?.toLowerCase() === 'eventual';
	const filterText = query.get('$filter');
	const searchText = query.get('$search');
	const selectText = query.get('$select');
	const orderByText = query.get('$orderby');
	const countRequested = query.get('$count')?.toLowerCase() === 'true';
	if (searchText !== null && !eventual) {
		return graphError(
			context,
			400,
			'Request_UnsupportedQuery',
			"Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
		);
	}
	// Without ConsistencyLevel: eventual, $count=true is ignored (no @odata.count), as Graph does for directory objects.
	const advanced = eventual && countRequested;
	const top = parseTop(query.get('$top'));
	const select = selectText === null ? undefined : parseSelect(selectText, servicePrincipalProperties(tenant), servicePrincipalType);
	let matches = tenant.servicePrincipals as unknown as Record<string, unknown>[];
	if (filterText !== null) matches = matches.filter(parseFilter(filterText, advanced));
	if (searchText !== null) matches = matches.filter(parseSearch(searchText.trim()));
	if (orderByText !== null) {
		if (!advanced) {
			return graphError(
				context,
				400,
				'Request_UnsupportedQuery',
				"$orderby on servicePrincipals needs the advanced query capabilities ('ConsistencyLevel: eventual' header and $count=true).",
			);
		}
		matches = [...matches].sort(parseOrderBy(orderByText));
	}

	const fingerprint = JSON.stringify([filterText, searchText, selectText, orderByText, top]);
	const skipToken = query.get('$skiptoken');
	const offset = skipToken === null ? 0 : decodeSkipToken(skipToken, fingerprint);
	const page = matches.slice(offset, offset + top);
	const body: Record<string, unknown> = {
		'@odata.context': `${metadataUrl(apiVersion)}#servicePrincipals${select ? `(${select.join(',')})` : ''}`,
	};
	if (countRequested && eventual && offset === 0) body['@odata.count'] = matches.length;
	if (offset + top < matches.length) {
		const next = new URLSearchParams();
		for (const [key, value] of query) if (key !== '$skiptoken') next.append(key, value);
		next.set('$skiptoken', encodeSkipToken(offset + top, fingerprint));
		// Graph writes the option names as is ($top, $skiptoken), as in its paging documentation.
		body['@odata.nextLink'] = `${context.baseUrl}/${apiVersion}/servicePrincipals?${next.toString().replace(/\+/g, '%20').replace(/%24/g, '$')}`;
	}
	body.value = page.map((each) => pickProperties(each, select));
	return jsonResponse(200, body);
}

function getServicePrincipal(context: RequestContext, apiVersion: GraphApiVersion, tenant: DemoTenant, id: string): SimulatorResponse {
	const selectText = context.query.get('$select');
	const select = selectText === null ? undefined : parseSelect(selectText, servicePrincipalProperties(tenant), servicePrincipalType);
	const servicePrincipal = tenant.findServicePrincipal(id);
	if (!servicePrincipal) return resourceNotFound(context, id);
	return jsonResponse(200, {
		'@odata.context': `${metadataUrl(apiVersion)}#servicePrincipals${select ? `(${select.join(',')})` : ''}/$entity`,
		...pickProperties(servicePrincipal, select),
	});
}

function listJobs(apiVersion: GraphApiVersion, tenant: DemoTenant, servicePrincipal: ServicePrincipal): SimulatorResponse {
	for (const job of tenant.jobsOf(servicePrincipal.id)) tenant.provisioning.refresh(job);
	return jsonResponse(200, {
		'@odata.context': `${metadataUrl(apiVersion)}#servicePrincipals('${servicePrincipal.id}')/synchronization/jobs`,
		value: tenant.jobsOf(servicePrincipal.id).map((each) => each.job),
	});
}

function listTemplates(apiVersion: GraphApiVersion, tenant: DemoTenant, servicePrincipal: ServicePrincipal): SimulatorResponse {
	return jsonResponse(200, {
		'@odata.context': `${metadataUrl(apiVersion)}#servicePrincipals('${servicePrincipal.id}')/synchronization/templates`,
		value: tenant.templates.get(servicePrincipal.id) ?? [],
	});
}

/** The app's provisioning credentials (synchronizationSecretKeyStringValuePair): never part of a job's schema. */
function listSecrets(apiVersion: GraphApiVersion, tenant: DemoTenant, servicePrincipal: ServicePrincipal): SimulatorResponse {
	return jsonResponse(200, {
		'@odata.context': `${metadataUrl(apiVersion)}#servicePrincipals('${servicePrincipal.id}')/synchronization/secrets`,
		value: tenant.synchronizationSecrets.get(servicePrincipal.id) ?? [],
	});
}

/** PUT …/synchronization/secrets `{value: [{key, value}]}`: each key given is set, the others kept. */
function putSecrets(context: RequestContext, tenant: DemoTenant, servicePrincipal: ServicePrincipal): SimulatorResponse {
	const mediaTypeProblem = unsupportedMediaType(context);
	if (mediaTypeProblem) return mediaTypeProblem;
	const body = parseJsonBody(context) as {value?: unknown} | undefined;
	const pairs = body && typeof body === 'object' && Array.isArray(body.value) ? body.value : undefined;
	if (!pairs?.every((pair) => pair && typeof pair.key === 'string' && typeof pair.value === 'string')) {
		return graphError(context, 400, 'BadRequest', 'Send {"value": [{"key": "...", "value": "..."}]}.');
	}
	const secrets = [...(tenant.synchronizationSecrets.get(servicePrincipal.id) ?? [])];
	for (const {key, value} of pairs as {key: string; value: string}[]) {
		const existing = secrets.findIndex((each) => each.key === key);
		if (existing >= 0) secrets[existing] = {key, value};
		else secrets.push({key, value});
	}
	tenant.synchronizationSecrets.set(servicePrincipal.id, secrets);
	tenant.provisioning.credentialsSaved(servicePrincipal.id);
	return noContent();
}

export function unsupportedMediaType(context: RequestContext): SimulatorResponse | undefined {
	const mediaType = requestMediaType(context);
	if (mediaType === 'application/json') return undefined;
	return graphError(context, 415, 'UnsupportedMediaType', `The request entity's media type '${mediaType ?? ''}' is not supported for this resource.`);
}

export function invalidJson(context: RequestContext): SimulatorResponse {
	return graphError(
		context,
		400,
		'BadRequest',
		'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
	);
}

function putSchema(context: RequestContext, apiVersion: GraphApiVersion, tenant: DemoTenant, job: DemoJob): SimulatorResponse {
	const mediaTypeProblem = unsupportedMediaType(context);
	if (mediaTypeProblem) return mediaTypeProblem;
	const document = parseJsonBody(context);
	if (document === undefined) return invalidJson(context);
	const failure = validateSchemaDocument(document);
	if (failure) return graphError(context, failure.status, failure.code, failure.message);
	tenant.storeSchema(job, document as Record<string, unknown>, apiVersion);
	return noContent();
}

/** What the service answers for PATCH on a schema: the SDKs send it, syncfabric has no such route (research §3.3). */
function patchNotSupported(context: RequestContext, job: DemoJob): SimulatorResponse {
	const uri = `https://syncfabric.windowsazure.com/api/servicePrincipals('${job.servicePrincipalId}')/synchronization/jobs('${job.job.id}')/schema?api-version=2.0`;
	return graphError(context, 404, 'UnknownError', JSON.stringify({Message: `No HTTP resource was found that matches the request URI '${uri}'.`}));
}

function parseExpression(context: RequestContext, apiVersion: GraphApiVersion, tenant: DemoTenant, job: DemoJob): SimulatorResponse {
	const mediaTypeProblem = unsupportedMediaType(context);
	if (mediaTypeProblem) return mediaTypeProblem;
	const body = parseJsonBody(context);
	if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) return invalidJson(context);
	const {expression, testInputObject} = body as {expression?: unknown; testInputObject?: unknown};
	if (typeof expression !== 'string') return graphError(context, 400, 'BadRequest', "The parameter 'expression' is required and must be a string.");
	const responseContext = {'@odata.context': `${metadataUrl(apiVersion)}#microsoft.graph.parseExpressionResponse`};
	const outcome = parseExpressionText(expression);
	if (!outcome.ok && tenant.parseExpressionFailure === 'http400') return graphError(context, 400, 'BadRequest', outcome.error.message);
	if (!outcome.ok) {
		return jsonResponse(200, {
			...responseContext,
			error: {code: 'ExpressionParsingFailed', message: outcome.error.message, target: 'expression', details: null, innerError: null},
			evaluationResult: null,
			evaluationSucceeded: false,
			parsedExpression: null,
			parsingSucceeded: false,
		});
	}
	let evaluation: {error: unknown; evaluationResult: string[] | null; evaluationSucceeded: boolean} = {
		error: null,
		evaluationResult: null,
		evaluationSucceeded: false,
	};
	if (testInputObject && typeof testInputObject === 'object') {
		// Cloud sync (AD2AAD) and app provisioning document Replace and Item differently; the job decides.
		const flavor = /^AD2AAD/i.test(job.job.templateId ?? '') ? 'cloudSync' : 'app';
		const result = evaluateExpression(outcome.node, testInputValues(testInputObject), {defaultDomain: tenant.domain, flavor});
		evaluation = result.ok
			? {error: null, evaluationResult: result.values, evaluationSucceeded: true}
			: {
					error: {
						code: 'ExpressionEvaluationFailed',
						message: result.reason === 'unsupported' ? `The demo tenant cannot evaluate this expression: ${result.message}.` : result.message,
						target: 'expression',
						details: null,
						innerError: null,
					},
					evaluationResult: null,
					evaluationSucceeded: false,
				};
	}
	return jsonResponse(200, {
		...responseContext,
		error: evaluation.error,
		evaluationResult: evaluation.evaluationResult,
		evaluationSucceeded: evaluation.evaluationSucceeded,
		parsedExpression: toMappingSource(outcome.node),
		parsingSucceeded: true,
	});
}

function directories(context: RequestContext, apiVersion: GraphApiVersion, job: DemoJob, directoryId: string | undefined): SimulatorResponse {
	let list: Record<string, unknown>[];
	try {
		const parsed = JSON.parse(job.schema.text) as {directories?: unknown};
		list = Array.isArray(parsed.directories) ? (parsed.directories as Record<string, unknown>[]) : [];
	} catch {
		return graphError(context, 500, 'InternalServerError', 'The stored schema could not be read.');
	}
	const base = `${metadataUrl(apiVersion)}#servicePrincipals('${job.servicePrincipalId}')/synchronization/jobs('${job.job.id}')/schema/directories`;
	if (directoryId === undefined) return jsonResponse(200, {'@odata.context': base, value: list});
	const directory = list.find((each) => each.id === directoryId);
	return directory ? jsonResponse(200, {'@odata.context': `${base}/$entity`, ...directory}) : resourceNotFound(context, directoryId);
}
