/**
 * The shared write path, through `patch`/`import` and the explorer (ink-testing-library), against the demo tenant.
 * Issue 9 §3: beta's synchronizationRule carries cloud sync's OU and group scoping (containerFilter, groupFilter),
 * which v1.0 does not document. The simulator leaves them out on /v1.0; a write under --api-version v1.0 reads
 * the schema through beta first and refuses when beta shows more, in `patch`, `import` and the explorer.
 * Also the explorer's side of §7 (c) a removed live directory and (d) a name that cannot be typed.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cleanup, render} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {connect} from '../../source/explorer/connect.js';
import {createTenantServices} from '../../source/explorer/tenant-services.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {Explorer} from '../../source/ui/app.js';
import {removeIsolatedStates, runCli} from '../commands/cli.js';
import {attributeMapping, createWorkspace, demoArgs, demoJob, liveSchema, puts, type Workspace} from '../commands/write-helpers.js';
import {writeScopes} from '../edit/helpers.js';
import {openContosoUserMappings, press, waitForFrame} from '../helpers/ink.js';
import {KEY} from '../helpers/keys.js';

let simulator: Simulator;
let workspace: Workspace;
let backups: string;

const scoping = {
	containerFilter: {includedContainers: ['OU=Cloud,DC=mydomain,DC=tld']},
	groupFilter: {includedGroups: []},
};

beforeAll(async () => {
	workspace = await createWorkspace('pvx-api-versions-');
});
afterAll(async () => {
	await workspace.remove();
	removeIsolatedStates();
});
beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	backups = await mkdtemp(join(tmpdir(), 'pvx-api-versions-backups-'));
	// The cloud sync job as a tenant scoped to one OU holds it (as stored; read through beta).
	const job = provisioning();
	const document = liveSchema(job);
	Object.assign(document.synchronizationRules![0]!, scoping);
	simulator.tenant.storeSchema(job, document as Record<string, unknown>, 'beta');
});
afterEach(async () => {
	cleanup();
	await simulator.close();
	await rm(backups, {recursive: true, force: true});
});

const provisioning = () => demoJob(simulator, 'contoso.com', 'AD2AADProvisioning');
const storedRule = () => liveSchema(provisioning()).synchronizationRules![0] as Record<string, unknown>;
const target = () => [...demoArgs(simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning'];

async function getSchema(version: 'beta' | 'v1.0'): Promise<SynchronizationSchema> {
	const job = provisioning();
	const token = simulator.identity.issueAccessToken({scopes: writeScopes});
	const response = await fetch(`${simulator.url}/${version}/servicePrincipals/${job.servicePrincipalId}/synchronization/jobs/${job.job.id}/schema`, {
		headers: {authorization: `Bearer ${token}`},
	});
	expect(response.status).toBe(200);
	return (await response.json()) as SynchronizationSchema;
}

describe('the simulator serves each version its documented shape', () => {
	it('beta shows the scoping; v1.0 leaves it out', async () => {
		expect((await getSchema('beta')).synchronizationRules![0]).toMatchObject(scoping);
		const v1 = (await getSchema('v1.0')).synchronizationRules![0] as Record<string, unknown>;
		expect(v1).not.toHaveProperty('containerFilter');
		expect(v1).not.toHaveProperty('groupFilter');
		expect(v1.objectMappings).toEqual((await getSchema('beta')).synchronizationRules![0]!.objectMappings);
	});
});

describe('a write under --api-version v1.0', () => {
	const refusal = /Nothing was written: read through beta, this schema holds properties that API version v1\.0 does not show \(\/synchronizationRules\/0\/containerFilter, \/synchronizationRules\/0\/groupFilter; .*--api-version beta \(the default\)/;

	it('patch is refused naming the properties; the scoping stays', async () => {
		const path = await workspace.file('mail.patch.json', [
			{op: 'replace', path: '/synchronizationRules/0/objectMappings/[sourceObjectName=user,targetObjectName=User]/attributeMappings/[targetAttributeName=Mail]/flowType', value: 'ObjectAddOnly'},
		]);
		const result = await runCli(['patch', ...target(), '--api-version', 'v1.0', '--patch', path, '--yes']);
		// Refused with the plan's checks (exit 1), before any confirmation would be asked.
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(refusal);
		expect(puts(simulator)).toEqual([]);
		expect(storedRule()).toMatchObject(scoping);
	});

	it('import of a v1.0 export is refused; the scoping stays', async () => {
		const exported = await runCli(['export', ...target(), '--api-version', 'v1.0']);
		expect(exported.code).toBe(0);
		const schema = JSON.parse(exported.stdout) as SynchronizationSchema;
		expect(schema.synchronizationRules![0]).not.toHaveProperty('containerFilter');
		attributeMapping(schema, 'Mail')!.flowType = 'ObjectAddOnly';
		const path = await workspace.file('v1.schema.json', schema);
		const result = await runCli(['import', ...target(), '--api-version', 'v1.0', '--in', path, '--yes']);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(refusal);
		expect(puts(simulator)).toEqual([]);
		expect(storedRule()).toMatchObject(scoping);
	});

	it('a dry run under v1.0 already says the write would be refused', async () => {
		const path = await workspace.file('mail-dry.patch.json', [
			{op: 'replace', path: '/synchronizationRules/0/objectMappings/[sourceObjectName=user,targetObjectName=User]/attributeMappings/[targetAttributeName=Mail]/flowType', value: 'ObjectAddOnly'},
		]);
		const result = await runCli(['patch', ...target(), '--api-version', 'v1.0', '--patch', path, '--dry-run']);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(refusal);
		expect(result.stderr).not.toMatch(/Dry run: nothing was sent/);
		expect(puts(simulator)).toEqual([]);
	});

	it('the same patch through beta keeps the scoping', async () => {
		const path = await workspace.file('mail-beta.patch.json', [
			{op: 'replace', path: '/synchronizationRules/0/objectMappings/[sourceObjectName=user,targetObjectName=User]/attributeMappings/[targetAttributeName=Mail]/flowType', value: 'ObjectAddOnly'},
		]);
		const result = await runCli(['patch', ...target(), '--patch', path, '--yes']);
		expect(result.code, result.stderr).toBe(0);
		expect(storedRule()).toMatchObject(scoping);
		expect(attributeMapping(liveSchema(provisioning()), 'Mail')!.flowType).toBe('ObjectAddOnly');
	});

	it('the explorer under v1.0 refuses the write and shows why', async () => {
		const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'v1.0'});
		const services = createTenantServices({label: connection.label, auth: connection.auth, graph: connection.graph, exportDirectory: backups, backupDirectory: backups});
		const app = render(<Explorer services={services} />);
		await openContosoUserMappings(app);
		// The filter names the mapping City (other rows match too): Enter opens it, and d edits it there.
		await press(app, '/', 'City', KEY.enter);
		expect(app.lastFrame()!).toMatch(/Target attribute\s+City\b/);
		await press(app, 'd', 'X', KEY.enter);
		await press(app, 'w');
		await waitForFrame(app, 'Type "contoso.com" and Enter to write');
		await press(app, ...'contoso.com'.split(''), KEY.enter);
		const frame = (await waitForFrame(app, /Nothing was written: read through beta/)).replace(/\s+/g, ' ');
		expect(frame).toMatch(/containerFilter/);
		expect(puts(simulator)).toEqual([]);
		expect(storedRule()).toMatchObject(scoping);
		await connection.close();
	});
});

describe('the explorer and a change that removes a live directory (issue 9 §7c)', () => {
	it('shows a blocking problem and writes nothing', async () => {
		const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta'});
		const services = createTenantServices({label: connection.label, auth: connection.auth, graph: connection.graph, exportDirectory: backups, backupDirectory: backups});
		const schema = liveSchema(provisioning());
		schema.directories = schema.directories!.slice(0, 1);
		const file = await workspace.file('one-directory.schema.json', schema);
		const app = render(<Explorer services={services} />);
		await openContosoUserMappings(app);
		await press(app, 'i', file, KEY.enter);
		const frame = (await waitForFrame(app, /Not writable/)).replace(/\s+/g, ' ');
		expect(frame).toMatch(/removes the directory 'Azure Active Directory' that the live job has/);
		expect(frame).not.toMatch(/Type "contoso\.com"/);
		expect(puts(simulator)).toEqual([]);
		await connection.close();
	});
});

describe('the explorer and an app whose name cannot be typed (issue 9 §7d)', () => {
	it('asks for the object id; a bare Enter writes nothing', async () => {
		const app = simulator.tenant.servicePrincipals.find((each) => each.displayName === 'contoso.com')!;
		// A zero-width space: shown as ⟨U+200B⟩, so the name as displayed is not what a keyboard can type.
		app.displayName = 'contoso.com\u200b';
		const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta'});
		const services = createTenantServices({label: connection.label, auth: connection.auth, graph: connection.graph, exportDirectory: backups, backupDirectory: backups});
		const rendered = render(<Explorer services={services} />);
		await openContosoUserMappings(rendered);
		await press(rendered, '/', 'City', KEY.enter, 'd', 'X', KEY.enter, 'w');
		await waitForFrame(rendered, `Type "${app.id}" and Enter to write`);
		await press(rendered, KEY.enter);
		await waitForFrame(rendered, `Type the object id exactly ("${app.id}")`);
		expect(puts(simulator)).toEqual([]);
		await press(rendered, ...app.id.split(''), KEY.enter);
		await waitForFrame(rendered, 'Written and verified');
		expect(puts(simulator)).toHaveLength(1);
		await connection.close();
	});
});
