/**
 * The explorer's update function on its own, without Ink: commands per screen kind (with and without
 * --read-only), Esc and filters, type-ahead, paste, text fields, late and stale answers, and purity.
 */
import {describe, expect, it} from 'vitest';
import type {AppSummary} from '../../source/explorer/services.js';
import type {SynchronizationJob, SynchronizationSchema} from '../../source/schema/types.js';
import {review} from '../../source/edit/review.js';
import {helpLines} from '../../source/ui/help.js';
import {cachedPlanLines} from '../../source/ui/plan-view.js';
import {type Action, type AppState, initialState, type PlanFrame, topFrame} from '../../source/ui/state.js';
import {type Effect, update} from '../../source/ui/update.js';
import {filterRows} from '../../source/ui/list.js';
import {frameRows} from '../../source/ui/screens/index.js';
import {download, down, enter, esc, keys, run} from '../helpers/update.js';

const job: SynchronizationJob = {id: 'AD2AADProvisioning.abc', templateId: 'AD2AADProvisioning'} as SynchronizationJob;
const app: AppSummary = {servicePrincipal: {id: 'sp-1', displayName: 'contoso.com'}, jobs: [job], status: 'Active'} as unknown as AppSummary;

/** A tenant session on contoso's job, the schema loaded, on the schema's root screen. */
function tenantJob(options: {readOnly?: boolean} = {}): AppState {
	let state: AppState = {...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}, options), stack: []};
	state = {...state, stack: [{id: 1, kind: 'jobs', app, list: {cursor: 0, offset: 0, filter: '', filtering: false}}], nextId: 2};
	state = run(state, ...keys(enter)).state;
	const frame = topFrame(state);
	return run(state, {type: 'schemaLoaded', frameId: frame.id, download: download()}).state;
}

const list = {cursor: 0, offset: 0, filter: '', filtering: false};

/** The job's status screen, read. */
function onJob(): AppState {
	const opened = run(tenantJob(), ...keys('J')).state;
	return run(opened, {type: 'jobLoaded', frameId: topFrame(opened).id, job}).state;
}

/** From the schema root: the rule, then the user object mapping (136 attribute mappings). */
function onMappings(options: {readOnly?: boolean} = {}): AppState {
	return run(tenantJob(options), ...keys(enter, enter)).state;
}

function commandsOn(state: AppState, text: string): {state: AppState; effects: Effect[]} {
	return run(state, ...keys(text));
}

describe('update is pure', () => {
	it('can run twice on the same state (as StrictMode does) and never changes its input', () => {
		const state = onMappings();
		const before = JSON.stringify(topFrame(state).kind === 'objectMapping' && (topFrame(state) as {context: {working: {document: unknown}}}).context.working.document);
		const action: Action = {type: 'key', press: {input: 't'}};
		const edit: Action[] = keys('f', down, enter);
		const once = run(state, ...edit);
		const twice = run(state, ...edit);
		expect(JSON.stringify(topFrame(once.state).list)).toBe(JSON.stringify(topFrame(twice.state).list));
		const working = (frame: AppState) => (topFrame(frame) as unknown as {context: {working: {edits: unknown[]; document: unknown}}}).context.working;
		expect(working(once.state).edits).toHaveLength(1);
		expect(working(twice.state).edits).toHaveLength(1);
		expect(working(state).edits).toHaveLength(0);
		expect(JSON.stringify(working(state).document)).toBe(before);
		expect(JSON.stringify(update(state, action).state.message)).toBe(JSON.stringify(update(state, action).state.message));
	});
});

