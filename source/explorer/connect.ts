/**
 * Builds the sign-in and Graph client for a session: a Microsoft cloud, any Graph-compatible URL,
 * or the built-in demo tenant (started in this process unless --graph-url points at one). Sign-in
 * and Graph share one HTTP transport, so proxy, TLS and the --verbose log hold for both.
 */
import {dirname, resolve} from 'node:path';
import {AppOnlyAuth} from '../auth/app-only.js';
import {type Cloud, type CloudName, allAuthorityHosts, clouds} from '../auth/clouds.js';
import {type AppCredential, loadClientCertificate, readClientSecretFile, readEnvironmentCredential} from '../auth/credentials.js';
import type {AuthMethod} from '../auth/methods.js';
import {createMsalNetworkModule, rewriteHostsTo, type UrlRewrite} from '../auth/network.js';
import {PublicClientAuth} from '../auth/public-client.js';
import type {AuthProvider} from '../auth/types.js';
import type {SharedOptions} from './shared-options.js';
import {UsageError} from '../errors.js';
import {type ApiVersion, GraphClient, type RetryNotice} from '../graph/client.js';
import type {RequestLog} from '../graph/request-log.js';
import {createTransport} from '../graph/transport.js';
import {tokenCachePath} from '../paths.js';
import {registeredDemoTenant, type StartDemoTenant} from './demo.js';

/** "Microsoft Graph Command Line Tools": a public client that can be consented to in any tenant. */
export const defaultClientId = '14d82eec-204b-4c2f-b7e8-296a70dab67e';
/** The loopback port for --auth browser when --redirect-port is left out. */
export const defaultRedirectPort = 8976;
export const demoTenant = 'contoso.com';


export type ConnectionOptions = {
	demo: boolean;
	graphUrl?: string;
	apiVersion: ApiVersion;
	tenant?: string;
	clientId?: string;
	readOnly?: boolean;
	/** Default device-code. */
	auth?: AuthMethod;
	cloud?: CloudName;
	/** --auth browser: the loopback port (default 8976). */
	redirectPort?: number;
	/** --auth client-secret: the file holding the secret (else AZURE_CLIENT_SECRET). */
	clientSecretFile?: string;
	/** --auth client-certificate: the PEM with certificate and key (else AZURE_CLIENT_CERTIFICATE_PATH). */
	certificateFile?: string;
	/** Where the token cache is kept; left out, tokens stay in memory for this process only. */
	tokenCachePath?: string;
	/** --verbose: every HTTP attempt (Graph and sign-in) goes here. */
	requestLog?: RequestLog;
	/** Demo only: how soon the simulated user approves the device code or completes the browser sign-in. */
	demoApproveAfterMs?: number;
	/** Demo only: starts the in-process demo tenant (default: the one the entry point registered). */
	startDemo?: StartDemoTenant;
	onRetry?: (notice: RetryNotice) => void;
	userAgent?: string;
	/** Where credentials come from (AZURE_*); default process.env. */
	env?: NodeJS.ProcessEnv;
	/** Delegated permissions one command needs besides the usual ones, e.g. AuditLog.Read.All for `logs`. */
	extraScopes?: readonly string[];
};

export type Connection = {
	auth: AuthProvider;
	graph: GraphClient;
	/** A client whose tokens carry `extraScopes` (incremental consent, e.g. the provisioning logs' permissions). */
	graphFor(extraScopes: readonly string[]): GraphClient;
	/** Tenant label for breadcrumbs and messages. */
	label: string;
	cloud: Cloud;
	/** Calls `listener` before each automatic Graph retry; answers an unsubscribe. */
	watchRetries(listener: (notice: RetryNotice) => void): () => void;
	close(): Promise<void>;
};

/**
 * Where the token cache lives: --token-cache FILE, else the state directory — but nowhere for
 * --no-token-cache, and for the demo tenant, whose sign-ins die with it, unless a FILE is named.
 */
