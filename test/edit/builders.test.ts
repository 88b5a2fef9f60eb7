import type {Operation} from 'fast-json-patch';
import {describe, expect, it} from 'vitest';
import {
	addAttributeMapping,
	addScopingClause,
	applyOperations,
	availableTargets,
	editAttributeMappingField,
	editAttributeMappingSource,
	editScopingClause,
	GuardFailedError,
	removeAttributeMapping,
	removeScopingClause,
	replaceNode,
	setObjectMappingEnabled,
	sourceAttributeCandidates,
} from '../../source/edit/index.js';
import {UserError} from '../../source/errors.js';
import type {AttributeMapping, SynchronizationSchema} from '../../source/schema/types.js';
import {credentialsMapping, freshFixture, mappingOf, mappingsOf, pointerOf, userMapping} from './helpers.js';

const ruleGuard = {op: 'test', path: '/synchronizationRules/0/id', value: '6c409270-f78a-4bc6-af23-7cf3ab6482fe'};
const userMappingGuards = [
	ruleGuard,
	{op: 'test', path: `${userMapping}/sourceObjectName`, value: 'user'},
	{op: 'test', path: `${userMapping}/targetObjectName`, value: 'User'},
	{op: 'test', path: `${userMapping}/name`, value: 'Synchronize Active Directory users to Azure Active Directory'},
];

function refusal(action: () => unknown): string {
	try {
		action();
	} catch (error) {
		expect(error).toBeInstanceOf(UserError);
		const message = (error as Error).message;
		expect(message.split('\n')).toHaveLength(1);
		return message;
	}
	throw new Error('expected the builder to refuse');
}

/** Applying the edit's operations to `document` gives the edited document (the builders' contract). */
const applyDraft = (document: SynchronizationSchema, operations: Operation[]) => applyOperations(document, operations);

