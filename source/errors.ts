/**
 * Errors a user sees: one line that says what went wrong and what to do next, never a stack trace.
 * Modules throw `UserError` (or subclasses) for expected failures; anything else is described by
 * its first line.
 */
import {sanitizeForTerminal} from './terminal/sanitize.js';

export class UserError extends Error {
	/** Exit code for subcommands: 1 = a check failed, 2 = usage error or failure. */
	readonly exitCode: number;
	constructor(message: string, options?: {exitCode?: number; cause?: unknown}) {
		// One line, whatever the message quotes: a name holding a line break must not cut the message short.
		super(message.replace(/\s*[\r\n]+\s*/g, ' '), options?.cause === undefined ? undefined : {cause: options.cause});
		this.name = 'UserError';
		this.exitCode = options?.exitCode ?? 2;
	}
}

/** A usage mistake on the command line (exit code 2). */
export class UsageError extends UserError {
	constructor(message: string) {
		super(message, {exitCode: 2});
		this.name = 'UsageError';
	}
}

function firstLine(text: string): string {
	return text.split(/\r?\n/, 1)[0]!.trim();
}

/** The one-line, terminal-safe description of any thrown value. */
export function describeError(error: unknown): string {
	if (error instanceof Error) {
		if (error.name === 'AbortError') return 'Cancelled.';
		const code = (error as {code?: unknown}).code;
		if (code === 'ECONNREFUSED') return `Could not connect (${sanitizeForTerminal(firstLine(error.message))}). Check the URL and that the server is running.`;
		return sanitizeForTerminal(firstLine(error.message)) || error.name;
	}
	return sanitizeForTerminal(firstLine(String(error)));
}

/** ` [request-id …, client-request-id …, date …]`: the ids Microsoft support asks for, as one bracket (empty without any). */
export function supportIds(details: {requestId?: string; clientRequestId?: string; date?: string}): string {
	const parts = [
		details.requestId ? `request-id ${details.requestId}` : '',
		details.clientRequestId ? `client-request-id ${details.clientRequestId}` : '',
		details.date ? `date ${details.date}` : '',
	].filter(Boolean);
	return parts.length > 0 ? ` [${parts.join(', ')}]` : '';
}