export function tokenCacheFor(shared: Pick<SharedOptions, 'demo' | 'tokenCacheFile' | 'noTokenCache'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
	if (shared.noTokenCache) return undefined;
	if (shared.tokenCacheFile) return resolve(shared.tokenCacheFile);
	return shared.demo ? undefined : tokenCachePath(env);
}

/** The connection the command-line options describe. */
export function connectionOptions(shared: SharedOptions, extra: Partial<ConnectionOptions> = {}): ConnectionOptions {
	return {
		demo: shared.demo,
		graphUrl: shared.graphUrl,
		apiVersion: shared.apiVersion,
		tenant: shared.tenant,
		clientId: shared.clientId,
		readOnly: shared.readOnly,
		auth: shared.auth,
		cloud: shared.cloud,
		redirectPort: shared.redirectPort,
		clientSecretFile: shared.clientSecretFile,
		certificateFile: shared.certificateFile,
		tokenCachePath: tokenCacheFor(shared),
		...extra,
	};
}

/** Delegated scopes, fully qualified with the cloud's Graph host (national clouds differ). */
export function graphScopes(readOnly: boolean, graphUrl = clouds.global.graphUrl): string[] {
	return [`${graphUrl}/${readOnly ? 'Synchronization.Read.All' : 'Synchronization.ReadWrite.All'}`, `${graphUrl}/Application.Read.All`];
}

/** Credential secrets must not reach child processes (an $EDITOR, a pager) once read. */
function forgetSecrets(env: NodeJS.ProcessEnv): void {
	if (env !== process.env) return;
	delete process.env.AZURE_CLIENT_SECRET;
	delete process.env.AZURE_CLIENT_CERTIFICATE_PASSWORD;
}

type AppOnlySettings = {tenant?: string; clientId?: string; credential: AppCredential};

async function appOnlySettings(options: ConnectionOptions, env: NodeJS.ProcessEnv): Promise<AppOnlySettings | undefined> {
	switch (options.auth) {
		case 'client-secret': {
			const secret = options.clientSecretFile ? await readClientSecretFile(options.clientSecretFile) : env.AZURE_CLIENT_SECRET;
			if (!secret) throw new UsageError('--auth client-secret needs --client-secret-file FILE or AZURE_CLIENT_SECRET in the environment (never the secret itself on the command line).');
			return {credential: {kind: 'secret', secret}};
		}
		case 'client-certificate': {
			const path = options.certificateFile ?? env.AZURE_CLIENT_CERTIFICATE_PATH;
			if (!path) throw new UsageError('--auth client-certificate needs --certificate-file FILE (a PEM with the certificate and its private key) or AZURE_CLIENT_CERTIFICATE_PATH.');
			const sendChain = ['true', '1'].includes((env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN ?? '').trim().toLowerCase());
			const certificate = await loadClientCertificate(path, {password: env.AZURE_CLIENT_CERTIFICATE_PASSWORD, sendChain});
			return {credential: {kind: 'certificate', ...certificate}};
		}
		case 'env': {
			const settings = readEnvironmentCredential(env);
			const credential: AppCredential =
				settings.credential.kind === 'secret'
					? settings.credential
					: {
							kind: 'certificate',
							...(await loadClientCertificate(settings.credential.path, {password: settings.credential.password, sendChain: settings.credential.sendChain})),
						};
			return {tenant: settings.tenantId, clientId: settings.clientId, credential};
		}
		default:
			return undefined;
	}
}

