/** `demo-server`: the demo tenant on its own, for trying things out and for out-of-process tests. */
import {readFile} from 'node:fs/promises';
import {UsageError, UserError} from '../errors.js';
import {decodeSchemaBytes, SchemaFileError} from '../schema/load.js';
import {parseCommandLine} from './options.js';

/** Directory roles the demo tenant tells apart for provisioning (research: rbac-synchronization-apis.md, known issues). */
const demoRoles = ['Global Administrator', 'Application Administrator', 'Cloud Application Administrator', 'Hybrid Identity Administrator', 'Global Reader'];

export const demoServerHelp = `Usage: provisioning-explorer demo-server [--port N] [--schema FILE] [--role ROLE]... [--normalize-on-store] [--parse-expression-400]

Runs the built-in demo tenant (a Microsoft Graph simulator with a sign-in service) on 127.0.0.1
and prints its base URL. Stop it with Ctrl+C.

  --port N                port to listen on (default: a free one)
  --schema FILE           serve FILE as the contoso.com AD2AADProvisioning job's schema
  --role ROLE             the demo admin's directory role instead of Global Administrator (repeat for
                          several): ${demoRoles.map((role) => `"${role}"`).join(', ')}.
                          Graph answers what a role may not do with 401 UnknownError, as it does.
  --normalize-on-store    store a written schema the way a normalising service might: defaultValue
                          filled in, keys reordered, a new version (the read-back tells this apart)
  --parse-expression-400  answer a malformed expression with HTTP 400 instead of parsingSucceeded: false

Example:
  provisioning-explorer demo-server --port 8400
  provisioning-explorer --demo --graph-url http://127.0.0.1:8400`;

export async function runDemoServer(args: string[]): Promise<number> {
	const {values} = parseCommandLine(
		args,
		{
			options: {
				port: {type: 'string'},
				schema: {type: 'string'},
				role: {type: 'string', multiple: true},
				'normalize-on-store': {type: 'boolean'},
				'parse-expression-400': {type: 'boolean'},
				help: {type: 'boolean', short: 'h'},
			},
		},
		'demo-server ',
	);
	if (values.help) {
		process.stdout.write(`${demoServerHelp}\n`);
		return 0;
	}
	const port = values.port === undefined ? 0 : Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}".`);
	const roles = values.role ?? [];
	for (const role of roles) {
		if (!demoRoles.includes(role)) throw new UsageError(`--role must be one of ${demoRoles.map((known) => `"${known}"`).join(', ')}, not "${role}".`);
	}
	let schemaOverride: string | undefined;
	if (values.schema) {
		try {
			// Any encoding admins have (Windows PowerShell writes UTF-16LE); served as UTF-8 text.
			schemaOverride = decodeSchemaBytes(await readFile(values.schema)).text;
		} catch (error) {
			if (error instanceof SchemaFileError) throw new UserError(`--schema ${values.schema}: ${error.message}`);
			throw new UserError(`Cannot read --schema ${values.schema}: ${(error as NodeJS.ErrnoException).code ?? 'error'}. Check the path.`);
		}
	}
	const {startSimulator} = await import('../simulator/index.js');
	let simulator: Awaited<ReturnType<typeof startSimulator>>;
	try {
		simulator = await startSimulator({
			port,
			schemaOverride,
			normalizeOnStore: Boolean(values['normalize-on-store']),
			parseExpressionFailure: values['parse-expression-400'] ? 'http400' : 'response',
		});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EADDRINUSE') throw new UserError(`Port ${port} is already in use. Choose another with --port, or leave it out for a free one.`);
		throw error;
	}
	if (roles.length > 0) simulator.identity.setDirectoryRoles(roles);
	process.stdout.write(`${simulator.url}\n`);
	process.stderr.write('Demo tenant running. Graph under /beta and /v1.0; sign-in under /{tenant}/oauth2/v2.0. Ctrl+C stops it.\n');
	await new Promise<void>((resolve) => {
		const stop = () => resolve();
		process.once('SIGINT', stop);
		process.once('SIGTERM', stop);
	});
	await simulator.close();
	return 0;
}
