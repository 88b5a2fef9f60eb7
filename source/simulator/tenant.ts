/**
 * The demo tenant "contoso.com": service principals, their provisioning jobs and templates, and each
 * job's schema stored as raw text plus version. Everything is derived from seeded PRNG streams and a
 * tenant clock, so two instances are identical.
 */

import {randomBytes} from 'node:crypto';
import type {ServicePrincipal, SynchronizationJob, SynchronizationSchema} from '../schema/types.js';
import {readCloudSyncFixture} from './data-files.js';
import {type ProvisioningOptions, ProvisioningService} from './provisioning.js';
import {createSeededRandom, type SeededRandom} from './random.js';
import {odataSchemaContext, type SchemaIdentity} from './schemas/builders.js';
import {generateLargeSchema, type LargeSchemaCounts} from './schemas/large.js';
import {generatePasswordHashSchema} from './schemas/password-hash.js';
import {generateSalesforceSchema} from './schemas/salesforce.js';
import {generateScimSchema} from './schemas/scim.js';
import {generateWorkdaySchema} from './schemas/workday.js';
import {TenantClock} from './versions.js';

export const demoTenantId = '3f6b1e2a-7c4d-4e8f-9a1b-5d2c8e7f4a60';
export const demoTenantDomain = 'contoso.com';
export const demoAdmin = {
	id: 'b7e1c0de-4a5f-4c3b-8d2e-9f1a6b3c5d70',
	userPrincipalName: 'admin@contoso.com',
	displayName: 'Demo Admin',
} as const;

/** Entra Cloud Sync's application template (research §2.2). */
export const cloudSyncApplicationTemplateId = '1a4721b3-e57f-4451-ae87-ef078703ec94';
/** The fixture's own ids, so its `@odata.context` and `id` match the job that serves it. */
export const cloudSyncServicePrincipalId = '5974b304-92cd-452b-9bd5-6d11807354d1';
export const cloudSyncProvisioningJobId = 'AD2AADProvisioning.a948e1d58215475cb76a66f39959b21a.791b065b-71d9-42b7-9745-8f6a00f2339b';
/** The application template of custom ("non-gallery") apps. */
const nonGalleryApplicationTemplateId = '8adf8e6e-67b2-4cf2-a259-e3dc5476c621';
/** The Microsoft services tenant that owns first-party apps. */
const microsoftTenantId = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

export type StoredSchema = {
	/** Served byte-for-byte by GET …/schema. */
	text: string;
	version: string;
	/** What DELETE …/schema restores ("Restore default mappings"). */
	readonly templateDefaultText: string;
};

export type DemoJob = {servicePrincipalId: string; job: SynchronizationJob; schema: StoredSchema};

export type SynchronizationTemplate = {
	id: string;
	applicationId: string;
	default: boolean;
	description: string;
	discoverable: boolean;
	factoryTag: string;
	metadata: {key: string; value: string}[];
};

export type DemoTenantOptions = {
	schemaOverride?: string;
	largeSchema?: LargeSchemaCounts;
	/** Adds this many custom SCIM apps with one job each (see SimulatorOptions.extraApps). */
	extraApps?: number;
	/** Job life and provisioning (cycle length, DO NOT USE restart scopes, on-demand limit). */
	provisioning?: ProvisioningOptions;
	/** False: the tenant has no Entra ID P1/P2 licence, so provisioning logs are refused (default true). */
	premiumLicense?: boolean;
};

type JobStatusKind = 'active' | 'paused' | 'quarantine';

type ProvisioningAppSpec = {
	displayName: string;
	applicationTemplateId: string;
	tags: string[];
	preferredSingleSignOnMode: string | null;
	jobs: {
		templateId: string;
		status: JobStatusKind;
		interval: string;
		entryType: string;
		schema: (identity: SchemaIdentity) => string;
		/** The text comes from outside (fixture, override): read its version instead of assigning one. */
		textCarriesVersion?: boolean;
	}[];
	templateDescription: string;
};

