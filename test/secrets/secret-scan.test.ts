/**
 * Secrets and permissions, end to end with the built executable against the demo tenant on 127.0.0.1.
 *
 * A representative session of every command — sign-in each way, whoami, apps, jobs, export (one, --all,
 * --normalize), docs, diff, validate with Graph's parser, import and patch that write (so backups exist), patch
 * of a file, logout — and an explorer session in a pseudo-terminal (device-code sign-in → edit → save a patch →
 * write → export), all with --verbose. Then every byte they wrote — standard output and error, the raw terminal
 * output, request logs, exports, documentation, patches, backups; the token cache aside — is scanned for the
 * tokens, device codes, authorization codes, client secret and private key the sign-in service handled, and for
 * the provisioning credentials (synchronization secrets) the tenant holds. The token cache and backups are 0600.
 *
 * Then the same commands with --read-only, against a fresh tenant: its request log proves, at the HTTP level,
 * that no PUT, PATCH or DELETE is sent, and no POST but sign-in and parseExpression.
 */
import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {KEY} from '../helpers/keys.js';
import {binPath, openContosoMappings, runInTerminal, type TerminalSession} from '../helpers/pty.js';

const certificatePath = new URL('../auth/fixtures/test-app-certificate.pem', import.meta.url).pathname;
const appClientId = '3c9d2f61-0000-4000-8000-00000005ca11';
const userMapping = '/synchronizationRules/0/objectMappings/[sourceObjectName=user,targetObjectName=User]';

type Result = {code: number | null; stdout: string; stderr: string};

/** A world of its own: a tenant, a working folder, a state folder (token cache, backups, logs). */
type World = {simulator: Simulator; work: string; state: string; cache: string; written: string[]};

async function createWorld(clientSecret: string): Promise<World> {
	const simulator = await startSimulator({autoApproveDeviceCodeMs: 0, clientSecret});
	simulator.identity.registerClientCertificate(await readFile(certificatePath, 'utf8'), appClientId);
	const root = await mkdtemp(join(tmpdir(), 'pvx-secrets-'));
	const state = join(root, 'state');
	// The default location (the state folder): the cache is 0600 and its folder is closed to others.
	return {simulator, work: root, state, cache: join(state, 'token-cache.json'), written: []};
}

/** Runs the executable in a clean environment (no AZURE_* of the developer's), recording what it printed. */
function run(world: World, args: string[], options: {env?: Record<string, string>; connection?: boolean; verbose?: boolean} = {}): Promise<Result> {
	const env: Record<string, string> = {NO_COLOR: '1', PROVISIONING_EXPLORER_STATE_DIR: world.state, ...options.env};
	for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[name] !== undefined) env[name] ??= process.env[name]!;
	const connection = options.connection === false ? [] : ['--demo', '--graph-url', world.simulator.url, ...(args.includes('--auth') ? [] : ['--token-cache', world.cache])];
	const fullArgs = [...args, ...connection, ...(options.verbose === false ? [] : ['--verbose'])];
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [binPath, ...fullArgs], {env, cwd: world.work, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			world.written.push(stdout, stderr);
			resolve({code, stdout, stderr});
		});
	});
}

async function succeeds(world: World, args: string[], options?: Parameters<typeof run>[2]): Promise<Result> {
	const result = await run(world, args, options);
	expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
	return result;
}