describe('commands per screen kind', () => {
	const table: Array<{screen: string; at: () => AppState; key: string; readOnly: 'works' | 'refused'; expect: (result: {state: AppState; effects: Effect[]}) => void}> = [
		{
			screen: 'attribute-mapping list',
			at: onMappings,
			key: 'f',
			readOnly: 'refused',
			expect: ({state}) => expect(state.modal?.title).toBe('flowType of AccountEnabled'),
		},
		{
			screen: 'attribute-mapping list',
			at: onMappings,
			key: 'a',
			readOnly: 'refused',
			expect: ({state}) => expect(state.modal?.title).toBe('New mapping: target attribute (type to narrow)'),
		},
		{
			screen: 'attribute-mapping list',
			at: onMappings,
			key: 'x',
			readOnly: 'works',
			expect: ({effects}) => expect(effects).toEqual([expect.objectContaining({kind: 'checkExport', appName: 'contoso.com'})]),
		},
		{
			screen: 'attribute-mapping list',
			at: onMappings,
			key: 'S',
			readOnly: 'works',
			expect: ({state}) => expect(topFrame(state).kind).toBe('scope'),
		},
		{
			screen: 'object-mapping list',
			at: () => run(tenantJob(), ...keys(enter)).state,
			key: 't',
			readOnly: 'refused',
			expect: ({state}) => expect(state.message?.text).toMatch(/^~ User ← user: enabled true → false/),
		},
		{
			screen: 'schema root',
			at: () => tenantJob(),
			key: 'w',
			readOnly: 'refused',
			expect: ({state}) => expect(state.message?.text).toBe('No pending changes: the tenant already has this schema.'),
		},
		{
			screen: 'attribute mapping detail',
			at: () => run(onMappings(), ...keys(enter)).state,
			key: 'd',
			readOnly: 'refused',
			expect: ({state}) => expect(state.modal?.title).toBe('Default value of AccountEnabled'),
		},
		{
			screen: 'pending changes',
			at: () => run(onMappings(), ...keys('c')).state,
			key: 'u',
			readOnly: 'refused',
			expect: ({state}) => expect(state.message?.text).toBe('Nothing to undo.'),
		},
		{
			screen: 'pending changes (its remove hook)',
			at: () => run(onMappings(), ...keys('f', down, enter, 'c')).state,
			key: 'D',
			readOnly: 'refused',
			expect: ({state}) => {
				expect(state.message?.text).toMatch(/^Undone: ~ User ← user · AccountEnabled: flowType/);
				expect(topFrame(state)).toMatchObject({kind: 'changes', context: {working: {edits: []}}});
			},
		},
		{
			screen: 'scoping filter (its add hook)',
			at: () => run(onMappings(), ...keys('S')).state,
			key: 'a',
			readOnly: 'refused',
			expect: ({state}) => expect(state.modal?.title).toBe('New clause: source attribute'),
		},
		{
			screen: 'attribute mapping detail (its edit target)',
			at: () => run(onMappings(), ...keys(down, enter)).state,
			key: 'D',
			readOnly: 'refused',
			expect: ({state}) => expect(state.modal?.title).toMatch(/^Remove the mapping of \w+\?$/),
		},
		{
			screen: 'rule (its edit target is the selected object mapping)',
			at: () => run(tenantJob(), ...keys(enter)).state,
			key: 'S',
			readOnly: 'works',
			expect: ({state}) => expect(topFrame(state)).toMatchObject({kind: 'scope', node: {pointer: '/synchronizationRules/0/objectMappings/0'}}),
		},
		{
			screen: 'job status (its watch command)',
			at: () => onJob(),
			key: 'W',
			readOnly: 'works',
			expect: ({state, effects}) => {
				expect(topFrame(state)).toMatchObject({kind: 'job', watching: true});
				expect(effects).toEqual([expect.objectContaining({kind: 'watchJob', jobId: job.id})]);
			},
		},
		{
			screen: 'job status (its retry hook)',
			at: () => onJob(),
			key: 'r',
			readOnly: 'works',
			expect: ({state, effects}) => {
				expect(topFrame(state)).toMatchObject({kind: 'job', refreshing: true});
				expect(effects).toEqual([expect.objectContaining({kind: 'loadJob', jobId: job.id})]);
			},
		},
		{
			screen: 'failed app list (its retry hook)',
			at: () => ({...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}), stack: [{id: 1, kind: 'apps', status: 'error', error: 'nope', list}], nextId: 2}),
			key: 'r',
			readOnly: 'works',
			expect: ({state, effects}) => {
				expect(topFrame(state)).toMatchObject({kind: 'apps', status: 'loading', id: 2});
				// The failed screen is replaced: its (finished) work is let go, the new one lists the apps.
				expect(effects).toEqual([{kind: 'listApps', frameId: 2}, {kind: 'cancel', frameId: 1}]);
			},
		},
		{
			screen: 'cancelled sign-in (its retry hook)',
			at: () => ({...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}), stack: [{id: 1, kind: 'signIn', phase: 'cancelled', list}], nextId: 2}),
			key: 'r',
			readOnly: 'works',
			expect: ({state, effects}) => {
				expect(topFrame(state)).toMatchObject({kind: 'signIn', phase: 'starting', id: 2});
				expect(effects).toEqual([{kind: 'signIn', frameId: 2, forcePrompt: false}]);
			},
		},
	];
	for (const row of table) {
		it(`${row.screen}: ${row.key}`, () => {
			row.expect(commandsOn(row.at(), row.key));
		});
		it(`${row.screen}: ${row.key} under --read-only ${row.readOnly === 'works' ? 'works the same' : 'does nothing'}`, () => {
			const start = (() => {
				const state = row.at();
				return {...state, readOnly: true};
			})();
			const result = commandsOn(start, row.key);
			if (row.readOnly === 'works') row.expect(result);
			else {
				expect(result.state.modal).toBeUndefined();
				expect(result.effects).toEqual([]);
				expect(result.state.stack).toBe(start.stack);
			}
		});
	}
});