const compact = (schema: SynchronizationSchema) => JSON.stringify(schema);

/** What every non-gallery SCIM app of the demo tenant (Contoso SCIM App, the partner apps) has in common. */
const scimAppIdentity = {
	applicationTemplateId: nonGalleryApplicationTemplateId,
	tags: ['WindowsAzureActiveDirectoryCustomSingleSignOnApplication', 'WindowsAzureActiveDirectoryIntegratedApp'],
	preferredSingleSignOnMode: 'saml',
	templateDescription: 'Provisioning to a SCIM 2.0 endpoint',
};

export class DemoTenant {
	readonly tenantId = demoTenantId;
	readonly domain = demoTenantDomain;
	readonly admin = demoAdmin;
	readonly servicePrincipals: ServicePrincipal[] = [];
	readonly jobs: DemoJob[] = [];
	/** Synchronization templates by service principal id. */
	readonly templates = new Map<string, SynchronizationTemplate[]>();
	readonly clock: TenantClock;
	/** Job life, provisioning on demand and the provisioning logs. */
	readonly provisioning: ProvisioningService;
	/** Entra ID P1/P2: provisioning logs need it. */
	premiumLicense: boolean;
	private readonly random: SeededRandom;
	/** See SimulatorOptions.normalizeOnStore; tests may switch it at any time. */
	normalizeOnStore = false;
	/** See SimulatorOptions.parseExpressionFailure. */
	parseExpressionFailure: 'response' | 'http400' = 'response';

	constructor(options: DemoTenantOptions = {}) {
		this.random = createSeededRandom('contoso.com demo tenant');
		this.clock = new TenantClock('2025-06-02T08:00:00Z', createSeededRandom('contoso.com clock'));
		this.build(options);
		this.addSynchronizationSecrets();
		this.premiumLicense = options.premiumLicense ?? true;
		this.provisioning = new ProvisioningService(
			{
				tenantId: this.tenantId,
				domain: this.domain,
				admin: this.admin,
				jobs: this.jobs,
				servicePrincipalName: (id) => this.findServicePrincipal(id)?.displayName ?? id,
			},
			options.provisioning,
		);
	}

	/**
	 * Provisioning credentials by service principal id (GET/PUT …/synchronization/secrets). Random, unlike the
	 * rest of the tenant: they are what tests prove never reaches output, logs, backups or exports.
	 */
	readonly synchronizationSecrets = new Map<string, {key: string; value: string}[]>();

	/** Every secret value the tenant holds, for leak scans. */
	synchronizationSecretValues(): string[] {
		return [...this.synchronizationSecrets.values()].flatMap((pairs) => pairs.map((pair) => pair.value));
	}

	private addSynchronizationSecrets(): void {
		const secret = () => `pvx-sync-secret.${randomBytes(24).toString('base64url')}`;
		const byName = (displayName: string) => this.servicePrincipals.find((each) => each.displayName === displayName)?.id;
		const scim = byName('Contoso SCIM App');
		if (scim) this.synchronizationSecrets.set(scim, [{key: 'BaseAddress', value: `https://scim-${randomBytes(6).toString('hex')}.contoso.example/scim/v2`}, {key: 'SecretToken', value: secret()}]);
		const salesforce = byName('Salesforce');
		if (salesforce) this.synchronizationSecrets.set(salesforce, [{key: 'UserName', value: 'provisioning@contoso.example'}, {key: 'Password', value: secret()}, {key: 'SecretToken', value: secret()}]);
	}

	findServicePrincipal(id: string): ServicePrincipal | undefined {
		const lower = id.toLowerCase();
		return this.servicePrincipals.find((each) => each.id === lower);
	}

	jobsOf(servicePrincipalId: string): DemoJob[] {
		return this.jobs.filter((each) => each.servicePrincipalId === servicePrincipalId);
	}

