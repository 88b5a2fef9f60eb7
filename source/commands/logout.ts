/** `logout`: forget the saved sign-in on this computer (accounts removed, token cache deleted). */
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {writeStdout} from './output.js';
import {openConnection} from './session.js';

export const logoutHelp = `Usage: provisioning-explorer logout [options]

Removes the saved accounts from the token cache and deletes the cache file. This is a local
sign-out: the session at Microsoft stays valid until it expires or an admin revokes it.

${sharedHelp}`;

export async function runLogout(args: string[]): Promise<number> {
	const {values} = parseCommandLine(args, {options: sharedOptions}, 'logout ');
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${logoutHelp}\n`);
		return 0;
	}
	const connection = await openConnection(shared);
	try {
		if (!connection.auth.interactive) {
			process.stderr.write('App-only sign-in keeps nothing on this computer; nothing to sign out.\n');
			return 0;
		}
		const {accounts} = await connection.auth.signOut();
		const who = accounts.length > 0 ? accounts.map((account) => clean(account)).join(', ') : 'no saved account';
		process.stderr.write(
			`Signed out on this computer (${who}); the token cache is deleted. Your session at Microsoft stays valid until it expires or an admin revokes it.\n`,
		);
		return 0;
	} finally {
		await connection.close();
	}
}
