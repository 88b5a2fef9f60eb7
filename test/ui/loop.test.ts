/**
 * Closing the loop in the explorer's update, without Ink: the job screen (status in words, refresh, a watch that
 * draws nothing when nothing changed and stops when the screen closes), job actions with Microsoft's documented
 * restart scopes and the typed name, --read-only, provision on demand after a write with the restore one key away,
 * and the provisioning logs.
 */
import {describe, expect, it} from 'vitest';
import type {AppSummary} from '../../source/explorer/services.js';
import type {ProvisionOutcome} from '../../source/explorer/loop-operations.js';
import {decodeLogEvent} from '../../source/loop/logs.js';
import {decodeProvisionOnDemand} from '../../source/loop/on-demand.js';
import type {SynchronizationJob, } from '../../source/schema/types.js';
import {helpLines} from '../../source/ui/help.js';
import {frameRows, textLines} from '../../source/ui/screens/index.js';
import {logsEmptyText} from '../../source/ui/screens/logs.js';
import {type AppState, availableCommands, initialState, type LogsFrame, type PlanFrame, topFrame} from '../../source/ui/state.js';
import {download, down, enter, esc, keys, run} from '../helpers/update.js';

const active: SynchronizationJob = {
	id: 'AD2AADProvisioning.abc',
	templateId: 'AD2AADProvisioning',
	schedule: {state: 'Active', interval: 'PT2M'},
	status: {
		code: 'Active',
		lastExecution: {state: 'Succeeded', timeBegan: '2026-12-04T07:00:00Z', timeEnded: '2026-12-04T07:02:00Z', countImported: 563, countExported: 5, countEscrowed: 0},
		steadyStateLastAchievedTime: '2026-12-04T07:02:00Z',
		countSuccessiveCompleteFailures: 0,
	},
} as unknown as SynchronizationJob;

const quarantined: SynchronizationJob = {
	...active,
	status: {
		code: 'Quarantine',
		quarantine: {reason: 'TooManyDeletes', currentBegan: '2026-12-04T06:00:00Z', nextAttempt: '2026-12-04T18:00:00Z', error: {code: 'TooManyDeletes', message: 'Over the threshold of 500 deletions'}},
		countSuccessiveCompleteFailures: 3,
	},
} as unknown as SynchronizationJob;

const running: SynchronizationJob = {...active, status: {...active.status, progress: [{completedUnits: 2, totalUnits: 4, units: 'Objects'}]}} as unknown as SynchronizationJob;

const appOf = (job: SynchronizationJob, displayName = 'contoso.com'): AppSummary =>
	({servicePrincipal: {id: 'sp-1', displayName}, jobs: [job], status: 'Active'}) as unknown as AppSummary;

function onJobs(job: SynchronizationJob, options: {readOnly?: boolean; displayName?: string} = {}): AppState {
	const state = initialState({kind: 'tenant', label: 'demo'}, {rows: 24, columns: 80}, options);
	return {...state, stack: [{id: 1, kind: 'jobs', app: appOf(job, options.displayName), list: {cursor: 0, offset: 0, filter: '', filtering: false}}], nextId: 2};
}

/** J on the jobs list, and the job read: the job screen, ready. */
function onJob(job: SynchronizationJob, options: {readOnly?: boolean; displayName?: string} = {}): AppState {
	const opened = run(onJobs(job, options), ...keys('J'));
	const frame = topFrame(opened.state);
	expect(opened.effects).toEqual([{kind: 'loadJob', frameId: frame.id, servicePrincipalId: 'sp-1', jobId: job.id}]);
	return run(opened.state, {type: 'jobLoaded', frameId: frame.id, job}).state;
}

// Wide enough that no sentence wraps: these check what is said, the 80×24 layout is the pty test's.
const text = (state: AppState) => textLines(topFrame(state), 1000).join('\n');

