/**
 * The screen registry's contract: every kind of screen is reached as an admin reaches it, and wherever the keys go
 * there (the screen's commands, its filter, the plan's typed confirmation, a text field, a choice, a question, a
 * notice, the help) the footer is generated from the key table: each key it names is a row of the table that the
 * table itself matches to that command, and `?` is shown wherever keys are commands rather than typed text.
 */
import {describe, expect, it} from 'vitest';
import type {AppSummary} from '../../source/explorer/services.js';
import type {SynchronizationJob} from '../../source/schema/types.js';
import {type KeyBinding, type KeyPress, keyBindings, matchCommand} from '../../source/ui/keymap.js';
import {footerLine} from '../../source/ui/screen.js';
import {screens} from '../../source/ui/screens/index.js';
import {type AppState, type Frame, initialState, keyScope, type PlanFrame, topFrame} from '../../source/ui/state.js';
import {download, down, enter, keys, run} from '../helpers/update.js';

const job = {id: 'AD2AADProvisioning.abc', templateId: 'AD2AADProvisioning'} as SynchronizationJob;
const app = {servicePrincipal: {id: 'sp-1', displayName: 'contoso.com'}, jobs: [job], status: 'Active'} as unknown as AppSummary;
const list = {cursor: 0, offset: 0, filter: '', filtering: false};
const emptyPlan = {counts: {added: 0, changed: 1, removed: 0}, changes: [], objectMappingChanges: [], scopeChanges: [], definitionChanges: [], otherChanges: [], warnings: [], hasChanges: true, diff: ''};

function on(stack: Frame[], readOnly = false): AppState {
	return {...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}, {readOnly}), stack, nextId: 100};
}

function press(state: AppState, ...presses: Parameters<typeof keys>): AppState {
	return run(state, ...keys(...presses)).state;
}

function schemaRoot(): AppState {
	const opened = press(on([{id: 1, kind: 'jobs', app, list}]), enter);
	return run(opened, {type: 'schemaLoaded', frameId: topFrame(opened).id, download: download()}).state;
}
const mappings = () => press(schemaRoot(), enter, enter);
const jobStatus = () => {
	const opened = press(schemaRoot(), 'J');
	return run(opened, {type: 'jobLoaded', frameId: topFrame(opened).id, job}).state;
};
const planConfirm = () => {
	const asked = press(mappings(), 'f', down, enter, 'w');
	const plan = topFrame(asked) as PlanFrame;
	return run(asked, {type: 'planReady', frameId: plan.id, attempt: plan.attempt, plan: emptyPlan as never, problems: [], document: plan.document}).state;
};

/** Each kind of screen, reached as an admin reaches it (or, for a screen opened by an answer, with that answer). */
const reach: {[Kind in Frame['kind']]: () => AppState} = {
	signIn: () => on([{id: 1, kind: 'signIn', phase: 'cancelled', list}]),
	apps: () => on([{id: 1, kind: 'apps', status: 'ready', apps: [app], list}]),
	jobs: () => on([{id: 1, kind: 'jobs', app, list}]),
	schema: schemaRoot,
	rule: () => press(schemaRoot(), enter),
	objectMapping: mappings,
	attributeMapping: () => press(mappings(), enter),
	directory: () => press(schemaRoot(), 'G', enter),
	object: () => press(schemaRoot(), 'G', enter, enter),
	attribute: () => press(schemaRoot(), 'G', enter, enter, enter),
	scope: () => press(mappings(), 'S'),
	changes: () => press(mappings(), 'f', down, enter, 'c'),
	backups: () => {
		const listed = press(schemaRoot(), ':', 'restore', enter);
		return run(listed, {type: 'backupsListed', frameId: topFrame(listed).id, backups: [{path: '/b/one.json', savedAt: new Date(0), version: 'v1'} as never]}).state;
	},
	plan: planConfirm,
	job: jobStatus,
	provision: () => press(jobStatus(), 'p', 'adele@contoso.com', enter),
	logs: () => {
		const opened = press(jobStatus(), 'L');
		return run(opened, {type: 'logsLoaded', frameId: topFrame(opened).id, logs: {events: [], more: false} as never}).state;
	},
	logEvent: () => {
		const state = schemaRoot();
		return {...state, stack: [...state.stack, {id: 99, kind: 'logEvent', event: {id: 'e1', status: 'success', action: 'Create'} as never, list}]};
	},
	expressionTest: () => press(mappings(), 't'),
	history: () => {
		const opened = press(schemaRoot(), 'h');
		return run(opened, {type: 'historyListed', frameId: topFrame(opened).id, listing: {versions: [], notices: []} as never}).state;
	},
	compare: () => {
		const state = schemaRoot();
		const context = (topFrame(state) as Extract<Frame, {kind: 'schema'}>).context!;
		return {...state, stack: [...state.stack, {id: 99, kind: 'compare', context, status: 'ready', title: 'version 1 → live', text: 'No changes.\n', list}]};
	},
};

