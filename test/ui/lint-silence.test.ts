/**
 * A case file's silences (--cases) reach the explorer's markers, not only the plan's checks: a silenced rule leaves
 * the list without `!`, and the mapping's detail says which rule was silenced and the file's reason. A silence for
 * one target leaves the same rule on another mapping as it was.
 */
import {describe, expect, it} from 'vitest';
import type {AppSummary} from '../../source/explorer/services.js';
import type {SynchronizationJob} from '../../source/schema/types.js';
import {frameRows, textLines} from '../../source/ui/screens/index.js';
import {type AppState, initialState, topFrame} from '../../source/ui/state.js';
import {download, enter, keys, run} from '../helpers/update.js';

const job: SynchronizationJob = {id: 'AD2AADProvisioning.abc', templateId: 'AD2AADProvisioning'} as SynchronizationJob;
const app: AppSummary = {servicePrincipal: {id: 'sp-1', displayName: 'contoso.com'}, jobs: [job], status: 'Active'} as unknown as AppSummary;

/** The cloud-sync fixture with flowType ObjectAddOnly on AccountEnabled and Alias: lint rule FLOW-1 (cloud sync ignores it). */
function downloadWithFlowTypes() {
	const fixture = download();
	const mappings = fixture.schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!;
	for (const mapping of mappings.slice(0, 2)) mapping.flowType = 'ObjectAddOnly';
	return {bytes: Buffer.from(JSON.stringify(fixture.schema)), schema: fixture.schema};
}

function onMappings(casesPath?: string) {
	let state: AppState = {...initialState({kind: 'tenant', label: 'demo'}, {rows: 40, columns: 120}, {casesPath}), stack: []};
	state = {...state, stack: [{id: 1, kind: 'jobs', app, list: {cursor: 0, offset: 0, filter: '', filtering: false}}], nextId: 2};
	state = run(state, ...keys(enter)).state;
	const loaded = run(state, {type: 'schemaLoaded', frameId: topFrame(state).id, download: downloadWithFlowTypes()});
	return {state: run(loaded.state, ...keys(enter, enter)).state, effects: loaded.effects};
}

const screen = (state: AppState) => textLines(topFrame(state), state.viewport.columns);
const rowOf = (state: AppState, target: string) => frameRows(topFrame(state)).map((row) => row.cells.join(' ')).find((cells) => new RegExp(`\\b${target}\\b`).test(cells)) ?? '';

describe("a case file's silences on the explorer's markers", () => {
	it('without --cases, FLOW-1 marks both mappings and the detail shows the rule', () => {
		const {state, effects} = onMappings();
		expect(effects.some((effect) => effect.kind === 'loadSilences')).toBe(false);
		expect(rowOf(state, 'AccountEnabled')).toMatch(/^\s*(›\s*)?! /);
		expect(rowOf(state, 'Alias')).toMatch(/^\s*(›\s*)?! /);
		const detail = run(state, ...keys(enter)).state;
		expect(screen(detail).join('\n')).toContain('[FLOW-1]');
	});

	it('with --cases, the silence for AccountEnabled takes its marker away and the detail names the rule and the reason', () => {
		const {state, effects} = onMappings('contoso.tests.json');
		const load = effects.find((effect) => effect.kind === 'loadSilences');
		expect(load).toMatchObject({kind: 'loadSilences', path: 'contoso.tests.json'});
		if (load?.kind !== 'loadSilences') throw new Error('no loadSilences');
		const reason = 'cloud sync ignores flowType; kept to match the portal export';
		const silenced = run(state, {type: 'silencesLoaded', jobKey: load.jobKey, silence: [{rule: 'FLOW-1', target: 'AccountEnabled', reason}]}).state;
		expect(rowOf(silenced, 'AccountEnabled')).not.toMatch(/^\s*(›\s*)?[!✗] /);
		// The silence names one target: the same rule on Alias still shows.
		expect(rowOf(silenced, 'Alias')).toMatch(/^\s*(›\s*)?! /);
		const detail = screen(run(silenced, ...keys(enter)).state).join('\n');
		expect(detail).toContain('Silenced by the case file (--cases)');
		expect(detail).toContain('[FLOW-1]');
		expect(detail).toContain(`reason: ${reason}`);
		expect(detail).not.toMatch(/^Problems$/m);
	});
});
