/**
 * OData on /servicePrincipals as Graph documents it for directory objects: $search matches word starts (not
 * substrings), $count=true without ConsistencyLevel is ignored, ne / not / $orderby are advanced queries
 * (ConsistencyLevel: eventual and $count=true), $top up to 999 with @odata.nextLink paging. Over HTTP, and
 * through our GraphClient (real got) to prove it sends what each query needs.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Connection} from '../../source/explorer/connect.js';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {connectTo} from '../auth/helpers.js';
import {call, graphErrorOf, readScopes} from './helpers.js';

let simulator: Simulator;
let token: string;
beforeAll(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
	token = simulator.identity.issueAccessToken({scopes: readScopes});
});
afterAll(() => simulator.close());

type Page = {value: {id: string; displayName: string}[]; '@odata.count'?: number; '@odata.nextLink'?: string};
const eventual = {consistencylevel: 'eventual'};
const list = async (query: string, headers?: Record<string, string>) => call(simulator, `/v1.0/servicePrincipals?${query}`, {token, headers});
const names = async (query: string, headers?: Record<string, string>) => ((await list(query, headers)).json() as Page).value.map((each) => each.displayName);

describe('$search', () => {
	it('matches the start of a word, not any substring', async () => {
		expect(await names(`$search=${encodeURIComponent('"displayName:work"')}`, eventual)).toEqual(['Workday to Active Directory User Provisioning']);
		expect(await names(`$search=${encodeURIComponent('"displayName:day"')}`, eventual)).toEqual([]);
		// A later word, and several words (each must start a word of the name).
		expect(await names(`$search=${encodeURIComponent('"displayName:provisioning"')}`, eventual)).toContain('Workday to Active Directory User Provisioning');
		expect(await names(`$search=${encodeURIComponent('"displayName:active dir"')}`, eventual)).toEqual(['Workday to Active Directory User Provisioning']);
		expect(await names(`$search=${encodeURIComponent('"displayName:ctive"')}`, eventual)).toEqual([]);
	});

	it('still needs ConsistencyLevel: eventual', async () => {
		const result = await list(`$search=${encodeURIComponent('"displayName:work"')}`);
		expect(result.status).toBe(400);
		expect(graphErrorOf(result).code).toBe('Request_UnsupportedQuery');
	});
});

describe('$count, ne, not and $orderby', () => {
	it('ignores $count=true without ConsistencyLevel, and counts with it', async () => {
		const plain = await list('$count=true&$top=1');
		expect(plain.status).toBe(200);
		expect(plain.json()).not.toHaveProperty('@odata.count');
		const counted = (await list('$count=true&$top=1', eventual)).json() as Page;
		expect(counted['@odata.count']).toBe(simulator.tenant.servicePrincipals.length);
	});

	it.each([
		['ne', `$filter=${encodeURIComponent("displayName ne 'Salesforce'")}`],
		['not', `$filter=${encodeURIComponent("not(displayName eq 'Salesforce')")}`],
		['$orderby', '$orderby=displayName'],
	])('%s needs ConsistencyLevel: eventual and $count=true', async (_what, query) => {
		const bare = await list(query);
		expect(bare.status).toBe(400);
		expect(graphErrorOf(bare).code).toBe('Request_UnsupportedQuery');
		expect((await list(query, eventual)).status).toBe(400);
		expect((await list(`${query}&$count=true`)).status).toBe(400);
		const advanced = await list(`${query}&$count=true`, eventual);
		expect(advanced.status).toBe(200);
		expect((advanced.json() as Page).value.length).toBeGreaterThan(0);
	});
});

describe('the GraphClient sends what each query needs', () => {
	let connection: Connection;
	beforeAll(async () => {
		connection = await connectTo(simulator, {readOnly: true});
		await connection.auth.signIn({onPrompt: () => {}, signal: new AbortController().signal});
	});
	afterAll(() => connection.close());

	it('ne, not and $orderby go out with ConsistencyLevel and $count; a plain eq without them', async () => {
		simulator.requests.length = 0;
		const others = await connection.graph.listServicePrincipals({filter: "displayName ne 'Salesforce'", select: ['id', 'displayName'], orderBy: 'displayName'});
		expect(others.map((each) => each.displayName)).not.toContain('Salesforce');
		expect(others.length).toBe(simulator.tenant.servicePrincipals.length - 1);
		const sorted = others.map((each) => each.displayName ?? '');
		expect(sorted).toEqual([...sorted].sort((a, b) => a.localeCompare(b, 'en', {sensitivity: 'base'})));
		const sent = simulator.requests.at(-1)!;
		expect(sent.headers.consistencylevel).toBe('eventual');
		expect(sent.query.$count).toBe('true');

		// 'not' inside a quoted name is not the operator.
		await connection.graph.listServicePrincipals({filter: "displayName eq 'Do not use'"});
		const plain = simulator.requests.at(-1)!;
		expect(plain.headers.consistencylevel).toBeUndefined();
		expect(plain.query.$count).toBeUndefined();
	});

	it('--search finds names by the start of their words', async () => {
		expect((await connection.graph.listServicePrincipals({search: 'work'})).map((each) => each.displayName)).toEqual(['Workday to Active Directory User Provisioning']);
		expect(await connection.graph.listServicePrincipals({search: 'day'})).toEqual([]);
	});
});
