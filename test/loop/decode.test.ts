/**
 * Decoding what Graph answers about the loop: provisionOnDemand results (every documented example and the
 * second documented shape), job status, provisioning log events; the subject rules per app type; restart
 * choices; the client-side wait for the on-demand limit.
 */
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {restartScopeChoice} from '../../source/commands/job.js';
import {checkAction, nextStepCommands, nextStepsAfterSchemaWrite, restartChoices, restartChoicesFor} from '../../source/loop/actions.js';
import {decodeJobStatus, formatRows, jobStatusRows, jobStatusSummary} from '../../source/loop/job-status.js';
import {buildLogQuery, decodeLogEvent, explainLogAccessError, logEventLines, matchesUser, parseLogFilter, parseSince} from '../../source/loop/logs.js';
import {checkSubject, decodeProvisionOnDemand, onDemandBody, onDemandExitCode, onDemandLines, onDemandTarget} from '../../source/loop/on-demand.js';
import {SlidingWindowLimiter} from '../../source/loop/rate-limit.js';
import {readCloudSyncFixture} from '../../source/simulator/data-files.js';
import type {SynchronizationJob, SynchronizationSchema} from '../../source/schema/types.js';

const examples = join(import.meta.dirname, '../../../shared/graph-examples');
const example = (name: string) => JSON.parse(readFileSync(join(examples, name), 'utf8')) as Record<string, unknown>;

