/**
 * The short fixed menus are ink-select-input, patched (patches/ink-select-input+6.2.0.patch): keys arriving in one
 * read act in order, its keys are exactly the key table's `menu` rows, and what it picks is what the update picks
 * for the same keys typed ahead before it was on screen.
 */
import type {Key} from 'ink';
import SelectInput from 'ink-select-input';
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import type {AppSummary} from '../../source/explorer/services.js';
import {flowTypes, type SynchronizationJob} from '../../source/schema/types.js';
import {helpLines} from '../../source/ui/help.js';
import {footerBindings, type KeyPress, keyBindings, menuCommands} from '../../source/ui/keymap.js';
import {inkKey, isMenuComponentKey, MenuKeys} from '../../source/ui/menu.js';
import {menuModal} from '../../source/ui/modal.js';
import {type AppState, frameContext, initialState, topFrame} from '../../source/ui/state.js';
import {KEY} from '../helpers/keys.js';
import {download, down, enter, keys, run} from '../helpers/update.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

type Handler = (input: string, key: Key) => void;

/** The real component with its keys handed over by `subscribe`, as the explorer wires it. */
async function mounted(initialIndex = 0, values: readonly string[] = flowTypes) {
	let handler: Handler | undefined;
	const events: string[] = [];
	const items = values.map((value, index) => ({label: value, value, key: String(index)}));
	const app = render(
		<SelectInput
			items={items}
			initialIndex={initialIndex}
			subscribe={(next: Handler) => {
				handler = next;
				return () => {
					handler = undefined;
				};
			}}
			onHighlight={(item) => events.push(`highlight ${item.value}`)}
			onSelect={(item) => events.push(`select ${item.value}`)}
		/>,
	);
	await settle();
	if (!handler) throw new Error('the menu did not subscribe to its keys');
	const send = (...presses: KeyPress[]) => {
		for (const press of presses) handler!(press.input, inkKey(press));
	};
	return {app, events, send};
}

describe('ink-select-input (patched)', () => {
	it('picks the second item when ↓ and Enter arrive in one read of stdin', async () => {
		const picked: string[] = [];
		const app = render(<SelectInput items={flowTypes.map((value) => ({label: value, value}))} onSelect={(item) => picked.push(item.value)} />);
		await settle();
		app.stdin.write(`${KEY.down}${KEY.enter}`);
		await settle();
		expect(picked).toEqual(['ObjectAddOnly']);
		app.unmount();
	});

	it('acts on several keys handed over before a render in order', async () => {
		const {app, events, send} = await mounted();
		send({input: '', downArrow: true}, {input: 'j'}, {input: 'k'}, {input: '', downArrow: true}, {input: '', return: true});
		expect(events.at(-1)).toBe('select MultiValueAddOnly');
		app.unmount();
	});

	it('a number picks the item printed with it, also after a menu cut to the terminal has scrolled', async () => {
		let handler: Handler | undefined;
		const picked: string[] = [];
		const values = Array.from({length: 6}, (_, index) => `item ${index + 1}`);
		const app = render(
			<SelectInput
				items={values.map((value, index) => ({label: value, value, key: String(index)}))}
				limit={3}
				subscribe={(next: Handler) => {
					handler = next;
					return () => {
						handler = undefined;
					};
				}}
				onSelect={(item) => picked.push(item.value)}
			/>,
		);
		await settle();
		for (let step = 0; step < 4; step++) handler!('', inkKey({input: '', downArrow: true}));
		await settle();
		expect(app.lastFrame()).not.toContain('item 2');
		handler!('2', inkKey({input: '2'}));
		expect(picked).toEqual(['item 2']);
		app.unmount();
	});

	it('reacts to exactly the keys the key table lists for a menu (Esc goes to the update)', async () => {
		const candidates: KeyPress[] = [
			...keyBindings.flatMap((binding) =>
				binding.keys.map((spec): KeyPress => ('key' in spec ? {input: '', [spec.key]: true} : 'input' in spec ? {input: spec.input, ctrl: spec.ctrl} : {input: '%'})),
			),
			{input: '0'},
			{input: 'x'},
			{input: 'J'},
		];
		const reactsTo: string[] = [];
		// Ten items, so that every digit 1–9 names one.
		const {app, events, send} = await mounted(1, Array.from({length: 10}, (_, index) => `item ${index + 1}`));
		for (const press of candidates) {
			const before = events.length;
			send(press);
			if (events.length > before) reactsTo.push(JSON.stringify(press));
		}
		app.unmount();
		const listed = candidates.filter(isMenuComponentKey).map((press) => JSON.stringify(press));
		expect(new Set(reactsTo)).toEqual(new Set(listed));
		// What the footer shows for a menu is generated from those same rows.
		const footer = footerBindings(menuCommands, 'menu').map((binding) => binding.label);
		expect(footer).toEqual(['Enter', '↓/j', '1–9', 'Esc', '?']);
	});
});

