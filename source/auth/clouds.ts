/**
 * Sign-in and Graph hosts per Microsoft cloud (research auth-http.md §2.9). Tokens from one cloud do
 * not work in another, and scopes must name that cloud's Graph host.
 */

export type CloudName = 'global' | 'usgov' | 'usgov-dod' | 'china';

export type Cloud = {
	name: CloudName;
	/** What we call it in messages. */
	label: string;
	/** The Entra authority host, e.g. https://login.microsoftonline.com */
	authorityHost: string;
	/** Graph root without version, e.g. https://graph.microsoft.com */
	graphUrl: string;
	/** Hosts MSAL may record as an account's environment for this cloud (its cache aliases). */
	authorityAliases: readonly string[];
	/** Set where the synchronization API is not offered. */
	limitation?: string;
};

export const clouds: Record<CloudName, Cloud> = {
	global: {
		name: 'global',
		label: 'Global (commercial, GCC)',
		authorityHost: 'https://login.microsoftonline.com',
		graphUrl: 'https://graph.microsoft.com',
		authorityAliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
	},
	usgov: {
		name: 'usgov',
		label: 'US Government (GCC High, L4)',
		authorityHost: 'https://login.microsoftonline.us',
		graphUrl: 'https://graph.microsoft.us',
		authorityAliases: ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
	},
	'usgov-dod': {
		name: 'usgov-dod',
		label: 'US Government DoD (L5)',
		authorityHost: 'https://login.microsoftonline.us',
		graphUrl: 'https://dod-graph.microsoft.us',
		authorityAliases: ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
	},
	china: {
		name: 'china',
		label: 'China (operated by 21Vianet)',
		// MSAL itself sends these to login.partner.microsoftonline.cn.
		authorityHost: 'https://login.chinacloudapi.cn',
		graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
		authorityAliases: ['login.chinacloudapi.cn', 'login.partner.microsoftonline.cn'],
		limitation: 'Microsoft does not offer the provisioning (synchronization) API in the China cloud; expect Graph to refuse those calls.',
	},
};

export const cloudNames = Object.keys(clouds) as CloudName[];

export function isCloudName(value: string): value is CloudName {
	return Object.hasOwn(clouds, value);
}

/** Every sign-in host of every cloud: in demo mode all of them are routed to the demo tenant. */
export const allAuthorityHosts: readonly string[] = [...new Set(Object.values(clouds).flatMap((cloud) => cloud.authorityAliases))];
