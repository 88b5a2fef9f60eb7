/** `login`: sign in now (and keep the sign-in in the token cache), so later commands run silently. */
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {writeStdout} from './output.js';
import {openConnection, signInOnStderr} from './session.js';

export const loginHelp = `Usage: provisioning-explorer login [options]

Signs in and saves the sign-in in the token cache (mode 0600 in your state directory), so that the
explorer and the other commands start without asking. Always asks, even when a saved sign-in
exists (to switch accounts). The instruction goes to standard error.

${sharedHelp}

Examples:
  provisioning-explorer login --tenant contoso.com
  provisioning-explorer login --auth browser --redirect-port 8976     # with ssh -L 8976:127.0.0.1:8976
  AZURE_CLIENT_SECRET=... provisioning-explorer login --auth client-secret --tenant ID --client-id APP-ID`;

export async function runLogin(args: string[]): Promise<number> {
	const {values} = parseCommandLine(args, {options: sharedOptions}, 'login ');
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${loginHelp}\n`);
		return 0;
	}
	const connection = await openConnection(shared);
	try {
		const signedIn = await signInOnStderr(connection, 'always');
		const account = await connection.auth.describe();
		const where = !connection.auth.interactive
			? 'App-only sign-in saves nothing: each run gets a new token with the credential.'
			: account?.tokenCachePath
				? `The sign-in is saved in ${account.tokenCachePath}.`
				: 'The sign-in is kept in memory only and ends with this command.';
		process.stderr.write(`Signed in as ${clean(signedIn.account)} (tenant ${clean(account?.tenantId || signedIn.tenant || connection.label)}). ${where}\n`);
		return 0;
	} finally {
		await connection.close();
	}
}
