/**
 * The demo tenant's sign-in service at the protocol level, for what msal-node never gets wrong on
 * its own: a client assertion must be signed by the registered certificate, addressed to this
 * token endpoint and unexpired; an authorization code needs the PKCE verifier and works once.
 */
import {constants, createHash, createPrivateKey, randomBytes, sign, X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {call, postForm} from '../simulator/helpers.js';
import {certificatePath, unregisteredCertificatePath} from './helpers.js';

const clientId = 'c0ffee00-0000-4000-8000-000000000001';
let simulator: Simulator;
beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: -1, deviceCodeIntervalSeconds: 1});
	simulator.identity.registerClientCertificate(await readFile(certificatePath, 'utf8'), clientId);
});
afterEach(() => simulator.close());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function assertion(options: {pem?: string; aud?: string; exp?: number; iss?: string; alg?: 'PS256' | 'RS256'} = {}): Promise<string> {
	const pem = await readFile(options.pem ?? certificatePath, 'utf8');
	const certificate = new X509Certificate(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)![0]);
	const now = Math.floor(Date.now() / 1000);
	const header = {alg: options.alg ?? 'PS256', typ: 'JWT', 'x5t#S256': createHash('sha256').update(certificate.raw).digest('base64url')};
	const claims = {
		aud: options.aud ?? 'https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token',
		iss: options.iss ?? clientId,
		sub: options.iss ?? clientId,
		exp: options.exp ?? now + 600,
		nbf: now,
		jti: randomBytes(8).toString('hex'),
	};
	const input = `${b64(header)}.${b64(claims)}`;
	const key = createPrivateKey(pem);
	const padding = header.alg === 'PS256' ? {padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST} : {};
	return `${input}.${sign('sha256', Buffer.from(input), {key, ...padding}).toString('base64url')}`;
}

async function clientCredentials(clientAssertion: string) {
	const result = await postForm(simulator, '/contoso.com/oauth2/v2.0/token', {
		client_id: clientId,
		grant_type: 'client_credentials',
		scope: 'https://graph.microsoft.com/.default',
		client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
		client_assertion: clientAssertion,
	});
	return {status: result.status, body: result.json() as {error?: string; error_codes?: number[]; access_token?: string}};
}

describe('client assertions', () => {
	it('accepts PS256 and RS256 assertions signed with the registered certificate', async () => {
		expect((await clientCredentials(await assertion())).status).toBe(200);
		expect((await clientCredentials(await assertion({alg: 'RS256'}))).status).toBe(200);
	});

	it('refuses a tampered signature, another certificate, a wrong audience, another app and an expired assertion', async () => {
		const good = await assertion();
		const [header, claims, signature] = good.split('.');
		const tampered = `${header}.${b64({...JSON.parse(Buffer.from(claims!, 'base64url').toString()), exp: 9_999_999_999})}.${signature}`;
		const cases: Array<[string, number]> = [
			[tampered, 700027],
			[await assertion({pem: unregisteredCertificatePath}), 700027],
			[await assertion({aud: 'https://login.microsoftonline.com/fabrikam.com/oauth2/v2.0/token'}), 700027],
			[await assertion({iss: 'another-app'}), 700021],
			[await assertion({exp: Math.floor(Date.now() / 1000) - 10}), 700024],
		];
		for (const [each, code] of cases) {
			const result = await clientCredentials(each);
			expect(result.status).toBe(401);
			expect(result.body).toMatchObject({error: 'invalid_client', error_codes: [code]});
		}
	});
});

describe('authorization code with PKCE', () => {
	const verifier = randomBytes(32).toString('base64url');
	const challenge = createHash('sha256').update(verifier).digest('base64url');
	const authorizeUrl = (redirectUri: string, extra: Record<string, string> = {}) =>
		`/contoso.com/oauth2/v2.0/authorize?${new URLSearchParams({
			client_id: clientId,
			redirect_uri: redirectUri,
			response_type: 'code',
			response_mode: 'form_post',
			scope: 'https://graph.microsoft.com/Synchronization.Read.All openid offline_access',
			state: 'state-1',
			code_challenge: challenge,
			code_challenge_method: 'S256',
			...extra,
		}).toString()}`;
	const codeFrom = (html: string) => /name="code" value="([^"]+)"/.exec(html)?.[1] ?? '';
	const redeem = (code: string, codeVerifier: string) =>
		postForm(simulator, '/contoso.com/oauth2/v2.0/token', {client_id: clientId, grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:9911', code_verifier: codeVerifier});

	it('answers with a form that posts the code and state to the loopback redirect URI', async () => {
		const page = await call(simulator, authorizeUrl('http://localhost:9911'));
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toContain('text/html');
		expect(page.text).toContain('<form method="post" action="http://localhost:9911">');
		expect(page.text).toContain('<input type="hidden" name="state" value="state-1">');
		const code = codeFrom(page.text);
		expect((await redeem(code, 'wrong-verifier')).json()).toMatchObject({error: 'invalid_grant', error_codes: [501481]});
	});

	it('redeems a code once, with the right verifier', async () => {
		const code = codeFrom((await call(simulator, authorizeUrl('http://localhost:9911'))).text);
		const first = await redeem(code, verifier);
		expect(first.status).toBe(200);
		expect(first.json()).toMatchObject({scope: 'https://graph.microsoft.com/Synchronization.Read.All'});
		expect((await redeem(code, verifier)).json()).toMatchObject({error: 'invalid_grant', error_codes: [54005]});
	});

	it('refuses redirect URIs that are not loopback, and requests without PKCE', async () => {
		const remote = await call(simulator, authorizeUrl('https://attacker.example/callback'));
		expect(remote.status).toBe(400);
		expect(remote.text).toContain('AADSTS50011');
		const withoutPkce = await call(simulator, authorizeUrl('http://localhost:9911', {code_challenge_method: 'plain'}));
		expect(withoutPkce.status).toBe(400);
		expect(withoutPkce.text).toContain('AADSTS9002325');
	});
});
