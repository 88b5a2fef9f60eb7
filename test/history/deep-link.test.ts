/**
 * Deep-link resolution against the demo tenant over HTTP (app, job, object mapping, attribute mapping by the same
 * names and selectors as `patch`), and the per-tenant file of recently opened apps.
 */
import {mkdtemp, readFile, rm, stat, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path, {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UsageError} from '../../source/errors.js';
import {parseOpenReference, resolveDeepLink, resolveSchemaLocation} from '../../source/explorer/deep-link.js';
import {maxRecentApps, readRecentApps, recentAppsFile, recentFirst, recordRecentApp} from '../../source/explorer/recent-apps.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {graphFor} from '../edit/helpers.js';
import {parseFixture} from '../schema/fixture.js';

let simulator: Simulator;
beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
});
afterAll(() => simulator.close());

async function failure(promise: Promise<unknown>): Promise<UsageError> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(UsageError);
	expect((error as UsageError).exitCode).toBe(2);
	return error as UsageError;
}

describe('resolveDeepLink', () => {
	it('finds the app, the job and an attribute mapping by its target, with ids and pointers for the explorer', async () => {
		const location = await resolveDeepLink(graphFor(simulator), {app: 'contoso.com', job: 'AD2AADProvisioning', mapping: 'Mail'});
		expect(location).toMatchObject({
			servicePrincipalId: '5974b304-92cd-452b-9bd5-6d11807354d1',
			appName: 'contoso.com',
			templateId: 'AD2AADProvisioning',
			objectMapping: {pointer: '/synchronizationRules/0/objectMappings/0', ruleIndex: 0, index: 0, label: 'User ← user', sourceObjectName: 'user', targetObjectName: 'User'},
			attributeMapping: {targetAttributeName: 'Mail'},
		});
		expect(location.jobId).toMatch(/^AD2AADProvisioning\./);
		expect(location.pointer).toBe(location.attributeMapping!.pointer);
		expect(location.pointer).toMatch(/^\/synchronizationRules\/0\/objectMappings\/0\/attributeMappings\/\d+$/);
		// Case does not matter when nothing matches exactly.
		expect((await resolveDeepLink(graphFor(simulator), {app: 'contoso.com', job: 'AD2AADProvisioning', mapping: 'mail'})).pointer).toBe(location.pointer);
	});

	it('takes an object mapping by name, target object or selector, and scopes --mapping to it', async () => {
		const graph = graphFor(simulator);
		const scim = {app: 'Contoso SCIM App'};
		const groups = await resolveDeepLink(graph, {...scim, objectMapping: 'Provision Azure Active Directory Groups'});
		expect(groups.objectMapping).toMatchObject({label: 'Group ← Group', index: 1});
		expect(groups.attributeMapping).toBeUndefined();
		expect(groups.pointer).toBe('/synchronizationRules/0/objectMappings/1');
		expect((await resolveDeepLink(graph, {...scim, objectMapping: 'Group'})).pointer).toBe(groups.pointer);
		const displayName = await resolveDeepLink(graph, {...scim, objectMapping: '[sourceObjectName=Group,targetObjectName=Group]', mapping: 'displayName'});
		expect(displayName.objectMapping?.index).toBe(1);
		expect(displayName.attributeMapping?.targetAttributeName).toBe('displayName');
		// A JSON Pointer with selectors, as in a patch file.
		const byPointer = await resolveDeepLink(graph, {...scim, mapping: '/synchronizationRules/0/objectMappings/[targetObjectName=Group]/attributeMappings/[targetAttributeName=displayName]'});
		expect(byPointer.pointer).toBe(displayName.pointer);
	});

	it('lists the choices when a name is ambiguous or unknown', async () => {
		const graph = graphFor(simulator);
		const ambiguous = await failure(resolveDeepLink(graph, {app: 'Contoso SCIM App', mapping: 'displayName'}));
		expect(ambiguous.message).toMatch(/"displayName" names 2 attribute mappings: User ← User · displayName, Group ← Group · displayName\. Add --object-mapping \[sourceObjectName=User,targetObjectName=User\]/);
		const unknown = await failure(resolveDeepLink(graph, {app: 'contoso.com', job: 'AD2AADProvisioning', objectMapping: 'Contacts'}));
		expect(unknown.message).toBe(
			'No object mapping is named "Contacts". Its object mappings: Synchronize Active Directory users to Azure Active Directory (User ← user), SyncCredentialsChangeItem ← (none).',
		);
		const noTarget = await failure(resolveDeepLink(graph, {app: 'Contoso SCIM App', objectMapping: 'Group', mapping: 'title'}));
		expect(noTarget.message).toBe('No attribute mapping targets "title". Group ← Group maps: displayName, externalId, members.');
		const job = await failure(resolveDeepLink(graph, {app: 'contoso.com', job: 'Nope'}));
		expect(job.message).toMatch(/contoso\.com has no job "Nope"\. Its jobs: AD2AADProvisioning \(.*\), AD2AADPasswordHash \(.*\)\./);
		const severalJobs = await failure(resolveDeepLink(graph, {app: 'contoso.com'}));
		expect(severalJobs.message).toMatch(/contoso\.com has 2 jobs: .* Choose one with --job\./);
		const app = await failure(resolveDeepLink(graph, {app: 'Contoso'}));
		expect(app.message).toMatch(/^No app is named "Contoso" \(names match exactly\)\. Similar names: .*Contoso SCIM App \(b32f0dad-ef20-4c50-9c59-0b1811f2d2e5\)/);
	});

	it('cuts a long list of choices and counts the rest', () => {
		const error = (() => {
			try {
				resolveSchemaLocation(parseFixture(), {mapping: 'NoSuchAttribute'});
			} catch (caught) {
				return caught as Error;
			}
		})();
		expect(error?.message).toMatch(/^No attribute mapping targets "NoSuchAttribute"\. The job maps: .*, … and 96 more\.$/);
	});
});

