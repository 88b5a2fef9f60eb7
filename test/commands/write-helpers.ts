/** Shared by the tests of import, patch, diff and validate: the demo tenant's jobs, what reached it, files to feed in. */
import {mkdtemp, readdir, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {afterAll, afterEach, beforeAll, beforeEach} from 'vitest';
import {type DemoJob, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {escapeRegExp, removeIsolatedStates} from './cli.js';

export const userMapping = '/synchronizationRules/0/objectMappings/[sourceObjectName=user,targetObjectName=User]';

export function demoArgs(simulator: Simulator): string[] {
	return ['--demo', '--graph-url', simulator.url];
}

export function demoJob(simulator: Simulator, appName: string, templateId: string): DemoJob {
	const servicePrincipal = simulator.tenant.servicePrincipals.find((each) => each.displayName === appName)!;
	return simulator.tenant.jobsOf(servicePrincipal.id).find((each) => each.job.templateId === templateId)!;
}

/** The live schema the tenant stores now. */
export function liveSchema(job: DemoJob): SynchronizationSchema {
	return JSON.parse(job.schema.text) as SynchronizationSchema;
}

export function schemaPath(job: DemoJob): RegExp {
	return new RegExp(`^/beta/servicePrincipals/${job.servicePrincipalId}/synchronization/jobs/${escapeRegExp(job.job.id)}/schema$`);
}

/** The schema PUTs that reached the tenant, with their bodies. */
export function puts(simulator: Simulator): {path: string; body: string}[] {
	return simulator.requests.filter((request) => request.method === 'PUT').map((request) => ({path: request.path, body: String(request.body ?? '')}));
}

/** The user object mapping's attribute mapping writing `target`. */
export function attributeMapping(schema: SynchronizationSchema, target: string) {
	const objectMapping = schema.synchronizationRules?.[0]?.objectMappings?.find((each) => each.sourceObjectName === 'user' && each.targetObjectName === 'User');
	return objectMapping?.attributeMappings?.find((each) => each.targetAttributeName === target);
}

export type Workspace = {path: string; file(name: string, content: string | Uint8Array | unknown): Promise<string>; remove(): Promise<void>};

/** A temporary folder; `file` writes text or bytes as they are, anything else as JSON. */
export async function createWorkspace(prefix: string): Promise<Workspace> {
	const path = await mkdtemp(join(tmpdir(), prefix));
	return {
		path,
		async file(name, content) {
			const target = join(path, name);
			await writeFile(target, typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content, null, 2));
			return target;
		},
		remove: () => rm(path, {recursive: true, force: true}),
	};
}

/** The backups under a state directory (not the notes beside them), with their file modes. */
export async function backupsIn(stateDirectory: string): Promise<{name: string; mode: number}[]> {
	const folder = join(stateDirectory, 'backups');
	const names = (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith('.schema.json'));
	return Promise.all(names.map(async (name) => ({name, mode: (await stat(join(folder, name))).mode & 0o777})));
}

/**
 * A fresh demo tenant for every test (writes change it) and one temporary folder for the file; the state
 * directories the CLI runs created are removed at the end.
 */
export function freshDemoTenantPerTest(prefix: string): {readonly simulator: Simulator; readonly workspace: Workspace} {
	let simulator: Simulator | undefined;
	let workspace: Workspace | undefined;
	beforeAll(async () => {
		workspace = await createWorkspace(prefix);
	});
	afterAll(async () => {
		await workspace?.remove();
		removeIsolatedStates();
	});
	beforeEach(async () => {
		simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	});
	afterEach(() => simulator?.close());
	return {
		get simulator() {
			if (!simulator) throw new Error('the demo tenant starts before each test');
			return simulator;
		},
		get workspace() {
			if (!workspace) throw new Error('the workspace is created before the tests');
			return workspace;
		},
	};
}