	findJob(servicePrincipalId: string, jobId: string): DemoJob | undefined {
		const jobs = this.jobsOf(servicePrincipalId);
		return jobs.find((each) => each.job.id === jobId) ?? jobs.find((each) => each.job.id.toLowerCase() === jobId.toLowerCase());
	}

	/**
	 * Stores a schema received by PUT: the received document with `version` and `@odata.context` set by
	 * the service (and `id` kept, defaulting to the job id), serialized compactly like the real service.
	 */
	storeSchema(demoJob: DemoJob, document: Record<string, unknown>, apiVersion: string): void {
		const version = this.clock.nextVersion(demoJob.schema.version);
		const {'@odata.context': _context, id, version: _version, ...rest} = this.normalizeOnStore ? normalizedForStore(document) : document;
		const stored = {
			'@odata.context': odataSchemaContext(demoJob.servicePrincipalId, demoJob.job.id, apiVersion),
			id: typeof id === 'string' ? id : demoJob.job.id,
			version,
			...rest,
		};
		demoJob.schema.text = JSON.stringify(stored);
		demoJob.schema.version = version;
	}

	/** DELETE …/schema: back to the template default, with a new version. */
	resetSchema(demoJob: DemoJob): void {
		const version = this.clock.nextVersion(demoJob.schema.version);
		demoJob.schema.version = version;
		try {
			const document = JSON.parse(demoJob.schema.templateDefaultText) as Record<string, unknown>;
			if (document && typeof document === 'object' && !Array.isArray(document)) {
				document.version = version;
				demoJob.schema.text = JSON.stringify(document);
				return;
			}
		} catch {
			// A non-JSON schemaOverride cannot carry a version; restore its text as it was.
		}
		demoJob.schema.text = demoJob.schema.templateDefaultText;
	}