describe('editAttributeMappingSource', () => {
	it('replaces the source, guarded by the identity of the rule, object mapping and mapping, and the old source', () => {
		const document = freshFixture();
		const pointer = pointerOf(document, 'Mail');
		const oldSource = mappingOf(document, 'Mail').source;
		const edit = editAttributeMappingSource(document, pointer, {kind: 'Attribute', name: 'userPrincipalName'});
		expect(edit).toMatchObject({kind: 'change', pointer, summary: '~ User ← user · Mail: Trim([mail]) → [userPrincipalName]'});
		expect(edit.operations).toEqual([
			...userMappingGuards,
			{op: 'test', path: `${pointer}/targetAttributeName`, value: 'Mail'},
			{op: 'test', path: `${pointer}/source`, value: oldSource},
			{op: 'replace', path: `${pointer}/source`, value: {expression: '[userPrincipalName]', name: 'userPrincipalName', type: 'Attribute', parameters: []}},
		]);
		const after = applyDraft(document, edit.operations);
		expect(mappingOf(after, 'Mail').source).toEqual({expression: '[userPrincipalName]', name: 'userPrincipalName', type: 'Attribute', parameters: []});
		// The builder is a pure function of the document.
		expect(document).toEqual(freshFixture());
	});

	it('builds constants, expressions and "none" the way Graph stores them', () => {
		const document = freshFixture();
		const pointer = pointerOf(document, 'Mail');
		const constant = editAttributeMappingSource(document, pointer, {kind: 'Constant', value: 'say "hi"'});
		expect(constant.operations.at(-1)).toMatchObject({value: {expression: '"say \\"hi\\""', name: 'say "hi"', type: 'Constant', parameters: []}});

		const expression = editAttributeMappingSource(document, pointer, {kind: 'Expression', expression: 'Join("@", [sAMAccountName], )'});
		expect(expression.summary).toBe('~ User ← user · Mail: Trim([mail]) → Join("@", [sAMAccountName], )');
		expect(expression.operations.at(-1)).toMatchObject({value: {expression: 'Join("@", [sAMAccountName], )', name: 'Join', type: 'Function'}});

		const parsed = {expression: 'ToLower([mail])', name: 'ToLower', type: 'Function' as const, parameters: [{key: 'source', value: {expression: '[mail]', name: 'mail', type: 'Attribute' as const, parameters: []}}]};
		const withServerParse = editAttributeMappingSource(document, pointer, {kind: 'Expression', expression: 'ToLower( [mail] )', parsed});
		expect(withServerParse.operations.at(-1)).toMatchObject({op: 'replace', value: parsed});

		const number = editAttributeMappingSource(document, pointer, {kind: 'Expression', expression: '42'});
		expect(number.operations.at(-1)).toMatchObject({value: {expression: '"42"', name: '42', type: 'Constant'}});

		const none = editAttributeMappingSource(document, pointer, {kind: 'None'});
		expect(none.operations.at(-1)).toEqual({op: 'replace', path: `${pointer}/source`, value: null});
		expect(none.summary).toBe('~ User ← user · Mail: Trim([mail]) → (none)');
	});

	it('long sources are cut in the summary', () => {
		const document = freshFixture();
		const edit = editAttributeMappingSource(document, pointerOf(document, 'Mail'), {
			kind: 'Expression',
			expression: 'IIF(IsPresent([userPrincipalName]), [userPrincipalName], Join("@", [sAMAccountName], ))',
		});
		expect(edit.summary).toBe('~ User ← user · Mail: Trim([mail]) → IIF(IsPresent([userPrincipalName]), [us…');
	});

	it('refuses an expression that does not parse, one that is too long, and a source that changes nothing', () => {
		const document = freshFixture();
		const pointer = pointerOf(document, 'Mail');
		expect(refusal(() => editAttributeMappingSource(document, pointer, {kind: 'Expression', expression: 'Trim([mail]'}))).toMatch(/does not parse: unclosed 'Trim\(': missing '\)'/);
		expect(refusal(() => editAttributeMappingSource(document, pointer, {kind: 'Expression', expression: `"${'x'.repeat(10_000)}"`}))).toMatch(/10,002 characters long; Graph accepts at most 10,000/);
		expect(refusal(() => editAttributeMappingSource(document, pointer, {kind: 'Expression', expression: '  '}))).toMatch(/empty/);
		const current = mappingOf(document, 'Mail').source!;
		expect(refusal(() => editAttributeMappingSource(document, pointer, {kind: 'Expression', expression: 'Trim([mail])', parsed: current}))).toMatch(/already has this source/);
		expect(refusal(() => editAttributeMappingSource(document, `${userMapping}/attributeMappings/999`, {kind: 'None'}))).toMatch(/no attribute mapping at/);
	});
});

describe('editAttributeMappingField', () => {
	it('changes flowType, flowBehavior, defaultValue and matchingPriority with old-value guards', () => {
		const document = freshFixture();
		const pointer = pointerOf(document, 'Department');
		const flow = editAttributeMappingField(document, pointer, 'flowType', 'ObjectAddOnly');
		expect(flow.summary).toBe('~ User ← user · Department: flowType Always → ObjectAddOnly');
		expect(flow.operations.slice(-2)).toEqual([
			{op: 'test', path: `${pointer}/flowType`, value: 'Always'},
			{op: 'replace', path: `${pointer}/flowType`, value: 'ObjectAddOnly'},
		]);
		expect(editAttributeMappingField(document, pointer, 'flowBehavior', 'FlowAlways').summary).toBe('~ User ← user · Department: flowBehavior FlowWhenChanged → FlowAlways');
		expect(editAttributeMappingField(document, pointer, 'defaultValue', 'Sales').summary).toBe('~ User ← user · Department: defaultValue (none) → "Sales"');
		expect(editAttributeMappingField(document, pointer, 'matchingPriority', 2).operations.at(-1)).toEqual({op: 'replace', path: `${pointer}/matchingPriority`, value: 2});
	});

	it('adds a field the mapping does not have yet', () => {
		const document = freshFixture();
		const pointer = pointerOf(document, 'Department');
		delete (mappingOf(document, 'Department') as Partial<AttributeMapping>).defaultValue;
		const edit = editAttributeMappingField(document, pointer, 'defaultValue', 'x');
		expect(edit.operations.at(-1)).toEqual({op: 'add', path: `${pointer}/defaultValue`, value: 'x'});
		expect(applyDraft(document, edit.operations) && mappingOf(applyDraft(document, edit.operations), 'Department').defaultValue).toBe('x');
	});

	it('refuses wrong-case enums with the right spelling, a matching priority in use, and no-op changes', () => {
		const document = freshFixture();
		const pointer = pointerOf(document, 'Department');
		expect(refusal(() => editAttributeMappingField(document, pointer, 'flowBehavior', 'flowWhenChanged'))).toBe(
			"User ← user · Department: flowBehavior must be written 'FlowWhenChanged', not 'flowWhenChanged': Graph's enum values are case-sensitive.",
		);
		expect(refusal(() => editAttributeMappingField(document, pointer, 'flowType', 'Sometimes'))).toMatch(/must be one of Always, ObjectAddOnly/);
		expect(refusal(() => editAttributeMappingField(document, pointer, 'matchingPriority', 1))).toMatch(/priority 1 is already used by 'onPremisesObjectIdentifier'/);
		expect(refusal(() => editAttributeMappingField(document, pointer, 'matchingPriority', -1))).toMatch(/whole number/);
		expect(refusal(() => editAttributeMappingField(document, pointer, 'flowType', 'Always'))).toMatch(/already Always; nothing to change/);
	});
});

