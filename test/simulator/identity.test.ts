import {afterEach, describe, expect, it} from 'vitest';
import {cloudSyncServicePrincipalId, defaultDemoClientSecret, demoTenantId, type Simulator, type SimulatorOptions, startSimulator} from '../../source/simulator/index.js';
import {call, postForm} from './helpers.js';

const clientId = '14d82eec-204b-4c2f-b7e8-296a70dab67e';
const graphScopes = 'https://graph.microsoft.com/Synchronization.Read.All https://graph.microsoft.com/Application.Read.All';

type DeviceCodeResponse = {user_code: string; device_code: string; verification_uri: string; expires_in: number; interval: number; message: string};
type TokenResponse = {
	token_type: string;
	scope: string;
	expires_in: number;
	ext_expires_in: number;
	access_token: string;
	refresh_token: string;
	id_token: string;
	client_info: string;
};
type OAuthError = {error: string; error_description: string; error_codes: number[]; timestamp: string; trace_id: string; correlation_id: string};

const decodeSegment = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('identity provider', () => {
	let simulator: Simulator;
	afterEach(() => simulator?.close());

	const start = async (options: SimulatorOptions = {autoApproveDeviceCodeMs: -1}) => {
		simulator = await startSimulator(options);
		return simulator;
	};
	const requestDeviceCode = async (tenant = 'contoso.com') => {
		const result = await postForm(simulator, `/${tenant}/oauth2/v2.0/devicecode`, {client_id: clientId, scope: `${graphScopes} openid profile offline_access`});
		expect(result.status).toBe(200);
		return result.json() as DeviceCodeResponse;
	};
	const poll = (deviceCode: string, grantType = 'device_code') =>
		postForm(simulator, `/${demoTenantId}/oauth2/v2.0/token?client-request-id=11111111-2222-4333-8444-555555555555`, {
			client_id: clientId,
			grant_type: grantType,
			device_code: deviceCode,
			scope: `${graphScopes} openid profile offline_access`,
			client_info: '1',
		});

	it('serves an OpenID configuration pointing at the simulator', async () => {
		await start();
		const result = await call(simulator, `/${demoTenantId}/v2.0/.well-known/openid-configuration`);
		expect(result.status).toBe(200);
		expect(result.json()).toMatchObject({
			token_endpoint: `${simulator.url}/${demoTenantId}/oauth2/v2.0/token`,
			authorization_endpoint: `${simulator.url}/${demoTenantId}/oauth2/v2.0/authorize`,
			device_authorization_endpoint: `${simulator.url}/${demoTenantId}/oauth2/v2.0/devicecode`,
			issuer: `${simulator.url}/${demoTenantId}/v2.0`,
			jwks_uri: `${simulator.url}/${demoTenantId}/discovery/v2.0/keys`,
		});
		expect((await call(simulator, `/${demoTenantId}/discovery/v2.0/keys`)).status).toBe(200);
		const unknownTenant = await call(simulator, '/fabrikam.com/v2.0/.well-known/openid-configuration');
		expect(unknownTenant.status).toBe(400);
		expect((unknownTenant.json() as OAuthError).error).toBe('invalid_tenant');
	});

	it('runs the device code flow: pending, then approved, then tokens that work on Graph', async () => {
		await start();
		const code = await requestDeviceCode();
		expect(code.verification_uri).toBe('https://microsoft.com/devicelogin');
		expect(code.user_code).toMatch(/^DEMO-[A-Z0-9]{4}$/);
		// Entra asks for a poll every 5 s (auth-http.md §3.3); tests may shorten it with deviceCodeIntervalSeconds.
		expect(code).toMatchObject({expires_in: 900, interval: 5});
		expect(code.message).toContain(code.user_code);

		const pending = await poll(code.device_code);
		expect(pending.status).toBe(400);
		const pendingBody = pending.json() as OAuthError;
		expect(pendingBody).toMatchObject({error: 'authorization_pending', error_codes: [70016], correlation_id: '11111111-2222-4333-8444-555555555555'});
		expect(pendingBody.error_description).toMatch(/^AADSTS70016: .*\r\nTrace ID: .*\r\nCorrelation ID: .*\r\nTimestamp: /s);

		simulator.approveDeviceCode(code.user_code);
		const approved = await poll(code.device_code, 'urn:ietf:params:oauth:grant-type:device_code');
		expect(approved.status).toBe(200);
		const tokens = approved.json() as TokenResponse;
		expect(tokens).toMatchObject({token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, scope: graphScopes});
		const [header, claims, signature] = tokens.id_token.split('.');
		expect(decodeSegment(header as string)).toEqual({alg: 'none', typ: 'JWT'});
		expect(signature).toBe('');
		expect(decodeSegment(claims as string)).toMatchObject({
			aud: clientId,
			iss: `${simulator.url}/${demoTenantId}/v2.0`,
			tid: demoTenantId,
			preferred_username: 'admin@contoso.com',
			name: 'Demo Admin',
			ver: '2.0',
		});
		expect(decodeSegment(tokens.client_info)).toMatchObject({utid: demoTenantId});

		const graph = await call(simulator, `/beta/servicePrincipals/${cloudSyncServicePrincipalId}/synchronization/jobs`, {token: tokens.access_token});
		expect(graph.status).toBe(200);
		// Sync.Read was granted, ReadWrite was not: the sync backend answers 401 UnknownError, not 403 (research §2.1).
		const write = await call(simulator, `/beta/servicePrincipals/${cloudSyncServicePrincipalId}/synchronization/jobs/x/schema`, {
			method: 'DELETE',
			token: tokens.access_token,
		});
		expect(write.status).toBe(401);
		expect((write.json() as {error: {code: string}}).error.code).toBe('UnknownError');

		const again = await poll(code.device_code);
		expect((again.json() as OAuthError).error).toBe('invalid_grant');
	});

	it('asks for a shorter poll interval when a test sets deviceCodeIntervalSeconds', async () => {
		await start({autoApproveDeviceCodeMs: -1, deviceCodeIntervalSeconds: 1});
		expect(await requestDeviceCode()).toMatchObject({interval: 1});
	});

	it('approves through the /_simulator/approve control route', async () => {
		await start();
		const code = await requestDeviceCode();
		const approve = await call(simulator, '/_simulator/approve', {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({userCode: code.user_code})});
		expect(approve.status).toBe(204);
		expect((await poll(code.device_code)).status).toBe(200);
		const unknown = await call(simulator, '/_simulator/approve', {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({userCode: 'DEMO-NOPE'})});
		expect(unknown.status).toBe(404);
	});

	it('auto-approves after autoApproveDeviceCodeMs and by default after 1.5 s', async () => {
		await start({autoApproveDeviceCodeMs: 50});
		const code = await requestDeviceCode();
		await new Promise((resolve) => setTimeout(resolve, 80));
		expect((await poll(code.device_code)).status).toBe(200);
		await simulator.close();

		await start({});
		const defaultCode = await requestDeviceCode();
		expect(((await poll(defaultCode.device_code)).json() as OAuthError).error).toBe('authorization_pending');
		await new Promise((resolve) => setTimeout(resolve, 1600));
		expect((await poll(defaultCode.device_code)).status).toBe(200);
	});

	it('never auto-approves when autoApproveDeviceCodeMs is given as undefined', async () => {
		await start({autoApproveDeviceCodeMs: undefined});
		const code = await requestDeviceCode();
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(((await poll(code.device_code)).json() as OAuthError).error).toBe('authorization_pending');
	});

	it('reports declined and expired device codes', async () => {
		await start();
		const declined = await requestDeviceCode();
		simulator.declineDeviceCode(declined.user_code);
		expect((await poll(declined.device_code)).json()).toMatchObject({error: 'authorization_declined'});

		const expired = await requestDeviceCode();
		simulator.identity.expireDeviceCode(expired.user_code);
		// AADSTS70019 CodeExpired, 70018 InvalidUserCode (Entra authentication error codes).
		expect((await poll(expired.device_code)).json()).toMatchObject({error: 'expired_token', error_codes: [70019]});

		const bogus = await poll('not-a-device-code');
		expect(bogus.json()).toMatchObject({error: 'bad_verification_code', error_codes: [70018]});
	});

	it('refreshes and rotates refresh tokens', async () => {
		await start();
		const code = await requestDeviceCode();
		simulator.approveDeviceCode(code.user_code);
		const first = (await poll(code.device_code)).json() as TokenResponse;
		const refreshed = await postForm(simulator, '/organizations/oauth2/v2.0/token', {
			client_id: clientId,
			grant_type: 'refresh_token',
			refresh_token: first.refresh_token,
			scope: 'https://graph.microsoft.com/Synchronization.ReadWrite.All openid profile offline_access',
		});
		expect(refreshed.status).toBe(200);
		const second = refreshed.json() as TokenResponse;
		expect(second.refresh_token).not.toBe(first.refresh_token);
		expect(second.access_token).not.toBe(first.access_token);
		expect(second.scope).toBe('https://graph.microsoft.com/Synchronization.ReadWrite.All');
		const reused = await postForm(simulator, '/organizations/oauth2/v2.0/token', {client_id: clientId, grant_type: 'refresh_token', refresh_token: first.refresh_token});
		expect(reused.status).toBe(400);
		expect((reused.json() as OAuthError).error).toBe('invalid_grant');
	});

	it('issues app-only tokens for the demo client secret', async () => {
		await start({clientSecret: 'let-me-in'});
		const form = {client_id: 'demo-app', grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default'};
		const wrong = await postForm(simulator, `/${demoTenantId}/oauth2/v2.0/token`, {...form, client_secret: defaultDemoClientSecret});
		expect(wrong.status).toBe(401);
		expect((wrong.json() as OAuthError).error).toBe('invalid_client');
		const right = await postForm(simulator, `/${demoTenantId}/oauth2/v2.0/token`, {...form, client_secret: 'let-me-in'});
		expect(right.status).toBe(200);
		const {access_token: accessToken} = right.json() as TokenResponse;
		expect((await call(simulator, '/v1.0/servicePrincipals?$top=1', {token: accessToken})).status).toBe(200);
	});

	it('never logs token values or credential form fields', async () => {
		await start({clientSecret: 'super-secret-value'});
		const code = await requestDeviceCode();
		simulator.approveDeviceCode(code.user_code);
		const tokens = (await poll(code.device_code)).json() as TokenResponse;
		await postForm(simulator, '/organizations/oauth2/v2.0/token', {client_id: clientId, grant_type: 'refresh_token', refresh_token: tokens.refresh_token});
		await postForm(simulator, '/organizations/oauth2/v2.0/token', {
			client_id: 'app',
			grant_type: 'client_credentials',
			client_secret: 'super-secret-value',
			scope: 'https://graph.microsoft.com/.default',
		});
		await call(simulator, '/v1.0/servicePrincipals', {token: tokens.access_token});
		const log = JSON.stringify(simulator.requests);
		for (const secret of [code.device_code, tokens.access_token, tokens.refresh_token, 'super-secret-value']) expect(log).not.toContain(secret);
		expect(log).toContain('device_code=%3Credacted%3E');
		const overHttp = (await call(simulator, '/_simulator/requests')).text;
		for (const secret of [code.device_code, tokens.access_token, tokens.refresh_token, 'super-secret-value']) expect(overHttp).not.toContain(secret);
	});
});
