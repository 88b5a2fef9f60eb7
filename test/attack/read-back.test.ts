/**
 * Issue 9 §4: the read-back tells "Graph stored what we meant and filled in or normalised something" (success, the
 * differences named in one line) from "what we changed is not there" (failure); parseExpression answering HTTP 400
 * for a malformed expression is a problem on that expression, not an aborted plan. Against the simulator's
 * normalising store and its 400 answer; through the built binary and the core write path.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {editAttributeMappingField, VerifyMismatchError, WorkingCopy, writeSchema} from '../../source/edit/index.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {cloudSyncProvisioningJobId as jobId, cloudSyncServicePrincipalId as servicePrincipalId, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {removeIsolatedStates, runCli} from '../commands/cli.js';
import {attributeMapping, createWorkspace, demoArgs, demoJob, liveSchema, puts, type Workspace} from '../commands/write-helpers.js';
import {graphFor, pointerOf} from '../edit/helpers.js';

let simulator: Simulator;
let workspace: Workspace;
let backups: string;

beforeAll(async () => {
	workspace = await createWorkspace('pvx-read-back-');
});
afterAll(async () => {
	await workspace.remove();
	removeIsolatedStates();
});
beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0, normalizeOnStore: true});
	backups = await mkdtemp(path.join(tmpdir(), 'pvx-read-back-backups-'));
});
afterEach(async () => {
	await simulator.close();
	await rm(backups, {recursive: true, force: true});
});

const provisioning = () => demoJob(simulator, 'contoso.com', 'AD2AADProvisioning');
const target = () => [...demoArgs(simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning'];

describe('a store that normalises', () => {
	it('import: every change stored, the filled-in default named in one line, exit 0', async () => {
		const schema = liveSchema(provisioning());
		const mail = attributeMapping(schema, 'Mail')!;
		mail.flowType = 'ObjectAddOnly';
		delete (mail as {defaultValue?: unknown}).defaultValue;
		const file = await workspace.file('mail.schema.json', schema);
		const result = await runCli(['import', ...target(), '--in', file, '--yes', '--json']);
		expect(result.code, result.stderr).toBe(0);
		const line = result.stderr.split('\n').find((each) => each.includes('Written and verified'))!;
		expect(line).toMatch(/Written and verified: every change is stored as sent \(new version .*\); Graph filled in or normalised 1 other value: \/synchronizationRules\/0\/objectMappings\/0\/attributeMappings\/\d+\/defaultValue: not sent, stored null\./);
		expect(JSON.parse(result.stdout)).toMatchObject({status: 'written', normalised: [expect.stringMatching(/defaultValue: not sent, stored null/)]});
		// Stored normalised: keys in another order, the default filled in.
		const stored = attributeMapping(liveSchema(provisioning()), 'Mail')!;
		expect(stored.flowType).toBe('ObjectAddOnly');
		expect(stored.defaultValue).toBeNull();
		expect(Object.keys(stored)).not.toEqual(Object.keys(mail));
	});

	it('a change that is not there is still a failure', async () => {
		const graph = graphFor(simulator);
		let working = new WorkingCopy(JSON.parse((await graph.getSchemaBytes(servicePrincipalId, jobId)).toString('utf8')) as SynchronizationSchema);
		working = working.apply(editAttributeMappingField(working.document, pointerOf(working.document, 'Department'), 'flowType', 'ObjectAddOnly'));
		const error = await writeSchema({
			graph,
			servicePrincipalId,
			jobId,
			appName: 'contoso.com',
			baseVersion: working.baseVersion,
			base: working.live,
			document: working.document,
			backupDirectory: backups,
			onStep: (step) => {
				if (step !== 'verifying') return;
				// The read-back shows the normalised store minus our change.
				const stored = liveSchema(provisioning());
				attributeMapping(stored, 'Department')!.flowType = 'Always';
				simulator.faults.add({method: 'GET', path: '/schema', times: 1, body: JSON.stringify(stored)});
			},
		}).then(
			() => undefined,
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(VerifyMismatchError);
		expect((error as Error).message).toMatch(/flowType: sent "ObjectAddOnly", stored "Always"/);
	});

	it('without normalisation, an unchanged read-back names nothing', async () => {
		simulator.tenant.normalizeOnStore = false;
		const path = await workspace.file('plain.patch.json', [
			{op: 'replace', path: '/synchronizationRules/0/objectMappings/[sourceObjectName=user,targetObjectName=User]/attributeMappings/[targetAttributeName=Mail]/flowType', value: 'ObjectAddOnly'},
		]);
		const result = await runCli(['patch', ...target(), '--patch', path, '--yes']);
		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr).toContain('Written and verified: the schema read back from Graph equals what was sent');
	});
});

describe('parseExpression answering HTTP 400', () => {
	it('is a problem on that expression in the plan, not an aborted plan; nothing is sent', async () => {
		simulator.tenant.parseExpressionFailure = 'http400';
		const path = await workspace.file('bad-expression.patch.json', [
			{
				op: 'replace',
				path: '/synchronizationRules/0/objectMappings/[sourceObjectName=user,targetObjectName=User]/attributeMappings/[targetAttributeName=Mail]/source',
				value: {type: 'Function', expression: 'Join("@", [sAMAccountName]', name: 'Join', parameters: []},
			},
		]);
		const result = await runCli(['patch', ...target(), '--patch', path, '--yes']);
		expect(result.stderr).toMatch(/Checks:/);
		expect(result.stderr).toMatch(/Mail.*Graph rejects the expression \(HTTP 400\)/);
		// A Graph error shown anywhere carries what Microsoft support asks for.
		expect(result.stderr).toMatch(/Graph rejects the expression \(HTTP 400\): .*\[request-id [\da-f-]{36}, client-request-id [\da-f-]{36}, date [\dT:-]+\]/);
		expect(result.code).toBe(1);
		expect(puts(simulator)).toEqual([]);
	});

	it('the simulator answers both ways', async () => {
		const graph = graphFor(simulator);
		const answered = await graph.parseExpression(servicePrincipalId, jobId, {expression: 'Join('});
		expect(answered.parsingSucceeded).toBe(false);
		simulator.tenant.parseExpressionFailure = 'http400';
		await expect(graph.parseExpression(servicePrincipalId, jobId, {expression: 'Join('})).rejects.toMatchObject({details: {status: 400, code: 'BadRequest'}});
	});
});
