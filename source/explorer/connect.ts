/**
 * Builds the sign-in and Graph client for a session: the real Microsoft cloud, any Graph-compatible
 * URL, or the built-in demo tenant (started in this process unless --graph-url points at one).
 */
import {createMsalNetworkModule} from '../auth/network.js';
import {MsalDeviceCodeAuth} from '../auth/msal-device-code.js';
import type {AuthProvider} from '../auth/types.js';
import {type ApiVersion, GraphClient, type RetryNotice} from '../graph/client.js';

/** "Microsoft Graph Command Line Tools": a public client that can be consented to in any tenant. */
export const defaultClientId = '14d82eec-204b-4c2f-b7e8-296a70dab67e';

const loginHost = 'https://login.microsoftonline.com';
const graphHost = 'https://graph.microsoft.com';
export const demoTenant = 'contoso.com';

export type ConnectionOptions = {
	demo: boolean;
	graphUrl?: string;
	apiVersion: ApiVersion;
	tenant?: string;
	clientId?: string;
	readOnly?: boolean;
	/** Demo only: how soon the simulated user "approves" the device code. */
	demoApproveAfterMs?: number;
	onRetry?: (notice: RetryNotice) => void;
	userAgent?: string;
};

export type Connection = {
	auth: AuthProvider;
	graph: GraphClient;
	/** Tenant label for breadcrumbs and messages. */
	label: string;
	close(): Promise<void>;
};

export function graphScopes(readOnly: boolean): string[] {
	return [
		`${graphHost}/${readOnly ? 'Synchronization.Read.All' : 'Synchronization.ReadWrite.All'}`,
		`${graphHost}/Application.Read.All`,
	];
}

export async function connect(options: ConnectionOptions): Promise<Connection> {
	let graphUrl = options.graphUrl ?? graphHost;
	let close = async () => {};
	let rewrite: ((url: string) => string) | undefined;
	let tenant = options.tenant ?? 'organizations';
	if (options.demo) {
		if (!options.graphUrl) {
			const {startSimulator} = await import('../simulator/index.js');
			const simulator = await startSimulator({autoApproveDeviceCodeMs: options.demoApproveAfterMs ?? 1500});
			graphUrl = simulator.url;
			close = () => simulator.close();
		}
		// MSAL only accepts https authorities: keep the real one and route it to the demo server below MSAL.
		const demoRoot = graphUrl.replace(/\/+$/, '');
		rewrite = (url) => (url.startsWith(loginHost) ? demoRoot + url.slice(loginHost.length) : url);
		tenant = options.tenant ?? demoTenant;
	}
	const auth = new MsalDeviceCodeAuth({
		clientId: options.clientId ?? defaultClientId,
		authority: `${loginHost}/${tenant}`,
		scopes: graphScopes(Boolean(options.readOnly)),
		networkClient: createMsalNetworkModule({rewrite, userAgent: options.userAgent}),
	});
	const graph = new GraphClient({
		graphUrl,
		apiVersion: options.apiVersion,
		getToken: (request) => auth.getAccessToken(request),
		onRetry: options.onRetry,
		userAgent: options.userAgent,
	});
	const label = options.demo ? `${tenant} (demo)` : tenant === 'organizations' ? 'your tenant' : tenant;
	return {auth, graph, label, close};
}