describe('the jobs list and the job screen', () => {
	it('lists each job with state, status, last run and counts, steady state and successive failures', () => {
		const rows = (job: SynchronizationJob) => frameRows(topFrame(onJobs(job)));
		expect(rows(active)[0]!.cells).toEqual(['AD2AADProvisioning', 'Active', 'Active, last run Succeeded', 'Succeeded 2026-12-04 07:02Z', '563/5/0', 'yes', '0', active.id]);
		expect(rows(quarantined)[0]!.cells.slice(1, 7)).toEqual(['Active', 'Quarantine (TooManyDeletes)', 'never run', '', 'no', '3']);
		expect(rows(running)[0]!.cells[2]).toBe('Active, running 50 %');
	});

	it('shows a quarantine in words with since when, next attempt and Microsoft\'s remediation', () => {
		const shown = text(onJob(quarantined));
		expect(shown).toContain('Quarantine: TooManyDeletes: a cycle would delete or disable more accounts than the accidental-deletions threshold allows');
		expect(shown).toContain('Error: TooManyDeletes: Over the threshold of 500 deletions');
		expect(shown).toContain('Since: 2026-12-04 06:00 UTC');
		expect(shown).toContain('Next attempt: 2026-12-04 18:00 UTC');
		expect(shown).toContain('restart with "Force deletes held by the accidental-deletes threshold" (ForceDeletes)');
		expect(shown).toContain('Successive failures: 3');
	});

	it('r reads the job again without blanking the screen', () => {
		const state = onJob(active);
		const frame = topFrame(state);
		const refreshed = run(state, ...keys('r'));
		expect(refreshed.effects).toEqual([{kind: 'loadJob', frameId: frame.id, servicePrincipalId: 'sp-1', jobId: active.id}]);
		expect(text(refreshed.state)).toContain('Last run: Succeeded: 563 imported, 5 exported, 0 escrowed');
		const after = run(refreshed.state, {type: 'jobLoaded', frameId: frame.id, job: running}).state;
		expect(text(after)).toContain('Running: cycle 50 % done (2 of 4 objects)');
	});

	it('W watches: a timer as an effect, an unchanged status keeps the very same state (nothing drawn), Esc stops it', () => {
		const state = onJob(running);
		const frame = topFrame(state);
		const watching = run(state, ...keys('W'));
		expect(watching.effects).toEqual([{kind: 'watchJob', frameId: frame.id, servicePrincipalId: 'sp-1', jobId: running.id, everyMs: 3000}]);
		const quiet = run(watching.state, {type: 'jobLoaded', frameId: frame.id, job: structuredClone(running)});
		expect(quiet.state).toBe(watching.state);
		expect(quiet.effects).toEqual([]);
		const moved = run(watching.state, {type: 'jobLoaded', frameId: frame.id, job: active});
		expect(text(moved.state)).not.toContain('Running:');
		expect(run(moved.state, ...keys('W')).effects).toEqual([{kind: 'stopWatch', frameId: frame.id}]);
		const closed = run(moved.state, ...keys(esc));
		expect(closed.effects).toEqual(expect.arrayContaining([{kind: 'stopWatch', frameId: frame.id}, {kind: 'cancel', frameId: frame.id}]));
		expect(topFrame(closed.state).kind).toBe('jobs');
		// The list under it shows the status last read.
		expect(JSON.stringify((topFrame(closed.state) as {app: AppSummary}).app.jobs[0])).toBe(JSON.stringify(active));
	});
});

