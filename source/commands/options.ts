/**
 * Command-line options shared by the explorer and the subcommands, parsed with node:util.
 */
import {parseArgs} from 'node:util';
import {type CloudName, cloudNames, clouds, isCloudName} from '../auth/clouds.js';
import {authMethods, isAuthMethod} from '../auth/methods.js';
import {UsageError} from '../errors.js';

export const sharedOptions = {
	demo: {type: 'boolean'},
	'graph-url': {type: 'string'},
	'api-version': {type: 'string'},
	tenant: {type: 'string'},
	'client-id': {type: 'string'},
	'read-only': {type: 'boolean'},
	auth: {type: 'string'},
	'redirect-port': {type: 'string'},
	cloud: {type: 'string'},
	'client-secret-file': {type: 'string'},
	'certificate-file': {type: 'string'},
	// Declared only to refuse it with a reason: a secret on the command line shows in ps and shell history.
	'client-secret': {type: 'string'},
	'token-cache': {type: 'string'},
	'no-token-cache': {type: 'boolean'},
	verbose: {type: 'boolean'},
	help: {type: 'boolean', short: 'h'},
} as const;

export type {SharedOptions} from '../explorer/shared-options.js';
import type {SharedOptions} from '../explorer/shared-options.js';

/** `--json`: machine-readable output on stdout, for the commands where it makes sense. */
export const jsonOption = {json: {type: 'boolean'}} as const;
export const jsonHelp = '  --json         print machine-readable JSON on standard output';

/** Options of the commands that write a schema to the tenant (`import`, `patch --sp`). */
export const writeOptions = {
	yes: {type: 'boolean', short: 'y'},
	'dry-run': {type: 'boolean'},
	'backup-dir': {type: 'string'},
} as const;
export const writeHelp = `Writing:
  Before anything is sent, the plan (what changes, warnings such as what a scoping change does to
  accounts, the JSON diff) and the checks are printed on standard error. On a terminal you confirm by
  typing the app's display name (its object id when the name cannot be typed); without one, --yes is
  required. The live schema is backed up first, and read back after the write to verify it.
  -y, --yes        write without asking (needed in scripts and pipelines)
  --dry-run        show the plan and the checks, send nothing (exit code 0, or 1 when a check fails)
  --backup-dir DIR where the backup of the live schema goes (default: backups in the state directory)
  --cases FILE     run these expression tests (see test-expressions) on what would be sent, through the
                   job's parseExpression (our evaluator under --read-only); a failing case blocks the
                   write, and the case file's "silence" entries turn lint rules off per mapping
  --json           print the result (status, changes, backup path) as JSON on standard output`;

type ParseConfig = Parameters<typeof parseArgs>[0] & {options: Record<string, {type: 'string' | 'boolean'; short?: string}>};

/** parseArgs with our messages: one line naming the problem and pointing at --help. */
export function parseCommandLine<T extends ParseConfig>(args: string[], config: T, command: string) {
	try {
		return parseArgs({...config, args, strict: true, allowPositionals: config.allowPositionals ?? false});
	} catch (error) {
		const message = error instanceof Error ? error.message.split('\n')[0]!.replace(/^Unknown option '(.+?)'.*$/, "unknown option '$1'") : String(error);
		throw new UsageError(`${message}. See \`provisioning-explorer ${command}--help\`.`.replace('  ', ' '));
	}
}

export function readSharedOptions(values: Record<string, unknown>): SharedOptions {
	const apiVersion = (values['api-version'] as string | undefined) ?? 'beta';
	if (apiVersion !== 'beta' && apiVersion !== 'v1.0') throw new UsageError(`--api-version must be beta or v1.0, not "${apiVersion}".`);
	if (values['client-secret'] !== undefined) {
		throw new UsageError('A client secret is never taken from the command line (ps and shell history would show it). Use --client-secret-file FILE or AZURE_CLIENT_SECRET.');
	}
	const auth = (values.auth as string | undefined) ?? 'device-code';
	if (!isAuthMethod(auth)) throw new UsageError(`--auth must be one of ${authMethods.join(', ')}, not "${auth}".`);
	const cloud = (values.cloud as string | undefined) ?? 'global';
	if (!isCloudName(cloud)) throw new UsageError(`--cloud must be one of ${cloudNames.join(', ')}, not "${cloud}".`);
	const graphUrl = checkGraphUrl(values['graph-url'] as string | undefined, {demo: Boolean(values.demo), cloud}, values.help ? () => {} : undefined);
	const redirectPortText = values['redirect-port'] as string | undefined;
	const redirectPort = redirectPortText === undefined ? undefined : Number(redirectPortText);
	if (redirectPort !== undefined && (!Number.isInteger(redirectPort) || redirectPort < 1 || redirectPort > 65_535)) {
		throw new UsageError(`--redirect-port must be a port number from 1 to 65535, not "${redirectPortText}".`);
	}
	if (redirectPort !== undefined && auth !== 'browser') throw new UsageError('--redirect-port goes with --auth browser.');
	if (values['token-cache'] !== undefined && values['no-token-cache']) throw new UsageError('Give --token-cache FILE or --no-token-cache, not both.');
	return {
		auth,
		redirectPort,
		cloud,
		clientSecretFile: values['client-secret-file'] as string | undefined,
		certificateFile: values['certificate-file'] as string | undefined,
		tokenCacheFile: values['token-cache'] as string | undefined,
		noTokenCache: Boolean(values['no-token-cache']),
		verbose: Boolean(values.verbose),
		demo: Boolean(values.demo),
		graphUrl,
		apiVersion,
		tenant: values.tenant as string | undefined,
		clientId: (values['client-id'] as string | undefined) ?? process.env.AZURE_CLIENT_ID,
		readOnly: Boolean(values['read-only']),
		help: Boolean(values.help),
	};
}

