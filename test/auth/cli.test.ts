/**
 * The executable's sign-in commands (npm run build first) against a demo-server-like simulator on
 * 127.0.0.1: login each way, whoami, logout, the saved sign-in reused silently, --verbose logs,
 * retry notices on stderr — and at the end a scan of everything they wrote (stdout, stderr, log
 * files; the token cache aside) for any token, code or secret the simulator issued.
 */
import {readdir, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, defaultDemoClientSecret, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {type CliResult, certificatePath, freePort, playBrowser, runCli, temporaryDirectory} from './helpers.js';

let simulator: Simulator;
let stateDirectory: string;
let cachePath: string;
/** Everything the executable wrote, for the secret scan. */
const written: string[] = [];
const appClientId = '3c9d2f61-0000-4000-8000-0000000a11ce';

async function cli(args: string[], env: Record<string, string> = {}, options: Parameters<typeof runCli>[2] = {}): Promise<CliResult> {
	const result = await runCli([...args, '--demo', '--graph-url', simulator.url], {PROVISIONING_EXPLORER_STATE_DIR: stateDirectory, ...env}, options);
	written.push(result.stdout, result.stderr);
	return result;
}

function requestLogPath(stderr: string): string {
	const path = /^Request log: (.+)$/m.exec(stderr)?.[1];
	if (!path) throw new Error(`no request log path in: ${stderr}`);
	return path;
}

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	stateDirectory = await temporaryDirectory('pvx-cli-state-');
	cachePath = join(stateDirectory, 'demo-token-cache.json');
});

afterAll(async () => {
	await simulator.close();
});

describe('login, whoami, logout', () => {
	it('login signs in with a device code, saves the sign-in 0600, and logs requests without secrets', async () => {
		const result = await cli(['login', '--token-cache', cachePath, '--verbose']);
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/To sign in, open https:\/\/microsoft\.com\/devicelogin in a browser and enter the code DEMO-\w{4} \(valid for 15 min\)\./);
		expect(result.stderr).toContain(`Signed in as admin@contoso.com (tenant ${simulator.tenant.tenantId}). The sign-in is saved in ${cachePath}.`);
		expect((await stat(cachePath)).mode & 0o777).toBe(0o600);
		const log = await readFile(requestLogPath(result.stderr), 'utf8');
		expect(log).toMatch(
			/^\S+Z POST https:\/\/login\.microsoftonline\.com\/contoso\.com\/oauth2\/v2\.0\/devicecode \(via http:\/\/127\.0\.0\.1:\d+\/contoso\.com\/oauth2\/v2\.0\/devicecode\) 200 request-id=[0-9a-f-]{36} client-request-id=[0-9a-f-]{36} date="[^"]+ GMT" \d+ms retry=0$/m,
		);
		// Query values are left out (names stay).
		expect(log).toMatch(/\/oauth2\/v2\.0\/token\?client-request-id=… \(via/);
		expect((await stat(requestLogPath(result.stderr))).mode & 0o777).toBe(0o600);
	});

	it('whoami reuses the saved sign-in silently and shows tenant, account, cloud, permissions and expiry', async () => {
		const result = await cli(['whoami', '--token-cache', cachePath]);
		expect(result.code).toBe(0);
		expect(result.stderr).toBe('');
		expect(result.stdout).toContain('Account:        admin@contoso.com\n');
		expect(result.stdout).toContain(`Tenant:         ${simulator.tenant.tenantId}\n`);
		expect(result.stdout).toContain('Cloud:          Global (commercial, GCC)\n');
		expect(result.stdout).toContain('Signed in with: device code\n');
		expect(result.stdout).toContain('Permissions:    Application.Read.All, Synchronization.ReadWrite.All\n');
		expect(result.stdout).toMatch(/Token expires: {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in (59|60) min\)\n/);
		expect(result.stdout).toContain(`Token cache:    ${cachePath}\n`);
	});

	it('a later command runs silently and prints the throttling wait on stderr', async () => {
		simulator.faults.add({method: 'GET', path: `/synchronization/jobs/${cloudSyncProvisioningJobId}/schema`, status: 429, retryAfter: 1, times: 1});
		const out = join(await temporaryDirectory(), 'schema.json');
		const result = await cli(['export', '--sp', cloudSyncServicePrincipalId, '--job', cloudSyncProvisioningJobId, '--out', out, '--token-cache', cachePath, '--verbose']);
		expect(result.code).toBe(0);
		expect(result.stderr).not.toContain('To sign in');
		expect(result.stderr).toContain('Graph is throttling (HTTP 429); retrying in 1 s…\n');
		const log = await readFile(requestLogPath(result.stderr), 'utf8');
		expect(log).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/beta\/servicePrincipals\/[^ ]+\/schema 429 request-id=\S+ client-request-id=[0-9a-f-]{36} date="[^"]+" \d+ms retry=0\n.*GET http:\/\/127\.0\.0\.1:\d+\/beta\/servicePrincipals\/[^ ]+\/schema 200 request-id=\S+ client-request-id=[0-9a-f-]{36} date="[^"]+" \d+ms retry=1\n/);
		written.push(await readFile(out, 'utf8'));
	});

	it('logout forgets the sign-in and deletes the cache; whoami then says how to sign in', async () => {
		const result = await cli(['logout', '--token-cache', cachePath]);
		expect(result.code).toBe(0);
		expect(result.stderr).toContain('Signed out on this computer (admin@contoso.com); the token cache is deleted.');
		await expect(stat(cachePath)).rejects.toMatchObject({code: 'ENOENT'});
		const whoami = await cli(['whoami', '--token-cache', cachePath]);
		expect(whoami.code).toBe(1);
		expect(whoami.stderr).toBe('provisioning-explorer: Not signed in. Run `provisioning-explorer login` first.\n');
	});
});

