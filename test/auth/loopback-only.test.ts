/**
 * Demo mode never leaves the machine: every sign-in way and a Graph call, with the demo tenant
 * started in-process as `--demo` does, while every TCP connection this process opens is recorded.
 */
import {startDemoTenant} from '../../source/simulator/demo-tenant.js';
import {Socket} from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connect, type ConnectionOptions} from '../../source/explorer/connect.js';
import {cloudSyncServicePrincipalId, defaultDemoClientSecret} from '../../source/simulator/index.js';
import {certificatePath, freePort} from './helpers.js';

const targets: string[] = [];
const originalConnect = Socket.prototype.connect;

/** The host of Socket#connect's arguments: (options), (port, host) or (path). */
function hostOf(args: unknown[]): string {
	const [first, second] = args;
	if (typeof first === 'object' && first !== null) {
		const options = first as {host?: string; path?: string};
		return options.path ? `unix:${options.path}` : (options.host ?? 'localhost');
	}
	if (typeof first === 'string' && Number.isNaN(Number(first))) return `unix:${first}`;
	return typeof second === 'string' ? second : 'localhost';
}

beforeAll(() => {
	Socket.prototype.connect = function recordingConnect(this: Socket, ...args: unknown[]) {
		targets.push(hostOf(args));
		return (originalConnect as (...connectArgs: unknown[]) => Socket).apply(this, args);
	} as typeof Socket.prototype.connect;
});
afterAll(() => {
	Socket.prototype.connect = originalConnect;
});

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

async function demoSession(options: Partial<ConnectionOptions>): Promise<void> {
	const connection = await connect({demo: true, apiVersion: 'beta', demoApproveAfterMs: 50, env: {}, startDemo: startDemoTenant, ...options});
	try {
		await connection.auth.signIn({onPrompt: () => {}, signal: new AbortController().signal});
		expect((await connection.graph.listJobs(cloudSyncServicePrincipalId)).length).toBeGreaterThan(0);
	} finally {
		await connection.close();
	}
}

describe('demo mode', () => {
	it('signs in every way and calls Graph without a single connection beyond 127.0.0.1', async () => {
		await demoSession({auth: 'device-code'});
		await demoSession({auth: 'browser', redirectPort: await freePort()});
		await demoSession({auth: 'env', env: {AZURE_TENANT_ID: 'contoso.com', AZURE_CLIENT_ID: 'demo-app', AZURE_CLIENT_SECRET: defaultDemoClientSecret}});
		await demoSession({auth: 'client-certificate', certificateFile: certificatePath});
		await demoSession({auth: 'device-code', cloud: 'usgov'});
		// The recorder saw the traffic (so an empty list cannot pass by accident), all of it local.
		expect(targets.length).toBeGreaterThanOrEqual(5);
		expect(targets.filter((host) => !loopback.has(host))).toEqual([]);
	});
});