export async function connect(options: ConnectionOptions): Promise<Connection> {
	const env = options.env ?? process.env;
	const cloud = clouds[options.cloud ?? 'global'];
	const appOnly = await appOnlySettings(options, env);
	forgetSecrets(env);
	let graphUrl = options.graphUrl ?? cloud.graphUrl;
	let close = async () => {};
	let rewrite: UrlRewrite | undefined;
	let tenant = options.tenant ?? appOnly?.tenant;
	let playBrowser: ((url: string) => void) | undefined;
	if (options.demo) {
		if (!options.graphUrl) {
			const start = options.startDemo ?? registeredDemoTenant();
			if (!start) throw new UsageError('The built-in demo tenant is not available here: start one with `provisioning-explorer demo-server` and pass --graph-url.');
			const approveAfterMs = options.demoApproveAfterMs ?? 1500;
			const demo = await start({approveAfterMs});
			graphUrl = demo.url;
			close = () => demo.close();
			// As if an admin had uploaded the certificate to the demo app's registration.
			if (appOnly?.credential.kind === 'certificate') demo.registerClientCertificate(appOnly.credential.certificate);
			// The simulated user completes a browser sign-in too, as it approves device codes.
			playBrowser = (url) => {
				const timer = setTimeout(() => void demo.completeBrowserSignIn(url).catch(() => {}), approveAfterMs);
				timer.unref();
			};
		}
		// MSAL only accepts https authorities: keep the real ones and route them to the demo server below MSAL.
		rewrite = rewriteHostsTo(graphUrl, allAuthorityHosts);
		tenant ??= demoTenant;
	}
	// The in-process demo is on 127.0.0.1: never send it through a proxy the environment names.
	const transport = createTransport({userAgent: options.userAgent, requestLog: options.requestLog, proxy: options.demo && !options.graphUrl ? 'none' : 'environment'});
	const networkClient = createMsalNetworkModule({transport, rewrite});
	const authority = `${cloud.authorityHost}/${tenant ?? 'organizations'}`;
	let auth: AuthProvider;
	if (appOnly) {
		if (!tenant) throw new UsageError(`--auth ${options.auth} needs --tenant (or AZURE_TENANT_ID): app-only sign-in has no home tenant.`);
		const clientId = options.clientId ?? appOnly.clientId ?? (options.demo ? defaultClientId : undefined);
		if (!clientId) throw new UsageError(`--auth ${options.auth} needs --client-id (or AZURE_CLIENT_ID): the app registration that holds the credential.`);
		auth = new AppOnlyAuth({clientId, authority, cloud, credential: appOnly.credential, networkClient});
	} else {
		const browser = options.auth === 'browser';
		const display = rewrite;
		auth = new PublicClientAuth({
			flow: browser ? 'browser' : 'device-code',
			clientId: options.clientId ?? defaultClientId,
			authority,
			tenant,
			cloud,
			scopes: [...graphScopes(Boolean(options.readOnly), cloud.graphUrl), ...(options.extraScopes ?? []).map((scope) => `${cloud.graphUrl}/${scope}`)],
			networkClient,
			tokenCachePath: options.tokenCachePath,
			tokenCacheInStateDirectory: options.tokenCachePath !== undefined && dirname(options.tokenCachePath) === dirname(tokenCachePath()),
			redirectPort: browser ? (options.redirectPort ?? defaultRedirectPort) : undefined,
			// The demo tenant serves its own sign-in page: show that address, and let the simulated user use it.
			displayUrl: display
				? (url) => {
						const local = display(url);
						playBrowser?.(local);
						return local;
					}
				: undefined,
		});
	}
	const retryListeners = new Set<(notice: RetryNotice) => void>();
	const graphWithToken = (extraScopes?: readonly string[]) =>
		new GraphClient({
			graphUrl,
			transport,
			apiVersion: options.apiVersion,
			getToken: (request) => auth.getAccessToken({...request, ...(extraScopes ? {extraScopes} : {})}),
			onRetry: (notice) => {
				options.onRetry?.(notice);
				for (const listener of retryListeners) listener(notice);
			},
		});
	const graph = graphWithToken();
	const tenantLabel = tenant ?? 'your tenant';
	const label = options.demo ? `${tenantLabel} (demo)` : tenantLabel;
	return {
		auth,
		graph,
		graphFor: (extraScopes) => graphWithToken(extraScopes),
		label,
		cloud,
		watchRetries(listener) {
			retryListeners.add(listener);
			return () => retryListeners.delete(listener);
		},
		close,
	};
}