describe('Esc and filters', () => {
	it('Esc clears an applied filter before it goes back, keeping the row', () => {
		// `mai` names no row (`mail` would open the mapping named mail): Enter keeps the filter.
		let {state} = run(onMappings(), ...keys('/', 'mai', enter));
		expect(topFrame(state).list.filter).toBe('mai');
		state = run(state, ...keys(down)).state;
		const filtered = topFrame(state);
		const chosen = filterRows(frameRows(filtered), filtered.list.filter)[filtered.list.cursor];
		state = run(state, ...keys(esc)).state;
		expect(topFrame(state).kind).toBe('objectMapping');
		expect(topFrame(state).list.filter).toBe('');
		expect(frameRows(topFrame(state))[topFrame(state).list.cursor]?.key).toBe(chosen?.key);
		expect(topFrame(state).list.cursor).toBeGreaterThan(0);
		state = run(state, ...keys(esc)).state;
		expect(topFrame(state).kind).toBe('rule');
	});

	it('ranks the row named so first, and Enter opens it although other rows match too', () => {
		let {state} = run(onMappings(), ...keys('/', 'mail'));
		const frame = topFrame(state);
		const rows = filterRows(frameRows(frame), frame.list.filter);
		expect(rows.length).toBeGreaterThan(1);
		// In schema order `Alias ← mailNickname` comes before `Mail`; the row named exactly so ranks first, the rest keep their order.
		expect(rows[0]?.cells[0]).toBe('Mail');
		expect(rows[1]?.cells[0]).toBe('Alias');
		expect(rows[0]!.index).toBeGreaterThan(rows[1]!.index);
		const rest = rows.slice(1).map((row) => row.index);
		expect(rest).toEqual([...rest].sort((a, b) => a - b));
		state = run(state, ...keys(enter)).state;
		const opened = topFrame(state);
		expect(opened.kind === 'attributeMapping' && opened.node.mapping.targetAttributeName).toBe('Mail');
	});

	it('keeps the filter on Enter when the admin moved off the named row', () => {
		const {state} = run(onMappings(), ...keys('/', 'mail', down, enter));
		expect(topFrame(state).kind).toBe('objectMapping');
		expect(topFrame(state).list.filter).toBe('mail');
		expect(topFrame(state).list.cursor).toBe(1);
	});
});

