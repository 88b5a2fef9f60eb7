/**
 * Command-line options shared by the explorer and the subcommands, parsed with node:util.
 */
import {parseArgs} from 'node:util';
import {UsageError} from '../errors.js';
import type {ApiVersion} from '../graph/client.js';

export const sharedOptions = {
	demo: {type: 'boolean'},
	'graph-url': {type: 'string'},
	'api-version': {type: 'string'},
	tenant: {type: 'string'},
	'client-id': {type: 'string'},
	'read-only': {type: 'boolean'},
	help: {type: 'boolean', short: 'h'},
} as const;

export type SharedOptions = {
	demo: boolean;
	graphUrl?: string;
	apiVersion: ApiVersion;
	tenant?: string;
	clientId?: string;
	readOnly: boolean;
	help: boolean;
};

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
	const graphUrl = values['graph-url'] as string | undefined;
	if (graphUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(graphUrl)) {
		throw new UsageError(`--graph-url must be an http(s) URL such as https://graph.microsoft.com, not "${graphUrl}".`);
	}
	return {
		demo: Boolean(values.demo),
		graphUrl,
		apiVersion,
		tenant: values.tenant as string | undefined,
		clientId: (values['client-id'] as string | undefined) ?? process.env.AZURE_CLIENT_ID,
		readOnly: Boolean(values['read-only']),
		help: Boolean(values.help),
	};
}

export const sharedHelp = `Connection options:
  --demo                 use the built-in demo tenant (no Entra tenant needed)
  --graph-url URL        Graph root (default https://graph.microsoft.com); with --demo, a running demo-server
  --api-version V        beta (default, as in Microsoft's procedure) or v1.0
  --tenant ID|DOMAIN     tenant to sign in to (default: your home tenant)
  --client-id ID         app registration to sign in with (default: Microsoft Graph Command Line Tools)
  --read-only            ask only for read permissions
  -h, --help             show help`;
