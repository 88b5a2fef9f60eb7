/**
 * Issue 9 §7 (b): --graph-url receives the sign-in token. Outside --demo it must be https:// (plain http only to
 * loopback), a host that is not the cloud's Graph is announced once, and credentials in it are never printed.
 */
import {afterAll, describe, expect, it} from 'vitest';
import {checkGraphUrl} from '../../source/commands/options.js';
import {expectOneLineError, removeIsolatedStates, runCli} from '../commands/cli.js';

afterAll(() => removeIsolatedStates());

describe('--graph-url outside --demo', () => {
	it('refuses plain http:// to another machine before any sign-in', async () => {
		const result = await runCli(['whoami', '--graph-url', 'http://graph.example.invalid']);
		expect(result.code).toBe(2);
		expect(expectOneLineError(result)).toMatch(/--graph-url must use https:\/\/ .*not "http:\/\/graph\.example\.invalid"/);
	});

	it('never prints a user name or password given in the URL', async () => {
		for (const url of ['https://admin:s3cret-pw@graph.example.invalid/', 'http://admin:s3cret-pw@127.0.0.1:1', 'ftp://admin:s3cret-pw@x']) {
			for (const demo of [[], ['--demo']]) {
				const result = await runCli(['whoami', ...demo, '--graph-url', url]);
				expect(result.code).toBe(2);
				expect(result.stderr + result.stdout).not.toMatch(/s3cret-pw|admin:/);
				expect(expectOneLineError(result)).toMatch(/\*\*\*@/);
			}
		}
	});

	it('never prints credentials written without "//", with an unescaped "@" in the password, or with backslashes', () => {
		// WHATWG URL parsing takes the last "@" of the authority and accepts "https:user:pw@host" and "https:\\\\user:pw@host".
		for (const url of ['admin:s3cret-pw@graph.microsoft.com', 'https:admin:s3cret-pw@graph.microsoft.com', 'http://admin:s3cret@pw@127.0.0.1:1', 'https:\\\\admin:s3cret-pw@graph.microsoft.com', 'https://admin:s3cret-pw@graph.microsoft.com:99999']) {
			for (const demo of [false, true]) {
				let message = '';
				try {
					checkGraphUrl(url, {demo, cloud: 'global'}, () => {});
				} catch (error) {
					message = (error as Error).message;
				}
				expect(message, url).toMatch(/\*\*\*@/);
				expect(message, url).not.toMatch(/s3cret|pw@|admin/);
			}
		}
	});

	it('says once that a host is not Microsoft Graph of the chosen cloud', async () => {
		const result = await runCli(['whoami', '--graph-url', 'https://graph.example.invalid']);
		const notes = result.stderr.split('\n').filter((line) => line.includes('is not Microsoft Graph'));
		expect(notes).toEqual([
			'provisioning-explorer: note: --graph-url graph.example.invalid is not Microsoft Graph of the Global (commercial, GCC) cloud (graph.microsoft.com); your sign-in token will be sent to it.',
		]);
		const usgov = await runCli(['whoami', '--cloud', 'usgov', '--graph-url', 'https://graph.microsoft.com']);
		expect(usgov.stderr).toMatch(/graph\.microsoft\.com is not Microsoft Graph of the US Government .* cloud \(graph\.microsoft\.us\)/);
		const own = await runCli(['whoami', '--graph-url', 'https://graph.microsoft.com']);
		expect(own.stderr).not.toMatch(/is not Microsoft Graph/);
	});

	it('accepts http:// to loopback addresses', () => {
		const notes: string[] = [];
		for (const url of ['http://127.0.0.1:8400', 'http://localhost:8400', 'http://[::1]:8400']) {
			expect(checkGraphUrl(url, {demo: false, cloud: 'global'}, (line) => notes.push(line))).toBe(url);
		}
		expect(() => checkGraphUrl('http://10.0.0.1', {demo: false, cloud: 'global'}, () => {})).toThrow(/must use https/);
	});
});