/** Every file under `folder`, with its path relative to it. */
async function filesUnder(folder: string): Promise<string[]> {
	const entries = await readdir(folder, {recursive: true, withFileTypes: true}).catch(() => []);
	return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Part of a credential is as bad as all of it (a token's signature, a truncated key line). The secrets are cut
 * into 16-character pieces; every 16-character window of the text's token-like runs is looked up among them,
 * so any leaked stretch of 31 characters or more is found wherever it starts.
 */
function pieceFinder(secrets: readonly string[]): (text: string) => string | undefined {
	const pieces = new Set<string>();
	for (const secret of secrets) for (let start = 0; start + 16 <= secret.length; start += 16) pieces.add(secret.slice(start, start + 16));
	return (text) => {
		for (const [run] of text.matchAll(/[\w.~+/=-]{16,}/g)) {
			for (let start = 0; start + 16 <= run.length; start++) {
				const window = run.slice(start, start + 16);
				if (pieces.has(window)) return window;
			}
		}
		return undefined;
	};
}

async function key(session: TerminalSession, keys: string): Promise<void> {
	session.write(keys);
	await new Promise((resolve) => setTimeout(resolve, keys === KEY.esc ? 150 : 50));
}

/** From the app list to contoso.com › AD2AADProvisioning › user → User, cursor on City. */
async function openCity(session: TerminalSession): Promise<void> {
	await session.waitForText('Apps with provisioning', 20_000);
	await session.waitForText(/1\/4\s*$/m);
	await openContosoMappings(session, '1/136');
	await key(session, '/City');
	// Enter opens City (the filter names it); Esc returns to the list with it selected.
	await key(session, KEY.enter);
	await session.waitForText(/Target attribute\s+City\b/);
	await key(session, KEY.esc);
	// `!`: the patch earlier in the session set ObjectAddOnly, which cloud sync ignores (lint rule FLOW-1).
	await session.waitForText(/^› (! )?City /m);
}

/** A patch that changes City's flowType, selected by name. */
function cityPatch(flowType: string): string {
	return JSON.stringify([{op: 'replace', path: `${userMapping}/attributeMappings/[targetAttributeName=City]/flowType`, value: flowType}]);
}

describe('nothing the program writes holds a credential', () => {
	const clientSecret = `pvx-scan-client-secret.${randomBytes(18).toString('base64url')}`;
	let world: World;
	let terminalOutput = '';

	beforeAll(async () => {
		world = await createWorld(clientSecret);
	});
	afterAll(async () => {
		await world.simulator.close();
		await rm(world.work, {recursive: true, force: true});
	});

	it('runs a session of every command', async () => {
		const {work} = world;
		const login = await succeeds(world, ['login']);
		expect(login.stderr).toMatch(/enter the code DEMO-\w{4}/);
		// The saved sign-in: 0600 in a folder closed to others.
		expect((await stat(world.cache)).mode & 0o777).toBe(0o600);
		expect((await stat(world.state)).mode & 0o777).toBe(0o700);

		const reads: string[][] = [
			['whoami'],
			['whoami', '--json'],
			['apps'],
			['apps', '--json'],
			['jobs', '--sp', 'contoso.com'],
			['jobs', '--sp', 'Contoso SCIM App', '--json'],
			['export', '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--out', join(work, 'contoso.schema.json')],
			['export', '--sp', 'Contoso SCIM App', '--normalize', '--out', join(work, 'scim.schema.json')],
			['export', '--sp', 'Salesforce'],
			['export', '--all', '--out', join(work, 'backup')],
			['export', '--all', '--normalize', '--json', '--out', join(work, 'backup-normalized')],
			['docs', '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--out', join(work, 'contoso.md')],
			['docs', '--sp', 'Contoso SCIM App', '--format', 'csv'],
		];
		for (let i = 0; i < reads.length; i += 2) await Promise.all(reads.slice(i, i + 2).map((args) => succeeds(world, args)));

		const exported = join(work, 'contoso.schema.json');
		const changed = JSON.parse(await readFile(exported, 'utf8'));
		changed.synchronizationRules[0].objectMappings[0].attributeMappings.find((mapping: {targetAttributeName: string}) => mapping.targetAttributeName === 'Department').flowType = 'ObjectAddOnly';
		await writeFile(join(work, 'changed.schema.json'), JSON.stringify(changed, null, 2));
		await writeFile(join(work, 'city.patch.json'), cityPatch('ObjectAddOnly'));
		await Promise.all([
			succeeds(world, ['docs', '--file', join(work, 'scim.schema.json')], {connection: false}),
			succeeds(world, ['patch', '--file', exported, '--patch', join(work, 'city.patch.json'), '--out', join(work, 'patched.schema.json')], {connection: false}),
		]);
		// The file and the tenant agree: exit 0. Graph's own parser checks every expression (POST parseExpression).
		await Promise.all([succeeds(world, ['diff', exported, 'live:contoso.com/AD2AADProvisioning']), succeeds(world, ['validate', exported, '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--json'])]);
		// Writes: each backs up the live schema first.
		await succeeds(world, ['import', '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--in', join(work, 'changed.schema.json'), '--yes']);
		await succeeds(world, ['patch', '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--patch', join(work, 'city.patch.json'), '--yes', '--json']);
		const difference = await run(world, ['diff', exported, 'live:contoso.com/AD2AADProvisioning', '--format', 'json-patch']);
		expect(difference.code).toBe(1);

		// App-only sign-in: the client secret from the environment and from a file, then a certificate's private key.
		const appOnly = ['--tenant', 'contoso.com', '--client-id', appClientId];
		await succeeds(world, ['whoami', '--auth', 'client-secret', ...appOnly], {env: {AZURE_CLIENT_SECRET: clientSecret}});
		const secretFile = join(work, 'client-secret.txt');
		await writeFile(secretFile, `${clientSecret}\n`, {mode: 0o600});
		await succeeds(world, ['export', '--sp', 'Contoso SCIM App', '--auth', 'client-secret', '--client-secret-file', secretFile, ...appOnly]);
		await succeeds(world, ['export', '--sp', 'Salesforce', '--auth', 'client-certificate', '--certificate-file', certificatePath, ...appOnly, '--out', join(work, 'salesforce.schema.json')]);
		await rm(secretFile);

		// The explorer signs in itself (device code), edits, saves the edit as a patch, writes, exports.
		await succeeds(world, ['logout']);
		const session = runInTerminal(['--demo', '--graph-url', world.simulator.url, '--token-cache', world.cache, '--verbose'], {
			columns: 120,
			rows: 30,
			cwd: work,
			env: {PROVISIONING_EXPLORER_STATE_DIR: world.state, NO_COLOR: '1'},
		});
		try {
			// The demo approves at once, so on a loaded machine the code may be on screen only briefly: the
			// prompt itself is tested elsewhere; here what matters is what the session writes.
			const signIn = await session.waitForText(/enter the code|Apps with provisioning/);
			if (signIn.includes('enter the code')) expect(signIn).toMatch(/D E M O - \w \w \w \w/);
			await openCity(session);
			await key(session, 'f');
			await session.waitForText('flowType of City');
			await key(session, '3'); // MultiValueAddOnly
			await session.waitForText('1 pending');
			await key(session, 'P');
			await session.waitForText('Save pending changes');
			await key(session, '\u0015');
			await key(session, join(work, 'explorer.patch.json'));
			await key(session, KEY.enter);
			await session.waitForText('Saved');
			await key(session, 'w');
			await session.waitForText('Type "contoso.com" and Enter to write');
			await key(session, 'contoso.com');
			await key(session, KEY.enter);
			await session.waitForText('Written and verified');
			await key(session, KEY.enter); // reads the job again and returns to the mapping list
			await session.waitForText(/^Attribute mappings {2}user → User/m);
			// The backup's path is shown whole; a note when it does not fit the status line.
			if (session.screen().includes('Enter or Esc closes this')) await key(session, KEY.enter);
			await key(session, 'x');
			await session.waitForText('Exported to');
			await key(session, 'q');
			expect(await session.waitForExit()).toBe(0);
		} finally {
			terminalOutput = session.output();
			session.kill();
		}
		expect((await stat(world.cache)).mode & 0o777).toBe(0o600);
		await succeeds(world, ['logout']);
	});

	it('wrote backups and request logs only its user can read', async () => {
		const backups = await filesUnder(join(world.state, 'backups'));
		expect(backups.filter((file) => file.endsWith('.schema.json')).length).toBe(3); // import, patch, the explorer's write
		expect(backups.filter((file) => file.endsWith('.note.json')).length).toBe(3); // and the note beside each
		const logs = await filesUnder(join(world.state, 'logs'));
		expect(logs.length).toBeGreaterThan(20);
		for (const file of [...backups, ...logs]) expect((await stat(file)).mode & 0o777, relative(world.state, file)).toBe(0o600);
	});

	it('let no token, code, client secret, private key or synchronization secret into anything it wrote', async () => {
		const {simulator} = world;
		const files = [...(await filesUnder(world.work))].filter((file) => file !== world.cache);
		const kinds = files.map((file) => relative(world.work, file));
		// Everything a user keeps was written, so the scan covers it.
		for (const expected of [/^state\/backups\/.*\.schema\.json$/, /^state\/backups\/.*\.note\.json$/, /^state\/logs\/requests-/, /^backup\/contoso\.com\//, /^backup\/Contoso-SCIM-App\//, /^contoso\.md$/, /^explorer\.patch\.json$/, /^contoso\.com\.AD2AADProvisioning\..*\.schema\.json$/]) {
			expect(kinds.some((kind) => expected.test(kind)), `${expected} among ${kinds.join(', ')}`).toBe(true);
		}
		const contents = await Promise.all(files.map(async (file) => ({name: relative(world.work, file), text: await readFile(file, 'utf8')})));
		const everything = [...world.written.map((text, index) => ({name: `output ${index}`, text})), {name: 'the terminal', text: terminalOutput}, ...contents];

		const issued = simulator.identity.issuedSecrets();
		// The scan means something only if credentials of every kind were handed out.
		for (const prefix of ['pvx-dc.', 'pvx-rt.', 'eyJ']) expect(issued.some((secret) => secret.startsWith(prefix)), prefix).toBe(true);
		expect(issued).toContain(clientSecret);
		const keyLines = (await readFile(certificatePath, 'utf8'))
			.split(/-----BEGIN PRIVATE KEY-----|-----END PRIVATE KEY-----/)[1]!
			.split('\n')
			.filter((line) => line.length >= 40);
		expect(keyLines.length).toBeGreaterThan(10);
		const synchronizationSecrets = simulator.tenant.synchronizationSecretValues();
		expect(synchronizationSecrets.length).toBe(5);
		// The credentials' full requests reached the tenant (its own log keeps bodies): what the client sent is real.
		expect(simulator.requests.some((request) => request.path.endsWith('/oauth2/v2.0/token') && request.body?.includes('device_code'))).toBe(true);

		const secrets = [...issued, ...keyLines, ...synchronizationSecrets];
		const findPiece = pieceFinder(secrets);
		for (const {name, text} of everything) {
			for (const secret of secrets) expect(text.includes(secret), `${name} holds ${secret.slice(0, 16)}…`).toBe(false);
			expect(findPiece(text), `${name} holds part of a credential`).toBeUndefined();
			expect(text, name).not.toMatch(/\bBearer\s+[\w-]/i);
			expect(text, name).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\./); // any JWT
			expect(text, name).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
			expect(text, name).not.toMatch(/\b(?:client_secret|client_assertion|refresh_token|device_code|access_token|id_token)=(?!…)/);
			expect(text, name).not.toMatch(/"(?:access_token|refresh_token|device_code|client_secret|secret)"\s*:/);
		}
		// The sign-in instructions were captured: the user code (not a secret) is there, so the scan saw them.
		expect(everything.some(({text}) => /DEMO-\w{4}/.test(text))).toBe(true);
	});

	it('never asked for the synchronization secrets, which the tenant does hold', async () => {
		const {simulator} = world;
		expect(simulator.requests.filter((request) => /\/synchronization\/secrets/i.test(request.path))).toEqual([]);
		// They are there to be taken by anyone who asks: the test above is not vacuous.
		const token = simulator.identity.issueAccessToken({scopes: ['Synchronization.ReadWrite.All', 'Application.Read.All']});
		const scim = simulator.tenant.servicePrincipals.find((each) => each.displayName === 'Contoso SCIM App')!;
		const response = await fetch(`${simulator.url}/beta/servicePrincipals/${scim.id}/synchronization/secrets`, {headers: {authorization: `Bearer ${token}`}});
		expect(response.status).toBe(200);
		const body = (await response.json()) as {value: {key: string; value: string}[]};
		expect(body.value.map((pair) => pair.key)).toEqual(['BaseAddress', 'SecretToken']);
		const readOnly = simulator.identity.issueAccessToken({scopes: ['Synchronization.Read.All', 'Application.Read.All']});
		const refused = await fetch(`${simulator.url}/beta/servicePrincipals/${scim.id}/synchronization/secrets`, {headers: {authorization: `Bearer ${readOnly}`}});
		// The sync service answers a missing permission with 401 UnknownError (docs/graph-notes.md).
		expect(refused.status).toBe(401);
	});
});

describe('--read-only at the HTTP level', () => {
	let world: World;

	beforeAll(async () => {
		world = await createWorld(`pvx-scan-client-secret.${randomBytes(18).toString('base64url')}`);
	});
	afterAll(async () => {
		await world.simulator.close();
		await rm(world.work, {recursive: true, force: true});
	});

	it('sends no PUT, PATCH or DELETE, and no POST but sign-in (not even parseExpression, which needs ReadWrite), whatever is asked', async () => {
		const {work, simulator} = world;
		const readOnly = (args: string[]) => [...args, '--read-only'];
		await succeeds(world, readOnly(['login']));
		const exported = join(work, 'contoso.schema.json');
		const reads: string[][] = [
			['whoami'],
			['apps'],
			['jobs', '--sp', 'contoso.com'],
			['export', '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--out', exported],
			['export', '--all', '--out', join(work, 'backup')],
			['docs', '--sp', 'contoso.com', '--job', 'AD2AADProvisioning'],
		];
		for (let i = 0; i < reads.length; i += 2) await Promise.all(reads.slice(i, i + 2).map((args) => succeeds(world, readOnly(args))));
		await writeFile(join(work, 'city.patch.json'), cityPatch('ObjectAddOnly'));
		const job = ['--sp', 'contoso.com', '--job', 'AD2AADProvisioning'];
		await Promise.all([
			succeeds(world, readOnly(['diff', exported, 'live:contoso.com/AD2AADProvisioning'])),
			succeeds(world, readOnly(['validate', exported, ...job])),
		]);
		// A plan is allowed (it only reads); a write is refused before anyone signs in.
		await succeeds(world, readOnly(['patch', ...job, '--patch', join(work, 'city.patch.json'), '--dry-run']));
		for (const args of [
			['patch', ...job, '--patch', join(work, 'city.patch.json'), '--yes'],
			['import', ...job, '--in', exported, '--yes'],
		]) {
			const refused = await run(world, readOnly(args));
			expect(refused.code).toBe(2);
			expect(refused.stderr).toMatch(/--read-only cannot write to the tenant/);
		}

		// The explorer: every edit and write key, and :restore, on the mapping list and a mapping's detail.
		const session = runInTerminal(['--demo', '--graph-url', simulator.url, '--token-cache', world.cache, '--read-only'], {
			columns: 120,
			rows: 30,
			cwd: work,
			env: {PROVISIONING_EXPLORER_STATE_DIR: world.state},
		});
		try {
			await openCity(session);
			for (const press of ['s', 'd', 'f', 'b', 'm', 'a', 'D', 't', 'S', 'e', 'w', 'i', 'u', 'P', KEY.enter, 's', 'd', 'w', KEY.esc]) {
				await key(session, press);
				if (press !== KEY.enter && press !== KEY.esc) await key(session, KEY.esc);
			}
			await key(session, ':');
			await key(session, 'restore');
			await key(session, KEY.enter);
			await new Promise((resolve) => setTimeout(resolve, 300));
			expect(session.screen()).not.toMatch(/pending|Type "contoso\.com"/);
			await key(session, KEY.esc);
			await key(session, 'q');
			expect(await session.waitForExit()).toBe(0);
		} finally {
			session.kill();
		}

		const methods = new Set(simulator.requests.map((request) => request.method));
		expect([...methods].sort()).toEqual(['GET', 'POST']);
		const posts = simulator.requests.filter((request) => request.method === 'POST').map((request) => request.path);
		const unexpected = posts.filter((path) => !/^\/[^/]+\/oauth2\/v2\.0\/(?:token|devicecode)$/.test(path) && !/\/synchronization\/jobs\/[^/]+\/schema\/parseExpression$/.test(path));
		expect(unexpected).toEqual([]);
		// parseExpression needs Synchronization.ReadWrite.All: under --read-only it is skipped (validate says so).
		expect(posts.filter((path) => path.endsWith('/parseExpression'))).toEqual([]);
		// The commands did reach Graph: schemas were read.
		expect(simulator.requests.filter((request) => request.method === 'GET' && request.path.endsWith('/schema')).length).toBeGreaterThan(5);
		// And the token they held could not have written anyway: only read permissions were asked for.
		const scopes = simulator.requests.filter((request) => request.path.endsWith('/devicecode')).map((request) => decodeURIComponent(request.body ?? ''));
		expect(scopes.length).toBeGreaterThan(0);
		for (const scope of scopes) expect(scope).not.toContain('ReadWrite');
	});
});