describe('Esc per screen kind (their back hooks)', () => {
	it('Esc while signing in cancels it and stays; Esc again says it is the first screen', () => {
		const signingIn = {...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}), stack: [{id: 1, kind: 'signIn' as const, phase: 'prompt' as const, list}], nextId: 2};
		const cancelled = run(signingIn, ...keys(esc));
		expect(topFrame(cancelled.state)).toMatchObject({kind: 'signIn', phase: 'cancelled'});
		expect(cancelled.effects).toEqual([{kind: 'cancel', frameId: 1}]);
		expect(run(cancelled.state, ...keys(esc)).state.message?.text).toBe('This is the first screen: q quits.');
	});

	it('Esc on a job with pending edits asks before discarding them; n stays, y goes back', () => {
		const edited = run(onMappings(), ...keys('f', down, enter, esc, esc)).state;
		expect(topFrame(edited).kind).toBe('schema');
		const asked = run(edited, ...keys(esc)).state;
		expect(asked.modal?.title).toBe('Leave this job and discard 1 pending edit?');
		expect(run(asked, ...keys('n')).state.stack).toBe(asked.stack);
		expect(run(asked, ...keys('y')).state.stack.map((frame) => frame.kind)).toEqual(['jobs']);
	});

	it('Esc on the plan while it writes waits; on the result it reads the job again', () => {
		let state = run(onMappings(), ...keys('f', down, enter, 'w')).state;
		const plan = topFrame(state) as PlanFrame;
		state = run(state, {type: 'planReady', frameId: plan.id, attempt: plan.attempt, plan: {counts: {added: 0, changed: 1, removed: 0}, changes: [], objectMappingChanges: [], scopeChanges: [], definitionChanges: [], otherChanges: [], warnings: [], hasChanges: true, diff: ''} as never, problems: [], document: plan.document}).state;
		state = run(state, ...keys('contoso.com', enter)).state;
		expect(run(state, ...keys(esc)).state.message?.text).toBe('Writing… wait for the result.');
		state = run(state, {type: 'writeFinished', frameId: plan.id, attempt: (topFrame(state) as PlanFrame).attempt, outcome: {kind: 'done', backupPath: '/b/backup.json', newVersion: 'v2'}}).state;
		expect(topFrame(run(state, ...keys(esc)).state)).toMatchObject({kind: 'schema', status: 'loading'});
	});
});

describe('an app Graph refused', () => {
	it('says why on Enter instead of opening an empty job list', () => {
		const refused = 'Graph GET /servicePrincipals/sp-9/synchronization/jobs failed: 401 (UnknownError): the account lacks the permission or the directory role for this app';
		const apps = [{servicePrincipal: {id: 'sp-9', appId: 'app-9', displayName: 'Salesforce'}, jobs: [], noAccess: refused}] as unknown as AppSummary[];
		let state: AppState = {
			...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}),
			stack: [{id: 1, kind: 'apps', status: 'ready', apps, list: {cursor: 0, offset: 0, filter: '', filtering: false}}],
			nextId: 2,
		} as AppState;
		state = run(state, ...keys(enter)).state;
		expect(topFrame(state).kind).toBe('apps');
		const shown = state.message?.text ?? (state.modal?.kind === 'notice' ? state.modal.lines.join(' ') : '');
		expect(shown).toContain('lacks the permission or the directory role');
	});
});

describe('type-ahead and paste', () => {
	it('keeps keys typed while a screen loads and applies them when it is ready', () => {
		let state: AppState = {...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}), stack: [{id: 1, kind: 'jobs', app, list: {cursor: 0, offset: 0, filter: '', filtering: false}}], nextId: 2};
		state = run(state, ...keys(enter)).state;
		const loading = topFrame(state);
		expect(loading).toMatchObject({kind: 'schema', status: 'loading'});
		// Enter (the rule), Enter (the object mapping), ↓ ↓ — typed before the schema arrived.
		state = run(state, ...keys(enter, enter, down, down)).state;
		expect(state.typeAhead).toHaveLength(4);
		state = run(state, {type: 'schemaLoaded', frameId: loading.id, download: download()}).state;
		expect(topFrame(state).kind).toBe('objectMapping');
		expect(topFrame(state).list.cursor).toBe(2);
		expect(state.typeAhead).toEqual([]);
	});

	it('drops the typed-ahead keys when the load fails', () => {
		let state: AppState = {...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}), stack: [{id: 1, kind: 'jobs', app, list: {cursor: 0, offset: 0, filter: '', filtering: false}}], nextId: 2};
		state = run(state, ...keys(enter, 'q')).state;
		state = run(state, {type: 'loadFailed', frameId: topFrame(state).id, error: 'nope'}).state;
		expect(state.exit).toBeUndefined();
		expect(state.typeAhead).toEqual([]);
	});

	it('a paste goes into a text field as text, and is never run as commands elsewhere', () => {
		const list = onMappings();
		const ignored = run(list, {type: 'paste', text: 'DDDyyyw'});
		expect(ignored.state.modal).toBeUndefined();
		expect(ignored.effects).toEqual([]);
		expect(ignored.state.message?.text).toMatch(/^Pasted text ignored/);
		const prompt = run(list, ...keys('d', {ctrl: true, input: 'u'}), {type: 'paste', text: 'a\nb\u001b]52;c;x\u0007'}).state;
		expect(prompt.modal).toMatchObject({kind: 'prompt', value: 'a b ]52;c;x '});
	});

	it("the typed confirmation ignores keys that arrived before it appeared", () => {
		let state = run(onMappings(), ...keys('f', down, enter, 'w')).state;
		const plan = topFrame(state) as PlanFrame;
		expect(plan).toMatchObject({kind: 'plan', status: 'checking'});
		// Typed while the checks run: scrolls at most, never part of the confirmation.
		state = run(state, ...keys('contoso.com')).state;
		const checking = topFrame(state) as PlanFrame;
		const {plan: built} = {plan: {counts: {added: 0, changed: 1, removed: 0}, changes: [], objectMappingChanges: [], scopeChanges: [], definitionChanges: [], otherChanges: [], warnings: [], hasChanges: true, diff: ''}};
		state = run(state, {type: 'planReady', frameId: plan.id, attempt: checking.attempt, plan: built as never, problems: [], document: checking.document}).state;
		expect(topFrame(state)).toMatchObject({status: 'confirm', typed: ''});
		const written = run(state, ...keys(enter));
		expect(written.effects).toEqual([]);
		const typed = run(state, ...keys('contoso.com', enter));
		expect(typed.effects).toEqual([expect.objectContaining({kind: 'write', attempt: 1})]);
	});
});

