/** `job start|pause|restart --sp APP --job JOB [--scope NAME] [--yes]`: job actions, safe by default. */
import {resolveJob, resolveServicePrincipal} from '../explorer/resolve.js';
import {describeError, UsageError, UserError} from '../errors.js';
import {checkAction, doNotUseScopes, findRestartChoice, type JobAction, mayHaveBeenApplied, type RestartChoice, restartChoices, shellWord, unsureOutcome} from '../loop/actions.js';
import {decodeJobStatus, formatRows, jobStatusRows} from '../loop/job-status.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {jsonHelp, jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {colorEnabled, paint, writeJson, writeStdout} from './output.js';
import {openSession} from './session.js';
import {askLine, canPrompt} from './write-flow.js';

const scopeLines = restartChoices.map((choice) => `    ${choice.name.padEnd(17)}${choice.label}: ${choice.does}${choice.needsTypedName ? ' [confirm]' : ''}`).join('\n');

export const jobHelp = `Usage: provisioning-explorer job start|pause|restart --sp APP --job JOB [--scope NAME] [--yes] [--json]

Starts, pauses or restarts a provisioning job, then prints its status.

  start          resume a paused job where it stopped, or lift its quarantine (Graph: POST …/start)
  pause          stop the job's cycles; its state is kept (Graph: POST …/pause)
  restart        a new cycle with the state cleared as --scope says (Graph: POST …/restart)
  --sp APP       the app: service principal object id, appId or exact display name
  --job JOB      the job id or templateId (needed when the app has several jobs)
  --scope NAME   what restart clears (default portal):
${scopeLines}
                 Microsoft's "DO NOT USE" values (None, ConnectorDataStore) are refused.
  -y, --yes      act without asking; [confirm] scopes reprocess the whole directory or delete
                 accounts, so on a terminal they ask for the app's display name, and without one
                 they need --yes
${jsonHelp}

--read-only refuses every action: nothing is sent.

${sharedHelp}

Examples:
  provisioning-explorer job restart --demo --sp Salesforce --scope clear-quarantine
  provisioning-explorer job restart --demo --sp contoso.com --job AD2AADProvisioning --yes`;

const actions: readonly JobAction[] = ['start', 'pause', 'restart'];

export async function runJob(args: string[]): Promise<number> {
	const {values, positionals} = parseCommandLine(
		args,
		{options: {...sharedOptions, ...jsonOption, sp: {type: 'string'}, job: {type: 'string'}, scope: {type: 'string'}, yes: {type: 'boolean', short: 'y'}}, allowPositionals: true},
		'job ',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${jobHelp}\n`);
		return 0;
	}
	const [actionText, ...extra] = positionals;
	const action = actions.find((each) => each === actionText);
	if (!action) throw new UsageError(`job needs an action: start, pause or restart${actionText ? `, not "${actionText}"` : ''}. See \`provisioning-explorer job --help\`.`);
	if (extra.length > 0) throw new UsageError(`job ${action} takes no other words (got "${extra.join(' ')}"). See \`provisioning-explorer job --help\`.`);
	if (!values.sp) throw new UsageError(`job ${action} needs --sp (object id, appId or display name). See \`provisioning-explorer job --help\`.`);
	let choice: RestartChoice | undefined;
	if (values.scope !== undefined) {
		if (action !== 'restart') throw new UsageError('--scope goes with job restart.');
		choice = restartScopeChoice(values.scope);
	}
	if (shared.readOnly) throw new UsageError(`--read-only: job ${action} changes the tenant, so nothing was sent.`);

	const session = await openSession(shared);
	try {
		const graph = session.graph;
		const servicePrincipal = await resolveServicePrincipal(graph, values.sp);
		const listed = await resolveJob(graph, servicePrincipal, values.job);
		const before = decodeJobStatus(await graph.getJob(servicePrincipal.id, listed.id));
		const check = checkAction(action, before, choice ?? (action === 'restart' ? restartChoices[0] : undefined));
		const appName = servicePrincipal.displayName ?? servicePrincipal.id;
		const what = action === 'restart' ? `restart (${(choice ?? restartChoices[0]!).label})` : action;
		if (!check.allowed) {
			process.stderr.write(`provisioning-explorer: Not sent: ${check.reason}\n`);
			return 2;
		}
		if (check.warning) process.stderr.write(`${check.warning}\n`);
		if (check.needsTypedName && !values.yes) {
			const refused = (message: string) => {
				process.stderr.write(`provisioning-explorer: ${message}\n`);
				return 2;
			};
			const effect = (choice ?? restartChoices[0]!).does;
			if (!canPrompt()) return refused(`Not sent: ${what} needs confirmation (${effect}), and there is no terminal to type it on; add --yes.`);
			const shownName = clean(appName);
			const answer = await askLine(`${effect}\nType the app's display name (${paint(shownName, 'bold', colorEnabled(process.stderr))}) to ${action}, anything else cancels: `);
			const typed = answer?.trim();
			if (typed === undefined) return refused('Cancelled: nothing was sent.');
			if (typed !== shownName && typed !== appName) return refused(`Not sent: "${clean(typed)}" is not the app's display name "${shownName}".`);
		}
		try {
			if (action === 'start') await graph.startJob(servicePrincipal.id, listed.id);
			else if (action === 'pause') await graph.pauseJob(servicePrincipal.id, listed.id);
			else await graph.restartJob(servicePrincipal.id, listed.id, (choice ?? restartChoices[0]!).resetScope);
		} catch (error) {
			if (mayHaveBeenApplied(error)) {
				throw new UserError(unsureOutcome(describeError(error), action, `\`provisioning-explorer jobs --sp ${shellWord(values.sp)} --job ${shellWord(listed.templateId ?? listed.id)}\``), {cause: error});
			}
			throw error;
		}
		const after = decodeJobStatus(await graph.getJob(servicePrincipal.id, listed.id));
		// What the action should have led to; Graph's 204 says it was accepted, the status says whether it took.
		const expected = action === 'pause' ? ['Paused'] : ['Active'];
		if (!expected.includes(after.code)) {
			process.stderr.write(
				`${clean(`The job still shows status ${after.code} after the ${action}: check again in a moment with \`provisioning-explorer jobs --sp ${shellWord(values.sp)} --job ${shellWord(listed.templateId ?? listed.id)} --watch\`.`)}\n`,
			);
		}
		if (values.json) {
			await writeJson({action, ...(action === 'restart' ? {resetScope: (choice ?? restartChoices[0]!).resetScope} : {}), job: after});
		} else {
			process.stderr.write(`Sent ${what} to ${clean(appName)} / ${clean(listed.templateId ?? listed.id)}.\n`);
			await writeStdout(`${formatRows(jobStatusRows(after, Date.now())).map(clean).join('\n')}\n`);
		}
		return 0;
	} finally {
		await session.close();
	}
}

/** A scope name from the command line: a named choice, or Microsoft's spelling of one; never a DO NOT USE value. */
export function restartScopeChoice(text: string): RestartChoice {
	const doNotUse = doNotUseScopes.find((value) => text.split(',').some((part) => part.trim().toLowerCase() === value.toLowerCase()));
	if (doNotUse) {
		throw new UserError(`Microsoft documents the restart scope ${doNotUse} as "DO NOT USE"${doNotUse === 'None' ? ' (use `job start` instead)' : ' (contact Microsoft support)'}; it is never sent.`);
	}
	const choice = findRestartChoice(text);
	if (!choice) throw new UsageError(`--scope must be one of ${restartChoices.map((each) => each.name).join(', ')}, not "${text}". See \`provisioning-explorer job --help\`.`);
	return choice;
}
