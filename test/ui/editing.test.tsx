/**
 * Surgical edits in the explorer, end to end against the demo tenant over HTTP: each kind of edit →
 * plan → confirm → backup → PUT → verify, and every failure path of the write.
 */
import {mkdtemp, readdir, readFile, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cleanup, render} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {connect} from '../../source/explorer/connect.js';
import {createFileServices} from '../../source/explorer/file-services.js';
import {createTenantServices} from '../../source/explorer/tenant-services.js';
import {GraphClient} from '../../source/graph/client.js';
import {resolvePointer} from '../../source/schema/pointer.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {Explorer} from '../../source/ui/app.js';
import {appsLoaded, openContosoUserMappings, press, selectedRow, waitForFrame} from '../helpers/ink.js';
import {KEY} from '../helpers/keys.js';

const fixturePath = new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url).pathname;
const userMappings = '/synchronizationRules/0/objectMappings/0/attributeMappings';

let simulator: Simulator;
let directory: string;
let backups: string;

beforeAll(async () => {
	directory = await mkdtemp(join(tmpdir(), 'pvx-edit-'));
});
beforeEach(async () => {
	// A fresh tenant per test: writes in one test must not leak into the next.
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	backups = await mkdtemp(join(directory, 'backups-'));
});
afterEach(async () => {
	cleanup();
	await simulator.close();
});
afterAll(() => {});

type App = ReturnType<typeof render>;

async function services(options: {readOnly?: boolean; responseTimeoutMs?: number} = {}) {
	const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta', readOnly: options.readOnly});
	const graph = options.responseTimeoutMs
		? new GraphClient({graphUrl: simulator.url, apiVersion: 'beta', getToken: (request) => connection.auth.getAccessToken(request), timeouts: {response: options.responseTimeoutMs}})
		: connection.graph;
	return createTenantServices({label: connection.label, auth: connection.auth, graph, exportDirectory: directory, backupDirectory: backups, readOnly: options.readOnly});
}

/** Signs in and opens contoso.com › AD2AADProvisioning › user → User (136 attribute mappings). */
async function openMappings(options?: Parameters<typeof services>[0], initialPatch?: string): Promise<App> {
	const app = render(<Explorer services={await services(options)} initialPatch={initialPatch} />);
	await openContosoUserMappings(app);
	return app;
}

async function select(app: App, target: string): Promise<void> {
	await press(app, '/', target, KEY.enter);
	// Enter opens the mapping when the filter leaves only it; Esc comes back to the list, filtered, with its row selected.
	if (/^Attribute mapping(?!s)/.test(app.lastFrame()!.split('\n')[1] ?? '')) await press(app, KEY.esc);
	expect(selectedRow(app.lastFrame()!)).toMatch(new RegExp(`^(~ |✗ |! )?${target}\\b`));
}

function contosoJob() {
	return simulator.tenant.jobsOf(contosoId()).find((each) => each.job.templateId === 'AD2AADProvisioning')!;
}

function liveSchema(): SynchronizationSchema {
	return JSON.parse(contosoJob().schema.text) as SynchronizationSchema;
}

function contosoId(): string {
	return simulator.tenant.servicePrincipals.find((sp) => sp.displayName === 'contoso.com')!.id;
}

function puts(): number {
	return simulator.requests.filter((request) => request.method === 'PUT').length;
}

function mappingOf(schema: SynchronizationSchema, target: string) {
	return schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.find((mapping) => mapping.targetAttributeName === target);
}

/** w → the plan → type the display name → Enter; resolves with the frame after the write. */
async function planAndWrite(app: App, expectInPlan?: string | RegExp): Promise<string> {
	await press(app, 'w');
	const plan = await waitForFrame(app, 'Type "contoso.com" and Enter to write');
	if (expectInPlan) expect(plan).toMatch(expectInPlan);
	expect(plan).toContain('it does not restart the job');
	await press(app, ...'contoso.com'.split(''), KEY.enter);
	return waitForFrame(app, /Written and verified|✗/);
}

