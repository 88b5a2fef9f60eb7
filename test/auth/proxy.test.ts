/**
 * Proxies: sign-in and Graph through HTTPS_PROXY / HTTP_PROXY, with NO_PROXY honoured. A recording
 * proxy on 127.0.0.1 (CONNECT tunnels and absolute-URI forwarding) stands between the client and
 * the demo simulator. The executable runs through it (npm run build first); the selection rules
 * and the https (CONNECT + TLS) path are checked in-process. The proxy forwards nothing beyond
 * 127.0.0.1.
 */
import {readFile} from 'node:fs/promises';
import {createServer as createHttpServer, request as httpRequest, type IncomingMessage} from 'node:http';
import {createServer as createHttpsServer} from 'node:https';
import {connect as tcpConnect, type Socket} from 'node:net';
import {join} from 'node:path';
import type {Duplex} from 'node:stream';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {createMsalNetworkModule, rewriteHostsTo} from '../../source/auth/network.js';
import {ProxyAgents, proxyForUrl} from '../../source/graph/proxy.js';
import {createTransport} from '../../source/graph/transport.js';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {connectTo, freePort, runCli, temporaryDirectory} from './helpers.js';

/** A request the proxy relayed: sent to it in absolute form, or seen inside a plain-http CONNECT tunnel. */
type RelayedRequest = {via: 'forward' | 'tunnel'; method: string; url: string};

type RecordingProxy = {
	url: string;
	/** CONNECT targets (host:port), in order. */
	connects: string[];
	relayed: RelayedRequest[];
	close(): Promise<void>;
};

const loopbackHosts = new Set(['127.0.0.1', 'localhost']);

