/**
 * `validate FILE`: the local checks, and with --sp Graph's parseExpression and the job's function list. The built
 * executable, a demo tenant on 127.0.0.1.
 */
import {join} from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {documentedFunctions} from '../../source/edit/index.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {fixturePath, parseFixture} from '../schema/fixture.js';
import {expectOneLineError, removeIsolatedStates, runCli} from './cli.js';
import {attributeMapping, createWorkspace, demoArgs, type Workspace} from './write-helpers.js';

let simulator: Simulator;
let workspace: Workspace;

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	workspace = await createWorkspace('pvx-validate-');
});
afterAll(async () => {
	await simulator.close();
	await workspace.remove();
	removeIsolatedStates();
});
beforeEach(() => {
	simulator.faults.clear();
	simulator.requests.length = 0;
});

const pointerOf = (schema: SynchronizationSchema, target: string) =>
	`/synchronizationRules/0/objectMappings/0/attributeMappings/${schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.findIndex((mapping) => mapping.targetAttributeName === target)}`;

/** The fixture with an enum spelled in the wrong case, a target the object does not have, and a broken expression. */
function brokenSchema(): SynchronizationSchema {
	const schema = parseFixture();
	attributeMapping(schema, 'Mail')!.flowType = 'always' as never;
	attributeMapping(schema, 'City')!.targetAttributeName = 'Town';
	attributeMapping(schema, 'Department')!.source!.expression = 'Trim([department]';
	return schema;
}

/** Only warnings: a function name nobody documents. */
function warningSchema(): SynchronizationSchema {
	const schema = parseFixture();
	attributeMapping(schema, 'Department')!.source!.expression = 'Titlecase([department])';
	return schema;
}

describe('validate FILE', () => {
	it('passes the real cloud sync schema (exit 0)', async () => {
		const result = await runCli(['validate', fixturePath]);
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('cloud-sync-ad2aad.schema.json: no problems found (136 attribute mappings).\n');
		expect(simulator.requests).toEqual([]);
	});

	it('lists each problem with its place and exits 1', async () => {
		const schema = brokenSchema();
		const path = await workspace.file('broken.schema.json', schema);
		const result = await runCli(['validate', path]);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain(`error    User ← user · Mail: flowType 'always' must be spelled 'Always' (Graph's enum values are case-sensitive).\n         ${pointerOf(schema, 'Mail')}/flowType\n`);
		expect(result.stdout).toContain(`error    User ← user · Town: 'Town' is not an attribute of User; add it to the target object's attribute definitions first.\n`);
		expect(result.stdout).toMatch(/error {4}User ← user · Department: the expression does not parse: .* \(at character \d+\)\.\n/);
		expect(result.stdout).toMatch(/broken\.schema\.json: 3 errors, 0 warnings \(136 attribute mappings\)\.\n$/);
	});

	it('prints warnings but exits 0 when there are only warnings', async () => {
		const path = await workspace.file('warning.schema.json', warningSchema());
		const result = await runCli(['validate', path]);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^warning {2}User ← user · Department: 'Titlecase' is not a known function/);
		expect(result.stdout).toMatch(/0 errors, 1 warning/);
	});

	it('prints {file, errors, warnings, problems} with --json', async () => {
		const path = await workspace.file('broken-json.schema.json', brokenSchema());
		const result = await runCli(['validate', path, '--json']);
		expect(result.code).toBe(1);
		const report = JSON.parse(result.stdout) as {file: string; errors: number; warnings: number; problems: {severity: string; pointer: string; message: string}[]};
		expect(report).toMatchObject({file: 'broken-json.schema.json', errors: 3, warnings: 0});
		expect(report.problems.map((problem) => problem.severity)).toEqual(['error', 'error', 'error']);
		expect(report.problems.map((problem) => problem.pointer)).toContain(`${pointerOf(brokenSchema(), 'Mail')}/flowType`);
	});

	it('reads standard input for "-" in any encoding', async () => {
		const text = JSON.stringify(brokenSchema());
		const result = await runCli(['validate', '-'], {input: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])});
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/standard input: 3 errors/);
	});

	it('fails with exit 2 on a missing or malformed file and on usage mistakes', async () => {
		const missing = await runCli(['validate', join(workspace.path, 'nope.json')]);
		expect(missing.code).toBe(2);
		expect(expectOneLineError(missing)).toMatch(/nope\.json.*file not found/);
		const brokenPath = await workspace.file('not-json.json', 'synchronizationRules: []');
		const malformed = await runCli(['validate', brokenPath]);
		expect(malformed.code).toBe(2);
		expect(expectOneLineError(malformed)).toMatch(/not-json\.json.*line 1, column 1/);
		const none = await runCli(['validate']);
		expect(none.code).toBe(2);
		expect(expectOneLineError(none)).toMatch(/validate checks one schema file/);
		const jobOnly = await runCli(['validate', fixturePath, '--job', 'X']);
		expect(jobOnly.code).toBe(2);
		expect(expectOneLineError(jobOnly)).toMatch(/--job goes with --sp/);
	});
});

