/**
 * `export --all` at scale (issue 6): 200 jobs behind 100 ms of simulated latency. The built binary is
 * timed spawn → exit as users run it, against the same listing and downloads awaited one at a time
 * in this process; then the binary again with every 5th Graph request answered 429 + Retry-After.
 */
import {spawn} from 'node:child_process';
import {mkdir, mkdtemp, readFile, rm} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {exportAllSchemas, planExportLayout, prepareExportBytes} from '../source/explorer/export-schemas.js';
import {ThrottleGate} from '../source/explorer/inventory.js';
import type {AppSummary} from '../source/explorer/services.js';
import {jobsOrNone} from '../source/explorer/tenant-services.js';
import {writeFileAtomic} from '../source/fs/atomic-write.js';
import {GraphClient} from '../source/graph/client.js';
import {createTransport} from '../source/graph/transport.js';
import {DemoTenant, type Simulator, startSimulator} from '../source/simulator/index.js';

export const exportJobCount = 200;
export const exportLatencyMs = 100;
/** Every 5th Graph request is throttled: 20%, spread evenly and the same in every run. */
export const throttleEvery = 5;
export const throttleRetryAfterSeconds = 1;

/** The graph calls of export --all and of the baseline (the simulator also serves sign-in, which is not counted). */
const graphPath = /^\/(?:beta|v1\.0)\//;

export type ExportCommandRun = {
	/** Spawn → exit of `provisioning-explorer export --all`. */
	wallMs: number;
	exitCode: number | null;
	/** From the command's --json summary. */
	written: number;
	/** Jobs that failed plus apps whose jobs could not be listed (--json summary); every job when the summary is missing. */
	failed: number;
	/** Written files whose bytes differ from the schema the tenant holds. */
	mismatched: number;
	graphRequests: number;
	/** Graph requests answered 429 by the fault rule. */
	throttled: number;
	/** Why jobs failed (from the --json summary), or the command's last line on stderr when it printed no summary. */
	errors: string[];
};

export type InProcessRun = {
	ms: number;
	/** Listing the service principals and the jobs of each. */
	listMs: number;
	/** Downloading and writing the schemas. */
	schemaMs: number;
	graphRequests: number;
	written: number;
};

export type ExportAllSamples = {
	jobs: number;
	apps: number;
	servicePrincipals: number;
	latencyMs: number;
	/** Each round runs the three side by side, alternating the order. */
	rounds: Array<{command: ExportCommandRun; inProcess: InProcessRun; oneAtATime: InProcessRun}>;
	throttledRuns: ExportCommandRun[];
};

type Output = {code: number | null; wallMs: number; stdout: string; stderr: string};

