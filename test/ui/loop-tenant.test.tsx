/**
 * The loop screens in Ink against the demo tenant over HTTP: a quarantined job's status in words with Microsoft's
 * remediation, a restart sent with the documented body and the job read again, the provisioning logs' refusal
 * in plain words, and provision on demand of a Workday worker that the scoping filter skips, shown as skipped.
 */
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {connect} from '../../source/explorer/connect.js';
import {createTenantServices} from '../../source/explorer/tenant-services.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {Explorer} from '../../source/ui/app.js';
import {appsLoaded, press, waitForFrame} from '../helpers/ink.js';
import {KEY} from '../helpers/keys.js';

let simulator: Simulator;

beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
});
afterEach(async () => {
	cleanup();
	await simulator.close();
});

async function openJob(appName: string) {
	const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta'});
	const directory = await mkdtemp(join(tmpdir(), 'pvx-loop-ink-'));
	const services = createTenantServices({label: connection.label, auth: connection.auth, graph: connection.graph, exportDirectory: directory, backupDirectory: directory});
	const app = render(<Explorer services={services} />);
	await waitForFrame(app, appsLoaded);
	// Enter in a filter that leaves one app opens it.
	await press(app, '/', appName, KEY.enter);
	await waitForFrame(app, 'Provisioning jobs');
	await press(app, 'J');
	await waitForFrame(app, /^Status:/m);
	return app;
}

const flat = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ');

describe('the job screen against the demo tenant', () => {
	it('explains a quarantine and its remediation, and clears it with the documented restart body', async () => {
		const app = await openJob('Salesforce');
		const shown = flat(app.lastFrame());
		expect(shown).toContain('Status: Quarantine');
		expect(shown).toContain('Quarantine: EncounteredQuarantineException');
		expect(shown).toContain('Re-authorise the admin credentials');
		await press(app, 'R');
		await waitForFrame(app, 'Restart provisioning: which scope?');
		await press(app, KEY.down, KEY.enter);
		await waitForFrame(app, 'Clear quarantine and escrows of Salesforce?');
		await press(app, 'y');
		await waitForFrame(app, /sent to Salesforce/);
		const restart = simulator.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/restart'));
		expect(restart).toHaveLength(1);
		expect(JSON.parse(restart[0]!.body ?? '{}')).toEqual({criteria: {resetScope: 'Escrows, QuarantineState'}});
		// The job is read again after the answer.
		await waitForFrame(app, /^Status: (?!Quarantine)/m);
	}, 30_000);

	it('says plainly that the explorer may not read the provisioning logs, and which command can', async () => {
		const app = await openJob('contoso.com');
		await press(app, 'L');
		await waitForFrame(app, 'Not allowed to read provisioning logs');
		expect(flat(app.lastFrame())).toContain('AuditLog.Read.All');
	}, 30_000);

	it('shows a Workday intern skipped by the scoping filter as skipped, never as success', async () => {
		const app = await openJob('Workday');
		await press(app, 'p');
		await waitForFrame(app, "the worker's Workday worker id");
		await press(app, '21004', KEY.enter);
		await waitForFrame(app, /SKIPPED/);
		expect(flat(app.lastFrame())).toMatch(/Scoping \(is the object in scope\?\): Skipped/);
		expect(flat(app.lastFrame())).not.toMatch(/^Success/m);
	}, 30_000);
});
