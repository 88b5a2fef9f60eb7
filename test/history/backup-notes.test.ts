/**
 * The note beside each backup: written by the real write path against the demo tenant (before the PUT, then with
 * the outcome), read back by the history; backups from before notes existed still list.
 */
import {mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import packageJson from '../../package.json' with {type: 'json'};
import {backupNotePath, readBackupNote, summarizePlan} from '../../source/edit/backup-notes.js';
import {backupFileName} from '../../source/edit/backups.js';
import {buildPlan, editAttributeMappingField, WorkingCopy, WriteFailedError, } from '../../source/edit/index.js';
import type {GraphClient} from '../../source/graph/client.js';
import {listHistory} from '../../source/history/versions.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {cloudSyncProvisioningJobId as jobId, cloudSyncServicePrincipalId as servicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {graphFor, pointerOf, writeCloudSyncJob} from '../edit/helpers.js';

let simulator: Simulator;
let directory: string;
let backups: string;

beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	directory = await mkdtemp(path.join(tmpdir(), 'pvx-notes-'));
	backups = path.join(directory, 'backups');
});
afterEach(async () => {
	await simulator.close();
	await rm(directory, {recursive: true, force: true});
});

async function editedCopy(graph: GraphClient): Promise<WorkingCopy> {
	const loaded = new WorkingCopy(JSON.parse((await graph.getSchemaBytes(servicePrincipalId, jobId)).toString('utf8')) as SynchronizationSchema);
	const working = loaded.apply(editAttributeMappingField(loaded.document, pointerOf(loaded.document, 'Department'), 'flowType', 'ObjectAddOnly'));
	return working;
}

function write(graph: GraphClient, working: WorkingCopy) {
	return writeCloudSyncJob(graph, working, backups, {author: {account: 'admin@contoso.com', tenantId: 'tenant-1'}, operation: 'import of prod.schema.json'});
}