describe('late and stale answers', () => {
	it('drops the answer for a screen that was closed', () => {
		let state: AppState = {...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}), stack: [{id: 1, kind: 'jobs', app, list: {cursor: 0, offset: 0, filter: '', filtering: false}}], nextId: 2};
		state = run(state, ...keys(enter)).state;
		const loading = topFrame(state);
		const left = run(state, ...keys(esc));
		expect(left.effects).toEqual([{kind: 'cancel', frameId: loading.id}]);
		const late = run(left.state, {type: 'schemaLoaded', frameId: loading.id, download: download()});
		expect(late.state).toBe(left.state);
		expect(late.effects).toEqual([]);
		// A check answered for a job no screen shows any more changes nothing either.
		const checked = run(left.state, {type: 'serverChecked', jobKey: loading.id, expressions: [], problems: []});
		expect(checked.state).toBe(left.state);
	});

	it('drops the answers of closed backups, history, job and logs screens', () => {
		const schema = tenantJob();
		const screens: Array<{keys: Parameters<typeof keys>; answer: (frameId: number) => Action}> = [
			{keys: [':', 'restore', enter], answer: (frameId) => ({type: 'backupsListed', frameId, backups: []})},
			{keys: ['h'], answer: (frameId) => ({type: 'historyListed', frameId, listing: {versions: [], notices: []} as never})},
			{keys: ['J'], answer: (frameId) => ({type: 'jobLoaded', frameId, job})},
			{keys: ['J', 'L'], answer: (frameId) => ({type: 'logsLoaded', frameId, logs: {events: [], more: false} as never})},
		];
		for (const screen of screens) {
			const opened = run(schema, ...keys(...screen.keys)).state;
			const closed = run(opened, ...keys(esc)).state;
			const late = run(closed, screen.answer(topFrame(opened).id));
			expect(late.state.stack).toBe(closed.stack);
			expect(late.effects).toEqual([]);
		}
	});

	it('ignores a write answer from an earlier attempt', () => {
		let state = run(onMappings(), ...keys('f', down, enter, 'w')).state;
		const plan = topFrame(state) as PlanFrame;
		state = run(state, {type: 'planReady', frameId: plan.id, attempt: plan.attempt, plan: {counts: {added: 0, changed: 1, removed: 0}, changes: [], objectMappingChanges: [], scopeChanges: [], definitionChanges: [], otherChanges: [], warnings: [], hasChanges: true, diff: ''} as never, problems: [], document: plan.document}).state;
		state = run(state, ...keys('contoso.com', enter)).state;
		const writing = topFrame(state) as PlanFrame;
		expect(writing.status).toBe('writing');
		const stale = run(state, {type: 'writeFinished', frameId: plan.id, attempt: writing.attempt - 1, outcome: {kind: 'failed', error: 'old'}});
		expect(topFrame(stale.state)).toMatchObject({status: 'writing'});
		const stalePlan = run(state, {type: 'planReady', frameId: plan.id, attempt: writing.attempt - 1, plan: {} as never, problems: [], document: plan.document});
		expect(topFrame(stalePlan.state)).toMatchObject({status: 'writing'});
	});
});