describe('addAttributeMapping and removeAttributeMapping', () => {
	it('adds a mapping for an unmapped target attribute, with Graph defaults, guarded by the object mapping identity', () => {
		const document = freshFixture();
		const free = availableTargets(document, userMapping);
		expect(free).toEqual(['CloudMastered', 'CredentialData']);
		const edit = addAttributeMapping(document, userMapping, {targetAttributeName: 'CloudMastered', source: {expression: '"True"', name: 'True', type: 'Constant', parameters: []}});
		expect(edit).toMatchObject({kind: 'add', pointer: `${userMapping}/attributeMappings/136`, summary: '+ User ← user · CloudMastered ← "True"'});
		expect(edit.operations).toEqual([
			...userMappingGuards,
			{
				op: 'add',
				path: `${userMapping}/attributeMappings/-`,
				value: {
					defaultValue: null,
					exportMissingReferences: false,
					flowBehavior: 'FlowWhenChanged',
					flowType: 'Always',
					matchingPriority: 0,
					targetAttributeName: 'CloudMastered',
					source: {expression: '"True"', name: 'True', type: 'Constant', parameters: []},
				},
			},
		]);
		expect(mappingsOf(applyDraft(document, edit.operations))).toHaveLength(137);
	});

	it('refuses a target that is already mapped, naming it, and one the target object does not define', () => {
		const document = freshFixture();
		expect(refusal(() => addAttributeMapping(document, userMapping, {targetAttributeName: 'Mail'}))).toBe(
			"'Mail' is already mapped in User ← user (attribute mapping 42): a target can be mapped only once, so change that mapping instead.",
		);
		expect(refusal(() => addAttributeMapping(document, userMapping, {targetAttributeName: 'FavouriteColour'}))).toBe(
			"'FavouriteColour' is not an attribute of User in Azure Active Directory: add it to the target object's attribute definitions first.",
		);
		expect(refusal(() => addAttributeMapping(document, userMapping, {targetAttributeName: 'CloudMastered', flowType: 'always' as never}))).toMatch(/must be written 'Always'/);
		expect(refusal(() => addAttributeMapping(document, '/synchronizationRules/0/objectMappings/7', {targetAttributeName: 'x'}))).toMatch(/no object mapping/);
	});

	it('offers the source object attributes for expressions', () => {
		expect(sourceAttributeCandidates(freshFixture(), userMapping)).toContain('sAMAccountName');
		expect(sourceAttributeCandidates(freshFixture(), credentialsMapping)).toEqual([]);
	});

	it('removes a mapping, guarded by its identity and whole old value', () => {
		const document = freshFixture();
		const pointer = pointerOf(document, 'Department');
		const edit = removeAttributeMapping(document, pointer);
		expect(edit).toMatchObject({kind: 'remove', pointer, summary: '- User ← user · Department'});
		expect(edit.operations).toEqual([
			...userMappingGuards,
			{op: 'test', path: `${pointer}/targetAttributeName`, value: 'Department'},
			{op: 'test', path: pointer, value: mappingOf(document, 'Department')},
			{op: 'remove', path: pointer},
		]);
		const after = applyDraft(document, edit.operations);
		expect(mappingsOf(after).some((mapping) => mapping.targetAttributeName === 'Department')).toBe(false);
	});
});

