/**
 * A minimal Microsoft identity platform (v2.0 endpoints) for the demo tenant: OpenID configuration,
 * instance discovery, device code flow, the authorization-code flow with PKCE (the browser sign-in,
 * answered with form_post), refresh tokens, and client credentials with a secret or a certificate
 * (client assertion). Shapes follow research auth-http.md §3.3. Access tokens look like Entra's
 * JWTs (so `whoami` can read scp/roles) but are only valid because the provider remembers them;
 * they expire, and per-scope consent decides what they grant.
 */

import {createHash, randomBytes} from 'node:crypto';
import {checkClientAssertion, jwtBearerAssertionType, type RegisteredCertificate, registerCertificate} from './client-assertion.js';
import {jsonResponse, type RequestContext, type SimulatorResponse} from './http.js';
import type {DemoTenant} from './tenant.js';

const graphResource = 'https://graph.microsoft.com/';
/** Graph's resource URIs in every cloud: scopes may name any of them. */
const graphResources = [graphResource, 'https://graph.microsoft.us/', 'https://dod-graph.microsoft.us/', 'https://microsoftgraph.chinacloudapi.cn/'];
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
	/** The signed-in user's directory roles when the token was issued (Entra's `wids` claim); none for app-only. */
	directoryRoles: ReadonlySet<string>;
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

type AuthorizationCodeRecord = {clientId: string; redirectUri: string; resourceScopes: string[]; codeChallenge: string; expiresAt: number};

/** Authorization codes live 10 minutes, as Entra's do. */
const authorizationCodeLifetimeMs = 10 * 60_000;

export type IdentityProviderOptions = {
	tenant: DemoTenant;
	baseUrl: () => string;
	/** Device codes are approved this long after issue; undefined = never. */
	autoApproveDeviceCodeMs: number | undefined;
	clientSecret: string;
	/** The `interval` device-code answers carry (default 5 s, as Entra); tests shorten it. */
	deviceCodeIntervalSeconds?: number;
};

const userCodeAlphabet = 'BCDFGHJKLMNPQRSTVWXZ23456789';

function opaqueToken(prefix: string): string {
	return `${prefix}.${randomBytes(32).toString('base64url')}`;
}

const base64UrlJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

function isLoopbackRedirect(uri: string): boolean {
	try {
		const url = new URL(uri);
		return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
	} catch {
		return false;
	}
}

/** "https://graph.microsoft.com/Synchronization.Read.All" → "Synchronization.Read.All"; undefined for other resources. */
export function graphPermissionName(scope: string): string | undefined {
	let name = scope;
	const resource = graphResources.find((each) => name.toLowerCase().startsWith(each));
	if (resource) name = name.slice(resource.length);
	else if (name.toLowerCase().startsWith(`${graphAppId}/`)) name = name.slice(graphAppId.length + 1);
	else if (name.includes('/') || name.includes(':')) return undefined;
	return name;
}

/** What the scopes ask for; `.default` stands for `defaults` (what was consented). */
function permissionsFor(resourceScopes: string[], defaults: readonly string[] = defaultGrantedPermissions): Set<string> {
	const permissions = new Set<string>();
	for (const scope of resourceScopes) {
		const name = graphPermissionName(scope);
		if (!name) continue;
		if (name === '.default') for (const each of defaults) permissions.add(each);
		else permissions.add(name);
	}
	return permissions;
}