describe(':open APP/JOB/TARGET and APP/JOB/OBJECTMAPPING[/TARGET]', () => {
	it('reads the parts, with quotes around a part holding "/"', () => {
		expect(parseOpenReference('contoso.com/AD2AADProvisioning/Mail')).toEqual({app: 'contoso.com', job: 'AD2AADProvisioning', place: 'Mail', form: 'open'});
		expect(parseOpenReference('contoso.com')).toEqual({app: 'contoso.com', form: 'open'});
		expect(parseOpenReference('"HR/Payroll"/Provisioning/[targetAttributeName=mail]')).toEqual({app: 'HR/Payroll', job: 'Provisioning', place: '[targetAttributeName=mail]', form: 'open'});
		expect(parseOpenReference('Contoso SCIM App/scim/Group/displayName')).toEqual({app: 'Contoso SCIM App', job: 'scim', objectMapping: 'Group', mapping: 'displayName', form: 'open'});
		expect(parseOpenReference('HR/Payroll/Provisioning/mail')).toEqual({app: 'HR', job: 'Payroll', objectMapping: 'Provisioning', mapping: 'mail', form: 'open'});
		expect(() => parseOpenReference('HR/Payroll/Provisioning/User/mail')).toThrow(/has 5 parts; write APP\/JOB\/OBJECTMAPPING\/TARGET, with a part that holds "\/" in double quotes/);
		expect(() => parseOpenReference('"HR/Payroll/x')).toThrow(/a quote is not closed/);
		expect(() => parseOpenReference(' /x')).toThrow(/Name the app to open/);
		expect(() => parseOpenReference('a/b//mail')).toThrow(/name the object mapping before the target/);
	});

	it('opens an object mapping by its name, target object or selector, or an attribute mapping inside it', async () => {
		const graph = graphFor(simulator);
		const open = (text: string) => resolveDeepLink(graph, parseOpenReference(text));
		const groups = await open('Contoso SCIM App//Provision Azure Active Directory Groups');
		expect(groups.objectMapping).toMatchObject({label: 'Group ← Group', index: 1});
		expect(groups.attributeMapping).toBeUndefined();
		expect((await open('Contoso SCIM App//group')).pointer).toBe(groups.pointer);
		expect((await open('Contoso SCIM App//[targetObjectName=Group]')).pointer).toBe(groups.pointer);
		const displayName = await open('Contoso SCIM App//Group/displayName');
		expect(displayName.objectMapping?.index).toBe(1);
		expect(displayName.attributeMapping?.targetAttributeName).toBe('displayName');
		// A target the job maps once still opens the attribute mapping, as before.
		expect((await open('contoso.com/AD2AADProvisioning/Mail')).attributeMapping?.targetAttributeName).toBe('Mail');
	});

	it('lists the choices in the words of :open when a name is ambiguous or unknown', async () => {
		const graph = graphFor(simulator);
		const open = (text: string) => failure(resolveDeepLink(graph, parseOpenReference(text)));
		expect((await open('Contoso SCIM App//displayName')).message).toMatch(
			/^"displayName" names 2 attribute mappings: User ← User · displayName, Group ← Group · displayName\. Write APP\/JOB\/\[sourceObjectName=User,targetObjectName=User\]\/TARGET \(or another of them\)\.$/,
		);
		expect((await open('contoso.com/AD2AADProvisioning/Contacts')).message).toMatch(
			/^No attribute mapping or object mapping is named "Contacts"\. Object mappings: Synchronize Active Directory users to Azure Active Directory \(User ← user\), SyncCredentialsChangeItem ← \(none\)\. The job maps: AccountEnabled, /,
		);
		expect((await open('contoso.com/AD2AADProvisioning/Emial')).message).toMatch(/^No attribute mapping or object mapping is named "Emial" \(did you mean Mail\?\)\./);
		expect((await open('Contoso SCIM App//Group/title')).message).toBe('No attribute mapping targets "title". Group ← Group maps: displayName, externalId, members.');
	});

	it('lists both when the name is an object mapping and an attribute target', () => {
		const schema = parseFixture();
		const user = schema.synchronizationRules![0]!.objectMappings![0]!;
		user.attributeMappings!.push({...user.attributeMappings![0]!, targetAttributeName: 'SyncCredentialsChangeItem'});
		const error = (() => {
			try {
				resolveSchemaLocation(schema, {place: 'SyncCredentialsChangeItem', form: 'open'});
			} catch (caught) {
				return caught as Error;
			}
		})();
		expect(error?.message).toBe(
			'"SyncCredentialsChangeItem" names the object mapping SyncCredentialsChangeItem ← (none) and the attribute mapping User ← user · SyncCredentialsChangeItem. Write APP/JOB/[sourceObjectName=,targetObjectName=SyncCredentialsChangeItem] for the object mapping, APP/JOB/[sourceObjectName=user,targetObjectName=User]/SyncCredentialsChangeItem for the attribute mapping.',
		);
	});
});