describe('job actions', () => {
	it('restart offers the documented scopes by name (never a DO NOT USE value), with what each does', () => {
		const state = run(onJob(active), ...keys('R')).state;
		const options = state.modal?.kind === 'choice' ? state.modal.options.map((option) => option.cells[0]) : [];
		expect(options).toEqual(['Restart provisioning (as the portal does)', 'Clear quarantine and escrows', 'Full initial cycle', 'Full reset (re-match everything)']);
		expect(JSON.stringify(state.modal)).not.toMatch(/"None"|ConnectorDataStore/);
		// Force deletes is offered when the job is quarantined for too many deletes.
		const held = run(onJob(quarantined), ...keys('R')).state;
		expect(held.modal?.kind === 'choice' && held.modal.options.map((option) => option.cells[0])).toContain('Force deletes held by the accidental-deletes threshold');
	});

	it('a restart that reprocesses everything needs the typed app name; a wrong name sends nothing', () => {
		const asked = run(onJob(active), ...keys('R', enter)).state;
		expect(asked.modal).toMatchObject({kind: 'prompt', title: 'Restart: Restart provisioning (as the portal does) of contoso.com?'});
		expect(asked.modal?.kind === 'prompt' && asked.modal.hint).toContain("Type the app's display name (contoso.com)");
		const wrong = run(asked, ...keys('contoso', enter));
		expect(wrong.effects).toEqual([]);
		expect(wrong.state.modal?.kind === 'prompt' && wrong.state.modal.error).toContain('Type the app\'s display name exactly ("contoso.com")');
		const sent = run(asked, ...keys('contoso.com', enter));
		expect(sent.effects).toEqual([expect.objectContaining({kind: 'jobAction', action: 'restart', restart: expect.objectContaining({resetScope: 'Watermark, Escrows, QuarantineState'})})]);
	});

	it('asks for the object id when the display name cannot be typed', () => {
		const asked = run(onJob(active, {displayName: '\u200b'}), ...keys('R', down, down, enter)).state;
		expect(asked.modal?.kind === 'prompt' && asked.modal.hint).toContain("Type the app's object id (sp-1)");
		expect(run(asked, ...keys('sp-1', enter)).effects).toEqual([expect.objectContaining({kind: 'jobAction', restart: expect.objectContaining({resetScope: 'Watermark'})})]);
	});

	it('clearing quarantine, start and pause ask y/n; the job is read again after the answer', () => {
		const state = onJob(quarantined);
		const frame = topFrame(state);
		const clear = run(state, ...keys('R', down, enter));
		expect(clear.state.modal).toMatchObject({kind: 'confirm', title: 'Restart: Clear quarantine and escrows of contoso.com?'});
		const sent = run(clear.state, ...keys('y'));
		expect(sent.effects).toEqual([expect.objectContaining({kind: 'jobAction', action: 'restart', jobFrameId: frame.id, restart: expect.objectContaining({resetScope: 'Escrows, QuarantineState'})})]);
		const task = sent.effects[0] as {id: number};
		const answered = run(sent.state, {type: 'jobActionDone', taskId: task.id, jobFrameId: frame.id, message: {kind: 'info', text: 'sent'}});
		expect(answered.effects).toEqual([{kind: 'loadJob', frameId: frame.id, servicePrincipalId: 'sp-1', jobId: quarantined.id}]);
		expect(run(onJob(active), ...keys('z', 'y')).effects).toEqual([expect.objectContaining({kind: 'jobAction', action: 'pause'})]);
		expect(run(onJob(active), ...keys('s', 'n')).effects).toEqual([]);
	});

	it('--read-only: no start, pause, restart or provision key exists (not shown, nothing sent); status and logs work', () => {
		const state = onJob(active, {readOnly: true});
		const commands = availableCommands(topFrame(state), true);
		for (const command of ['startJob', 'pauseJob', 'restartJob', 'provision'] as const) expect(commands.has(command)).toBe(false);
		for (const key of ['s', 'z', 'R', 'p']) {
			const result = run(state, ...keys(key));
			expect(result.effects).toEqual([]);
			expect(result.state.modal).toBeUndefined();
		}
		const help = helpLines(state).map((line) => line.text).join('\n');
		expect(help).not.toMatch(/start the job|pause the job|restart provisioning|provision a test user/);
		expect(help).toMatch(/watch/);
		expect(run(state, ...keys('L')).effects).toEqual([expect.objectContaining({kind: 'loadLogs', jobId: active.id})]);
	});
});

function loadedSchema(): AppState {
	const state = onJobs(active);
	const opened = run(state, ...keys(enter)).state;
	return run(opened, {type: 'schemaLoaded', frameId: topFrame(opened).id, download: download()}).state;
}

function writtenPlan(): AppState {
	let state = run(loadedSchema(), ...keys(enter, enter, '/', 'ExtensionAttribute3', enter, 's', enter)).state;
	state = run(state, ...keys({input: 'u', ctrl: true}, 'Trim([company])', enter, 'w')).state;
	const plan = topFrame(state) as PlanFrame;
	const changes = [{kind: 'changed', objectMapping: 'User ← user', target: 'ExtensionAttribute3', fields: []}];
	state = run(state, {type: 'planReady', frameId: plan.id, attempt: plan.attempt, plan: {counts: {added: 0, changed: 1, removed: 0}, changes, scopeChanges: [], objectMappingChanges: [], definitionChanges: [], otherChanges: [], warnings: [], hasChanges: true, diff: ''} as never, problems: [], document: plan.document}).state;
	state = run(state, ...keys('contoso.com', enter)).state;
	return run(state, {type: 'writeFinished', frameId: plan.id, attempt: (topFrame(state) as PlanFrame).attempt, outcome: {kind: 'done', backupPath: '/b/backup.json', newVersion: 'v2'}}).state;
}