describe('editing an attribute mapping', () => {
	it('changes the source to an expression, plans, writes, backs up and verifies', async () => {
		const app = await openMappings();
		await select(app, 'Alias');
		await press(app, 's');
		await waitForFrame(app, 'Source type');
		await press(app, '3'); // a short menu: 3 picks its third item, Expression
		await waitForFrame(app, '> ');
		await press(app, '\u0015'); // Ctrl+U clears the prefilled text
		await press(app, 'Join("@", [mailNickname], "contoso.com")', KEY.enter);
		const listed = await waitForFrame(app, '~ Alias');
		expect(listed).toContain('1 pending');
		const written = await planAndWrite(app, /Object mapping User ← user[\s\S]*~ Alias/);
		expect(written).toContain('Written and verified');
		expect(puts()).toBe(1);
		const alias = mappingOf(liveSchema(), 'Alias')!.source!;
		expect(alias.expression).toBe('Join("@", [mailNickname], "contoso.com")');
		// Sent with the parse tree Graph's parseExpression built, not a hand-made one.
		expect(alias).toMatchObject({type: 'Function', name: 'Join'});
		expect(alias.parameters!.map((parameter) => parameter.value.name)).toEqual(['@', 'mailNickname', 'contoso.com']);
		const files = (await readdir(backups)).filter((name) => name.endsWith('.schema.json'));
		expect(files).toHaveLength(1);
		expect((await stat(join(backups, files[0]!))).mode & 0o777).toBe(0o600);
		expect(Buffer.compare(await readFile(join(backups, files[0]!)), await readFile(fixturePath))).toBe(0);
		await press(app, KEY.enter);
		// Back where the admin was: the job read again, the attribute-mapping list, the cursor on Alias.
		const back = await waitForFrame(app, /Written and verified\. Backup/);
		// The backup's path, whole, on a line of its own.
		expect(back.replace(/\n/g, "")).toContain(join(backups, files[0]!));
		expect(back).not.toContain('pending');
		await press(app, KEY.enter);
		await waitForFrame(app, 'Attribute mappings  user → User');
		expect(selectedRow(app.lastFrame() ?? '')).toMatch(/^Alias /);
	});

	it('edits the default value, flowType, flowBehavior and matching priority', async () => {
		const app = await openMappings();
		await select(app, 'City');
		await press(app, KEY.enter);
		await waitForFrame(app, 'Target attribute    City');
		await press(app, 'd', 'Unknown', KEY.enter);
		await waitForFrame(app, 'defaultValue');
		await press(app, 'f');
		await waitForFrame(app, 'flowType of City');
		await press(app, '2'); // ObjectAddOnly
		await press(app, 'b');
		await waitForFrame(app, 'flowBehavior of City');
		await press(app, KEY.down, KEY.enter);
		await press(app, 'm', '\u0015', '3', KEY.enter);
		const detail = await waitForFrame(app, '4 pending');
		expect(detail).toContain('Default value       Unknown');
		await planAndWrite(app, /City/);
		const city = mappingOf(liveSchema(), 'City')!;
		expect(city).toMatchObject({defaultValue: 'Unknown', flowType: 'ObjectAddOnly', flowBehavior: 'FlowAlways', matchingPriority: 3});
	});

	it('keeps an invalid expression in the prompt with the reason, and writes nothing', async () => {
		const app = await openMappings();
		await select(app, 'Alias');
		await press(app, 's', '3', '\u0015', 'Join("@", [mailNickname]', KEY.enter);
		const frame = await waitForFrame(app, 'Not a valid expression');
		expect(frame).toContain('> Join("@", [mailNickname]▏');
		await press(app, KEY.esc);
		expect(app.lastFrame()).not.toMatch(/· \d+ pending/);
		expect(puts()).toBe(0);
	});

	it("shows a problem Graph's parseExpression finds beside the mapping and refuses to write it", async () => {
		const app = await openMappings();
		await select(app, 'Alias');
		await press(app, 's', '3', '\u0015', 'NoSuchFunction([mailNickname])', KEY.enter);
		const notice = (await waitForFrame(app, /Unknown function/)).replace(/\s+/g, ' ');
		expect(notice).toContain("Graph's parseExpression");
		await press(app, KEY.enter);
		await waitForFrame(app, '✗ Alias');
		await press(app, 'w');
		const plan = await waitForFrame(app, 'fix the problems');
		expect(plan).toMatch(/✗ .*NoSuchFunction/);
		expect(puts()).toBe(0);
	});
});