describe('recent apps', () => {
	let directory: string;
	beforeAll(async () => {
		directory = await mkdtemp(path.join(tmpdir(), 'pvx-recent-'));
	});
	afterAll(() => rm(directory, {recursive: true, force: true}));

	it('keeps the apps opened most recently first, per tenant, in a private file with ids and names only', async () => {
		const tenant = '3f6b1e2a-7c4d-4e8f-9a1b-5d2c8e7f4a60';
		await recordRecentApp(tenant, {id: 'a', displayName: 'contoso.com'}, {directory, now: new Date('2026-12-01T00:00:00Z')});
		await recordRecentApp(tenant, {id: 'b', displayName: 'Salesforce'}, {directory, now: new Date('2026-12-02T00:00:00Z')});
		await recordRecentApp(tenant, {id: 'a', displayName: 'contoso.com'}, {directory, now: new Date('2026-12-03T00:00:00Z')});
		await recordRecentApp('other-tenant', {id: 'c', displayName: 'Workday'}, {directory});

		const file = recentAppsFile(tenant, directory);
		expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
			tenant,
			apps: [
				{id: 'a', displayName: 'contoso.com', openedAt: '2026-12-03T00:00:00.000Z'},
				{id: 'b', displayName: 'Salesforce', openedAt: '2026-12-02T00:00:00.000Z'},
			],
		});
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		expect((await readRecentApps('other-tenant', {directory})).map((app) => app.id)).toEqual(['c']);
		expect(recentFirst(['x', 'b', 'y', 'a'], await readRecentApps(tenant, {directory}), (id) => id)).toEqual(['a', 'b', 'x', 'y']);

		for (let i = 0; i < maxRecentApps + 5; i++) await recordRecentApp(tenant, {id: `app-${i}`, displayName: `App ${i}`}, {directory});
		expect(await readRecentApps(tenant, {directory})).toHaveLength(maxRecentApps);

		// A file that is not ours reads as no recent apps.
		await writeFile(file, 'not json');
		expect(await readRecentApps(tenant, {directory})).toEqual([]);

		// Never through a symbolic link: reading sees none, writing refuses and leaves the target alone.
		const target = join(directory, 'elsewhere.json');
		await writeFile(target, 'untouched');
		await rm(file);
		await symlink(target, file);
		expect(await readRecentApps(tenant, {directory})).toEqual([]);
		await expect(recordRecentApp(tenant, {id: 'a', displayName: 'contoso.com'}, {directory})).rejects.toThrow(/it is a symbolic link/);
		expect(await readFile(target, 'utf8')).toBe('untouched');
	});
});
