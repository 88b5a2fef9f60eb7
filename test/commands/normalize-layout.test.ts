/** The pieces of `export` that decide bytes and names: --normalize and the --all layout. */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {pathSlug, planExportLayout, prepareExportBytes} from '../../source/explorer/export-schemas.js';
import {normalizedKeyOrder, normalizeJson, normalizeJsonText} from '../../source/explorer/normalize.js';
import type {AppSummary} from '../../source/explorer/services.js';

describe('--normalize', () => {
	it('puts identity keys first, then the others in ordinal order, at every level; arrays keep their order', () => {
		const text = JSON.stringify({
			version: 'v1',
			synchronizationRules: [
				{objectMappings: [{attributeMappings: [{source: {type: 'Attribute', name: 'mail'}, targetAttributeName: 'mail', flowType: 'Always'}, {targetAttributeName: 'cn'}]}], name: 'rule', id: 'r1'},
			],
			id: 'job',
			'@odata.context': 'x',
			Zeta: 1,
			directories: [{objects: [], name: 'AD', id: 'd1'}],
		});
		const normalized = normalizeJsonText(text);
		expect(normalized).toBe(
			`${JSON.stringify(
				{
					id: 'job',
					'@odata.context': 'x',
					Zeta: 1,
					directories: [{id: 'd1', name: 'AD', objects: []}],
					synchronizationRules: [
						{
							id: 'r1',
							name: 'rule',
							objectMappings: [{attributeMappings: [{targetAttributeName: 'mail', flowType: 'Always', source: {name: 'mail', type: 'Attribute'}}, {targetAttributeName: 'cn'}]}],
						},
					],
					version: 'v1',
				},
				null,
				2,
			)}\n`,
		);
		expect(normalizedKeyOrder(['value', 'key', 'targetAttributeName', 'name', 'id', 'B', 'a'])).toEqual(['id', 'name', 'key', 'targetAttributeName', 'B', 'a', 'value']);
	});

	it('keeps a "__proto__" key as data', () => {
		const normalized = normalizeJsonText('{"b": 1, "__proto__": {"polluted": true}}');
		expect(normalized).toBe('{\n  "__proto__": {\n    "polluted": true\n  },\n  "b": 1\n}\n');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('means the same as its input, does not depend on the input key order, and is idempotent', () => {
		const reorder = (value: unknown, seed: number): unknown => {
			if (Array.isArray(value)) return value.map((each) => reorder(each, seed));
			if (!value || typeof value !== 'object') return value;
			const entries = Object.entries(value).map(([key, child]) => [key, reorder(child, seed)] as const);
			if (seed % 2) entries.reverse();
			return Object.fromEntries(seed % 3 ? entries.sort(() => 0) : entries);
		};
		fc.assert(
			fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
				const text = JSON.stringify(value);
				const normalized = normalizeJsonText(text);
				expect(JSON.parse(normalized)).toEqual(JSON.parse(text));
				expect(normalizeJsonText(JSON.stringify(reorder(JSON.parse(text), seed)))).toBe(normalized);
				expect(normalizeJsonText(normalized)).toBe(normalized);
			}),
		);
		expect(normalizeJson([3, {b: 1, a: [2, 1]}])).toEqual([3, {a: [2, 1], b: 1}]);
	});
});

describe('what an export writes', () => {
	const schema = '{"version":"v","synchronizationRules":[],"directories":[]}';

	it('keeps Graph bytes unchanged but drops a UTF-8 byte order mark', () => {
		expect(prepareExportBytes(Buffer.from(schema), {normalize: false}).toString('utf8')).toBe(schema);
		const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(schema)]);
		expect(prepareExportBytes(withBom, {normalize: false}).toString('utf8')).toBe(schema);
		expect(prepareExportBytes(withBom, {normalize: true}).toString('utf8')).toBe('{\n  "directories": [],\n  "synchronizationRules": [],\n  "version": "v"\n}\n');
	});

	it('refuses what is not a schema, saying nothing was written', () => {
		expect(() => prepareExportBytes(Buffer.from('{"synchronizationRules": {}}'), {normalize: false})).toThrow(/synchronizationRules is an object, expected an array .*nothing was written/);
		expect(() => prepareExportBytes(Buffer.from('<html>'), {normalize: true})).toThrow(/not valid JSON/);
	});
});

