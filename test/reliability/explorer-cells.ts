/**
 * A few cells of the fault matrix through the explorer's screens (ink-testing-library, in this process):
 * sign-in, the app list, loading a schema and writing one. What the screen says is recorded like a
 * subcommand's message.
 */
import {mkdtemp, readdir, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {render} from 'ink-testing-library';
import {createElement} from 'react';
import type {ExpectStatic} from 'vitest';
import {connect} from '../../source/explorer/connect.js';
import {createTenantServices} from '../../source/explorer/tenant-services.js';
import {GraphClient, type RetryNotice} from '../../source/graph/client.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {Explorer} from '../../source/ui/app.js';
import {demoJob} from '../commands/write-helpers.js';
import {appsLoaded, openContosoUserMappings, press, selectedRow, waitForFrame} from '../helpers/ink.js';
import {KEY} from '../helpers/keys.js';
import {hangTimeoutMs, refreshGrants} from './command-cells.js';
import {type FaultId, faults, normalizeMessage, type Observation, type OperationId, operations} from './matrix.js';

type App = ReturnType<typeof render>;

type Context = {simulator: Simulator; backups: string; expect: ExpectStatic};

/** What a cell's keys led to: the line the screen showed, and whether it ends in a good state. */
type Outcome = {message: string; notices: string[]};

export type ExplorerCell = {
	operation: OperationId;
	fault: FaultId;
	title: string;
	/** What the user does, for the report. */
	keys: string;
	drive(app: App, context: Context): Promise<Outcome>;
};

const retryLine = (frame: string): string[] => frame.split('\n').flatMap((line) => line.match(/\S.*; retrying in \d+ s…/)?.[0] ?? []);

/** After a failed write, the plan screen goes on with what the user can do. */
const writeMessageEnd = / r tries again/;

/** The screen's text as one line (Ink wraps long lines at spaces). */
function flat(frame: string): string {
	return frame.replace(/\s+/g, ' ');
}

/** The text of the screen from `start` up to (not including) `end`. */
function between(frame: string, start: RegExp, end: RegExp): string {
	const text = flat(frame);
	const from = text.search(start);
	if (from < 0) return '';
	const rest = text.slice(from);
	const to = rest.search(end);
	return (to < 0 ? rest : rest.slice(0, to)).trim();
}

async function openJob(app: App): Promise<void> {
	await waitForFrame(app, appsLoaded);
	await press(app, '/', 'contoso.com', KEY.enter);
	await waitForFrame(app, 'Provisioning jobs');
	await press(app, '/', 'AD2AADProvisioning', KEY.enter);
}

/** City: flowType Always → ObjectAddOnly, then the plan, the app's name typed, and the write's outcome. */
async function changeCityAndWrite(app: App): Promise<{frame: string}> {
	await openContosoUserMappings(app);
	// Enter opens City (the filter names it), Esc returns to the list with it selected: each waited for, as under load
	// an Esc right behind the Enter could arrive before the detail is drawn.
	await press(app, '/', 'City', KEY.enter);
	await waitForFrame(app, /Target attribute\s+City\b/);
	await press(app, KEY.esc);
	await waitForFrame(app, /^› (~ |✗ |! )?City\b/m);
	if (!/^(~ |✗ |! )?City\b/.test(selectedRow(app.lastFrame() ?? ''))) throw new Error(`City is not selected:\n${app.lastFrame()}`);
	await press(app, 'f');
	await waitForFrame(app, 'flowType of City');
	await press(app, '2'); // ObjectAddOnly
	await waitForFrame(app, '1 pending');
	await press(app, 'w');
	await waitForFrame(app, 'Type "contoso.com" and Enter to write');
	await press(app, ...'contoso.com'.split(''), KEY.enter);
	return {frame: await waitForFrame(app, /Written and verified|✗/, 15_000)};
}

export const explorerCells: readonly ExplorerCell[] = [
	{
		operation: 'sign-in',
		fault: 'reset',
		title: 'sign-in × connection reset, then r',
		keys: 'start; r after the error',
		async drive(app, {expect}) {
			const failed = await waitForFrame(app, 'Press r to try again');
			const message = between(failed, /Could not reach/, /Press r/);
			expect(message).toBe('Could not reach the sign-in service. Check the network, HTTPS_PROXY and NO_PROXY, then try again.');
			await press(app, 'r');
			await waitForFrame(app, appsLoaded);
			return {message, notices: []};
		},
	},
	{
		operation: 'list-apps',
		fault: '429',
		title: 'list apps × 429 + Retry-After',
		keys: 'start',
		async drive(app, {expect}) {
			const waiting = await waitForFrame(app, /Graph is throttling \(HTTP 429\); retrying in 1 s…/);
			await waitForFrame(app, appsLoaded);
			const notices = retryLine(waiting);
			expect(notices).toEqual(['Graph is throttling (HTTP 429); retrying in 1 s…']);
			return {message: 'the app list appears', notices};
		},
	},
	{
		operation: 'get-schema',
		fault: '503',
		title: 'get schema × 503',
		keys: 'open contoso.com › AD2AADProvisioning',
		async drive(app, {expect}) {
			await openJob(app);
			const waiting = await waitForFrame(app, /Graph answered HTTP 503; retrying in 1 s…/);
			await waitForFrame(app, 'Directory');
			const notices = retryLine(waiting);
			expect(notices).toEqual(['Graph answered HTTP 503; retrying in 1 s…']);
			return {message: 'the schema appears', notices};
		},
	},
	{
		operation: 'get-schema',
		fault: 'hang',
		title: 'get schema × no answer',
		keys: 'open contoso.com › AD2AADProvisioning',
		async drive(app, {expect}) {
			await openJob(app);
			const waiting = await waitForFrame(app, /network error \(ETIMEDOUT\); retrying in 1 s…/, 15_000);
			await waitForFrame(app, 'Directory');
			const notices = retryLine(waiting);
			expect(notices).toEqual(['network error (ETIMEDOUT); retrying in 1 s…']);
			return {message: 'the schema appears', notices};
		},
	},
	{
		operation: 'get-schema',
		fault: 'malformed',
		title: 'get schema × malformed JSON, then r',
		keys: 'open contoso.com › AD2AADProvisioning; r after the error',
		async drive(app, {expect}) {
			await openJob(app);
			const failed = await waitForFrame(app, 'Press r to retry');
			const message = between(failed, /the schema Graph returned/, /Press r/);
			expect(message).toMatch(/not valid JSON/);
			await press(app, 'r');
			await waitForFrame(app, 'Directory');
			return {message, notices: []};
		},
	},
	{
		operation: 'get-schema',
		fault: '403',
		title: 'get schema × 403',
		keys: 'open contoso.com › AD2AADProvisioning',
		async drive(app, {expect}) {
			await openJob(app);
			const failed = await waitForFrame(app, 'Press r to retry');
			const message = between(failed, /Graph GET/, /Press r/);
			expect(message).toMatch(/^Graph GET \/servicePrincipals\/\{id\}\/synchronization\/jobs\/\{id\}\/schema failed: 403 \(Authorization_RequestDenied\).*This needs the Synchronization\.Read\.All/);
			return {message, notices: []};
		},
	},
	{
		operation: 'put-schema',
		fault: '429',
		title: 'put schema × 429 + Retry-After',
		keys: 'City: f ObjectAddOnly; w; type contoso.com; Enter',
		async drive(app, {expect}) {
			// The plan screen's status line shows the write's step, not the retry notice: the wait is not explained.
			const {frame} = await changeCityAndWrite(app);
			const message = between(frame, /Written and verified/, /\. Backup/);
			expect(message).toBe('Written and verified: the schema read back from Graph equals what was sent');
			return {message, notices: []};
		},
	},
	{
		operation: 'put-schema',
		fault: '503',
		title: 'put schema × 503',
		keys: 'City: f ObjectAddOnly; w; type contoso.com; Enter',
		async drive(app, {expect}) {
			const {frame} = await changeCityAndWrite(app);
			const message = between(frame, /The write failed/, writeMessageEnd);
			expect(message).toMatch(/The write failed \(Graph PUT \S+ failed: 503 .*\)\. Reading the schema back shows it unchanged, so nothing was applied/);
			return {message, notices: []};
		},
	},
	{
		operation: 'put-schema-applied',
		fault: 'hang',
		title: 'put schema × no answer after Graph applied it',
		keys: 'City: f ObjectAddOnly; w; type contoso.com; Enter',
		async drive(app, {expect}) {
			const {frame} = await changeCityAndWrite(app);
			const message = between(frame, /Graph reported a failure/, writeMessageEnd);
			expect(message).toMatch(/Graph reported a failure \(Graph PUT \S+ timed out.*\), but the schema read back is exactly what was sent, so the write was applied/);
			return {message, notices: []};
		},
	},
];

export async function runExplorerCell(cell: ExplorerCell, expect: ExpectStatic): Promise<Observation> {
	const operation = operations.find((each) => each.id === cell.operation)!;
	const fault = faults.find((each) => each.id === cell.fault)!;
	const simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	const backups = await mkdtemp(join(tmpdir(), 'pvx-fault-explorer-'));
	const before = demoJob(simulator, 'contoso.com', 'AD2AADProvisioning').schema.text;
	let app: App | undefined;
	try {
		const connection = await connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta'});
		// "No answer" cells: the subcommands' short timeout, given to a Graph client of this session's own
		// (the environment variable would reach every cell running meanwhile).
		const retryListeners = new Set<(notice: RetryNotice) => void>();
		const graph =
			cell.fault === 'hang'
				? new GraphClient({
						graphUrl: simulator.url,
						apiVersion: 'beta',
						getToken: (request) => connection.auth.getAccessToken(request),
						timeouts: {connect: hangTimeoutMs, response: hangTimeoutMs},
						onRetry: (notice) => {
							for (const listener of retryListeners) listener(notice);
						},
					})
				: connection.graph;
		const services = createTenantServices({
			label: connection.label,
			auth: connection.auth,
			graph,
			exportDirectory: backups,
			backupDirectory: backups,
			watchRetries:
				cell.fault === 'hang'
					? (listener) => {
							retryListeners.add(listener);
							return () => retryListeners.delete(listener);
						}
					: connection.watchRetries,
		});
		simulator.faults.add({method: operation.request.method, path: operation.request.path, ...fault.rule, ...(operation.afterHandling ? {afterHandling: true} : {})});
		app = render(createElement(Explorer, {services}));
		const outcome = await cell.drive(app, {simulator, backups, expect});
		// Still drawing its screen, and no stack trace on it.
		expect(app.lastFrame()).toMatch(/\S/);
		expect(app.lastFrame()).not.toMatch(/^\s+at \S/m);

		const hits = simulator.requests.filter((request) => request.method === operation.request.method && operation.request.path.test(request.path));
		const puts = simulator.requests.filter((request) => request.method === 'PUT').length;
		const names = (await readdir(backups)).filter((name) => name.endsWith('.schema.json'));
		const modes = await Promise.all(names.map(async (name) => (await stat(join(backups, name))).mode & 0o777));
		const after = demoJob(simulator, 'contoso.com', 'AD2AADProvisioning').schema.text;
		const writes = operation.id === 'put-schema' || operation.id === 'put-schema-applied';
		const expected = operation.expected[fault.id]!;
		if (writes) {
			expect(modes).toEqual([0o600]);
			expect(puts).toBe(expected.puts);
			expect(after === before ? 'unchanged' : 'changed').toBe(expected.live === 'unchanged' ? 'unchanged' : 'changed');
		} else {
			expect(puts).toBe(0);
		}
		// After an error, the user retried with r: one attempt more than the subcommand's.
		const retriedByUser = /, then r$/.test(cell.title) ? 1 : 0;
		expect(hits.length, JSON.stringify(hits.map((hit) => [hit.status, hit.query, hit.receivedAt]))).toBe(expected.attempts + retriedByUser);
		return {
			surface: 'explorer',
			operation: operation.id,
			fault: fault.id,
			run: cell.keys,
			exitCode: null,
			message: normalizeMessage(outcome.message, [backups]),
			notices: outcome.notices,
			attempts: hits.length,
			statuses: hits.map((request) => request.status),
			puts,
			refreshes: refreshGrants(simulator),
			backups: names.length,
			...(writes ? {live: after === before ? ('unchanged' as const) : ('as-sent' as const)} : {}),
			stackTrace: false,
		};
	} finally {
		// Only this cell's screen: others run meanwhile.
		app?.unmount();
		await simulator.close();
		await rm(backups, {recursive: true, force: true});
	}
}
