/**
 * Delegated sign-in with msal-node's PublicClientApplication: device code (the default over SSH,
 * where the host has no browser) or a browser on a fixed loopback port (for tenants that block
 * device code; forward the port with ssh -L). A saved sign-in is used silently when it still works.
 */
import {request as httpRequest} from 'node:http';
import {
	type AccountInfo,
	type AuthenticationResult,
	type DeviceCodeRequest,
	type InteractiveRequest,
	LogLevel,
	PublicClientApplication,
} from '@azure/msal-node';
import {UserError} from '../errors.js';
import type {AccountDescription, SignedIn, SignInPrompt} from './types.js';
import type {Cloud} from './clouds.js';
import {describeAuthError, interactionRequiredError, NotSignedInError, needsNewSignIn} from './errors.js';
import type {MsalNetworkModule} from './network.js';
import {deleteCacheFile, fileCachePlugin} from './token-cache.js';
import type {AuthProvider, SignInOptions} from './types.js';

export type PublicClientFlow = 'device-code' | 'browser';

export type PublicClientAuthOptions = {
	flow: PublicClientFlow;
	clientId: string;
	/** e.g. https://login.microsoftonline.com/contoso.com */
	authority: string;
	/** The tenant as the user gave it (id or domain); undefined = the account's home tenant. */
	tenant?: string;
	cloud: Cloud;
	scopes: string[];
	networkClient: MsalNetworkModule;
	/** Where the token cache lives; undefined keeps tokens in memory only. */
	tokenCachePath?: string;
	/** The cache's folder is the state directory (ours to keep private), not one the user chose. */
	tokenCacheInStateDirectory?: boolean;
	/** Browser flow: the loopback port the sign-in page redirects to. */
	redirectPort?: number;
	/** The sign-in page URL as the user should open it (the demo tenant serves it itself). */
	displayUrl?: (url: string) => string;
};

const openIdScopes = new Set(['openid', 'profile', 'offline_access', 'email']);