	private build(options: DemoTenantOptions): void {
		const apps: (ProvisioningAppSpec & {id?: string})[] = [
			{
				id: cloudSyncServicePrincipalId,
				displayName: 'contoso.com',
				applicationTemplateId: cloudSyncApplicationTemplateId,
				tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
				preferredSingleSignOnMode: null,
				templateDescription: 'Microsoft Entra Cloud Sync: Active Directory to Microsoft Entra ID',
				jobs: [
					{
						templateId: 'AD2AADProvisioning',
						status: 'active',
						interval: 'PT2M',
						entryType: 'user to User',
						schema: () => options.schemaOverride ?? readCloudSyncFixture(),
						textCarriesVersion: true,
					},
					{
						templateId: 'AD2AADPasswordHash',
						status: 'active',
						interval: 'PT2M',
						entryType: 'user to SyncCredentialsChangeItem',
						schema: (identity) => compact(generatePasswordHashSchema(identity)),
					},
				],
			},
			{
				displayName: 'Workday to Active Directory User Provisioning',
				applicationTemplateId: this.random.guid(),
				tags: ['WindowsAzureActiveDirectoryGalleryApplicationPrimaryV1', 'WindowsAzureActiveDirectoryIntegratedApp'],
				preferredSingleSignOnMode: null,
				templateDescription: 'Workday to on-premises Active Directory user provisioning',
				jobs: [
					{
						templateId: 'WorkdayToAD',
						status: 'active',
						interval: 'PT40M',
						entryType: 'Worker to user',
						schema: (identity) => compact(generateWorkdaySchema(identity)),
					},
				],
			},
			{
				displayName: 'Contoso SCIM App',
				...scimAppIdentity,
				jobs: [
					{
						templateId: 'customappssoOutDelta',
						status: 'paused',
						interval: 'P10675199DT2H48M5.4775807S',
						entryType: 'User to User',
						schema: (identity) => compact(generateScimSchema(identity)),
					},
				],
			},
			{
				displayName: 'Salesforce',
				applicationTemplateId: this.random.guid(),
				tags: ['WindowsAzureActiveDirectoryGalleryApplicationPrimaryV1', 'WindowsAzureActiveDirectoryIntegratedApp'],
				preferredSingleSignOnMode: 'saml',
				templateDescription: 'Salesforce user provisioning',
				jobs: [
					{
						templateId: 'SfOutDelta',
						status: 'quarantine',
						interval: 'PT40M',
						entryType: 'User to User',
						schema: (identity) => compact(generateSalesforceSchema(identity)),
					},
				],
			},
		];
		const largeSchema = options.largeSchema;
		if (largeSchema) {
			apps.push({
				displayName: 'Contoso HR (large)',
				applicationTemplateId: this.random.guid(),
				tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
				preferredSingleSignOnMode: null,
				templateDescription: 'Contoso HR inbound provisioning (large benchmark schema)',
				jobs: [
					{
						templateId: 'ContosoHRLarge',
						status: 'active',
						interval: 'PT40M',
						entryType: 'Worker to user',
						schema: (identity) => compact(generateLargeSchema(largeSchema, identity)),
					},
				],
			});
		}
		// Apps without provisioning, interleaved the way a real listing mixes them.
		const plainApps: [displayName: string, appId: string | null, owner: 'microsoft' | 'contoso', mode: string | null][] = [
			['Microsoft Graph', '00000003-0000-0000-c000-000000000000', 'microsoft', null],
			['Office 365 Exchange Online', '00000002-0000-0ff1-ce00-000000000000', 'microsoft', null],
			['Office 365 SharePoint Online', '00000003-0000-0ff1-ce00-000000000000', 'microsoft', null],
			['Microsoft Graph Command Line Tools', '14d82eec-204b-4c2f-b7e8-296a70dab67e', 'microsoft', null],
			['Contoso Wiki', null, 'contoso', 'oidc'],
			['Contoso Expenses', null, 'contoso', 'saml'],
			['Contoso Intranet Portal', null, 'contoso', 'password'],
			['Contoso Travel', null, 'contoso', 'saml'],
		];

		for (const app of apps) this.addProvisioningApp(app, app.id);
		for (const [displayName, appId, owner, mode] of plainApps) {
			this.servicePrincipals.push(
				this.servicePrincipal({
					displayName,
					appId: appId ?? this.random.guid(),
					applicationTemplateId: null,
					ownerTenantId: owner === 'microsoft' ? microsoftTenantId : demoTenantId,
					preferredSingleSignOnMode: mode,
					tags: owner === 'contoso' ? ['WindowsAzureActiveDirectoryIntegratedApp'] : [],
				}),
			);
		}
		// Supports provisioning (has a template) but was never configured: templates but no jobs.
		const serviceNow = this.servicePrincipal({
			displayName: 'ServiceNow',
			appId: this.random.guid(),
			applicationTemplateId: this.random.guid(),
			ownerTenantId: demoTenantId,
			preferredSingleSignOnMode: 'saml',
			tags: ['WindowsAzureActiveDirectoryGalleryApplicationPrimaryV1', 'WindowsAzureActiveDirectoryIntegratedApp'],
		});
		this.servicePrincipals.push(serviceNow);
		this.templates.set(serviceNow.id, [this.template('ServiceNowOutDelta', serviceNow.appId as string, 'ServiceNow user provisioning')]);
		// Last, so the demo apps keep their ids and versions whatever the count.
		this.addExtraApps(options.extraApps ?? 0);
	}

	/** Custom SCIM apps "Contoso Partner App 001", …, each with one active SCIM job: a tenant at scale for benchmarks. */
	private addExtraApps(count: number): void {
		if (!(Number.isInteger(count) && count >= 0)) throw new RangeError('extraApps must be a non-negative integer');
		const digits = Math.max(3, String(count).length);
		for (let number = 1; number <= count; number++) {
			this.addProvisioningApp({
				displayName: `Contoso Partner App ${String(number).padStart(digits, '0')}`,
				...scimAppIdentity,
				jobs: [
					{
						templateId: 'customappssoOutDelta',
						status: 'active',
						interval: 'PT40M',
						entryType: 'User to User',
						schema: (identity) => compact(generateScimSchema(identity)),
					},
				],
			});
		}
	}

