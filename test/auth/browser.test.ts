/**
 * --auth browser: msal-node's loopback server on a fixed port (for ssh -L), and the test plays the
 * browser: it opens the sign-in page the prompt names and posts the code back to the loopback.
 */
import {createServer, type Server} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import type {Connection} from '../../source/explorer/connect.js';
import type {BrowserSignInInstruction} from '../../source/explorer/services.js';
import {cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {connectTo, freePort, playBrowser, promptRecorder} from './helpers.js';

let simulator: Simulator;
let connection: Connection | undefined;
let blocker: Server | undefined;
afterEach(async () => {
	await connection?.close();
	connection = undefined;
	await simulator?.close();
	if (blocker) await new Promise<void>((resolve) => blocker?.close(() => resolve()));
	blocker = undefined;
});

async function start(port: number): Promise<Connection> {
	simulator = await startSimulator({autoApproveDeviceCodeMs: -1});
	connection = await connectTo(simulator, {auth: 'browser', redirectPort: port});
	return connection;
}

describe('browser sign-in on a fixed loopback port', () => {
	it('names the sign-in page and the port to forward, and signs in when the browser returns the code', async () => {
		const port = await freePort();
		const session = await start(port);
		const recorder = promptRecorder();
		const signingIn = session.auth.signIn({onPrompt: recorder.onPrompt, signal: new AbortController().signal});
		const prompt = (await recorder.next()) as BrowserSignInInstruction;
		expect(prompt.kind).toBe('browser');
		expect(prompt.redirectPort).toBe(port);
		// The demo tenant serves its own sign-in page, so the address is one a local browser can open.
		expect(prompt.url.startsWith(`${simulator.url}/contoso.com/oauth2/v2.0/authorize?`)).toBe(true);
		expect(new URL(prompt.url).searchParams.get('redirect_uri')).toBe(`http://localhost:${port}`);
		const browser = await playBrowser(prompt.url);
		expect(browser.text).toContain('You can close this tab');
		expect(await signingIn).toMatchObject({account: 'admin@contoso.com'});
		expect((await session.graph.listJobs(cloudSyncServicePrincipalId)).length).toBeGreaterThan(0);
		expect(await session.auth.describe()).toMatchObject({method: 'browser', scopes: ['Application.Read.All', 'Synchronization.ReadWrite.All']});
	});

	it('refuses a busy port instead of silently moving to another one the tunnel does not reach', async () => {
		const port = await freePort();
		blocker = createServer();
		await new Promise<void>((resolve) => blocker?.listen(port, '127.0.0.1', resolve));
		const session = await start(port);
		await expect(session.auth.signIn({onPrompt: () => {}, signal: new AbortController().signal})).rejects.toThrow(
			`Port ${port} is already in use on this host. Choose another with --redirect-port (and forward that one).`,
		);
	});

	it('cancels with the signal and frees the port', async () => {
		const port = await freePort();
		const session = await start(port);
		const recorder = promptRecorder();
		const controller = new AbortController();
		const signingIn = session.auth.signIn({onPrompt: recorder.onPrompt, signal: controller.signal});
		await recorder.next();
		controller.abort();
		await expect(signingIn).rejects.toThrow('Sign-in cancelled.');
		// The loopback server is gone: the port can be listened on again.
		blocker = createServer();
		await expect(
			(async () => {
				for (let attempt = 0; ; attempt++) {
					try {
						await new Promise<void>((resolve, reject) => {
							blocker?.once('error', reject);
							blocker?.listen(port, '127.0.0.1', () => resolve());
						});
						return 'listening';
					} catch (error) {
						if (attempt > 50) throw error;
						await new Promise((resolve) => setTimeout(resolve, 100));
					}
				}
			})(),
		).resolves.toBe('listening');
	});
});
