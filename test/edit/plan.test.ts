import {applyPatch} from 'diff';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {applyOperations, buildPlan, describeScopeChange, diffAsPatch, jsonEqual} from '../../source/edit/index.js';
import {formatChanges} from '../../source/edit/plan-text.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {credentialsMapping, fixtureText, freshFixture, mappingOf, mappingsOf, pointerOf, userMapping} from './helpers.js';

/** The same JSON with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(reversedKeys);
	if (typeof value !== 'object' || value === null) return value;
	return Object.fromEntries(Object.entries(value).reverse().map(([key, child]) => [key, reversedKeys(child)]));
}

describe('buildPlan', () => {
	it('identical documents, or documents differing only in key order and server fields, have no changes', () => {
		const identical = buildPlan(freshFixture(), freshFixture());
		expect(identical).toMatchObject({hasChanges: false, changes: [], warnings: [], diff: '', counts: {added: 0, removed: 0, changed: 0}});
		const reordered = reversedKeys(freshFixture()) as SynchronizationSchema;
		reordered.version = 'Date:2025-06-02T08:00:00.0000000Z, ActivityId:00000000-0000-0000-0000-000000000001';
		delete reordered['@odata.context'];
		expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(JSON.parse(fixtureText)));
		expect(buildPlan(freshFixture(), reordered).hasChanges).toBe(false);
	});

	it('lists added, removed and changed mappings with old → new values, and counts them', () => {
		const before = freshFixture();
		const after = freshFixture();
		mappingOf(after, 'Mail').source = {expression: 'Join("@", [sAMAccountName], )', name: 'Join', type: 'Function', parameters: []};
		mappingOf(after, 'Mail').flowType = 'ObjectAddOnly';
		mappingsOf(after).splice(mappingsOf(after).findIndex((mapping) => mapping.targetAttributeName === 'City'), 1);
		mappingsOf(after).push({targetAttributeName: 'CloudMastered', source: {expression: '"True"', name: 'True', type: 'Constant', parameters: []}, flowType: 'Always'});
		const plan = buildPlan(before, after);
		expect(plan.hasChanges).toBe(true);
		expect(plan.counts).toEqual({added: 1, removed: 1, changed: 1});
		expect(plan.changes).toEqual([
			{
				kind: 'changed',
				objectMapping: 'User ← user',
				target: 'Mail',
				pointer: pointerOf(after, 'Mail'),
				fields: [
					{field: 'source', before: 'Trim([mail])', after: 'Join("@", [sAMAccountName], )'},
					{field: 'flowType', before: 'Always', after: 'ObjectAddOnly'},
				],
			},
			{
				kind: 'added',
				objectMapping: 'User ← user',
				target: 'CloudMastered',
				pointer: `${userMapping}/attributeMappings/135`,
				fields: [
					{field: 'source', before: '', after: '"True"'},
					{field: 'flowType', before: '', after: 'Always'},
				],
			},
			{
				kind: 'removed',
				objectMapping: 'User ← user',
				target: 'City',
				pointer: pointerOf(before, 'City'),
				fields: [
					{field: 'source', before: 'Trim([l])', after: ''},
					{field: 'flowType', before: 'Always', after: ''},
					{field: 'flowBehavior', before: 'FlowWhenChanged', after: ''},
				],
			},
		]);
		expect(plan.scopingChanged).toBe(false);
		expect(plan.matchingChanged).toBe(false);
		expect(plan.warnings).toEqual([
			"Saving replaces the whole schema; it does not restart the job. Microsoft's procedure is to restart provisioning after saving: that cycle evaluates every object in scope again, which can take hours in large directories.",
			'1 attribute mapping is removed: those target attributes keep their current values but are no longer updated.',
		]);
	});

	it('shows a unified diff of the pretty-printed JSON with context', () => {
		const after = freshFixture();
		mappingOf(after, 'Mail').flowType = 'ObjectAddOnly';
		const plan = buildPlan(freshFixture(), after);
		const lines = plan.diff.split('\n');
		expect(lines.slice(0, 2)).toEqual(['--- live', '+++ edited']);
		expect(lines[2]).toMatch(/^@@ -\d+,7 \+\d+,7 @@$/);
		expect(lines.filter((line) => /^[-+] /.test(line))).toEqual(['-                            "flowType": "Always",', '+                            "flowType": "ObjectAddOnly",']);
		// The hunk's line numbers are those of the whole document.
		const oldStart = Number(/^@@ -(\d+)/.exec(lines[2]!)![1]);
		// …of the document as compared: without the server's fields.
		const {version: _version, '@odata.context': _context, 'directories@odata.context': _directories, ...compared} = JSON.parse(fixtureText);
		const pretty = JSON.stringify(compared, null, 4).split('\n');
		expect(plan.diff.endsWith('\n')).toBe(true);
		expect(plan.diff).not.toContain('No newline');
		expect(pretty[oldStart - 1 + 3]).toBe('                            "flowType": "Always",');
		expect(pretty[oldStart - 1 + 4]).toBe('                            "matchingPriority": 0,');
	});

	it('the unified diff applied to the old text gives the new text (property)', () => {
		const strip = (document: SynchronizationSchema) => {
			const {version: _version, '@odata.context': _context, 'directories@odata.context': _directories, ...rest} = document;
			return rest;
		};
		const change = fc.record({position: fc.nat(135), kind: fc.nat(3), value: fc.string({maxLength: 8})});
		fc.assert(
			fc.property(fc.array(change, {minLength: 1, maxLength: 6}), (changes) => {
				const before = freshFixture();
				const after = freshFixture();
				for (const {position, kind, value} of changes) {
					const mappings = mappingsOf(after);
					const index = position % mappings.length;
					if (kind === 0) mappings[index]!.defaultValue = value;
					else if (kind === 1) mappings.splice(index, 1);
					else if (kind === 2) mappings.splice(index, 0, {targetAttributeName: `new${value}`, source: null});
					else after.directories![0]!.objects![0]!.attributes![index]!.required = true;
				}
				const plan = buildPlan(before, after);
				const oldText = `${JSON.stringify(strip(before), null, 4)}\n`;
				if (!plan.hasChanges) return;
				const patched = applyPatch(oldText, plan.diff);
				expect(typeof patched).toBe('string');
				expect(JSON.parse(patched as string)).toEqual(strip(after));
			}),
			{numRuns: 40},
		);
	});

	it('flags a scoping-filter change with what each filter set does to objects that fall out, in words', () => {
		const after = freshFixture();
		after.synchronizationRules![0]!.objectMappings![0]!.scope!.inputFilterGroups![0]!.clauses!.pop();
		after.synchronizationRules![0]!.objectMappings![1]!.scope = {groups: [{name: 'g', clauses: [{operatorName: 'EQUALS', sourceOperandName: 'department', targetOperand: {values: ['Sales']}}]}]};
		const plan = buildPlan(freshFixture(), after);
		expect(plan.scopingChanged).toBe(true);
		expect(plan.counts).toEqual({added: 0, removed: 0, changed: 0});
		expect(plan.objectMappingChanges).toEqual([]);
		// Clause by clause, under each object mapping's scope: not two whole filters.
		expect(plan.scopeChanges.map(describeScopeChange)).toEqual([
			`- scope inputFilterGroups 'DefaultUserExclusions.0.UX-OrganizationalGroup-Scope': distinguishedName ENDS_WITH "OU=Cloud,DC=mydomain,DC=tld"`,
			`+ scope groups 'g' (whole group): department EQUALS "Sales"`,
		]);
		expect(plan.scopeChanges.map((change) => change.objectMapping)).toEqual(['User ← user', 'SyncCredentialsChangeItem ← (none)']);
		// Each set's own documented consequence: inputFilterGroups do not deprovision, groups do.
		expect(plan.warnings).toEqual(
			expect.arrayContaining([
				'The scoping filter (groups) changes: objects that no longer satisfy it are deprovisioned (disabled or deleted in the target system) unless "skip out of scope deletions" is set.',
				'The input filter (inputFilterGroups, experimental) changes: objects it no longer admits are not processed any further, and Microsoft documents that they are not deprovisioned: what was provisioned stays in the target, no longer updated. Objects it newly admits are provisioned.',
			]),
		);
	});

	it('flags matching changes and object mapping changes', () => {
		const after = freshFixture();
		mappingOf(after, 'Department').matchingPriority = 2;
		after.synchronizationRules![0]!.objectMappings![1]!.enabled = true;
		after.synchronizationRules![0]!.objectMappings![0]!.flowTypes = 'Add, Update';
		const plan = buildPlan(freshFixture(), after);
		expect(plan.matchingChanged).toBe(true);
		expect(plan.changes).toEqual([
			{kind: 'changed', objectMapping: 'User ← user', target: 'Department', pointer: pointerOf(after, 'Department'), fields: [{field: 'matchingPriority', before: '0', after: '2'}]},
		]);
		expect(plan.objectMappingChanges).toEqual([
			{objectMapping: 'User ← user', field: 'flowTypes', before: 'Add, Update, Delete', after: 'Add, Update', pointer: `${userMapping}/flowTypes`},
			{objectMapping: 'SyncCredentialsChangeItem ← (none)', field: 'enabled', before: 'false', after: 'true', pointer: `${credentialsMapping}/enabled`},
		]);
		expect(plan.warnings).toEqual(
			expect.arrayContaining([
				'Matching attributes change: accounts already provisioned may no longer be matched, so they can be created a second time or disabled.',
				'Object mapping User ← user now does Add, Update (was Add, Update, Delete).',
				'Object mapping SyncCredentialsChangeItem ← (none) is enabled: its objects start being provisioned.',
			]),
		);
	});

	it('reports changes outside mappings: directories, attribute definitions, rule and top-level fields', () => {
		const after = freshFixture();
		after.directories![1]!.id = '00000000-0000-0000-0000-00000000000a';
		after.directories![1]!.objects![0]!.attributes!.push({name: 'extension_costCenter', type: 'String'});
		after.directories![0]!.objects![0]!.attributes![0]!.multivalued = true;
		after.synchronizationRules![0]!.priority = 2;
		const plan = buildPlan(freshFixture(), after);
		const first = freshFixture().directories![0]!.objects![0]!.attributes![0]!;
		expect(plan.definitionChanges).toEqual([
			{kind: 'changed', path: `Active Directory › user › ${first.name}`, pointer: '/directories/0/objects/0/attributes/0', fields: [{field: 'multivalued', before: String(first.multivalued), after: 'true'}]},
			{kind: 'changed', path: 'Azure Active Directory', pointer: '/directories/1', fields: [{field: 'id', before: '66e4a8cc-1b7b-435e-95f8-f06cea133828', after: '00000000-0000-0000-0000-00000000000a'}]},
			{kind: 'added', path: 'Azure Active Directory › User › extension_costCenter', pointer: '/directories/1/objects/0/attributes/138', fields: []},
		]);
		expect(plan.otherChanges).toEqual([
			'/synchronizationRules/0/priority',
			'/directories/0/objects/0/attributes/0/multivalued',
			'/directories/1/id',
			'/directories/1/objects/0/attributes/138',
		]);
		expect(plan.hasChanges).toBe(true);
	});
});

describe("cloud sync's OU and group scope in the plan", () => {
	it('lists each OU taken into or out of scope whole, and warns of deletions', () => {
		const before = freshFixture();
		const after = freshFixture();
		const sales = 'OU=Sales,OU=EMEA,DC=corp,DC=contoso,DC=com';
		const cloud = 'OU=Cloud,DC=mydomain,DC=tld';
		Object.assign(before.synchronizationRules![0]!, {containerFilter: {includedContainers: [cloud, sales]}});
		Object.assign(after.synchronizationRules![0]!, {containerFilter: {includedContainers: [cloud, 'OU=Staff,DC=corp,DC=contoso,DC=com']}});
		const plan = buildPlan(before, after);
		expect(plan.cloudSyncScopeChanged).toBe(true);
		expect(plan.containerScopeChanges).toEqual([
			{pointer: '/synchronizationRules/0/containerFilter', field: 'containerFilter', added: ['OU=Staff,DC=corp,DC=contoso,DC=com'], removed: [sales]},
		]);
		const text = formatChanges(plan, {color: false});
		expect(text).toContain('+ OU into scope: OU=Staff,DC=corp,DC=contoso,DC=com\n');
		expect(text).toContain(`- OU out of scope (its objects may be deleted in Microsoft Entra ID): ${sales}\n`);
		expect(text).not.toContain(cloud);
	});

	it('says when the same OUs are only reordered, and reads group scope the same way', () => {
		const before = freshFixture();
		const after = freshFixture();
		Object.assign(before.synchronizationRules![0]!, {containerFilter: {includedContainers: ['OU=A,DC=x', 'OU=B,DC=x']}, groupFilter: {includedGroups: []}});
		Object.assign(after.synchronizationRules![0]!, {containerFilter: {includedContainers: ['OU=B,DC=x', 'OU=A,DC=x']}, groupFilter: {includedGroups: ['CN=Pilot,OU=Groups,DC=x']}});
		const text = formatChanges(buildPlan(before, after), {color: false});
		expect(text).toContain('the same OUs, written differently');
		expect(text).toContain('+ group into scope: CN=Pilot,OU=Groups,DC=x');
	});
});

describe('diffAsPatch', () => {
	it('turns A into B with a guarded patch, by meaning', () => {
		const before = freshFixture();
		const after = freshFixture();
		mappingOf(after, 'Mail').flowType = 'ObjectAddOnly';
		mappingsOf(after).splice(3, 1);
		mappingsOf(after).splice(10, 0, {targetAttributeName: 'CloudMastered', source: null});
		after.synchronizationRules![0]!.objectMappings![1]!.enabled = true;
		const patch = diffAsPatch(before, after);
		expect(patch.filter((operation) => operation.op !== 'test').map((operation) => `${operation.op} ${operation.path}`)).toEqual([
			`remove ${userMapping}/attributeMappings/3`,
			`add ${userMapping}/attributeMappings/10`,
			`replace ${pointerOf(after, 'Mail')}/flowType`,
			`replace ${credentialsMapping}/enabled`,
		]);
		expect(patch.some((operation) => operation.op === 'test' && operation.path.endsWith('/targetAttributeName'))).toBe(true);
		expect(jsonEqual(applyOperations(before, patch), after)).toBe(true);
		expect(diffAsPatch(before, reversedKeys(freshFixture()) as SynchronizationSchema)).toEqual([]);
	});

	it('ignores server fields when asked, and still round-trips everything else', () => {
		const before = freshFixture();
		const after = freshFixture();
		after.version = 'Date:2025-06-02T08:00:00.0000000Z, ActivityId:00000000-0000-0000-0000-000000000001';
		expect(diffAsPatch(before, after, {ignoreServerFields: true})).toEqual([]);
		const withVersion = diffAsPatch(before, after);
		expect(withVersion.at(-1)).toEqual({op: 'replace', path: '/version', value: after.version});
		expect(applyOperations(before, withVersion)).toEqual(after);
	});
});