export class IdentityProvider {
	private readonly deviceCodes = new Map<string, DeviceCodeRecord>();
	private readonly accessTokens = new Map<string, AccessGrant>();
	private readonly refreshTokens = new Map<string, RefreshRecord>();
	private readonly authorizationCodes = new Map<string, AuthorizationCodeRecord>();
	private readonly certificates: RegisteredCertificate[] = [];
	/** Every credential handed out, so tests can prove none of them leaks into output. */
	private readonly issued: string[] = [];
	/** Undefined: a user is granted whatever delegated permission is asked for. */
	private delegatedConsent: ReadonlySet<string> | undefined;
	private applicationPermissions: readonly string[] = defaultGrantedPermissions;
	private accessTokenLifetime = accessTokenLifetimeSeconds;
	/** The demo admin's directory roles; tokens issued from now on carry them. */
	private directoryRoles: readonly string[] = ['Global Administrator'];
	/** requireConsentOnFirstUse(): permissions still waiting for an interactive consent. */
	private unconsented = new Set<string>();
	/** Device-code polling interval the STS asks for (Entra: 5 s). */
	private deviceCodeInterval: number;
	/** AADSTS error the next device-code redemption or refresh answers instead of tokens (e.g. 50076), once. */
	private pendingInteractionError: number | undefined;

	constructor(private readonly options: IdentityProviderOptions) {
		this.issued.push(options.clientSecret);
		this.deviceCodeInterval = options.deviceCodeIntervalSeconds ?? 5;
	}

	/** The signed-in user's directory roles, e.g. ['Global Reader'] or ['Hybrid Identity Administrator'], for tokens issued from now on. */
	setDirectoryRoles(roles: string[]): void {
		this.directoryRoles = [...roles];
	}

	/**
	 * Makes the next token request of a user (device code, refresh, browser code) fail the way Entra does
	 * when it needs more from the user: 50076/50079 (MFA step-up), 65001 (consent), 53003 (blocked by
	 * Conditional Access).
	 */
	requireInteraction(aadsts: 50076 | 50079 | 65001 | 53003): void {
		this.pendingInteractionError = aadsts;
	}

	/**
	 * Per-scope consent, as an admin grants it: delegated tokens carry only the consented permissions
	 * among those asked for, app-only tokens the application permissions. Undefined leaves one as is.
	 */
	setConsent(consent: {delegated?: string[]; application?: string[]}): void {
		if (consent.delegated) this.delegatedConsent = new Set(consent.delegated);
		if (consent.application) this.applicationPermissions = [...consent.application];
	}

	/**
	 * Permissions nobody has consented to yet for this app: a silent request (refresh token) that asks for one
	 * answers AADSTS65001 consent_required, as Entra does for incremental consent; an interactive sign-in (device
	 * code, browser) that asks for them is where the demo admin consents, so later refreshes get them.
	 */
	requireConsentOnFirstUse(permissions: string[]): void {
		this.unconsented = new Set(permissions);
	}

	/** Lifetime of access tokens issued from now on (default 3599 s); short ones make refresh paths run. */
	setAccessTokenLifetime(seconds: number): void {
		this.accessTokenLifetime = seconds;
	}

	/** Makes every access token issued so far expire now (Graph answers 401; refresh tokens still work). */
	expireAccessTokens(): void {
		const past = Date.now() - 1000;
		for (const grant of this.accessTokens.values()) grant.expiresAt = past;
	}

	/** Registers an app certificate (PEM), as uploading it to the app registration does. */
	registerClientCertificate(certificatePem: string, clientId?: string): void {
		this.certificates.push(registerCertificate(certificatePem, clientId));
	}

