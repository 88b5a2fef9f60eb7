/**
 * Issue 13's explorer parts in the update function alone (no Ink): a deep link builds the walk below the place it
 * names, `h` lists a job's versions, Space and Enter compare two of them older → newer, R restores only outside
 * --read-only, and a filter that leaves one row opens it on Enter.
 */
import {describe, expect, it} from 'vitest';
import type {InitialLocation} from '../../source/explorer/deep-link.js';
import type {AppSummary} from '../../source/explorer/services.js';
import type {HistoryVersion} from '../../source/history/versions.js';
import type {SynchronizationJob, } from '../../source/schema/types.js';
import type {KeyPress} from '../../source/ui/keymap.js';
import {matchingSuggestions} from '../../source/ui/modal.js';
import {initialList} from '../../source/ui/list.js';
import {type AppState, initialState, type PlanFrame, topFrame} from '../../source/ui/state.js';
import type {Effect, } from '../../source/ui/update.js';
import {download, down, enter, esc, keys, run} from '../helpers/update.js';

const jobs: SynchronizationJob[] = [
	{id: 'AD2AADPasswordHash.xyz', templateId: 'AD2AADPasswordHash'},
	{id: 'AD2AADProvisioning.abc', templateId: 'AD2AADProvisioning'},
];
const contoso: AppSummary = {servicePrincipal: {id: 'sp-1', displayName: 'contoso.com'}, jobs};
const other: AppSummary = {servicePrincipal: {id: 'sp-2', displayName: 'Salesforce'}, jobs: [{id: 'sf.1', templateId: 'salesforce'}]};

/** contoso.com's first object mapping, Mail (the 43rd attribute mapping). */
const mailLink: InitialLocation = {
	servicePrincipalId: 'sp-1',
	appName: 'contoso.com',
	jobId: 'AD2AADProvisioning.abc',
	templateId: 'AD2AADProvisioning',
	pointer: '/synchronizationRules/0/objectMappings/0/attributeMappings/42',
	objectMapping: {pointer: '/synchronizationRules/0/objectMappings/0', ruleIndex: 0, index: 0, label: 'User ← user', name: null, sourceObjectName: 'user', targetObjectName: 'User'},
	attributeMapping: {pointer: '/synchronizationRules/0/objectMappings/0/attributeMappings/42', index: 42, targetAttributeName: 'Mail'},
};

function signedInAt(location: InitialLocation, readOnly = false): {state: AppState; effects: Effect[]} {
	const start = initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}, {initialLocation: location, readOnly});
	return run(start, {type: 'signedIn', frameId: 1, account: 'admin@contoso.com'});
}

function schemaFrameId(state: AppState): number {
	const frame = state.stack.find((candidate) => candidate.kind === 'schema');
	if (!frame) throw new Error('no schema frame');
	return frame.id;
}

describe('a deep link given on the command line', () => {
	it('builds the app list, the jobs and the job below it, reads the job, then opens the rule, object mapping and attribute mapping', () => {
		const signed = signedInAt(mailLink);
		expect(signed.state.stack.map((frame) => frame.kind)).toEqual(['apps', 'jobs', 'schema']);
		// Both loads start at once: the app list below, and the job on top.
		expect(signed.effects.map((effect) => effect.kind).filter((kind) => kind !== 'cancel').sort()).toEqual(['listApps', 'loadSchema']);
		const loaded = run(signed.state, {type: 'schemaLoaded', frameId: schemaFrameId(signed.state), download: download()}).state;
		expect(loaded.stack.map((frame) => frame.kind)).toEqual(['apps', 'jobs', 'schema', 'rule', 'objectMapping', 'attributeMapping']);
		const mappings = loaded.stack[4]!;
		expect(mappings.list.cursor).toBe(42);
		const detail = topFrame(loaded);
		expect(detail.kind === 'attributeMapping' && detail.node.mapping.targetAttributeName).toBe('Mail');

		// The app list arrives later: the jobs screen gets every job of the app, the linked one selected.
		const apps = run(loaded, {type: 'appsLoaded', frameId: loaded.stack[0]!.id, apps: [other, contoso]}).state;
		expect(apps.stack[0]!.list.cursor).toBe(1);
		const jobsFrame = apps.stack[1]!;
		expect(jobsFrame.kind === 'jobs' && jobsFrame.app.jobs).toHaveLength(2);
		expect(jobsFrame.list.cursor).toBe(1);
		// Esc goes back up one screen at a time.
		const back = run(apps, ...keys(esc, esc, esc, esc)).state;
		expect(topFrame(back).kind).toBe('jobs');
	});

	it('opens only the job when the link names no mapping', () => {
		const link: InitialLocation = {servicePrincipalId: 'sp-2', appName: 'Salesforce', jobId: 'sf.1', templateId: 'salesforce', pointer: ''};
		const signed = signedInAt(link);
		const loaded = run(signed.state, {type: 'schemaLoaded', frameId: schemaFrameId(signed.state), download: download()}).state;
		expect(loaded.stack.map((frame) => frame.kind)).toEqual(['apps', 'jobs', 'schema']);
	});
});

