/**
 * The Graph simulator ("demo tenant"): a real HTTP server on 127.0.0.1 that serves the Microsoft Graph
 * synchronization API under /beta and /v1.0, a minimal identity provider under /{tenant}/oauth2/v2.0,
 * and test-control routes under /_simulator/. Node built-ins only; no React.
 */

import {FaultInjector} from './faults.js';
import {defaultDemoClientSecret, IdentityProvider} from './identity.js';
import type {ProvisioningOptions} from './provisioning.js';
import type {LargeSchemaCounts} from './schemas/large.js';
import {type RequestLogEntry, SimulatorServer} from './server.js';
import {DemoTenant} from './tenant.js';

export type SimulatorOptions = {
	/** Default 0: a random free port. The server always binds 127.0.0.1. */
	port?: number;
	/** Raw text (any content) that replaces the contoso.com AD2AADProvisioning schema; served byte-for-byte. */
	schemaOverride?: string;
	/** Adds the app "Contoso HR (large)" whose job schema is generated with these counts. */
	largeSchema?: LargeSchemaCounts;
	/**
	 * Adds this many custom SCIM apps, "Contoso Partner App 001" onwards, each with one active job and a small
	 * (about 35 KB) schema, after the demo apps (whose ids stay the same): a tenant at scale for benchmarks.
	 */
	extraApps?: number;
	/** Added to every response (for benchmarks). */
	latencyMs?: number;
	/**
	 * Demo sign-in: device codes become approved this many ms after they were issued. Left out: 1500.
	 * Given as undefined or a negative number: never auto-approve (use approveDeviceCode).
	 */
	autoApproveDeviceCodeMs?: number;
	/** The device-code `interval` (seconds) the sign-in service asks clients to poll at. Default 5, as Entra; tests shorten it. */
	deviceCodeIntervalSeconds?: number;
	/** The client secret the client-credentials grant accepts. Default: "pvx-demo-client-secret". */
	clientSecret?: string;
	/** Request bodies longer than this are cut in the request log (default 1 MiB) so big PUTs don't pile up in memory. */
	requestLogBodyLimit?: number;
	/** Job life and provisioning: cycle length (default 6 s), what DO NOT USE restart scopes do, the on-demand limit. */
	provisioning?: ProvisioningOptions;
	/** False: no Entra ID P1/P2 licence, so provisioning logs answer 403 (default true). */
	premiumLicense?: boolean;
	/**
	 * Store a PUT schema the way a service that normalises might (Microsoft does not document whether it does):
	 * `defaultValue: null` filled in where left out, keys reordered, a new `version`. Default: stored as sent.
	 */
	normalizeOnStore?: boolean;
	/** How parseExpression answers a malformed expression: 200 with parsingSucceeded false (default), or HTTP 400. */
	parseExpressionFailure?: 'response' | 'http400';
};

export type Simulator = {
	/** e.g. http://127.0.0.1:43121 — Graph under `${url}/beta` and `${url}/v1.0`, identity under `${url}/{tenant}/oauth2/v2.0/…`. */
	url: string;
	tenant: DemoTenant;
	faults: FaultInjector;
	requests: RequestLogEntry[];
	/** The identity provider, for tests: issue tokens directly, expire device codes, revoke refresh tokens. */
	identity: IdentityProvider;
	approveDeviceCode(userCode: string): void;
	declineDeviceCode(userCode: string): void;
	close(): Promise<void>;
};

export const defaultAutoApproveDeviceCodeMs = 1500;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const tenant = new DemoTenant({
		schemaOverride: options.schemaOverride,
		largeSchema: options.largeSchema,
		extraApps: options.extraApps,
		provisioning: options.provisioning,
		premiumLicense: options.premiumLicense,
	});
	tenant.normalizeOnStore = options.normalizeOnStore ?? false;
	tenant.parseExpressionFailure = options.parseExpressionFailure ?? 'response';
	const faults = new FaultInjector();
	const requests: RequestLogEntry[] = [];
	const autoApproveOption = Object.hasOwn(options, 'autoApproveDeviceCodeMs') ? options.autoApproveDeviceCodeMs : defaultAutoApproveDeviceCodeMs;
	let server: SimulatorServer | undefined;
	const identity = new IdentityProvider({
		tenant,
		baseUrl: () => server?.url ?? '',
		autoApproveDeviceCodeMs: autoApproveOption === undefined || autoApproveOption < 0 ? undefined : autoApproveOption,
		clientSecret: options.clientSecret ?? defaultDemoClientSecret,
		deviceCodeIntervalSeconds: options.deviceCodeIntervalSeconds,
	});
	server = new SimulatorServer({
		port: options.port ?? 0,
		tenant,
		identity,
		faults,
		requests,
		latencyMs: options.latencyMs ?? 0,
		requestLogBodyLimit: options.requestLogBodyLimit ?? 1024 * 1024,
	});
	const url = await server.listen();
	const running = server;
	return {
		url,
		tenant,
		faults,
		requests,
		identity,
		approveDeviceCode: (userCode) => identity.approveDeviceCode(userCode),
		declineDeviceCode: (userCode) => identity.declineDeviceCode(userCode),
		close: () => running.close(),
	};
}

export type {AuthenticationResult, GraphOperation} from './authorization.js';
export {acceptedPermissions} from './authorization.js';
export type {ExpressionNode, ExpressionSyntaxError, ParseOutcome} from '../expressions/parser.js';
export {expressionToMappingSource, parseExpressionText, referencedAttributes, renderExpression, toMappingSource} from '../expressions/parser.js';
export type {FunctionParameterSchema, FunctionSpec} from '../expressions/function-catalog.js';
export {functionCatalog, functionSchemas} from '../expressions/function-catalog.js';
export type {FilterOperatorSchema} from '../expressions/filter-operators.js';
export {filterOperators} from '../expressions/filter-operators.js';
export type {ActiveFault, FaultDrop, FaultRule, FaultRuleJson} from './faults.js';
export {FaultInjector} from './faults.js';
export type {AccessGrant, TokenValidation} from './identity.js';
export {defaultDemoClientSecret, IdentityProvider} from './identity.js';
export type {SchemaIdentity} from './schemas/builders.js';
export type {LargeSchemaCounts} from './schemas/large.js';
export {generateLargeSchema} from './schemas/large.js';
export {generatePasswordHashSchema} from './schemas/password-hash.js';
export {generateSalesforceSchema} from './schemas/salesforce.js';
export {generateScimSchema} from './schemas/scim.js';
export {generateWorkdaySchema} from './schemas/workday.js';
export type {ProvisioningLogEvent, ProvisioningOptions} from './provisioning.js';
export {doNotUseResetScopes, ProvisioningService, resetScopeValues} from './provisioning.js';
export type {SourceObject} from './source-directories.js';
export {activeDirectoryUsers, entraUsers, workdayWorkers} from './source-directories.js';
export type {RequestLogEntry} from './server.js';
export type {DemoJob, StoredSchema, SynchronizationTemplate} from './tenant.js';
export {
	cloudSyncApplicationTemplateId,
	cloudSyncProvisioningJobId,
	cloudSyncServicePrincipalId,
	DemoTenant,
	demoAdmin,
	demoTenantDomain,
	demoTenantId,
} from './tenant.js';