describe('export --all file names', () => {
	it('makes readable, portable names', () => {
		expect(pathSlug('Workday to Active Directory User Provisioning')).toBe('Workday-to-Active-Directory-User-Provisioning');
		expect(pathSlug('contoso.com')).toBe('contoso.com');
		expect(pathSlug('Société Générale: RH/Paie')).toBe('Societe-Generale-RH-Paie');
		expect(pathSlug('人事システム')).toBe('人事システム');
		expect(pathSlug('../../etc/passwd')).toBe('etc-passwd');
		expect(pathSlug('.hidden')).toBe('hidden');
		expect(pathSlug('CON')).toBe('CON_');
		// Windows: "NUL.txt and NUL.tar.gz are both equivalent to NUL" (Naming Files, Paths, and Namespaces), so the
		// mark goes after the reserved stem, not at the end.
		expect(pathSlug('nul.txt')).toBe('nul_.txt');
		expect(pathSlug('AUX.io')).toBe('AUX_.io');
		expect(pathSlug('Con.Tax.Services')).toBe('Con_.Tax.Services');
		expect(pathSlug('Console')).toBe('Console');
		expect(pathSlug('\u001b[31m')).toBe('31m');
		expect(pathSlug('***')).toBe('');
		expect(Array.from(pathSlug('x'.repeat(200)))).toHaveLength(60);
	});

	const app = (id: string, displayName: string | null, ...jobs: [id: string, templateId?: string][]): AppSummary => ({
		servicePrincipal: {id, displayName},
		jobs: jobs.map(([jobId, templateId]) => ({id: jobId, templateId})),
	});

	it('names folders by app and files by templateId, telling apart names that collide', () => {
		const apps = [
			app('11111111-aaaa-4000-8000-000000000000', 'Salesforce', ['SfOutDelta.a.1', 'SfOutDelta']),
			app('22222222-bbbb-4000-8000-000000000000', 'salesforce', ['SfOutDelta.b.2', 'SfOutDelta']),
			app('33333333-cccc-4000-8000-000000000000', 'Contoso HR', ['Workday.c.3', 'Workday'], ['Workday.c.4', 'workday'], ['Other.c.5', 'Other']),
			app('44444444-dddd-4000-8000-000000000000', '***', ['X.d.6', undefined]),
		];
		expect(planExportLayout(apps).map((target) => target.relativePath)).toEqual([
			'Salesforce-11111111/SfOutDelta.schema.json',
			'salesforce-22222222/SfOutDelta.schema.json',
			'Contoso-HR/Other.schema.json',
			'Contoso-HR/Workday.c.3.schema.json',
			'Contoso-HR/Workday.c.4.schema.json',
			'app/X.d.6.schema.json',
		]);
	});

	it('gives every job the same, distinct name whatever order Graph listed them in', () => {
		const arbitraryApps = fc.uniqueArray(
			fc.record({
				id: fc.uuid(),
				name: fc.constantFrom('A', 'a', 'B b', 'B-b', 'Ä', '', 'contoso.com'),
				jobs: fc.uniqueArray(fc.record({id: fc.stringMatching(/^[A-Za-z]{1,3}\.[0-9a-f]{4}$/), templateId: fc.constantFrom('T', 't', 'U', undefined)}), {
					minLength: 1,
					maxLength: 4,
					selector: (job) => job.id,
				}),
			}),
			{maxLength: 8, selector: (each) => each.id},
		);
		fc.assert(
			fc.property(arbitraryApps, fc.nat(), (specs, seed) => {
				const apps = specs.map((spec) => ({servicePrincipal: {id: spec.id, displayName: spec.name}, jobs: spec.jobs}));
				const byJob = (layout: ReturnType<typeof planExportLayout>) =>
					Object.fromEntries(layout.map((target) => [`${target.servicePrincipal.id}/${target.job.id}`, target.relativePath]));
				const layout = planExportLayout(apps);
				const shuffled = [...apps].sort((a, b) => ((a.servicePrincipal.id.charCodeAt(seed % 36) || 0) - (b.servicePrincipal.id.charCodeAt(seed % 36) || 0)));
				expect(byJob(planExportLayout(shuffled.map((each) => ({...each, jobs: [...each.jobs].reverse()}))))).toEqual(byJob(layout));
				const paths = layout.map((target) => target.relativePath.toLowerCase());
				expect(new Set(paths).size).toBe(paths.length);
			}),
		);
	});
});
