/**
 * What is written is exactly what the admin meant (issue 9 §6), against the demo tenant over HTTP: a stored parse
 * tree the text does not show, scoping values as a list, scoping changes in the plan, and the words after a save.
 */
import {mkdtemp, readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {connect} from '../../source/explorer/connect.js';
import {createTenantServices} from '../../source/explorer/tenant-services.js';
import type {AttributeMappingSource, SynchronizationSchema} from '../../source/schema/types.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {Explorer} from '../../source/ui/app.js';
import {openContosoUserMappings, press, selectedRow, waitForFrame} from '../helpers/ink.js';
import {KEY} from '../helpers/keys.js';

let simulator: Simulator;
let directory: string;

beforeAll(async () => {
	directory = await mkdtemp(join(tmpdir(), 'pvx-meaning-'));
});
beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
});
afterEach(async () => {
	cleanup();
	await simulator.close();
});

type App = ReturnType<typeof render>;

async function openMappings(editor?: (text: string) => Promise<string>): Promise<App> {
	const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta'});
	const services = createTenantServices({
		label: connection.label,
		auth: connection.auth,
		graph: connection.graph,
		exportDirectory: directory,
		backupDirectory: await mkdtemp(join(directory, 'backups-')),
	});
	const app = render(<Explorer services={services} editor={editor} />);
	await openContosoUserMappings(app);
	return app;
}

async function select(app: App, target: string): Promise<void> {
	await press(app, '/', target, KEY.enter);
	// Enter opens the mapping when the filter leaves only it; Esc comes back to the list, filtered, with its row selected.
	if (/^Attribute mapping(?!s)/.test(app.lastFrame()!.split('\n')[1] ?? '')) await press(app, KEY.esc);
	expect(selectedRow(app.lastFrame()!)).toMatch(new RegExp(`^(~ |✗ |! )?${target}\\b`));
}

function liveSchema(): SynchronizationSchema {
	const id = simulator.tenant.servicePrincipals.find((sp) => sp.displayName === 'contoso.com')!.id;
	const job = simulator.tenant.jobsOf(id).find((each) => each.job.templateId === 'AD2AADProvisioning')!;
	return JSON.parse(job.schema.text) as SynchronizationSchema;
}

function userMapping(schema: SynchronizationSchema, target: string) {
	return schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.find((mapping) => mapping.targetAttributeName === target);
}

/** All the frames' text on one line: wrapped sentences can be matched whole. */
const flat = (frame: string) => frame.replace(/\s+/g, ' ');

async function waitForText(app: App, text: string): Promise<string> {
	return waitForFrame(app, {test: (frame: string) => flat(frame).includes(text)} as unknown as RegExp);
}

async function savePatch(app: App, name: string): Promise<Array<{op: string; path: string; value?: unknown}>> {
	const path = join(directory, name);
	await press(app, 'P', '\u0015', path, KEY.enter);
	await waitForFrame(app, 'Saved');
	return JSON.parse(await readFile(path, 'utf8'));
}

const droppedWords = 'the stored parse tree has a constant `%DomainFQDN%` that the expression text does not show; editing the text drops it';

describe('a stored parse tree that its text does not show', () => {
	it('is named on the mapping, in the prompt and in the plan, and P saves the very body the PUT sends', async () => {
		const app = await openMappings();
		await select(app, 'onPremisesUserPrincipalName');
		await press(app, KEY.enter);
		await waitForText(app, `${droppedWords.replace(/^t/, 'T')}. e edits the mapping as JSON and keeps it.`);
		await press(app, 's');
		await waitForFrame(app, 'Source type');
		await press(app, '3'); // Expression
		await waitForText(app, 'Esc, then e, edits the mapping as JSON and keeps it');
		const before = userMapping(liveSchema(), 'onPremisesUserPrincipalName')!.source!.expression!;
		const after = before.replace('AccountName is not present', 'sAMAccountName is missing');
		await press(app, '\u0015', after, KEY.enter);
		await waitForFrame(app, '1 pending');
		const early = await savePatch(app, 'early.patch.json');
		await press(app, 'w');
		const plan = await waitForFrame(app, 'Type "contoso.com"');
		expect(flat(plan)).toContain(`User ← user · onPremisesUserPrincipalName: ${droppedWords}`);
		await press(app, ...'contoso.com'.split(''), KEY.enter);
		await waitForFrame(app, 'Written and verified');
		// The write does not restart the job: the admin is told what Microsoft's procedure says to do next.
		await waitForText(app, 'Next: restart provisioning for this job, as Microsoft\'s procedure for a schema saved through Graph says: "Restart provisioning"');
		const written = userMapping(liveSchema(), 'onPremisesUserPrincipalName')!.source!;
		expect(written.expression).toBe(after);
		// The constant is gone, as the plan said; and the patch saved before the plan is the body that was sent.
		expect(JSON.stringify(written)).not.toContain('%DomainFQDN%');
		const change = early.filter((operation) => operation.op !== 'test');
		expect(change).toHaveLength(1);
		expect(change[0]!.path).toMatch(/\/source$/);
		expect(change[0]!.value as AttributeMappingSource).toEqual(written);
	});
});

