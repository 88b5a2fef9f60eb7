/**
 * A minimal Microsoft identity platform (v2.0 endpoints) for the demo tenant: OpenID configuration,
 * device code flow, refresh tokens and client credentials. Shapes follow research auth-http.md §3.3.
 * Access tokens are opaque random strings the Graph side validates against this provider.
 */

import {randomBytes} from 'node:crypto';
import {jsonResponse, type RequestContext, type SimulatorResponse} from './http.js';
import type {DemoTenant} from './tenant.js';

const graphResource = 'https://graph.microsoft.com/';
const graphAppId = '00000003-0000-0000-c000-000000000000';
const openIdScopes = new Set(['openid', 'profile', 'offline_access', 'email']);
const deviceCodeGrantTypes = new Set(['device_code', 'urn:ietf:params:oauth:grant-type:device_code']);
/** What `.default` grants in the demo tenant: everything the app needs, as if an admin consented. */
const defaultGrantedPermissions = ['Application.Read.All', 'Synchronization.ReadWrite.All'];

export const accessTokenLifetimeSeconds = 3599;
export const deviceCodeLifetimeSeconds = 900;
export const defaultDemoClientSecret = 'pvx-demo-client-secret';

/** Form fields whose values are credentials and must never reach a log. */
export const secretFormFields = new Set([
	'device_code',
	'refresh_token',
	'client_secret',
	'assertion',
	'client_assertion',
	'code',
	'password',
	'access_token',
	'id_token',
]);

export type AccessGrant = {
	/** Permission names without the resource prefix, e.g. Synchronization.Read.All. */
	permissions: ReadonlySet<string>;
	kind: 'delegated' | 'application';
	clientId: string;
	/** Epoch milliseconds. */
	expiresAt: number;
	notBefore: number;
};

export type TokenValidation = {status: 'valid'; grant: AccessGrant} | {status: 'expired'} | {status: 'unknown'};

type DeviceCodeState = 'pending' | 'approved' | 'declined' | 'expired' | 'redeemed';

type DeviceCodeRecord = {
	deviceCode: string;
	userCode: string;
	clientId: string;
	resourceScopes: string[];
	issuedAt: number;
	expiresAt: number;
	state: DeviceCodeState;
};

type RefreshRecord = {clientId: string; resourceScopes: string[]};

export type IdentityProviderOptions = {
	tenant: DemoTenant;
	baseUrl: () => string;
	/** Device codes are approved this long after issue; undefined = never. */
	autoApproveDeviceCodeMs: number | undefined;
	clientSecret: string;
};

const userCodeAlphabet = 'BCDFGHJKLMNPQRSTVWXZ23456789';

function opaqueToken(prefix: string): string {
	return `${prefix}.${randomBytes(32).toString('base64url')}`;
}

const base64UrlJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** "https://graph.microsoft.com/Synchronization.Read.All" → "Synchronization.Read.All"; undefined for other resources. */
export function graphPermissionName(scope: string): string | undefined {
	let name = scope;
	if (name.toLowerCase().startsWith(graphResource)) name = name.slice(graphResource.length);
	else if (name.toLowerCase().startsWith(`${graphAppId}/`)) name = name.slice(graphAppId.length + 1);
	else if (name.includes('/') || name.includes(':')) return undefined;
	return name;
}

function permissionsFor(resourceScopes: string[]): Set<string> {
	const permissions = new Set<string>();
	for (const scope of resourceScopes) {
		const name = graphPermissionName(scope);
		if (!name) continue;
		if (name === '.default') for (const each of defaultGrantedPermissions) permissions.add(each);
		else permissions.add(name);
	}
	return permissions;
}

export class IdentityProvider {
	private readonly deviceCodes = new Map<string, DeviceCodeRecord>();
	private readonly accessTokens = new Map<string, AccessGrant>();
	private readonly refreshTokens = new Map<string, RefreshRecord>();

	constructor(private readonly options: IdentityProviderOptions) {}

	/** Tenant path segments the provider answers for. */
	isKnownTenant(segment: string): boolean {
		const lower = segment.toLowerCase();
		return [this.options.tenant.tenantId, this.options.tenant.domain, 'organizations', 'common'].includes(lower);
	}

	/** Whether `segments` ({tenant}/…) is one of the identity routes. */
	handles(segments: string[]): boolean {
		const [, ...rest] = segments;
		const path = rest.join('/').toLowerCase();
		return (
			path === 'oauth2/v2.0/devicecode' ||
			path === 'oauth2/v2.0/token' ||
			path === 'v2.0/.well-known/openid-configuration' ||
			path === 'discovery/v2.0/keys' ||
			path === 'discovery/instance'
		);
	}