describe('provisionOnDemand results', () => {
	it('reads every documented response, and never calls a Skipped result a success', () => {
		const files = readdirSync(examples).filter((name) => /provisionOnDemand.*\.response\.json$/.test(name) && !name.includes('decoded'));
		expect(files.length).toBeGreaterThanOrEqual(4);
		for (const file of files) {
			const result = decodeProvisionOnDemand(example(file));
			const key = JSON.parse(example(file).key as string) as {result: string};
			expect(result.outcome, file).toBe(key.result);
			expect(result.succeeded, file).toBe(key.result === 'Success');
		}
		const skipped = decodeProvisionOnDemand(example('v1.0.provisionOnDemand.response.json'));
		expect(skipped).toMatchObject({outcome: 'Skipped', succeeded: false, errorCode: 'RedundantExport', action: 'Other', reportableIdentifier: 'BillBob@contoso.com', targetSystem: 'customappsso'});
		expect(skipped.steps.map((step) => `${step.type}:${step.status}`)).toEqual(['Import:Success', 'Matching:Success', 'Scoping:Success', 'Export:Skipped']);
		expect(onDemandExitCode(skipped)).toBe(1);
		const lines = onDemandLines(skipped);
		expect(lines[0]).toMatch(/^SKIPPED for BillBob@contoso\.com — not a success: RedundantExport/);
		expect(lines.join('\n')).not.toMatch(/^Success/m);
	});

	it('shows the cloud-sync example step by step, with attributes that have no old value as not reported', () => {
		const result = decodeProvisionOnDemand(example('v1.0.provisionOnDemand.AD2AAD.response.json'));
		const decoded = example('v1.0.provisionOnDemand.AD2AAD.response.decoded.json') as {value: {modifiedProperties: unknown[]}};
		expect(result).toMatchObject({outcome: 'Success', succeeded: true, action: 'Update', reportableIdentifier: 'adelev@chicago.com', sourceSystem: 'Active Directory', targetSystem: 'Azure Active Directory'});
		expect(result.steps.map((step) => step.name)).toEqual(['EntryImportAdd', 'EntryImport', 'EntrySynchronizationScoping', 'EntryExportUpdate']);
		expect(result.steps[0]!.details.distinguishedName).toBe('CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com');
		expect(result.modified).toHaveLength(decoded.value.modifiedProperties.length);
		const lines = onDemandLines(result, {highlight: ['City']});
		expect(lines[0]).toBe('Success for adelev@chicago.com: action Update in Azure Active Directory.');
		// A highlighted attribute (the one a change touched) comes first, marked.
		expect(lines.find((line) => line.startsWith('  ') && line.includes('→'))).toBe('  * City: (not reported) → "Chicago"');
	});

	it('reads the Group answer whose value is "{}" as the documented Success', () => {
		const result = decodeProvisionOnDemand(example('v1.0.provisionOnDemand.Group.response.json'));
		expect(result).toMatchObject({outcome: 'Success', succeeded: true, shape: 'empty', steps: [], modified: []});
	});

	it('reads the second documented shape: key a type name, value a JSON array of results', () => {
		const decoded = example('v1.0.provisionOnDemand.response.decoded.json') as {value: unknown};
		const shapeB = {key: 'Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo', value: JSON.stringify([decoded.value])};
		const result = decodeProvisionOnDemand(shapeB);
		expect(result).toMatchObject({outcome: 'Skipped', succeeded: false, shape: 'status-info-array'});
		expect(result.steps).toHaveLength(4);
	});

	it('reports Failure when a step failed even though the key says Success, and refuses what is no answer at all', () => {
		const value = {provisioningSteps: [{name: 'EntryExportAdd', type: 'Export', status: 'Failure', description: 'Failed to create', details: {}}], statusInfo: {status: 'Failure', errorCode: 'EntryConflict', reason: 'exists'}};
		const result = decodeProvisionOnDemand({key: JSON.stringify({result: 'Success', details: {}}), value: JSON.stringify(value)});
		expect(result).toMatchObject({outcome: 'Failure', succeeded: false});
		expect(onDemandLines(result)[0]).toMatch(/^FAILURE — not a success/);
		expect(() => decodeProvisionOnDemand('nope')).toThrow(/not a JSON object/);
		expect(() => decodeProvisionOnDemand({})).toThrow(/without a result/);
	});

	it('builds the documented request body from the schema: rule id and object type of cloud sync', () => {
		const schema = JSON.parse(readCloudSyncFixture().replace(/^\uFEFF/, '')) as SynchronizationSchema;
		const target = onDemandTarget(schema, 'AD2AADProvisioning');
		expect(target.subjectKind).toBe('distinguishedName');
		const subject = checkSubject(target.subjectKind, 'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com');
		expect('objectId' in subject).toBe(true);
		const body = onDemandBody({ruleId: target.rule.id!, objectTypeName: target.mapping.sourceObjectName!, objectId: (subject as {objectId: string}).objectId});
		const documented = example('v1.0.provisionOnDemand.AD2AAD.request.json') as {parameters: {ruleId: string; subjects: unknown[]}[]};
		expect(body).toEqual({parameters: [{ruleId: documented.parameters[0]!.ruleId, subjects: documented.parameters[0]!.subjects}]});
	});

	it('parses every documented request and takes the subject each app type needs', () => {
		for (const file of readdirSync(examples).filter((name) => /provisionOnDemand.*request\.json$/.test(name))) {
			const request = example(file) as {parameters: {ruleId: string; subjects: {objectId: string; objectTypeName: string}[]}[]};
			expect(request.parameters[0]!.ruleId, file).toMatch(/^[0-9a-f-]{36}(#V2)?$/);
			expect(request.parameters[0]!.subjects[0]!.objectTypeName, file).toMatch(/^(User|user|Group)$/);
		}
		expect(() => checkSubject('distinguishedName', 'adelev@chicago.com')).toThrow(/distinguished name/);
		expect(() => checkSubject('workerId', 'Ada Lovelace')).toThrow(/worker id/);
		expect(checkSubject('objectId', 'BillBob@contoso.com')).toEqual({lookupUpn: 'BillBob@contoso.com'});
		expect(checkSubject('objectId', '9BB0F679-A883-4A6F-8260-35B491B8B8C8')).toEqual({objectId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8'});
		expect(() => checkSubject('objectId', 'Bill Bob')).toThrow(/object id/);
	});
});

describe('job status', () => {
	it('decodes the documented quarantined job: reason, error, remediation; empty dates are "never"', () => {
		const view = decodeJobStatus(example('v1.0.synchronization-job-get.response.json') as SynchronizationJob);
		expect(view).toMatchObject({state: 'Disabled', code: 'Paused', successiveFailures: 0, quarantine: {reason: 'Unknown', errorCode: 'SalesforceInvalidCredentials', seriesCount: 2}});
		expect(view.lastRun).toBeUndefined();
		const lines = formatRows(jobStatusRows(view)).join('\n');
		expect(lines).toMatch(/Error: +SalesforceInvalidCredentials: Your Salesforce\.com credentials are invalid/);
		expect(lines).toMatch(/Since: +never/);
		expect(lines).toMatch(/What to do: /);
	});

	it('does not report a never-run job as failed (state Failed with the zero date)', () => {
		const view = decodeJobStatus(example('v1.0.synchronization-job-get.Azure2Azure.response.json') as SynchronizationJob);
		expect(view.lastRun).toBeUndefined();
		expect(view.code).toBe('NotRun');
		expect(jobStatusRows(view).find(([label]) => label === 'Last run')![1]).toBe('never run');
	});

	it('shows a running cycle, counts, and a quarantine reason in words with the documented remediation', () => {
		const job: SynchronizationJob = {
			id: 'j',
			templateId: 'SfOutDelta',
			schedule: {state: 'Active', interval: 'PT40M'},
			status: {
				code: 'Quarantine',
				countSuccessiveCompleteFailures: 3,
				progress: [{completedUnits: 1, totalUnits: 4, units: 'Objects', progressObservationDateTime: '2026-01-01T00:00:00Z'}],
				lastExecution: {state: 'EntryLevelErrors', timeBegan: '2026-01-01T00:00:00Z', timeEnded: '2026-01-01T00:10:00Z', countImported: 40, countExported: 3, countEscrowed: 2},
				quarantine: {reason: 'TooManyDeletes', currentBegan: '2026-01-01T00:10:00Z', nextAttempt: '2026-01-02T00:10:00Z', seriesCount: 1, error: {code: 'TooManyDeletes', message: 'x'}},
			},
		};
		const view = decodeJobStatus(job);
		expect(view.running).toEqual({completed: 1, total: 4, units: 'Objects', percent: 25});
		expect(jobStatusSummary(view)).toBe('Quarantine (TooManyDeletes)');
		const rows = Object.fromEntries(jobStatusRows(view, Date.parse('2026-01-01T12:10:00Z')));
		expect(rows['Last run']).toMatch(/^EntryLevelErrors: 40 imported, 3 exported, 2 escrowed; ended 2026-01-01 00:10 UTC \(12 h ago\)$/);
		expect(rows['Next attempt']).toBe('2026-01-02 00:10 UTC (in 12 h)');
		expect(rows['What to do']).toMatch(/ForceDeletes/);
		expect(restartChoicesFor(view).map((choice) => choice.name)).toContain('force-deletes');
		expect(restartChoicesFor({...view, quarantine: undefined}).map((choice) => choice.name)).not.toContain('force-deletes');
	});
});

describe('job actions', () => {
	it('offers only documented restart scopes, never a DO NOT USE value, and says which need the typed name', () => {
		for (const choice of restartChoices) expect(choice.resetScope).not.toMatch(/None|ConnectorDataStore/);
		expect(restartChoices.find((choice) => choice.name === 'portal')!.resetScope).toBe(JSON.parse(readFileSync(join(examples, 'v1.0.synchronizationJob-restart.request.json'), 'utf8')).criteria.resetScope);
		// Every documented restart body is a named choice, sent exactly as documented.
		for (const file of readdirSync(examples).filter((name) => /synchronizationJob-restart.*\.request\.json$/.test(name))) {
			const documented = (example(file) as {criteria: {resetScope: string}}).criteria.resetScope;
			expect(restartScopeChoice(documented).resetScope, file).toBe(documented);
		}
		expect(restartScopeChoice('ForceDeletes').name).toBe('force-deletes');
		expect(() => restartScopeChoice('None')).toThrow(/DO NOT USE.*job start/);
		expect(() => restartScopeChoice('Watermark, ConnectorDataStore')).toThrow(/DO NOT USE/);
		expect(() => restartScopeChoice('Everything')).toThrow(/--scope must be one of portal, clear-quarantine/);
		const idle = decodeJobStatus({id: 'j', status: {code: 'Active'}, schedule: {state: 'Active'}});
		expect(checkAction('restart', idle, restartChoices.find((choice) => choice.name === 'full-reset'))).toMatchObject({allowed: true, needsTypedName: true});
		expect(checkAction('restart', idle, restartChoices.find((choice) => choice.name === 'clear-quarantine'))).toMatchObject({allowed: true, needsTypedName: false});
		expect(checkAction('pause', decodeJobStatus({id: 'j', status: {code: 'Paused'}}))).toMatchObject({allowed: false});
		expect(nextStepsAfterSchemaWrite('AD2AADProvisioning').join(' ')).toMatch(/restart provisioning.*verify the user's attribute/);
		// Commands to copy: names with spaces or quotes are quoted for the shell.
		expect(nextStepCommands("Bob's SCIM App", 'customappssoOutDelta', 'customappssoOutDelta')[0]).toBe(
			"provisioning-explorer provision --sp 'Bob'\\''s SCIM App' --job customappssoOutDelta --subject SUBJECT",
		);
	});

	it('waits before the sixth on-demand request in 10 s and says how long', async () => {
		let now = 0;
		const waits: number[] = [];
		const limiter = new SlidingWindowLimiter({
			now: () => now,
			sleep: async (ms) => {
				now += ms;
			},
		});
		for (let index = 0; index < 6; index++) {
			await limiter.take((ms) => waits.push(ms));
			now += 1000;
		}
		expect(waits).toEqual([5000]);
		expect(now).toBe(11_000);
	});
});

describe('provisioning logs', () => {
	it('decodes the documented events, v1.0 and beta (deprecated names as fallbacks)', () => {
		const success = decodeLogEvent((example('v1.0.provisioningObjectSummary-list.response.json').value as Record<string, unknown>[])[0]!);
		expect(success).toMatchObject({status: 'success', action: 'create', initiatedBy: 'Azure AD Provisioning Service', modified: expect.arrayContaining([{name: 'displayName', oldValue: null, newValue: 'Contoso'}])});
		const failure = decodeLogEvent((example('v1.0.provisioningObjectSummary-list.error.response.json').value as Record<string, unknown>[])[0]!);
		expect(failure).toMatchObject({status: 'failure', errorCode: 'ContosoEntryConflict', source: {name: 'Self-service Pilot', type: 'Group'}});
		expect(failure.steps.map((step) => `${step.type}:${step.status}`)).toEqual(['import:success', 'matching:success', 'export:failure']);
		expect(logEventLines(failure).join('\n')).toMatch(/Error: ContosoEntryConflict — Message: Contoso returned an error response with the HTTP status code 409/);
		const beta = decodeLogEvent((example('beta.provisioningObjectSummary-list.error.response.json').value as Record<string, unknown>[])[0]!);
		expect(beta).toMatchObject({status: 'failure', action: 'create', errorCode: 'ContosoEntryConflict'});
		const crossTenant = decodeLogEvent((example('v1.0.provisioningObjectSummary-list.crossTenant.response.json').value as Record<string, unknown>[])[0]!);
		expect(crossTenant.steps.some((step) => step.type === 'scoping')).toBe(true);
	});

	it('sends Graph the filters it supports and matches a UPN here, saying so', () => {
		const query = buildLogQuery({jobId: "Job'1", since: Date.parse('2026-12-01T00:00:00Z'), status: 'Failure', action: 'Create', user: 'adelev@chicago.com'});
		expect(query.parameters.get('$filter')).toBe("jobId eq 'Job''1' and activityDateTime gt 2026-12-01T00:00:00.000Z and provisioningStatusInfo/status eq 'failure' and provisioningAction eq 'create'");
		expect(query.parameters.get('$orderby')).toBe('activityDateTime desc');
		expect(query.localUser).toBe('adelev@chicago.com');
		expect(query.notes[0]).toMatch(/Graph cannot filter provisioning logs by UPN/);
		const byId = buildLogQuery({jobId: 'j', user: '38A2171B-8B04-4B21-8133-CA8AE52250F3'});
		expect(byId.parameters.get('$filter')).toContain("(sourceIdentity/id eq '38a2171b-8b04-4b21-8133-ca8ae52250f3' or targetIdentity/id eq");
		expect(() => buildLogQuery({jobId: 'j', status: 'broken'})).toThrow(/--status must be one of success, failure, skipped, warning/);
		expect(parseSince('24h', Date.parse('2026-12-02T00:00:00Z'))).toBe(Date.parse('2026-12-01T00:00:00Z'));
		expect(() => parseSince('yesterday')).toThrow(/^--since "yesterday" is not a time/);
		// The explorer's F spells the filters as they are typed there, not as the command's options.
		expect(() => parseLogFilter('status:bogus')).toThrow(/^status: must be one of success, failure, skipped, warning, not "bogus"/);
		expect(() => parseLogFilter('action:nope')).toThrow(/^action: must be one of/);
		expect(() => parseLogFilter('since:yesterday')).toThrow(/^since: "yesterday" is not a time/);
		const event = decodeLogEvent({sourceIdentity: {id: 'x', displayName: 'Adele Vest', details: {UserPrincipalName: 'AdeleV@chicago.com'}}});
		expect(matchesUser(event, 'adelev@chicago.com')).toBe(true);
	});

	it('says plainly when the licence or the permissions do not allow reading logs', () => {
		expect(explainLogAccessError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant')).toMatch(/no Microsoft Entra ID P1 or P2 licence/);
		expect(explainLogAccessError(403, 'Authorization_RequestDenied')).toMatch(/AuditLog\.Read\.All and Directory\.Read\.All/);
		expect(explainLogAccessError(404, undefined)).toBeUndefined();
	});
});
