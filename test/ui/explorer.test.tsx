/**
 * The explorer's screens and keys, rendered with ink-testing-library and talking real HTTP (real
 * msal-node and got code paths) to the demo tenant on 127.0.0.1.
 */
import {mkdtemp, readdir, readFile, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cleanup, render} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {connect} from '../../source/explorer/connect.js';
import {createFileServices} from '../../source/explorer/file-services.js';
import type {ExplorerServices} from '../../source/explorer/services.js';
import {createTenantServices} from '../../source/explorer/tenant-services.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {Explorer} from '../../source/ui/app.js';
import {appsLoaded, openContosoUserMappings, press, position, selectedRow, waitForFrame} from '../helpers/ink.js';
import {KEY} from '../helpers/keys.js';

const fixturePath = new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url).pathname;

let simulator: Simulator;
let exportDirectory: string;

beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 150, deviceCodeIntervalSeconds: 1});
	exportDirectory = await mkdtemp(join(tmpdir(), 'pvx-ui-'));
});
afterAll(async () => {
	await simulator.close();
});
afterEach(() => {
	cleanup();
	simulator.faults.clear();
});

async function tenantServices(): Promise<ExplorerServices> {
	const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta'});
	return createTenantServices({
		label: connection.label,
		auth: connection.auth,
		graph: connection.graph,
		exportDirectory,
		watchRetries: (listener) => connection.watchRetries(listener),
	});
}

type App = ReturnType<typeof render>;

async function signedIn(): Promise<{app: App; exits: number[]}> {
	const exits: number[] = [];
	const app = render(<Explorer services={await tenantServices()} onExit={(code) => exits.push(code)} />);
	await waitForFrame(app, 'Apps with provisioning');
	await waitForFrame(app, appsLoaded);
	return {app, exits};
}

const openUserMappings = openContosoUserMappings;

describe('sign-in', () => {
	it('shows the device code, the URL and the time left, then lists only apps with provisioning jobs', async () => {
		const app = render(<Explorer services={await tenantServices()} />);
		const prompt = await waitForFrame(app, 'microsoft.com/devicelogin');
		expect(prompt).toMatch(/enter the code\n\s+D E M O - /);
		expect(prompt).toMatch(/expires in 1[45]:\d\d/);
		expect(prompt).toContain('Esc cancels');
		const apps = await waitForFrame(app, appsLoaded);
		for (const name of ['contoso.com', 'Salesforce', 'Workday to Active Directory User Provisioning', 'Contoso SCIM App']) {
			expect(apps).toContain(name);
		}
		expect(apps).not.toContain('Office 365 Exchange Online');
		expect(apps).toContain('Quarantine');
	});

	it('cancels with Esc and starts again with r', async () => {
		const slow = await startSimulator({autoApproveDeviceCodeMs: -1, deviceCodeIntervalSeconds: 1});
		try {
			const connection = await connect({demo: true, graphUrl: slow.url, apiVersion: 'beta'});
			const services = createTenantServices({label: connection.label, auth: connection.auth, graph: connection.graph, exportDirectory});
			const app = render(<Explorer services={services} />);
			await waitForFrame(app, 'enter the code');
			await press(app, KEY.esc);
			await waitForFrame(app, 'Sign-in cancelled. Press r to start again');
			await press(app, 'r');
			const again = await waitForFrame(app, 'enter the code');
			const code = again.match(/enter the code\n\s+((?:\S ?)+)/)![1]!.replace(/ /g, '');
			slow.approveDeviceCode(code);
			await waitForFrame(app, 'Apps with provisioning');
		} finally {
			await slow.close();
		}
	});

	it('explains a declined sign-in and offers to retry', async () => {
		const declining = await startSimulator({autoApproveDeviceCodeMs: -1, deviceCodeIntervalSeconds: 1});
		try {
			const connection = await connect({demo: true, graphUrl: declining.url, apiVersion: 'beta'});
			const services = createTenantServices({label: connection.label, auth: connection.auth, graph: connection.graph, exportDirectory});
			const app = render(<Explorer services={services} />);
			const frame = await waitForFrame(app, 'enter the code');
			declining.declineDeviceCode(frame.match(/enter the code\n\s+((?:\S ?)+)/)![1]!.replace(/ /g, ''));
			const failed = await waitForFrame(app, 'Press r to try again', 15_000);
			expect(failed).toContain('Sign-in was declined in the browser.');
			expect(failed).toContain('Press r to try again');
		} finally {
			await declining.close();
		}
	});
});