describe('adding and removing mappings', () => {
	it('adds a mapping for an unmapped target and refuses a target that is already mapped', async () => {
		const app = await openMappings();
		await press(app, 'a');
		await waitForFrame(app, 'New mapping: target attribute');
		// An already-mapped target is marked in the list, and refused as soon as it is picked.
		await press(app, 'Alias');
		expect(await waitForFrame(app, /› Alias {2}\(already mapped\)/)).toBeTruthy();
		await press(app, KEY.enter);
		const refused = await waitForFrame(app, /Alias is already mapped/);
		expect(refused).toContain('New mapping: target attribute');
		expect(refused).not.toMatch(/· \d+ pending/);
		await press(app, KEY.esc, KEY.esc);
		await waitForFrame(app, '1/136');
		const user = liveSchema().directories!.find((entry) => entry.name === 'Azure Active Directory')!.objects!.find((object) => object.name === 'User')!;
		const mapped = new Set(liveSchema().synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.map((mapping) => mapping.targetAttributeName));
		const free = user.attributes!.map((attribute) => attribute.name).find((name) => !mapped.has(name))!;
		await press(app, 'a', free, KEY.enter);
		// The defaults the new mapping gets are shown before it is added.
		const defaults = (await waitForFrame(app, `New mapping ${free}: source type`)).replace(/\s+/g, ' ');
		expect(defaults).toContain('flowType Always, flowBehavior FlowWhenChanged');
		await press(app, '2', 'Contoso', KEY.enter); // 2: Constant
		// The cursor is on the new row, marked +.
		const added = await waitForFrame(app, '137/137');
		expect(selectedRow(added)).toMatch(new RegExp(`^\\+ ${free} `));
		await planAndWrite(app, new RegExp(`Object mapping User ← user[\\s\\S]*\\+ ${free}: source "Contoso"`));
		expect(mappingOf(liveSchema(), free)!.source).toMatchObject({type: 'Constant', name: 'Contoso'});
	});

	it('removes a mapping after confirmation', async () => {
		const app = await openMappings();
		await select(app, 'Alias');
		await press(app, 'D');
		await waitForFrame(app, 'Remove the mapping of Alias?');
		await press(app, 'y');
		await waitForFrame(app, '/135');
		await planAndWrite(app, /Object mapping User ← user[\s\S]*- Alias: source/);
		expect(mappingOf(liveSchema(), 'Alias')).toBeUndefined();
	});

	it('disables an object mapping with t', async () => {
		const app = await openMappings();
		await press(app, KEY.esc);
		await waitForFrame(app, 'Object mappings');
		await press(app, 't');
		await waitForFrame(app, 'disabled');
		await planAndWrite(app);
		expect(liveSchema().synchronizationRules![0]!.objectMappings![0]!.enabled).toBe(false);
	});
});

