/**
 * The expression test screen (`t`) in the pure update, without Ink: what opens it and where, its fields and
 * effects, prefill that never overwrites what was typed, answers from an earlier run ignored, paste, saving a case,
 * Ctrl+T from the expression prompt and Esc back to it, --read-only, and the write running the job's cases.
 */
import {describe, expect, it} from 'vitest';
import {buildPlan} from '../../source/edit/index.js';
import type {AppSummary} from '../../source/explorer/services.js';
import type {TestRun} from '../../source/explorer/expression-tests.js';
import type {SynchronizationJob, } from '../../source/schema/types.js';
import {type AppState, type ExpressionTestFrame, initialState, type PlanFrame, topFrame} from '../../source/ui/state.js';
import {textLines} from '../../source/ui/screens/index.js';
import {type Effect, update} from '../../source/ui/update.js';
import {download, down, enter, esc, keys, run} from '../helpers/update.js';

const job: SynchronizationJob = {id: 'AD2AADProvisioning.abc', templateId: 'AD2AADProvisioning'} as SynchronizationJob;
const app: AppSummary = {servicePrincipal: {id: 'sp-1', displayName: 'contoso.com'}, jobs: [job], status: 'Active'} as unknown as AppSummary;

const ctrl = (input: string) => ({ctrl: true, input});

function onMappings(options: {readOnly?: boolean; casesPath?: string} = {}): AppState {
	let state: AppState = {...initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}, options), stack: []};
	state = {...state, stack: [{id: 1, kind: 'jobs', app, list: {cursor: 0, offset: 0, filter: '', filtering: false}}], nextId: 2};
	state = run(state, ...keys(enter)).state;
	state = run(state, {type: 'schemaLoaded', frameId: topFrame(state).id, download: download()}).state;
	return run(state, ...keys(enter, enter)).state;
}

function testFrame(state: AppState): ExpressionTestFrame {
	const frame = topFrame(state);
	if (frame.kind !== 'expressionTest') throw new Error(`on ${frame.kind}, not the test`);
	return frame;
}

const screenText = (state: AppState) => textLines(topFrame(state), state.viewport.columns).join('\n');
const flatText = (state: AppState) => screenText(state).replace(/\s+/g, ' ');

/** The runner's answers: the last values (none), then a result for the run the effects asked for. */
function answerRun(state: AppState, effects: Effect[], run_: TestRun): AppState {
	const task = effects.findLast((effect) => effect.kind === 'runTest');
	if (task?.kind !== 'runTest') throw new Error('no run asked for');
	return update(state, {type: 'testFinished', frameId: task.frameId, attempt: task.attempt, run: run_}).state;
}

const graphFalse: TestRun = {result: {ok: true, mode: 'graph', value: 'False', notes: []}};