describe('text fields', () => {
	it('moves the cursor with ←/→, Home/End and Ctrl+A/E, deletes words with Ctrl+W, and inserts at the cursor', () => {
		let state = run(onMappings(), ...keys('d', {ctrl: true, input: 'u'}, 'one two three')).state;
		state = run(state, ...keys({leftArrow: true}, {leftArrow: true}, {leftArrow: true}, {leftArrow: true}, {leftArrow: true}, {leftArrow: true}, {ctrl: true, input: 'w'})).state;
		expect(state.modal).toMatchObject({value: 'one  three', cursor: 4});
		state = run(state, ...keys({ctrl: true, input: 'a'}, '>', {ctrl: true, input: 'e'}, '<', {home: true}, {rightArrow: true}, '_', {end: true}, {backspace: true})).state;
		expect(state.modal).toMatchObject({value: '>_one  three', cursor: 12});
	});

	it('Tab completes and cycles through the candidates, showing them', () => {
		let state = run(onMappings(), ...keys('s', '1', {ctrl: true, input: 'u'}, 'msExch')).state;
		state = run(state, ...keys({tab: true})).state;
		const first = state.modal as {value: string; completion?: {candidates: string[]; index: number}};
		expect(first.completion?.candidates.length).toBeGreaterThan(1);
		expect(first.value).toBe(first.completion!.candidates[0]);
		state = run(state, ...keys({tab: true})).state;
		const second = state.modal as {value: string; completion?: {candidates: string[]; index: number}};
		expect(second.value).toBe(first.completion!.candidates[1]);
		state = run(state, ...keys({tab: true, shift: true})).state;
		expect((state.modal as {value: string}).value).toBe(first.completion!.candidates[0]);
	});
});

describe('help, export and writes', () => {
	it('help scrolls at 80×24 and says where it is', () => {
		let state = run(onMappings(), ...keys('?')).state;
		const total = helpLines(state).length;
		expect(total).toBeGreaterThan(18);
		state = run(state, ...keys({pageDown: true})).state;
		expect(state.help).toMatchObject({offset: expect.any(Number)});
		expect((state.help as {offset: number}).offset).toBeGreaterThan(0);
		state = run(state, ...keys(esc)).state;
		expect(state.help).toBe(false);
	});

	it('x says where it writes and asks before replacing a file', () => {
		const asked = run(onMappings(), ...keys('x'));
		const check = asked.effects[0] as Extract<Effect, {kind: 'checkExport'}>;
		const free = run(asked.state, {type: 'exportChecked', taskId: check.id, bytes: check.bytes, path: '/exports/a.json', exists: false});
		expect(free.state.message?.text).toBe('Exporting to /exports/a.json…');
		expect(free.effects).toEqual([expect.objectContaining({kind: 'export', path: '/exports/a.json', replace: false})]);
		const taken = run(asked.state, {type: 'exportChecked', taskId: check.id, bytes: check.bytes, path: '/exports/a.json', exists: true});
		expect(taken.state.modal?.title).toBe('Replace the existing file /exports/a.json?');
		expect(taken.effects).toEqual([]);
		expect(run(taken.state, ...keys('n')).effects).toEqual([]);
		expect(run(taken.state, ...keys('y')).effects).toEqual([expect.objectContaining({kind: 'export', replace: true})]);
	});

	it('after a write, returns to the list and row the admin was on', () => {
		let state = run(onMappings(), ...keys(down, down, down, 'f', down, enter, 'w')).state;
		const plan = topFrame(state) as PlanFrame;
		state = run(state, {type: 'planReady', frameId: plan.id, attempt: plan.attempt, plan: {counts: {added: 0, changed: 1, removed: 0}, changes: [], objectMappingChanges: [], scopeChanges: [], definitionChanges: [], otherChanges: [], warnings: [], hasChanges: true, diff: ''} as never, problems: [], document: plan.document}).state;
		state = run(state, ...keys('contoso.com', enter)).state;
		state = run(state, {type: 'writeFinished', frameId: plan.id, attempt: (topFrame(state) as PlanFrame).attempt, outcome: {kind: 'done', backupPath: '/b/backup.json', newVersion: 'v2'}}).state;
		const reread = run(state, ...keys(enter));
		const schema = topFrame(reread.state);
		expect(schema).toMatchObject({kind: 'schema', status: 'loading'});
		expect(reread.effects).toEqual(expect.arrayContaining([expect.objectContaining({kind: 'loadSchema', frameId: schema.id})]));
		const back = run(reread.state, {type: 'schemaLoaded', frameId: schema.id, download: download()}).state;
		expect(back.stack.map((frame) => frame.kind)).toEqual(['jobs', 'schema', 'rule', 'objectMapping']);
		expect(topFrame(back).list.cursor).toBe(3);
		expect(back.message).toMatchObject({text: 'Written and verified. Backup of the previous schema:', path: '/b/backup.json'});
	});
});

