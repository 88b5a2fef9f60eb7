import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {call, findApp, graphErrorOf, jobsPath, readScopes, schemaPath, tokenFor, writeScopes} from './helpers.js';

const fixturePath = new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url);
// ../shared sits beside the repository (CI lays it there); the simulator's copy must stay byte for byte the same.
const sharedFixturePath = new URL('../../../shared/fixtures/cloud-sync-ad2aad.schema.json', import.meta.url);

type Listing = {'@odata.context': string; '@odata.nextLink'?: string; '@odata.count'?: number; value: Record<string, unknown>[]};

describe('Graph reads', () => {
	let simulator: Simulator;
	let token: string;

	beforeAll(async () => {
		simulator = await startSimulator();
		token = tokenFor(simulator, readScopes);
	});
	afterAll(() => simulator.close());

	const list = async (query: string, headers: Record<string, string> = {}) => {
		const result = await call(simulator, `/v1.0/servicePrincipals${query}`, {token, headers});
		return {result, body: result.status === 200 ? (result.json() as Listing) : undefined};
	};

	describe('GET /servicePrincipals', () => {
		it('lists every service principal with an @odata.context', async () => {
			const {result, body} = await list('');
			expect(result.status).toBe(200);
			expect(result.headers.get('content-type')).toBe('application/json; charset=utf-8');
			expect(body?.['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#servicePrincipals');
			const names = body?.value.map((each) => each.displayName);
			expect(names).toEqual(expect.arrayContaining(['contoso.com', 'Workday to Active Directory User Provisioning', 'Contoso SCIM App', 'Salesforce']));
			expect(body?.value).toHaveLength(simulator.tenant.servicePrincipals.length);
			expect(body?.['@odata.nextLink']).toBeUndefined();
		});

		it("filters with displayName eq, escaping '' inside quotes", async () => {
			const {body} = await list(`?$filter=${encodeURIComponent("displayName eq 'contoso.com'")}`);
			expect(body?.value.map((each) => each.id)).toEqual([cloudSyncServicePrincipalId]);
			const {result} = await list(`?$filter=${encodeURIComponent("displayName eq 'O''Brien''s app'")}`);
			expect(result.status).toBe(200);
			expect((result.json() as Listing).value).toEqual([]);
		});

		it('filters with startswith, appId eq and id eq', async () => {
			const startsWith = await list(`?$filter=${encodeURIComponent("startswith(displayName,'contoso ')")}`);
			expect(startsWith.body?.value.map((each) => each.displayName).sort()).toEqual([
				'Contoso Expenses',
				'Contoso Intranet Portal',
				'Contoso SCIM App',
				'Contoso Travel',
				'Contoso Wiki',
			]);
			const byAppId = await list(`?$filter=${encodeURIComponent("appId eq '00000003-0000-0000-c000-000000000000'")}`);
			expect(byAppId.body?.value.map((each) => each.displayName)).toEqual(['Microsoft Graph']);
			const byId = await list(`?$filter=${encodeURIComponent(`id eq '${cloudSyncServicePrincipalId}'`)}`);
			expect(byId.body?.value.map((each) => each.displayName)).toEqual(['contoso.com']);
			const cloudSync = await list(`?$filter=${encodeURIComponent("applicationTemplateId eq '1a4721b3-e57f-4451-ae87-ef078703ec94' and accountEnabled eq true")}`);
			expect(cloudSync.body?.value.map((each) => each.displayName)).toEqual(['contoso.com']);
		});

		it('rejects unsupported filter properties and broken filters like Graph', async () => {
			const unsupported = await list(`?$filter=${encodeURIComponent("notes eq 'x'")}`);
			expect(unsupported.result.status).toBe(400);
			expect(graphErrorOf(unsupported.result).code).toBe('Request_UnsupportedQuery');
			const broken = await list(`?$filter=${encodeURIComponent("displayName eq 'unterminated")}`);
			expect(broken.result.status).toBe(400);
			expect(graphErrorOf(broken.result).message).toMatch(/Invalid filter clause/);
		});

		it('requires ConsistencyLevel: eventual for $search', async () => {
			const withoutHeader = await list(`?$search=${encodeURIComponent('"displayName:scim"')}`);
			expect(withoutHeader.result.status).toBe(400);
			expect(graphErrorOf(withoutHeader.result)).toMatchObject({code: 'Request_UnsupportedQuery'});
			expect(graphErrorOf(withoutHeader.result).message).toContain('ConsistencyLevel: eventual');

			const withHeader = await list(`?$search=${encodeURIComponent('"displayName:scim"')}&$count=true`, {consistencylevel: 'eventual'});
			expect(withHeader.body?.value.map((each) => each.displayName)).toEqual(['Contoso SCIM App']);
			expect(withHeader.body?.['@odata.count']).toBe(1);

			const either = await list(`?$search=${encodeURIComponent('"displayName:wiki" OR "displayName:salesforce"')}`, {ConsistencyLevel: 'eventual'});
			expect(either.body?.value.map((each) => each.displayName).sort()).toEqual(['Contoso Wiki', 'Salesforce']);
		});

		it('returns only the $select properties plus id', async () => {
			const {body} = await list('?$select=displayName,appId');
			expect(body?.['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(id,displayName,appId)');
			for (const each of body?.value ?? []) expect(Object.keys(each).sort()).toEqual(['appId', 'displayName', 'id']);
			const unknown = await list('?$select=displayName,noSuchProperty');
			expect(unknown.result.status).toBe(400);
			expect(graphErrorOf(unknown.result).message).toContain("Could not find a property named 'noSuchProperty'");
		});

		it('pages with $top and an opaque absolute @odata.nextLink', async () => {
			const all = (await list('?$select=displayName')).body?.value.map((each) => each.id) ?? [];
			const seen: unknown[] = [];
			let next: string | undefined = `${simulator.url}/v1.0/servicePrincipals?$top=3&$select=displayName`;
			let pages = 0;
			while (next) {
				expect(next.startsWith(`${simulator.url}/v1.0/servicePrincipals?`)).toBe(true);
				const page = await call(simulator, next, {token});
				expect(page.status).toBe(200);
				const body = page.json() as Listing;
				expect(body.value.length).toBeLessThanOrEqual(3);
				seen.push(...body.value.map((each) => each.id));
				next = body['@odata.nextLink'];
				pages++;
			}
			expect(pages).toBe(Math.ceil(all.length / 3));
			expect(seen).toEqual(all);
		});

		it('keeps $filter across pages and rejects a tampered $skiptoken', async () => {
			const first = await list(`?$top=2&$filter=${encodeURIComponent("startswith(displayName,'Contoso')")}`);
			const nextLink = first.body?.['@odata.nextLink'] as string;
			expect(new URL(nextLink).searchParams.get('$filter')).toBe("startswith(displayName,'Contoso')");
			const second = (await call(simulator, nextLink, {token})).json() as Listing;
			for (const each of second.value) expect(String(each.displayName).toLowerCase().startsWith('contoso')).toBe(true);
			const tampered = await list('?$top=2&$skiptoken=bm90LWEtdG9rZW4');
			expect(tampered.result.status).toBe(400);
		});

		it('enforces the $top range (1..999)', async () => {
			expect((await list('?$top=999')).result.status).toBe(200);
			const tooMany = await list('?$top=1000');
			expect(tooMany.result.status).toBe(400);
			expect(graphErrorOf(tooMany.result).message).toContain('Must be between 1 and 999');
		});
	});

	describe('GET /servicePrincipals/{id}', () => {
		it('returns one service principal', async () => {
			const result = await call(simulator, `/beta/servicePrincipals/${cloudSyncServicePrincipalId}`, {token});
			expect(result.status).toBe(200);
			expect(result.json()).toMatchObject({
				'@odata.context': 'https://graph.microsoft.com/beta/$metadata#servicePrincipals/$entity',
				id: cloudSyncServicePrincipalId,
				displayName: 'contoso.com',
				applicationTemplateId: '1a4721b3-e57f-4451-ae87-ef078703ec94',
			});
		});

		it('answers 404 Request_ResourceNotFound naming an unknown id', async () => {
			const missing = '11111111-2222-3333-4444-555555555555';
			const result = await call(simulator, `/beta/servicePrincipals/${missing}`, {token});
			expect(result.status).toBe(404);
			const error = graphErrorOf(result);
			expect(error.code).toBe('Request_ResourceNotFound');
			expect(error.message).toContain(missing);
			expect(error.innerError['request-id']).toBe(result.headers.get('request-id'));
			const jobs = await call(simulator, jobsPath(missing), {token});
			expect(jobs.status).toBe(404);
		});
	});

	describe('synchronization jobs and templates', () => {
		it('lists both cloud-sync jobs', async () => {
			const result = await call(simulator, jobsPath(cloudSyncServicePrincipalId), {token});
			expect(result.status).toBe(200);
			const jobs = (result.json() as {value: {id: string; templateId: string; status: {code: string}; schedule: {interval: string; state: string}}[]}).value;
			expect(jobs.map((each) => each.templateId).sort()).toEqual(['AD2AADPasswordHash', 'AD2AADProvisioning']);
			const provisioning = jobs.find((each) => each.templateId === 'AD2AADProvisioning');
			expect(provisioning).toMatchObject({id: cloudSyncProvisioningJobId, status: {code: 'Active'}, schedule: {interval: 'PT2M', state: 'Active'}});
			expect(jobs.find((each) => each.templateId === 'AD2AADPasswordHash')?.id).toMatch(/^AD2AADPasswordHash\.[0-9a-f]{32}\.[0-9a-f-]{36}$/);
		});

		it('reports realistic job states for each app', async () => {
			const status = async (displayName: string) => {
				const {servicePrincipalId, jobId} = findApp(simulator, displayName);
				const result = await call(simulator, `${jobsPath(servicePrincipalId)}/${encodeURIComponent(jobId)}`, {token});
				expect(result.status).toBe(200);
				return result.json() as {status: {code: string; quarantine: {reason: string} | null; lastExecution: {state: string; timeBegan: string; timeEnded: string}}; schedule: {state: string}};
			};
			expect((await status('Workday to Active Directory User Provisioning')).status.code).toBe('Active');
			const scim = await status('Contoso SCIM App');
			expect(scim.status.code).toBe('Paused');
			expect(scim.schedule.state).toBe('Disabled');
			const salesforce = await status('Salesforce');
			expect(salesforce.status.code).toBe('Quarantine');
			expect(salesforce.status.quarantine?.reason).toBe('EncounteredQuarantineException');
			expect(salesforce.status.lastExecution.state).toBe('Failed');
			expect(Date.parse(salesforce.status.lastExecution.timeEnded)).toBeGreaterThan(Date.parse(salesforce.status.lastExecution.timeBegan));
		});

		it('returns an empty value for service principals without provisioning', async () => {
			const withoutJobs = simulator.tenant.servicePrincipals.filter((each) => simulator.tenant.jobsOf(each.id).length === 0);
			expect(withoutJobs.length).toBeGreaterThanOrEqual(5);
			for (const servicePrincipal of withoutJobs) {
				const result = await call(simulator, jobsPath(servicePrincipal.id, 'v1.0'), {token});
				expect(result.status).toBe(200);
				expect((result.json() as {value: unknown[]}).value).toEqual([]);
			}
		});

		it('answers 404 for an unknown job', async () => {
			const result = await call(simulator, `${jobsPath(cloudSyncServicePrincipalId)}/NoSuchJob.123`, {token});
			expect(result.status).toBe(404);
			expect(graphErrorOf(result).message).toContain('NoSuchJob.123');
		});

		it('lists templates, including for an app that supports provisioning but has no job', async () => {
			const serviceNow = simulator.tenant.servicePrincipals.find((each) => each.displayName === 'ServiceNow');
			const result = await call(simulator, `/beta/servicePrincipals/${serviceNow?.id}/synchronization/templates`, {token});
			expect((result.json() as {value: {id: string}[]}).value.map((each) => each.id)).toEqual(['ServiceNowOutDelta']);
			const cloudSync = await call(simulator, `/beta/servicePrincipals/${cloudSyncServicePrincipalId}/synchronization/templates`, {token});
			expect((cloudSync.json() as {value: {id: string}[]}).value.map((each) => each.id).sort()).toEqual(['AD2AADPasswordHash', 'AD2AADProvisioning']);
		});
	});

	describe('GET …/schema', () => {
		it('serves the cloud-sync fixture byte-for-byte, CRLF included', async () => {
			const response = await fetch(`${simulator.url}${schemaPath(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)}`, {
				headers: {authorization: `Bearer ${token}`},
			});
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
			const bytes = Buffer.from(await response.arrayBuffer());
			expect(bytes.equals(readFileSync(fixturePath))).toBe(true);
			expect(bytes.equals(readFileSync(sharedFixturePath))).toBe(true);
			expect(bytes.includes(Buffer.from('\r\n'))).toBe(true);
		});

		it('serves the same schema under v1.0', async () => {
			const beta = await call(simulator, schemaPath(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId, 'beta'), {token});
			const v1 = await call(simulator, schemaPath(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId, 'v1.0'), {token});
			expect(v1.text).toBe(beta.text);
		});

		it('lists functions and filter operators', async () => {
			const base = schemaPath(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId);
			// Both document only Synchronization.ReadWrite.All.
			const token = tokenFor(simulator, writeScopes);
			const functions = (await call(simulator, `${base}/functions`, {token})).json() as {
				value: {name: string; parameters: {name: string; required: boolean; type: string; allowMultipleOccurrences: boolean}[]}[];
			};
			const names = functions.value.map((each) => each.name);
			// A cloud sync job lists the cloud sync reference's functions (and its examples' CRef and Contains), plus
			// DefaultDomain and AppRoleAssignments from Graph's own example; not the app-provisioning-only ones.
			const cloudSync =
				'Append BitAnd CBool ConvertFromBase64 ConvertToBase64 ConvertToUTF8Hex Count CStr DateFromNum DNComponent Error FormatDateTime Guid IIF InStr IsNull IsNullOrEmpty IsPresent IsString Item Join Left Mid NormalizeDiacritics Not RemoveDuplicates Replace SelectUniqueValue SingleAppRoleAssignment Split StringFromSID StripSpaces Switch ToLower ToUpper Trim Word';
			for (const name of [...cloudSync.split(' '), 'CRef', 'Contains', 'DefaultDomain', 'AppRoleAssignments']) expect(names).toContain(name);
			for (const name of ['Coalesce', 'DateAdd', 'Now', 'PCase', 'RandomString']) expect(names).not.toContain(name);
			// An app job: the app-provisioning reference (research §5.2), without cloud sync's own functions.
			const app = simulator.tenant.jobs.find((each) => !/^AD2AAD/.test(each.job.templateId ?? ''))!;
			const appFunctions = (await call(simulator, `${schemaPath(app.servicePrincipalId, app.job.id)}/functions`, {token})).json() as {value: {name: string}[]};
			const appNames = appFunctions.value.map((each) => each.name);
			const documented =
				'Append AppRoleAssignmentsComplex BitAnd CBool CDate Coalesce ConvertToBase64 ConvertToUTF8Hex Count CStr DateAdd DateDiff DateFromNum FormatDateTime Guid IgnoreFlowIfNullOrEmpty IIF InStr IsNull IsNullOrEmpty IsPresent IsString Item Join Left Mid NormalizeDiacritics Not Now NumFromDate PCase RandomString Redact RemoveDuplicates Replace SelectUniqueValue SingleAppRoleAssignment Split StripSpaces Switch ToLower ToUpper Word';
			for (const name of [...documented.split(' '), 'DefaultDomain', 'AppRoleAssignments']) expect(appNames).toContain(name);
			for (const name of ['Contains', 'Trim', 'Error', 'DNComponent']) expect(appNames).not.toContain(name);
			const join = functions.value.find((each) => each.name === 'Join');
			expect(join?.parameters).toEqual([
				{allowMultipleOccurrences: false, name: 'separator', required: true, type: 'String'},
				{allowMultipleOccurrences: true, name: 'source', required: true, type: 'String'},
			]);
			const operators = (await call(simulator, `${base}/filterOperators`, {token})).json() as {value: {name: string; arity: string}[]};
			expect(operators.value.find((each) => each.name === 'EQUALS')).toEqual({
				name: 'EQUALS',
				arity: 'Binary',
				multivaluedComparisonType: 'All',
				supportedAttributeTypes: ['String', 'Integer'],
			});
			expect(operators.value.find((each) => each.name === 'IS NOT NULL')?.arity).toBe('Unary');
			expect(operators.value).toHaveLength(14);
		});

		it('serves the schema directories', async () => {
			const base = schemaPath(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId);
			const result = (await call(simulator, `${base}/directories`, {token})).json() as {value: {id: string; name: string}[]};
			expect(result.value.map((each) => each.name)).toEqual(['Active Directory', 'Azure Active Directory']);
			const one = await call(simulator, `${base}/directories/${result.value[1]?.id}`, {token});
			expect(one.json()).toMatchObject({name: 'Azure Active Directory'});
		});
	});

	describe('protocol details', () => {
		it('echoes client-request-id and sends request-id and Date on every response', async () => {
			const clientRequestId = 'c0ffee00-1234-4321-8765-0123456789ab';
			const result = await call(simulator, '/beta/servicePrincipals?$top=1', {token, headers: {'client-request-id': clientRequestId}});
			expect(result.headers.get('client-request-id')).toBe(clientRequestId);
			expect(result.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
			expect(result.headers.get('date')).toBeTruthy();
			const generated = await call(simulator, '/beta/servicePrincipals/missing', {token});
			expect(generated.headers.get('client-request-id')).toMatch(/^[0-9a-f-]{36}$/);
			expect(graphErrorOf(generated).innerError['client-request-id']).toBe(generated.headers.get('client-request-id'));
		});

		it('answers unknown segments like Graph', async () => {
			const unknownSegment = await call(simulator, '/beta/widgets', {token});
			expect(unknownSegment.status).toBe(400);
			expect(graphErrorOf(unknownSegment)).toMatchObject({code: 'BadRequest', message: "Resource not found for the segment 'widgets'."});
			const deeper = await call(simulator, `/beta/servicePrincipals/${cloudSyncServicePrincipalId}/synchronization/jobs/${cloudSyncProvisioningJobId}/bogus`, {token});
			expect(graphErrorOf(deeper).message).toBe("Resource not found for the segment 'bogus'.");
			const badVersion = await call(simulator, '/v2.0/servicePrincipals', {token});
			expect(badVersion.status).toBe(400);
			const notAllowed = await call(simulator, '/beta/servicePrincipals', {token, method: 'POST', body: '{}', headers: {'content-type': 'application/json'}});
			expect(notAllowed.status).toBe(405);
		});

		it('logs every request with Authorization redacted', async () => {
			const before = simulator.requests.length;
			await call(simulator, '/beta/servicePrincipals?$top=1', {token});
			const entry = simulator.requests[before];
			expect(entry).toMatchObject({method: 'GET', path: '/beta/servicePrincipals', query: {$top: '1'}, status: 200});
			expect(entry?.headers.authorization).toBe('Bearer <redacted>');
			expect(JSON.stringify(simulator.requests)).not.toContain(token);
		});
	});

	describe('authorization', () => {
		const schemaUrl = () => schemaPath(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId);

		it('answers 401 without a token, with an unknown token and with an expired token', async () => {
			const none = await call(simulator, schemaUrl());
			expect(none.status).toBe(401);
			expect(graphErrorOf(none)).toMatchObject({code: 'InvalidAuthenticationToken', message: 'Access token is empty.'});
			expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
			const unknown = await call(simulator, schemaUrl(), {token: 'not-a-token-we-issued'});
			expect(unknown.status).toBe(401);
			expect(graphErrorOf(unknown).code).toBe('InvalidAuthenticationToken');
			const expired = simulator.identity.issueAccessToken({scopes: readScopes, expiresInSeconds: -10});
			const late = await call(simulator, schemaUrl(), {token: expired});
			expect(late.status).toBe(401);
			expect(graphErrorOf(late).message).toBe('Access token has expired or is not yet valid.');
		});

		it('answers 401 UnknownError on sync routes and 403 on directory routes when the token lacks the scope', async () => {
			const onlyApplications = simulator.identity.issueAccessToken({scopes: ['https://graph.microsoft.com/Application.Read.All']});
			const jobs = await call(simulator, jobsPath(cloudSyncServicePrincipalId), {token: onlyApplications});
			expect(jobs.status).toBe(401);
			expect(graphErrorOf(jobs)).toMatchObject({code: 'UnknownError', message: ''});
			expect((await call(simulator, '/v1.0/servicePrincipals', {token: onlyApplications})).status).toBe(200);

			const onlySync = simulator.identity.issueAccessToken({scopes: ['Synchronization.Read.All']});
			expect((await call(simulator, '/v1.0/servicePrincipals', {token: onlySync})).status).toBe(403);
			expect((await call(simulator, schemaUrl(), {token: onlySync})).status).toBe(200);
		});
	});
});
