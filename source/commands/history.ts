/**
 * `history`: the versions known for one job's schema (backups taken before writes, and exports in a folder or git
 * working tree), compared by meaning like `diff`, restored through the same plan and confirmation as `import`,
 * and backups pruned to the newest N — always saying which were removed.
 */
import {remapDirectories} from '../edit/index.js';
import {UsageError} from '../errors.js';
import {applyRetention, defaultKeep, parseKeep} from '../history/retention.js';
import {type HistoryListing, type HistoryVersion, listHistory, loadVersion, selectVersion, stableVersionLabel, versionLabel} from '../history/versions.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import type {SynchronizationSchema} from '../schema/types.js';
import {type Format, formats, reportComparison} from './diff.js';
import {jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions, writeHelp, writeOptions} from './options.js';
import {colorEnabled, formatTable, paint, writeJson, writeStdout} from './output.js';
import {openSession} from './session.js';
import {fetchLiveJob, type LiveJob, readWriteSettings, runWriteFlow, sessionAuthor} from './write-flow.js';

export const historyHelp = `Usage: provisioning-explorer history --sp APP [--job JOB] [--history-dir DIR] [--json]
       provisioning-explorer history compare A [B] --sp APP [--job JOB] [--format text|json|json-patch]
       provisioning-explorer history restore VERSION --sp APP [--job JOB] [--dry-run] [--yes]
       provisioning-explorer history prune --sp APP [--job JOB] [--keep N] [--dry-run]

Lists the versions known for a job's schema, newest first: every backup taken before a write (when,
the schema version it holds, who wrote next and what that write changed, from the note saved beside
the backup), and with --history-dir the job's file in a folder of exports — in a git working tree,
every commit that changed it (time, author, message). Backups from before notes existed are listed
without who and what.

A VERSION is a number as listed (1 is the newest), live (the schema in the tenant now), a commit
hash from --history-dir, or a backup's file name or path.

  compare A [B]     what changes from A to B by meaning, as \`diff\` shows it (B defaults to live);
                    exit code 0 no difference, 1 differences
  restore VERSION   write VERSION back to the job, the way \`import\` does: plan, checks,
                    confirmation, backup of the live schema, write, read back
  prune             remove all but the newest N backups of the job (--keep N, default ${defaultKeep});
                    the newest backup is never removed, and every removed file is named

  --sp APP          the app: service principal object id, appId or exact display name
  --job JOB         the job id or templateId (needed when the app has several jobs)
  --history-dir DIR a folder of exports (e.g. a git working tree of export --all --normalize files)
  --backup-dir DIR  where the backups are (default: backups in the state directory)
  --keep N          prune: how many of the newest backups to keep (at least 1; default ${defaultKeep})
  --format F        compare: text (default), json or json-patch
  --json            list, prune, restore: print JSON on standard output

${writeHelp}

Exit codes: 0 success (compare: no difference), 1 compare: differences, restore: the checks found
problems; 2 usage error, not confirmed, or failure.

${sharedHelp}

Examples:
  provisioning-explorer history --demo --sp contoso.com --job AD2AADProvisioning
  provisioning-explorer history compare 2 live --sp contoso.com --job AD2AADProvisioning --history-dir ~/schemas
  provisioning-explorer history restore 1 --sp contoso.com --job AD2AADProvisioning --dry-run
  provisioning-explorer history prune --sp contoso.com --job AD2AADProvisioning --keep 10`;

const actions = ['list', 'compare', 'restore', 'prune'] as const;
type Action = (typeof actions)[number];

function shortVersion(version: string | undefined): string {
	if (!version) return '';
	const date = /^Date:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(version);
	return date ? `${date[1]}Z` : version.length > 24 ? `${version.slice(0, 23)}…` : version;
}

const resultWords: Record<string, string> = {
	pending: 'not finished',
	written: 'written',
	'written-with-differences': 'written; read back differed',
	failed: 'failed, nothing applied',
	unknown: 'outcome unknown',
};

function when(date: Date): string {
	return date.toISOString().slice(0, 19).replace('T', ' ');
}