describe('guards', () => {
	it('a mapping inserted before the edited one makes the patch fail instead of changing the wrong mapping', () => {
		const document = freshFixture();
		const edit = editAttributeMappingSource(document, pointerOf(document, 'Mail'), {kind: 'Constant', value: 'x'});
		const changed = freshFixture();
		mappingsOf(changed).splice(0, 0, {targetAttributeName: 'CloudMastered', source: null});
		let failure: unknown;
		try {
			applyOperations(changed, edit.operations);
		} catch (error) {
			failure = error;
		}
		expect(failure).toBeInstanceOf(GuardFailedError);
		const guardFailure = failure as GuardFailedError;
		expect(guardFailure.message).toBe("Operation 5 of 7: attribute mapping 42 of User ← user is now 'LegacyExchangeDN', not 'Mail'.");
		expect(guardFailure.operationIndex).toBe(4);
		expect(guardFailure.pointer).toBe(`${userMapping}/attributeMappings/42/targetAttributeName`);
		// Nothing was changed: the mapping now at that position keeps its source.
		expect(mappingOf(changed, 'LegacyExchangeDN').source).toEqual(mappingOf(document, 'LegacyExchangeDN').source);
	});

	it('an old value changed by someone else fails the guard, saying what it is now', () => {
		const document = freshFixture();
		const edit = editAttributeMappingField(document, pointerOf(document, 'Department'), 'flowType', 'ObjectAddOnly');
		const changed = freshFixture();
		mappingOf(changed, 'Department').flowType = 'AttributeAddOnly';
		expect(() => applyOperations(changed, edit.operations)).toThrow('Operation 6 of 7: User ← user · Department · flowType has changed: expected "Always", found "AttributeAddOnly".');
	});

	it('a removed object mapping is reported by position', () => {
		const document = freshFixture();
		const edit = setObjectMappingEnabled(document, credentialsMapping, true);
		const changed = freshFixture();
		changed.synchronizationRules![0]!.objectMappings!.pop();
		expect(() => applyOperations(changed, edit.operations)).toThrow(/object mapping 1 of rule AD2AADProvisioning no longer exists \(expected sourceObjectName ''; there are 1 now\)/);
	});
});

