/** Sign-in's own types: auth depends on no layer above it. */

/** What the device-code sign-in asks the user to do. */
export type DeviceCodeInstruction = {
	kind?: 'deviceCode';
	verificationUri: string;
	userCode: string;
	/** Epoch milliseconds. */
	expiresAt: number;
	/** Why the saved sign-in could not be used (e.g. it was revoked), when that is why we ask. */
	reason?: string;
};

/** Browser sign-in: open `url`; the sign-in page then redirects to http://localhost:`redirectPort`. */
export type BrowserSignInInstruction = {
	kind: 'browser';
	url: string;
	/** Over SSH, forward it: ssh -L PORT:127.0.0.1:PORT host. */
	redirectPort: number;
	reason?: string;
};

/** What the sign-in screen shows while it waits for the user. */
export type SignInPrompt = DeviceCodeInstruction | BrowserSignInInstruction;
/** The sign-in prompt under its first name, still used by the UI state. */
export type DeviceCodePrompt = SignInPrompt;

/** Who is signed in, for `whoami` and the TUI. Never holds a token. */
export type AccountDescription = {
	kind: 'user' | 'app';
	/** The user's sign-in name, or the app's client id. */
	account: string;
	tenantId: string;
	/** e.g. "Global (commercial, GCC)". */
	cloud: string;
	clientId: string;
	/** e.g. "device code", "client certificate". */
	method: string;
	/** Permissions the current token grants, without the resource prefix. */
	scopes: string[];
	/** When the current access token expires (epoch milliseconds). */
	expiresAt?: number;
	/** The token cache file, or undefined when tokens are kept in memory only. */
	tokenCachePath?: string;
};

export type SignedIn = {account: string; tenant: string};

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
	/**
	 * A Graph access token, refreshed silently when needed. `extraScopes` (permission names such as
	 * AuditLog.Read.All) asks for a token with those permissions instead of the sign-in's own: incremental consent.
	 */
	getAccessToken(options?: {forceRefresh?: boolean; extraScopes?: readonly string[]}): Promise<string>;
	/**
	 * Makes sure tokens with `extraScopes` can be had: silently when they were consented already, else by signing in
	 * once more (device code or browser, shown through `onPrompt` with `reason`) so the user can consent.
	 * Absent for app-only sign-in, whose permissions are the app registration's.
	 */
	consentTo?(extraScopes: readonly string[], options: SignInOptions & {reason: string}): Promise<void>;
	/** Forgets the account here: removes it from the token cache and deletes the cache file. */
	signOut(): Promise<{accounts: string[]}>;
	/** Who is signed in (after signIn); undefined before. */
	describe(): Promise<AccountDescription | undefined>;
}
