/** The editor's tenant side: parseExpression checks, function and operator lists, the safe write. */
import {validateWithServer, writeSchema} from '../edit/index.js';
import {runGraphTest} from '../expressions/test-runner.js';
import type {GraphClient} from '../graph/client.js';
import {expressionCheckSkipper} from './expression-check.js';
import {createLoopOperations, type LogsAccess} from './loop-operations.js';
import {readSourceObject} from './source-object.js';
import type {AccountDescription, TenantOperations} from './services.js';

export function createTenantOperations(
	graph: GraphClient,
	options: {
		backupDirectory?: string;
		readOnly?: boolean;
		/** Who is signed in, for the backup's note. */
		describeAccount?: () => Promise<AccountDescription | undefined>;
		/** How provisioning logs are read (their own permissions, consented on first use); default: `graph` as it is. */
		logs?: LogsAccess;
	} = {},
): TenantOperations {
	const write: TenantOperations['writeSchema'] = async (request) => {
		// The note beside the backup names who wrote; a failure to tell must not stop the write.
		const account = await options.describeAccount?.().catch(() => undefined);
		return writeSchema({
			graph,
			operation: 'write from the explorer',
			...(account ? {author: {account: account.account, tenantId: account.tenantId}} : {}),
			...request,
			backupDirectory: options.backupDirectory,
		});
	};
	if (options.readOnly) {
		// Nothing is edited or written read-only; the lists would need Synchronization.ReadWrite.All (expression-check.ts).
		const skipped = expressionCheckSkipper();
		const readOnly: TenantOperations = {
			validateExpressions: () => Promise.reject(skipped()),
			testExpression: () => Promise.reject(skipped()),
			listFunctions: () => Promise.reject(skipped()),
			listFilterOperators: () => Promise.reject(skipped()),
			writeSchema: write,
			loop: createLoopOperations(graph, {readOnly: true, logs: options.logs}),
		};
		// Reading a source object writes nothing: it works under --read-only too.
		return {...readOnly, readSourceObject: (request, signal) => readSourceObject({graph, loop: readOnly.loop}, request, signal)};
	}
	const loop = createLoopOperations(graph, {logs: options.logs});
	return {
		validateExpressions: (servicePrincipalId, jobId, expressions, signal, parsed) =>
			validateWithServer(graph, servicePrincipalId, jobId, expressions, signal, parsed),
		testExpression: (servicePrincipalId, jobId, mapping, input, signal) => runGraphTest(graph, {servicePrincipalId, jobId}, mapping, input, signal),
		listFunctions: async (servicePrincipalId, jobId) => (await graph.listFunctions(servicePrincipalId, jobId)).map((entry) => entry.name),
		listFilterOperators: async (servicePrincipalId, jobId) => (await graph.listFilterOperators(servicePrincipalId, jobId)).map((entry) => entry.name),
		writeSchema: write,
		loop,
		readSourceObject: (request, signal) => readSourceObject({graph, loop}, request, signal),
	};
}
