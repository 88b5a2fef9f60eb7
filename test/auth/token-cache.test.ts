/**
 * The persisted token cache: a second run signs in silently, tokens refresh when they expire, a
 * revoked refresh token leads back to sign-in with the reason, logout forgets everything; the file
 * is 0600 in a 0700 folder.
 */
import {mkdir, readdir, readFile, stat, writeFile, chmod} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {Connection} from '../../source/explorer/connect.js';
import type {DeviceCodeInstruction, SignInPrompt} from '../../source/explorer/services.js';
import {cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {connectTo, promptRecorder, temporaryDirectory} from './helpers.js';

let simulator: Simulator;
let cacheDirectory: string;
let cachePath: string;
const open: Connection[] = [];

beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	cacheDirectory = join(await temporaryDirectory(), 'state', 'provisioning-explorer');
	cachePath = join(cacheDirectory, 'token-cache.json');
});
afterEach(async () => {
	for (const connection of open.splice(0)) await connection.close();
	await simulator.close();
});

/** One run of the tool: a new process would build a new connection on the same cache file. */
async function run(): Promise<{connection: Connection; prompts: SignInPrompt[]}> {
	const connection = await connectTo(simulator, {tokenCachePath: cachePath});
	open.push(connection);
	const recorder = promptRecorder();
	await connection.auth.signIn({onPrompt: recorder.onPrompt, signal: new AbortController().signal});
	return {connection, prompts: recorder.prompts};
}

function grants(type: string): number {
	return simulator.requests.filter((request) => request.path.endsWith('/token') && request.body?.includes(`grant_type=${type}`)).length;
}

describe('token cache', () => {
	it('is written 0600 inside a 0700 folder, and holds the serialized MSAL cache', async () => {
		await run();
		expect((await stat(cachePath)).mode & 0o777).toBe(0o600);
		expect((await stat(cacheDirectory)).mode & 0o777).toBe(0o700);
		const cache = JSON.parse(await readFile(cachePath, 'utf8')) as Record<string, unknown>;
		expect(Object.keys(cache).sort()).toEqual(['AccessToken', 'Account', 'AppMetadata', 'IdToken', 'RefreshToken']);
		// Atomic writes leave no temporary files behind.
		expect(await readdir(cacheDirectory)).toEqual(['token-cache.json']);
	});

	it('tightens a cache file someone made readable to others', async () => {
		await run();
		await chmod(cachePath, 0o644);
		await run();
		expect((await stat(cachePath)).mode & 0o777).toBe(0o600);
	});

	it('signs the next run in silently, without asking', async () => {
		const first = await run();
		expect(first.prompts).toHaveLength(1);
		const second = await run();
		expect(second.prompts).toEqual([]);
		expect(await second.connection.auth.describe()).toMatchObject({account: 'admin@contoso.com', tokenCachePath: cachePath});
		expect((await second.connection.graph.listJobs(cloudSyncServicePrincipalId)).length).toBeGreaterThan(0);
	});

	it('refreshes an expiring access token silently on a later run', async () => {
		// Tokens shorter than MSAL's 5-minute renewal window are refreshed on every use.
		simulator.identity.setAccessTokenLifetime(60);
		await run();
		const before = grants('refresh_token');
		const second = await run();
		expect(second.prompts).toEqual([]);
		await second.connection.graph.listJobs(cloudSyncServicePrincipalId);
		expect(grants('refresh_token')).toBeGreaterThan(before);
	});

	it('goes back to sign-in with the reason when the saved refresh token was revoked', async () => {
		// The saved access token is due for renewal on the next run (as it is a day later), so MSAL uses the refresh token.
		simulator.identity.setAccessTokenLifetime(60);
		await run();
		simulator.identity.revokeRefreshTokens();
		const second = await run();
		expect(second.prompts).toHaveLength(1);
		expect((second.prompts[0] as DeviceCodeInstruction).reason).toBe('The saved sign-in for admin@contoso.com was revoked or has expired, so sign in again.');
		// The fresh sign-in replaced the dead account: a third run is silent again.
		expect((await run()).prompts).toEqual([]);
	});

	it('says to sign in again when the refresh token is revoked mid-session', async () => {
		const {connection} = await run();
		simulator.identity.revokeRefreshTokens();
		simulator.identity.expireAccessTokens();
		await expect(connection.graph.listJobs(cloudSyncServicePrincipalId)).rejects.toThrow(
			'Your sign-in was revoked or has expired. Sign in again (`provisioning-explorer login`, or :login in the explorer).',
		);
	});

	it('logout removes the account and deletes the cache file', async () => {
		const {connection} = await run();
		expect(await connection.auth.signOut()).toEqual({accounts: ['admin@contoso.com']});
		await expect(stat(cachePath)).rejects.toMatchObject({code: 'ENOENT'});
		const next = await run();
		expect(next.prompts).toHaveLength(1);
	});

	it('treats a damaged cache file as no sign-in, and replaces it', async () => {
		await mkdir(cacheDirectory, {recursive: true, mode: 0o700});
		await writeFile(cachePath, '{not json', {mode: 0o600});
		const {prompts} = await run();
		expect(prompts).toHaveLength(1);
		expect(JSON.parse(await readFile(cachePath, 'utf8'))).toHaveProperty('Account');
	});
});

describe('token cache folder', () => {
	it('closes the state folder to others, but leaves a folder the user chose with --token-cache as it is', async () => {
		const {fileCachePlugin} = await import('../../source/auth/token-cache.js');
		const ours = join(await temporaryDirectory(), 'provisioning-explorer');
		const theirs = join(await temporaryDirectory(), 'project');
		for (const folder of [ours, theirs]) {
			await mkdir(folder, {mode: 0o755});
			await chmod(folder, 0o755);
		}
		const write = (plugin: ReturnType<typeof fileCachePlugin>) =>
			plugin.afterCacheAccess({cacheHasChanged: true, tokenCache: {serialize: () => '{}', deserialize: () => {}}} as never);
		await write(fileCachePlugin(join(ours, 'token-cache.json'), {ownsDirectory: true}));
		await write(fileCachePlugin(join(theirs, 'cache.json')));
		expect((await stat(ours)).mode & 0o777).toBe(0o700);
		expect((await stat(theirs)).mode & 0o777).toBe(0o755);
		expect((await stat(join(theirs, 'cache.json'))).mode & 0o777).toBe(0o600);
	});
});
