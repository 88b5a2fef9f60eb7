/** The editor's tenant side: parseExpression checks, function and operator lists, the safe write. */
import {validateWithServer, writeSchema} from '../edit/index.js';
import type {GraphClient} from '../graph/client.js';
import type {AccountDescription, TenantOperations} from './services.js';

export function createTenantOperations(
	graph: GraphClient,
	options: {backupDirectory?: string; /** Who is signed in, for the backup's note. */ describeAccount?: () => Promise<AccountDescription | undefined>} = {},
): TenantOperations {
	return {
		validateExpressions: (servicePrincipalId, jobId, expressions, signal, parsed) =>
			validateWithServer(graph, servicePrincipalId, jobId, expressions, signal, parsed),
		listFunctions: async (servicePrincipalId, jobId) => (await graph.listFunctions(servicePrincipalId, jobId)).map((entry) => entry.name),
		listFilterOperators: async (servicePrincipalId, jobId) => (await graph.listFilterOperators(servicePrincipalId, jobId)).map((entry) => entry.name),
		writeSchema: async (write) => {
			// The note beside the backup names who wrote; a failure to tell must not stop the write.
			const account = await options.describeAccount?.().catch(() => undefined);
			return writeSchema({
				graph,
				operation: 'write from the explorer',
				...(account ? {author: {account: account.account, tenantId: account.tenantId}} : {}),
				...write,
				backupDirectory: options.backupDirectory,
			});
		},
	};
}