describe('the command line and the session', () => {
	it('shows who is signed in with :whoami, and signs out with :logout', async () => {
		const {app} = await signedIn();
		await press(app, ':', 'whoami', KEY.enter);
		const who = (await waitForFrame(app, 'admin@contoso.com')).replace(/\s+/g, ' ');
		expect(who).toMatch(/Synchronization\.ReadWrite\.All/);
		expect(who).not.toMatch(/eyJ|pvx-at/);
		await press(app, KEY.enter);
		await press(app, ':', 'logout', KEY.enter);
		const out = await waitForFrame(app, 'Signed out');
		expect(out).toContain('Press r to start again');
		await press(app, 'r');
		await waitForFrame(app, 'Apps with provisioning');
	});

	it('says why it waits when Graph throttles, then carries on', async () => {
		const {app} = await signedIn();
		simulator.faults.add({method: 'GET', path: /\/schema$/, status: 429, retryAfter: 2, times: 1});
		await press(app, '/', 'Salesforce', KEY.enter); // one row left: Enter opens it
		await waitForFrame(app, 'Provisioning jobs');
		await press(app, KEY.enter);
		await waitForFrame(app, /Graph is throttling \(HTTP 429\); retrying in 2 s/);
		await waitForFrame(app, 'USER_OUTBOUND_USER');
	});

	it('answers an unknown command with the list of commands', async () => {
		const {app} = await signedIn();
		await press(app, ':', 'frobnicate', KEY.enter);
		expect((app.lastFrame() ?? '').replace(/\s+/g, ' ')).toMatch(/Unknown command ":frobnicate"/);
	});
});

