/**
 * --read-only in the explorer: the session holds Synchronization.Read.All only, so Graph's parseExpression,
 * functions and filterOperators (which need Synchronization.ReadWrite.All) are never called; the explorer says
 * once why Graph's expression check is skipped, and browsing goes on with the documented lists. Real msal-node
 * and got against the demo tenant on 127.0.0.1.
 */
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cleanup, render} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, expect, it} from 'vitest';
import {connect} from '../../source/explorer/connect.js';
import {createTenantServices} from '../../source/explorer/tenant-services.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {Explorer} from '../../source/ui/app.js';
import {KEY} from '../helpers/keys.js';
import {appsLoaded, press, waitForFrame} from '../helpers/ink.js';

let simulator: Simulator;
beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
});
afterAll(() => simulator.close());
afterEach(() => cleanup());

async function openMappingsFromJob(app: Parameters<typeof press>[0]): Promise<void> {
	await waitForFrame(app, 'Directory');
	await press(app, '\r');
	await waitForFrame(app, 'Object mappings');
	await press(app, '\r');
	await waitForFrame(app, '1/136');
}

const skipped = /Graph's own expression check was skipped: it needs Synchronization\.ReadWrite\.All \(--read-only/;

it('does not call parseExpression, functions or filterOperators, and says why once', async () => {
	const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta', readOnly: true});
	const services = createTenantServices({label: connection.label, auth: connection.auth, graph: connection.graph, exportDirectory: await mkdtemp(join(tmpdir(), 'pvx-ro-')), readOnly: true});
	try {
		const app = render(<Explorer services={services} />);
		await waitForFrame(app, appsLoaded);
		await press(app, '/', 'contoso.com', '\r'); // one row left: Enter opens it
		await waitForFrame(app, 'Provisioning jobs');
		await press(app, '/', 'AD2AADProvisioning', '\r'); // one row left: Enter opens it
		const frame = await waitForFrame(app, skipped);
		expect(frame.match(new RegExp(skipped.source, 'g'))).toHaveLength(1);
		// Browsing goes on.
		await openMappingsFromJob(app);
		// Back to the jobs and into the other job: nothing more is said, nothing more is asked of Graph.
		await press(app, KEY.esc, KEY.esc, KEY.esc, KEY.esc);
		await waitForFrame(app, 'Provisioning jobs');
		await press(app, '/', 'AD2AADPasswordHash', '\r'); // one row left: Enter opens it
		await waitForFrame(app, 'Directory');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(app.lastFrame()).not.toMatch(skipped);
		const calls = simulator.requests.filter((request) => /\/schema\/(parseExpression|functions|filterOperators)$/.test(request.path));
		expect(calls).toEqual([]);
		expect(await connection.auth.describe()).toMatchObject({scopes: ['Application.Read.All', 'Synchronization.Read.All']});
	} finally {
		await connection.close();
	}
});
