/**
 * Tenant services whose connection (msal-node, got, and in demo mode the simulator) is set up on
 * first use, i.e. after the explorer's first frame is on screen.
 */
import {resolve} from 'node:path';
import type {SharedOptions} from './shared-options.js';
import type {RetryNotice} from '../graph/client.js';
import {RequestLog} from '../graph/request-log.js';
import type {Connection} from './connect.js';
import {localFiles} from './local-files.js';
import {logPermissions} from '../loop/logs.js';
import type {ExplorerServices} from './services.js';

export type ClosableServices = ExplorerServices & {
	/** Closes the connection; with --verbose, prints the request log's path (the terminal is ours again). */
	close(): Promise<void>;
	/** --verbose: the request log file. */
	readonly requestLogPath?: string;
};

export function createLazyTenantServices(
	options: SharedOptions,
	exportDirectory: string,
	backupDirectory?: string,
	/** --history-dir: a folder (or git tree) of exports for a job's history. */
	historyDirectory?: string,
): ClosableServices {
	let connecting: Promise<{connection: Connection; services: ExplorerServices}> | undefined;
	const requestLog = options.verbose ? RequestLog.create() : undefined;
	// The UI may subscribe before the connection exists.
	const retryListeners = new Set<(notice: RetryNotice) => void>();
	const ready = () => {
		connecting ??= (async () => {
			const [{connect, connectionOptions}, {createTenantServices}] = await Promise.all([import('./connect.js'), import('./tenant-services.js')]);
			const connection = await connect(
				connectionOptions(options, {
					demoApproveAfterMs: 1500,
					requestLog,
					onRetry: (notice) => {
						for (const listener of retryListeners) listener(notice);
					},
				}),
			);
			const services = createTenantServices({
				label: connection.label,
				auth: connection.auth,
				graph: connection.graph,
				// Least privilege: the logs' permissions are asked for when logs are first opened, not at sign-in.
				logsGraph: connection.graphFor(logPermissions),
				exportDirectory,
				readOnly: options.readOnly,
				backupDirectory,
				historyDirectory,
			});
			return {connection, services};
		})();
		return connecting;
	};
	const label = options.demo ? 'contoso.com (demo)' : (options.tenant ?? 'your tenant');
	const tenant = async () => (await ready()).services.tenant!;
	const loop = async () => (await tenant()).loop!;
	return {
		...localFiles({backupDirectory, historyDirectory}),
		readOnly: options.readOnly,
		tenant: {
			validateExpressions: async (...args) => (await tenant()).validateExpressions(...args),
			testExpression: async (...args) => (await tenant()).testExpression(...args),
			listFunctions: async (...args) => (await tenant()).listFunctions(...args),
			listFilterOperators: async (...args) => (await tenant()).listFilterOperators(...args),
			writeSchema: async (...args) => (await tenant()).writeSchema(...args),
			readSourceObject: async (...args) => {
				const operations = await tenant();
				if (!operations.readSourceObject) throw new Error('This session cannot read source objects.');
				return operations.readSourceObject(...args);
			},
			loop: {
				getJob: async (...args) => (await loop()).getJob(...args),
				runJobAction: async (...args) => (await loop()).runJobAction(...args),
				provision: async (...args) => (await loop()).provision(...args),
				listLogs: async (...args) => (await loop()).listLogs(...args),
			},
		},
		source: {kind: 'tenant', label},
		signIn: async (request) => (await ready()).services.signIn(request),
		listApps: async (request) => (await ready()).services.listApps(request),
		listJobs: async (id, signal) => (await ready()).services.listJobs(id, signal),
		getSchema: async (id, jobId, signal) => (await ready()).services.getSchema(id, jobId, signal),
		openFile: async () => (await ready()).services.openFile(),
		exportPath: (fileName) => resolve(exportDirectory, fileName),
		saveExport: async (bytes, path) => (await ready()).services.saveExport(bytes, path),
		signOut: async () => (await ready()).services.signOut?.(),
		describeAccount: async () => (connecting ? (await connecting).services.describeAccount?.() : undefined),
		recentApps: async () => (connecting ? ((await (await connecting).services.recentApps?.()) ?? []) : []),
		resolveLocation: async (request, signal) => (await ready()).services.resolveLocation!(request, signal),
		rememberApp: async (app) => {
			if (connecting) await (await connecting).services.rememberApp?.(app);
		},
		watchRetries(listener) {
			retryListeners.add(listener);
			return () => retryListeners.delete(listener);
		},
		requestLogPath: requestLog?.path,
		async close() {
			if (connecting) await (await connecting).connection.close();
			if (requestLog) process.stderr.write(`Request log: ${requestLog.path}\n`);
		},
	};
}