	/** Every token, device code, authorization code and client secret this provider has issued or accepts. */
	issuedSecrets(): string[] {
		return [...this.issued];
	}

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
			path === 'oauth2/v2.0/authorize' ||
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
		if (path === 'oauth2/v2.0/authorize' && context.method === 'GET') return this.authorize(context);
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
		return this.mintAccessToken(
			options.kind ?? 'delegated',
			options.clientId ?? 'demo-client',
			permissionsFor(options.scopes),
			options.expiresInSeconds ?? accessTokenLifetimeSeconds,
		);
	}

	/** An access token shaped like Entra's (a JWT whose claims say what it grants), remembered for Graph. */
	private mintAccessToken(kind: 'delegated' | 'application', clientId: string, permissions: Set<string>, lifetimeSeconds: number): string {
		const tenant = this.options.tenant;
		const now = Date.now();
		const seconds = Math.floor(now / 1000);
		const sorted = [...permissions].sort();
		const claims = {
			aud: graphResource.slice(0, -1),
			iss: `https://sts.windows.net/${tenant.tenantId}/`,
			iat: seconds,
			nbf: seconds - 60,
			exp: seconds + lifetimeSeconds,
			appid: clientId,
			tid: tenant.tenantId,
			...(kind === 'delegated' ? {scp: sorted.join(' '), oid: tenant.admin.id, upn: tenant.admin.userPrincipalName} : {roles: sorted}),
			uti: randomBytes(16).toString('base64url'),
			ver: '1.0',
		};
		// The "signature" is random: Graph here trusts the provider's memory, not a key.
		const token = `${base64UrlJson({typ: 'JWT', alg: 'RS256', kid: 'pvx-demo'})}.${base64UrlJson(claims)}.${randomBytes(32).toString('base64url')}`;
		const directoryRoles = new Set(kind === 'delegated' ? this.directoryRoles : []);
		this.accessTokens.set(token, {permissions, kind, directoryRoles, clientId, expiresAt: now + lifetimeSeconds * 1000, notBefore: now - 60_000});
		this.issued.push(token);
		return token;
	}

	/** Delegated permissions a token gets: what was asked for, limited to what was consented. */
	private grantedDelegated(resourceScopes: string[]): string[] {
		const consent = this.delegatedConsent;
		return resourceScopes.filter((scope) => {
			const name = graphPermissionName(scope);
			return !consent || name === undefined || name === '.default' || consent.has(name);
		});
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
		this.issued.push(deviceCode);
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
			interval: this.deviceCodeInterval,
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
		if (grantType === 'authorization_code') return this.redeemAuthorizationCode(context, form, clientId);
		return this.oauthError(context, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
	}

	private redeemDeviceCode(context: RequestContext, form: URLSearchParams, clientId: string): SimulatorResponse {
		const deviceCode = form.get('device_code');
		if (!deviceCode) return this.missingParameter(context, 'device_code');
		const record = this.deviceCodes.get(deviceCode);
		// AADSTS70018 InvalidUserCode, 70019 CodeExpired (Microsoft Entra authentication error codes).
		if (!record || record.clientId !== clientId) {
			return this.oauthError(context, 400, 'bad_verification_code', 70018, 'Invalid verification code due to User typing in wrong user code for device code flow. Authorization is not approved.');
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
				return this.oauthError(context, 400, 'expired_token', 70019, 'Verification code expired. Have the user retry the sign-in.');
			case 'redeemed':
				return this.oauthError(context, 400, 'invalid_grant', 70000, 'The provided value for the input parameter \'device_code\' is not valid. The code has already been used.');
			case 'approved': {
				const interaction = this.interactionError(context);
				if (interaction) return interaction;
				record.state = 'redeemed';
				this.consentInteractively(record.resourceScopes);
				return this.delegatedTokens(record.clientId, record.resourceScopes);
			}
		}
	}

	private redeemRefreshToken(context: RequestContext, form: URLSearchParams, clientId: string): SimulatorResponse {
		const refreshToken = form.get('refresh_token');
		if (!refreshToken) return this.missingParameter(context, 'refresh_token');
		const record = this.refreshTokens.get(refreshToken);
		if (!record || record.clientId !== clientId) {
			return this.oauthError(context, 400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired or was revoked. Send a new interactive authorization request for this user and resource.');
		}
		const interaction = this.interactionError(context);
		if (interaction) return interaction;
		const requested = resourceScopes(form.get('scope'));
		const needConsent = requested.map(graphPermissionName).filter((name) => name !== undefined && this.unconsented.has(name));
		if (needConsent.length > 0) {
			// Entra's answer to new scopes on a refresh: invalid_grant, suberror consent_required (MSAL: InteractionRequiredAuthError).
			return this.consentRequired(context, clientId, needConsent as string[]);
		}
		// Rotation: each refresh token works once.
		this.refreshTokens.delete(refreshToken);
		return this.delegatedTokens(clientId, requested.length > 0 ? requested : record.resourceScopes);
	}

	private clientCredentials(context: RequestContext, form: URLSearchParams, clientId: string): SimulatorResponse {
		const secret = form.get('client_secret');
		const assertion = form.get('client_assertion');
		if (secret === null && assertion === null) {
			return this.oauthError(context, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
		}
		if (assertion !== null) {
			if (form.get('client_assertion_type') !== jwtBearerAssertionType) {
				return this.oauthError(context, 400, 'invalid_request', 90034, `client_assertion_type must be '${jwtBearerAssertionType}'.`);
			}
			const check = checkClientAssertion(assertion, {clientId, tokenPath: context.path, certificates: this.certificates});
			if (!check.ok) return this.oauthError(context, 401, 'invalid_client', check.code, check.description);
		} else if (secret !== this.options.clientSecret) {
			return this.oauthError(context, 401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
		}
		const scopes = resourceScopes(form.get('scope'));
		if (!scopes.some((scope) => scope.endsWith('/.default'))) {
			return this.oauthError(context, 400, 'invalid_scope', 1002012, 'The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).');
		}
		const lifetime = this.accessTokenLifetime;
		const accessToken = this.mintAccessToken('application', clientId, permissionsFor(scopes, this.applicationPermissions), lifetime);
		return jsonResponse(200, {token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken});
	}

	private delegatedTokens(clientId: string, requestedScopes: string[]): SimulatorResponse {
		const tenant = this.options.tenant;
		const now = Date.now();
		const lifetime = this.accessTokenLifetime;
		const scopes = this.grantedDelegated(requestedScopes);
		const accessToken = this.mintAccessToken('delegated', clientId, permissionsFor(scopes, [...(this.delegatedConsent ?? defaultGrantedPermissions)]), lifetime);
		const refreshToken = opaqueToken('pvx-rt');
		this.issued.push(refreshToken);
		this.refreshTokens.set(refreshToken, {clientId, resourceScopes: requestedScopes});
		const seconds = Math.floor(now / 1000);
		const claims = {
			aud: clientId,
			iss: `${this.options.baseUrl()}/${tenant.tenantId}/v2.0`,
			iat: seconds,
			nbf: seconds,
			exp: seconds + lifetime,
			name: tenant.admin.displayName,
			oid: tenant.admin.id,
			preferred_username: tenant.admin.userPrincipalName,
			sub: `demo-${tenant.admin.id.slice(0, 8)}`,
			tid: tenant.tenantId,
			ver: '2.0',
		};
		// MSAL does not check id_token signatures, so an unsigned token is enough (auth-http.md §3.3).
		const idToken = `${base64UrlJson({alg: 'none', typ: 'JWT'})}.${base64UrlJson(claims)}.`;
		this.issued.push(idToken);
		return jsonResponse(200, {
			token_type: 'Bearer',
			scope: scopes.length > 0 ? scopes.join(' ') : 'openid profile offline_access',
			expires_in: lifetime,
			ext_expires_in: lifetime,
			access_token: accessToken,
			refresh_token: refreshToken,
			id_token: idToken,
			client_info: base64UrlJson({uid: tenant.admin.id, utid: tenant.tenantId}),
		});
	}

	/**
	 * The browser sign-in page. The demo admin is already signed in (single sign-on), so it answers at
	 * once with a page that form-posts the code to the app's loopback redirect URI (response_mode=form_post).
	 */
	private authorize(context: RequestContext): SimulatorResponse {
		const query = context.query;
		const clientId = query.get('client_id');
		const redirectUri = query.get('redirect_uri');
		const codeChallenge = query.get('code_challenge');
		const page = (status: number, title: string, body: string) => ({
			status,
			headers: {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store'},
			body: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`,
		});
		if (!clientId || !redirectUri) return page(400, 'Sign-in error', '<p>AADSTS900144: The request must contain client_id and redirect_uri.</p>');
		// Entra accepts any port for a registered http://localhost redirect URI; the demo app registers only loopback ones.
		if (!isLoopbackRedirect(redirectUri)) {
			return page(400, 'Sign-in error', `<p>AADSTS50011: The redirect URI '${escapeHtml(redirectUri)}' does not match the redirect URIs configured for the application.</p>`);
		}
		if (query.get('response_type') !== 'code') return page(400, 'Sign-in error', '<p>AADSTS700054: response_type must be code.</p>');
		if (!codeChallenge || query.get('code_challenge_method') !== 'S256') {
			return page(400, 'Sign-in error', '<p>AADSTS9002325: Proof Key for Code Exchange (S256) is required for public clients.</p>');
		}
		const code = opaqueToken('pvx-ac');
		this.issued.push(code);
		this.authorizationCodes.set(code, {
			clientId,
			redirectUri,
			resourceScopes: resourceScopes(query.get('scope')),
			codeChallenge,
			expiresAt: Date.now() + authorizationCodeLifetimeMs,
		});
		const fields: Record<string, string> = {code, client_info: base64UrlJson({uid: this.options.tenant.admin.id, utid: this.options.tenant.tenantId})};
		const state = query.get('state');
		if (state !== null) fields.state = state;
		const inputs = Object.entries(fields)
			.map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
			.join('');
		return page(
			200,
			'Signing in',
			`<p>Signed in to the demo tenant as ${escapeHtml(this.options.tenant.admin.userPrincipalName)}. Returning to the app…</p>` +
				`<form method="post" action="${escapeHtml(redirectUri)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form>` +
				'<script>document.forms[0].submit()</script>',
		);
	}

	private redeemAuthorizationCode(context: RequestContext, form: URLSearchParams, clientId: string): SimulatorResponse {
		const code = form.get('code');
		if (!code) return this.missingParameter(context, 'code');
		const record = this.authorizationCodes.get(code);
		// Codes work once.
		this.authorizationCodes.delete(code);
		if (!record || record.clientId !== clientId || Date.now() >= record.expiresAt) {
			return this.oauthError(context, 400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, is expired or was issued to another client.');
		}
		if (form.get('redirect_uri') !== record.redirectUri) {
			return this.oauthError(context, 400, 'invalid_grant', 500112, 'The reply address does not match the reply address provided when requesting the authorization code.');
		}
		const verifier = form.get('code_verifier') ?? '';
		if (createHash('sha256').update(verifier).digest('base64url') !== record.codeChallenge) {
			return this.oauthError(context, 400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
		}
		this.consentInteractively(record.resourceScopes);
		return this.delegatedTokens(clientId, record.resourceScopes);
	}

	/** The signed-in admin accepts the consent page for what an interactive sign-in asked. */
	private consentInteractively(resourceScopes: string[]): void {
		for (const scope of resourceScopes) {
			const name = graphPermissionName(scope);
			if (name !== undefined) this.unconsented.delete(name);
		}
	}

	private consentRequired(context: RequestContext, clientId: string, permissions: string[]): SimulatorResponse {
		const response = this.oauthError(
			context,
			400,
			'invalid_grant',
			65001,
			`The user or administrator has not consented to use the application with ID '${clientId}' for ${permissions.join(', ')}. Send an interactive authorization request for this user and resource.`,
		);
		return {...response, body: JSON.stringify({...JSON.parse(String(response.body)), suberror: 'consent_required'})};
	}

	/** The pending requireInteraction() failure, once, as Entra words it. */
	private interactionError(context: RequestContext): SimulatorResponse | undefined {
		const code = this.pendingInteractionError;
		if (code === undefined) return undefined;
		this.pendingInteractionError = undefined;
		const failures: Record<number, [error: string, description: string]> = {
			50076: ['interaction_required', 'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.'],
			50079: ['interaction_required', 'Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access the resource.'],
			65001: ['invalid_grant', 'The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.'],
			53003: ['invalid_grant', 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.'],
		};
		const [error, description] = failures[code] ?? ['interaction_required', 'Interaction is required.'];
		return this.oauthError(context, 400, error, code, description);
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