describe('moving around lists', () => {
	it('moves with arrows, j/k, PgUp/PgDn, Home/End and g/G, and shows the position', async () => {
		const {app} = await signedIn();
		await openUserMappings(app);
		await press(app, 'j', 'j', KEY.down);
		expect(position(app.lastFrame()!)).toBe('4/136');
		await press(app, 'k', KEY.up);
		expect(position(app.lastFrame()!)).toBe('2/136');
		await press(app, KEY.pageDown);
		const paged = position(app.lastFrame()!);
		expect(Number(paged.split('/')[0])).toBeGreaterThan(10);
		await press(app, KEY.pageUp);
		expect(position(app.lastFrame()!)).toBe('2/136');
		await press(app, 'G');
		expect(position(app.lastFrame()!)).toBe('136/136');
		await press(app, 'g');
		expect(position(app.lastFrame()!)).toBe('1/136');
		await press(app, KEY.end);
		expect(position(app.lastFrame()!)).toBe('136/136');
		expect(selectedRow(app.lastFrame()!)).toMatch(/^\S/);
		await press(app, KEY.home);
		expect(selectedRow(app.lastFrame()!)).toMatch(/^AccountEnabled/);
	});

	it('applies two keys that arrive in one read in order (SSH type-ahead)', async () => {
		const {app} = await signedIn();
		const first = selectedRow(app.lastFrame()!);
		app.stdin.write(`${KEY.down}${KEY.enter}`);
		const jobs = await waitForFrame(app, 'Provisioning jobs');
		const secondApp = app.lastFrame()!.split('\n')[0]!;
		expect(jobs).toContain('Provisioning jobs');
		expect(secondApp).not.toContain(first.split(/\s{2,}/)[0]);
		await press(app, KEY.esc);
		await waitForFrame(app, 'Apps with provisioning');
		app.stdin.write('gjj\r');
		await waitForFrame(app, 'Provisioning jobs');
		expect(app.lastFrame()!.split('\n')[0]).toContain('Salesforce');
	});

	it('filters with /, keeps the filter on Enter and clears it with Esc', async () => {
		const {app} = await signedIn();
		const firstApp = selectedRow(app.lastFrame()!).split(/\s{2,}/)[0]!;
		await press(app, '/', 'c', 'o', 'n', 't', 'x');
		let frame = app.lastFrame()!;
		expect(frame).toContain('/contx');
		await press(app, KEY.backspace);
		expect(app.lastFrame()!).toContain('/cont');
		expect(position(app.lastFrame()!)).toBe('1/2 of 4');
		// contoso.com and Contoso SCIM App, in an order that recent apps may change: the test follows the rows shown.
		const second = app.lastFrame()!.split('\n')[4]!.trim().split(/\s{2,}/)[0]!;
		expect(['contoso.com', 'Contoso SCIM App']).toContain(second);
		await press(app, KEY.down, KEY.enter);
		frame = app.lastFrame()!;
		// Two rows left: Enter keeps the filter (it opens only when one row is left).
		expect(frame).toContain('filter: cont');
		expect(selectedRow(frame).startsWith(`${second} `)).toBe(true);
		await press(app, KEY.esc);
		frame = app.lastFrame()!;
		expect(position(frame)).toMatch(/^[1-4]\/4$/); // still on the same app, now among all apps
		expect(selectedRow(frame).startsWith(`${second} `)).toBe(true);
		expect(frame).not.toContain('filter:');
		await press(app, '/', 'nothing-like-this');
		expect(app.lastFrame()).toContain('Nothing matches');
		await press(app, KEY.esc);
		expect(position(app.lastFrame()!)).toBe('1/4');
		expect(selectedRow(app.lastFrame()!).startsWith(`${firstApp} `)).toBe(true);
	});

	it('opens the one row a filter leaves on Enter: find and open in one step', async () => {
		const {app} = await signedIn();
		await press(app, '/', 's', 'a', 'l', 'e', KEY.enter);
		const frame = await waitForFrame(app, 'Provisioning jobs');
		expect(frame.split('\n')[0]).toContain('Salesforce');
		await press(app, KEY.esc);
		// Back on the list, the filter still applied and the row selected, as if opened by hand.
		expect(app.lastFrame()).toContain('filter: sale');
		expect(selectedRow(app.lastFrame()!)).toMatch(/^Salesforce/);
	});

	it('goes back with Esc, ← and h, and shows the breadcrumb on the way in', async () => {
		const {app} = await signedIn();
		const mappings = await openUserMappings(app);
		expect(mappings.split('\n')[0]).toBe('contoso.com (demo) › contoso.com › … › Synchronize Active Directory users to Azure Active Directory');
		await press(app, KEY.enter);
		const detail = await waitForFrame(app, 'JSON Pointer');
		expect(detail).toContain('Target attribute    AccountEnabled');
		// Too long for the width: the longest middle part gives way, never the app, the job or the place the admin is at.
		expect(detail.split('\n')[0]).toBe('contoso.com (demo) › contoso.com › AD2AADProvisioning › AD2AADProvisioning › … › AccountEnabled');
		expect(detail).toMatch(/Expression\n\s+IIF\(\n\s+IsPresent\(\[userAccountControl\]\),/);
		expect(detail).toContain('flowBehavior        FlowWhenChanged');
		await press(app, KEY.left);
		await waitForFrame(app, '1/136');
		await press(app, 'h');
		await waitForFrame(app, 'Object mappings');
		await press(app, KEY.esc);
		await waitForFrame(app, 'Schema');
	});

	it('shows the keys of the screen with ? and quits with q', async () => {
		const {app, exits} = await signedIn();
		await press(app, '?');
		const help = app.lastFrame()!;
		expect(help).toContain('Keys on this screen (Apps with provisioning)');
		expect(help).toMatch(/\/\s+filter this list/);
		expect(help).toMatch(/PgDn\s+page down/);
		await press(app, KEY.esc);
		expect(app.lastFrame()).toContain('1/4');
		await press(app, 'q');
		expect(exits).toEqual([0]);
	});

	it('quits with Ctrl+C from any screen, even while typing a filter', async () => {
		const {app, exits} = await signedIn();
		await press(app, '/', 'x', KEY.ctrlC);
		expect(exits).toEqual([0]);
	});
});

describe('the schema', () => {
	it('browses directories → objects → attribute definitions → a definition and its mappings', async () => {
		const {app} = await signedIn();
		await openUserMappings(app);
		await press(app, KEY.esc, KEY.esc);
		await waitForFrame(app, 'Schema');
		await press(app, '/', 'directory active', KEY.enter); // one row left: Enter opens it
		const objects = await waitForFrame(app, 'Objects');
		expect(objects).toContain('140 attributes');
		await press(app, KEY.enter);
		await waitForFrame(app, 'Attribute definitions');
		await press(app, '/', 'mailNickname', KEY.enter);
		const definition = await waitForFrame(app, 'Attribute definition');
		expect(definition).toContain('Attribute           mailNickname');
		expect(definition).toContain('Used by attribute mappings');
		expect(definition).toContain('Alias');
	});

	it('keeps the whole frame inside the terminal at any size, and re-lays out on resize', async () => {
		const {app} = await signedIn();
		await openUserMappings(app);
		const stdout = app.stdout as unknown as {rows?: number; emit: (event: string) => void};
		expect(app.lastFrame()!.split('\n').length).toBeLessThanOrEqual(23);
		stdout.rows = 12;
		stdout.emit('resize');
		await press(app);
		const small = app.lastFrame()!.split('\n');
		expect(small.length).toBeLessThanOrEqual(11);
		expect(small.at(-1)).toMatch(/move down/);
		await press(app, 'G');
		expect(app.lastFrame()).toContain('136/136');
		expect(app.lastFrame()!.split('\n').length).toBeLessThanOrEqual(11);
		for (const line of app.lastFrame()!.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
	});

	it('reports a failed load in one line and retries with r', async () => {
		const {app} = await signedIn();
		simulator.faults.add({path: /\/schema$/, status: 404, times: 1});
		await press(app, '/', 'Salesforce', KEY.enter); // one row left: Enter opens it
		await waitForFrame(app, 'Provisioning jobs');
		await press(app, KEY.enter);
		const failed = (await waitForFrame(app, 'Press r to retry')).replace(/\s+/g, ' ');
		expect(failed).toMatch(/Graph GET \/servicePrincipals\/{id}\/synchronization\/jobs\/{id}\/schema failed: 404 \(Request_ResourceNotFound\)/);
		expect(failed).toMatch(/Job SfOutDelta\S* of service principal \S+ was not found/);
		await press(app, 'r');
		await waitForFrame(app, 'USER_OUTBOUND_USER');
	});

	it('exports the schema with x, byte for byte as Graph returned it', async () => {
		const {app} = await signedIn();
		await openUserMappings(app);
		await press(app, 'x');
		const done = await waitForFrame(app, 'Exported to');
		const files = (await readdir(exportDirectory)).filter((name) => name.startsWith('contoso.com.AD2AADProvisioning'));
		expect(files).toHaveLength(1);
		expect(done).toContain(join(exportDirectory, files[0]!).slice(0, 40));
		expect(Buffer.compare(await readFile(join(exportDirectory, files[0]!)), await readFile(fixturePath))).toBe(0);
	});
});

describe('offline with --file', () => {
	it('opens a schema file with no sign-in', async () => {
		const app = render(<Explorer services={createFileServices(fixturePath, exportDirectory)} />);
		const root = await waitForFrame(app, 'AD2AADProvisioning');
		expect(root.split('\n')[0]).toBe('cloud-sync-ad2aad.schema.json');
		expect(root).toContain('1/3');
	});

	it('neutralises terminal control characters in names from the file', async () => {
		const schema = JSON.parse(await readFile(fixturePath, 'utf8'));
		schema.synchronizationRules[0].objectMappings[0].attributeMappings[0].targetAttributeName = 'Evil\u001b[2J\u001b]52;c;aGk=\u0007\u202Ename';
		const path = join(exportDirectory, 'hostile.schema.json');
		await writeFile(path, JSON.stringify(schema));
		const app = render(<Explorer services={createFileServices(path, exportDirectory)} />);
		await waitForFrame(app, '1/3');
		await press(app, KEY.enter, KEY.enter);
		const frame = await waitForFrame(app, '1/136');
		// Cut in the middle: both ends of the name stay visible.
		expect(selectedRow(frame)).toMatch(/^Evil␛\[2J␛]52;c;a…␇⟨U\+202E⟩name /);
		expect(frame).not.toMatch(/[\u001b\u0007\u202e]/);
		await press(app, KEY.enter);
		const detail = await waitForFrame(app, 'JSON Pointer');
		expect(detail).toContain('Target attribute    Evil␛[2J␛]52;c;aGk=␇⟨U+202E⟩name');
		expect(detail).not.toMatch(/[\u001b\u0007\u202e]/);
	});

	it('exports the file byte for byte with x (BOM, CRLF, indentation kept), read again from disk rather than held in memory', async () => {
		const original = await readFile(fixturePath, 'utf8');
		const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(JSON.parse(original), null, 4).replaceAll('\n', '\r\n'))]);
		const directory = await mkdtemp(join(tmpdir(), 'pvx-file-export-'));
		const path = join(directory, 'windows.schema.json');
		await writeFile(path, bytes);
		const app = render(<Explorer services={createFileServices(path, directory)} />);
		await waitForFrame(app, '1/3');
		await press(app, 'x');
		await waitForFrame(app, 'Exported to');
		const exported = (await readdir(directory)).filter((name) => name !== 'windows.schema.json');
		expect(exported).toHaveLength(1);
		expect(Buffer.compare(await readFile(join(directory, exported[0]!)), bytes)).toBe(0);
	});

	it('refuses to export a file that changed on disk since it was opened, and says to open it again', async () => {
		const directory = await mkdtemp(join(tmpdir(), 'pvx-file-export-'));
		const path = join(directory, 'changing.schema.json');
		await writeFile(path, await readFile(fixturePath));
		const app = render(<Explorer services={createFileServices(path, directory)} />);
		await waitForFrame(app, '1/3');
		// Same length, other bytes: only the content tells them apart.
		const changed = (await readFile(fixturePath, 'utf8')).replace('AD2AADProvisioning', 'AD2AADProvisioninG');
		await writeFile(path, changed);
		await press(app, 'x');
		const frame = await waitForFrame(app, 'changed on disk');
		expect(frame).toMatch(/open it again/);
		expect((await readdir(directory)).filter((name) => name !== 'changing.schema.json')).toEqual([]);
	});

	it('says what is wrong with a file that is not a schema', async () => {
		const path = join(exportDirectory, 'not-a-schema.json');
		await writeFile(path, '{"value": []}');
		const app = render(<Explorer services={createFileServices(path, exportDirectory)} />);
		const frame = await waitForFrame(app, 'Press r to retry');
		expect(frame).toMatch(/not-a-schema\.json/);
		expect(frame).not.toMatch(/at .+\.ts:\d+/);
	});
});
