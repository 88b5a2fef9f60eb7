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
		await expect(signingIn).rejects.toThrow('The device code expired before sign-in finished (AADSTS70019). Start again to get a new code.');
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
	it.each([
		[50076, 'Sign-in needs more (AADSTS50076: multi-factor authentication or a Conditional Access step-up is required). Sign in again and complete the extra check'],
		[50079, 'Sign-in needs more (AADSTS50079: the account must register for multi-factor authentication (a Conditional Access step-up)).'],
		[65001, 'Sign-in needs more (AADSTS65001: the app has no consent for the permissions asked). An Application Administrator or Cloud Application Administrator grants admin consent once (a Hybrid Identity Administrator cannot)'],
		[53003, "Sign-in needs more (AADSTS53003: the tenant's Conditional Access blocked this sign-in). If it blocks device code, use --auth browser with an SSH tunnel"],
	] as const)('device code answered with AADSTS%i: names the code and what it means', async (code, expected) => {
		const session = await start();
		const recorder = promptRecorder();
		const signingIn = session.auth.signIn({onPrompt: recorder.onPrompt, signal: new AbortController().signal});
		const prompt = (await recorder.next()) as DeviceCodeInstruction;
		simulator.identity.requireInteraction(code);
		simulator.approveDeviceCode(prompt.userCode);
		const failure = (await signingIn.catch((error: unknown) => error)) as Error;
		expect(failure.message).toContain(expected);
		expect(failure.message).not.toContain('\n');
	});

	it('a refresh answered with AADSTS50076 names the MFA step-up instead of "expired"', async () => {
		const session = await start();
		const recorder = promptRecorder();
		const signingIn = session.auth.signIn({onPrompt: recorder.onPrompt, signal: new AbortController().signal});
		simulator.approveDeviceCode(((await recorder.next()) as DeviceCodeInstruction).userCode);
		await signingIn;
		simulator.identity.expireAccessTokens();
		simulator.identity.requireInteraction(50076);
		await expect(session.graph.listJobs(cloudSyncServicePrincipalId)).rejects.toThrow('AADSTS50076: multi-factor authentication or a Conditional Access step-up is required');
	});

	it('a wrong device code is AADSTS70018', () => {
		const error = describeAuthError({errorCode: 'post_request_failed', errorMessage: 'bad_verification_code'}, {error: 'bad_verification_code', codes: [70018]});
		expect(error.message).toBe(
			'The sign-in service did not accept the device code (AADSTS70018): the code typed was wrong or belongs to another app. Start again and type the new code exactly.',
		);
	});

	it('turns an unknown failure into one line with the STS code', () => {
		const error = describeAuthError({errorCode: 'post_request_failed', errorMessage: 'server_error\nsecond line'}, {error: 'server_error', codes: [50000]});
		expect(error.message).toBe('Sign-in failed: server_error (AADSTS50000).');
	});
});