describe('pending changes', () => {
	it('lists edits, undoes the last with u and saves them as a guarded JSON Patch with P', async () => {
		const app = await openMappings();
		await select(app, 'City');
		await press(app, 'd', 'X', KEY.enter);
		await press(app, KEY.esc, '/', 'Alias', KEY.enter, 'd', 'Y', KEY.enter);
		await waitForFrame(app, '2 pending');
		await press(app, 'c');
		const changes = await waitForFrame(app, 'Pending changes');
		expect(changes).toMatch(/City/);
		expect(changes).toMatch(/Alias/);
		await press(app, 'u');
		await waitForFrame(app, /Undone: .*Alias/);
		const patchPath = join(directory, 'saved.patch.json');
		await press(app, 'P', '\u0015', patchPath, KEY.enter);
		await waitForFrame(app, 'Saved');
		const operations = JSON.parse(await readFile(patchPath, 'utf8')) as Array<{op: string; path: string; value?: unknown}>;
		expect(operations.some((operation) => operation.op === 'test' && operation.value === 'City')).toBe(true);
		expect(operations.filter((operation) => operation.op !== 'test')).toHaveLength(1);
		expect(puts()).toBe(0);
	});

	it('loads a patch file with --patch and checks its guards against the loaded schema', async () => {
		const index = liveSchema().synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.findIndex((mapping) => mapping.targetAttributeName === 'Alias');
		const patchPath = join(directory, 'in.patch.json');
		await writeFile(
			patchPath,
			JSON.stringify([
				{op: 'test', path: `${userMappings}/${index}/targetAttributeName`, value: 'Alias'},
				{op: 'replace', path: `${userMappings}/${index}/defaultValue`, value: 'from-patch'},
			]),
		);
		const app = await openMappings(undefined, patchPath);
		await waitForFrame(app, '1 pending');
		await planAndWrite(app, /Alias/);
		expect(mappingOf(liveSchema(), 'Alias')!.defaultValue).toBe('from-patch');

		const wrong = join(directory, 'wrong.patch.json');
		await writeFile(wrong, JSON.stringify([{op: 'test', path: `${userMappings}/${index}/targetAttributeName`, value: 'NotAlias'}, {op: 'remove', path: `${userMappings}/${index}`}]));
		cleanup();
		const second = render(<Explorer services={await services()} initialPatch={wrong} />);
		await waitForFrame(second, appsLoaded);
		await press(second, '/', 'contoso.com', KEY.enter);
		await press(second, '/', 'AD2AADProvisioning', KEY.enter);
		const refused = (await waitForFrame(second, /not\s+loaded/)).replace(/\s+/g, ' ');
		expect(refused).toMatch(/NotAlias|Alias/);
		await press(second, KEY.enter);
		expect(second.lastFrame()).not.toMatch(/· \d+ pending/);
	});
});

describe('the write path', () => {
	async function editAlias(app: App) {
		await select(app, 'Alias');
		await press(app, 'd', 'edited', KEY.enter);
		await waitForFrame(app, '1 pending');
	}

	it('refuses to overwrite a schema someone else changed, then re-applies the edits on the new version', async () => {
		const app = await openMappings();
		await editAlias(app);
		// Someone else changes another mapping meanwhile.
		const changed = liveSchema();
		mappingOf(changed, 'City')!.defaultValue = 'changed elsewhere';
		await putAsSomeoneElse(changed);
		await press(app, 'w');
		await waitForFrame(app, 'Type "contoso.com"');
		await press(app, ...'contoso.com'.split(''), KEY.enter);
		const drift = await waitForFrame(app, 'changed on the server');
		expect(drift).toMatch(/City/);
		expect(puts()).toBe(1); // only the other writer's
		await press(app, 'r');
		await waitForFrame(app, 'Type "contoso.com"');
		await press(app, ...'contoso.com'.split(''), KEY.enter);
		await waitForFrame(app, 'Written and verified');
		const live = liveSchema();
		expect(mappingOf(live, 'Alias')!.defaultValue).toBe('edited');
		expect(mappingOf(live, 'City')!.defaultValue).toBe('changed elsewhere');
	});

	it('refuses to re-apply when the guards no longer hold', async () => {
		const app = await openMappings();
		await editAlias(app);
		const changed = liveSchema();
		const mappings = changed.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!;
		mappings.splice(
			mappings.findIndex((mapping) => mapping.targetAttributeName === 'Alias'),
			1,
		);
		await putAsSomeoneElse(changed);
		await press(app, 'w');
		await waitForFrame(app, 'Type "contoso.com"');
		await press(app, ...'contoso.com'.split(''), KEY.enter);
		await waitForFrame(app, 'changed on the server');
		await press(app, 'r');
		await waitForFrame(app, 'Does not apply to the new version');
		expect(puts()).toBe(1);
	});

	it('reports a PUT answered 500 with the backup kept and no second PUT', async () => {
		const app = await openMappings();
		await editAlias(app);
		simulator.faults.add({method: 'PUT', path: /\/schema$/, status: 500, times: 1});
		const frame = await planAndWrite(app);
		expect(frame).toContain('✗');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(puts()).toBe(1);
		const files = (await readdir(backups)).filter((name) => name.endsWith('.schema.json'));
		expect(files).toHaveLength(1);
		expect(frame.replace(/\s+/g, '')).toContain(files[0]);
		expect(mappingOf(liveSchema(), 'Alias')!.defaultValue).not.toBe('edited');
	});

	it('reports a PUT that never answers without sending a second one', async () => {
		const app = await openMappings({responseTimeoutMs: 1500});
		await editAlias(app);
		simulator.faults.add({method: 'PUT', path: /\/schema$/, drop: 'hang', times: 1});
		const frame = await planAndWrite(app);
		expect(frame).toContain('✗');
		expect(puts()).toBe(1);
		const files = (await readdir(backups)).filter((name) => name.endsWith('.schema.json'));
		expect(files).toHaveLength(1);
		expect(frame.replace(/\s+/g, '')).toContain(files[0]);
	});

	it('reports what differs when the schema read back is not what was sent', async () => {
		const app = await openMappings();
		await editAlias(app);
		const altered = liveSchema();
		mappingOf(altered, 'Alias')!.defaultValue = 'something else';
		// The drift check's GET passes; the verification GET after the PUT answers another document.
		simulator.faults.add({method: 'GET', path: /\/schema$/, skip: 1, times: 1, body: JSON.stringify({...altered, version: 'Date:2031-01-01T00:00:00.0000000Z, ActivityId:x'})});
		const frame = await planAndWrite(app);
		expect(frame).toMatch(/✗/);
		expect(frame.replace(/\s+/g, ' ')).toMatch(/defaultValue/);
	});
});

