/** Shared helpers for the sign-in tests: the real msal-node and got code paths against the demo tenant on 127.0.0.1. */
import {spawn} from 'node:child_process';
import {mkdtemp} from 'node:fs/promises';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {type Connection, type ConnectionOptions, connect} from '../../source/explorer/connect.js';
import type {SignInPrompt} from '../../source/explorer/services.js';
import type {Simulator} from '../../source/simulator/index.js';
import {binPath} from '../helpers/pty.js';

export const certificatePath = new URL('./fixtures/test-app-certificate.pem', import.meta.url).pathname;
export const unregisteredCertificatePath = new URL('./fixtures/unregistered-certificate.pem', import.meta.url).pathname;

export async function temporaryDirectory(prefix = 'pvx-auth-'): Promise<string> {
	return mkdtemp(join(tmpdir(), prefix));
}

/** A session against a running simulator, as `--demo --graph-url URL` makes one. */
export function connectTo(simulator: Simulator, options: Partial<ConnectionOptions> = {}): Promise<Connection> {
	return connect({demo: true, graphUrl: simulator.url, apiVersion: 'beta', env: {}, ...options});
}

/** The prompts a sign-in showed, and a promise of the next one. */
export function promptRecorder() {
	const prompts: SignInPrompt[] = [];
	let waiting: ((prompt: SignInPrompt) => void) | undefined;
	return {
		prompts,
		onPrompt(prompt: SignInPrompt) {
			prompts.push(prompt);
			waiting?.(prompt);
			waiting = undefined;
		},
		next(): Promise<SignInPrompt> {
			return new Promise((resolve) => {
				waiting = resolve;
			});
		},
	};
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	if (!address || typeof address === 'string') throw new Error('no port');
	return address.port;
}

/**
 * Plays the browser for --auth browser: opens the sign-in page (on the simulator), reads the form
 * it answers with, and posts it to the loopback redirect URI. Answers what the loopback server said.
 */
export async function playBrowser(signInUrl: string): Promise<{status: number; text: string}> {
	const page = await fetch(signInUrl);
	const html = await page.text();
	const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
	if (!action) throw new Error(`no form on the sign-in page (HTTP ${page.status}): ${html.slice(0, 200)}`);
	const decode = (text: string) => text.replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code)));
	const form = new URLSearchParams();
	for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(decode(match[1]!), decode(match[2]!));
	const target = new URL(decode(action));
	target.hostname = '127.0.0.1';
	const answer = await fetch(target, {method: 'POST', headers: {'content-type': 'application/x-www-form-urlencoded'}, body: form.toString()});
	return {status: answer.status, text: await answer.text()};
}

export type CliResult = {code: number; stdout: string; stderr: string};

/** Runs the built executable (npm run build) with `env` added to a clean environment. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, options: {onStderr?: (soFar: string) => void} = {}): Promise<CliResult> {
	const base: Record<string, string> = {};
	for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) {
		const value = process.env[name];
		if (value !== undefined) base[name] = value;
	}
	const childEnv: Record<string, string> = {...base, NO_COLOR: '1'};
	for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value;
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [binPath, ...args], {env: childEnv, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			stdout += chunk;
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
			options.onStderr?.(stderr);
		});
		child.on('error', reject);
		child.on('close', (code) => resolve({code: code ?? -1, stdout, stderr}));
	});
}