describe('object mappings and scoping filters', () => {
	it('enables and disables an object mapping', () => {
		const document = freshFixture();
		const edit = setObjectMappingEnabled(document, credentialsMapping, true);
		expect(edit.summary).toBe('~ SyncCredentialsChangeItem ← (none): enabled false → true');
		expect(edit.operations.slice(-2)).toEqual([
			{op: 'test', path: `${credentialsMapping}/enabled`, value: false},
			{op: 'replace', path: `${credentialsMapping}/enabled`, value: true},
		]);
		expect(refusal(() => setObjectMappingEnabled(document, userMapping, true))).toMatch(/already enabled/);
	});

	it('adds a clause to an existing group, to a new group, and creates the scope when there is none', () => {
		const document = freshFixture();
		const clause = {operatorName: 'EQUALS', sourceOperandName: 'department', targetOperand: {values: ['Sales']}};
		const existing = addScopingClause(document, userMapping, 'inputFilterGroups', 0, clause);
		expect(existing.summary).toBe(`+ User ← user · scope inputFilterGroups 'DefaultUserExclusions.0.UX-OrganizationalGroup-Scope': department EQUALS "Sales"`);
		expect(existing.operations.slice(-2)).toEqual([
			{op: 'test', path: `${userMapping}/scope/inputFilterGroups/0/name`, value: 'DefaultUserExclusions.0.UX-OrganizationalGroup-Scope'},
			{op: 'add', path: `${userMapping}/scope/inputFilterGroups/0/clauses/-`, value: clause},
		]);
		expect(existing.pointer).toBe(`${userMapping}/scope/inputFilterGroups/0/clauses/12`);

		const newGroup = addScopingClause(document, userMapping, 'groups', 'new', clause);
		expect(newGroup.operations.at(-1)).toEqual({op: 'add', path: `${userMapping}/scope/groups/-`, value: {name: 'Group 1', clauses: [clause]}});

		const noScope = addScopingClause(document, credentialsMapping, 'groups', 'new', clause, {groupName: 'Sales only'});
		expect(noScope.operations.slice(-2)).toEqual([
			{op: 'test', path: `${credentialsMapping}/scope`, value: null},
			{op: 'replace', path: `${credentialsMapping}/scope`, value: {categoryFilterGroups: [], groups: [{name: 'Sales only', clauses: [clause]}], inputFilterGroups: []}},
		]);
		const after = applyDraft(document, noScope.operations);
		expect(after.synchronizationRules?.[0]?.objectMappings?.[1]?.scope?.groups?.[0]?.clauses).toEqual([clause]);
	});

	it('refuses incomplete clauses, a duplicate clause and a group that does not exist', () => {
		const document = freshFixture();
		expect(refusal(() => addScopingClause(document, userMapping, 'groups', 'new', {operatorName: '', sourceOperandName: 'x'}))).toMatch(/choose an operator/);
		expect(refusal(() => addScopingClause(document, userMapping, 'groups', 'new', {operatorName: 'EQUALS', sourceOperandName: 'x', targetOperand: {values: [1 as never]}}))).toMatch(/list of text values/);
		expect(refusal(() => addScopingClause(document, userMapping, 'groups', 3, {operatorName: 'IS TRUE', sourceOperandName: 'x'}))).toMatch(/has no groups group 3/);
		const firstClause = document.synchronizationRules![0]!.objectMappings![0]!.scope!.inputFilterGroups![0]!.clauses![0]!;
		expect(refusal(() => addScopingClause(document, userMapping, 'inputFilterGroups', 0, firstClause))).toMatch(/already has the clause isCriticalSystemObject IS FALSE/);
	});

	it('edits and removes a clause; removing the last clause removes the group', () => {
		const document = freshFixture();
		const clausePointer = `${userMapping}/scope/inputFilterGroups/0/clauses/1`;
		const edit = editScopingClause(document, clausePointer, {operatorName: 'NOT REGEX MATCH', sourceOperandName: 'adminDescription', targetOperand: {values: ['^Group_']}});
		expect(edit.summary).toBe(
			`~ User ← user · scope inputFilterGroups 'DefaultUserExclusions.0.UX-OrganizationalGroup-Scope': adminDescription NOT REGEX MATCH "^User_" → adminDescription NOT REGEX MATCH "^Group_"`,
		);
		expect(edit.operations).toContainEqual({op: 'test', path: `${clausePointer}/operatorName`, value: 'NOT REGEX MATCH'});
		expect(edit.operations).toContainEqual({op: 'test', path: `${clausePointer}/sourceOperandName`, value: 'adminDescription'});
		expect(edit.operations).toContainEqual({op: 'test', path: clausePointer, value: {operatorName: 'NOT REGEX MATCH', sourceOperandName: 'adminDescription', targetOperand: {values: ['^User_']}}});

		const removal = removeScopingClause(document, clausePointer);
		expect(removal).toMatchObject({kind: 'remove', pointer: clausePointer});
		expect(removal.operations.at(-1)).toEqual({op: 'remove', path: clausePointer});

		const single = addScopingClause(document, userMapping, 'groups', 'new', {operatorName: 'IS TRUE', sourceOperandName: 'x'});
		const withGroup = applyDraft(document, single.operations);
		const lastClause = removeScopingClause(withGroup, `${userMapping}/scope/groups/0/clauses/0`);
		expect(lastClause.summary).toMatch(/\(and the group, now empty\)$/);
		expect(lastClause.operations.at(-1)).toEqual({op: 'remove', path: `${userMapping}/scope/groups/0`});
	});
});

