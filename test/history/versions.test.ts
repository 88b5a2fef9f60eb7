/**
 * A job's history from a folder of exports: a real git repository made in a temporary folder (commits with
 * their own times, authors and messages), a plain folder, and version references; retention of backups.
 */
import {execFileSync} from 'node:child_process';
import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {backupNotePath} from '../../source/edit/backup-notes.js';
import {backupFileName} from '../../source/edit/backups.js';
import {buildPlan} from '../../source/edit/index.js';
import {localFiles} from '../../source/explorer/local-files.js';
import {applyRetention, defaultKeep, parseKeep, planRetention} from '../../source/history/retention.js';
import {listHistory, loadVersion, selectVersion} from '../../source/history/versions.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {parseFixture} from '../schema/fixture.js';

const jobId = 'AD2AADProvisioning.a948e1d58215475cb76a66f39959b21a.791b065b-71d9-42b7-9745-8f6a00f2339b';
let directory: string;

beforeEach(async () => {
	directory = await mkdtemp(path.join(tmpdir(), 'pvx-history-'));
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

function schema(edit?: (schema: SynchronizationSchema) => void): SynchronizationSchema {
	const document = parseFixture();
	document.id = jobId;
	edit?.(document);
	return document;
}

function mail(document: SynchronizationSchema) {
	return document.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.find((mapping) => mapping.targetAttributeName === 'Mail')!;
}

function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
	return execFileSync('git', args, {cwd, env: {...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_SYSTEM: '/dev/null', ...env}, encoding: 'utf8'});
}

function commit(cwd: string, message: string, isoTime: string, author: string): void {
	git(cwd, ['add', '-A']);
	const dated = {GIT_AUTHOR_DATE: isoTime, GIT_COMMITTER_DATE: isoTime, GIT_AUTHOR_NAME: author, GIT_AUTHOR_EMAIL: 'a@example.invalid', GIT_COMMITTER_NAME: author, GIT_COMMITTER_EMAIL: 'a@example.invalid'};
	git(cwd, ['commit', '-q', '-m', message], dated);
}

const identity = {appName: 'contoso.com', templateId: 'AD2AADProvisioning', jobId};

describe('--history-dir as a git working tree', () => {
	it('lists every commit that changed the job file with time, author and message, and reads each version back', async () => {
		const repo = path.join(directory, 'schemas');
		await mkdir(path.join(repo, 'contoso.com'), {recursive: true});
		git(repo, ['init', '-q']);
		const file = path.join(repo, 'contoso.com', 'AD2AADProvisioning.schema.json');
		await writeFile(file, JSON.stringify(schema(), null, 2));
		// Another job's file in the same tree is not this job's history.
		await writeFile(path.join(repo, 'contoso.com', 'AD2AADPasswordHash.schema.json'), JSON.stringify({...schema(), id: 'AD2AADPasswordHash.other'}, null, 2));
		commit(repo, 'Nightly export', '2026-11-01T02:00:00Z', 'backup-bot');
		await writeFile(file, JSON.stringify(schema((document) => (mail(document).flowType = 'ObjectAddOnly')), null, 2));
		commit(repo, 'Mail only on create (CHG-42)', '2026-11-02T02:00:00Z', 'Alex Admin');

		const {versions, notices} = await listHistory({...identity, historyDirectory: repo});
		expect(notices).toEqual([]);
		expect(versions.map((version) => [version.ref, version.kind, version.at.toISOString(), version.who])).toEqual([
			['1', 'commit', '2026-11-02T02:00:00.000Z', 'Alex Admin'],
			['2', 'commit', '2026-11-01T02:00:00.000Z', 'backup-bot'],
		]);
		expect(versions[0]!.what).toMatch(/^commit [0-9a-f]{10}: Mail only on create \(CHG-42\)$/);

		// Each version is the file as it was at that commit: comparing them by meaning shows the one change.
		const plan = buildPlan(await loadVersion(versions[1]!), await loadVersion(versions[0]!));
		expect(plan.changes.map((change) => [change.kind, change.target, change.fields.map((field) => `${field.field}: ${field.before} → ${field.after}`)])).toEqual([
			['changed', 'Mail', ['flowType: Always → ObjectAddOnly']],
		]);

		// A commit hash (7+ digits) names the version, as does its number.
		const sha = versions[1]!.commit!;
		expect(selectVersion({versions, notices}, sha.slice(0, 8))).toEqual({kind: 'version', version: versions[1]});
		expect(selectVersion({versions, notices}, 'live')).toEqual({kind: 'live'});
		expect(() => selectVersion({versions, notices}, '3')).toThrow(/There is no version 3: give 1 to 2 as listed/);
		expect(() => selectVersion({versions, notices}, 'yesterday')).toThrow(/"yesterday" names no version of this job/);

		// Changes not committed yet are a version of their own.
		await writeFile(file, JSON.stringify(schema((document) => (mail(document).flowType = 'Always')), null, 2));
		const withWorkingTree = await listHistory({...identity, historyDirectory: repo});
		expect(withWorkingTree.versions[0]).toMatchObject({kind: 'file', what: `${path.join('contoso.com', 'AD2AADProvisioning.schema.json')}, not committed`});
		expect(withWorkingTree.versions).toHaveLength(3);
	});

	it('lists the files of a folder that is not a git repository by modification time, with a notice when none is the job', async () => {
		const folder = path.join(directory, 'plain');
		await mkdir(folder);
		await writeFile(path.join(folder, 'prod.schema.json'), JSON.stringify(schema()));
		const {versions} = await listHistory({...identity, historyDirectory: folder});
		expect(versions).toHaveLength(1);
		expect(versions[0]).toMatchObject({kind: 'file', what: 'export file prod.schema.json'});
		expect(versions[0]!.commit).toBeUndefined();

		// The explorer reaches the same through its services.
		const services = localFiles({historyDirectory: folder, backupDirectory: path.join(directory, 'no-backups')});
		const viaServices = await services.listHistory!(identity);
		expect(viaServices.versions.map((version) => version.path)).toEqual([path.join(folder, 'prod.schema.json')]);
		expect(mail(await services.readHistoryVersion!(viaServices.versions[0]!)).flowType).toBe('Always');

		const empty = await listHistory({...identity, jobId: 'another-job', historyDirectory: folder});
		expect(empty.versions).toEqual([]);
		expect(empty.notices[0]).toMatch(/No file in .* holds this job's schema/);
		await expect(listHistory({...identity, historyDirectory: path.join(directory, 'missing')})).rejects.toThrow(/is not a folder/);

		// A repository git refuses to read is said so, not taken for a plain folder.
		await writeFile(path.join(folder, '.git'), 'not a gitdir line');
		await expect(listHistory({...identity, historyDirectory: folder})).rejects.toThrow(/^git cannot read .*plain \(invalid gitfile format/);
	});
});

describe('retention', () => {
	async function backupsTaken(count: number): Promise<string> {
		const folder = path.join(directory, 'backups');
		await mkdir(folder, {recursive: true});
		for (let i = 0; i < count; i++) {
			const file = path.join(folder, backupFileName({...identity, version: `v${i}`, date: new Date(Date.UTC(2026, 0, 1 + i))}));
			await writeFile(file, JSON.stringify({id: jobId, version: `v${i}`}));
			await writeFile(backupNotePath(file), '{}');
		}
		return folder;
	}

	it('keeps the newest N, removes older backups with their notes, and reports each', async () => {
		const folder = await backupsTaken(5);
		const dry = await applyRetention({...identity, directory: folder, keep: 2, dryRun: true});
		expect(dry.removed).toHaveLength(3);
		expect(await readdir(folder)).toHaveLength(10);

		const result = await applyRetention({...identity, directory: folder, keep: 2});
		expect(result.kept.map((entry) => entry.createdAt.toISOString())).toEqual(['2026-01-05T00:00:00.000Z', '2026-01-04T00:00:00.000Z']);
		expect(result.removed.map((entry) => entry.createdAt.toISOString())).toEqual(['2026-01-03T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
		expect(result.failed).toEqual([]);
		expect((await readdir(folder)).sort()).toEqual(result.kept.flatMap((entry) => [path.basename(backupNotePath(entry.path)), path.basename(entry.path)]).sort());
	});

	it('never removes the newest backup of a job, whatever --keep says', async () => {
		const folder = await backupsTaken(3);
		const entries = (await listHistory({...identity, backupDirectory: folder})).versions.map((version) => ({path: version.path, createdAt: version.at}));
		expect(planRetention(entries, 0).kept.map((entry) => entry.path)).toEqual([entries[0]!.path]);
		expect(() => parseKeep('0')).toThrow(/at least 1 \(the newest backup of a job is never removed\)/);
		expect(() => parseKeep('two')).toThrow(/--keep must be a whole number/);
		expect(parseKeep(undefined)).toBe(defaultKeep);
	});
});
