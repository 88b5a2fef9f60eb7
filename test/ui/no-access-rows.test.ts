/** The explorer's app list marks an app Graph refused (401 UnknownError) as "no access", not as an app with 0 jobs. */
import {expect, it} from 'vitest';
import {frameRows} from '../../source/ui/screens/index.js';
import type {Frame} from '../../source/ui/state.js';

it('shows "?" jobs and "no access" for an app whose jobs Graph refused', () => {
	const apps = [
		{servicePrincipal: {id: 'sp-1', appId: 'app-1', displayName: 'Salesforce'}, jobs: [], noAccess: 'Graph GET … failed: 401 (UnknownError)'},
		{servicePrincipal: {id: 'sp-2', appId: 'app-2', displayName: 'contoso.com'}, jobs: [{id: 'job', status: {code: 'Active'}}]},
	];
	const frame = {id: 1, kind: 'apps', status: 'ready', list: {cursor: 0, offset: 0, filter: ''}, apps} as unknown as Frame;
	const cells = frameRows(frame).map((row) => row.cells);
	expect(cells[0]!.slice(0, 3)).toEqual(['Salesforce', '?', 'no access']);
	expect(cells[1]!.slice(0, 3)).toEqual(['contoso.com', '1', 'Active']);
});
