/**
 * Job actions as named choices: start, pause, and restart with Microsoft's documented scopes, what each
 * does, which ones need the typed app name, and the documented next step after a schema write
 * (research loop-and-expressions.md §3.1, graph-sync-api.md §1.11). "DO NOT USE" scopes are never offered.
 */

import type {JobStatusView} from './job-status.js';

export type RestartChoice = {
	/** What `--scope` takes. */
	name: string;
	label: string;
	/** The `criteria.resetScope` sent; Microsoft's documented spellings only. */
	resetScope: string;
	does: string;
	/** Reprocesses the whole directory or deletes accounts: the typed app name (or --yes) is needed. */
	needsTypedName: boolean;
};

export const restartChoices: readonly RestartChoice[] = [
	{
		name: 'portal',
		label: 'Restart provisioning (as the portal does)',
		resetScope: 'Watermark, Escrows, QuarantineState',
		does: 'Clears quarantine, stored failures (escrows) and the watermark, then runs an initial cycle over every object; source–target links are kept.',
		needsTypedName: true,
	},
	{
		name: 'clear-quarantine',
		label: 'Clear quarantine and escrows',
		resetScope: 'Escrows, QuarantineState',
		does: 'Lifts the quarantine and forgets the stored failures (resetting the count towards quarantine); the next cycle processes changes only.',
		needsTypedName: false,
	},
	{
		name: 'full-cycle',
		label: 'Full initial cycle',
		resetScope: 'Watermark',
		does: 'Re-evaluates every object instead of only the changes since the last cycle.',
		needsTypedName: true,
	},
	{
		name: 'force-deletes',
		label: 'Force deletes held by the accidental-deletes threshold',
		resetScope: 'ForceDeletes',
		does: 'Processes the deletions and disables that the accidental-deletions threshold held back: accounts are deleted or disabled in the target.',
		needsTypedName: true,
	},
	{
		name: 'full-reset',
		label: 'Full reset (re-match everything)',
		resetScope: 'Full',
		does: 'Everything the portal restart does, and breaks the links between source and target objects so every object is matched again (e.g. after InvalidAnchor or a change of matching attribute).',
		needsTypedName: true,
	},
];

/** Values Microsoft marks "DO NOT USE": refused wherever a scope is typed in. */
export const doNotUseScopes = ['None', 'ConnectorDataStore'] as const;

export function findRestartChoice(name: string): RestartChoice | undefined {
	const wanted = name.trim().toLowerCase();
	return restartChoices.find((choice) => choice.name === wanted || choice.resetScope.toLowerCase() === wanted);
}

/** The choices worth offering now: force-deletes only for a TooManyDeletes quarantine (research §6). */
export function restartChoicesFor(view: JobStatusView): RestartChoice[] {
	return restartChoices.filter((choice) => choice.name !== 'force-deletes' || view.quarantine?.reason === 'TooManyDeletes');
}

export type JobAction = 'start' | 'pause' | 'restart';

export type ActionCheck = {allowed: true; needsTypedName: boolean; warning?: string} | {allowed: false; reason: string};

/** Whether an action makes sense for the job now, and whether it needs the typed app name. */
export function checkAction(action: JobAction, view: JobStatusView, restart?: RestartChoice): ActionCheck {
	switch (action) {
		case 'start':
			// Calling start again and again on a running job "can cause the service to stop running" (Graph start docs).
			if (view.code === 'Active' && !view.quarantine)
				return view.running ? {allowed: false, reason: 'The job is running a cycle already; starting it again can make the service stop. Pause first, or wait for the cycle to end.'} : {allowed: true, needsTypedName: false, warning: 'The job is active already: start begins a cycle now.'};
			return {allowed: true, needsTypedName: false};
		case 'pause':
			if (view.code === 'Paused') return {allowed: false, reason: 'The job is paused already.'};
			return {allowed: true, needsTypedName: false};
		case 'restart': {
			const choice = restart ?? restartChoices[0]!;
			const warning = choice.name === 'force-deletes' && view.quarantine?.reason !== 'TooManyDeletes' ? 'The job is not quarantined for too many deletes: this restart only runs an initial cycle.' : undefined;
			return {allowed: true, needsTypedName: choice.needsTypedName, ...(warning ? {warning} : {})};
		}
	}
}

/** What Microsoft documents as the next step after a schema write, for this kind of job (docs/graph-notes.md). */
export function nextStepsAfterSchemaWrite(templateId: string | undefined): string[] {
	const steps = [
		'Before the restart reaches every object, provision one test user on demand and check the changed attributes; if they are wrong, restore the backup taken before the write.',
	];
	if (templateId === 'AD2AADProvisioning') {
		steps.push("Microsoft's cloud-sync transformation procedure: restart provisioning, then verify the user's attribute.");
		steps.push('Cloud sync provisions on demand without applying scoping filters: the test user may be one a cycle leaves out.');
	} else {
		steps.push('Then restart provisioning and watch the job status and the provisioning logs of the cycle.');
	}
	return steps;
}

/**
 * A change sent to Graph whose answer was lost (a 5xx, a reset, a timeout, a cut-off answer) may have been applied:
 * say so, and what to look at, instead of suggesting to simply send it again.
 */
export function mayHaveBeenApplied(error: unknown): boolean {
	const status = (error as {status?: unknown}).status;
	if (typeof status === 'number') return status >= 500;
	const code = (error as {code?: unknown}).code;
	return typeof code === 'string' && /^(ECONNRESET|ETIMEDOUT|EPIPE|ERR_STREAM_PREMATURE_CLOSE)$/.test(code);
}

/** The one-line cause of a lost answer without its "try again" advice, followed by what to check instead. */
export function unsureOutcome(cause: string, what: string, check: string): string {
	const bare = cause.replace(/ Graph had a problem; try again in a moment\./, '').replace(/ Check the network or proxy and try again\./, '');
	return `${bare} The ${what} may have been applied anyway: check ${check} before sending it again.`;
}

/** A command-line word, quoted for a POSIX shell when it needs it. */
export function shellWord(text: string): string {
	return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** The commands that take the documented next steps after a write of this job's schema. */
export function nextStepCommands(app: string, job: string, templateId: string | undefined, subjectHint = 'SUBJECT'): string[] {
	const target = `--sp ${shellWord(app)} --job ${shellWord(job)}`;
	const commands = [`provisioning-explorer provision ${target} --subject ${subjectHint}`];
	if (templateId === 'AD2AADProvisioning') commands.push(`provisioning-explorer job restart ${target}`);
	commands.push(`provisioning-explorer jobs ${target} --watch`, `provisioning-explorer logs ${target} --since 1h`);
	return commands;
}