const answer = (oldValue: string, newValue: string) => ({
	key: JSON.stringify({result: 'Success'}),
	value: JSON.stringify({
		action: 'Update',
		reportableIdentifier: 'adelev@chicago.com',
		provisioningSteps: [{name: 'EntryExportUpdate', type: 'Export', status: 'Success', description: 'updated', details: {}}],
		modifiedProperties: [
			{displayName: 'ExtensionAttribute3', oldValue, newValue},
			{displayName: 'Department', oldValue: 'Retail', newValue: 'Retail'},
		],
	}),
});

describe('after a write: the next step offered, the canary, and its undo', () => {
	it('says Microsoft\'s next steps and offers them as keys', () => {
		const state = writtenPlan();
		const shown = text(state);
		expect(shown).toContain("Microsoft's cloud-sync transformation procedure: restart provisioning, then verify the user's attribute.");
		expect(shown).toContain('p provisions a test user on demand now');
		const commands = availableCommands(topFrame(state));
		expect(commands.has('provision') && commands.has('restartJob')).toBe(true);
	});

	it('p asks for the AD distinguished name, shows the result with the touched attribute marked, and B restores through the plan', () => {
		const asked = run(writtenPlan(), ...keys('p')).state;
		expect(asked.modal?.kind === 'prompt' && asked.modal.hint).toContain("the user's distinguished name in Active Directory");
		const subject = 'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com';
		const started = run(asked, {type: 'paste', text: subject}, ...keys(enter));
		const frame = topFrame(started.state);
		expect(frame.kind).toBe('provision');
		expect(started.effects).toEqual([{kind: 'provision', id: expect.any(Number), frameId: frame.id, attempt: 1, target: expect.objectContaining({servicePrincipalId: 'sp-1'}), subject}]);
		const waiting = run(started.state, {type: 'provisionWaiting', frameId: frame.id, attempt: 1, waitMs: 3400}).state;
		expect(text(waiting)).toContain('Waiting 4 s: Microsoft allows 5 provision-on-demand requests per 10 s.');
		const outcome: ProvisionOutcome = {subject, objectId: subject, objectTypeName: 'user', ruleId: 'rule-1', subjectKind: 'distinguishedName', result: decodeProvisionOnDemand(answer('CHI-RETAIL-07', 'Contoso Chicago')), notes: ['Cloud sync provisions on demand without applying scoping filters.']};
		const done = run(waiting, {type: 'provisioned', frameId: frame.id, attempt: 1, outcome}).state;
		const shown = text(done);
		expect(shown).toContain('* ExtensionAttribute3: "CHI-RETAIL-07" → "Contoso Chicago"');
		expect(shown).toContain('  Department: "Retail" → "Retail"');
		expect(shown).toContain('Note: Cloud sync provisions on demand without applying scoping filters.');
		expect(shown).toContain('B restores the backup taken before the write');
		// B: the job is read again (the write changed it), then the backup's plan opens as :restore does.
		const restoring = run(done, ...keys('B'));
		const schema = topFrame(restoring.state);
		expect(schema).toMatchObject({kind: 'schema', status: 'loading'});
		const reread = run(restoring.state, {type: 'schemaLoaded', frameId: schema.id, download: download()});
		expect(reread.effects).toEqual(expect.arrayContaining([expect.objectContaining({kind: 'readSchema', path: '/b/backup.json', purpose: 'restore'})]));
	});

	it('a skipped or failed result is shown as such, never as success', () => {
		const asked = run(writtenPlan(), ...keys('p', 'CN=X,DC=y', enter)).state;
		const frame = topFrame(asked);
		const skipped = decodeProvisionOnDemand({key: JSON.stringify({result: 'Skipped', details: {errorCode: 'RedundantExport', errorMessage: 'already match'}}), value: JSON.stringify({provisioningSteps: [{type: 'Export', status: 'Skipped', description: 'no change'}]})});
		const shown = text(run(asked, {type: 'provisioned', frameId: frame.id, attempt: 1, outcome: {subject: 'CN=X,DC=y', objectId: 'CN=X,DC=y', objectTypeName: 'user', ruleId: 'r', subjectKind: 'distinguishedName', result: skipped, notes: []}}).state);
		expect(shown).toContain('SKIPPED — not a success: RedundantExport (already match).');
		expect(shown).not.toMatch(/^Success/m);
	});
});