/** "https://graph.microsoft.com/Synchronization.Read.All" → "Synchronization.Read.All". */
export function permissionNames(scopes: readonly string[]): string[] {
	return scopes
		.filter((scope) => !openIdScopes.has(scope.toLowerCase()))
		.map((scope) => scope.replace(/^https:\/\/[^/]+\//, ''))
		.sort((a, b) => a.localeCompare(b));
}

export const msalLoggerOptions = {
	// MSAL logs can carry PII; we keep them off and never enable PII logging.
	logLevel: LogLevel.Error,
	piiLoggingEnabled: false,
	loggerCallback: () => {},
};

const browserSuccessPage =
	'<!doctype html><meta charset="utf-8"><title>Signed in</title><p>Signed in to provisioning-explorer. You can close this tab and go back to the terminal.</p>';
const browserErrorPage =
	'<!doctype html><meta charset="utf-8"><title>Sign-in failed</title><p>Sign-in did not finish. Go back to the terminal for the reason.</p>';

export class PublicClientAuth implements AuthProvider {
	readonly interactive = true;
	private readonly client: PublicClientApplication;
	private account: AccountInfo | undefined;
	private lastResult: AuthenticationResult | undefined;

	constructor(private readonly options: PublicClientAuthOptions) {
		this.client = new PublicClientApplication({
			auth: {clientId: options.clientId, authority: options.authority},
			cache: options.tokenCachePath
				? {cachePlugin: fileCachePlugin(options.tokenCachePath, {ownsDirectory: options.tokenCacheInStateDirectory})}
				: undefined,
			system: {networkClient: options.networkClient, loggerOptions: msalLoggerOptions},
		});
	}

	async signIn({onPrompt, signal, prompt = 'auto'}: SignInOptions): Promise<SignedIn> {
		let reason: string | undefined;
		if (prompt !== 'always') {
			const saved = await this.signInFromCache();
			if (saved.result) return this.accept(saved.result);
			reason = saved.reason;
			if (prompt === 'never') throw new NotSignedInError(`${reason ?? 'Not signed in.'} Run \`provisioning-explorer login\` first.`);
		}
		if (signal.aborted) throw new UserError('Sign-in cancelled.');
		const result = this.options.flow === 'browser' ? await this.browserSignIn(onPrompt, signal, reason) : await this.deviceCodeSignIn(onPrompt, signal, reason);
		if (!result?.account) throw new UserError('Sign-in finished without an account. Try again.');
		return this.accept(result);
	}

	async getAccessToken(options?: {forceRefresh?: boolean; extraScopes?: readonly string[]}): Promise<string> {
		if (!this.account) throw new NotSignedInError('Not signed in. Sign in first.');
		const extra = options?.extraScopes?.length ? this.qualified(options.extraScopes) : undefined;
		try {
			const result = await this.client.acquireTokenSilent({account: this.account, scopes: extra ?? this.options.scopes, forceRefresh: options?.forceRefresh});
			// describe() reports the sign-in's own token, not one asked for a single feature.
			if (!extra) this.lastResult = result;
			return result.accessToken;
		} catch (error) {
			if (extra && needsNewSignIn(error)) {
				throw new UserError(`This needs your consent to ${permissionNames(extra).join(' and ')} first; the sign-in screen asks for it.`);
			}
			if (needsNewSignIn(error)) {
				// MFA step-up, consent or Conditional Access: say which, not just "expired".
				throw (
					interactionRequiredError(this.options.networkClient.lastStsError()) ??
					new UserError('Your sign-in was revoked or has expired. Sign in again (`provisioning-explorer login`, or :login in the explorer).')
				);
			}
			throw describeAuthError(error, this.options.networkClient.lastStsError());
		}
	}

	async consentTo(extraScopes: readonly string[], {onPrompt, signal, reason}: SignInOptions & {reason: string}): Promise<void> {
		if (!this.account) throw new NotSignedInError('Not signed in. Sign in first.');
		const scopes = this.qualified(extraScopes);
		try {
			// Consented before (by an admin for the tenant, or by this user): the refresh token gets them silently.
			await this.client.acquireTokenSilent({account: this.account, scopes});
			return;
		} catch (error) {
			if (!needsNewSignIn(error)) throw describeAuthError(error, this.options.networkClient.lastStsError());
		}
		if (signal.aborted) throw new UserError('Sign-in cancelled.');
		// Entra only asks for consent interactively: the same flow as the sign-in, for the new permissions alone.
		const result =
			this.options.flow === 'browser' ? await this.browserSignIn(onPrompt, signal, reason, scopes) : await this.deviceCodeSignIn(onPrompt, signal, reason, scopes);
		if (!result?.account) throw new UserError('Sign-in finished without an account. Try again.');
		if (result.account.homeAccountId !== this.account.homeAccountId) {
			throw new UserError(`That sign-in was ${result.account.username || 'another account'}, not ${this.account.username}: sign in with the same account to consent.`);
		}
	}

	/** Permission names qualified with this cloud's Graph host, as the sign-in's own scopes are. */
	private qualified(names: readonly string[]): string[] {
		return names.map((name) => (/^https:\/\//.test(name) ? name : `${this.options.cloud.graphUrl}/${name}`));
	}

	async signOut(): Promise<{accounts: string[]}> {
		const cache = this.client.getTokenCache();
		const accounts = await cache.getAllAccounts();
		for (const account of accounts) await cache.removeAccount(account);
		if (this.options.tokenCachePath) await deleteCacheFile(this.options.tokenCachePath);
		this.account = undefined;
		this.lastResult = undefined;
		return {accounts: accounts.map((account) => account.username || account.homeAccountId)};
	}

	async describe(): Promise<AccountDescription | undefined> {
		const result = this.lastResult;
		if (!result || !this.account) return undefined;
		return {
			kind: 'user',
			account: this.account.username || this.account.name || this.account.homeAccountId,
			tenantId: result.tenantId || this.account.tenantId,
			cloud: this.options.cloud.label,
			clientId: this.options.clientId,
			method: this.options.flow === 'browser' ? 'browser' : 'device code',
			scopes: permissionNames(result.scopes),
			expiresAt: result.expiresOn?.getTime(),
			tokenCachePath: this.options.tokenCachePath,
		};
	}

	private accept(result: AuthenticationResult): SignedIn {
		this.account = result.account ?? this.account;
		this.lastResult = result;
		const account = this.account;
		return {account: account?.username || account?.name || 'signed-in user', tenant: result.tenantId || account?.tenantId || ''};
	}

	/** The saved account for this cloud and tenant, if any. */
	private async savedAccount(): Promise<AccountInfo | undefined> {
		const accounts = (await this.client.getTokenCache().getAllAccounts()).filter((account) =>
			this.options.cloud.authorityAliases.includes(account.environment.toLowerCase()),
		);
		const tenant = this.options.tenant?.toLowerCase();
		if (!tenant || tenant === 'organizations' || tenant === 'common') return accounts[0];
		return accounts.find((account) => account.tenantId.toLowerCase() === tenant || account.username.toLowerCase().endsWith(`@${tenant}`));
	}

	/** Silent sign-in from the token cache; a reason when a saved sign-in exists but no longer works. */
	private async signInFromCache(): Promise<{result?: AuthenticationResult; reason?: string}> {
		const account = await this.savedAccount();
		if (!account) return {};
		try {
			return {result: await this.client.acquireTokenSilent({account, scopes: this.options.scopes})};
		} catch (error) {
			if (!needsNewSignIn(error)) throw describeAuthError(error, this.options.networkClient.lastStsError());
			// Drop the dead account so the next run does not try it again.
			await this.client.getTokenCache().removeAccount(account);
			const code = (error as {errorCode?: string}).errorCode;
			const name = account.username || 'your account';
			if (code === 'invalid_grant') return {reason: `The saved sign-in for ${name} was revoked or has expired, so sign in again.`};
			return {reason: `The saved sign-in for ${name} cannot be used for this app or these permissions, so sign in again.`};
		}
	}

	private cancellation(signal: AbortSignal, onCancel: () => void): Promise<never> {
		const cancelled = new Promise<never>((_resolve, reject) => {
			const abort = () => {
				onCancel();
				reject(new UserError('Sign-in cancelled.'));
			};
			if (signal.aborted) abort();
			else signal.addEventListener('abort', abort, {once: true});
		});
		cancelled.catch(() => {});
		return cancelled;
	}

	private async deviceCodeSignIn(
		onPrompt: (prompt: SignInPrompt) => void,
		signal: AbortSignal,
		reason: string | undefined,
		scopes: string[] = this.options.scopes,
	): Promise<AuthenticationResult | null> {
		const request: DeviceCodeRequest = {
			scopes,
			deviceCodeCallback: (response) => {
				// Never show or log response.deviceCode: it is the polling credential.
				onPrompt({kind: 'deviceCode', verificationUri: response.verificationUri, userCode: response.userCode, expiresAt: Date.now() + response.expiresIn * 1000, reason});
			},
		};
		// MSAL checks `cancel` between polls on the very object it was given; we also stop waiting at once.
		const cancelled = this.cancellation(signal, () => {
			request.cancel = true;
		});
		try {
			return await Promise.race([this.client.acquireTokenByDeviceCode(request), cancelled]);
		} catch (error) {
			throw describeAuthError(error, this.options.networkClient.lastStsError());
		}
	}

	private async browserSignIn(
		onPrompt: (prompt: SignInPrompt) => void,
		signal: AbortSignal,
		reason: string | undefined,
		scopes: string[] = this.options.scopes,
	): Promise<AuthenticationResult> {
		const port = this.options.redirectPort;
		let authorizeUrl: URL | undefined;
		const request: InteractiveRequest = {
			scopes,
			preferredPort: port,
			successTemplate: browserSuccessPage,
			errorTemplate: browserErrorPage,
			openBrowser: async (url) => {
				if (signal.aborted) throw new UserError('Sign-in cancelled.');
				const redirect = new URL(new URL(url).searchParams.get('redirect_uri') ?? 'http://localhost');
				// MSAL quietly takes a random port when ours is busy; an SSH tunnel to ours would then lead nowhere.
				if (port && redirect.port !== String(port)) {
					throw new UserError(`Port ${port} is already in use on this host. Choose another with --redirect-port (and forward that one).`);
				}
				authorizeUrl = new URL(url);
				const display = this.options.displayUrl ? this.options.displayUrl(url) : url;
				onPrompt({kind: 'browser', url: display, redirectPort: Number(redirect.port), reason});
			},
		};
		// MSAL's loopback server waits for the browser forever; tell it the user gave up, as a browser would.
		const cancelled = this.cancellation(signal, () => {
			if (authorizeUrl) void postToLoopback(authorizeUrl, {error: 'access_denied', error_description: 'cancelled'});
		});
		try {
			return await Promise.race([this.client.acquireTokenInteractive(request), cancelled]);
		} catch (error) {
			throw describeAuthError(error, this.options.networkClient.lastStsError());
		}
	}
}

/** POSTs an authorization response to MSAL's loopback server (form_post), with the request's state. */
function postToLoopback(authorizeUrl: URL, fields: Record<string, string>): Promise<void> {
	const redirect = new URL(authorizeUrl.searchParams.get('redirect_uri') ?? 'http://localhost');
	const body = new URLSearchParams({...fields, state: authorizeUrl.searchParams.get('state') ?? ''}).toString();
	return new Promise((resolve) => {
		const request = httpRequest(
			{host: '127.0.0.1', port: Number(redirect.port), path: '/', method: 'POST', headers: {'content-type': 'application/x-www-form-urlencoded'}},
			(response) => {
				response.resume();
				response.on('end', () => resolve());
			},
		);
		request.on('error', () => resolve());
		request.end(body);
	});
}