	handle(context: RequestContext, segments: string[]): SimulatorResponse {
		const [tenantSegment = '', ...rest] = segments;
		const path = rest.join('/').toLowerCase();
		if (!this.isKnownTenant(tenantSegment)) {
			return this.oauthError(context, 400, 'invalid_tenant', 90002, `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
		}
		if (path === 'v2.0/.well-known/openid-configuration' && context.method === 'GET') return this.openIdConfiguration(tenantSegment);
		if (path === 'discovery/v2.0/keys' && context.method === 'GET') return jsonResponse(200, {keys: []});
		if (path === 'discovery/instance' && context.method === 'GET') return this.instanceDiscovery(tenantSegment);
		if (context.method !== 'POST') {
			return this.oauthError(context, 405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
		}
		const form = new URLSearchParams(context.body.toString('utf8'));
		if (path === 'oauth2/v2.0/devicecode') return this.issueDeviceCode(context, form);
		return this.token(context, form);
	}

	approveDeviceCode(userCode: string): void {
		this.setDeviceCodeState(userCode, 'approved');
	}

	declineDeviceCode(userCode: string): void {
		this.setDeviceCodeState(userCode, 'declined');
	}

	/** Makes a pending device code expire now (the natural lifetime is 15 minutes). */
	expireDeviceCode(userCode: string): void {
		this.setDeviceCodeState(userCode, 'expired');
	}

	/** Issues an access token directly, for tests (e.g. one with few scopes or already expired). */
	issueAccessToken(options: {scopes: string[]; expiresInSeconds?: number; kind?: 'delegated' | 'application'; clientId?: string}): string {
		const token = opaqueToken('pvx-at');
		const now = Date.now();
		this.accessTokens.set(token, {
			permissions: permissionsFor(options.scopes),
			kind: options.kind ?? 'delegated',
			clientId: options.clientId ?? 'demo-client',
			expiresAt: now + (options.expiresInSeconds ?? accessTokenLifetimeSeconds) * 1000,
			notBefore: now - 60_000,
		});
		return token;
	}

	/** Revokes every refresh token (the next refresh gets invalid_grant). */
	revokeRefreshTokens(): void {
		this.refreshTokens.clear();
	}

	validateAccessToken(token: string): TokenValidation {
		const grant = this.accessTokens.get(token);
		if (!grant) return {status: 'unknown'};
		const now = Date.now();
		if (now >= grant.expiresAt || now < grant.notBefore) return {status: 'expired'};
		return {status: 'valid', grant};
	}

	private setDeviceCodeState(userCode: string, state: DeviceCodeState): void {
		const record = [...this.deviceCodes.values()].find((each) => each.userCode.toUpperCase() === userCode.toUpperCase());
		if (!record) throw new Error(`Unknown device user code '${userCode}'`);
		if (record.state === 'pending' || state === 'expired') record.state = state;
	}

	private issuer(tenantSegment: string): string {
		return `${this.options.baseUrl()}/${this.resolveTenantId(tenantSegment)}/v2.0`;
	}

	private resolveTenantId(tenantSegment: string): string {
		return ['organizations', 'common'].includes(tenantSegment.toLowerCase()) || tenantSegment.toLowerCase() === this.options.tenant.domain
			? this.options.tenant.tenantId
			: tenantSegment.toLowerCase();
	}

	private openIdConfiguration(tenantSegment: string): SimulatorResponse {
		const base = `${this.options.baseUrl()}/${tenantSegment}`;
		return jsonResponse(200, {
			token_endpoint: `${base}/oauth2/v2.0/token`,
			token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
			jwks_uri: `${base}/discovery/v2.0/keys`,
			response_modes_supported: ['query', 'fragment', 'form_post'],
			subject_types_supported: ['pairwise'],
			id_token_signing_alg_values_supported: ['RS256'],
			response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
			scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
			issuer: this.issuer(tenantSegment),
			request_uri_parameter_supported: false,
			authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
			device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
			http_logout_supported: true,
			frontchannel_logout_supported: true,
			end_session_endpoint: `${base}/oauth2/v2.0/logout`,
			claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'oid'],
			tenant_region_scope: 'EU',
			cloud_instance_name: 'microsoftonline.com',
			cloud_graph_host_name: 'graph.windows.net',
			msgraph_host: 'graph.microsoft.com',
		});
	}

	private instanceDiscovery(tenantSegment: string): SimulatorResponse {
		const host = new URL(this.options.baseUrl()).host;
		return jsonResponse(200, {
			tenant_discovery_endpoint: `${this.options.baseUrl()}/${tenantSegment}/v2.0/.well-known/openid-configuration`,
			'api-version': '1.1',
			metadata: [{preferred_network: host, preferred_cache: host, aliases: [host]}],
		});
	}

	private issueDeviceCode(context: RequestContext, form: URLSearchParams): SimulatorResponse {
		const clientId = form.get('client_id');
		if (!clientId) return this.missingParameter(context, 'client_id');
		const userCode = this.newUserCode();
		const deviceCode = opaqueToken('pvx-dc');
		const now = Date.now();
		this.deviceCodes.set(deviceCode, {
			deviceCode,
			userCode,
			clientId,
			resourceScopes: resourceScopes(form.get('scope')),
			issuedAt: now,
			expiresAt: now + deviceCodeLifetimeSeconds * 1000,
			state: 'pending',
		});
		const verificationUri = 'https://microsoft.com/devicelogin';
		return jsonResponse(200, {
			user_code: userCode,
			device_code: deviceCode,
			verification_uri: verificationUri,
			expires_in: deviceCodeLifetimeSeconds,
			interval: 1,
			message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
		});
	}

	private newUserCode(): string {
		for (;;) {
			const bytes = randomBytes(4);
			const suffix = [...bytes].map((byte) => userCodeAlphabet[byte % userCodeAlphabet.length]).join('');
			const userCode = `DEMO-${suffix}`;
			if (![...this.deviceCodes.values()].some((each) => each.userCode === userCode)) return userCode;
		}
	}

	private token(context: RequestContext, form: URLSearchParams): SimulatorResponse {
		const grantType = form.get('grant_type');
		const clientId = form.get('client_id');
		if (!grantType) return this.missingParameter(context, 'grant_type');
		if (!clientId) return this.missingParameter(context, 'client_id');
		if (deviceCodeGrantTypes.has(grantType)) return this.redeemDeviceCode(context, form, clientId);
		if (grantType === 'refresh_token') return this.redeemRefreshToken(context, form, clientId);
		if (grantType === 'client_credentials') return this.clientCredentials(context, form, clientId);
		return this.oauthError(context, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
	}

	private redeemDeviceCode(context: RequestContext, form: URLSearchParams, clientId: string): SimulatorResponse {
		const deviceCode = form.get('device_code');
		if (!deviceCode) return this.missingParameter(context, 'device_code');
		const record = this.deviceCodes.get(deviceCode);
		if (!record || record.clientId !== clientId) {
			return this.oauthError(context, 400, 'bad_verification_code', 70019, 'Verification code is invalid or does not belong to this client.');
		}
		const now = Date.now();
		if (record.state === 'pending' && now >= record.expiresAt) record.state = 'expired';
		const autoApproveMs = this.options.autoApproveDeviceCodeMs;
		if (record.state === 'pending' && autoApproveMs !== undefined && now - record.issuedAt >= autoApproveMs) record.state = 'approved';
		switch (record.state) {
			case 'pending':
				return this.oauthError(context, 400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
			case 'declined':
				return this.oauthError(context, 400, 'authorization_declined', 70000, 'The user declined the authentication request.');
			case 'expired':
				return this.oauthError(context, 400, 'expired_token', 70020, 'The provided value for the input parameter \'device_code\' is not valid. This device code has expired.');
			case 'redeemed':
				return this.oauthError(context, 400, 'invalid_grant', 70000, 'The provided value for the input parameter \'device_code\' is not valid. The code has already been used.');
			case 'approved':
				record.state = 'redeemed';
				return this.delegatedTokens(record.clientId, record.resourceScopes);
		}
	}

	private redeemRefreshToken(context: RequestContext, form: URLSearchParams, clientId: string): SimulatorResponse {
		const refreshToken = form.get('refresh_token');
		if (!refreshToken) return this.missingParameter(context, 'refresh_token');
		const record = this.refreshTokens.get(refreshToken);
		if (!record || record.clientId !== clientId) {
			return this.oauthError(context, 400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired or was revoked. Send a new interactive authorization request for this user and resource.');
		}
		// Rotation: each refresh token works once.
		this.refreshTokens.delete(refreshToken);
		const requested = resourceScopes(form.get('scope'));
		return this.delegatedTokens(clientId, requested.length > 0 ? requested : record.resourceScopes);
	}

	private clientCredentials(context: RequestContext, form: URLSearchParams, clientId: string): SimulatorResponse {
		const secret = form.get('client_secret');
		if (secret === null) {
			if (form.has('client_assertion')) {
				return this.oauthError(context, 401, 'invalid_client', 700027, 'Client assertions are not supported by the demo tenant; use the demo client secret.');
			}
			return this.oauthError(context, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
		}
		if (secret !== this.options.clientSecret) {
			return this.oauthError(context, 401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
		}
		const scopes = resourceScopes(form.get('scope'));
		if (!scopes.some((scope) => scope.endsWith('/.default'))) {
			return this.oauthError(context, 400, 'invalid_scope', 1002012, 'The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).');
		}
		const accessToken = opaqueToken('pvx-at');
		const now = Date.now();
		this.accessTokens.set(accessToken, {
			permissions: permissionsFor(scopes),
			kind: 'application',
			clientId,
			expiresAt: now + accessTokenLifetimeSeconds * 1000,
			notBefore: now - 60_000,
		});
		return jsonResponse(200, {token_type: 'Bearer', expires_in: accessTokenLifetimeSeconds, ext_expires_in: accessTokenLifetimeSeconds, access_token: accessToken});
	}

	private delegatedTokens(clientId: string, scopes: string[]): SimulatorResponse {
		const tenant = this.options.tenant;
		const now = Date.now();
		const accessToken = opaqueToken('pvx-at');
		const refreshToken = opaqueToken('pvx-rt');
		this.accessTokens.set(accessToken, {
			permissions: permissionsFor(scopes),
			kind: 'delegated',
			clientId,
			expiresAt: now + accessTokenLifetimeSeconds * 1000,
			notBefore: now - 60_000,
		});
		this.refreshTokens.set(refreshToken, {clientId, resourceScopes: scopes});
		const seconds = Math.floor(now / 1000);
		const claims = {
			aud: clientId,
			iss: `${this.options.baseUrl()}/${tenant.tenantId}/v2.0`,
			iat: seconds,
			nbf: seconds,
			exp: seconds + accessTokenLifetimeSeconds,
			name: tenant.admin.displayName,
			oid: tenant.admin.id,
			preferred_username: tenant.admin.userPrincipalName,
			sub: `demo-${tenant.admin.id.slice(0, 8)}`,
			tid: tenant.tenantId,
			ver: '2.0',
		};
		// MSAL does not check id_token signatures, so an unsigned token is enough (auth-http.md §3.3).
		const idToken = `${base64UrlJson({alg: 'none', typ: 'JWT'})}.${base64UrlJson(claims)}.`;
		return jsonResponse(200, {
			token_type: 'Bearer',
			scope: scopes.length > 0 ? scopes.join(' ') : 'openid profile offline_access',
			expires_in: accessTokenLifetimeSeconds,
			ext_expires_in: accessTokenLifetimeSeconds,
			access_token: accessToken,
			refresh_token: refreshToken,
			id_token: idToken,
			client_info: base64UrlJson({uid: tenant.admin.id, utid: tenant.tenantId}),
		});
	}

	private missingParameter(context: RequestContext, name: string): SimulatorResponse {
		return this.oauthError(context, 400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);
	}

	/** The STS error shape MSAL reads (auth-http.md §3.3). */
	private oauthError(context: RequestContext, status: number, error: string, code: number, description: string): SimulatorResponse {
		const timestamp = `${new Date().toISOString().slice(0, 19).replace('T', ' ')}Z`;
		const correlationId = context.clientRequestId;
		return jsonResponse(status, {
			error,
			error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${context.requestId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
			error_codes: [code],
			timestamp,
			trace_id: context.requestId,
			correlation_id: correlationId,
			error_uri: `${this.options.baseUrl()}/error?code=${code}`,
		});
	}
}

/** Requested scopes minus the OpenID Connect ones. */
function resourceScopes(scopeParameter: string | null): string[] {
	return (scopeParameter ?? '')
		.split(/\s+/)
		.filter((scope) => scope !== '' && !openIdScopes.has(scope));
}

/** Replaces credential values in a form-encoded body with <redacted>. */
export function redactFormBody(text: string): string {
	const form = new URLSearchParams(text);
	let changed = false;
	for (const key of [...new Set(form.keys())]) {
		if (secretFormFields.has(key)) {
			form.set(key, '<redacted>');
			changed = true;
		}
	}
	return changed ? form.toString() : text;
}
