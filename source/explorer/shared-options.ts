/** The options every command and the explorer share (parsed in commands/options.ts), as the core services read them. */
import type {ApiVersion} from '../graph/client.js';
import type {AuthMethod} from '../auth/methods.js';
import type {CloudName} from '../auth/clouds.js';

export type SharedOptions = {
	demo: boolean;
	graphUrl?: string;
	apiVersion: ApiVersion;
	tenant?: string;
	clientId?: string;
	readOnly: boolean;
	help: boolean;
	/** How to sign in (default device-code). */
	auth: AuthMethod;
	/** --auth browser: the loopback port to listen on. */
	redirectPort?: number;
	cloud: CloudName;
	clientSecretFile?: string;
	certificateFile?: string;
	/** --token-cache FILE: where to keep the token cache instead of the state directory. */
	tokenCacheFile?: string;
	/** --no-token-cache: keep tokens in memory only (shared jump hosts). */
	noTokenCache: boolean;
	/** --verbose: log every HTTP request (no secrets) to a file in the state directory. */
	verbose: boolean;
};