describe('a filter that leaves one row', () => {
	function appList(): AppState {
		const start = {...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}), stack: []};
		const withApps: AppState = {...start, stack: [{id: 1, kind: 'apps', status: 'ready', apps: [contoso, other], list: {cursor: 0, offset: 0, filter: '', filtering: false}}], nextId: 2};
		return withApps;
	}

	it('opens it on Enter and remembers the app as recent', () => {
		const {state, effects} = run(appList(), ...keys('/', 'sales', enter));
		const frame = topFrame(state);
		expect(frame.kind === 'jobs' && frame.app.servicePrincipal.displayName).toBe('Salesforce');
		expect(effects).toContainEqual(expect.objectContaining({kind: 'rememberApp', app: {id: 'sp-2', displayName: 'Salesforce'}}));
	});

	it('keeps the filter on Enter when more rows are left', () => {
		const {state} = run(appList(), ...keys('/', 'o', enter));
		expect(topFrame(state).kind).toBe('apps');
		expect(topFrame(state).list.filter).toBe('o');
	});
});

describe(':open completes one part at a time', () => {
	const tab = {tab: true};
	/** The command line's text after the keys, from the app list (contoso.com's job loaded when `onJob`). */
	function commandLine(from: AppState, ...presses: Array<string | Partial<KeyPress>>): {value: string; suggestions: string[]; state: AppState} {
		const {state} = run(from, ...keys(':', ...presses));
		const modal = state.modal;
		if (modal?.kind !== 'prompt') throw new Error('no command line');
		return {value: modal.value, suggestions: matchingSuggestions(modal, 50), state};
	}
	const apps = (): AppState => ({
		...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}),
		stack: [{id: 1, kind: 'apps', status: 'ready', apps: [contoso, other, {servicePrincipal: {id: 'sp-3', displayName: 'Contoso SCIM App'}, jobs: [{id: 'scim.1', templateId: 'scim'}]}], list: {cursor: 0, offset: 0, filter: '', filtering: false}}],
		nextId: 2,
	});
	function onJob(): AppState {
		let state = run(apps(), ...keys(enter, down, enter)).state;
		state = run(state, {type: 'schemaLoaded', frameId: topFrame(state).id, download: download()}).state;
		return state;
	}

	it('the command word, then the app (names with spaces whole), then the jobs of that app only', () => {
		expect(commandLine(apps(), 'o', tab).value).toBe('open ');
		// Two apps start with "contoso": the first Tab puts in the first, the next one the other.
		const both = commandLine(apps(), 'open c', tab);
		expect(both.value).toBe('open contoso.com/');
		expect(both.suggestions).toEqual(['contoso.com/', 'Contoso SCIM App/']);
		expect(commandLine(apps(), 'open c', tab, tab).value).toBe('open Contoso SCIM App/');
		expect(commandLine(apps(), 'open Contoso S', tab).value).toBe('open Contoso SCIM App/');
		// After the app, its jobs and no other app's.
		const jobNames = commandLine(apps(), 'open contoso.com/', tab);
		expect(jobNames.suggestions).toEqual(['AD2AADPasswordHash/', 'AD2AADProvisioning/']);
		expect(commandLine(apps(), 'open contoso.com/AD2AADPr', tab).value).toBe('open contoso.com/AD2AADProvisioning/');
		expect(commandLine(apps(), 'open Salesforce/', tab).value).toBe('open Salesforce/salesforce/');
		expect(commandLine(apps(), 'open Nope/', tab).suggestions).toEqual([]);
	});

	it('completes the apps of a list that arrives while the command line is open', () => {
		const loading: AppState = {...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}), stack: [{id: 1, kind: 'apps', status: 'loading', list: {cursor: 0, offset: 0, filter: '', filtering: false}}], nextId: 2};
		// The command line opened as the list was still being read (the sign-in screen passes keys on): no names yet.
		const typing: AppState = {...loading, modal: {kind: 'prompt', title: 'Command', value: 'open Sal', places: [], purpose: {kind: 'command'}}};
		const loaded = run(typing, {type: 'appsLoaded', frameId: 1, apps: [contoso, other]}, ...keys(tab)).state;
		expect(loaded.modal?.kind === 'prompt' && loaded.modal.value).toBe('open Salesforce/');
	});

	it('completes the object mappings and targets of a loaded job, and a target inside an object mapping', () => {
		const state = onJob();
		const job = commandLine(state, 'open contoso.com/AD2AADProvisioning/', tab);
		expect(job.suggestions.slice(0, 2)).toEqual(['Synchronize Active Directory users to Azure Active Directory/', 'SyncCredentialsChangeItem']);
		expect(job.suggestions).toContain('Mail');
		expect(commandLine(state, 'open contoso.com/AD2AADProvisioning/Mai', tab).value).toBe('open contoso.com/AD2AADProvisioning/Mail');
		const inside = commandLine(state, 'open contoso.com/AD2AADProvisioning/Synch', tab, 'Mai', tab);
		expect(inside.value).toBe('open contoso.com/AD2AADProvisioning/Synchronize Active Directory users to Azure Active Directory/Mail');
		// Enter resolves what was completed (against the tenant, in the runner).
		const opened = run(inside.state, ...keys(enter));
		expect(opened.effects).toContainEqual(expect.objectContaining({kind: 'resolveLocation', text: 'contoso.com/AD2AADProvisioning/Synchronize Active Directory users to Azure Active Directory/Mail'}));
	});
});