describe('a key goes to the menu on screen or to the update, never both', () => {
	const modal = menuModal('flowType of City', flowTypes, {kind: 'flow-type', pointer: '/x'});

	it('hands the menu only its own keys, only while it is the open modal', () => {
		const menuKeys = new MenuKeys();
		const got: string[] = [];
		const stop = menuKeys.listen(modal.purpose, (input, key) => got.push(key.downArrow ? 'down' : key.return ? 'enter' : input));
		expect(menuKeys.deliver(modal, {input: 'j'})).toBe(true);
		expect(menuKeys.deliver(modal, {input: '', downArrow: true})).toBe(true);
		expect(menuKeys.deliver(modal, {input: '', return: true})).toBe(true);
		expect(menuKeys.deliver(modal, {input: '', escape: true})).toBe(false); // Esc: the update cancels
		expect(menuKeys.deliver(modal, {input: 'x'})).toBe(false);
		// Another menu (the update closed this one and opened the next before React drew it): not this menu's key.
		expect(menuKeys.deliver(menuModal('flowType of City', flowTypes, {kind: 'flow-type', pointer: '/x'}), {input: 'j'})).toBe(false);
		expect(menuKeys.deliver(undefined, {input: 'j'})).toBe(false);
		stop();
		expect(menuKeys.deliver(modal, {input: 'j'})).toBe(false);
		expect(got).toEqual(['j', 'down', 'enter']);
	});
});

const job: SynchronizationJob = {id: 'AD2AADProvisioning.abc', templateId: 'AD2AADProvisioning'} as SynchronizationJob;
const app: AppSummary = {servicePrincipal: {id: 'sp-1', displayName: 'contoso.com'}, jobs: [job], status: 'Active'} as unknown as AppSummary;

/** The user object mapping's attribute mappings, AccountEnabled (flowType Always) under the cursor. */
function onMappings(): AppState {
	let state: AppState = {...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}, {}), stack: []};
	state = {...state, stack: [{id: 1, kind: 'jobs', app, list: {cursor: 0, offset: 0, filter: '', filtering: false}}], nextId: 2};
	state = run(state, ...keys(enter)).state;
	state = run(state, {type: 'schemaLoaded', frameId: topFrame(state).id, download: download()}).state;
	return run(state, ...keys(enter, enter)).state;
}

function accountEnabledFlowType(state: AppState): string | undefined {
	const document = frameContext(topFrame(state))!.working.document;
	return document.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.find((mapping) => mapping.targetAttributeName === 'AccountEnabled')?.flowType;
}

describe('keys typed ahead before the menu is on screen', () => {
	const sequences: Array<{name: string; presses: KeyPress[]}> = [
		{name: '↓ Enter', presses: [{input: '', downArrow: true}, {input: '', return: true}]},
		{name: 'j j k Enter', presses: [{input: 'j'}, {input: 'j'}, {input: 'k'}, {input: '', return: true}]},
		{name: '4', presses: [{input: '4'}]},
		{name: '↑ Enter (wraps to the last)', presses: [{input: '', upArrow: true}, {input: '', return: true}]},
		{name: '↓×6 Enter (wraps to the second)', presses: [...Array.from({length: 6}, () => ({input: '', downArrow: true})), {input: '', return: true}]},
	];

	for (const {name, presses} of sequences) {
		it(`${name}: the update picks what ink-select-input picks`, async () => {
			const typedAhead = run(onMappings(), ...keys('f'), ...presses.map((press) => ({type: 'key' as const, press}))).state;
			const byUpdate = accountEnabledFlowType(typedAhead);
			const {app: menu, events, send} = await mounted(flowTypes.indexOf('Always'));
			send(...presses);
			const selected = events.filter((event) => event.startsWith('select ')).at(-1)?.slice('select '.length);
			expect(selected).toBeDefined();
			expect(byUpdate).toBe(selected);
			expect(typedAhead.modal).toBeUndefined();
			menu.unmount();
		});
	}

	it('? help on the mappings lists the menu keys from the table', () => {
		const help = helpLines(onMappings()).map((line) => line.text);
		expect(help).toContain('In a short menu (source type, flowType, flowBehavior, restart scope):');
		expect(help.some((line) => /^ {2}1–9 +choose by number$/.test(line))).toBe(true);
		expect(help.some((line) => /^ {2}↓\/j +move down$/.test(line))).toBe(true);
	});

	it('a menu is not narrowed by typing: other letters do nothing, Esc cancels', () => {
		const state = run(onMappings(), ...keys('f', 'Obj')).state;
		expect(state.modal).toMatchObject({kind: 'choice', menu: true, list: {cursor: 1}}); // j moved down
		expect(run(state, ...keys({escape: true})).state.modal).toBeUndefined();
		expect(accountEnabledFlowType(run(state, ...keys(down, enter)).state)).toBe('MultiValueAddOnly');
	});
});