describe('validate FILE --sp APP', () => {
	it("sends every expression to the job's parseExpression", async () => {
		const result = await runCli(['validate', fixturePath, ...demoArgs(simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/no problems found \(136 attribute mappings; (\d+) expressions checked by Graph's parser for contoso\.com \/ AD2AADProvisioning\)/);
		const checked = Number(/; (\d+) expressions checked/.exec(result.stdout)![1]);
		expect(simulator.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/schema/parseExpression'))).toHaveLength(checked);
		expect(simulator.requests.filter((request) => request.method === 'PUT')).toEqual([]);
	});

	it("reports what Graph's parser rejects, with its message (exit 1)", async () => {
		// An expression the local parser accepts, answered as the service answers an invalid one.
		simulator.faults.add({
			method: 'POST',
			path: /\/schema\/parseExpression$/,
			times: 1,
			body: JSON.stringify({parsingSucceeded: false, error: {code: 'ExpressionParsingFailed', message: 'Function Trim expects 1 argument(s).'}}),
		});
		const schema = parseFixture();
		schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings = [attributeMapping(schema, 'Department')!];
		const path = await workspace.file('one.schema.json', schema);
		const result = await runCli(['validate', path, ...demoArgs(simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--json']);
		expect(result.code).toBe(1);
		const report = JSON.parse(result.stdout) as {errors: number; checkedByGraph: unknown; problems: {pointer: string; message: string}[]};
		expect(report.errors).toBe(1);
		expect(report.checkedByGraph).toEqual({app: 'contoso.com', job: 'AD2AADProvisioning', expressions: 1});
		expect(report.problems[0]).toEqual({
			severity: 'error',
			pointer: '/synchronizationRules/0/objectMappings/0/attributeMappings/0/source/expression',
			message: 'User ← user · Department: Graph rejects the expression: Function Trim expects 1 argument(s).',
		});
	});

	it("checks function names against the job's own list; warnings alone still exit 0", async () => {
		// A tenant whose list lacks Left, which the fixture uses.
		const value = documentedFunctions.filter((name) => name !== 'Left').map((name) => ({name, parameters: []}));
		simulator.faults.add({method: 'GET', path: /\/schema\/functions$/, times: 1, body: JSON.stringify({value})});
		const result = await runCli(['validate', fixturePath, ...demoArgs(simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^warning {2}User ← user · Description: 'Left' is not a known function/m);
		expect(result.stdout).toMatch(/0 errors, \d+ warnings/);
		// Offline, the documented list knows Left.
		expect((await runCli(['validate', fixturePath])).stdout).not.toContain("'Left'");
	});

	it("cloud sync's Contains: no warning offline (the cloud sync reference) or online (the cloud sync job's own list)", async () => {
		const schema = parseFixture();
		attributeMapping(schema, 'Department')!.source = {expression: 'Mid(Item([proxyAddresses], Contains([proxyAddresses], "SMTP:")), 6, 256)', name: 'Mid', type: 'Function', parameters: []};
		const path = await workspace.file('contains.schema.json', schema);
		const offline = await runCli(['validate', path]);
		expect(offline.stdout).toBe('contains.schema.json: no problems found (136 attribute mappings).\n');
		const online = await runCli(['validate', path, ...demoArgs(simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning']);
		expect(online.code).toBe(0);
		expect(online.stdout).toMatch(/^contains\.schema\.json: no problems found .*checked by Graph's parser/);
		expect(simulator.requests.some((request) => request.path.endsWith('/schema/functions'))).toBe(true);
	});

	it("--read-only: parseExpression, functions and filterOperators are not called; one line says why; the documented lists are used", async () => {
		const result = await runCli(['validate', fixturePath, ...demoArgs(simulator), '--read-only', '--sp', 'contoso.com', '--job', 'AD2AADProvisioning']);
		expect(result.code).toBe(0);
		const said = result.stderr.split('\n').filter((line) => line.includes("Graph's own expression check was skipped"));
		expect(said).toEqual([
			"Graph's own expression check was skipped: it needs Synchronization.ReadWrite.All (--read-only asks for Synchronization.Read.All only); the documented function and operator lists are used.",
		]);
		expect(result.stdout).toBe('cloud-sync-ad2aad.schema.json: no problems found (136 attribute mappings).\n');
		expect(simulator.requests.filter((request) => /\/schema\/(parseExpression|functions|filterOperators)$/.test(request.path))).toEqual([]);
		// Only read permissions were asked for, and the app and job were still resolved.
		expect(simulator.requests.some((request) => request.path.endsWith('/synchronization/jobs'))).toBe(true);
		const json = await runCli(['validate', fixturePath, ...demoArgs(simulator), '--read-only', '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--json']);
		expect(JSON.parse(json.stdout)).toMatchObject({errors: 0, graphCheckSkipped: expect.stringContaining('Synchronization.ReadWrite.All')});
		expect(JSON.parse(json.stdout)).not.toHaveProperty('checkedByGraph');
	});

	it('names an unknown app or a missing --job', async () => {
		const app = await runCli(['validate', fixturePath, ...demoArgs(simulator), '--sp', 'Nobody']);
		expect(app.code).toBe(2);
		expect(expectOneLineError(app)).toMatch(/No service principal is named "Nobody"/);
		const job = await runCli(['validate', fixturePath, ...demoArgs(simulator), '--sp', 'contoso.com']);
		expect(job.code).toBe(2);
		expect(expectOneLineError(job)).toMatch(/contoso\.com has 2 jobs: .* Choose one with --job/);
	});
});
