/**
 * Every kind of screen, modal, completion list and help, drawn with names made of terminal control sequences
 * (OSC 0 title, OSC 52 clipboard, OSC 8 links, CSI, BiDi): none reaches the terminal, because the one place
 * that draws a line sanitises it.
 */
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import type {AppSummary} from '../../source/explorer/services.js';
import type {SynchronizationJob, SynchronizationSchema} from '../../source/schema/types.js';
import {Screen} from '../../source/ui/screen.js';
import {type Action, type AppState, initialState, type PlanFrame, topFrame} from '../../source/ui/state.js';
import {update} from '../../source/ui/update.js';
import {controlSequences, hostileSchema} from '../hostile/hostile-schema.js';

const osc = {
	title: `mail${controlSequences.title}Title`,
	clipboard: `mail${controlSequences.clipboard}Clip`,
	link: `mail${controlSequences.hyperlink}Link`,
};

function schema(): SynchronizationSchema {
	const value = hostileSchema();
	const attribute = (name: string) => ({name, type: 'String' as const, multivalued: false, mutability: 'ReadWrite' as const, anchor: false, caseExact: false, required: false, metadata: [], referencedObjects: []});
	// Source attributes (Tab suggestions) and target attributes (the add-mapping choice) named with OSC sequences.
	value.directories![0]!.objects![0]!.attributes!.push(...Object.values(osc).map(attribute));
	value.directories![1]!.objects![0]!.attributes!.push(...Object.values(osc).map((name) => attribute(`T${name}`)));
	return value;
}

const job = {id: `job${controlSequences.title}`, templateId: `AD2AAD${controlSequences.clipboard}`, status: {code: 'Active'}} as unknown as SynchronizationJob;
const app = {servicePrincipal: {id: 'sp-1', displayName: `contoso${controlSequences.hyperlink}.com`, appId: 'a'}, jobs: [job], status: 'Active'} as unknown as AppSummary;

const press = (input: string, extra: object = {}): Action => ({type: 'key', press: {input, ...extra}});
const enter = press('', {return: true});
const esc = press('', {escape: true});
const down = press('', {downArrow: true});

function step(state: AppState, ...actions: Action[]): AppState {
	let current = state;
	for (const action of actions) current = update(current, action).state;
	return current;
}