describe('other ways to sign in', () => {
	it('--auth browser: prints the sign-in page and the port to forward; the browser completes it', async () => {
		const port = await freePort();
		let played: Promise<unknown> | undefined;
		const result = await cli(['login', '--auth', 'browser', '--redirect-port', String(port), '--token-cache', cachePath], {}, {
			onStderr(soFar) {
				const url = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/contoso\.com\/oauth2\/v2\.0\/authorize\?\S+)$/m.exec(soFar)?.[1];
				if (url && !played) played = playBrowser(url);
			},
		});
		await played;
		expect(result.code).toBe(0);
		expect(result.stderr).toContain(`It returns to http://localhost:${port} on this host. Over SSH, connect with: ssh -L ${port}:127.0.0.1:${port} <this host>`);
		expect(result.stderr).toContain('Signed in as admin@contoso.com');
		const whoami = await cli(['whoami', '--auth', 'browser', '--token-cache', cachePath]);
		expect(whoami.stdout).toContain('Signed in with: browser\n');
	});

	it('--auth client-secret from AZURE_CLIENT_SECRET, with no prompt and nothing saved', async () => {
		const result = await cli(['whoami', '--auth', 'client-secret', '--tenant', 'contoso.com', '--client-id', appClientId], {AZURE_CLIENT_SECRET: defaultDemoClientSecret});
		expect(result.code).toBe(0);
		expect(result.stderr).toBe('');
		expect(result.stdout).toContain(`Account:        app ${appClientId} (app-only)\n`);
		expect(result.stdout).toContain('Signed in with: client secret\n');
		expect(result.stdout).toContain('Token cache:    none (app-only)\n');
	});

	it('--auth client-secret refuses the secret as an argument', async () => {
		const result = await cli(['login', '--auth', 'client-secret', '--client-secret', defaultDemoClientSecret]);
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			'provisioning-explorer: A client secret is never taken from the command line (ps and shell history would show it). Use --client-secret-file FILE or AZURE_CLIENT_SECRET.\n',
		);
	});

	it('--auth client-certificate with --certificate-file', async () => {
		simulator.identity.registerClientCertificate(await readFile(certificatePath, 'utf8'), appClientId);
		const result = await cli(['login', '--auth', 'client-certificate', '--certificate-file', certificatePath, '--tenant', 'contoso.com', '--client-id', appClientId, '--verbose']);
		expect(result.code).toBe(0);
		expect(result.stderr).toContain(`Signed in as app ${appClientId} (tenant ${simulator.tenant.tenantId}). App-only sign-in saves nothing`);
		written.push(await readFile(requestLogPath(result.stderr), 'utf8'));
	});

	it('--auth env reads the EnvironmentCredential variables', async () => {
		const secretFile = join(await temporaryDirectory(), 'secret');
		await writeFile(secretFile, defaultDemoClientSecret, {mode: 0o600});
		const result = await cli(['whoami', '--auth', 'env', '--json'], {
			AZURE_TENANT_ID: simulator.tenant.tenantId,
			AZURE_CLIENT_ID: appClientId,
			AZURE_CLIENT_CERTIFICATE_PATH: certificatePath,
		});
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({kind: 'app', account: appClientId, tenantId: simulator.tenant.tenantId, method: 'client certificate'});
	});

	it('--cloud usgov signs in at login.microsoftonline.us and asks for graph.microsoft.us permissions', async () => {
		const result = await cli(['login', '--cloud', 'usgov', '--verbose']);
		expect(result.code).toBe(0);
		const log = await readFile(requestLogPath(result.stderr), 'utf8');
		expect(log).toContain('POST https://login.microsoftonline.us/contoso.com/oauth2/v2.0/devicecode (via');
		expect(log).not.toContain('login.microsoftonline.com');
		const scopes = simulator.requests.filter((request) => request.path.endsWith('/devicecode')).at(-1)?.body ?? '';
		expect(decodeURIComponent(scopes)).toContain('https://graph.microsoft.us/Synchronization.ReadWrite.All');
	});
});

describe('secrets', () => {
	it('none of the tokens, codes or secrets the simulator issued appears in anything the executable wrote', async () => {
		const logDirectory = join(stateDirectory, 'logs');
		for (const name of await readdir(logDirectory)) written.push(await readFile(join(logDirectory, name), 'utf8'));
		const output = written.join('\n');
		const secrets = simulator.identity.issuedSecrets();
		// The scan means something only if the runs issued credentials of every kind.
		for (const prefix of ['pvx-dc.', 'pvx-rt.', 'pvx-ac.']) expect(secrets.some((secret) => secret.startsWith(prefix))).toBe(true);
		expect(secrets.filter((secret) => secret.startsWith('eyJ')).length).toBeGreaterThan(5);
		expect(output.length).toBeGreaterThan(1000);
		const privateKeyLine = (await readFile(certificatePath, 'utf8')).split('-----BEGIN PRIVATE KEY-----')[1]!.trim().split('\n')[0]!;
		for (const secret of [...secrets, defaultDemoClientSecret, privateKeyLine]) {
			expect(output.includes(secret), `leaked: ${secret.slice(0, 12)}…`).toBe(false);
		}
		expect(output).not.toMatch(/bearer\s+\S/i);
		// Form-encoded credential fields (a request body reaching a log) would show as name=value.
		expect(output).not.toMatch(/(client_secret|client_assertion|refresh_token|device_code)=/);
	});
});
