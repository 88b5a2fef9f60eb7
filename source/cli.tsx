/**
 * Entry point. Kept small and import-light: each command loads what it needs on demand, so the
 * explorer's first frame is not held up by HTTP or sign-in code, and `export` never loads React.
 */
import {registerDemoTenant} from './explorer/demo.js';
import packageJson from '../package.json' with {type: 'json'};
import {describeError, UsageError, UserError} from './errors.js';
import {parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './commands/options.js';

const mainHelp = `provisioning-explorer (pvx) ${packageJson.version}
Browse and export Microsoft Entra ID provisioning (synchronization) schemas from the terminal.

Usage:
  provisioning-explorer [options]              open the explorer (sign in, pick an app and job, browse)
  provisioning-explorer --file SCHEMA.json     browse a schema file offline, no sign-in
  provisioning-explorer apps [--search TEXT]   list the apps that have provisioning jobs
  provisioning-explorer jobs --sp APP          list an app's jobs (status, last run, schedule)
  provisioning-explorer job start|pause|restart --sp APP ...   start, pause or restart a job
  provisioning-explorer provision --sp APP --subject S ...      provision a test user on demand
  provisioning-explorer logs --sp APP ...      a job's provisioning logs (status, action, user, since)
  provisioning-explorer export --sp APP ...    save a job's schema; --all --out DIR saves every job
  provisioning-explorer docs --sp APP ...      document the mappings as Markdown or CSV (or --file)
  provisioning-explorer import --sp APP --in F write a schema file to a job (plan, confirm, backup, verify)
  provisioning-explorer patch --sp APP ...     apply a JSON Patch to a job (same safe path) or to a --file
  provisioning-explorer diff A B               compare two schemas (files or live:APP/JOB) by meaning
  provisioning-explorer history --sp APP ...   a job's versions (backups, exports, git); compare, restore, prune
  provisioning-explorer validate FILE          check a schema file (with --sp: Graph's parseExpression too)
  provisioning-explorer test-expressions F ... run expression test cases on a schema (locally or with --sp)
  provisioning-explorer demo-server ...        run the demo tenant on its own (see demo-server --help)
  provisioning-explorer login | logout         sign in and save the sign-in; forget it on this computer
  provisioning-explorer whoami                 who is signed in: tenant, account, cloud, permissions

Explorer options:
  --file FILE            open a local schema file instead of a tenant
  --sp APP               the app you work on (object id, appId or exact display name); with the
                         three options below, every name is checked before the first frame and an
                         unknown or ambiguous one lists the choices (exit code 2)
  --job JOB              its job (job id or templateId; may be left out when the app has one)
  --object-mapping NAME  an object mapping (name, target or source object, or a selector)
  --mapping TARGET       an attribute mapping (target attribute, a selector or a JSON Pointer)
  --patch FILE           load a JSON Patch file into the pending changes of the first job opened
  --cases FILE           the job's expression test cases: t saves runs there (without it, t asks
                         where), w runs them before the confirmation and a failing case blocks
  --backup-dir DIR       where backups go before every write (default: the state directory)
  --history-dir DIR      exports (a folder or git working tree) shown with the backups in h (history)
  --no-alt-screen        draw in the normal screen instead of the alternate screen
  --version              print the version

${sharedHelp}

Try it without a tenant:
  provisioning-explorer --demo`;

async function runExplorerCommand(args: string[]): Promise<number> {
	const {values} = parseCommandLine(
		args,
		{
			options: {
				...sharedOptions,
				file: {type: 'string'},
				patch: {type: 'string'},
				cases: {type: 'string'},
				'backup-dir': {type: 'string'},
				'history-dir': {type: 'string'},
				'no-alt-screen': {type: 'boolean'},
				version: {type: 'boolean', short: 'v'},
				sp: {type: 'string'},
				job: {type: 'string'},
				'object-mapping': {type: 'string'},
				mapping: {type: 'string'},
			},
		},
		'',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		process.stdout.write(`${mainHelp}\n`);
		return 0;
	}
	if (values.version) {
		process.stdout.write(`${packageJson.version}\n`);
		return 0;
	}
	const deepLink = readDeepLink(values);
	if (!process.stdin.isTTY || !process.stdout.isTTY) {
		throw new UsageError(
			'The explorer needs an interactive terminal (over SSH use `ssh -t`). For scripts use the subcommands, e.g. `provisioning-explorer export --help`.',
		);
	}
	// Ink renders nothing while it thinks it runs in CI; this is an interactive terminal, so it does not.
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
	const altScreen = !values['no-alt-screen'];
	if (values.file) {
		const {createFileServices} = await import('./explorer/file-services.js');
		const services = createFileServices(values.file, process.cwd(), {readOnly: shared.readOnly});
		// The file is read and parsed while the UI code loads; if it is ready by then, the first frame is its schema
		// screen (no "loading" frame first). The explorer's own first read gets this same answer (a retry reads again).
		let firstOpen: ReturnType<typeof services.openFile> | undefined = services.openFile();
		let preloaded: Awaited<typeof firstOpen> | undefined;
		firstOpen.then(
			(download) => {
				preloaded = download;
			},
			() => {},
		);
		const openFile = services.openFile;
		services.openFile = () => {
			const answer = firstOpen ?? openFile();
			firstOpen = undefined;
			return answer;
		};
		const {runExplorer} = await import('./ui/run.js');
		// A deep link into a file is checked against it before the first frame.
		const initialLocation = deepLink ? {...(await import('./explorer/deep-link.js')).resolveSchemaLocation((await services.openFile()).schema, deepLink)} : undefined;
		const runOptions = {altScreen, initialPatch: values.patch, casesPath: values.cases, initialLocation, preloaded};
		return runExplorer(services, runOptions);
	}
	const {runExplorer} = await import('./ui/run.js');
	// Sign-in and HTTP code loads while the first frame is already on screen.
	const {createLazyTenantServices} = await import('./explorer/lazy-services.js');
	const services = createLazyTenantServices(shared, process.cwd(), values['backup-dir'], values['history-dir']);
	try {
		// A deep link is resolved before anything is drawn (signing in on stderr if needed), so that an unknown or
		// ambiguous name exits 2 with the choices listed instead of opening somewhere else.
		const initialLocation = deepLink?.app !== undefined ? await resolveDeepLinkBeforeDrawing(services, {...deepLink, app: deepLink.app}) : undefined;
		// The explorer opens there, with the app list, jobs and job below it (source/ui/history.ts).
		const runOptions = {altScreen, initialPatch: values.patch, casesPath: values.cases, initialLocation};
		return await runExplorer(services, runOptions);
	} finally {
		await services.close();
	}
}

type DeepLinkValues = {app?: string; job?: string; objectMapping?: string; mapping?: string};

/** --sp, --job, --object-mapping and --mapping, checked for what needs what; undefined when none is given. */
function readDeepLink(values: {file?: string; sp?: string; job?: string; 'object-mapping'?: string; mapping?: string}): DeepLinkValues | undefined {
	const link = {app: values.sp, job: values.job, objectMapping: values['object-mapping'], mapping: values.mapping};
	if (Object.values(link).every((value) => value === undefined)) return undefined;
	for (const [option, value] of [['--sp', link.app], ['--job', link.job], ['--object-mapping', link.objectMapping], ['--mapping', link.mapping]] as const) {
		if (value !== undefined && value.trim() === '') throw new UsageError(`${option} needs a value.`);
	}
	if (values.file !== undefined) {
		if (link.app !== undefined || link.job !== undefined) throw new UsageError('--sp and --job name a job in a tenant; with --file, give only --object-mapping and --mapping.');
		return link;
	}
	if (link.app === undefined) throw new UsageError(`${link.job !== undefined ? '--job' : link.objectMapping !== undefined ? '--object-mapping' : '--mapping'} needs --sp APP (the app to open).`);
	return link;
}

async function resolveDeepLinkBeforeDrawing(
	services: import('./explorer/lazy-services.js').ClosableServices,
	link: DeepLinkValues & {app: string},
): Promise<import('./explorer/deep-link.js').InitialLocation> {
	const {describePrompt} = await import('./commands/session.js');
	const controller = new AbortController();
	await services.signIn({signal: controller.signal, onPrompt: (prompt) => process.stderr.write(describePrompt(prompt))});
	const location = await services.resolveLocation!(link, controller.signal);
	// Remembered for the app list (recent apps first); failing to remember must not stop the explorer.
	await services.rememberApp?.({id: location.servicePrincipalId, displayName: location.appName});
	return location;
}

async function main(argv: string[]): Promise<number> {
	// The entry point is what may load the simulator: --demo starts it in this process, on first use.
	registerDemoTenant(async (options) => (await import('./simulator/demo-tenant.js')).startDemoTenant(options));
	const [command, ...rest] = argv;
	switch (command) {
		case 'apps':
			return (await import('./commands/apps.js')).runApps(rest);
		case 'jobs':
			return (await import('./commands/jobs.js')).runJobs(rest);
		case 'job':
			return (await import('./commands/job.js')).runJob(rest);
		case 'provision':
			return (await import('./commands/provision.js')).runProvision(rest);
		case 'logs':
			return (await import('./commands/logs.js')).runLogs(rest);
		case 'docs':
			return (await import('./commands/docs.js')).runDocs(rest);
		case 'export':
			return (await import('./commands/export.js')).runExport(rest);
		case 'import':
			return (await import('./commands/import.js')).runImport(rest);
		case 'patch':
			return (await import('./commands/patch.js')).runPatch(rest);
		case 'diff':
			return (await import('./commands/diff.js')).runDiff(rest);
		case 'history':
			return (await import('./commands/history.js')).runHistory(rest);
		case 'validate':
			return (await import('./commands/validate.js')).runValidate(rest);
		case 'test-expressions':
			return (await import('./commands/test-expressions.js')).runTestExpressions(rest);
		case 'login':
			return (await import('./commands/login.js')).runLogin(rest);
		case 'logout':
			return (await import('./commands/logout.js')).runLogout(rest);
		case 'whoami':
			return (await import('./commands/whoami.js')).runWhoami(rest);
		case 'demo-server':
			return (await import('./commands/demo-server.js')).runDemoServer(rest);
		case 'help':
			process.stdout.write(`${mainHelp}\n`);
			return 0;
		default:
			if (command && !command.startsWith('-')) {
				throw new UsageError(`unknown command "${command}". Run \`provisioning-explorer --help\` for the commands.`);
			}
			return runExplorerCommand(argv);
	}
}

/** Exit once output is flushed: keep-alive sockets or timers must not hold the process open. */
function exit(code: number): void {
	process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exit, (error: unknown) => {
	const code = error instanceof UserError ? error.exitCode : 2;
	const prefix = error instanceof UserError ? '' : 'Unexpected error: ';
	process.stderr.write(`provisioning-explorer: ${prefix}${describeError(error)}\n`);
	exit(code);
});