describe('t opens the test of the selected mapping', () => {
	it("asks for the job's last values for the fields the expression reads, then runs with what it got", () => {
		const opened = run(onMappings(), ...keys('t'));
		const frame = testFrame(opened.state);
		expect(frame.label).toBe('User ← user · AccountEnabled');
		expect(frame.fields.map((field) => field.name)).toEqual(['userAccountControl', 'accountDisabled']);
		expect(opened.effects).toEqual([expect.objectContaining({kind: 'prepareTest', valuesKey: 'sp-1/AD2AADProvisioning.abc'})]);
		const prefilled = run(opened.state, {type: 'testPrefilled', frameId: frame.id, input: {userAccountControl: '514'}});
		expect(testFrame(prefilled.state).values).toEqual({userAccountControl: ['514']});
		expect(prefilled.effects).toEqual([
			expect.objectContaining({kind: 'runTest', input: {userAccountControl: '514', accountDisabled: null}, job: expect.objectContaining({servicePrincipalId: 'sp-1', jobId: 'AD2AADProvisioning.abc'})}),
		]);
		expect(screenText(prefilled.state)).toContain('Prefilled from the last values used for this job.');
	});

	it('works from the mapping detail and under --read-only (testing writes nothing to the tenant)', () => {
		const detail = run(onMappings({readOnly: true}), ...keys(enter, 't'));
		expect(testFrame(detail.state).label).toBe('User ← user · AccountEnabled');
		expect(detail.effects).toEqual([expect.objectContaining({kind: 'prepareTest'})]);
	});

	it('a typed value reruns the test; last values arriving late do not overwrite it', () => {
		const opened = run(onMappings(), ...keys('t'));
		const id = testFrame(opened.state).id;
		const typed = run(opened.state, ...keys(enter, '512', enter));
		expect(typed.effects).toEqual([expect.objectContaining({kind: 'runTest', input: {userAccountControl: '512', accountDisabled: null}})]);
		const late = run(typed.state, {type: 'testPrefilled', frameId: id, input: {userAccountControl: '514', accountDisabled: 'True'}});
		expect(testFrame(late.state).values).toEqual({userAccountControl: ['512'], accountDisabled: ['True']});
	});

	it('shows the result with how it was evaluated, and ignores an answer from an earlier run', () => {
		const opened = run(onMappings(), ...keys('t'));
		const first = run(opened.state, {type: 'testPrefilled', frameId: testFrame(opened.state).id, input: {}});
		const second = run(first.state, ...keys(enter, '514', enter));
		const stale = run(second.state, {type: 'testFinished', frameId: testFrame(second.state).id, attempt: 1, run: {result: {ok: true, mode: 'graph', value: 'True', notes: []}}});
		expect(testFrame(stale.state).run).toBeUndefined();
		const answered = answerRun(second.state, second.effects, graphFalse);
		expect(screenText(answered)).toMatch(/Result — Graph's parseExpression\n {2}"False"/);
		const local = answerRun(second.state, second.effects, {result: {ok: false, mode: 'local', message: 'BitAnd needs numbers', reason: 'error'}, localBecause: 'offline'});
		expect(screenText(local)).toContain("Result — local evaluation (provisioning-explorer's evaluator, not Graph)");
		expect(screenText(local)).toContain('error: BitAnd needs numbers');
		expect(screenText(local)).toContain('Evaluated locally: offline.');
	});

	it('a multi-valued attribute takes several values, in order; an emptied value is removed', () => {
		const list = onMappings();
		const filtered = run(list, ...keys('/', 'ProxyAddresses', enter)).state;
		const opened = run(filtered, ...keys('t'));
		expect(testFrame(opened.state).fields).toEqual([expect.objectContaining({name: 'proxyAddresses', multiValued: true})]);
		const two = run(opened.state, ...keys(enter, 'smtp:a@contoso.com', enter, down, enter, 'SMTP:b@contoso.com', enter));
		expect(two.effects.at(-1)).toMatchObject({kind: 'runTest', input: {proxyAddresses: ['smtp:a@contoso.com', 'SMTP:b@contoso.com']}});
		const removed = run(two.state, ...keys({upArrow: true}, enter, ctrl('u'), enter));
		expect(removed.effects.at(-1)).toMatchObject({kind: 'runTest', input: {proxyAddresses: ['SMTP:b@contoso.com']}});
		const shown = answerRun(two.state, two.effects, {result: {ok: true, mode: 'graph', value: ['smtp:a@contoso.com', 'SMTP:b@contoso.com'], notes: []}});
		expect(screenText(shown)).toContain('["smtp:a@contoso.com", "SMTP:b@contoso.com"]\n  2 values (multi-valued)');
	});

	it('a paste into a value is text, never keys', () => {
		const opened = run(onMappings(), ...keys('t', enter), {type: 'paste', text: '5\u001b[A14\nrs'});
		expect(opened.state.modal).toMatchObject({kind: 'prompt', value: '5 [A14 rs'});
		expect(opened.effects.filter((effect) => effect.kind === 'runTest')).toEqual([]);
	});

	it('Esc leaves the test for the list it came from', () => {
		const back = run(onMappings(), ...keys('t', esc)).state;
		expect(topFrame(back).kind).toBe('objectMapping');
	});
});

describe('s saves the run as a case', () => {
	it('asks for the case file once (offering <app>.<job>.tests.json), then saves there for the rest of the session', () => {
		const opened = run(onMappings(), ...keys('t', enter, '514', enter));
		const answered = answerRun(opened.state, opened.effects, graphFalse);
		const asked = run(answered, ...keys('s'));
		expect(asked.state.modal).toMatchObject({kind: 'prompt', title: 'Save the case to (case file)', value: 'contoso.com.AD2AADProvisioning.tests.json'});
		const saved = run(asked.state, ...keys(enter));
		expect(saved.effects).toEqual([
			expect.objectContaining({
				kind: 'saveCase',
				path: 'contoso.com.AD2AADProvisioning.tests.json',
				testCase: {target: 'AccountEnabled', input: {userAccountControl: '514', accountDisabled: null}, expect: 'False'},
			}),
		]);
		const again = run(saved.state, ...keys('s'));
		expect(again.state.modal).toBeUndefined();
		expect(again.effects).toEqual([expect.objectContaining({kind: 'saveCase', path: 'contoso.com.AD2AADProvisioning.tests.json'})]);
	});

	it('with --cases FILE saves there at once; before a result there is nothing to save', () => {
		const opened = run(onMappings({casesPath: 'contoso.tests.json'}), ...keys('t'));
		expect(run(opened.state, ...keys('s')).state.message?.text).toBe('Wait for the result, then s saves it as a case.');
		const prefilled = run(opened.state, {type: 'testPrefilled', frameId: testFrame(opened.state).id, input: {}});
		const answered = answerRun(prefilled.state, prefilled.effects, graphFalse);
		expect(run(answered, ...keys('s')).effects).toEqual([expect.objectContaining({kind: 'saveCase', path: 'contoso.tests.json'})]);
	});
});

describe('Ctrl+T in the expression prompt tests the expression before it is accepted', () => {
	it('tests the typed text, not the stored one, and Esc returns to the prompt with the text kept', () => {
		const prompt = run(onMappings(), ...keys('s', enter)).state;
		expect(prompt.modal).toMatchObject({kind: 'prompt', title: 'Expression'});
		const typed = run(prompt, ...keys(ctrl('u'), 'IIF(BitAnd([userAccountControl], 2)="0", "False", "True")', ctrl('t')));
		const frame = testFrame(typed.state);
		expect(frame.mapping.source?.expression).toBe('IIF(BitAnd([userAccountControl], 2)="0", "False", "True")');
		expect(frame.fields.map((field) => field.name)).toEqual(['userAccountControl']);
		expect(typed.state.modal).toBeUndefined();
		expect(screenText(typed.state)).toContain('Expression being edited (not accepted yet; Esc returns to it)');
		const working = (state: AppState) => (topFrame(state) as unknown as {context: {working: {edits: unknown[]}}}).context.working.edits;
		expect(working(typed.state)).toHaveLength(0);
		const back = run(typed.state, ...keys(esc)).state;
		expect(topFrame(back).kind).toBe('objectMapping');
		expect(back.modal).toMatchObject({kind: 'prompt', title: 'Expression', value: 'IIF(BitAnd([userAccountControl], 2)="0", "False", "True")'});
		const accepted = run(back, ...keys(enter)).state;
		expect(working(accepted)).toHaveLength(1);
	});

	it('an expression that does not parse stays in the prompt with the reason', () => {
		const prompt = run(onMappings(), ...keys('s', enter)).state;
		const typed = run(prompt, ...keys(ctrl('u'), 'IIF([a], "x"', ctrl('t'))).state;
		expect(topFrame(typed).kind).toBe('objectMapping');
		expect(typed.modal).toMatchObject({kind: 'prompt', error: expect.stringMatching(/^Not a valid expression/)});
	});
});

describe("the write runs the job's cases", () => {
	it('the plan asks the runner to run the case file given with --cases, and a failing case blocks', () => {
		const edited = run(onMappings({casesPath: 'contoso.tests.json'}), ...keys('f', down, enter));
		const planned = run(edited.state, ...keys('w'));
		expect(planned.effects).toEqual([expect.objectContaining({kind: 'plan', cases: 'contoso.tests.json'})]);
		const frame = topFrame(planned.state) as PlanFrame;
		const task = planned.effects[0] as Extract<Effect, {kind: 'plan'}>;
		const failing = run(planned.state, {
			type: 'planReady',
			frameId: frame.id,
			attempt: task.attempt,
			plan: buildPlan(frame.context.download.schema, frame.document),
			problems: [{severity: 'error', pointer: '', message: 'expression test case 1: AccountEnabled failed: expected "False", got "True"'}],
			document: frame.document,
			tests: ['Expression tests: 0 of 1 passed in contoso.tests.json (Graph\'s parseExpression).'],
		});
		expect((topFrame(failing.state) as PlanFrame).status).toBe('blocked');
		expect(screenText(failing.state).replace(/\s+/g, ' ')).toContain("Expression tests: 0 of 1 passed in contoso.tests.json (Graph's parseExpression).");
	});
});

describe('o fills the fields from a real source object', () => {
	it('asks whom, reads it through the tenant, fills every field, says where the values came from, and runs', () => {
		const opened = run(onMappings(), ...keys('t'));
		const id = testFrame(opened.state).id;
		const typed = run(opened.state, ...keys(enter, '512', enter));
		const asked = run(typed.state, ...keys('o'));
		expect(asked.state.modal).toMatchObject({kind: 'prompt', title: 'Fill the fields from which source object?', hint: expect.stringContaining('provisioning logs')});
		const pasted = run(asked.state, {type: 'paste', text: 'adelev@chicago.com'}, ...keys(enter));
		expect(pasted.effects).toEqual([
			expect.objectContaining({
				kind: 'readSourceObject',
				frameId: id,
				request: expect.objectContaining({
					jobId: 'AD2AADProvisioning.abc',
					templateId: 'AD2AADProvisioning',
					sourceDirectoryName: 'Active Directory',
					subject: 'adelev@chicago.com',
					fields: [
						{name: 'userAccountControl', multiValued: false},
						{name: 'accountDisabled', multiValued: false},
					],
				}),
			}),
		]);
		expect(screenText(pasted.state)).toContain('Reading the source object adelev@chicago.com…');
		const from = 'the import step of the provisioning log event of adelev@chicago.com at 2026-12-04T10:00:00Z (update, success)';
		const read = run(pasted.state, {type: 'sourceObjectRead', frameId: id, subject: 'adelev@chicago.com', read: {values: {userAccountControl: '66048', accountDisabled: null}, from, notes: []}});
		// The object's values replace what was typed; an attribute the object lacks is no value.
		expect(testFrame(read.state).values).toEqual({userAccountControl: ['66048']});
		expect(read.effects).toEqual([expect.objectContaining({kind: 'runTest', input: {userAccountControl: '66048', accountDisabled: null}})]);
		expect(flatText(read.state)).toContain(`Values of adelev@chicago.com from ${from}.`);
		// Last values arriving late do not overwrite the object's.
		const late = run(read.state, {type: 'testPrefilled', frameId: id, input: {userAccountControl: '514'}});
		expect(testFrame(late.state).values).toEqual({userAccountControl: ['66048']});
		// o again offers the same subject.
		expect(run(read.state, ...keys('o')).state.modal).toMatchObject({value: 'adelev@chicago.com'});
	});

	it('shows why a read failed, keeps the values, and ignores an answer for another subject', () => {
		const opened = run(onMappings(), ...keys('t'));
		const id = testFrame(opened.state).id;
		const typed = run(opened.state, ...keys(enter, '514', enter, 'o', 'alexw@mydomain.tld', enter));
		const stale = run(typed.state, {type: 'sourceObjectRead', frameId: id, subject: 'someone@else', read: {values: {userAccountControl: '1'}, from: 'x', notes: []}});
		expect(testFrame(stale.state).values).toEqual({userAccountControl: ['514']});
		const failed = run(stale.state, {type: 'sourceObjectRead', frameId: id, subject: 'alexw@mydomain.tld', error: 'Reading provisioning logs needs the AuditLog.Read.All and Directory.Read.All permissions'});
		expect(testFrame(failed.state).values).toEqual({userAccountControl: ['514']});
		expect(failed.effects).toEqual([]);
		expect(flatText(failed.state)).toContain('Could not read alexw@mydomain.tld: Reading provisioning logs needs the AuditLog.Read.All');
	});

	it('offline (a schema file) says there is no tenant to read from', () => {
		let state = initialState({kind: 'file', path: 'contoso.json'}, {rows: 24, columns: 80});
		state = run(state, {type: 'schemaLoaded', frameId: topFrame(state).id, download: download()}).state;
		const opened = run(state, ...keys(enter, enter, 't', 'o'));
		expect(opened.state.modal).toBeUndefined();
		expect(opened.state.message?.text).toBe('A schema file has no tenant to read a source object from: type the values (⏎).');
	});
});
