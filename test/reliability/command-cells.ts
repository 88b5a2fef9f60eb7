/**
 * Runs one cell of the fault matrix through the built executable: a fresh demo tenant, the fault injected
 * into the operation's request, the subcommand as a separate process, then what the user saw and what the
 * tenant holds.
 */
import {existsSync} from 'node:fs';
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import {stripServerFields} from '../../source/edit/index.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {type DemoJob, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {type CliResult, runCli} from '../commands/cli.js';
import {attributeMapping, demoArgs, demoJob} from '../commands/write-helpers.js';
import {type Expected, type Fault, normalizeMessage, type Observation, type Operation} from './matrix.js';

/** The client's timeout in "no answer" cells: short, yet far above what the demo tenant needs to answer. */
export const hangTimeoutMs = 2000;

export type CommandCellRun = {
	observation: Observation;
	result: CliResult;
	/** stderr lines that are neither the sign-in instruction nor a retry notice. */
	otherLines: string[];
	/** Every credential the tenant issued (none may be printed). */
	secrets: string[];
	/** get schema: the exported file is the live schema byte for byte ('complete'), or absent. */
	exported?: 'complete' | 'absent' | 'other';
	/** Modes of the backups written. */
	backupModes: number[];
};

const notice = /; retrying in \d+ s…$/;
const signInInstruction = /^To sign in, open /;

function lines(text: string): string[] {
	return text
		.split('\n')
		.map((line) => line.trimEnd())
		.filter((line) => line !== '');
}

/** Without the fields Graph maintains (version, @odata.*, directory versions): what a write can be compared on. */
function comparable(document: SynchronizationSchema): unknown {
	const stripped = stripServerFields(document) as SynchronizationSchema & {directories?: Array<Record<string, unknown>>};
	return {...stripped, directories: stripped.directories?.map(({version: _version, ...rest}) => rest)};
}

/** Refresh-token grants the sign-in service received (the request log keeps grant_type, not the token). */
export function refreshGrants(simulator: Simulator): number {
	return simulator.requests.filter((request) => request.path.endsWith('/oauth2/v2.0/token') && /(^|&)grant_type=refresh_token(&|$)/.test(request.body ?? '')).length;
}

function provisioning(simulator: Simulator): DemoJob {
	return demoJob(simulator, 'contoso.com', 'AD2AADProvisioning');
}

/** The live schema with one change that needs no expression check (Mail: flowType Always → ObjectAddOnly). */
function editedSchema(simulator: Simulator): SynchronizationSchema {
	const schema = JSON.parse(provisioning(simulator).schema.text) as SynchronizationSchema;
	attributeMapping(schema, 'Mail')!.flowType = 'ObjectAddOnly';
	return schema;
}

/** The live schema with one new expression, so the write path asks Graph's parser exactly once. */
function schemaWithNewExpression(simulator: Simulator): SynchronizationSchema {
	const schema = JSON.parse(provisioning(simulator).schema.text) as SynchronizationSchema;
	attributeMapping(schema, 'Alias')!.source = {type: 'Function', name: 'Join', expression: 'Join("@", [mailNickname], "contoso.com")', parameters: []};
	return schema;
}

type Prepared = {args: string[]; sent?: SynchronizationSchema; exportPath?: string; run: string};

async function prepare(operation: Operation, fault: Fault, simulator: Simulator, workspace: string): Promise<Prepared> {
	const demo = demoArgs(simulator);
	const job = ['--sp', 'contoso.com', '--job', 'AD2AADProvisioning'];
	switch (operation.id) {
		case 'list-apps':
			return {args: ['apps', ...demo], run: 'apps'};
		case 'list-jobs':
			return {args: ['jobs', ...demo, '--sp', 'contoso.com'], run: 'jobs --sp contoso.com'};
		case 'get-schema': {
			const exportPath = join(workspace, 'exported.schema.json');
			return {args: ['export', ...demo, ...job, '--out', exportPath], exportPath, run: 'export --sp contoso.com --job AD2AADProvisioning --out exported.schema.json'};
		}
		case 'parse-expression': {
			const file = join(workspace, 'new-expression.schema.json');
			await writeFile(file, JSON.stringify(schemaWithNewExpression(simulator)));
			return {args: ['import', ...demo, ...job, '--in', file, '--dry-run'], run: 'import --sp contoso.com --job AD2AADProvisioning --in new-expression.schema.json --dry-run'};
		}
		case 'put-schema':
		case 'put-schema-applied': {
			const sent = editedSchema(simulator);
			const file = join(workspace, 'edited.schema.json');
			await writeFile(file, JSON.stringify(sent));
			return {args: ['import', ...demo, ...job, '--in', file, '--yes'], sent, run: 'import --sp contoso.com --job AD2AADProvisioning --in edited.schema.json --yes'};
		}
		case 'provision-on-demand':
			return {
				args: ['provision', ...demo, '--sp', 'Contoso SCIM App', '--subject', '7f8e9d0c-1b2a-4c3d-9e4f-5a6b7c8d9e0f'],
				run: 'provision --sp "Contoso SCIM App" --subject 7f8e9d0c-1b2a-4c3d-9e4f-5a6b7c8d9e0f',
			};
		case 'job-restart':
			return {args: ['job', 'restart', ...demo, ...job, '--yes'], run: 'job restart --sp contoso.com --job AD2AADProvisioning --yes'};
		case 'job-start-quarantined':
			return {args: ['job', 'start', ...demo, '--sp', 'Salesforce'], run: 'job start --sp Salesforce'};
		case 'provisioning-logs':
			return {args: ['logs', ...demo, ...job], run: 'logs --sp contoso.com --job AD2AADProvisioning'};
		case 'sign-in': {
			if (fault.id !== '401-expired' && fault.id !== '401-again') return {args: ['login', ...demo], run: 'login'};
			// A saved sign-in first; then its tokens go bad in the tenant, as they do in life.
			const cache = join(workspace, 'token-cache.json');
			if (fault.id === '401-expired') simulator.identity.setAccessTokenLifetime(60); // inside MSAL's refresh margin: the next run refreshes
			const login = await runCli(['login', ...demo, '--token-cache', cache], {env: {PROVISIONING_EXPLORER_STATE_DIR: join(workspace, 'state')}});
			if (login.code !== 0) throw new Error(`setup: login failed:\n${login.stderr}`);
			simulator.identity.setAccessTokenLifetime(3599);
			simulator.identity.revokeRefreshTokens();
			if (fault.id === '401-again') simulator.identity.expireAccessTokens();
			return {args: ['apps', ...demo, '--token-cache', cache], run: 'login --token-cache FILE, then apps --token-cache FILE'};
		}
	}
}

