/**
 * Device-code sign-in with the real msal-node PublicClientApplication against the demo tenant's
 * identity provider: approve, decline, expire, cancel — and the messages a user reads.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {describeAuthError} from '../../source/auth/errors.js';
import type {Connection} from '../../source/explorer/connect.js';
import type {DeviceCodeInstruction} from '../../source/explorer/services.js';
import {cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {connectTo, promptRecorder} from './helpers.js';

let simulator: Simulator;
let connection: Connection | undefined;
afterEach(async () => {
	await connection?.close();
	connection = undefined;
	await simulator?.close();
});

async function start(): Promise<Connection> {
	simulator = await startSimulator({autoApproveDeviceCodeMs: -1, deviceCodeIntervalSeconds: 1});
	connection = await connectTo(simulator);
	return connection;
}

function tokenPolls(): number {
	return simulator.requests.filter((request) => request.path.endsWith('/oauth2/v2.0/token')).length;
}

describe('device code sign-in', () => {
	it('shows the verification URL, the user code and the time left, then signs in when the user approves', async () => {
		const session = await start();
		const recorder = promptRecorder();
		const signingIn = session.auth.signIn({onPrompt: recorder.onPrompt, signal: new AbortController().signal});
		const prompt = (await recorder.next()) as DeviceCodeInstruction;
		expect(prompt.kind).toBe('deviceCode');
		expect(prompt.verificationUri).toBe('https://microsoft.com/devicelogin');
		expect(prompt.userCode).toMatch(/^DEMO-/);
		expect(prompt.expiresAt - Date.now()).toBeGreaterThan(14 * 60_000);
		expect(JSON.stringify(prompt)).not.toContain('pvx-dc');
		simulator.approveDeviceCode(prompt.userCode);
		expect(await signingIn).toMatchObject({account: 'admin@contoso.com', tenant: simulator.tenant.tenantId});
		const jobs = await session.graph.listJobs(cloudSyncServicePrincipalId);
		expect(jobs.length).toBeGreaterThan(0);
		expect(await session.auth.describe()).toMatchObject({
			kind: 'user',
			account: 'admin@contoso.com',
			method: 'device code',
			scopes: ['Application.Read.All', 'Synchronization.ReadWrite.All'],
		});
	});

	it('says so when the user declines', async () => {
		const session = await start();
		const recorder = promptRecorder();
		const signingIn = session.auth.signIn({onPrompt: recorder.onPrompt, signal: new AbortController().signal});
		const prompt = (await recorder.next()) as DeviceCodeInstruction;
		simulator.declineDeviceCode(prompt.userCode);
		await expect(signingIn).rejects.toThrow('Sign-in was declined in the browser. Start again if that was a mistake.');
	});

	it('says the code expired and to start again', async () => {
		const session = await start();
		const recorder = promptRecorder();
		const signingIn = session.auth.signIn({onPrompt: recorder.onPrompt, signal: new AbortController().signal});
		const prompt = (await recorder.next()) as DeviceCodeInstruction;
		simulator.identity.expireDeviceCode(prompt.userCode);
		await expect(signingIn).rejects.toThrow('The device code expired before sign-in finished. Start again to get a new code.');
	});

	it('stops at once when cancelled, and stops polling the tenant', async () => {
		const session = await start();
		const recorder = promptRecorder();
		const controller = new AbortController();
		const signingIn = session.auth.signIn({onPrompt: recorder.onPrompt, signal: controller.signal});
		await recorder.next();
		controller.abort();
		await expect(signingIn).rejects.toThrow('Sign-in cancelled.');
		// MSAL notices the cancel at its next poll (interval 1 s); after that nothing more arrives.
		await new Promise((resolve) => setTimeout(resolve, 2_500));
		const polls = tokenPolls();
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		expect(tokenPolls()).toBe(polls);
	});

	it('never asks when told not to, and says how to sign in', async () => {
		const session = await start();
		await expect(session.auth.signIn({onPrompt: () => {}, signal: new AbortController().signal, prompt: 'never'})).rejects.toThrow(
			'Not signed in. Run `provisioning-explorer login` first.',
		);
	});
});

describe('sign-in error messages', () => {
	it('names Conditional Access and the ways around it when the tenant blocks device code', () => {
		const error = describeAuthError(
			{errorCode: 'post_request_failed', errorMessage: 'invalid_grant'},
			{error: 'invalid_grant', description: 'AADSTS53003: Access has been blocked by Conditional Access policies.', codes: [53003]},
		);
		expect(error.message).toBe(
			"Your tenant's Conditional Access blocked this sign-in (AADSTS53003). If it blocks device code, use --auth browser with an SSH tunnel (ssh -L), or app-only sign-in (--auth client-certificate or client-secret).",
		);
	});

	it('turns an unknown failure into one line with the STS code', () => {
		const error = describeAuthError({errorCode: 'post_request_failed', errorMessage: 'server_error\nsecond line'}, {error: 'server_error', codes: [50000]});
		expect(error.message).toBe('Sign-in failed: server_error (AADSTS50000).');
	});
});
