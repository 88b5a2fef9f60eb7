/** `demo-server`: the demo tenant as its own process, which the explorer and the commands can attach to. */
import {spawn} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {binPath} from '../helpers/pty.js';
import {removeIsolatedStates, runCli} from './cli.js';

const fixture = new URL('../../source/simulator/data/cloud-sync-ad2aad.schema.json', import.meta.url);

afterAll(() => removeIsolatedStates());

/** Starts `demo-server` and answers its base URL (its first line on stdout) and a way to stop it. */
async function startDemoServer(args: string[]): Promise<{url: string; stop: () => Promise<number | null>}> {
	const child = spawn(process.execPath, [binPath, 'demo-server', ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	const url = await new Promise<string>((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const line = out.split('\n')[0];
			if (out.includes('\n') && line) resolve(line.trim());
		});
		child.on('exit', (code) => reject(new Error(`demo-server exited ${code}`)));
	});
	return {
		url,
		stop: () =>
			new Promise((resolve) => {
				child.once('exit', (code) => resolve(code));
				child.kill('SIGTERM');
			}),
	};
}

describe('demo-server', () => {
	it('prints its base URL on 127.0.0.1 and serves a UTF-16 --schema file as the contoso.com schema', async () => {
		const directory = await mkdtemp(join(tmpdir(), 'pvx-demo-server-'));
		const schema = JSON.parse(await readFile(fixture, 'utf8'));
		schema.synchronizationRules[0].objectMappings[0].attributeMappings[1].defaultValue = 'from --schema';
		const text = JSON.stringify(schema, null, 2);
		const path = join(directory, 'windows-powershell.schema.json');
		await writeFile(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
		const server = await startDemoServer(['--schema', path]);
		try {
			expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			const exported = await runCli(['export', '--demo', '--graph-url', server.url, '--sp', 'contoso.com', '--job', 'AD2AADProvisioning']);
			expect(exported.code).toBe(0);
			expect(exported.stdout).toBe(text);
		} finally {
			expect(await server.stop()).toBe(0);
			await rm(directory, {recursive: true, force: true});
		}
	});

	it('--role signs the demo admin in with that directory role, as a Global Reader or Hybrid Identity Administrator', async () => {
		const reader = await startDemoServer(['--role', 'Global Reader']);
		const hybrid = await startDemoServer(['--role', 'Hybrid Identity Administrator']);
		try {
			const asReader = await runCli(['apps', '--json', '--demo', '--graph-url', reader.url]);
			expect(asReader.code, asReader.stderr).toBe(0);
			const readerApps = JSON.parse(asReader.stdout) as Array<{displayName: string; access?: string}>;
			expect(readerApps.find((app) => app.displayName === 'contoso.com')?.access).toBe('none');
			expect(asReader.stderr).toMatch(/401 \(UnknownError\).*Global Reader is not enough/);
			const asHybrid = await runCli(['apps', '--json', '--demo', '--graph-url', hybrid.url]);
			const hybridApps = JSON.parse(asHybrid.stdout) as Array<{displayName: string; access?: string}>;
			// Cloud sync (contoso.com) is a Hybrid Identity Administrator's; Salesforce is not.
			expect(hybridApps.find((app) => app.displayName === 'contoso.com')?.access).not.toBe('none');
			expect(hybridApps.find((app) => app.displayName === 'Salesforce')?.access).toBe('none');
		} finally {
			expect(await reader.stop()).toBe(0);
			expect(await hybrid.stop()).toBe(0);
		}
	});

	it('refuses an unknown --role, naming the ones it knows', async () => {
		const result = await runCli(['demo-server', '--role', 'Global Admin']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/--role must be one of .*"Hybrid Identity Administrator".*not "Global Admin"/);
	});

	it('says what is wrong with a --schema that cannot be read, and exits 2', async () => {
		const result = await runCli(['demo-server', '--schema', '/nonexistent/schema.json']);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/Cannot read --schema .*ENOENT/);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
	});
});