function versionJson(version: HistoryVersion) {
	return {
		ref: version.ref,
		kind: version.kind,
		at: version.at.toISOString(),
		path: version.path,
		schemaVersion: version.schemaVersion ?? null,
		who: version.who ?? null,
		what: version.what,
		...(version.kind === 'backup' ? {result: version.result ?? null, toolVersion: version.toolVersion ?? null, hasNote: Boolean(version.hasNote)} : {}),
		...(version.commit ? {commit: version.commit, pathInCommit: version.pathInCommit ?? null} : {}),
	};
}

async function printListing(target: LiveJob, listing: HistoryListing, json: boolean): Promise<number> {
	const {servicePrincipal, job, live} = target;
	const liveVersion = typeof live.version === 'string' ? live.version : null;
	if (json) {
		await writeJson({
			app: {id: servicePrincipal.id, displayName: servicePrincipal.displayName ?? null},
			jobId: job.id,
			templateId: job.templateId ?? null,
			live: {schemaVersion: liveVersion},
			versions: listing.versions.map(versionJson),
			notices: listing.notices,
		});
		return 0;
	}
	for (const notice of listing.notices) process.stderr.write(`${clean(notice)}\n`);
	const color = colorEnabled(process.stdout);
	const rows = [
		['live', 'now', 'live', shortVersion(liveVersion ?? undefined), '', 'the schema in the tenant now'],
		...listing.versions.map((version) => [
			version.ref,
			when(version.at),
			version.kind,
			shortVersion(version.schemaVersion),
			version.who ?? '',
			version.result ? `${version.what} (${resultWords[version.result] ?? version.result})` : version.what,
		]),
	];
	await writeStdout(formatTable(['#', 'WHEN (UTC)', 'KIND', 'VERSION', 'WHO', 'WHAT'], rows, {color}));
	if (listing.versions.length === 0) process.stderr.write(`No backups of ${clean(servicePrincipal.displayName ?? servicePrincipal.id)} / ${clean(job.templateId ?? job.id)} yet: one is taken before every write.\n`);
	return 0;
}

async function schemaOf(reference: string, listing: HistoryListing, live: SynchronizationSchema, liveName: string): Promise<{name: string; schema: SynchronizationSchema}> {
	const selected = selectVersion(listing, reference);
	if (selected.kind === 'live') return {name: liveName, schema: live};
	return {name: versionLabel(selected.version), schema: await loadVersion(selected.version)};
}

