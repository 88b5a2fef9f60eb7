/** The --verbose request log keeps what support needs and drops what could be sensitive. */
import {readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {RequestLog, redactUrl} from '../../source/graph/request-log.js';
import {temporaryDirectory} from '../auth/helpers.js';

describe('request log', () => {
	it('keeps query names but not their values, and drops credentials and fragments', () => {
		expect(redactUrl("https://graph.microsoft.com/beta/servicePrincipals?$filter=displayName eq 'Secret App'&$top=999")).toBe(
			'https://graph.microsoft.com/beta/servicePrincipals?$filter=…&$top=…',
		);
		expect(redactUrl('https://user:pass@login.microsoftonline.com/t/oauth2/v2.0/token?client-request-id=abc#frag')).toBe(
			'https://login.microsoftonline.com/t/oauth2/v2.0/token?client-request-id=…',
		);
		expect(redactUrl('not a url')).toBe('(unparsable URL)');
	});

	it('writes one line per attempt to a 0600 file in a 0700 folder', async () => {
		const directory = join(await temporaryDirectory(), 'logs');
		const log = RequestLog.create(directory, new Date('2026-01-02T03:04:05Z'));
		expect(log.path).toBe(join(directory, `requests-20260102T030405Z-${process.pid}.log`));
		log.record({method: 'get', url: 'https://graph.microsoft.com/beta/servicePrincipals?$top=5', status: 429, requestId: 'r-1', clientRequestId: 'c-1', date: 'Fri, 04 Dec 2026 19:00:00 GMT', durationMs: 12.4, retry: 0});
		log.record({method: 'GET', url: 'https://graph.microsoft.com/beta/servicePrincipals?$top=5', error: 'ECONNRESET', clientRequestId: 'c-2', durationMs: 3, retry: 1});
		const lines = (await readFile(log.path, 'utf8')).trimEnd().split('\n');
		expect(lines[0]).toMatch(/^\S+Z GET https:\/\/graph\.microsoft\.com\/beta\/servicePrincipals\?\$top=… 429 request-id=r-1 client-request-id=c-1 date="Fri, 04 Dec 2026 19:00:00 GMT" 12ms retry=0$/);
		expect(lines[1]).toMatch(/ ECONNRESET request-id=- client-request-id=c-2 3ms retry=1$/);
		expect((await stat(log.path)).mode & 0o777).toBe(0o600);
		expect((await stat(directory)).mode & 0o777).toBe(0o700);
	});
});