/** A key press that a binding's first key stands for. */
function pressFor(binding: KeyBinding): KeyPress {
	const spec = binding.keys[0]!;
	if ('key' in spec) return {input: '', [spec.key]: true};
	if ('printable' in spec) return {input: 'x'};
	return {input: spec.input, ctrl: spec.ctrl};
}

/** Every footer entry of where the keys go now is a row of the key table, matched by the table to its command. */
function expectFooterFromTable(state: AppState): string {
	const {context, commands} = keyScope(state);
	const footer = footerLine(state, 400);
	const entries = keyBindings.filter((binding) => binding.footer && (binding.context ?? 'list') === context && commands.has(binding.command));
	expect(entries.length).toBeGreaterThan(0);
	for (const binding of entries) {
		expect(footer).toContain(`${binding.label} ${binding.help}`);
		expect(matchCommand(pressFor(binding), commands, context)).toBe(binding.command);
	}
	// Nothing in the footer that is not in the table: it is exactly the entries, joined.
	expect(footer.split('  ').filter(Boolean).sort()).toEqual(entries.map((binding) => `${binding.label} ${binding.help}`).sort());
	return footer;
}

describe('every kind of screen is registered and reached', () => {
	it('the samples cover exactly the registry', () => {
		expect(Object.keys(reach).sort()).toEqual(Object.keys(screens).sort());
	});
	for (const kind of Object.keys(reach) as Array<Frame['kind']>) {
		it(`${kind}: opens as that kind`, () => {
			expect(topFrame(reach[kind]()).kind).toBe(kind);
		});
	}
});

describe('footers come from the key table on every screen and in every context', () => {
	for (const readOnly of [false, true]) {
		for (const kind of Object.keys(reach) as Array<Frame['kind']>) {
			it(`${kind}${readOnly ? ' under --read-only' : ''}: the screen's keys, then its filter`, () => {
				const state = {...reach[kind](), readOnly};
				const footer = expectFooterFromTable(state);
				const {context, commands} = keyScope(state);
				// `?` wherever keys are commands; only the plan's typed confirmation takes `?` as text.
				if (context === 'plan') expect(footer).not.toContain('? help');
				else expect(footer).toMatch(/\? help for this screen$/);
				if (context === 'list' && commands.has('filter')) {
					const filtering = press(state, '/');
					expect(keyScope(filtering).context).toBe('filter');
					expectFooterFromTable(filtering);
				}
				const help = press(state, ...(context === 'plan' ? [] : ['?']));
				if (context !== 'plan') {
					expect(keyScope(help).context).toBe('help');
					expectFooterFromTable(help);
				}
			});
		}
	}
});

describe('footers of dialogs come from the key table', () => {
	it('a text field, a choice, a question and a notice; `?` over a question or notice opens its help', () => {
		const prompt = press(mappings(), 'd');
		expect(keyScope(prompt).context).toBe('text');
		expect(expectFooterFromTable(prompt)).not.toContain('?');
		const choice = press(mappings(), 'a');
		expect(keyScope(choice).context).toBe('choice');
		expectFooterFromTable(choice);
		// A short fixed menu (ink-select-input) has its own context: j/k and digits are keys there, not narrowing.
		const menu = press(mappings(), 'f');
		expect(keyScope(menu).context).toBe('menu');
		expect(expectFooterFromTable(menu)).toMatch(/1–9 choose by number.*\? help$/);
		const question = press(mappings(), 'D');
		expect(keyScope(question).context).toBe('confirm');
		expect(expectFooterFromTable(question)).toMatch(/\? help for this question$/);
		const helped = press(question, '?');
		expect(helped.help).not.toBe(false);
		expect(helped.modal).toBe(question.modal);
		expect(footerLine(helped, 400)).toContain('Esc close help');
		expect(press(helped, {escape: true})).toMatchObject({help: false, modal: question.modal});
		const notice = {...mappings(), modal: {kind: 'notice' as const, title: 'Problem', lines: ['A long error.', 'Enter or Esc closes this.'], purpose: {kind: 'notice' as const}}};
		expect(keyScope(notice).context).toBe('notice');
		expect(expectFooterFromTable(notice)).toMatch(/^Enter\/Esc close {2}\? help$/);
		expect(press(notice, enter).modal).toBeUndefined();
	});

	it('the plan confirmation: typing is a row of the table, so `?` and `q` are part of the name', () => {
		const state = planConfirm();
		expect(keyScope(state).context).toBe('plan');
		expect(expectFooterFromTable(state)).toMatch(/^type the name {2}Enter write/);
		const typed = press(state, 'q?');
		expect(typed.exit).toBeUndefined();
		expect(typed.help).toBe(false);
		expect(topFrame(typed)).toMatchObject({typed: 'q?'});
	});
});
