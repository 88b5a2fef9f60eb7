import type {DeviceCodePrompt, SignedIn} from '../explorer/services.js';

/**
 * Our own small sign-in interface. msal-node stays behind it: its public-client API may change in
 * a future major, and the UI and subcommands should not care how a token is obtained.
 */
export interface AuthProvider {
	/** Interactive sign-in (device code by default). */
	signIn(options: {onPrompt: (prompt: DeviceCodePrompt) => void; signal: AbortSignal}): Promise<SignedIn>;
	/** A Graph access token, refreshed silently when needed. */
	getAccessToken(options?: {forceRefresh?: boolean}): Promise<string>;
}
