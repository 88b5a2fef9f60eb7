/**
 * `--verbose`: one line per HTTP attempt (Graph and sign-in alike) in a file under the state
 * directory. Only what support asks for — method, URL with query values removed, status,
 * request-id, duration, retry number — so no token, code, secret or header value can reach it.
 */
import {appendFileSync, chmodSync, closeSync, constants, openSync} from 'node:fs';
import {checkNotSymbolicLink, preparePrivateDirectory} from '../fs/private-state.js';
import {join} from 'node:path';
import {stateDirectory} from '../paths.js';

export type RequestLogRecord = {
	method: string;
	url: string;
	/** Where the request really went, when that differs (the demo tenant stands in for login hosts). */
	via?: string;
	status?: number;
	/** Network failure instead of a status, e.g. ECONNRESET. */
	error?: string;
	requestId?: string;
	/** The id we sent (Graph echoes it); with request-id and date, what Microsoft support asks for. */
	clientRequestId?: string;
	/** The answer's Date header. */
	date?: string;
	durationMs: number;
	/** 0 for the first attempt. */
	retry: number;
};

/** The URL without credentials, fragment or query values (names stay: they say what was asked). */
export function redactUrl(url: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return '(unparsable URL)';
	}
	const names = [...new Set(parsed.searchParams.keys())];
	const query = names.length > 0 ? `?${names.map((name) => `${name.replace(/[^\w$.-]/g, (character) => encodeURIComponent(character))}=…`).join('&')}` : '';
	return `${parsed.protocol}//${parsed.host}${parsed.pathname}${query}`;
}

function timestampForFileName(date: Date): string {
	return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export class RequestLog {
	private constructor(readonly path: string) {}

	/** A new log file, mode 0600 in a 0700 folder: URLs name tenants and ids. */
	static create(directory = join(stateDirectory(), 'logs'), now = new Date()): RequestLog {
		preparePrivateDirectory(directory);
		const path = join(directory, `requests-${timestampForFileName(now)}-${process.pid}.log`);
		checkNotSymbolicLink(path);
		// O_NOFOLLOW: a link planted under the log's name is refused (ELOOP), never written through.
		closeSync(openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o600));
		chmodSync(path, 0o600);
		return new RequestLog(path);
	}

	record(entry: RequestLogRecord): void {
		const outcome = entry.status === undefined ? (entry.error ?? 'no response') : String(entry.status);
		const parts = [
			new Date().toISOString(),
			entry.method.toUpperCase(),
			redactUrl(entry.url),
			...(entry.via ? [`(via ${redactUrl(entry.via)})`] : []),
			outcome,
			`request-id=${entry.requestId ?? '-'}`,
			`client-request-id=${entry.clientRequestId ?? '-'}`,
			...(entry.date ? [`date="${entry.date.replace(/"/g, '')}"`] : []),
			`${Math.round(entry.durationMs)}ms`,
			`retry=${entry.retry}`,
		];
		// Synchronous: lines stay in order and are on disk even when the process exits right after.
		try {
			appendFileSync(this.path, `${parts.join(' ')}\n`);
		} catch {
			// A log that cannot be written must not break the session.
		}
	}
}
