/**
 * App-only sign-in (client credentials) with msal-node's ConfidentialClientApplication: for
 * pipelines, and for tenants whose Conditional Access blocks the interactive flows. Nothing to show
 * the user; tokens stay in memory (the credential gets a new one on every run).
 */
import {type AuthenticationResult, ConfidentialClientApplication, type Configuration} from '@azure/msal-node';
import {UserError} from '../errors.js';
import type {AccountDescription, SignedIn} from './types.js';
import type {Cloud} from './clouds.js';
import type {AppCredential} from './credentials.js';
import {describeAuthError} from './errors.js';
import type {MsalNetworkModule} from './network.js';
import {msalLoggerOptions, permissionNames} from './public-client.js';
import type {AuthProvider} from './types.js';

export type AppOnlyAuthOptions = {
	clientId: string;
	/** e.g. https://login.microsoftonline.com/contoso.com — a tenant is required for app-only. */
	authority: string;
	cloud: Cloud;
	credential: AppCredential;
	networkClient: MsalNetworkModule;
};

/** The claims of a JWT access token, when it is one (Entra's are; we only read them for `whoami`). */
export function accessTokenClaims(token: string): Record<string, unknown> | undefined {
	const [, payload] = token.split('.');
	if (!payload) return undefined;
	try {
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
		return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

export class AppOnlyAuth implements AuthProvider {
	readonly interactive = false;
	private readonly client: ConfidentialClientApplication;
	private readonly scopes: string[];
	private lastResult: AuthenticationResult | undefined;

	constructor(private readonly options: AppOnlyAuthOptions) {
		const credential = options.credential;
		const auth: Configuration['auth'] =
			credential.kind === 'secret'
				? {clientId: options.clientId, authority: options.authority, clientSecret: credential.secret}
				: {
						clientId: options.clientId,
						authority: options.authority,
						clientCertificate: {thumbprintSha256: credential.thumbprintSha256, privateKey: credential.privateKey, x5c: credential.chain},
					};
		this.client = new ConfidentialClientApplication({auth, system: {networkClient: options.networkClient, loggerOptions: msalLoggerOptions}});
		this.scopes = [`${options.cloud.graphUrl}/.default`];
	}

	/** Gets a first token, so a wrong secret or certificate is reported at sign-in, not at the first Graph call. */
	async signIn(): Promise<SignedIn> {
		await this.getAccessToken();
		return {account: `app ${this.options.clientId}`, tenant: (await this.describe())?.tenantId ?? ''};
	}

	async getAccessToken(options?: {forceRefresh?: boolean}): Promise<string> {
		let result: AuthenticationResult | null;
		try {
			result = await this.client.acquireTokenByClientCredential({scopes: this.scopes, skipCache: options?.forceRefresh});
		} catch (error) {
			throw describeAuthError(error, this.options.networkClient.lastStsError());
		}
		if (!result?.accessToken) throw new UserError('The tenant answered without an access token. Try again.');
		this.lastResult = result;
		return result.accessToken;
	}

	async signOut(): Promise<{accounts: string[]}> {
		// Nothing is saved for app-only sign-in; forget the in-memory token too.
		this.lastResult = undefined;
		this.client.clearCache();
		return {accounts: []};
	}

	async describe(): Promise<AccountDescription | undefined> {
		const result = this.lastResult;
		if (!result) return undefined;
		const claims = accessTokenClaims(result.accessToken);
		const roles = Array.isArray(claims?.roles) ? claims.roles.filter((role): role is string => typeof role === 'string') : undefined;
		const tenantId = typeof claims?.tid === 'string' ? claims.tid : result.tenantId;
		return {
			kind: 'app',
			account: this.options.clientId,
			tenantId,
			cloud: this.options.cloud.label,
			clientId: this.options.clientId,
			method: this.options.credential.kind === 'secret' ? 'client secret' : 'client certificate',
			scopes: roles ? [...roles].sort((a, b) => a.localeCompare(b)) : permissionNames(result.scopes),
			expiresAt: result.expiresOn?.getTime(),
		};
	}
}