describe('replaceNode (edit as JSON)', () => {
	it('records the smallest set of guarded changes for an edited attribute mapping', () => {
		const document = freshFixture();
		const pointer = pointerOf(document, 'City');
		const edited = {...structuredClone(mappingOf(document, 'City')), flowBehavior: 'FlowAlways', defaultValue: 'Paris'};
		const edit = replaceNode(document, pointer, edited);
		expect(edit.summary).toBe('~ User ← user · City: edited as JSON (defaultValue, flowBehavior)');
		const changes = edit.operations.filter((operation) => operation.op !== 'test');
		expect(changes).toEqual([
			{op: 'replace', path: `${pointer}/defaultValue`, value: 'Paris'},
			{op: 'replace', path: `${pointer}/flowBehavior`, value: 'FlowAlways'},
		]);
		expect(mappingOf(applyDraft(document, edit.operations), 'City')).toEqual(edited);
	});

	it('edits a whole object mapping: one add, one change, with guards that hold at each step', () => {
		const document = freshFixture();
		const objectMapping = structuredClone(document.synchronizationRules![0]!.objectMappings![0]!);
		objectMapping.attributeMappings!.push({targetAttributeName: 'CloudMastered', source: null, flowType: 'Always'});
		objectMapping.attributeMappings![0]!.flowType = 'ObjectAddOnly';
		objectMapping.enabled = false;
		const edit = replaceNode(document, userMapping, objectMapping);
		expect(edit.summary).toBe('~ User ← user: edited as JSON (enabled, attributeMappings)');
		expect(edit.operations.filter((operation) => operation.op !== 'test').map((operation) => `${operation.op} ${operation.path}`)).toEqual([
			`replace ${userMapping}/enabled`,
			`add ${userMapping}/attributeMappings/136`,
			`replace ${userMapping}/attributeMappings/0/flowType`,
		]);
		const after = applyDraft(document, edit.operations);
		expect(after.synchronizationRules?.[0]?.objectMappings?.[0]).toEqual(objectMapping);
		expect(JSON.stringify(document)).toBe(JSON.stringify(freshFixture()));
	});

	it('refuses JSON of the wrong shape, a duplicate or unknown target, and an unchanged node, with a reason', () => {
		const document = freshFixture();
		const pointer = pointerOf(document, 'City');
		expect(refusal(() => replaceNode(document, pointer, [1, 2]))).toMatch(/must be one attribute mapping/);
		expect(refusal(() => replaceNode(document, pointer, {targetAttributeName: 5}))).toBe('The edited JSON is not valid here: /targetAttributeName is a number, expected a string.');
		expect(refusal(() => replaceNode(document, pointer, {...mappingOf(document, 'City'), source: 'x'}))).toBe('The edited JSON is not valid here: /source is a string, expected an object.');
		expect(refusal(() => replaceNode(document, pointer, {...mappingOf(document, 'City'), targetAttributeName: 'Mail'}))).toMatch(/'Mail' is already mapped/);
		expect(refusal(() => replaceNode(document, pointer, {...mappingOf(document, 'City'), targetAttributeName: 'Nope'}))).toMatch(/'Nope' is not an attribute of User/);
		expect(refusal(() => replaceNode(document, pointer, structuredClone(mappingOf(document, 'City'))))).toMatch(/unchanged/);
		const twice = structuredClone(document.synchronizationRules![0]!.objectMappings![0]!);
		twice.attributeMappings!.push(structuredClone(twice.attributeMappings![0]!));
		expect(refusal(() => replaceNode(document, userMapping, twice))).toMatch(/'AccountEnabled' is mapped twice in the edited JSON/);
		expect(refusal(() => replaceNode(document, '/directories/0', {}))).toMatch(/Only a whole attribute mapping or object mapping/);
	});
});