	private servicePrincipal(options: {
		id?: string;
		displayName: string;
		appId: string;
		applicationTemplateId: string | null;
		ownerTenantId: string;
		preferredSingleSignOnMode: string | null;
		tags: string[];
	}): ServicePrincipal {
		return {
			id: options.id ?? this.random.guid(),
			deletedDateTime: null,
			accountEnabled: true,
			appDisplayName: options.displayName,
			appDescription: null,
			appId: options.appId,
			applicationTemplateId: options.applicationTemplateId,
			appOwnerOrganizationId: options.ownerTenantId,
			appRoleAssignmentRequired: options.ownerTenantId === demoTenantId,
			description: null,
			displayName: options.displayName,
			homepage: options.ownerTenantId === demoTenantId ? `https://${options.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.contoso.com/` : null,
			loginUrl: null,
			notes: null,
			preferredSingleSignOnMode: options.preferredSingleSignOnMode,
			// The publishing tenant's name, as in Microsoft's list example.
			publisherName: options.ownerTenantId === demoTenantId ? 'Contoso' : 'Microsoft Services',
			servicePrincipalNames: [options.appId],
			servicePrincipalType: 'Application',
			signInAudience: options.ownerTenantId === demoTenantId ? 'AzureADMyOrg' : 'AzureADMultipleOrgs',
			tags: options.tags,
		};
	}

	private template(id: string, applicationId: string, description: string): SynchronizationTemplate {
		return {id, applicationId, default: true, description, discoverable: true, factoryTag: id, metadata: []};
	}

	private addProvisioningApp(app: ProvisioningAppSpec, id?: string): void {
		const servicePrincipal = this.servicePrincipal({
			id,
			displayName: app.displayName,
			appId: this.random.guid(),
			applicationTemplateId: app.applicationTemplateId,
			ownerTenantId: demoTenantId,
			preferredSingleSignOnMode: app.preferredSingleSignOnMode,
			tags: app.tags,
		});
		this.servicePrincipals.push(servicePrincipal);
		const appId = servicePrincipal.appId as string;
		this.templates.set(
			servicePrincipal.id,
			app.jobs.map((each) => this.template(each.templateId, appId, app.templateDescription)),
		);
		// Jobs of one app share the middle segment, like cloud sync's AD2AADProvisioning/AD2AADPasswordHash.
		const sharedSegment = id === cloudSyncServicePrincipalId ? 'a948e1d58215475cb76a66f39959b21a' : this.random.hex(32);
		for (const spec of app.jobs) {
			const jobId =
				spec.templateId === 'AD2AADProvisioning' && id === cloudSyncServicePrincipalId
					? cloudSyncProvisioningJobId
					: `${spec.templateId}.${sharedSegment}.${this.random.guid()}`;
			const version = this.clock.nextVersion();
			const text = spec.schema({servicePrincipalId: servicePrincipal.id, jobId, version});
			this.jobs.push({
				servicePrincipalId: servicePrincipal.id,
				job: this.job(jobId, spec.templateId, spec.status, spec.interval, spec.entryType),
				schema: {text, version: (spec.textCarriesVersion ? schemaVersionOf(text) : undefined) ?? version, templateDefaultText: text},
			});
		}
	}

