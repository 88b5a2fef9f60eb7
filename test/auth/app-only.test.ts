/**
 * App-only sign-in with the real msal-node ConfidentialClientApplication: a client secret from a
 * file, a certificate whose client assertion the demo tenant verifies against the registered
 * certificate, and EnvironmentCredential's variables. Secrets never come from argv.
 */
import {createPrivateKey} from 'node:crypto';
import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {loadClientCertificate, readEnvironmentCredential} from '../../source/auth/credentials.js';
import {parseCommandLine, readSharedOptions, sharedOptions} from '../../source/commands/options.js';
import type {Connection, ConnectionOptions} from '../../source/explorer/connect.js';
import {cloudSyncServicePrincipalId, defaultDemoClientSecret, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {certificatePath, connectTo, temporaryDirectory, unregisteredCertificatePath} from './helpers.js';

const appClientId = '6a2f3b7e-0000-4000-8000-00000000a99e';
let simulator: Simulator;
let connection: Connection | undefined;
afterEach(async () => {
	await connection?.close();
	connection = undefined;
	await simulator?.close();
});

async function signInAsApp(options: Partial<ConnectionOptions>): Promise<Connection> {
	connection = await connectTo(simulator, {tenant: 'contoso.com', clientId: appClientId, ...options});
	const prompts: unknown[] = [];
	await connection.auth.signIn({onPrompt: (prompt) => prompts.push(prompt), signal: new AbortController().signal});
	expect(prompts).toEqual([]);
	expect(connection.auth.interactive).toBe(false);
	return connection;
}

async function secretFile(secret: string): Promise<string> {
	const path = join(await temporaryDirectory(), 'secret.txt');
	await writeFile(path, `${secret}\n`, {mode: 0o600});
	return path;
}

describe('client secret', () => {
	it('signs in without a prompt with the secret from a file, and Graph answers', async () => {
		simulator = await startSimulator();
		const session = await signInAsApp({auth: 'client-secret', clientSecretFile: await secretFile(defaultDemoClientSecret)});
		expect((await session.graph.listJobs(cloudSyncServicePrincipalId)).length).toBeGreaterThan(0);
		expect(await session.auth.describe()).toMatchObject({
			kind: 'app',
			account: appClientId,
			tenantId: simulator.tenant.tenantId,
			method: 'client secret',
			scopes: ['Application.Read.All', 'Synchronization.ReadWrite.All'],
		});
	});

	it('reports a wrong secret as a rejected credential', async () => {
		simulator = await startSimulator();
		await expect(signInAsApp({auth: 'client-secret', clientSecretFile: await secretFile('not-the-secret')})).rejects.toThrow(
			"The tenant rejected the app's credential (AADSTS7000215): check the client id, the secret or certificate, and that it has not expired.",
		);
	});

	it('refuses a secret on the command line, pointing at the file and the environment', () => {
		const {values} = parseCommandLine(['--auth', 'client-secret', '--client-secret', 'shh'], {options: sharedOptions}, 'export ');
		expect(() => readSharedOptions(values)).toThrow(
			'A client secret is never taken from the command line (ps and shell history would show it). Use --client-secret-file FILE or AZURE_CLIENT_SECRET.',
		);
	});

	it('needs a tenant for app-only sign-in', async () => {
		simulator = await startSimulator();
		await expect(
			connectTo(simulator, {demo: false, graphUrl: simulator.url, auth: 'client-secret', clientSecretFile: await secretFile('x'), clientId: appClientId}),
		).rejects.toThrow('--auth client-secret needs --tenant (or AZURE_TENANT_ID): app-only sign-in has no home tenant.');
	});
});

describe('client certificate', () => {
	it('signs in with a client assertion the tenant checks against the registered certificate', async () => {
		simulator = await startSimulator();
		simulator.identity.registerClientCertificate(await readFile(certificatePath, 'utf8'), appClientId);
		const session = await signInAsApp({auth: 'client-certificate', certificateFile: certificatePath});
		expect((await session.graph.listJobs(cloudSyncServicePrincipalId)).length).toBeGreaterThan(0);
		expect(await session.auth.describe()).toMatchObject({kind: 'app', method: 'client certificate'});
		const token = simulator.requests.find((request) => request.path.endsWith('/oauth2/v2.0/token'));
		expect(token?.body).toContain('client_assertion=%3Credacted%3E');
		expect(token?.body).toContain('client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer');
	});

	it('is refused when the certificate is not the one registered for the app', async () => {
		simulator = await startSimulator();
		simulator.identity.registerClientCertificate(await readFile(certificatePath, 'utf8'), appClientId);
		await expect(signInAsApp({auth: 'client-certificate', certificateFile: unregisteredCertificatePath})).rejects.toThrow(
			"The tenant rejected the app's credential (AADSTS700027)",
		);
	});

	it('reads an encrypted key with AZURE_CLIENT_CERTIFICATE_PASSWORD, and says when it is missing or wrong', async () => {
		const pem = await readFile(certificatePath, 'utf8');
		const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)![0];
		const key = createPrivateKey(pem).export({format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'correct horse'});
		const path = join(await temporaryDirectory(), 'encrypted.pem');
		await writeFile(path, `${certificate}\n${key.toString()}`);
		await expect(loadClientCertificate(path)).rejects.toThrow(`The private key in ${path} is encrypted: set AZURE_CLIENT_CERTIFICATE_PASSWORD.`);
		await expect(loadClientCertificate(path, {password: 'wrong'})).rejects.toThrow('could not be decrypted: check AZURE_CLIENT_CERTIFICATE_PASSWORD');
		const loaded = await loadClientCertificate(path, {password: 'correct horse'});
		expect(loaded.thumbprintSha256).toMatch(/^[0-9a-f]{64}$/);
		expect(loaded.privateKey).toContain('-----BEGIN PRIVATE KEY-----');
	});

	it('says what is missing from a PEM without a key', async () => {
		const pem = await readFile(certificatePath, 'utf8');
		const path = join(await temporaryDirectory(), 'certificate-only.pem');
		await writeFile(path, /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)![0]);
		await expect(loadClientCertificate(path)).rejects.toThrow(
			`${path} has no private key (BEGIN PRIVATE KEY). Give one PEM file with both the certificate and its private key.`,
		);
	});
});

