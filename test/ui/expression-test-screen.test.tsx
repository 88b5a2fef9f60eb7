/**
 * The expression test (`t`) in the Ink explorer against the demo tenant over HTTP: Graph's parseExpression with a
 * testInputObject online, our evaluator under --read-only and offline (labelled), the job's last values prefilled,
 * a run saved as a case, and the write blocked by a failing case before its confirmation.
 */
import {mkdtemp, readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {connect} from '../../source/explorer/connect.js';
import {createFileServices} from '../../source/explorer/file-services.js';
import {createTenantServices} from '../../source/explorer/tenant-services.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {Explorer} from '../../source/ui/app.js';
import {openContosoUserMappings, press, selectedRow, waitForFrame} from '../helpers/ink.js';
import {KEY} from '../helpers/keys.js';

const fixturePath = new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url).pathname;

let simulator: Simulator;
let directory: string;

beforeAll(async () => {
	directory = await mkdtemp(join(tmpdir(), 'pvx-test-screen-'));
});
beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	// The last values used are kept in the state directory: one of this test's own.
	process.env.PROVISIONING_EXPLORER_STATE_DIR = await mkdtemp(join(directory, 'state-'));
});
afterEach(async () => {
	cleanup();
	await simulator.close();
});

type App = ReturnType<typeof render>;

async function openMappings(options: {readOnly?: boolean; casesPath?: string} = {}): Promise<App> {
	const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta', readOnly: options.readOnly});
	const services = createTenantServices({
		label: connection.label,
		auth: connection.auth,
		graph: connection.graph,
		exportDirectory: directory,
		backupDirectory: join(directory, 'backups'),
		readOnly: options.readOnly,
	});
	const app = render(<Explorer services={services} casesPath={options.casesPath} />);
	await openContosoUserMappings(app);
	return app;
}

async function select(app: App, target: string): Promise<void> {
	await press(app, '/', target, KEY.enter);
	// Enter opens the mapping when the filter leaves only it; Esc comes back to the list, filtered, with its row selected.
	if (/^Attribute mapping(?!s)/.test(app.lastFrame()!.split('\n')[1] ?? '')) await press(app, KEY.esc);
	expect(selectedRow(app.lastFrame()!)).toMatch(new RegExp(`^(~ |✗ |! )?${target}\\b`));
}

function parseExpressionBodies(): Array<{expression: string; testInputObject?: {properties: unknown[]}}> {
	return simulator.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/parseExpression')).map((request) => JSON.parse(request.body ?? '{}'));
}

/** t on AccountEnabled, userAccountControl typed; resolves with the frame showing the result. */
async function testAccountEnabled(app: App, userAccountControl: string): Promise<string> {
	await select(app, 'AccountEnabled');
	await press(app, 't');
	await waitForFrame(app, /Result — /);
	await press(app, KEY.enter);
	await waitForFrame(app, 'userAccountControl\nInteger');
	await press(app, '\u0015', userAccountControl, KEY.enter);
	return waitForFrame(app, new RegExp(`userAccountControl\\s+"${userAccountControl}"[\\s\\S]*Result — [^\\n]*\\n\\s+"(True|False)"`));
}

describe('t online: Graph evaluates', () => {
	it('sends the typed values as a testInputObject and shows Graph\'s answer: 514 → "False", 512 → "True"', async () => {
		const app = await openMappings();
		const disabled = await testAccountEnabled(app, '514');
		expect(disabled).toMatch(/Result — Graph's parseExpression\n\s+"False"/);
		expect(parseExpressionBodies().at(-1)).toMatchObject({
			expression: expect.stringContaining('BitAnd([userAccountControl], 2)'),
			testInputObject: {properties: [{key: 'userAccountControl', value: '514'}]},
		});
		await press(app, KEY.enter, '\u0015', '512', KEY.enter);
		const enabled = await waitForFrame(app, /"512"[\s\S]*Result — Graph's parseExpression\n\s+"True"/);
		expect(enabled).not.toContain('local evaluation');
	});

	it('prefills the last values used for the job the next time, and saves a run as a case with s', async () => {
		const app = await openMappings();
		await testAccountEnabled(app, '514');
		await press(app, KEY.esc);
		await waitForFrame(app, '1/1 of 136');
		await press(app, 't');
		const again = await waitForFrame(app, /Prefilled from the last values used for this job\.[\s\S]*"False"/);
		expect(again).toMatch(/userAccountControl\s+"514"/);
		const casePath = join(directory, `case-${Date.now()}.tests.json`);
		await press(app, 's');
		await waitForFrame(app, 'Save the case to (case file)');
		await press(app, '\u0015', casePath, KEY.enter);
		await waitForFrame(app, /Saved the case \(1 in the file\) to/);
		expect(JSON.parse(await readFile(casePath, 'utf8'))).toEqual({
			cases: [{target: 'AccountEnabled', input: {userAccountControl: '514', accountDisabled: null}, expect: 'False'}],
		});
	});

	it("the write runs the job's cases before the confirmation: a failing case blocks, nothing is sent", async () => {
		const casePath = join(directory, `write-${Date.now()}.tests.json`);
		const app = await openMappings({casesPath: casePath});
		await testAccountEnabled(app, '514');
		await press(app, 's');
		await waitForFrame(app, 'Saved the case');
		await press(app, KEY.esc);
		await waitForFrame(app, '1/1 of 136');
		// The same mapping, with True and False swapped: tested before it is accepted, then accepted anyway.
		await press(app, 's');
		await waitForFrame(app, 'Source type');
		await press(app, KEY.enter, '\u0015', 'IIF(BitAnd([userAccountControl], 2)="0", "False", "True")', '\u0014');
		const draft = await waitForFrame(app, /Expression being edited[\s\S]*Result — Graph's parseExpression\n\s+"True"/);
		expect(draft).toMatch(/userAccountControl\s+"514"/);
		await press(app, KEY.esc);
		await waitForFrame(app, '> IIF(BitAnd');
		await press(app, KEY.enter);
		await waitForFrame(app, '1 pending');
		await press(app, 'w');
		const plan = await waitForFrame(app, 'Not writable');
		expect(plan.replace(/\s+/g, ' ')).toContain('Checks: ✗ error expression test case 1: AccountEnabled failed: expected "False", got "True"');
		expect(simulator.requests.filter((request) => request.method === 'PUT')).toEqual([]);
	});
});

describe('t without Graph: our evaluator, labelled', () => {
	it('under --read-only says why Graph is not asked, and asks it nothing', async () => {
		const app = await openMappings({readOnly: true});
		const frame = await testAccountEnabled(app, '514');
		expect(frame).toMatch(/Result — local evaluation \(provisioning-explorer's evaluator, not Graph\)\n\s+"False"/);
		expect(frame.replace(/\s+/g, ' ')).toContain("Evaluated locally: under --read-only Graph's parseExpression cannot be asked (it needs Synchronization.ReadWrite.All).");
		expect(parseExpressionBodies()).toEqual([]);
	});

	it('offline (--file) evaluates locally: 512 → "True"', async () => {
		const app = render(<Explorer services={createFileServices(fixturePath, directory)} />);
		await waitForFrame(app, 'Schema');
		await press(app, KEY.enter);
		await waitForFrame(app, 'Object mappings');
		await press(app, KEY.enter);
		await waitForFrame(app, '1/136');
		const frame = await testAccountEnabled(app, '512');
		expect(frame).toMatch(/local evaluation[^\n]*\n\s+"True"/);
		expect(frame.replace(/\s+/g, ' ')).toContain('Evaluated locally: offline (a schema file): no Graph to ask.');
	});
});