describe('provisioning logs', () => {
	it('L lists the events newest first; Enter shows steps, modified properties, error code, reason and recommended action', () => {
		const state = onJob(active);
		const opened = run(state, ...keys('L'));
		const frame = topFrame(opened.state);
		expect(opened.effects).toEqual([{kind: 'loadLogs', frameId: frame.id, jobId: active.id}]);
		const event = decodeLogEvent({
			id: 'e1',
			activityDateTime: '2026-12-04T07:01:00Z',
			provisioningAction: 'update',
			provisioningStatusInfo: {status: 'failure', errorInformation: {errorCode: 'InvalidAnchor', reason: 'The anchor is gone', recommendedAction: 'Restart provisioning'}},
			sourceIdentity: {id: 's1', displayName: 'Adele Vest', details: {UserPrincipalName: 'adelev@chicago.com'}},
			targetIdentity: {id: 't1', displayName: 'Adele Vest'},
			provisioningSteps: [{name: 'export', provisioningStepType: 'export', status: 'failure', description: 'could not export'}],
			modifiedProperties: [{displayName: 'ExtensionAttribute3', oldValue: 'CHI-RETAIL-07', newValue: 'Contoso Chicago'}],
		});
		const listed = run(opened.state, {type: 'logsLoaded', frameId: frame.id, logs: {events: [event], notes: [], more: false}}).state;
		const filtered = run(listed, ...keys('/', 'failure', enter, enter)).state;
		const shown = text(filtered);
		expect(shown).toContain('Error: InvalidAnchor — The anchor is gone');
		expect(shown).toContain('Recommended action: Restart provisioning');
		expect(shown).toContain('ExtensionAttribute3: CHI-RETAIL-07 → Contoso Chicago');
		expect(shown).toContain('1. export failure: could not export');
	});

	it('F asks Graph to filter (the next read carries it), refuses a typo in place, and a consent sign-in shows its code and reason', () => {
		const state = onJob(active);
		const opened = run(state, ...keys('L'));
		const frame = topFrame(opened.state);
		const listed = run(opened.state, {type: 'logsLoaded', frameId: frame.id, logs: {events: [], notes: [], more: false}}).state;
		const typo = run(listed, ...keys('F', 'status:oops', enter));
		expect(typo.effects).toEqual([]);
		expect(typo.state.modal).toMatchObject({kind: 'prompt', error: expect.stringMatching(/must be one of success, failure, skipped, warning/)});
		const asked = run(typo.state, ...keys('\u0015', 'status:failure action:update since:24h', enter));
		expect(asked.state.modal).toBeUndefined();
		expect(asked.effects).toEqual([{kind: 'loadLogs', frameId: frame.id, jobId: active.id, query: {status: 'failure', action: 'update', since: '24h'}}]);
		const prompt = {kind: 'deviceCode' as const, verificationUri: 'https://microsoft.com/devicelogin', userCode: 'ABCD-EFGH', expiresAt: Date.parse('2026-12-04T08:15:00Z'), reason: 'Provisioning logs need AuditLog.Read.All.'};
		const consenting = run(asked.state, {type: 'logsConsent', frameId: frame.id, prompt}).state;
		expect(logsEmptyText(topFrame(consenting) as LogsFrame)).toMatch(/Provisioning logs need AuditLog\.Read\.All\. To consent, open https:\/\/microsoft\.com\/devicelogin and enter the code ABCD-EFGH \(valid until 08:15 UTC\)/);
		const more = run(consenting, {type: 'logsLoaded', frameId: frame.id, logs: {events: [], notes: [], more: true}}).state;
		expect(more.message?.text).toMatch(/Only the 0 newest matching events were read: F narrows at Graph/);
		expect(logsEmptyText(topFrame(more) as LogsFrame)).toContain('No provisioning events of this job match status:failure action:update since:24h');
	});
});
