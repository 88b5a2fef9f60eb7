/**
 * Device-code sign-in with msal-node: the default over SSH, where the host has no browser.
 */
import {type AccountInfo, type DeviceCodeRequest, type INetworkModule, LogLevel, PublicClientApplication} from '@azure/msal-node';
import {UserError} from '../errors.js';
import type {DeviceCodePrompt, SignedIn} from '../explorer/services.js';
import type {AuthProvider} from './types.js';

export type MsalDeviceCodeOptions = {
	clientId: string;
	/** e.g. https://login.microsoftonline.com/contoso.com */
	authority: string;
	scopes: string[];
	networkClient: INetworkModule;
};

/** Turns msal-node's error codes into a cause and what to do. */
export function describeAuthError(error: unknown): UserError {
	const info = error as {errorCode?: string; errorMessage?: string; message?: string};
	const code = info.errorCode ?? '';
	const text = `${info.errorMessage ?? ''} ${info.message ?? ''}`;
	if (code === 'device_code_polling_cancelled') return new UserError('Sign-in cancelled.');
	if (code === 'device_code_expired' || /expired_token/.test(text)) {
		return new UserError('The device code expired before sign-in finished. Start again to get a new code.');
	}
	if (/authorization_declined/.test(text)) return new UserError('Sign-in was declined in the browser. Start again if that was a mistake.');
	if (/AADSTS53003|blocked by Conditional Access|access_denied/i.test(text)) {
		return new UserError(
			'Your tenant blocks device-code sign-in (Conditional Access). Use --auth browser with an SSH tunnel, or app-only sign-in (--auth client-secret).',
		);
	}
	if (code === 'invalid_grant' || /invalid_grant/.test(text)) return new UserError('Your session was revoked or expired. Sign in again.');
	if (code === 'network_error' || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT/.test(text)) {
		return new UserError('Could not reach the sign-in service. Check the network, HTTPS_PROXY and NO_PROXY, then try again.');
	}
	return new UserError(`Sign-in failed: ${(info.errorMessage || info.message || code || 'unknown error').split('\n')[0]}`);
}

export class MsalDeviceCodeAuth implements AuthProvider {
	private readonly client: PublicClientApplication;
	private account: AccountInfo | undefined;

	constructor(private readonly options: MsalDeviceCodeOptions) {
		this.client = new PublicClientApplication({
			auth: {clientId: options.clientId, authority: options.authority},
			system: {
				networkClient: options.networkClient,
				// MSAL logs can carry PII; keep them off unless a later verbose mode asks (without PII).
				loggerOptions: {logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {}},
			},
		});
	}

	async signIn({onPrompt, signal}: {onPrompt: (prompt: DeviceCodePrompt) => void; signal: AbortSignal}): Promise<SignedIn> {
		const request: DeviceCodeRequest = {
			scopes: this.options.scopes,
			deviceCodeCallback: (response) => {
				// Never show or log response.deviceCode: it is the polling credential.
				onPrompt({verificationUri: response.verificationUri, userCode: response.userCode, expiresAt: Date.now() + response.expiresIn * 1000});
			},
		};
		// MSAL checks `cancel` between polls on the very object it was given; we also stop waiting at once.
		const cancelled = new Promise<never>((_resolve, reject) => {
			const onAbort = () => {
				request.cancel = true;
				reject(new UserError('Sign-in cancelled.'));
			};
			if (signal.aborted) onAbort();
			else signal.addEventListener('abort', onAbort, {once: true});
		});
		cancelled.catch(() => {});
		let result: Awaited<ReturnType<PublicClientApplication['acquireTokenByDeviceCode']>>;
		try {
			result = await Promise.race([this.client.acquireTokenByDeviceCode(request), cancelled]);
		} catch (error) {
			if (error instanceof UserError) throw error;
			throw describeAuthError(error);
		}
		if (!result?.account) throw new UserError('Sign-in finished without an account. Try again.');
		this.account = result.account;
		return {account: result.account.username || result.account.name || 'signed-in user', tenant: result.tenantId};
	}

	async getAccessToken(options?: {forceRefresh?: boolean}): Promise<string> {
		if (!this.account) throw new UserError('Not signed in. Sign in first.');
		try {
			const result = await this.client.acquireTokenSilent({account: this.account, scopes: this.options.scopes, forceRefresh: options?.forceRefresh});
			return result.accessToken;
		} catch (error) {
			throw describeAuthError(error);
		}
	}
}