describe('the note beside a backup', () => {
	it('records account, tool version, schema version and the change in one line, then the outcome; private and free of secrets', async () => {
		const graph = graphFor(simulator);
		const working = await editedCopy(graph);
		const result = await write(graph, working);

		const note = await readBackupNote(result.backupPath);
		expect(note).toMatchObject({
			backup: path.basename(result.backupPath),
			account: 'admin@contoso.com',
			tenantId: 'tenant-1',
			tool: {name: 'provisioning-explorer', version: packageJson.version},
			app: {id: servicePrincipalId, displayName: 'contoso.com'},
			job: {id: jobId, templateId: 'AD2AADProvisioning'},
			schemaVersion: working.baseVersion,
			operation: 'import of prod.schema.json',
			change: '1 changed: User ← user ~Department (flowType)',
			counts: {added: 0, changed: 1, removed: 0},
			result: 'written',
			newVersion: result.newVersion,
		});
		expect(Date.parse(note!.takenAt)).not.toBeNaN();
		const file = backupNotePath(result.backupPath);
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		// Nothing secret: no token the identity provider issued, no Authorization header.
		const text = await readFile(file, 'utf8');
		for (const secret of simulator.identity.issuedSecrets()) expect(text).not.toContain(secret);
		expect(text).not.toMatch(/authorization|bearer|eyJ/i);
		// The backup itself is still Graph's bytes: the note is beside it, not inside it.
		expect(JSON.parse(await readFile(result.backupPath, 'utf8')).version).toBe(working.baseVersion);
	});

	it('says the write failed when Graph refused the PUT and nothing was applied', async () => {
		const graph = graphFor(simulator);
		const working = await editedCopy(graph);
		simulator.faults.add({method: 'PUT', path: '/schema', status: 500, times: 1});
		const error = await write(graph, working).then(
			() => undefined,
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(WriteFailedError);
		const note = await readBackupNote((error as WriteFailedError).backupPath);
		expect(note?.result).toBe('failed');
		expect(note?.change).toBe('1 changed: User ← user ~Department (flowType)');
	});
});

describe('a note never goes through a symbolic link', () => {
	it('refuses to write when a link is planted at the note name: nothing is sent', async () => {
		const graph = graphFor(simulator);
		const working = await editedCopy(graph);
		// The backup's name is predictable to the millisecond; plant links for the next few seconds.
		await mkdir(backups, {recursive: true, mode: 0o700});
		const victim = path.join(directory, 'victim.txt');
		await writeFile(victim, 'untouched');
		const start = Date.now();
		for (let offset = 0; offset < 4000; offset++) {
			const name = backupFileName({appName: 'contoso.com', templateId: 'AD2AADProvisioning', version: working.baseVersion, date: new Date(start + offset)});
			await symlink(victim, backupNotePath(path.join(backups, name)));
		}
		const error = await write(graph, working).then(
			() => undefined,
			(caught: unknown) => caught as Error,
		);
		expect(error?.message).toMatch(/^Could not save the note beside the backup .* \(Refusing to use .*: it is a symbolic link/);
		expect(error?.message).toContain('nothing was written');
		expect(simulator.requests.filter((request) => request.method === 'PUT')).toEqual([]);
		expect(await readFile(victim, 'utf8')).toBe('untouched');
	});

	it('reads a linked note as no note', async () => {
		await mkdir(backups, {recursive: true});
		const backup = path.join(backups, backupFileName({appName: 'contoso.com', templateId: 'AD2AADProvisioning', version: 'v', date: new Date()}));
		await writeFile(backup, '{}');
		const elsewhere = path.join(directory, 'note.json');
		await writeFile(elsewhere, JSON.stringify({kind: 'provisioning-explorer backup note', change: 'forged', takenAt: new Date().toISOString()}));
		expect(await readBackupNote(backup)).toBeUndefined();
		await symlink(elsewhere, backupNotePath(backup));
		expect(await readBackupNote(backup)).toBeUndefined();
	});
});

describe('history of backups', () => {
	it('lists backups with and without notes, newest first: an old backup without a note still lists', async () => {
		const graph = graphFor(simulator);
		// A backup taken by an older version: no note.
		const live = await graph.getSchemaBytes(servicePrincipalId, jobId);
		const legacyVersion = (JSON.parse(live.toString('utf8')) as SynchronizationSchema).version!;
		const legacy = path.join(backups, backupFileName({appName: 'contoso.com', templateId: 'AD2AADProvisioning', version: legacyVersion, date: new Date('2025-01-02T03:04:05.678Z')}));
		await mkdir(backups, {recursive: true});
		await writeFile(legacy, live);
		const result = await write(graph, await editedCopy(graph));
		// An unreadable note is treated as no note.
		const third = path.join(backups, backupFileName({appName: 'contoso.com', templateId: 'AD2AADProvisioning', version: legacyVersion, date: new Date('2024-01-01T00:00:00.000Z')}));
		await writeFile(third, live);
		await writeFile(backupNotePath(third), '{"kind": "something else"');

		const {versions} = await listHistory({appName: 'contoso.com', templateId: 'AD2AADProvisioning', jobId, backupDirectory: backups});
		expect(versions.map((version) => [version.ref, path.basename(version.path), version.hasNote])).toEqual([
			['1', path.basename(result.backupPath), true],
			['2', path.basename(legacy), false],
			['3', path.basename(third), false],
		]);
		expect(versions[0]).toMatchObject({kind: 'backup', who: 'admin@contoso.com', result: 'written', what: 'before import of prod.schema.json: 1 changed: User ← user ~Department (flowType)'});
		expect(versions[1]).toMatchObject({kind: 'backup', schemaVersion: legacyVersion, what: 'backup taken before a write (no note: taken by an older version)'});
		expect(versions[1]!.who).toBeUndefined();
		expect((await readdir(backups)).filter((name) => name.endsWith('.note.json'))).toHaveLength(2);
	});
});

describe('summarizePlan', () => {
	it('stays one line of bounded length when many mappings change', async () => {
		const graph = graphFor(simulator);
		const before = JSON.parse((await graph.getSchemaBytes(servicePrincipalId, jobId)).toString('utf8')) as SynchronizationSchema;
		const after = structuredClone(before);
		const mappings = after.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!;
		for (const mapping of mappings.slice(0, 60)) mapping.flowType = 'ObjectAddOnly';
		mappings.splice(70, 2);
		const line = summarizePlan(buildPlan(before, after));
		expect(line).not.toContain('\n');
		expect(line.length).toBeLessThanOrEqual(320);
		expect(line).toMatch(/^\d+ changed, 2 removed: User ← user ~/);
		expect(summarizePlan(buildPlan(before, before))).toBe('no change');
	});
});