function runBinary(binPath: string, args: string[], env: Record<string, string>): Promise<Output> {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		let wallMs = 0;
		const child = spawn(process.execPath, [binPath, ...args], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		const stdout: Buffer[] = [];
		const stderr: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
		child.once('error', reject);
		child.once('exit', () => {
			wallMs = performance.now() - started;
		});
		// 'close' comes after the pipes are drained, so the whole --json summary is in.
		child.once('close', (code) => resolve({code, wallMs, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8')}));
	});
}

type JsonSummary = {
	written: Array<{app: {id: string}; jobId: string; path: string}>;
	failed: Array<{app: {displayName: string | null}; templateId: string | null; error: string}>;
};

/** Written files that are not byte for byte the schema the tenant serves (a lost or garbled download). */
async function countMismatches(simulator: Simulator, directory: string, written: JsonSummary['written']): Promise<number> {
	let mismatched = 0;
	for (const each of written) {
		const stored = simulator.tenant.findJob(each.app.id, each.jobId)?.schema.text;
		const bytes = await readFile(join(directory, ...each.path.split('/'))).catch(() => undefined);
		if (stored === undefined || !bytes?.equals(Buffer.from(stored, 'utf8'))) mismatched++;
	}
	return mismatched;
}

function graphRequestsSince(simulator: Simulator, from: number) {
	return simulator.requests.slice(from).filter((entry) => graphPath.test(entry.path));
}

async function runExportCommand(options: {
	binPath: string;
	simulator: Simulator;
	directory: string;
	connection: string[];
	env: Record<string, string>;
	jobs: number;
}): Promise<ExportCommandRun> {
	const {simulator, directory} = options;
	const from = simulator.requests.length;
	const output = await runBinary(options.binPath, ['export', '--all', '--out', directory, '--json', ...options.connection], options.env);
	const requests = graphRequestsSince(simulator, from);
	const counts = {graphRequests: requests.length, throttled: requests.filter((entry) => entry.status === 429).length};
	let summary: JsonSummary | undefined;
	try {
		summary = JSON.parse(output.stdout) as JsonSummary;
	} catch {
		summary = undefined;
	}
	if (!summary) {
		const lastLine = output.stderr.trimEnd().split('\n').at(-1) ?? '';
		return {wallMs: output.wallMs, exitCode: output.code, written: 0, failed: options.jobs, mismatched: 0, ...counts, errors: [lastLine]};
	}
	return {
		wallMs: output.wallMs,
		exitCode: output.code,
		written: summary.written.length,
		failed: summary.failed.length,
		mismatched: await countMismatches(simulator, directory, summary.written),
		...counts,
		errors: summary.failed.map((each) => `${each.app.displayName ?? '?'}${each.templateId ? ` / ${each.templateId}` : ' (listing its jobs)'}: ${each.error}`),
	};
}

/** The same listing and downloads as export --all, each request awaited before the next is sent. */
async function exportOneAtATime(graph: GraphClient, directory: string): Promise<Omit<InProcessRun, 'graphRequests'>> {
	const started = performance.now();
	const principals = await graph.listServicePrincipals({select: ['id', 'appId', 'displayName', 'applicationTemplateId']});
	const apps: AppSummary[] = [];
	for (const servicePrincipal of principals) {
		const jobs = await jobsOrNone(graph, servicePrincipal.id);
		if (jobs.length > 0) apps.push({servicePrincipal, jobs});
	}
	const listedAt = performance.now();
	let written = 0;
	for (const target of planExportLayout(apps)) {
		const bytes = prepareExportBytes(await graph.getSchemaBytes(target.servicePrincipal.id, target.job.id), {normalize: false});
		const path = join(directory, ...target.relativePath.split('/'));
		await mkdir(dirname(path), {recursive: true});
		await writeFileAtomic(path, bytes);
		written++;
	}
	const ended = performance.now();
	return {ms: ended - started, listMs: listedAt - started, schemaMs: ended - listedAt, written};
}

/** export --all's own core (bounded concurrency, throttle gate) in this process: the binary minus start-up and sign-in. */
async function exportConcurrently(graph: GraphClient, directory: string): Promise<Omit<InProcessRun, 'graphRequests'>> {
	const started = performance.now();
	let listedAt = started;
	const result = await exportAllSchemas(graph, {
		directory,
		normalize: false,
		gate: new ThrottleGate(),
		onEvent: (event) => {
			if (event.kind === 'planned') listedAt = performance.now();
		},
	});
	const ended = performance.now();
	if (result.failed.length + result.unlisted.length > 0) throw new Error(`in-process export --all: ${result.failed.length + result.unlisted.length} failures without faults`);
	return {ms: ended - started, listMs: listedAt - started, schemaMs: ended - listedAt, written: result.written.length};
}

export async function measureExportAll(options: {
	binPath: string;
	workDirectory: string;
	env: Record<string, string>;
	rounds: number;
	throttledRuns: number;
	log: (message: string) => void;
}): Promise<ExportAllSamples> {
	// The demo tenant's own jobs plus enough one-job partner apps for 200.
	const extraApps = exportJobCount - new DemoTenant().jobs.length;
	const simulator = await startSimulator({latencyMs: exportLatencyMs, extraApps, autoApproveDeviceCodeMs: 0});
	try {
		const jobs = simulator.tenant.jobs.length;
		const apps = new Set(simulator.tenant.jobs.map((each) => each.servicePrincipalId)).size;
		const tokenCache = join(options.workDirectory, 'export-token-cache.json');
		const connection = ['--demo', '--graph-url', simulator.url, '--token-cache', tokenCache];
		// Signed in once beforehand, as for a scheduled backup: each timed run signs in silently from the cache.
		const login = await runBinary(options.binPath, ['login', ...connection], options.env);
		if (login.code !== 0) throw new Error(`login for the export benchmark failed: ${login.stderr.trim()}`);

		const token = simulator.identity.issueAccessToken({scopes: ['Synchronization.Read.All', 'Application.Read.All']});
		const graph = new GraphClient({graphUrl: simulator.url, transport: createTransport({proxy: 'none'}), apiVersion: 'beta', getToken: async () => token});
		const inProcessRun = async (run: (graph: GraphClient, directory: string) => Promise<Omit<InProcessRun, 'graphRequests'>>) => {
			const directory = await mkdtemp(join(options.workDirectory, 'export-'));
			const from = simulator.requests.length;
			try {
				const result = await run(graph, directory);
				return {...result, graphRequests: graphRequestsSince(simulator, from).length};
			} finally {
				await rm(directory, {recursive: true, force: true});
			}
		};
		const commandRun = async () => {
			const directory = await mkdtemp(join(options.workDirectory, 'export-'));
			try {
				return await runExportCommand({binPath: options.binPath, simulator, directory, connection, env: options.env, jobs});
			} finally {
				await rm(directory, {recursive: true, force: true});
			}
		};

		const samples: ExportAllSamples = {jobs, apps, servicePrincipals: simulator.tenant.servicePrincipals.length, latencyMs: exportLatencyMs, rounds: [], throttledRuns: []};
		for (let round = 0; round < options.rounds; round++) {
			options.log(`export --all round ${round + 1}/${options.rounds}: the command, its core in-process, one request at a time`);
			const steps = {command: commandRun, inProcess: () => inProcessRun(exportConcurrently), oneAtATime: () => inProcessRun(exportOneAtATime)};
			const order = (['command', 'inProcess', 'oneAtATime'] as const).map((_, index, names) => names[(index + round) % names.length]!);
			const results: Partial<ExportAllSamples['rounds'][number]> = {};
			for (const name of order) Object.assign(results, {[name]: await steps[name]()});
			samples.rounds.push(results as ExportAllSamples['rounds'][number]);
		}

		for (let run = 0; run < options.throttledRuns; run++) {
			options.log(`export --all with 429 + Retry-After: ${throttleRetryAfterSeconds} on every ${throttleEvery}th Graph request, run ${run + 1}/${options.throttledRuns}`);
			const fault = simulator.faults.add({path: graphPath, status: 429, retryAfter: throttleRetryAfterSeconds, every: throttleEvery});
			try {
				samples.throttledRuns.push(await commandRun());
			} finally {
				simulator.faults.remove(fault);
			}
		}
		return samples;
	} finally {
		await simulator.close();
	}
}