describe('environment credentials (--auth env)', () => {
	it('uses AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET', async () => {
		simulator = await startSimulator();
		connection = await connectTo(simulator, {
			auth: 'env',
			env: {AZURE_TENANT_ID: simulator.tenant.tenantId, AZURE_CLIENT_ID: appClientId, AZURE_CLIENT_SECRET: defaultDemoClientSecret},
		});
		await connection.auth.signIn({onPrompt: () => {}, signal: new AbortController().signal});
		expect(await connection.auth.describe()).toMatchObject({account: appClientId, tenantId: simulator.tenant.tenantId, method: 'client secret'});
	});

	it('uses AZURE_CLIENT_CERTIFICATE_PATH when there is no secret', async () => {
		simulator = await startSimulator();
		simulator.identity.registerClientCertificate(await readFile(certificatePath, 'utf8'));
		connection = await connectTo(simulator, {
			auth: 'env',
			env: {AZURE_TENANT_ID: 'contoso.com', AZURE_CLIENT_ID: appClientId, AZURE_CLIENT_CERTIFICATE_PATH: certificatePath},
		});
		await connection.auth.signIn({onPrompt: () => {}, signal: new AbortController().signal});
		expect(await connection.auth.describe()).toMatchObject({method: 'client certificate'});
		expect((await connection.graph.listJobs(cloudSyncServicePrincipalId)).length).toBeGreaterThan(0);
	});

	it('names every missing variable, and refuses username/password', () => {
		expect(() => readEnvironmentCredential({})).toThrow(
			'--auth env needs AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH in the environment.',
		);
		expect(() => readEnvironmentCredential({AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_USERNAME: 'u', AZURE_PASSWORD: 'p'})).toThrow(
			'(AZURE_USERNAME/AZURE_PASSWORD are not supported: they cannot do multi-factor authentication)',
		);
	});
});
