/** `whoami`: who the saved sign-in is — tenant, account, cloud, permissions, expiry. Never a token. */
import type {AccountDescription} from '../explorer/services.js';
import {UserError} from '../errors.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {jsonHelp, jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {writeJson, writeStdout} from './output.js';
import {openConnection, signInOnStderr} from './session.js';

export const whoamiHelp = `Usage: provisioning-explorer whoami [--json] [options]

Shows who is signed in: tenant, account, cloud, the permissions the token grants and when it
expires (refreshing it silently if needed). Never asks to sign in and never prints a token: when
nobody is signed in it says so and exits with code 1.

${jsonHelp}

${sharedHelp}`;

function relativeTime(milliseconds: number): string {
	const minutes = Math.round(milliseconds / 60_000);
	if (minutes < 1) return 'in less than a minute';
	return minutes < 120 ? `in ${minutes} min` : `in ${Math.round(minutes / 60)} h`;
}

export function formatAccount(account: AccountDescription, now = Date.now()): string {
	const expires = account.expiresAt === undefined ? 'unknown' : `${new Date(account.expiresAt).toISOString().replace(/\.\d+Z$/, 'Z')} (${relativeTime(account.expiresAt - now)})`;
	const rows: Array<[string, string]> = [
		['Account', account.kind === 'app' ? `app ${account.account} (app-only)` : account.account],
		['Tenant', account.tenantId],
		['Cloud', account.cloud],
		['Client id', account.clientId],
		['Signed in with', account.method],
		['Permissions', account.scopes.length > 0 ? account.scopes.join(', ') : '(none)'],
		['Token expires', expires],
		['Token cache', account.kind === 'app' ? 'none (app-only)' : (account.tokenCachePath ?? 'memory only')],
	];
	return `${rows.map(([name, value]) => `${`${name}:`.padEnd(16)}${clean(value)}`).join('\n')}\n`;
}

export async function runWhoami(args: string[]): Promise<number> {
	const {values} = parseCommandLine(args, {options: {...sharedOptions, ...jsonOption}}, 'whoami ');
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${whoamiHelp}\n`);
		return 0;
	}
	const connection = await openConnection(shared);
	try {
		await signInOnStderr(connection, 'never');
		// A token that is valid now (refreshed if it was about to expire), so the expiry shown is real.
		await connection.auth.getAccessToken();
		const account = await connection.auth.describe();
		if (!account) throw new UserError('Signed in, but the account could not be described. Try `provisioning-explorer login`.');
		if (values.json) await writeJson({...account, expiresAt: account.expiresAt === undefined ? null : new Date(account.expiresAt).toISOString()});
		else await writeStdout(formatAccount(account));
		return 0;
	} finally {
		await connection.close();
	}
}
