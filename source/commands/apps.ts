/** `apps`: the service principals that have provisioning jobs, as a table or JSON. */
import {UsageError} from '../errors.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {scanAppsWithJobs, ThrottleGate} from '../explorer/inventory.js';
import {worstJobStatus} from '../explorer/services.js';
import {jsonHelp, jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {colorEnabled, createProgress, formatTable, statusColor, writeJson, writeStdout} from './output.js';
import {openSession} from './session.js';

export const appsHelp = `Usage: provisioning-explorer apps [--search TEXT] [--json]

Lists the apps (service principals) that have provisioning jobs: name, worst job status, number of
jobs, object id and appId. Graph has no filter for "has provisioning", so every service principal is
asked for its jobs, a few at a time. Apps whose jobs Graph will not show this account (a missing
permission or directory role) are listed as "no access".

  --search TEXT  only apps with a word in their display name that starts with TEXT (Graph's $search
                 matches word starts: "work" finds Workday, "day" does not)
${jsonHelp}

${sharedHelp}

Example:
  provisioning-explorer apps --demo
  provisioning-explorer apps --demo --json | jq -r '.[].id'`;

export async function runApps(args: string[]): Promise<number> {
	const {values} = parseCommandLine(args, {options: {...sharedOptions, ...jsonOption, search: {type: 'string'}}}, 'apps ');
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${appsHelp}\n`);
		return 0;
	}
	// Graph's $search cannot match a quote (the client drops them); a term left empty would list every app.
	if (values.search !== undefined && values.search.replace(/"/g, '').trim() === '') {
		throw new UsageError(`--search needs part of a word of the app's name; "${clean(values.search)}" has nothing Graph can search for.`);
	}
	const gate = new ThrottleGate();
	const session = await openSession(shared, {onRetry: (notice) => gate.pauseFor(notice.waitMs)});
	try {
		const progress = createProgress();
		const scan = await scanAppsWithJobs(session.graph, {
			search: values.search,
			gate,
			onProgress: (done, total) => progress.update(`Looking for provisioning jobs: ${done}/${total} service principals checked…`),
		});
		progress.clear();
		for (const failure of scan.failures) {
			process.stderr.write(`Could not list the jobs of ${clean(failure.servicePrincipal.displayName ?? failure.servicePrincipal.id)} (${failure.servicePrincipal.id}): ${failure.message}\n`);
		}
		if (values.json) {
			await writeJson([
				...scan.apps.map(({servicePrincipal, jobs}) => ({
					id: servicePrincipal.id,
					appId: servicePrincipal.appId ?? null,
					displayName: servicePrincipal.displayName ?? null,
					access: 'read',
					jobCount: jobs.length,
					worstStatus: worstJobStatus(jobs),
					jobs: jobs.map((job) => ({id: job.id, templateId: job.templateId ?? null, status: job.status?.code ?? null})),
				})),
				// Whether these have jobs is unknown: Graph refused to say (missing permission or directory role).
				...scan.noAccess.map(({servicePrincipal}) => ({
					id: servicePrincipal.id,
					appId: servicePrincipal.appId ?? null,
					displayName: servicePrincipal.displayName ?? null,
					access: 'none',
					jobCount: null,
					worstStatus: null,
					jobs: null,
				})),
			]);
		} else if (scan.apps.length > 0 || scan.noAccess.length > 0) {
			const color = colorEnabled(process.stdout);
			const rows = scan.apps.map(({servicePrincipal, jobs}) => {
				const status = worstJobStatus(jobs);
				return [servicePrincipal.displayName ?? '(no name)', {text: status, color: statusColor(status)}, String(jobs.length), servicePrincipal.id, servicePrincipal.appId ?? ''];
			});
			for (const {servicePrincipal} of scan.noAccess) {
				rows.push([servicePrincipal.displayName ?? '(no name)', {text: 'no access', color: statusColor('Paused')}, '?', servicePrincipal.id, servicePrincipal.appId ?? '']);
			}
			await writeStdout(formatTable(['NAME', 'STATUS', 'JOBS', 'ID', 'APP ID'], rows, {color}));
		}
		if (scan.noAccess.length > 0) {
			// One explanation for all of them, with the ids of the first refusal for support.
			process.stderr.write(
				`${scan.noAccess.length} app${scan.noAccess.length === 1 ? '' : 's'} listed as "no access": ${scan.noAccess[0]!.message}\n`,
			);
		}
		if (scan.apps.length === 0 && scan.failures.length === 0 && scan.noAccess.length === 0) {
			const where = values.search ? ` whose name matches "${clean(values.search)}"` : '';
			process.stderr.write(`No app${where} has provisioning jobs (${scan.checked} checked).\n`);
		}
		if (scan.failures.length > 0) {
			process.stderr.write(`${scan.failures.length} of ${scan.checked} service principals could not be checked; the list may be incomplete.\n`);
			return 1;
		}
		return 0;
	} finally {
		await session.close();
	}
}
