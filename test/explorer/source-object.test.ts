/**
 * A real source object's values for the expression test, over HTTP against the demo tenant with the real msal-node
 * and got paths: the Entra user of an Entra-sourced job read with GET /users?$select= (Graph's names mapped to the
 * schema's), the values a cloud sync job imported read from its newest provisioning log event, and a session
 * without the permissions told why in one line.
 */
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {Connection} from '../../source/explorer/connect.js';
import {createTenantOperations} from '../../source/explorer/tenant-operations.js';
import {cloudSyncServicePrincipalId, defaultDemoClientSecret, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {connectTo, temporaryDirectory} from '../auth/helpers.js';

const appClientId = '6a2f3b7e-0000-4000-8000-00000000a99e';
let simulator: Simulator;
let connection: Connection | undefined;
afterEach(async () => {
	await connection?.close();
	connection = undefined;
	await simulator?.close();
});

/** Signs in as an app granted what reading source objects needs (a real tenant's admin consents to these). */
async function appWith(permissions: string[]): Promise<Connection> {
	simulator = await startSimulator();
	simulator.identity.setConsent({application: ['Application.Read.All', 'Synchronization.ReadWrite.All', ...permissions]});
	const secretPath = join(await temporaryDirectory(), 'secret.txt');
	await writeFile(secretPath, `${defaultDemoClientSecret}\n`, {mode: 0o600});
	connection = await connectTo(simulator, {tenant: 'contoso.com', clientId: appClientId, auth: 'client-secret', clientSecretFile: secretPath});
	await connection.auth.signIn({onPrompt: () => undefined, signal: new AbortController().signal});
	return connection;
}

async function jobOf(session: Connection, template: RegExp) {
	const apps = await session.graph.listServicePrincipals({});
	for (const app of apps) {
		const jobs = await session.graph.listJobs(app.id).catch(() => []);
		const job = jobs.find((each) => template.test(each.templateId ?? ''));
		if (job) return {servicePrincipalId: app.id, job};
	}
	throw new Error(`no ${template} job in the demo tenant`);
}

describe('reading a source object for the expression test', () => {
	it("reads an Entra-sourced job's user from Graph, by UPN, with the schema's names", async () => {
		const session = await appWith(['User.Read.All']);
		const {job} = await jobOf(session, /^customappssoOutDelta$/);
		const operations = createTenantOperations(session.graph);
		const read = await operations.readSourceObject!({
			jobId: job.id,
			templateId: job.templateId ?? undefined,
			sourceDirectoryName: 'Azure Active Directory',
			subject: 'BillBob@contoso.com',
			fields: [
				{name: 'objectId', multiValued: false},
				{name: 'jobTitle', multiValued: false},
				{name: 'accountEnabled', multiValued: false},
				{name: 'extensionAttribute1', multiValued: false},
				{name: 'IsSoftDeleted', multiValued: false},
			],
		});
		expect(read.values).toEqual({objectId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8', jobTitle: 'Buyer', accountEnabled: 'True', extensionAttribute1: null});
		expect(read.from).toBe('Entra user BillBob@contoso.com (GET /users/{id}, as it is now)');
		// Without the logs' permissions, what Graph has no property for stays unfilled, and says why.
		expect(read.notes.join(' ')).toMatch(/Not read \(not Graph properties; the provisioning logs could not be read\): IsSoftDeleted \(computed by the provisioning service/);
		const request = simulator.requests.find((each) => each.path.includes('/users/'));
		expect(request?.path).toMatch(/\/users\/BillBob(%40|@)contoso\.com$/);
		// Graph's names for the schema's (objectId → id, extensionAttribute1 → onPremisesExtensionAttributes); IsSoftDeleted is not asked for.
		expect(request?.query.$select).toBe('id,userPrincipalName,jobTitle,accountEnabled,onPremisesExtensionAttributes');
	});

	it("takes what Graph has no property for (IsSoftDeleted) from the user's newest log event, when the logs may be read", async () => {
		const session = await appWith(['User.Read.All', 'AuditLog.Read.All', 'Directory.Read.All']);
		const {servicePrincipalId, job} = await jobOf(session, /^customappssoOutDelta$/);
		const operations = createTenantOperations(session.graph);
		await operations.loop!.provision(servicePrincipalId, job, '9bb0f679-a883-4a6f-8260-35b491b8b8c8');
		const read = await operations.readSourceObject!({
			jobId: job.id,
			templateId: job.templateId ?? undefined,
			sourceDirectoryName: 'Azure Active Directory',
			subject: 'BillBob@contoso.com',
			fields: [
				{name: 'IsSoftDeleted', multiValued: false},
				{name: 'displayName', multiValued: false},
			],
		});
		expect(read.values).toEqual({IsSoftDeleted: 'False', displayName: 'Bill Bob'});
		expect(read.from).toBe('Entra user BillBob@contoso.com (GET /users/{id}, as it is now)');
		expect(read.notes.join(' ')).toMatch(/^Not Graph properties, taken from the import step of the provisioning log event at \d{4}-.*: IsSoftDeleted/);
	});

	it('reads what a cloud sync job imported from its newest provisioning log event of the user', async () => {
		const session = await appWith(['AuditLog.Read.All', 'Directory.Read.All']);
		const operations = createTenantOperations(session.graph);
		const jobs = await session.graph.listJobs(cloudSyncServicePrincipalId);
		const job = jobs.find((each) => each.templateId === 'AD2AADProvisioning')!;
		// A log event of Adele: provision her on demand, as an admin does from the job.
		await operations.loop!.provision(cloudSyncServicePrincipalId, job, 'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com');
		const read = await operations.readSourceObject!({
			jobId: job.id,
			templateId: 'AD2AADProvisioning',
			sourceDirectoryName: 'Active Directory',
			subject: 'adelev@chicago.com',
			fields: [
				{name: 'userAccountControl', multiValued: false},
				{name: 'company', multiValued: false},
				{name: 'accountDisabled', multiValued: false},
			],
		});
		expect(read.values).toEqual({userAccountControl: '66048', company: '  Contoso Chicago ', accountDisabled: null});
		expect(read.from).toMatch(/^the import step of the provisioning log event of adelev@chicago\.com at \d{4}-\d\d-\d\dT/);
		expect(simulator.requests.some((each) => each.method === 'GET' && each.path.endsWith('/auditLogs/provisioning'))).toBe(true);
		// Nothing but the provisioning itself was sent: the read is GETs only.
		const graphWrites = simulator.requests.filter((each) => each.method !== 'GET' && /^\/(v1\.0|beta)\//.test(each.path));
		expect(graphWrites.map((each) => each.path.split('/').pop())).toEqual(['provisionOnDemand']);
	});

	it('says in one line what is missing when neither the user nor the logs may be read', async () => {
		const session = await appWith([]);
		const {job} = await jobOf(session, /^customappssoOutDelta$/);
		const operations = createTenantOperations(session.graph);
		const attempt = operations.readSourceObject!({
			jobId: job.id,
			templateId: job.templateId ?? undefined,
			sourceDirectoryName: 'Azure Active Directory',
			subject: 'BillBob@contoso.com',
			fields: [{name: 'jobTitle', multiValued: false}],
		});
		await expect(attempt).rejects.toThrow(/needs User\.Read\.All \(or Directory\.Read\.All\).*and the provisioning logs could not be read either: .*AuditLog\.Read\.All/);
		await expect(attempt).rejects.not.toThrow(/\n/);
	});

	it('names an unknown user and a subject with no log event', async () => {
		const session = await appWith(['User.Read.All', 'AuditLog.Read.All', 'Directory.Read.All']);
		const operations = createTenantOperations(session.graph);
		const {job} = await jobOf(session, /^customappssoOutDelta$/);
		const base = {jobId: job.id, templateId: job.templateId ?? undefined, fields: [{name: 'jobTitle', multiValued: false}]};
		await expect(operations.readSourceObject!({...base, sourceDirectoryName: 'Azure Active Directory', subject: 'nobody@contoso.com'})).rejects.toThrow('No Entra user has the id or UPN nobody@contoso.com.');
		const jobs = await session.graph.listJobs(cloudSyncServicePrincipalId);
		const cloudSync = jobs.find((each) => each.templateId === 'AD2AADProvisioning')!;
		await expect(
			operations.readSourceObject!({jobId: cloudSync.id, templateId: 'AD2AADProvisioning', sourceDirectoryName: 'Active Directory', subject: 'nobody@mydomain.tld', fields: base.fields}),
		).rejects.toThrow(/No provisioning log event of this job names nobody@mydomain\.tld.*Provision it on demand/);
	});
});