describe('import and restore', () => {
	it('imports a file exported from another service principal, remapping directory ids by name', async () => {
		const other = JSON.parse(await readFile(fixturePath, 'utf8')) as SynchronizationSchema;
		for (const entry of other.directories!) entry.id = `00000000-0000-0000-0000-${String(other.directories!.indexOf(entry)).padStart(12, '0')}`;
		mappingOf(other, 'Alias')!.defaultValue = 'imported';
		const path = join(directory, 'other-app.schema.json');
		await writeFile(path, Buffer.from(`\uFEFF${JSON.stringify(other, null, 2)}`, 'utf16le'));
		const app = await openMappings();
		await press(app, 'i');
		await waitForFrame(app, 'Import a schema file');
		await press(app, path, KEY.enter);
		const plan = await waitForFrame(app, 'Type "contoso.com"');
		expect(plan).toMatch(/Alias/);
		await press(app, ...'contoso.com'.split(''), KEY.enter);
		await waitForFrame(app, 'Written and verified');
		const live = liveSchema();
		expect(mappingOf(live, 'Alias')!.defaultValue).toBe('imported');
		const originalIds = (JSON.parse(await readFile(fixturePath, 'utf8')) as SynchronizationSchema).directories!.map((entry) => entry.id);
		expect(live.directories!.map((entry) => entry.id)).toEqual(originalIds);
	});

	it('refuses an import whose directory names this job does not have', async () => {
		const other = JSON.parse(await readFile(fixturePath, 'utf8')) as SynchronizationSchema;
		other.directories![0]!.name = 'Some Other Directory';
		const path = join(directory, 'foreign.schema.json');
		await writeFile(path, JSON.stringify(other));
		const app = await openMappings();
		await press(app, 'i', path, KEY.enter);
		const frame = (await waitForFrame(app, /Cannot import/)).replace(/\s+/g, ' ');
		expect(frame).toContain('Some Other Directory');
		expect(puts()).toBe(0);
	});

	it('restores a backup with :restore through the same plan and write', async () => {
		const app = await openMappings();
		await select(app, 'Alias');
		await press(app, 'd', 'first', KEY.enter);
		await planAndWrite(app);
		await press(app, KEY.enter);
		// The backup's path is longer than the status line: it is shown whole in a note, closed with Enter.
		await waitForFrame(app, 'Written and verified. Backup');
		await press(app, KEY.enter);
		await press(app, ':', 'restore', KEY.enter);
		// The title shows while the backups are still being listed: wait for the list itself.
		const list = await waitForFrame(app, /Backups of this job.*\d+\/\d+/);
		expect(list).toMatch(/Backups of this job.*1\/1/);
		await press(app, KEY.enter); // the backup in full: its file whole, then Enter restores it through the plan
		await waitForFrame(app, /Enter restores it through the plan/);
		await press(app, KEY.enter);
		await waitForFrame(app, 'Type "contoso.com"');
		await press(app, ...'contoso.com'.split(''), KEY.enter);
		await waitForFrame(app, 'Written and verified');
		expect(mappingOf(liveSchema(), 'Alias')!.defaultValue).toBe(mappingOf(JSON.parse(await readFile(fixturePath, 'utf8')), 'Alias')!.defaultValue);
	});
});