export async function runCommandCell(operation: Operation, fault: Fault, expected: Expected): Promise<CommandCellRun> {
	const simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	const workspace = await mkdtemp(join(tmpdir(), 'pvx-fault-'));
	try {
		const state = join(workspace, 'state');
		const prepared = await prepare(operation, fault, simulator, workspace);
		const before = provisioning(simulator).schema.text;
		simulator.requests.length = 0;
		const scenario = operation.scenarios?.[fault.id];
		if (!scenario) {
			simulator.faults.add({method: operation.request.method, path: operation.request.path, ...fault.rule, ...(operation.afterHandling ? {afterHandling: true} : {})});
		}
		const result = await runCli(prepared.args, {
			env: {PROVISIONING_EXPLORER_STATE_DIR: state, ...(fault.id === 'hang' ? {PROVISIONING_EXPLORER_HTTP_TIMEOUT_MS: String(hangTimeoutMs)} : {})},
		});

		const stderr = lines(result.stderr);
		const stdout = lines(result.stdout);
		const errorLines = stderr.filter((line) => line.startsWith('provisioning-explorer: '));
		const otherLines = stderr.filter((line) => !signInInstruction.test(line) && !notice.test(line));
		const successPattern = expected.message ?? operation.successLine;
		const successLine = [...stderr, ...stdout].find((line) => successPattern?.test(line));
		// A table on stdout is recorded by its size, not its header.
		const tableRows = successLine !== undefined && stdout[0] === successLine ? stdout.length - 1 : undefined;
		const message =
			result.code === 0
				? tableRows !== undefined
					? `a table of ${tableRows} rows on standard output`
					: (successLine ?? null)
				: errorLines.length === 1
					? errorLines[0]!.slice('provisioning-explorer: '.length)
					: null;

		const hits = simulator.requests.filter((request) => request.method === operation.request.method && operation.request.path.test(request.path));
		const backupFolder = join(state, 'backups');
		// Backups only: the note beside each is not a backup.
		const backupNames = existsSync(backupFolder) ? (await readdir(backupFolder)).filter((name) => name.endsWith('.schema.json')) : [];
		const backupModes = await Promise.all(backupNames.map(async (name) => (await stat(join(backupFolder, name))).mode & 0o777));
		const after = provisioning(simulator).schema.text;
		let live: Observation['live'];
		if (prepared.sent) {
			live = after === before ? 'unchanged' : isDeepStrictEqual(comparable(JSON.parse(after)), comparable(prepared.sent)) ? 'as-sent' : 'other';
		}
		let exported: CommandCellRun['exported'];
		if (prepared.exportPath) {
			exported = !existsSync(prepared.exportPath) ? 'absent' : (await readFile(prepared.exportPath, 'utf8')) === before ? 'complete' : 'other';
		}
		const observation: Observation = {
			surface: 'command',
			operation: operation.id,
			fault: fault.id,
			run: prepared.run,
			exitCode: result.code,
			message: message === null ? null : normalizeMessage(message, [workspace]),
			notices: stderr.filter((line) => notice.test(line)),
			attempts: hits.length,
			statuses: hits.map((request) => request.status),
			puts: simulator.requests.filter((request) => request.method === 'PUT').length,
			refreshes: refreshGrants(simulator),
			backups: backupNames.length,
			...(live ? {live} : {}),
			stackTrace: /^\s+at \S/m.test(result.stderr) || /Unexpected error/.test(result.stderr),
		};
		return {observation, result, otherLines, secrets: simulator.identity.issuedSecrets(), exported, backupModes};
	} finally {
		await simulator.close();
		await rm(workspace, {recursive: true, force: true});
	}
}
