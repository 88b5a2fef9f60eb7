/**
 * Issue 9 §7 (d): an app whose display name is empty or cannot be typed is not confirmed by a bare Enter; the
 * confirmation asks for its object id instead. On a real terminal, through `import`.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {confirmationWord, confirms} from '../../source/edit/index.js';
import {cloudSyncServicePrincipalId, } from '../../source/simulator/index.js';
import {isolatedState, } from '../commands/cli.js';
import {attributeMapping, demoArgs, demoJob, liveSchema, puts, freshDemoTenantPerTest} from '../commands/write-helpers.js';
import {runInTerminal, type TerminalSession} from '../helpers/pty.js';

const tenant = freshDemoTenantPerTest('pvx-confirm-id-');
const sessions: TerminalSession[] = [];
// Registered after the tenant's hooks, so it runs before the tenant closes.
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

describe('the confirmation word', () => {
	it('is the display name when it can be typed, else the object id', () => {
		expect(confirmationWord({displayName: 'contoso.com', id: 'x'})).toEqual({word: 'contoso.com', what: 'display name'});
		for (const name of ['', '   ', '\u200b', '\u202e\u2066', '---', null]) {
			expect(confirmationWord({displayName: name, id: 'sp-id'})).toEqual({word: 'sp-id', what: 'object id'});
		}
		expect(confirms('', {word: '', what: 'display name'})).toBe(false);
		expect(confirms('  sp-id ', {word: 'sp-id', what: 'object id'})).toBe(true);
	});
});

describe('import for an app without a typeable name', () => {
	async function importInTerminal(displayName: string): Promise<TerminalSession> {
		const app = tenant.simulator.tenant.servicePrincipals.find((each) => each.id === cloudSyncServicePrincipalId)!;
		const job = demoJob(tenant.simulator, app.displayName!, 'AD2AADProvisioning');
		app.displayName = displayName;
		const schema = liveSchema(job);
		attributeMapping(schema, 'Mail')!.flowType = 'ObjectAddOnly';
		const path = await tenant.workspace.file(`edited-${sessions.length}.schema.json`, schema);
		const session = runInTerminal(['import', ...demoArgs(tenant.simulator), '--sp', cloudSyncServicePrincipalId, '--job', 'AD2AADProvisioning', '--in', path], {
			columns: 160,
			rows: 40,
			env: isolatedState(),
		});
		sessions.push(session);
		await session.waitForText(new RegExp(`Type the app's object id \\(${cloudSyncServicePrincipalId}\\) to write`));
		return session;
	}

	it('an empty display name: a bare Enter sends nothing', async () => {
		const session = await importInTerminal('');
		session.write('\r');
		await session.waitForText(/Not written: "" is not the app's object id/);
		expect(await session.waitForExit()).toBe(2);
		expect(puts(tenant.simulator)).toEqual([]);
	});

	it('a name of invisible characters: typing the object id writes', async () => {
		const session = await importInTerminal('\u200b\u200b');
		session.write(`${cloudSyncServicePrincipalId}\r`);
		await session.waitForText('Written and verified');
		expect(await session.waitForExit()).toBe(0);
		expect(puts(tenant.simulator)).toHaveLength(1);
	});
});