/** A forward proxy on 127.0.0.1; with `credentials` ("user:password") it answers 407 without them. */
async function startRecordingProxy(options: {credentials?: string} = {}): Promise<RecordingProxy> {
	const connects: string[] = [];
	const relayed: RelayedRequest[] = [];
	const sockets = new Set<Duplex>();
	const expected = options.credentials ? `Basic ${Buffer.from(options.credentials).toString('base64')}` : undefined;
	const authorized = (request: IncomingMessage) => !expected || request.headers['proxy-authorization'] === expected;

	const server = createHttpServer((request, response) => {
		// Absolute form (GET http://host/path) is a forwarding request; origin form arrives through one of our tunnels.
		const forwarded = /^https?:\/\//.test(request.url ?? '');
		if (forwarded && !authorized(request)) {
			response.writeHead(407, {'proxy-authenticate': 'Basic realm="test"'}).end();
			return;
		}
		const target = new URL(forwarded ? request.url! : `http://${request.headers.host}${request.url}`);
		relayed.push({via: forwarded ? 'forward' : 'tunnel', method: request.method ?? '', url: target.href});
		if (!loopbackHosts.has(target.hostname)) {
			response.writeHead(502).end();
			return;
		}
		const {'proxy-authorization': _credentials, ...headers} = request.headers;
		const upstream = httpRequest({host: target.hostname, port: target.port, method: request.method, path: target.pathname + target.search, headers}, (answer) => {
			response.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(response);
		});
		upstream.on('error', () => response.destroy());
		request.pipe(upstream);
	});

	server.on('connect', (request: IncomingMessage, client: Duplex, head: Buffer) => {
		sockets.add(client);
		client.on('error', () => client.destroy());
		connects.push(request.url ?? '');
		if (!authorized(request)) {
			client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
			return;
		}
		const [host = '', port = ''] = (request.url ?? '').split(':');
		if (!loopbackHosts.has(host)) {
			client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
			return;
		}
		client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
		const relay = (first: Buffer) => {
			// TLS (a handshake record starts with 0x16) goes to the target as is; plain http goes
			// through this proxy's own request handler, which records and forwards it.
			const ownPort = (server.address() as {port: number}).port;
			const upstream: Socket = tcpConnect(first[0] === 0x16 ? {host, port: Number(port)} : {host: '127.0.0.1', port: ownPort});
			sockets.add(upstream);
			upstream.on('error', () => client.destroy());
			client.on('close', () => upstream.destroy());
			upstream.write(first);
			client.pipe(upstream);
			upstream.pipe(client);
		};
		if (head.length > 0) relay(head);
		else client.once('data', relay);
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	return {
		url: `http://127.0.0.1:${port}`,
		connects,
		relayed,
		async close() {
			for (const socket of sockets) socket.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

let simulator: Simulator;
let simulatorHost: string;
let stateDirectory: string;

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	simulatorHost = new URL(simulator.url).host;
	stateDirectory = await temporaryDirectory('pvx-proxy-state-');
});

afterAll(async () => {
	await simulator.close();
});

/** Signs in with a device code and downloads a schema: the executable's whole path, sign-in and Graph. */
async function exportSchema(env: Record<string, string>, extra: string[] = []) {
	const out = join(await temporaryDirectory(), 'schema.json');
	const args = ['export', '--sp', cloudSyncServicePrincipalId, '--job', cloudSyncProvisioningJobId, '--out', out, ...extra, '--demo', '--graph-url', simulator.url];
	const result = await runCli(args, {PROVISIONING_EXPLORER_STATE_DIR: stateDirectory, ...env});
	return {...result, out};
}

const summary = (method: string, url: string) => `${method} ${new URL(url, 'http://x').pathname}`;

describe('the executable through a proxy', () => {
	let proxy: RecordingProxy;
	afterEach(async () => {
		await proxy?.close();
	});

	it('sends sign-in and Graph requests through HTTP_PROXY / HTTPS_PROXY, and none around it', async () => {
		proxy = await startRecordingProxy();
		const before = simulator.requests.length;
		const result = await exportSchema({HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url});
		expect(result.stderr).toContain('To sign in, open');
		expect(result.code).toBe(0);
		expect(JSON.parse(await readFile(result.out, 'utf8'))).toHaveProperty('synchronizationRules');

		const seen = proxy.relayed.map((request) => summary(request.method, request.url));
		expect(seen).toContain('POST /contoso.com/oauth2/v2.0/devicecode');
		expect(seen).toContain('POST /contoso.com/oauth2/v2.0/token');
		expect(seen).toContain(`GET /beta/servicePrincipals/${cloudSyncServicePrincipalId}/synchronization/jobs/${cloudSyncProvisioningJobId}/schema`);
		// Everything the server answered in this run came through the proxy.
		const served = simulator.requests.slice(before).map((request) => `${request.method} ${request.path}`);
		expect(seen.toSorted()).toEqual(served.toSorted());
		// Tunnels go where requests really went (127.0.0.1), not to the login.microsoftonline.com MSAL asked for.
		expect(proxy.connects.length).toBeGreaterThan(0);
		expect(new Set(proxy.connects)).toEqual(new Set([simulatorHost]));
	});

	it('honours lower-case http_proxy with credentials, and never prints the password', async () => {
		proxy = await startRecordingProxy({credentials: 'alice:pr0xy-s3cret'});
		const withCredentials = proxy.url.replace('http://', 'http://alice:pr0xy-s3cret@');
		const result = await runCli(['login', '--verbose', '--demo', '--graph-url', simulator.url], {PROVISIONING_EXPLORER_STATE_DIR: stateDirectory, http_proxy: withCredentials});
		expect(result.code).toBe(0);
		expect(proxy.relayed.map((request) => summary(request.method, request.url))).toContain('POST /contoso.com/oauth2/v2.0/token');
		const logPath = /^Request log: (.+)$/m.exec(result.stderr)?.[1];
		expect(logPath).toBeDefined();
		const everything = [result.stdout, result.stderr, await readFile(logPath!, 'utf8')].join('\n');
		expect(everything).toContain('/oauth2/v2.0/token');
		expect(everything).not.toContain('pr0xy-s3cret');
	});

	it('goes straight to hosts in NO_PROXY: the proxy sees nothing', async () => {
		proxy = await startRecordingProxy();
		const before = simulator.requests.length;
		const result = await exportSchema({HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1'});
		expect(result.code).toBe(0);
		expect(simulator.requests.length).toBeGreaterThan(before);
		expect(proxy.connects).toEqual([]);
		expect(proxy.relayed).toEqual([]);
	});

	it('stops at start, naming the variable, when the proxy is not an http(s) proxy', async () => {
		const result = await exportSchema({HTTPS_PROXY: 'socks5://bob:secret@127.0.0.1:1080'});
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			'provisioning-explorer: HTTPS_PROXY names a socks5 proxy (socks5://127.0.0.1:1080); only http:// and https:// proxies are supported.\n',
		);
	});

	it('says the sign-in service could not be reached when nothing listens at the proxy address', async () => {
		const result = await runCli(['login', '--demo', '--graph-url', simulator.url], {PROVISIONING_EXPLORER_STATE_DIR: stateDirectory, HTTP_PROXY: `http://127.0.0.1:${await freePort()}`});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('Could not reach the sign-in service. Check the network, HTTPS_PROXY and NO_PROXY, then try again.');
		expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^provisioning-explorer: /);
	});
});

describe('choosing the proxy per request (in-process)', () => {
	const proxyVariables = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];
	const saved = Object.fromEntries(proxyVariables.map((name) => [name, process.env[name]]));
	let proxy: RecordingProxy | undefined;

	function setProxyEnvironment(values: Record<string, string>) {
		for (const name of proxyVariables) delete process.env[name];
		Object.assign(process.env, values);
	}

	afterEach(async () => {
		setProxyEnvironment({});
		for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
		await proxy?.close();
		proxy = undefined;
	});

	it('uses HTTPS_PROXY for https URLs and HTTP_PROXY for http ones, with NO_PROXY and a scheme-less proxy read as http://', () => {
		setProxyEnvironment({HTTPS_PROXY: 'proxy.corp.example:3128', HTTP_PROXY: 'http://web-proxy.corp.example:8080', NO_PROXY: '.internal.example,127.0.0.1'});
		expect(proxyForUrl(new URL('https://graph.microsoft.com/v1.0/me'))?.href).toBe('http://proxy.corp.example:3128/');
		expect(proxyForUrl(new URL('http://graph.example/beta'))?.href).toBe('http://web-proxy.corp.example:8080/');
		expect(proxyForUrl(new URL('https://sts.internal.example/token'))).toBeUndefined();
		expect(proxyForUrl(new URL('http://127.0.0.1:8400/beta'))).toBeUndefined();

		const agents = new ProxyAgents();
		const login = agents.agentsFor(new URL('https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token'));
		const graph = agents.agentsFor(new URL('https://graph.microsoft.com/v1.0/servicePrincipals'));
		expect(login.https).toBeDefined();
		expect(login.http).toBeUndefined();
		// One agent per proxy, so its idle tunnels serve the next request.
		expect(graph.https).toBe(login.https);
		expect(agents.agentsFor(new URL('http://127.0.0.1:8400/beta'))).toEqual({http: undefined, https: undefined});
	});

	it('tunnels https with CONNECT, with TLS end to end, and reuses the tunnel for the next request', async () => {
		proxy = await startRecordingProxy();
		const pem = await readFile(new URL('./fixtures/loopback-tls.pem', import.meta.url), 'utf8');
		const server = createHttpsServer({cert: pem, key: pem}, (_request, response) => {
			response.writeHead(200, {'content-type': 'application/json'}).end('{"value":[]}');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const target = `127.0.0.1:${(server.address() as {port: number}).port}`;
			setProxyEnvironment({HTTPS_PROXY: proxy.url});
			const transport = createTransport().extend({https: {certificateAuthority: pem}});
			expect(await transport.get(`https://${target}/v1.0/one`).json()).toEqual({value: []});
			expect(await transport.get(`https://${target}/v1.0/two`).json()).toEqual({value: []});
			expect(proxy.connects).toEqual([target]);
			// Encrypted: the proxy could not read the requests.
			expect(proxy.relayed).toEqual([]);
		} finally {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});

	it("decides from the URL really requested: the demo's sign-in is http://127.0.0.1, so HTTPS_PROXY alone leaves it alone", async () => {
		proxy = await startRecordingProxy();
		const openIdConfiguration = 'https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration';
		const network = () => createMsalNetworkModule({transport: createTransport(), rewrite: rewriteHostsTo(simulator.url, ['login.microsoftonline.com'])});

		setProxyEnvironment({HTTPS_PROXY: proxy.url});
		expect((await network().sendGetRequestAsync(openIdConfiguration)).status).toBe(200);
		expect(proxy.connects).toEqual([]);

		setProxyEnvironment({HTTP_PROXY: proxy.url});
		expect((await network().sendGetRequestAsync(openIdConfiguration)).status).toBe(200);
		expect(proxy.connects).toEqual([simulatorHost]);
		expect(proxy.relayed.map((request) => request.url)).toEqual([`${simulator.url}/contoso.com/v2.0/.well-known/openid-configuration`]);
	});

	it("a transport made with proxy: 'none' connects directly whatever the environment says", async () => {
		proxy = await startRecordingProxy();
		setProxyEnvironment({HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url});
		const response = await createTransport({proxy: 'none'}).get(`${simulator.url}/contoso.com/v2.0/.well-known/openid-configuration`);
		expect(response.statusCode).toBe(200);
		expect(proxy.connects).toEqual([]);
	});

	it('names the proxy and the fix when it asks for credentials during a Graph call', async () => {
		const connection = await connectTo(simulator);
		try {
			await connection.auth.signIn({onPrompt: () => {}, signal: new AbortController().signal});
			proxy = await startRecordingProxy({credentials: 'alice:pr0xy-s3cret'});
			setProxyEnvironment({HTTP_PROXY: proxy.url});
			const failure = await connection.graph.listJobs(cloudSyncServicePrincipalId).catch((error: unknown) => error);
			expect((failure as Error).message).toMatch(
				/^Graph GET \S+ EPROXY: The proxy http:\/\/127\.0\.0\.1:\d+ asks for credentials \(HTTP 407\): give them in the proxy variable, as http:\/\/user:password@host:port\. Check the network or proxy and try again\. \[client-request-id [\da-f-]{36}\]$/,
			);
			expect(proxy.connects).toEqual([simulatorHost]);
		} finally {
			await connection.close();
		}
	});
});