/** What the terminal would receive for this state; must hold no control sequence from the tenant. */
function expectInert(state: AppState, what: string): string {
	const {lastFrame, unmount} = render(<Screen state={state} />);
	const frame = lastFrame() ?? '';
	unmount();
	// Ink's own colours are SGR (ESC[…m); anything else came from the data.
	const withoutStyles = frame.replace(/\x1b\[[0-9;]*m/g, '');
	expect(withoutStyles, what).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
	return withoutStyles;
}

describe('hostile names on every screen kind', () => {
	it('apps, jobs, schema, rules, mappings, details, directories, objects, definitions, scope, changes, plan, help, choices and completions', () => {
		let state: AppState = initialState({kind: 'tenant', label: `demo${controlSequences.title}`}, {rows: 24, columns: 80});
		const signIn = topFrame(state).id;
		state = step(state, {type: 'signInPrompt', frameId: signIn, prompt: {kind: 'device-code', verificationUri: `https://x${controlSequences.title}`, userCode: `AB${controlSequences.clipboard}`, expiresAt: Date.now() + 60_000, reason: `why${controlSequences.hyperlink}`} as never});
		expectInert(state, 'sign-in');
		state = step(state, {type: 'signedIn', frameId: signIn, account: `admin${controlSequences.title}`});
		expectInert(state, 'signed in message');
		state = step(state, {type: 'appsLoaded', frameId: topFrame(state).id, apps: [app]});
		expectInert(state, 'apps');
		state = step(state, enter);
		expectInert(state, 'jobs');
		state = step(state, enter, {type: 'schemaLoaded', frameId: state.nextId, download: {bytes: new Uint8Array(), schema: schema()}});
		expect(topFrame(state).kind).toBe('schema');
		expectInert(state, 'schema root');
		state = step(state, enter);
		expectInert(state, 'object mappings');
		state = step(state, enter);
		expect(topFrame(state).kind).toBe('objectMapping');
		expectInert(state, 'attribute mappings');
		// The add-mapping choice lists the target object's attributes, hostile names among them.
		const picker = step(state, press('a'), press('T'));
		expect(picker.modal?.kind).toBe('choice');
		expect(expectInert(picker, 'add-mapping choice')).toContain('Tmail␛]0;pwned-title␇Title');
		// Tab suggestions of the source attribute field.
		const field = step(state, press('s'), press('A'), press('t'), press('t'), press('r'), enter, press('u', {ctrl: true}), press('m'), press('a'), press('i'), press('l'));
		expect(field.modal?.kind).toBe('prompt');
		expect(expectInert(field, 'Tab suggestions')).toContain('mail␛]52;c;cm0gLXJmIH4K␇Clip');
		const cycled = step(field, press('', {tab: true}), press('', {tab: true}));
		expectInert(cycled, 'Tab cycling');
		expectInert(step(state, press('S')), 'scoping filter');
		expectInert(step(state, press('?')), 'help');
		const detail = step(state, enter);
		expectInert(detail, 'attribute mapping detail');
		// An edit, the pending changes and the plan.
		const edited = step(state, press('f'), down, enter);
		expectInert(edited, 'edit message');
		expectInert(step(edited, press('c')), 'pending changes');
		const planned = step(edited, press('w'));
		const plan = topFrame(planned) as PlanFrame;
		const ready = step(planned, {
			type: 'planReady',
			frameId: plan.id,
			attempt: plan.attempt,
			plan: {counts: {added: 0, changed: 1, removed: 0}, changes: [], objectMappingChanges: [], scopeChanges: [], definitionChanges: [], otherChanges: [], warnings: [`warn${controlSequences.title}`], hasChanges: true, diff: `+ "x${controlSequences.clipboard}"`} as never,
			problems: [{severity: 'error', pointer: `/p${controlSequences.hyperlink}`, message: `bad${controlSequences.title}`}],
			document: plan.document,
		});
		expectInert(ready, 'plan');
		// Directories → objects → definitions → one definition.
		let side = step(state, esc, esc, down, enter);
		expectInert(side, 'objects');
		side = step(side, enter);
		expectInert(side, 'attribute definitions');
		side = step(side, press('G'), enter);
		expectInert(side, 'attribute definition');
		// A long error becomes a notice; a confirmation.
		expectInert(step(state, {type: 'notice', message: {kind: 'error', text: `${'long '.repeat(30)}${controlSequences.title}`}}), 'notice');
		expectInert(step(state, press('D')), 'confirm');
	});
});

describe('long views at 80×24', () => {
	it('help and the plan scroll and say where they are; list footers always show ?', () => {
		let state: AppState = initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80});
		state = step(state, {type: 'signedIn', frameId: topFrame(state).id, account: 'admin'});
		state = step(state, {type: 'appsLoaded', frameId: topFrame(state).id, apps: [app]}, enter, enter);
		state = step(state, {type: 'schemaLoaded', frameId: topFrame(state).id, download: {bytes: new Uint8Array(), schema: schema()}}, enter, enter);
		const list = expectInert(state, 'list');
		expect(list.split('\n').at(-1)).toMatch(/\? help/);
		const help = expectInert(step(state, press('?')), 'help');
		expect(help).toMatch(/lines 1–\d+\/\d+/);
		const scrolled = expectInert(step(state, press('?'), press('', {pageDown: true})), 'help scrolled');
		expect(scrolled).toMatch(/lines (?!1–)\d+–\d+\/\d+/);
		const edited = step(state, press('f'), down, enter, press('w'));
		const plan = topFrame(edited) as PlanFrame;
		const ready = step(edited, {
			type: 'planReady',
			frameId: plan.id,
			attempt: plan.attempt,
			plan: {counts: {added: 0, changed: 1, removed: 0}, changes: [], objectMappingChanges: [], scopeChanges: [], definitionChanges: [], otherChanges: [], warnings: ['w'], hasChanges: true, diff: Array.from({length: 60}, (_, index) => `+ line ${index}`).join('\n')} as never,
			problems: [],
			document: plan.document,
		});
		expect(expectInert(ready, 'plan')).toMatch(/lines 1–\d+\/\d+/);
	});
});