	private job(id: string, templateId: string, kind: JobStatusKind, interval: string, entryType: string): SynchronizationJob {
		const random = this.random;
		const execution = (state: 'Succeeded' | 'Failed', minutesAgo: number, error: unknown = null) => {
			const exported = state === 'Succeeded' ? random.between(0, 40) : 0;
			return {
				activityIdentifier: random.guid(),
				countEntitled: random.between(200, 5000),
				countEntitledForProvisioning: 0,
				countEscrowed: state === 'Failed' ? random.between(1, 30) : 0,
				countEscrowedRaw: state === 'Failed' ? random.between(30, 60) : 0,
				countExported: exported,
				countExports: exported,
				countImported: random.between(50, 800),
				countImportedDeltas: random.between(0, 50),
				countImportedReferenceDeltas: random.between(0, 10),
				error,
				state,
				timeBegan: this.clock.isoMinutesAgo(minutesAgo + 1),
				timeEnded: this.clock.isoMinutesAgo(minutesAgo),
			};
		};
		const entryCount = [{key: entryType, value: random.between(150, 4800)}];
		const steadyStateFirstAchievedTime = this.clock.isoMinutesAgo(60 * 24 * random.between(30, 400));
		const base = {
			countSuccessiveCompleteFailures: 0,
			escrowsPruned: false,
			progress: [],
			steadyStateFirstAchievedTime,
			synchronizedEntryCountByType: entryCount,
			troubleshootingUrl: null,
		};
		const schedule = {expiration: null, interval, state: kind === 'paused' ? 'Disabled' : 'Active'} as const;
		const settings = [
			{name: 'AzureIngestionAttributeOptimization', value: 'False'},
			{name: 'LookupProvisioningAgentInOnPremDirectory', value: 'True'},
		];
		if (kind === 'quarantine') {
			const failure = {
				code: 'SalesforceInvalidCredentials',
				message: 'The provisioning service could not sign in to Salesforce: the secret token or password is invalid or has expired.',
				tenantActionable: true,
			};
			const success = execution('Succeeded', 60 * 30);
			return {
				id,
				templateId,
				schedule,
				status: {
					...base,
					code: 'Quarantine',
					countSuccessiveCompleteFailures: 7,
					lastExecution: execution('Failed', 12, failure),
					lastSuccessfulExecution: success,
					lastSuccessfulExecutionWithExports: success,
					quarantine: {
						currentBegan: this.clock.isoMinutesAgo(60 * 26),
						nextAttempt: this.clock.isoMinutesAgo(-60 * 4),
						reason: 'EncounteredQuarantineException',
						seriesBegan: this.clock.isoMinutesAgo(60 * 26),
						seriesCount: 7,
						error: failure,
					},
					steadyStateLastAchievedTime: this.clock.isoMinutesAgo(60 * 30),
				},
				synchronizationJobSettings: settings,
			};
		}
		const lastRunMinutesAgo = kind === 'paused' ? 60 * 24 * 6 : random.between(1, 30);
		const last = execution('Succeeded', lastRunMinutesAgo);
		return {
			id,
			templateId,
			schedule,
			status: {
				...base,
				code: kind === 'paused' ? 'Paused' : 'Active',
				lastExecution: last,
				lastSuccessfulExecution: last,
				lastSuccessfulExecutionWithExports: execution('Succeeded', lastRunMinutesAgo + 40),
				quarantine: null,
				steadyStateLastAchievedTime: this.clock.isoMinutesAgo(lastRunMinutesAgo),
			},
			synchronizationJobSettings: settings,
		};
	}
}

/** The `version` inside a stored schema text, if it is JSON with one. */
function schemaVersionOf(text: string): string | undefined {
	try {
		const parsed = JSON.parse(text) as {version?: unknown};
		return typeof parsed?.version === 'string' ? parsed.version : undefined;
	} catch {
		return undefined;
	}
}

/** What a normalising store does (SimulatorOptions.normalizeOnStore): defaults filled in, keys of mappings in another order. */
function normalizedForStore(document: Record<string, unknown>): Record<string, unknown> {
	const copy = structuredClone(document);
	const rules = Array.isArray(copy.synchronizationRules) ? copy.synchronizationRules : [];
	for (const rule of rules as Array<{objectMappings?: Array<{attributeMappings?: Record<string, unknown>[]}>}>) {
		for (const objectMapping of rule.objectMappings ?? []) {
			objectMapping.attributeMappings = (objectMapping.attributeMappings ?? []).map((mapping) => {
				const filled = Object.hasOwn(mapping, 'defaultValue') ? mapping : {...mapping, defaultValue: null};
				return Object.fromEntries(Object.entries(filled).sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0)));
			});
		}
	}
	return copy;
}