describe('h: the history of a job', () => {
	const version = (ref: string, minutes: number): HistoryVersion => ({
		ref,
		kind: 'backup',
		at: new Date(Date.UTC(2026, 11, 4, 19, minutes)),
		path: `/backups/${ref}.schema.json`,
		who: 'admin@contoso.com',
		what: `before write ${ref}`,
	});
	const listing = {versions: [version('1', 30), version('2', 20), version('3', 10)], notices: []};

	function onHistory(readOnly = false): AppState {
		const link: InitialLocation = {...mailLink, pointer: '', objectMapping: undefined, attributeMapping: undefined};
		const signed = signedInAt(link, readOnly);
		const loaded = run(signed.state, {type: 'schemaLoaded', frameId: schemaFrameId(signed.state), download: download()});
		const opened = run(loaded.state, ...keys('h'));
		const task = opened.effects.find((effect) => effect.kind === 'listHistory');
		expect(task).toMatchObject({job: {appName: 'contoso.com', templateId: 'AD2AADProvisioning', jobId: 'AD2AADProvisioning.abc'}});
		return run(opened.state, {type: 'historyListed', frameId: topFrame(opened.state).id, listing}).state;
	}

	it('compares a version with live on Enter', () => {
		const {state, effects} = run(onHistory(), ...keys(down, enter));
		expect(topFrame(state).kind).toBe('compare');
		const task = effects.find((effect) => effect.kind === 'compareVersions');
		expect(task).toMatchObject({before: {kind: 'version', version: {ref: '2'}}, after: {kind: 'live', name: 'live'}});
	});

	it('compares two versions, older → newer, after Space marks one', () => {
		const {state, effects} = run(onHistory(), ...keys(' ', down, down, enter));
		const task = effects.find((effect) => effect.kind === 'compareVersions');
		expect(task).toMatchObject({before: {kind: 'version', version: {ref: '3'}}, after: {kind: 'version', version: {ref: '1'}}});
		const frame = topFrame(state);
		expect(frame.kind === 'compare' && frame.title).toMatch(/^version 3 \(backup of 2026-12-04 19:10:00 UTC\) → version 1 \(backup of 2026-12-04 19:30:00 UTC\)$/);
	});

	it('lands back on the history, listed anew, once a restore from it is written', () => {
		const history = onHistory();
		const frame = topFrame(history);
		if (frame.kind !== 'history') throw new Error('not on the history');
		// The plan R opened, written and verified (the write itself is the pty test's).
		const written: PlanFrame = {id: history.nextId, kind: 'plan', context: frame.context, origin: {kind: 'restore', label: 'version 2'}, document: frame.context.download.schema, status: 'done', typed: '', attempt: 1, backupPath: '/backups/4.schema.json', list: initialList};
		const planned: AppState = {...history, stack: [...history.stack, written], nextId: history.nextId + 1};
		const left = run(planned, ...keys(enter));
		// The job is read again (what is live now), and the history is to open above it.
		expect(left.state.stack.map((each) => each.kind)).toEqual(['apps', 'jobs', 'schema']);
		expect(left.effects.map((effect) => effect.kind)).toContain('loadSchema');
		const reloaded = run(left.state, {type: 'schemaLoaded', frameId: schemaFrameId(left.state), download: download()});
		expect(reloaded.state.stack.map((each) => each.kind)).toEqual(['apps', 'jobs', 'schema', 'history']);
		expect(reloaded.effects).toContainEqual(expect.objectContaining({kind: 'listHistory', job: expect.objectContaining({jobId: 'AD2AADProvisioning.abc'})}));
		expect(reloaded.state.message?.text).toMatch(/^Written and verified/);

		// A write that did not start from the history lands on the job, as before.
		const schemaOnly: AppState = {...history, stack: [...history.stack.slice(0, -1), {...written, id: history.nextId}], nextId: history.nextId + 1};
		const plain = run(run(schemaOnly, ...keys(enter)).state, {type: 'schemaLoaded', frameId: schemaFrameId(run(schemaOnly, ...keys(enter)).state), download: download()});
		expect(plain.state.stack.map((each) => each.kind)).toEqual(['apps', 'jobs', 'schema']);
	});

	it('opens with H from inside the job (a mapping), above the screen the admin is on; h there still goes back', () => {
		const signed = signedInAt(mailLink);
		const loaded = run(signed.state, {type: 'schemaLoaded', frameId: schemaFrameId(signed.state), download: download()}).state;
		expect(topFrame(loaded).kind).toBe('attributeMapping');
		const opened = run(loaded, ...keys('H'));
		expect(topFrame(opened.state).kind).toBe('history');
		expect(opened.effects).toContainEqual(expect.objectContaining({kind: 'listHistory'}));
		expect(topFrame(run(opened.state, ...keys(esc)).state).kind).toBe('attributeMapping');
		expect(topFrame(run(loaded, ...keys('h')).state).kind).toBe('objectMapping');
	});

	it('restores a version through the plan with R, and not under --read-only', () => {
		const {effects} = run(onHistory(), ...keys(down, 'R'));
		expect(effects).toContainEqual(expect.objectContaining({kind: 'readVersion', version: expect.objectContaining({ref: '2'})}));
		const readOnly = run(onHistory(true), ...keys(down, 'R'));
		expect(readOnly.effects.filter((effect) => effect.kind === 'readVersion')).toEqual([]);
	});
});