describe('one review step: the explorer blocks and warns as the import command does', () => {
	function importInto(live: SynchronizationSchema, file: SynchronizationSchema) {
		const bytes = Buffer.from(JSON.stringify(live));
		let state: AppState = {...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}), stack: [{id: 1, kind: 'jobs', app, list: {cursor: 0, offset: 0, filter: '', filtering: false}}], nextId: 2};
		state = run(state, ...keys(enter)).state;
		const schema = topFrame(state);
		state = run(state, {type: 'schemaLoaded', frameId: schema.id, download: {bytes, schema: live}}).state;
		return run(state, {type: 'schemaRead', taskId: 0, purpose: 'import', jobKey: schema.id, download: {bytes: Buffer.from(JSON.stringify(file)), schema: file}, label: 'file.json'});
	}

	const userMappings = (schema: SynchronizationSchema) => schema.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!;

	it('a problem the live schema already has warns and does not block; the plan shows definition changes', async () => {
		const live = download().schema;
		userMappings(live).find((mapping) => mapping.targetAttributeName === 'Department')!.source = {expression: '[departmentName]', name: 'departmentName', type: 'Attribute', parameters: []};
		const file = structuredClone(live);
		userMappings(file).find((mapping) => mapping.targetAttributeName === 'Mail')!.flowType = 'ObjectAddOnly';
		file.directories![1]!.objects![0]!.attributes![0]!.caseExact = true;
		const opened = importInto(live, file);
		const plan = topFrame(opened.state) as PlanFrame;
		const task = opened.effects.find((effect) => effect.kind === 'plan') as Extract<Effect, {kind: 'plan'}>;
		const reviewed = await review(task.request);
		const ready = run(opened.state, {type: 'planReady', frameId: plan.id, attempt: task.attempt, plan: reviewed.plan, problems: reviewed.problems, document: reviewed.body}).state;
		const frame = topFrame(ready) as PlanFrame;
		expect(frame.status).toBe('confirm');
		const text = cachedPlanLines(frame, 200).join('\n');
		expect(text).toMatch(/! warning\s+User ← user · Department: .*\(the live schema has this too\)/);
		expect(text).toContain('Directories and attribute definitions');
	});

	it('the plan says why the JSON diff was left out', async () => {
		const live = download().schema;
		const file = structuredClone(live);
		for (const mapping of userMappings(file)) mapping.defaultValue = 'x';
		for (const mapping of file.synchronizationRules![0]!.objectMappings![1]!.attributeMappings ?? []) mapping.defaultValue = 'x';
		const many = userMappings(file);
		for (let index = 0; index < 300; index++) many.push({...many[0]!, targetAttributeName: `extra${index}`});
		const opened = importInto(live, file);
		const task = opened.effects.find((effect) => effect.kind === 'plan') as Extract<Effect, {kind: 'plan'}>;
		const reviewed = await review(task.request);
		const plan = topFrame(opened.state) as PlanFrame;
		const ready = run(opened.state, {type: 'planReady', frameId: plan.id, attempt: task.attempt, plan: reviewed.plan, problems: reviewed.problems, document: reviewed.body}).state;
		expect(cachedPlanLines(topFrame(ready) as PlanFrame, 200).join('\n')).toMatch(/The JSON diff is too large to show/);
	});
});
