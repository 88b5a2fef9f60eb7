/**
 * The write path against the demo tenant over real HTTP: drift check → backup → PUT → verify, and every way
 * it can fail. The request log shows what reached the server; the tenant's state shows what it stored.
 */
import {mkdtemp, readdir, readFile, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import got from 'got';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
	DriftError,
	editAttributeMappingField,
	editAttributeMappingSource,
	listBackups,
	putBody,
	stripServerFields,
	VerifyMismatchError,
	WorkingCopy,
	WriteFailedError,
	type WriteStep,
	writeSchema,
} from '../../source/edit/index.js';
import {backupNotePath} from '../../source/edit/backup-notes.js';
import {GraphClient} from '../../source/graph/client.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {cloudSyncProvisioningJobId as jobId, cloudSyncServicePrincipalId as servicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {graphFor, mappingOf, pointerOf, writeCloudSyncJob, writeScopes} from './helpers.js';

let simulator: Simulator;
let directory: string;
let backups: string;

beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	directory = await mkdtemp(path.join(tmpdir(), 'pvx-edit-'));
	backups = path.join(directory, 'state', 'backups');
});

afterEach(async () => {
	await simulator.close();
	await rm(directory, {recursive: true, force: true});
});

const job = () => simulator.tenant.findJob(servicePrincipalId, jobId)!;
const puts = () => simulator.requests.filter((request) => request.method === 'PUT');
const schemaRequests = () => simulator.requests.filter((request) => request.path.endsWith('/schema')).map((request) => `${request.method} ${request.status}`);

/** What the explorer holds after loading the job: the live schema as fetched, in a working copy. */
async function load(graph: GraphClient): Promise<WorkingCopy> {
	const bytes = await graph.getSchemaBytes(servicePrincipalId, jobId);
	return new WorkingCopy(JSON.parse(bytes.toString('utf8')) as SynchronizationSchema);
}

function write(graph: GraphClient, working: WorkingCopy, extra: {onStep?: (step: WriteStep) => void} = {}) {
	return writeCloudSyncJob(graph, working, backups, extra);
}

async function failure<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(type);
	expect((error as Error).message.split('\n')).toHaveLength(1);
	return error as T;
}

