import type {AccountDescription, SignedIn, SignInPrompt} from '../explorer/services.js';

/**
 * - `auto`: use the saved sign-in when it still works, else ask the user;
 * - `always`: ask the user even when a saved sign-in exists (`login`, switching accounts);
 * - `never`: the saved sign-in or a NotSignedInError (`whoami`).
 */
export type PromptPolicy = 'auto' | 'always' | 'never';

export type SignInOptions = {
	onPrompt: (prompt: SignInPrompt) => void;
	signal: AbortSignal;
	prompt?: PromptPolicy;
};

/**
 * Our own small sign-in interface. msal-node stays behind it: its public-client API may change in
 * a future major, and the UI and subcommands should not care how a token is obtained.
 */
export interface AuthProvider {
	/** False for app-only credentials: sign-in never needs the user. */
	readonly interactive: boolean;
	signIn(options: SignInOptions): Promise<SignedIn>;
	/** A Graph access token, refreshed silently when needed. */
	getAccessToken(options?: {forceRefresh?: boolean}): Promise<string>;
	/** Forgets the account here: removes it from the token cache and deletes the cache file. */
	signOut(): Promise<{accounts: string[]}>;
	/** Who is signed in (after signIn); undefined before. */
	describe(): Promise<AccountDescription | undefined>;
}