export async function runHistory(args: string[]): Promise<number> {
	const {values, positionals} = parseCommandLine(
		args,
		{
			options: {
				...sharedOptions,
				...jsonOption,
				...writeOptions,
				sp: {type: 'string'},
				job: {type: 'string'},
				'history-dir': {type: 'string'},
				keep: {type: 'string'},
				format: {type: 'string'},
			},
			allowPositionals: true,
		},
		'history ',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${historyHelp}\n`);
		return 0;
	}
	const [first, ...references] = positionals;
	const action: Action = (first ?? 'list') as Action;
	if (!actions.includes(action)) throw new UsageError(`history does not know "${clean(first ?? '')}": use list, compare, restore or prune. See \`provisioning-explorer history --help\`.`);
	if (!values.sp) throw new UsageError('history needs --sp APP (object id, appId or display name). See `provisioning-explorer history --help`.');
	const wanted = {list: [0, 0], compare: [1, 2], restore: [1, 1], prune: [0, 0]}[action];
	if (references.length < wanted[0]! || references.length > wanted[1]!) {
		const usage = {list: 'history takes no version', compare: 'history compare takes one or two versions: A [B]', restore: 'history restore takes one version', prune: 'history prune takes no version'}[action];
		throw new UsageError(`${usage}, not ${references.length}. See \`provisioning-explorer history --help\`.`);
	}
	if (values.keep !== undefined && action !== 'prune') throw new UsageError('--keep goes with history prune.');
	const keep = action === 'prune' ? parseKeep(values.keep) : defaultKeep;
	if (values.format !== undefined && action !== 'compare') throw new UsageError('--format goes with history compare.');
	const format = (values.format ?? (values.json ? 'json' : 'text')).toLowerCase() as Format;
	if (!formats.includes(format)) throw new UsageError(`--format must be text, json or json-patch, not "${clean(values.format ?? '')}".`);
	const backupDirectory = values['backup-dir'] as string | undefined;
	if (backupDirectory === '') throw new UsageError('--backup-dir needs a folder.');
	const settings = action === 'restore' ? readWriteSettings(values, shared) : undefined;
	if (action !== 'restore' && (values.yes || (values['dry-run'] && action !== 'prune'))) throw new UsageError(`${values.yes ? '--yes' : '--dry-run'} goes with history restore${values.yes ? '' : ' or prune'}.`);

	const session = await openSession(shared);
	try {
		const target = await fetchLiveJob(session.graph, values.sp, values.job);
		const {servicePrincipal, job, live} = target;
		const appName = servicePrincipal.displayName ?? servicePrincipal.id;
		const identity = {appName, templateId: job.templateId, jobId: job.id};
		const liveName = `live ${appName} / ${job.templateId ?? job.id}`;

		if (action === 'prune') return await prune({...identity, directory: backupDirectory, keep, dryRun: Boolean(values['dry-run']), json: Boolean(values.json)});
		const listing = await listHistory({...identity, backupDirectory, historyDirectory: values['history-dir']});
		if (action === 'list') return await printListing(target, listing, Boolean(values.json));
		if (action === 'compare') {
			const a = await schemaOf(references[0]!, listing, live, liveName);
			const b = await schemaOf(references[1] ?? 'live', listing, live, liveName);
			return await reportComparison(a, b, format);
		}
		const selected = selectVersion(listing, references[0]!);
		if (selected.kind === 'live') throw new UsageError('The live schema is already live: give the version to restore (a number as listed by `history`).');
		const label = versionLabel(selected.version);
		const {document, remapped} = remapDirectories(await loadVersion(selected.version), live);
		const notes = remapped.length > 0 ? [`Directory ids taken from the target by name: ${remapped.map((entry) => entry.name).join(', ')}.`] : [];
		return await runWriteFlow(
			{
				graph: session.graph,
				servicePrincipal,
				job,
				live,
				document,
				what: `restore of the ${stableVersionLabel(selected.version)}`,
				afterName: label,
				unchanged: `the live schema already means the same as ${label}.`,
				notes,
				author: await sessionAuthor(session),
			},
			{...settings!, backupDirectory},
		);
	} finally {
		await session.close();
	}
}

async function prune(options: {appName: string; templateId?: string; jobId: string; directory?: string; keep: number; dryRun: boolean; json: boolean}): Promise<number> {
	const result = await applyRetention(options);
	if (options.json) {
		await writeJson({
			keep: options.keep,
			dryRun: options.dryRun,
			kept: result.kept.map((entry) => entry.path),
			removed: result.removed.map((entry) => entry.path),
			failed: result.failed.map(({entry, reason}) => ({path: entry.path, reason})),
		});
	}
	const color = colorEnabled(process.stderr);
	const lines: string[] = [];
	const verb = options.dryRun ? 'Would remove' : 'Removed';
	for (const entry of result.removed) lines.push(`${verb} ${clean(entry.path)} (taken ${when(entry.createdAt)} UTC)`);
	for (const {entry, reason} of result.failed) lines.push(`${paint('Could not remove', 'red', color)} ${clean(entry.path)} (${clean(reason)})`);
	const newest = result.kept[0];
	lines.push(
		`${options.dryRun ? 'Dry run: ' : ''}${result.removed.length} backup${result.removed.length === 1 ? '' : 's'} ${options.dryRun ? 'would be ' : ''}removed, ${result.kept.length} kept (--keep ${options.keep})${newest ? `; the newest, ${clean(newest.path)}, is always kept` : ''}.`,
	);
	process.stderr.write(`${lines.join('\n')}\n`);
	return result.failed.length > 0 ? 2 : 0;
}
