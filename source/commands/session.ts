/** Sign-in for subcommands: the sign-in instruction goes to stderr, data stays on stdout. */
import type {PromptPolicy} from '../auth/types.js';
import {type Connection, connect, connectionOptions} from '../explorer/connect.js';
import type {SignedIn, SignInPrompt} from '../explorer/services.js';
import type {RetryNotice} from '../graph/client.js';
import {RequestLog} from '../graph/request-log.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import type {SharedOptions} from './options.js';

/** The sign-in instruction as lines for a terminal (stderr). */
export function describePrompt(prompt: SignInPrompt, now = Date.now()): string {
	const lines: string[] = [];
	if (prompt.reason) lines.push(clean(prompt.reason));
	if (prompt.kind === 'browser') {
		const port = prompt.redirectPort;
		lines.push(
			'To sign in, open this address in a browser:',
			`  ${clean(prompt.url)}`,
			`It returns to http://localhost:${port} on this host. Over SSH, connect with: ssh -L ${port}:127.0.0.1:${port} <this host>`,
		);
	} else {
		const minutes = Math.max(1, Math.round((prompt.expiresAt - now) / 60_000));
		lines.push(`To sign in, open ${clean(prompt.verificationUri)} in a browser and enter the code ${clean(prompt.userCode)} (valid for ${minutes} min).`);
	}
	return `${lines.join('\n')}\n`;
}

export function describeRetry(notice: RetryNotice): string {
	return `${notice.reason}; retrying in ${Math.max(1, Math.round(notice.waitMs / 1000))} s…\n`;
}

/** A --verbose request log, its path told on stderr. */
export function openRequestLog(options: SharedOptions): RequestLog | undefined {
	if (!options.verbose) return undefined;
	const log = RequestLog.create();
	process.stderr.write(`Request log: ${log.path}\n`);
	return log;
}

/** Connects without signing in (logout needs no network). */
export async function openConnection(options: SharedOptions, hooks: {onRetry?: (notice: RetryNotice) => void; extraScopes?: readonly string[]} = {}): Promise<Connection> {
	return connect(
		connectionOptions(options, {
			extraScopes: hooks.extraScopes,
			requestLog: openRequestLog(options),
			// Nobody is watching a pipeline's demo sign-in: let the simulated user approve at once.
			demoApproveAfterMs: 100,
			onRetry: (notice) => {
				process.stderr.write(describeRetry(notice));
				hooks.onRetry?.(notice);
			},
		}),
	);
}

/** Signs in, printing any instruction to stderr. */
export function signInOnStderr(connection: Connection, prompt: PromptPolicy = 'auto'): Promise<SignedIn> {
	const controller = new AbortController();
	return connection.auth.signIn({signal: controller.signal, prompt, onPrompt: (instruction) => process.stderr.write(describePrompt(instruction))});
}

/**
 * Connects and signs in: silently from the token cache when it can, else by asking on stderr.
 * `onRetry` is told of each Graph retry too (after the message on stderr), e.g. to slow down other requests.
 */
export async function openSession(
	options: SharedOptions,
	hooks: {onRetry?: (notice: RetryNotice) => void; prompt?: PromptPolicy; extraScopes?: readonly string[]} = {},
): Promise<Connection> {
	const connection = await openConnection(options, hooks);
	try {
		await signInOnStderr(connection, hooks.prompt);
	} catch (error) {
		await connection.close();
		throw error;
	}
	return connection;
}
