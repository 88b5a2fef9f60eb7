/**
 * A tenant with more service principals than one page holds (2,500): the simulator honours $top up to 999 and pages
 * with @odata.nextLink; our GraphClient (real got over HTTP) follows it and lists every app once.
 */
import {afterAll, beforeAll, expect, it} from 'vitest';
import type {Connection} from '../../source/explorer/connect.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {connectTo} from '../auth/helpers.js';
import {call, graphErrorOf, readScopes} from './helpers.js';

const extraApps = 2_500;
let simulator: Simulator;
let connection: Connection;
beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0, extraApps});
	connection = await connectTo(simulator, {readOnly: true});
	await connection.auth.signIn({onPrompt: () => {}, signal: new AbortController().signal});
}, 60_000);
afterAll(async () => {
	await connection.close();
	await simulator.close();
});

it('lists every service principal of a 2,500-app tenant exactly once, over several pages', async () => {
	simulator.requests.length = 0;
	const listed = await connection.graph.listServicePrincipals({select: ['id', 'displayName']});
	const ids = listed.map((each) => each.id);
	expect(new Set(ids).size).toBe(ids.length);
	expect(new Set(ids)).toEqual(new Set(simulator.tenant.servicePrincipals.map((each) => each.id)));
	expect(ids.length).toBeGreaterThan(extraApps);
	const pages = simulator.requests.filter((request) => request.path === '/beta/servicePrincipals');
	expect(pages).toHaveLength(Math.ceil(ids.length / 999));
	expect(pages[0]!.query.$top).toBe('999');
	expect(pages.slice(1).every((page) => page.query.$skiptoken !== undefined)).toBe(true);
});

it('honours $top from 1 to 999 and refuses more', async () => {
	const token = simulator.identity.issueAccessToken({scopes: readScopes});
	const page = (await call(simulator, '/v1.0/servicePrincipals?$top=999', {token})).json() as {value: unknown[]; '@odata.nextLink'?: string};
	expect(page.value).toHaveLength(999);
	expect(page['@odata.nextLink']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\.0\/servicePrincipals\?.*\$skiptoken=/);
	const small = (await call(simulator, '/v1.0/servicePrincipals?$top=1', {token})).json() as {value: unknown[]};
	expect(small.value).toHaveLength(1);
	const tooMany = await call(simulator, '/v1.0/servicePrincipals?$top=1000', {token});
	expect(tooMany.status).toBe(400);
	expect(graphErrorOf(tooMany).code).toBe('Request_UnsupportedQuery');
	// Without $top Graph's default page is 100.
	expect(((await call(simulator, '/v1.0/servicePrincipals', {token})).json() as {value: unknown[]}).value).toHaveLength(100);
});
