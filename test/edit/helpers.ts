/** Shared helpers for the edit-core tests: the real cloud-sync fixture, pointers by name, a Graph client for the simulator. */
import {type WorkingCopy, writeSchema} from '../../source/edit/index.js';
import {GraphClient} from '../../source/graph/client.js';
import type {AttributeMapping, SynchronizationSchema} from '../../source/schema/types.js';
import {cloudSyncProvisioningJobId, cloudSyncServicePrincipalId, type Simulator} from '../../source/simulator/index.js';
import {parseFixture} from '../schema/fixture.js';

export {fixtureText, parseFixture} from '../schema/fixture.js';

export const userMapping = '/synchronizationRules/0/objectMappings/0';
export const credentialsMapping = '/synchronizationRules/0/objectMappings/1';

export function mappingsOf(document: SynchronizationSchema, objectMappingPointer = userMapping): AttributeMapping[] {
	const [, , rule, , objectMapping] = objectMappingPointer.split('/');
	return document.synchronizationRules?.[Number(rule)]?.objectMappings?.[Number(objectMapping)]?.attributeMappings ?? [];
}

/** The pointer of the attribute mapping writing `target` in the user object mapping. */
export function pointerOf(document: SynchronizationSchema, target: string, objectMappingPointer = userMapping): string {
	const index = mappingsOf(document, objectMappingPointer).findIndex((mapping) => mapping.targetAttributeName === target);
	if (index < 0) throw new Error(`no mapping for ${target}`);
	return `${objectMappingPointer}/attributeMappings/${index}`;
}

export function mappingOf(document: SynchronizationSchema, target: string): AttributeMapping {
	return mappingsOf(document).find((mapping) => mapping.targetAttributeName === target)!;
}

export const writeScopes = ['Synchronization.ReadWrite.All', 'Application.Read.All'];

/** A real GraphClient (got, retries, timeouts) against the simulator, with a token issued by its identity provider. */
export function graphFor(simulator: Simulator, options: {responseTimeoutMs?: number} = {}): GraphClient {
	const token = simulator.identity.issueAccessToken({scopes: writeScopes});
	return new GraphClient({
		graphUrl: simulator.url,
		apiVersion: 'beta',
		getToken: async () => token,
		timeouts: options.responseTimeoutMs ? {response: options.responseTimeoutMs} : undefined,
	});
}

export const freshFixture = (): SynchronizationSchema => parseFixture();

/** The real write path for the demo tenant's contoso.com › AD2AADProvisioning job, from a working copy. */
export function writeCloudSyncJob(graph: GraphClient, working: WorkingCopy, backupDirectory: string, extra: Partial<Parameters<typeof writeSchema>[0]> = {}) {
	return writeSchema({
		graph,
		servicePrincipalId: cloudSyncServicePrincipalId,
		jobId: cloudSyncProvisioningJobId,
		appName: 'contoso.com',
		templateId: 'AD2AADProvisioning',
		baseVersion: working.baseVersion,
		base: working.live,
		document: working.document,
		backupDirectory,
		...extra,
	});
}
