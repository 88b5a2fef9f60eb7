/** Sign-in for subcommands: the device-code instruction goes to stderr, data stays on stdout. */
import {type Connection, connect} from '../explorer/connect.js';
import type {SharedOptions} from './options.js';

export async function openSession(options: SharedOptions): Promise<Connection> {
	const connection = await connect({
		demo: options.demo,
		graphUrl: options.graphUrl,
		apiVersion: options.apiVersion,
		tenant: options.tenant,
		clientId: options.clientId,
		readOnly: options.readOnly,
		// Nobody is watching a pipeline's demo sign-in: let the simulated user approve at once.
		demoApproveAfterMs: 100,
		onRetry: (notice) => process.stderr.write(`Graph answered ${notice.reason}; retrying in ${Math.ceil(notice.waitMs / 1000)} s…\n`),
	});
	try {
		const controller = new AbortController();
		await connection.auth.signIn({
			signal: controller.signal,
			onPrompt: (prompt) =>
				process.stderr.write(
					`To sign in, open ${prompt.verificationUri} in a browser and enter the code ${prompt.userCode} (valid for ${Math.round((prompt.expiresAt - Date.now()) / 60_000)} min).\n`,
				),
		});
	} catch (error) {
		await connection.close();
		throw error;
	}
	return connection;
}
