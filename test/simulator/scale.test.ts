/** A tenant at scale (extraApps) and steady, deterministic throttling (`every`): what `npm run bench` builds on. */
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {parseSchemaText} from '../../source/schema/load.js';
import {DemoTenant, type Simulator, startSimulator} from '../../source/simulator/index.js';
import {call, graphErrorOf, jobsPath, readScopes, schemaPath, tokenFor} from './helpers.js';

type Listing = {value: Array<{id: string; displayName: string}>; '@odata.nextLink'?: string};

describe('extraApps', () => {
	const extraApps = 195;
	let simulator: Simulator;
	let token: string;

	beforeAll(async () => {
		simulator = await startSimulator({extraApps});
		token = tokenFor(simulator, readScopes);
	});
	afterAll(() => simulator.close());

	it('lists the demo apps unchanged, then the numbered partner apps', async () => {
		const plain = new DemoTenant();
		const result = await call(simulator, '/v1.0/servicePrincipals?$top=999&$select=id,displayName', {token});
		expect(result.status).toBe(200);
		const listed = (result.json() as Listing).value;
		expect(listed).toHaveLength(plain.servicePrincipals.length + extraApps);
		expect(listed.slice(0, plain.servicePrincipals.length)).toEqual(plain.servicePrincipals.map(({id, displayName}) => ({id, displayName})));
		const partners = listed.slice(plain.servicePrincipals.length).map((each) => each.displayName);
		expect(partners[0]).toBe('Contoso Partner App 001');
		expect(partners.at(-1)).toBe('Contoso Partner App 195');
		expect(new Set(listed.map((each) => each.id)).size).toBe(listed.length);
	});

	it('gives each partner app one job whose schema loads, so the tenant has 200 jobs', async () => {
		expect(simulator.tenant.jobs).toHaveLength(new DemoTenant().jobs.length + extraApps);
		expect(simulator.tenant.jobs).toHaveLength(200);
		const partner = simulator.tenant.servicePrincipals.find((each) => each.displayName === 'Contoso Partner App 042')!;
		const jobs = await call(simulator, jobsPath(partner.id), {token});
		const [job, ...others] = (jobs.json() as {value: Array<{id: string; templateId: string}>}).value;
		expect(others).toEqual([]);
		expect(job?.templateId).toBe('customappssoOutDelta');
		const schema = await call(simulator, schemaPath(partner.id, job!.id), {token});
		expect(schema.status).toBe(200);
		const parsed = parseSchemaText(schema.text, 'the partner schema');
		expect(parsed.synchronizationRules?.length ?? 0).toBeGreaterThan(0);
		expect(schema.text.length).toBeLessThan(100_000);
	});

	it('builds the same tenant every time', () => {
		const ids = (tenant: DemoTenant) => tenant.jobs.map((each) => `${each.servicePrincipalId}/${each.job.id}/${each.schema.version}`);
		expect(ids(new DemoTenant({extraApps: 3}))).toEqual(ids(new DemoTenant({extraApps: 3})));
		expect(ids(new DemoTenant({extraApps: 3})).slice(0, 5)).toEqual(ids(new DemoTenant()));
	});

	it('refuses a count that is not a non-negative integer', () => {
		expect(() => new DemoTenant({extraApps: -1})).toThrow('extraApps must be a non-negative integer');
		expect(() => new DemoTenant({extraApps: 2.5})).toThrow('extraApps must be a non-negative integer');
	});
});

describe('fault rules with every', () => {
	let simulator: Simulator;
	let token: string;
	const listOnce = async () => (await call(simulator, '/v1.0/servicePrincipals?$top=1', {token})).status;

	beforeAll(async () => {
		simulator = await startSimulator();
		token = tokenFor(simulator, readScopes);
	});
	afterAll(() => simulator.close());
	beforeEach(() => simulator.faults.clear());

	it('throttles exactly every 5th matching request, with Retry-After', async () => {
		simulator.faults.add({path: '/servicePrincipals', status: 429, retryAfter: 1, every: 5});
		const statuses: number[] = [];
		for (let index = 0; index < 15; index++) statuses.push(await listOnce());
		expect(statuses).toEqual([200, 200, 200, 200, 429, 200, 200, 200, 200, 429, 200, 200, 200, 200, 429]);
		const throttled = await (async () => {
			for (let index = 0; index < 4; index++) await listOnce();
			return call(simulator, '/v1.0/servicePrincipals?$top=1', {token});
		})();
		expect(throttled.status).toBe(429);
		expect(throttled.headers.get('retry-after')).toBe('1');
		expect(graphErrorOf(throttled).code).toBe('TooManyRequests');
	});

	it('counts only requests the rule matches, after skip, and stops after times', async () => {
		simulator.faults.add({path: '/servicePrincipals', status: 503, every: 2, skip: 1, times: 2});
		const statuses: number[] = [];
		for (let index = 0; index < 7; index++) {
			// Not matched by the rule: must not move its count.
			expect((await call(simulator, '/v1.0/me', {token})).status).not.toBe(503);
			statuses.push(await listOnce());
		}
		expect(statuses).toEqual([200, 200, 503, 200, 503, 200, 200]);
		expect(simulator.faults.rules).toHaveLength(0);
	});

	it('is accepted over the control route, and a bad value is refused', async () => {
		const added = await call(simulator, '/_simulator/faults', {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({path: '/servicePrincipals', status: 429, every: 3})});
		expect(added.status).toBe(201);
		expect([await listOnce(), await listOnce(), await listOnce()]).toEqual([200, 200, 429]);
		const refused = await call(simulator, '/_simulator/faults', {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({status: 429, every: 0})});
		expect(refused.status).toBe(400);
		expect(graphErrorOf(refused).message).toBe('every must be a positive integer');
	});
});