describe('read-only and offline', () => {
	it('offers no edit or write keys under --read-only and sends no PUT, POST or DELETE', async () => {
		const app = await openMappings({readOnly: true});
		await select(app, 'Alias');
		await press(app, 's', 'd', 'D', 'a', 'w', 'i', 'e');
		expect(app.lastFrame()).not.toMatch(/· \d+ pending/);
		expect(app.lastFrame()).not.toContain('Source type');
		await press(app, '?');
		const help = app.lastFrame()!;
		expect(help).toContain('Read-only session');
		expect(help).not.toMatch(/change the source/);
		const writes = simulator.requests.filter((request) => ['PUT', 'PATCH', 'DELETE'].includes(request.method));
		expect(writes).toEqual([]);
		expect(simulator.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/beta'))).toEqual([]);
	});

	it('edits a file offline and says how to apply the patch', async () => {
		const app = render(<Explorer services={createFileServices(fixturePath, directory)} />);
		await waitForFrame(app, '1/3');
		await press(app, KEY.enter, KEY.enter);
		await waitForFrame(app, '1/136');
		await press(app, 'd', 'offline', KEY.enter, 'w');
		await waitForFrame(app, /Offline: P saves the changes/);
	});
});

describe('scoping filters', () => {
	it('adds a clause to the scoping filter and warns that users may fall out of scope', async () => {
		const app = await openMappings();
		await press(app, 'S');
		const scope = await waitForFrame(app, 'Scoping filter');
		expect(scope).toContain('isCriticalSystemObject IS FALSE');
		await press(app, 'a');
		await waitForFrame(app, 'New clause: source attribute');
		await press(app, 'department', KEY.enter);
		await waitForFrame(app, 'Operator for department');
		await press(app, 'EQUALS', KEY.enter);
		await waitForFrame(app, 'department EQUALS: value 1');
		await press(app, 'Sales', KEY.enter);
		await waitForFrame(app, '✓ done: 1 value');
		await press(app, KEY.up, KEY.enter);
		await waitForFrame(app, 'department EQUALS: value 2');
		await press(app, 'Marketing', KEY.enter);
		await waitForFrame(app, '✓ done: 2 values');
		await press(app, KEY.enter);
		await waitForFrame(app, 'department EQUALS "Sales", "Marketing"');
		await press(app, 'w');
		const plan = await waitForFrame(app, 'Type "contoso.com"');
		expect(plan.replace(/\s+/g, ' ')).toMatch(/scop/i);
		await press(app, ...'contoso.com'.split(''), KEY.enter);
		await waitForFrame(app, 'Written and verified');
		const clauses = liveSchema().synchronizationRules![0]!.objectMappings![0]!.scope!;
		expect(JSON.stringify(clauses)).toContain('"sourceOperandName":"department"');
	});
});

async function putAsSomeoneElse(schema: SynchronizationSchema): Promise<void> {
	const token = simulator.identity.issueAccessToken({scopes: ['Synchronization.ReadWrite.All', 'Application.Read.All']});
	const graph = new GraphClient({graphUrl: simulator.url, apiVersion: 'beta', getToken: async () => token});
	await graph.putSchema(contosoId(), contosoJob().job.id, JSON.stringify(schema));
	expect(resolvePointer(liveSchema(), '/version')).not.toBe(resolvePointer(JSON.parse(await readFile(fixturePath, 'utf8')), '/version'));
}
