/**
 * Runs the update's effects (update.ts) against the explorer's services — sign-in, Graph, files, $EDITOR — and
 * answers with actions. It holds no state of the explorer: each effect carries what it needs, and an answer for a
 * screen that has closed meanwhile is dropped by the update.
 */
import {parseSince} from '../loop/logs.js';
import {resolve} from 'node:path';
import {DriftError, VerifyMismatchError, WriteFailedError} from '../edit/index.js';
import {review} from '../edit/review.js';
import {describeError, UserError} from '../errors.js';
import {mayHaveBeenApplied, unsureOutcome} from '../loop/actions.js';
import {skippedCheckNotice} from '../explorer/expression-check.js';
import {type ExplorerServices, exportFileName} from '../explorer/services.js';
import {runExpressionTest, runJobCases} from '../explorer/expression-tests.js';
import {loadCaseFile, saveCase} from '../expressions/case-file.js';
import {loadLastValues, saveLastValues} from '../expressions/last-values.js';
import {schemaBytesToWrite} from '../schema/file-bytes.js';
import type {AttributeMappingSource} from '../schema/types.js';
import type {Action, Message, Task, WriteOutcome} from './state.js';
import type {Effect} from './update.js';

/** Runs a program on a file while the explorer steps aside (the terminal is handed over and taken back). */
export type ExternalEditor = (text: string, fileName: string) => Promise<string>;

export type Runner = {run(effect: Effect): void; dispose(): void};

function writeOutcome(error: unknown): WriteOutcome {
	if (error instanceof DriftError) {
		return {kind: 'drift', error: describeError(error), drift: {live: error.live, liveBytes: error.liveBytes, liveVersion: error.liveVersion, plan: error.plan}};
	}
	if (error instanceof VerifyMismatchError) return {kind: 'mismatch', error: describeError(error), backupPath: error.backupPath, differences: error.differences};
	if (error instanceof WriteFailedError) return {kind: 'failed', error: describeError(error), backupPath: error.backupPath};
	return {kind: 'failed', error: describeError(error)};
}

