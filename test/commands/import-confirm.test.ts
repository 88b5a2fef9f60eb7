/**
 * The confirmation on a real terminal (a pseudo-terminal read through a headless xterm): `import` writes only
 * after the app's display name is typed; anything else, or Ctrl+C, sends nothing.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {runInTerminal, type TerminalSession} from '../helpers/pty.js';
import {isolatedState, } from './cli.js';
import {attributeMapping, demoArgs, demoJob, liveSchema, puts, freshDemoTenantPerTest} from './write-helpers.js';

const tenant = freshDemoTenantPerTest('pvx-confirm-');
const sessions: TerminalSession[] = [];
// Registered after the tenant's hooks, so it runs before the tenant closes.
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

const provisioning = () => demoJob(tenant.simulator, 'contoso.com', 'AD2AADProvisioning');

async function importInTerminal(): Promise<TerminalSession> {
	const schema = liveSchema(provisioning());
	attributeMapping(schema, 'Mail')!.flowType = 'ObjectAddOnly';
	const path = await tenant.workspace.file(`edited-${sessions.length}.schema.json`, schema);
	const session = runInTerminal(['import', ...demoArgs(tenant.simulator), '--sp', 'contoso.com', '--job', 'AD2AADProvisioning', '--in', path], {
		columns: 120,
		rows: 40,
		env: isolatedState(),
	});
	sessions.push(session);
	await session.waitForText(/Type the app's display name \(contoso\.com\) to write, anything else cancels:/);
	return session;
}

describe('import on a terminal', () => {
	it('writes after the display name is typed', async () => {
		const session = await importInTerminal();
		expect(session.output()).toContain('Summary: 0 attribute mappings to add, 1 to change, 0 to remove.');
		expect(puts(tenant.simulator)).toEqual([]);
		session.write('contoso.com\r');
		await session.waitForText('Written and verified');
		expect(await session.waitForExit()).toBe(0);
		expect(puts(tenant.simulator)).toHaveLength(1);
		expect(attributeMapping(liveSchema(provisioning()), 'Mail')?.flowType).toBe('ObjectAddOnly');
	});

	it('sends nothing when another name is typed (exit 2)', async () => {
		const session = await importInTerminal();
		session.write('contoso\r');
		await session.waitForText(/Not written: "contoso" is not the app's display name "contoso\.com"\./);
		expect(await session.waitForExit()).toBe(2);
		expect(puts(tenant.simulator)).toEqual([]);
		expect(attributeMapping(liveSchema(provisioning()), 'Mail')?.flowType).toBe('Always');
	});

	it('sends nothing on Ctrl+C at the prompt (exit 2)', async () => {
		const session = await importInTerminal();
		session.write('cont\x03');
		await session.waitForText('Cancelled: nothing was written.');
		expect(await session.waitForExit()).toBe(2);
		expect(puts(tenant.simulator)).toEqual([]);
	});
});
