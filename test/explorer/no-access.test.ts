/** The explorer's app list (services layer) when Graph refuses some apps for a missing role: they are kept, marked. */
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {connect} from '../../source/explorer/connect.js';
import {createTenantServices} from '../../source/explorer/tenant-services.js';
import {cloudSyncServicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';

let simulator: Simulator;
beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
});
afterAll(() => simulator.close());

it('lists a Hybrid Identity Administrator the cloud sync app, and the others as "no access" instead of failing', async () => {
	simulator.identity.setDirectoryRoles(['Hybrid Identity Administrator']);
	const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta'});
	try {
		const services = createTenantServices({label: 'demo', auth: connection.auth, graph: connection.graph, exportDirectory: await mkdtemp(join(tmpdir(), 'pvx-na-'))});
		const signal = new AbortController().signal;
		await services.signIn({onPrompt: () => {}, signal});
		const apps = await services.listApps({onProgress: () => {}, signal});
		const cloudSync = apps.find((app) => app.servicePrincipal.id === cloudSyncServicePrincipalId)!;
		expect(cloudSync.jobs.length).toBe(2);
		expect(cloudSync.noAccess).toBeUndefined();
		const salesforce = apps.find((app) => app.servicePrincipal.displayName === 'Salesforce')!;
		expect(salesforce.jobs).toEqual([]);
		expect(salesforce.noAccess).toContain('lacks the permission or the directory role for this app');
	} finally {
		await connection.close();
		simulator.identity.setDirectoryRoles(['Global Administrator']);
	}
});