/**
 * The URL for messages: any user name or password replaced by `***`. Everything up to the authority's last "@" goes,
 * as URL parsing reads it: "https:user:pw@host" and backslashes for slashes are valid, a password may hold an
 * unescaped "@", and "user:pw@host" (no scheme) must not keep "user:" as if it were one.
 */
export function redactUrl(text: string): string {
	return text.replace(/^((?:https?:[\\/]*)|(?:[a-z][a-z0-9+.-]*:[\\/]{2}))?[^/\\?#]*@/i, (_match, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

function isLoopback(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

let graphUrlNoticeShown = false;

/**
 * --graph-url receives the signed-in account's token, so outside --demo it must be https:// (plain http only to
 * this machine), and a host that is not the chosen cloud's Graph is announced once. A URL holding a user name or
 * password is refused, and never printed with them.
 */
export function checkGraphUrl(text: string | undefined, options: {demo: boolean; cloud: CloudName}, warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): string | undefined {
	if (text === undefined) return undefined;
	const shown = redactUrl(text);
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new UsageError(`--graph-url must be an http(s) URL such as https://graph.microsoft.com, not "${shown}".`);
	}
	if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
		throw new UsageError(`--graph-url must be an http(s) URL such as https://graph.microsoft.com, not "${shown}".`);
	}
	if (url.username !== '' || url.password !== '') {
		throw new UsageError(`--graph-url must not hold a user name or password ("${shown}"): Graph is reached with your sign-in token only.`);
	}
	if (options.demo) return text;
	if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
		throw new UsageError(`--graph-url must use https:// (plain http:// would send your sign-in token unencrypted), except to this machine (127.0.0.1, ::1, localhost); not "${shown}".`);
	}
	const cloudGraph = new URL(clouds[options.cloud].graphUrl);
	if (url.hostname.toLowerCase() !== cloudGraph.hostname && !graphUrlNoticeShown) {
		graphUrlNoticeShown = true;
		warn(
			`provisioning-explorer: note: --graph-url ${url.host} is not Microsoft Graph of the ${clouds[options.cloud].label} cloud (${cloudGraph.host}); your sign-in token will be sent to it.`,
		);
	}
	return text;
}

export const sharedHelp = `Connection options:
  --demo                 use the built-in demo tenant (no Entra tenant needed)
  --graph-url URL        Graph root (default https://graph.microsoft.com); with --demo, a running demo-server
  --api-version V        beta (default, as in Microsoft's procedure) or v1.0
  --tenant ID|DOMAIN     tenant to sign in to (default: your home tenant)
  --client-id ID         app registration to sign in with (default: Microsoft Graph Command Line Tools)
  --read-only            ask only for read permissions
  --auth METHOD          device-code (default), browser, client-secret, client-certificate or env
  --redirect-port N      --auth browser: loopback port to forward with ssh -L (default 8976)
  --cloud NAME           global (default), usgov, usgov-dod or china
  --client-secret-file F --auth client-secret: file with the secret (or AZURE_CLIENT_SECRET)
  --certificate-file F   --auth client-certificate: PEM with certificate and key (or AZURE_CLIENT_CERTIFICATE_PATH)
  --token-cache FILE     keep the sign-in in FILE (default: the state directory; --demo: memory only)
  --no-token-cache       keep the sign-in in memory only (shared hosts)
  --verbose              log every request (no tokens or secrets) to a file; its path is printed
  -h, --help             show help`;
