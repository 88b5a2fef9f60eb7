/**
 * The loop screens in Ink against the demo tenant over HTTP: a quarantined job's status in words with Microsoft's
 * remediation, a restart sent with the documented body and the job read again, the provisioning logs (their
 * permissions consented on first use, Graph filters, the refusal in plain words), and provision on demand of a Workday worker that the scoping filter skips, shown as skipped.
 */
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {connect} from '../../source/explorer/connect.js';
import {createTenantServices} from '../../source/explorer/tenant-services.js';
import {logPermissions} from '../../source/loop/logs.js';
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

/** Opens the app's job screen; `approveSignIn` approves the device code by hand (a simulator that never auto-approves). */
async function openJob(appName: string, options: {approveSignIn?: boolean; appsShown?: RegExp} = {}) {
	const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta'});
	const directory = await mkdtemp(join(tmpdir(), 'pvx-loop-ink-'));
	const services = createTenantServices({
		label: connection.label,
		auth: connection.auth,
		graph: connection.graph,
		logsGraph: connection.graphFor(logPermissions),
		exportDirectory: directory,
		backupDirectory: directory,
	});
	const app = render(<Explorer services={services} />);
	if (options.approveSignIn) simulator.approveDeviceCode(/enter the code\s+([A-Z0-9 -]+?)\s*$/m.exec(await waitForFrame(app, 'enter the code'))?.[1]?.replace(/ /g, '') ?? '');
	await waitForFrame(app, options.appsShown ?? appsLoaded);
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

	it('asks for the logs\' permissions on first use, saying why, then lists the tenant\'s events newest first', async () => {
		// This simulator leaves device codes to be approved by hand, so the consent screen stays until approved.
		await simulator.close();
		simulator = await startSimulator({autoApproveDeviceCodeMs: undefined, deviceCodeIntervalSeconds: 1});
		simulator.identity.requireConsentOnFirstUse([...logPermissions]);
		const app = await openJob('contoso.com', {approveSignIn: true});
		const before = simulator.requests.length;
		await press(app, 'L');
		await waitForFrame(app, /enter\s+the\s+code/);
		const shown = flat(app.lastFrame());
		expect(shown).toContain('Provisioning logs need AuditLog.Read.All and Directory.Read.All, which the explorer does not ask for at sign-in');
		const code = /enter the code (DEMO-\w+)/.exec(shown)?.[1] ?? '';
		// The silent try was refused as Entra refuses new scopes on a refresh token: consent_required.
		const refused = simulator.requests.slice(before).filter((request) => request.path.endsWith('/oauth2/v2.0/token') && request.status === 400);
		expect(refused.length).toBeGreaterThan(0);
		expect(simulator.requests.slice(before).some((request) => request.path.includes('/auditLogs/'))).toBe(false);
		simulator.approveDeviceCode(code);
		await waitForFrame(app, /Provisioning logs, newest first: \d+/, 20_000);
		const times = [...(app.lastFrame() ?? '').matchAll(/^[› ] (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/gm)].map((match) => match[1]);
		expect(times.length).toBeGreaterThan(1);
		expect([...times].sort().reverse()).toEqual(times);
		// Consented once: going back and opening the logs again asks nothing.
		await press(app, KEY.esc);
		await waitForFrame(app, /^Status:/m);
		await press(app, 'L');
		await waitForFrame(app, /Provisioning logs, newest first: \d+/);
	}, 30_000);

	it('F filters at Graph (the request carries the filter) and says what it cannot filter there', async () => {
		const app = await openJob('Salesforce');
		await press(app, 'L');
		await waitForFrame(app, /Provisioning logs, newest first: \d+/);
		await press(app, 'F');
		await waitForFrame(app, 'Filter the provisioning logs at Graph');
		await press(app, 'status:failure since:7d', KEY.enter);
		await waitForFrame(app, /Graph filter status:failure since:7d/);
		const read = simulator.requests.filter((request) => request.path.includes('/auditLogs/provisioning')).at(-1);
		const filter = read?.query.$filter ?? '';
		expect(filter).toMatch(/provisioningStatusInfo\/status eq 'failure'/);
		expect(filter).toMatch(/activityDateTime gt \d{4}-/);
		const statuses = [...(app.lastFrame() ?? '').matchAll(/^[› ] \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+(\w+)/gm)].map((match) => match[1]);
		expect(statuses.length).toBeGreaterThan(0);
		expect(new Set(statuses)).toEqual(new Set(['failure']));
		// A typo is refused before anything is sent; a UPN is matched here, and the screen says so.
		await press(app, 'F', '\u0015status:broken', KEY.enter);
		await waitForFrame(app, /status: must be one of success, failure, skipped, warning/);
		await press(app, '\u0015user:someone@contoso.com', KEY.enter);
		await waitForFrame(app, /user: matched here among the events read \(Graph cannot filter by UPN or name\)/);
		expect(app.lastFrame()).toMatch(/Graph filter none \(F\) · user someone@contoso\.com/);
	}, 30_000);

	it('says plainly when the account lacks a role that may read the logs, and which roles may', async () => {
		simulator.identity.setDirectoryRoles(['Hybrid Identity Administrator']);
		// A Hybrid Identity Administrator reaches cloud sync's job only; the other apps say "no access".
		const app = await openJob('contoso.com', {appsShown: /^Apps with provisioning\s+1\/13$/m});
		await press(app, 'L');
		await waitForFrame(app, 'Not allowed to read provisioning logs');
		expect(flat(app.lastFrame())).toMatch(/Reports Reader/);
	}, 30_000);

	it('provisions a group with its members from p (group:… member:…), and says where its steps are', async () => {
		const app = await openJob('Contoso SCIM App');
		await press(app, 'p');
		await waitForFrame(app, /group:<group id> member:<id or UPN>/);
		await press(app, 'group:8213fd99-d6b6-417b-8e13-af6334856215 member:9bb0f679-a883-4a6f-8260-35b491b8b8c8', KEY.enter);
		await waitForFrame(app, /Success: provisioned/);
		expect(flat(app.lastFrame())).toContain("Microsoft answers a group's provision on demand without its steps");
		const sent = simulator.requests.filter((request) => request.path.endsWith('/provisionOnDemand'));
		expect(JSON.parse(sent.at(-1)?.body ?? '{}').parameters[0].subjects[0]).toMatchObject({objectTypeName: 'Group', links: {members: [{objectId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8', objectTypeName: 'User'}]}});
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