export function createRunner(services: ExplorerServices, dispatch: (action: Action) => void, options: {editor?: ExternalEditor} = {}): Runner {
	const loads = new Map<number, AbortController>();
	let disposed = false;
	const send = (action: Action) => {
		if (!disposed) dispatch(action);
	};

	function startLoad(frameId: number, work: (signal: AbortSignal) => Promise<void>): void {
		const controller = new AbortController();
		loads.set(frameId, controller);
		work(controller.signal)
			.catch((error: unknown) => {
				if (!controller.signal.aborted) send({type: 'loadFailed', frameId, error: describeError(error)});
			})
			.finally(() => {
				if (loads.get(frameId) === controller) loads.delete(frameId);
			});
	}

	const watches = new Map<number, ReturnType<typeof setInterval>>();
	const stopWatch = (frameId: number) => {
		clearInterval(watches.get(frameId));
		watches.delete(frameId);
	};

	function run(effect: Effect): void {
		switch (effect.kind) {
			case 'loadJob': {
				const {frameId, servicePrincipalId, jobId} = effect;
				const loop = services.tenant?.loop;
				if (!loop) {
					send({type: 'jobLoadFailed', frameId, error: 'Job status needs a tenant (not a schema file).'});
					return;
				}
				const controller = new AbortController();
				loads.set(frameId, controller);
				loop
					.getJob(servicePrincipalId, jobId, controller.signal)
					.then((job) => !controller.signal.aborted && send({type: 'jobLoaded', frameId, job}))
					.catch((error: unknown) => !controller.signal.aborted && send({type: 'jobLoadFailed', frameId, error: describeError(error)}));
				return;
			}
			case 'watchJob': {
				const {frameId, servicePrincipalId, jobId} = effect;
				const loop = services.tenant?.loop;
				if (!loop) return;
				stopWatch(frameId);
				let busy = false;
				watches.set(
					frameId,
					setInterval(() => {
						// One read at a time: a slow answer is not overtaken by the next tick.
						if (busy || !watches.has(frameId)) return;
						busy = true;
						loop
							.getJob(servicePrincipalId, jobId)
							.then((job) => watches.has(frameId) && send({type: 'jobLoaded', frameId, job}))
							.catch((error: unknown) => watches.has(frameId) && send({type: 'jobLoadFailed', frameId, error: describeError(error)}))
							.finally(() => {
								busy = false;
							});
					}, effect.everyMs),
				);
				return;
			}
			case 'stopWatch':
				stopWatch(effect.frameId);
				return;
			case 'loadLogs': {
				const {frameId, jobId, query} = effect;
				const loop = services.tenant?.loop;
				if (!loop) {
					send({type: 'logsLoaded', frameId, error: 'Provisioning logs need a tenant (not a schema file).'});
					return;
				}
				const controller = new AbortController();
				loads.set(frameId, controller);
				let since: number | undefined;
				try {
					since = query?.since === undefined ? undefined : parseSince(query.since);
				} catch (error) {
					send({type: 'logsLoaded', frameId, error: describeError(error)});
					return;
				}
				loop
					.listLogs(jobId, {
						signal: controller.signal,
						status: query?.status,
						action: query?.action,
						user: query?.user,
						since,
						onConsentPrompt: (prompt) => !controller.signal.aborted && send({type: 'logsConsent', frameId, prompt}),
					})
					.then((logs) => !controller.signal.aborted && send({type: 'logsLoaded', frameId, logs}))
					.catch((error: unknown) => !controller.signal.aborted && send({type: 'logsLoaded', frameId, error: describeError(error)}));
				return;
			}
			case 'cancel':
				loads.get(effect.frameId)?.abort();
				loads.delete(effect.frameId);
				return;
			case 'signIn': {
				const {frameId} = effect;
				startLoad(frameId, async (signal) => {
					try {
						const signedIn = await services.signIn({
							signal,
							prompt: effect.forcePrompt ? 'always' : 'auto',
							onPrompt: (prompt) => {
								if (!signal.aborted) send({type: 'signInPrompt', frameId, prompt});
							},
						});
						if (!signal.aborted) send({type: 'signedIn', frameId, account: signedIn.account});
					} catch (error) {
						if (!signal.aborted) send({type: 'signInFailed', frameId, error: describeError(error)});
					}
				});
				return;
			}
			case 'listApps': {
				const {frameId} = effect;
				startLoad(frameId, async (signal) => {
					const listed = await services.listApps({signal, onProgress: (done, total) => send({type: 'appsProgress', frameId, done, total})});
					// The apps opened recently in this tenant come first (a missing or unreadable file: the usual order).
					const recent = await services.recentApps?.().catch(() => []);
					const apps = recent && recent.length > 0 ? (await import('../explorer/recent-apps.js')).recentFirst(listed, recent, (app) => app.servicePrincipal.id) : listed;
					if (!signal.aborted) send({type: 'appsLoaded', frameId, apps});
				});
				return;
			}
			case 'loadSchema': {
				const {frameId, app, job} = effect;
				startLoad(frameId, async (signal) => {
					const download = app && job ? await services.getSchema(app.servicePrincipal.id, job.id, signal) : await services.openFile();
					if (!signal.aborted) send({type: 'schemaLoaded', frameId, download});
				});
				return;
			}
			default:
				runTask(effect).catch((error: unknown) => send({type: 'taskDone', taskId: effect.id, message: {kind: 'error', text: describeError(error)}}));
		}
	}

	async function runTask(task: Task): Promise<void> {
		const done = (message?: Message) => send({type: 'taskDone', taskId: task.id, message});
		switch (task.kind) {
			case 'checkExport': {
				const path = services.exportPath(exportFileName(task.appName, task.job, new Date()));
				send({type: 'exportChecked', taskId: task.id, bytes: task.bytes, path, exists: await services.fileExists(path)});
				return;
			}
			case 'export':
				try {
					if (!task.replace && (await services.fileExists(task.path))) {
						return done({kind: 'error', text: `Not exported: ${task.path} appeared meanwhile; press x again to choose.`});
					}
					done({kind: 'info', text: 'Exported to', path: await services.saveExport(schemaBytesToWrite(task.bytes), task.path)});
				} catch (error) {
					done({kind: 'error', text: `Export failed: ${describeError(error)}`});
				}
				return;
			case 'savePatch': {
				const {toPatchFile} = await import('../edit/index.js');
				try {
					const path = await services.saveTextFile(resolve(task.path), toPatchFile(task.operations));
					done({kind: 'info', text: `Saved ${task.operations.length} operations to`, path});
				} catch (error) {
					done({kind: 'error', text: `Not saved: ${describeError(error)}`});
				}
				return;
			}
			case 'serverValidate': {
				const {job} = task;
				if (!services.tenant) return done();
				try {
					const parsed = new Map<string, AttributeMappingSource>();
					const problems = await services.tenant.validateExpressions(job.servicePrincipalId, job.jobId, task.expressions, undefined, parsed);
					send({type: 'serverChecked', jobKey: job.jobKey, expressions: task.expressions, problems, parsed});
				} catch (error) {
					done({kind: 'error', text: `Could not check the expression with Graph: ${describeError(error)}`});
				}
				return;
			}
			case 'metadata': {
				const {job} = task;
				if (!services.tenant) return;
				try {
					const [functions, filterOperators] = await Promise.all([
						services.tenant.listFunctions(job.servicePrincipalId, job.jobId),
						services.tenant.listFilterOperators(job.servicePrincipalId, job.jobId),
					]);
					send({type: 'metadataLoaded', jobKey: job.jobKey, functions, filterOperators});
				} catch (error) {
					// Completion and checks fall back to the documented lists; browsing goes on (read-only says why, once).
					const notice = skippedCheckNotice(error);
					if (notice) done(notice);
				}
				return;
			}
			case 'plan': {
				const {job, request, frameId, attempt} = task;
				const tenant = services.tenant;
				try {
					// The case file's silences apply to the lint rules of this review.
					const silence = task.cases ? await loadCaseFile(resolve(task.cases)).then((file) => file.silence, () => undefined) : undefined;
					const reviewed = await review(
						{...request, silence},
						tenant && job ? (expressions, parsed) => tenant.validateExpressions(job.servicePrincipalId, job.jobId, expressions, undefined, parsed) : undefined,
					);
					// The job's expression tests run on the body that would be sent; a failing case blocks like a failed check.
					const cases = task.cases
						? await runJobCases({path: resolve(task.cases), document: reviewed.body, tenant, job, readOnly: services.readOnly})
						: undefined;
					const problems = [...reviewed.problems, ...(cases?.problems ?? [])];
					send({type: 'planReady', frameId, attempt, plan: reviewed.plan, problems, document: reviewed.body, parsed: reviewed.parsed, tests: cases?.lines});
				} catch (error) {
					send({type: 'writeFinished', frameId, attempt, outcome: {kind: 'failed', error: describeError(error)}});
				}
				return;
			}
			case 'write': {
				const {frameId, attempt} = task;
				if (!services.tenant) return;
				try {
					const result = await services.tenant.writeSchema({...task.request, onStep: (step) => send({type: 'writeStep', frameId, attempt, step})});
					send({type: 'writeFinished', frameId, attempt, outcome: {kind: 'done', ...result}});
				} catch (error) {
					send({type: 'writeFinished', frameId, attempt, outcome: writeOutcome(error)});
				}
				return;
			}
			case 'readSchema':
				try {
					const download = await services.readSchemaFile(task.path);
					send({type: 'schemaRead', taskId: task.id, purpose: task.purpose, jobKey: task.jobKey, download, label: task.path});
				} catch (error) {
					done({kind: 'error', text: describeError(error)});
				}
				return;
			case 'listBackups':
				try {
					const backups = await services.listBackups(task.appName, task.templateId, task.jobId);
					send({type: 'backupsListed', frameId: task.frameId, backups});
				} catch (error) {
					send({type: 'backupsListed', frameId: task.frameId, error: describeError(error)});
				}
				return;
			case 'loadPatch':
				try {
					send({type: 'patchRead', jobKey: task.jobKey, path: task.path, operations: await services.readPatchFile(task.path)});
				} catch (error) {
					done({kind: 'error', text: `Patch ${task.path} not loaded: ${describeError(error)}`});
				}
				return;
			case 'jobAction': {
				const loop = services.tenant?.loop;
				if (!loop) return done();
				const {target, action, restart} = task;
				const words = action === 'restart' ? `Restart (${restart?.resetScope})` : action === 'start' ? 'Start' : 'Pause';
				try {
					await loop.runJobAction(target.servicePrincipalId, target.job.id, action, restart);
					send({type: 'jobActionDone', taskId: task.id, jobFrameId: task.jobFrameId, message: {kind: 'info', text: `${words} sent to ${target.appName}; the status below is read again.`}});
				} catch (error) {
					const cause = describeError(error);
					const text = mayHaveBeenApplied(error) ? unsureOutcome(cause, action, 'the job status (r)') : `${words} not done: ${cause}`;
					send({type: 'jobActionDone', taskId: task.id, jobFrameId: task.jobFrameId, message: {kind: 'error', text}});
				}
				return;
			}
			case 'provision': {
				const loop = services.tenant?.loop;
				const {frameId, attempt, target, subject} = task;
				if (!loop) return send({type: 'provisioned', frameId, attempt, error: 'Provisioning on demand needs a tenant (not a schema file).'});
				try {
					const outcome = await loop.provision(target.servicePrincipalId, target.job, subject, {appName: target.appName, onWait: (waitMs) => send({type: 'provisionWaiting', frameId, attempt, waitMs})});
					send({type: 'provisioned', frameId, attempt, outcome});
				} catch (error) {
					const cause = describeError(error);
					const text = mayHaveBeenApplied(error) ? unsureOutcome(cause, `provisioning of ${subject}`, 'the provisioning logs (L)') : cause;
					send({type: 'provisioned', frameId, attempt, error: text});
				}
				return;
			}
			case 'prepareTest': {
				let input = {};
				try {
					input = await loadLastValues(task.valuesKey, task.fields);
				} catch {
					// No last values (or an unreadable file) only means nothing is prefilled.
				}
				send({type: 'testPrefilled', frameId: task.frameId, input});
				return;
			}
			case 'runTest': {
				const run = await runExpressionTest({
					mapping: {model: task.mapping},
					input: task.input,
					schema: task.schema,
					tenant: services.tenant,
					job: task.job,
					readOnly: services.readOnly,
				});
				send({type: 'testFinished', frameId: task.frameId, attempt: task.attempt, run});
				// Kept for the next test of this job (the values are directory data: the file is private, 0600).
				await saveLastValues(task.valuesKey, task.input).catch(() => undefined);
				return;
			}
			case 'readSourceObject': {
				const subject = task.request.subject;
				try {
					if (!services.tenant?.readSourceObject) throw new UserError('A schema file has no tenant to read a source object from: type the values (⏎).');
					const read = await services.tenant.readSourceObject(task.request, undefined, (prompt) => send({type: 'sourceObjectConsent', frameId: task.frameId, subject, prompt}));
					send({type: 'sourceObjectRead', frameId: task.frameId, subject, read});
				} catch (error) {
					send({type: 'sourceObjectRead', frameId: task.frameId, subject, error: describeError(error)});
				}
				return;
			}
			case 'loadSilences':
				try {
					const file = await loadCaseFile(resolve(task.path));
					if (file.silence.length > 0) send({type: 'silencesLoaded', jobKey: task.jobKey, silence: file.silence});
				} catch {
					// A missing or broken case file is reported where it matters: the write's checks run it and say why.
				}
				return;
			case 'saveCase':
				try {
					const path = resolve(task.path);
					const file = await saveCase(path, task.testCase);
					done({kind: 'info', text: `Saved the case (${file.cases.length} in the file) to`, path});
				} catch (error) {
					done({kind: 'error', text: `Case not saved: ${describeError(error)}`});
				}
				return;
			case 'listHistory':
				try {
					if (!services.listHistory) throw new Error('History is not available in this session.');
					send({type: 'historyListed', frameId: task.frameId, listing: await services.listHistory(task.job)});
				} catch (error) {
					send({type: 'historyListed', frameId: task.frameId, error: describeError(error)});
				}
				return;
			case 'compareVersions':
				try {
					const schemaOf = async (side: typeof task.before) => {
						if (side.kind === 'live') return side.schema;
						if (!services.readHistoryVersion) throw new Error('History is not available in this session.');
						return services.readHistoryVersion(side.version);
					};
					const [before, after] = await Promise.all([schemaOf(task.before), schemaOf(task.after)]);
					const [{buildPlan}, {formatPlanText}] = await Promise.all([import('../edit/index.js'), import('../edit/plan-text.js')]);
					// The same comparison by meaning as `diff` and `history compare`.
					const plan = buildPlan(before, after, {beforeName: task.before.name, afterName: task.after.name});
					const text = plan.hasChanges ? formatPlanText(plan, {color: false}) : `No differences: ${task.before.name} and ${task.after.name} mean the same (version and @odata fields are not compared).\n`;
					send({type: 'comparisonReady', frameId: task.frameId, text});
				} catch (error) {
					send({type: 'comparisonReady', frameId: task.frameId, error: describeError(error)});
				}
				return;
			case 'readVersion':
				try {
					if (!services.readHistoryVersion) throw new Error('History is not available in this session.');
					const schema = await services.readHistoryVersion(task.version);
					const bytes = new TextEncoder().encode(JSON.stringify(schema));
					send({type: 'schemaRead', taskId: task.id, purpose: 'restore', jobKey: task.jobKey, download: {bytes, schema}, label: task.label});
				} catch (error) {
					done({kind: 'error', text: describeError(error)});
				}
				return;
			case 'resolveLocation':
				try {
					if (!services.resolveLocation) return done({kind: 'info', text: ':open needs a tenant session.'});
					const {parseOpenReference} = await import('../explorer/deep-link.js');
					const location = await services.resolveLocation(parseOpenReference(task.text));
					await services.rememberApp?.({id: location.servicePrincipalId, displayName: location.appName});
					send({type: 'locationResolved', location});
				} catch (error) {
					done({kind: 'error', text: describeError(error)});
				}
				return;
			case 'rememberApp':
				await services.rememberApp?.(task.app).catch(() => undefined);
				return;
			case 'signOut':
				try {
					await services.signOut?.();
					send({type: 'signedOut', taskId: task.id});
				} catch (error) {
					done({kind: 'error', text: `Sign-out failed: ${describeError(error)}`});
				}
				return;
			case 'whoami':
				try {
					const account = await services.describeAccount?.();
					if (!account) return done({kind: 'info', text: 'Nobody is signed in.'});
					const expires = account.expiresAt ? `, token valid until ${new Date(account.expiresAt).toISOString().replace(/\.\d+Z$/, 'Z')}` : '';
					done({kind: 'info', sticky: true, text: `${account.account} · tenant ${account.tenantId} · ${account.cloud} · ${account.method} · ${account.scopes.join(' ')}${expires}`});
				} catch (error) {
					done({kind: 'error', text: describeError(error)});
				}
				return;
			case 'editor': {
				const editor = options.editor;
				if (!editor) return done({kind: 'error', text: 'No editor here: set $VISUAL or $EDITOR and run the explorer in a terminal.'});
				try {
					const text = await editor(task.text, 'mapping.json');
					if (text.trim() === task.text.trim()) return done({kind: 'info', text: 'No change made in the editor.'});
					send({type: 'editorDone', jobKey: task.jobKey, pointer: task.pointer, text});
				} catch (error) {
					done({kind: 'error', text: `Editor: ${describeError(error)}`});
				}
				return;
			}
		}
	}

	return {
		run,
		dispose() {
			disposed = true;
			for (const frameId of [...watches.keys()]) stopWatch(frameId);
			for (const controller of loads.values()) controller.abort();
			loads.clear();
		},
	};
}
