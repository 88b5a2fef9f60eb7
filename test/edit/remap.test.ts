import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {buildPlan, remapDirectories, writeSchema} from '../../source/edit/index.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, startSimulator} from '../../source/simulator/index.js';
import {freshFixture, graphFor, mappingOf} from './helpers.js';

/** The same schema as exported from another tenant's service principal: other directory and job ids. */
function exportedElsewhere(): SynchronizationSchema {
	const document = freshFixture();
	document.id = 'AD2AADProvisioning.0123456789abcdef0123456789abcdef.11111111-2222-3333-4444-555555555555';
	document.provisioningTaskIdentifier = document.id;
	document.directories![0]!.id = 'aaaaaaaa-0000-0000-0000-000000000001';
	document.directories![1]!.id = 'aaaaaaaa-0000-0000-0000-000000000002';
	return document;
}

describe('remapDirectories', () => {
	it("takes directory ids and the schema id from the target, by directory name", () => {
		const imported = exportedElsewhere();
		const target = freshFixture();
		const {document, remapped, schemaId} = remapDirectories(imported, target);
		expect(remapped).toEqual([
			{name: 'Active Directory', from: 'aaaaaaaa-0000-0000-0000-000000000001', to: 'ba5b00eb-4c24-41a7-9d57-cd305d47d540'},
			{name: 'Azure Active Directory', from: 'aaaaaaaa-0000-0000-0000-000000000002', to: '66e4a8cc-1b7b-435e-95f8-f06cea133828'},
		]);
		expect(schemaId).toEqual({from: imported.id, to: target.id});
		expect(document.provisioningTaskIdentifier).toBe(target.provisioningTaskIdentifier);
		expect(buildPlan(target, document).hasChanges).toBe(false);
		// The input is not changed.
		expect(imported.directories![0]!.id).toBe('aaaaaaaa-0000-0000-0000-000000000001');
		expect(remapDirectories(freshFixture(), freshFixture()).remapped).toEqual([]);
	});

	it('refuses a directory the target does not have, naming it', () => {
		const imported = exportedElsewhere();
		imported.directories![1]!.name = 'Microsoft Entra ID';
		expect(() => remapDirectories(imported, freshFixture())).toThrow(
			"The imported schema has the directory 'Microsoft Entra ID', which this job's schema does not have (it has 'Active Directory', 'Azure Active Directory'); import a schema exported from the same kind of app.",
		);
	});

	it('an import from another service principal goes through the same write path', async () => {
		const simulator = await startSimulator();
		const backups = await mkdtemp(path.join(tmpdir(), 'pvx-import-'));
		try {
			const graph = graphFor(simulator);
			const live = JSON.parse((await graph.getSchemaBytes(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)).toString('utf8')) as SynchronizationSchema;
			const imported = exportedElsewhere();
			mappingOf(imported, 'Department').defaultValue = 'Imported';
			const {document} = remapDirectories(imported, live);
			const plan = buildPlan(live, document);
			expect(plan.changes.map((change) => change.target)).toEqual(['Department']);
			expect(plan.otherChanges).toEqual([]);
			await writeSchema({
				graph,
				servicePrincipalId: cloudSyncServicePrincipalId,
				jobId: cloudSyncProvisioningJobId,
				appName: 'contoso.com',
				baseVersion: live.version,
				base: live,
				document,
				backupDirectory: backups,
			});
			const stored = JSON.parse(simulator.tenant.findJob(cloudSyncServicePrincipalId, cloudSyncProvisioningJobId)!.schema.text) as SynchronizationSchema;
			expect(stored.id).toBe(cloudSyncProvisioningJobId);
			expect(stored.directories?.map((directory) => directory.id)).toEqual(live.directories?.map((directory) => directory.id));
			expect(mappingOf(stored, 'Department').defaultValue).toBe('Imported');
		} finally {
			await simulator.close();
			await rm(backups, {recursive: true, force: true});
		}
	});
});
