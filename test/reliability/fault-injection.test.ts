/**
 * The two fault-injector features the matrix relies on, over the simulator's HTTP control route: a rule that
 * answers after the request took effect, and sign-in errors in OAuth's shape.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {type Simulator, startSimulator} from '../../source/simulator/index.js';
import {call, findApp, postForm, schemaPath, tokenFor} from '../simulator/helpers.js';

let simulator: Simulator;
beforeEach(async () => {
	simulator = await startSimulator({autoApproveDeviceCodeMs: 0});
});
afterEach(() => simulator.close());

/** The schema with one field changed, without the version the service maintains. */
function changed(schemaText: string): Record<string, unknown> {
	const document = JSON.parse(schemaText) as Record<string, unknown>;
	delete document.version;
	return {...document, provisioningTaskIdentifier: 'changed-by-the-test'};
}

async function addRule(rule: Record<string, unknown>): Promise<void> {
	const added = await call(simulator, '/_simulator/faults', {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(rule)});
	expect(added.status).toBe(201);
}

describe('afterHandling', () => {
	it("stores the PUT, then answers with the rule's status: the answer lost on its way back", async () => {
		const {servicePrincipalId, jobId} = findApp(simulator, 'Salesforce');
		const path = schemaPath(servicePrincipalId, jobId);
		const token = tokenFor(simulator);
		const document = changed((await call(simulator, path, {token})).text);
		await addRule({method: 'PUT', pathRegex: '/schema$', status: 504, afterHandling: true, times: 1});
		const put = await call(simulator, path, {method: 'PUT', token, headers: {'content-type': 'application/json'}, body: JSON.stringify(document)});
		expect(put.status).toBe(504);
		expect(JSON.parse((await call(simulator, path, {token})).text).provisioningTaskIdentifier).toBe('changed-by-the-test');
	});

	it('without it, the same rule stops the PUT before it is stored', async () => {
		const {servicePrincipalId, jobId} = findApp(simulator, 'Salesforce');
		const path = schemaPath(servicePrincipalId, jobId);
		const token = tokenFor(simulator);
		const before = (await call(simulator, path, {token})).text;
		const document = changed(before);
		await addRule({method: 'PUT', pathRegex: '/schema$', status: 504, times: 1});
		const put = await call(simulator, path, {method: 'PUT', token, headers: {'content-type': 'application/json'}, body: JSON.stringify(document)});
		expect(put.status).toBe(504);
		expect((await call(simulator, path, {token})).text).toBe(before);
	});
});

describe('faults on the sign-in service', () => {
	it('answer in OAuth 2.0 error form, with an AADSTS code, as Entra ID does', async () => {
		await addRule({method: 'POST', path: '/oauth2/v2.0/token', status: 503, retryAfter: 2, times: 1});
		const answer = await postForm(simulator, '/contoso.com/oauth2/v2.0/token', {grant_type: 'refresh_token', client_id: 'x', refresh_token: 'y'});
		expect(answer.status).toBe(503);
		expect(answer.headers.get('retry-after')).toBe('2');
		expect(answer.json()).toMatchObject({error: 'temporarily_unavailable', error_codes: [90033], error_description: expect.stringMatching(/^AADSTS90033: /)});
	});
});