describe('the JSON edit keeps a stored tree the text does not show', () => {
	it('changes the message in text and tree alike, keeps %DomainFQDN%, and the plan warns of no loss', async () => {
		const app = await openMappings(async (text) => text.replaceAll('AccountName is not present', 'sAMAccountName is missing'));
		await select(app, 'onPremisesUserPrincipalName');
		await press(app, 'e');
		await waitForFrame(app, '1 pending');
		await press(app, 'w');
		const plan = flat(await waitForFrame(app, 'Type "contoso.com"'));
		expect(plan).toContain('Plan: 0 attribute mappings to add, 1 to change, 0 to remove');
		expect(plan).not.toContain('drops it');
		await press(app, ...'contoso.com'.split(''), KEY.enter);
		await waitForFrame(app, 'Written and verified');
		const written = JSON.stringify(userMapping(liveSchema(), 'onPremisesUserPrincipalName')!.source);
		expect(written).toContain('%DomainFQDN%');
		expect(written).toContain('sAMAccountName is missing');
		expect(written).not.toContain('AccountName is not present');
	});
});

const scopeOf = (schema: SynchronizationSchema) => schema.synchronizationRules![0]!.objectMappings![0]!.scope!;

describe('scoping-filter values are a list', () => {
	it('passes an OU value with commas through unchanged, and edits it as one value', async () => {
		const app = await openMappings();
		await press(app, 'S');
		await waitForFrame(app, 'Scoping filter');
		await press(app, KEY.end);
		expect(selectedRow(app.lastFrame()!)).toContain('distinguishedName ENDS_WITH OU=Cloud,DC=mydomain,DC=tld');
		// Enter shows the clause in full, Enter again edits it: through attribute, operator and values without changing anything.
		await press(app, KEY.enter);
		await waitForFrame(app, 'Enter edits this clause');
		await press(app, KEY.enter);
		await waitForFrame(app, 'Edit clause: source attribute');
		await press(app, KEY.enter);
		await waitForFrame(app, 'Operator for distinguishedName');
		await press(app, KEY.enter);
		await waitForFrame(app, '✓ done: 1 value');
		expect(app.lastFrame()).toContain('OU=Cloud,DC=mydomain,DC=tld');
		await press(app, KEY.up, KEY.up, KEY.enter);
		await waitForFrame(app, 'value 1 of 1');
		await press(app, KEY.enter);
		await waitForFrame(app, '✓ done: 1 value');
		await press(app, KEY.enter);
		await waitForFrame(app, 'The clause is unchanged: nothing to edit.');
		expect(app.lastFrame()).not.toMatch(/\d+ pending/);

		// Changing the value keeps it one value, commas and all (the clause in full, attribute, operator).
		await press(app, KEY.enter, KEY.enter, KEY.enter, KEY.enter);
		await waitForFrame(app, '✓ done: 1 value');
		await press(app, KEY.up, KEY.up, KEY.enter);
		await waitForFrame(app, 'value 1 of 1');
		await press(app, '\u0015', 'OU=Synced,DC=mydomain,DC=tld', KEY.enter);
		await waitForFrame(app, '✓ done: 1 value');
		await press(app, KEY.enter);
		await waitForFrame(app, '1 pending');
		const patch = await savePatch(app, 'ou.patch.json');
		const change = patch.find((operation) => operation.op !== 'test')!;
		expect(change.value).toMatchObject({operatorName: 'ENDS_WITH', sourceOperandName: 'distinguishedName', targetOperand: {values: ['OU=Synced,DC=mydomain,DC=tld']}});
		expect(JSON.stringify(scopeOf(liveSchema()))).toContain('OU=Cloud,DC=mydomain,DC=tld');
	});
});

describe('a scoping-filter change in the plan', () => {
	it('is counted in the headline and listed clause by clause under its object mapping', async () => {
		const app = await openMappings();
		await press(app, 'S');
		await waitForFrame(app, 'Scoping filter');
		await press(app, KEY.end, 'D');
		await waitForFrame(app, 'Remove the clause');
		await press(app, 'y');
		await waitForFrame(app, '1 pending');
		await press(app, 'w');
		const plan = flat(await waitForFrame(app, 'Type "contoso.com"'));
		expect(plan).toContain('Plan: 0 attribute mappings to add, 0 to change, 0 to remove; 1 scoping-filter change (your pending edits).');
		expect(plan).toContain(
			// The shared plan text (as import and patch print it): under its object mapping, clause by clause.
			`Object mapping User ← user - scope inputFilterGroups 'DefaultUserExclusions.0.UX-OrganizationalGroup-Scope': distinguishedName ENDS_WITH "OU=Cloud,DC=mydomain,DC=tld"`,
		);
		expect(plan).not.toContain('isCriticalSystemObject');
		expect(plan).not.toContain('Attribute mappings');
		// inputFilterGroups: Microsoft documents that objects falling out are not deprovisioned; the hint says the same.
		expect(plan).toContain('The input filter (inputFilterGroups, experimental) changes: objects it no longer admits are not processed any further, and Microsoft documents that they are not deprovisioned');
		expect(plan).not.toContain('disabled or deleted');
		expect(plan).toContain("it does not restart the job. Microsoft's procedure is to restart provisioning after saving");
	});
});
