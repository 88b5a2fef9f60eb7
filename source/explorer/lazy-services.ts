/**
 * Tenant services whose connection (msal-node, got, and in demo mode the simulator) is set up on
 * first use, i.e. after the explorer's first frame is on screen.
 */
import type {SharedOptions} from '../commands/options.js';
import type {Connection} from './connect.js';
import type {ExplorerServices} from './services.js';

export type ClosableServices = ExplorerServices & {close(): Promise<void>};

export function createLazyTenantServices(options: SharedOptions, exportDirectory: string): ClosableServices {
	let connecting: Promise<{connection: Connection; services: ExplorerServices}> | undefined;
	const ready = () => {
		connecting ??= (async () => {
			const [{connect}, {createTenantServices}] = await Promise.all([import('./connect.js'), import('./tenant-services.js')]);
			const connection = await connect({...options, demoApproveAfterMs: 1500});
			const services = createTenantServices({label: connection.label, auth: connection.auth, graph: connection.graph, exportDirectory});
			return {connection, services};
		})();
		return connecting;
	};
	const label = options.demo ? 'contoso.com (demo)' : (options.tenant ?? 'your tenant');
	return {
		source: {kind: 'tenant', label},
		signIn: async (request) => (await ready()).services.signIn(request),
		listApps: async (request) => (await ready()).services.listApps(request),
		listJobs: async (id, signal) => (await ready()).services.listJobs(id, signal),
		getSchema: async (id, jobId, signal) => (await ready()).services.getSchema(id, jobId, signal),
		openFile: async () => (await ready()).services.openFile(),
		saveExport: async (bytes, name) => (await ready()).services.saveExport(bytes, name),
		async close() {
			if (connecting) await (await connecting).connection.close();
		},
	};
}