describe('writeSchema', () => {
	it('backs up the live schema, PUTs the edited one and verifies it', async () => {
		const graph = graphFor(simulator);
		let working = await load(graph);
		const before = job().schema.text;
		working = working.apply(editAttributeMappingField(working.document, pointerOf(working.document, 'Department'), 'flowType', 'ObjectAddOnly'));
		working = working.apply(editAttributeMappingSource(working.document, pointerOf(working.document, 'Mail'), {kind: 'Expression', expression: 'Join("@", [sAMAccountName], )'}));
		simulator.requests.length = 0;
		const steps: WriteStep[] = [];
		const result = await write(graph, working, {onStep: (step) => steps.push(step)});

		expect(steps).toEqual(['checking-drift', 'backing-up', 'writing', 'verifying']);
		expect(schemaRequests()).toEqual(['GET 200', 'PUT 204', 'GET 200']);
		expect(result.newVersion).toBe(job().schema.version);
		expect(result.newVersion).not.toBe(working.baseVersion);

		// The backup: the live bytes exactly, private, in a private directory, with a readable name.
		expect(path.dirname(result.backupPath)).toBe(backups);
		expect(path.basename(result.backupPath)).toMatch(/^contoso-com\.ad2aadprovisioning\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.[0-9a-f]{8}\.schema\.json$/);
		expect(await readFile(result.backupPath, 'utf8')).toBe(before);
		expect((await stat(result.backupPath)).mode & 0o777).toBe(0o600);
		expect((await stat(backups)).mode & 0o777).toBe(0o700);
		// Beside the backup, only its note (who wrote what; test/history/backup-notes.test.ts).
		expect((await readdir(backups)).sort()).toEqual([path.basename(backupNotePath(result.backupPath)), path.basename(result.backupPath)].sort());

		// The request: JSON, the whole document as GET returned it with the change applied (Microsoft's procedure),
		// the server-maintained top-level fields included as the live GET had them.
		const put = puts()[0]!;
		expect(put.headers['content-type']).toBe('application/json');
		const sent = JSON.parse(put.body!) as Record<string, unknown>;
		const liveBefore = JSON.parse(before) as Record<string, unknown>;
		expect(sent['@odata.context']).toBe(liveBefore['@odata.context']);
		expect(sent.version).toBe(working.baseVersion);
		expect(sent.id).toBe(jobId);
		expect(Object.keys(sent)).toEqual(Object.keys(liveBefore));
		expect(sent).toEqual(JSON.parse(putBody(working.document, working.live)));

		// The tenant now holds the edits.
		const stored = JSON.parse(job().schema.text) as SynchronizationSchema;
		expect(mappingOf(stored, 'Department').flowType).toBe('ObjectAddOnly');
		expect(mappingOf(stored, 'Mail').source?.expression).toBe('Join("@", [sAMAccountName], )');
	});

	it('works through a signed-in session too (msal sign-in, then the same path)', async () => {
		const {connect} = await import('../../source/explorer/connect.js');
		const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta', env: {}} as Parameters<typeof connect>[0]);
		try {
			await connection.auth.signIn({onPrompt: () => {}, signal: new AbortController().signal});
			let working = await load(connection.graph);
			working = working.apply(editAttributeMappingField(working.document, pointerOf(working.document, 'City'), 'defaultValue', 'Paris'));
			const result = await write(connection.graph, working);
			expect(mappingOf(JSON.parse(job().schema.text), 'City').defaultValue).toBe('Paris');
			// No credentials in the backup.
			const token = await connection.auth.getAccessToken();
			expect(await readFile(result.backupPath, 'utf8')).not.toContain(token);
		} finally {
			await connection.close();
		}
	});

	it('refuses to write when someone changed the schema since it was loaded, and writes nothing', async () => {
		const graph = graphFor(simulator);
		let working = await load(graph);
		working = working.apply(editAttributeMappingField(working.document, pointerOf(working.document, 'Department'), 'flowType', 'ObjectAddOnly'));
		// Another admin saves a change in the meantime.
		let other = await load(graphFor(simulator));
		other = other.apply(editAttributeMappingField(other.document, pointerOf(other.document, 'City'), 'defaultValue', 'Lyon'));
		await graph.putSchema(servicePrincipalId, jobId, putBody(other.document));
		const afterOther = job().schema.text;
		simulator.requests.length = 0;

		const drift = await failure(write(graph, working), DriftError);
		expect(drift.message).toMatch(/^Someone changed this job's schema after you loaded it \(version Date:2020-04-30T13:58:46\.0955403Z, .* → Date:.*\): 1 changed\. Nothing was written/);
		expect(drift.liveVersion).toBe(job().schema.version);
		expect(drift.plan.changes).toEqual([expect.objectContaining({kind: 'changed', target: 'City', fields: [{field: 'defaultValue', before: '(none)', after: '"Lyon"'}]})]);
		expect(Buffer.from(drift.liveBytes).toString('utf8')).toBe(afterOther);
		expect(puts()).toEqual([]);
		expect(job().schema.text).toBe(afterOther);
		expect(await listBackups({appName: 'contoso.com', templateId: 'AD2AADProvisioning', directory: backups})).toEqual([]);

		// Re-apply the pending edits on the new version: their guards hold, so the write goes through with both changes.
		const rebased = working.rebase(drift.live, drift.liveVersion);
		expect(rebased.failed).toEqual([]);
		await write(graph, rebased.working);
		const stored = JSON.parse(job().schema.text) as SynchronizationSchema;
		expect(mappingOf(stored, 'Department').flowType).toBe('ObjectAddOnly');
		expect(mappingOf(stored, 'City').defaultValue).toBe('Lyon');
	});

	it('re-applying is refused for an edit whose guards fail on the new version', async () => {
		const graph = graphFor(simulator);
		let working = await load(graph);
		working = working.apply(editAttributeMappingField(working.document, pointerOf(working.document, 'City'), 'defaultValue', 'Paris'));
		const edit = working.lastEdit!;
		let other = await load(graphFor(simulator));
		other = other.apply(editAttributeMappingField(other.document, pointerOf(other.document, 'City'), 'defaultValue', 'Lyon'));
		await graph.putSchema(servicePrincipalId, jobId, putBody(other.document));

		const drift = await failure(write(graph, working), DriftError);
		const rebased = working.rebase(drift.live, drift.liveVersion);
		expect(rebased.applied).toEqual([]);
		expect(rebased.failed).toEqual([{edit, reason: 'User ← user · City · defaultValue has changed: expected null, found "Lyon".'}]);
		expect(rebased.working.hasChanges).toBe(false);
		expect(puts()).toHaveLength(1);
	});

	it('a PUT answered 500: backup kept, nothing applied, reported as such, and never sent twice', async () => {
		const graph = graphFor(simulator);
		let working = await load(graph);
		const before = job().schema.text;
		working = working.apply(editAttributeMappingField(working.document, pointerOf(working.document, 'Department'), 'flowType', 'ObjectAddOnly'));
		simulator.faults.add({method: 'PUT', path: '/schema', status: 500, times: 1});
		simulator.requests.length = 0;

		const failed = await failure(write(graph, working), WriteFailedError);
		expect(failed.applied).toBe('no');
		expect(failed.message).toMatch(/^The write failed \(Graph PUT .* failed: 500.*\)\. Reading the schema back shows it unchanged, so nothing was applied; the live schema is backed up at .*\. Nothing was retried/);
		expect(await readFile(failed.backupPath, 'utf8')).toBe(before);
		expect(schemaRequests()).toEqual(['GET 200', 'PUT 500', 'GET 200']);
		expect(job().schema.text).toBe(before);
	});

	it("a PUT Graph rejects (a target mapped twice) reports Graph's reason and applies nothing", async () => {
		const graph = graphFor(simulator);
		const working = await load(graph);
		// Bypass the builders, which would refuse this, to see the server's answer.
		const document = structuredClone(working.document);
		mappingOf(document, 'City').targetAttributeName = 'Mail';
		const failed = await failure(
			writeSchema({graph, servicePrincipalId, jobId, appName: 'contoso.com', baseVersion: working.baseVersion, document, backupDirectory: backups}),
			WriteFailedError,
		);
		expect(failed.applied).toBe('no');
		expect(failed.message).toContain("an attribute can only be mapped as a target once, but 'Mail' is mapped more than once");
		expect(puts()).toHaveLength(1);
		// Without templateId the backup is named after the job.
		expect(path.basename(failed.backupPath)).toMatch(/^contoso-com\.ad2aadprovisioning-a948e1d58215475cb76a66f39959b21a-791b065b-71d9-42b7-9745-8f6a00f2339b\./);
	});

	it('a PUT that never answers: read back to find out, and no second PUT', async () => {
		const graph = graphFor(simulator, {responseTimeoutMs: 300});
		let working = await load(graph);
		const before = job().schema.text;
		working = working.apply(editAttributeMappingField(working.document, pointerOf(working.document, 'Department'), 'flowType', 'ObjectAddOnly'));
		simulator.faults.add({method: 'PUT', path: '/schema', drop: 'hang', times: 1});
		simulator.requests.length = 0;

		const failed = await failure(write(graph, working), WriteFailedError);
		expect(failed.applied).toBe('no');
		expect(failed.message).toMatch(/^The write failed \(Graph PUT .* timed out.*\)\. Reading the schema back shows it unchanged.*reload in a minute to make sure it did not land late/);
		expect(puts()).toHaveLength(1);
		expect(job().schema.text).toBe(before);
		expect(await readFile(failed.backupPath, 'utf8')).toBe(before);
	});

	it('a PUT whose answer was lost after it was applied is reported as applied', async () => {
		const token = simulator.identity.issueAccessToken({scopes: writeScopes});
		// The server stores the schema and answers 204; the answer is then lost on the way back.
		const losesPutAnswers = got.extend({
			hooks: {
				afterResponse: [
					(response) => {
						if (response.request.options.method === 'PUT') throw new Error('socket hang up');
						return response;
					},
				],
			},
		});
		const graph = new GraphClient({graphUrl: simulator.url, apiVersion: 'beta', getToken: async () => token, transport: losesPutAnswers});
		let working = await load(graph);
		working = working.apply(editAttributeMappingField(working.document, pointerOf(working.document, 'Department'), 'flowType', 'ObjectAddOnly'));
		const failed = await failure(write(graph, working), WriteFailedError);
		expect(failed.applied).toBe('yes');
		expect(failed.message).toMatch(/^Graph reported a failure \(.*socket hang up.*\), but the schema read back is exactly what was sent, so the write was applied\./);
		expect(puts()).toHaveLength(1);
		expect(mappingOf(JSON.parse(job().schema.text), 'Department').flowType).toBe('ObjectAddOnly');
	});

	it('a cancelled write says it may or may not have been applied', async () => {
		const graph = graphFor(simulator);
		let working = await load(graph);
		working = working.apply(editAttributeMappingField(working.document, pointerOf(working.document, 'Department'), 'flowType', 'ObjectAddOnly'));
		simulator.faults.add({method: 'PUT', path: '/schema', drop: 'hang', times: 1});
		const controller = new AbortController();
		simulator.requests.length = 0;
		const failed = await failure(
			writeSchema({
				graph,
				servicePrincipalId,
				jobId,
				appName: 'contoso.com',
				baseVersion: working.baseVersion,
				document: working.document,
				backupDirectory: backups,
				signal: controller.signal,
				// The user gives up while the PUT is on its way.
				onStep: (step) => {
					if (step === 'writing') setTimeout(() => controller.abort(), 50);
				},
			}),
			WriteFailedError,
		);
		expect(failed.applied).toBe('unknown');
		expect(failed.message).toMatch(/^The write was cancelled while the request was on its way, so it may or may not have been applied\. Reload the schema/);
		expect(puts().length).toBeLessThanOrEqual(1);
	});

	it('reports a verify mismatch: what was stored differs from what was sent', async () => {
		const graph = graphFor(simulator);
		let working = await load(graph);
		working = working.apply(editAttributeMappingField(working.document, pointerOf(working.document, 'Department'), 'flowType', 'ObjectAddOnly'));
		const tampered = structuredClone(working.document);
		mappingOf(tampered, 'Department').flowType = 'Always';
		tampered.version = 'Date:2030-01-01T00:00:00.0000000Z, ActivityId:00000000-0000-0000-0000-000000000009';
		const mismatch = await failure(
			write(graph, working, {
				onStep: (step) => {
					// The read-back after the PUT answers something else than what was sent.
					if (step === 'verifying') simulator.faults.add({method: 'GET', path: '/schema', times: 1, body: JSON.stringify(tampered)});
				},
			}),
			VerifyMismatchError,
		);
		const department = pointerOf(working.document, 'Department');
		expect(mismatch.differences).toEqual([`${department}/flowType: sent "ObjectAddOnly", stored "Always"`]);
		expect(mismatch.message).toBe(
			`The schema was saved, but reading it back shows 1 difference from what was sent (${department}/flowType: sent "ObjectAddOnly", stored "Always"). The previous schema is backed up at ${mismatch.backupPath}.`,
		);
		expect(mismatch.newVersion).toBe(tampered.version);
		expect(puts()).toHaveLength(1);
	});

	it('lists the backups of a job, newest first, with their versions', async () => {
		const graph = graphFor(simulator);
		let first = await load(graph);
		first = first.apply(editAttributeMappingField(first.document, pointerOf(first.document, 'Department'), 'flowType', 'ObjectAddOnly'));
		const one = await write(graph, first);
		let second = await load(graph);
		second = second.apply(editAttributeMappingField(second.document, pointerOf(second.document, 'Department'), 'flowType', 'Always'));
		const two = await write(graph, second);
		const listed = await listBackups({appName: 'contoso.com', templateId: 'AD2AADProvisioning', jobId, directory: backups});
		expect(listed.map((entry) => entry.path)).toEqual([two.backupPath, one.backupPath]);
		expect(second.baseVersion).toBe(one.newVersion);
		expect(listed.map((entry) => entry.version)).toEqual([second.baseVersion, first.baseVersion]);
		expect(listed[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(listed[1]!.createdAt.getTime());
		expect(listed[0]!.schemaId).toBe(jobId);
		expect(await listBackups({appName: 'Salesforce', templateId: 'AD2AADProvisioning', directory: backups})).toEqual([]);
		expect(await listBackups({appName: 'contoso.com', templateId: 'AD2AADProvisioning', directory: path.join(directory, 'none')})).toEqual([]);
	});
});

describe('stripServerFields', () => {
	it('drops @odata annotations at every level and the top-level version, and keeps everything else', () => {
		const document = {
			'@odata.context': 'x',
			id: 'job',
			version: 'v',
			'directories@odata.context': 'y',
			directories: [{id: 'd', name: 'AD', version: 'dv', '@odata.type': '#microsoft.graph.directoryDefinition', objects: []}],
			synchronizationRules: [],
		} as SynchronizationSchema;
		const stripped = stripServerFields(document);
		expect(stripped).toEqual({id: 'job', directories: [{id: 'd', name: 'AD', version: 'dv', objects: []}], synchronizationRules: []});
		expect(Object.keys(stripped)).toEqual(['id', 'directories', 'synchronizationRules']);
		expect(document['@odata.context']).toBe('x');
		// Subtrees without annotations are shared, not copied.
		expect(stripped.synchronizationRules).toBe(document.synchronizationRules);
	});
});
