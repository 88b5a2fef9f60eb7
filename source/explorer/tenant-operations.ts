/** The editor's tenant side: parseExpression checks, function and operator lists, the safe write. */
import {validateWithServer, writeSchema} from '../edit/index.js';
import type {GraphClient} from '../graph/client.js';
import type {TenantOperations} from './services.js';

export function createTenantOperations(graph: GraphClient, options: {backupDirectory?: string} = {}): TenantOperations {
	return {
		validateExpressions: (servicePrincipalId, jobId, expressions, signal, parsed) =>
			validateWithServer(graph, servicePrincipalId, jobId, expressions, signal, parsed),
		listFunctions: async (servicePrincipalId, jobId) => (await graph.listFunctions(servicePrincipalId, jobId)).map((entry) => entry.name),
		listFilterOperators: async (servicePrincipalId, jobId) => (await graph.listFilterOperators(servicePrincipalId, jobId)).map((entry) => entry.name),
		writeSchema: (write) => writeSchema({graph, ...write, backupDirectory: options.backupDirectory}),
	};
}
