import type {Operation} from 'fast-json-patch';
import {describe, expect, it} from 'vitest';
import {applyOperations, GuardFailedError, resolveSelectors} from '../../source/edit/index.js';
import {fixtureText, freshFixture, mappingOf, userMapping} from './helpers.js';

const users = '/synchronizationRules/0/objectMappings/[sourceObjectName=user,targetObjectName=User]';

describe('name selectors in hand-written patches', () => {
	it('turn into index paths preceded by test guards on the selected properties', () => {
		const document = freshFixture();
		const resolved = resolveSelectors(document, [{op: 'replace', path: `${users}/attributeMappings/[targetAttributeName=Mail]/flowType`, value: 'ObjectAddOnly'}]);
		expect(resolved).toEqual([
			{op: 'test', path: `${userMapping}/sourceObjectName`, value: 'user'},
			{op: 'test', path: `${userMapping}/targetObjectName`, value: 'User'},
			{op: 'test', path: `${userMapping}/attributeMappings/42/targetAttributeName`, value: 'Mail'},
			{op: 'replace', path: `${userMapping}/attributeMappings/42/flowType`, value: 'ObjectAddOnly'},
		]);
		// The document is left as it was.
		expect(JSON.stringify(document)).toBe(JSON.stringify(JSON.parse(fixtureText)));
		expect(mappingOf(applyOperations(document, resolved), 'Mail').flowType).toBe('ObjectAddOnly');
	});

	it('are resolved in order, each against the document the operations before it leave', () => {
		const document = freshFixture();
		const patch: Operation[] = [
			{op: 'remove', path: `${users}/attributeMappings/[targetAttributeName=AccountEnabled]`},
			{op: 'replace', path: `${users}/attributeMappings/[targetAttributeName=Mail]/defaultValue`, value: 'none@contoso.com'},
		];
		const resolved = resolveSelectors(document, patch);
		// Mail moved from 42 to 41 once AccountEnabled (0) was removed.
		expect(resolved.at(-1)).toEqual({op: 'replace', path: `${userMapping}/attributeMappings/41/defaultValue`, value: 'none@contoso.com'});
		const after = applyOperations(document, patch);
		expect(mappingOf(after, 'Mail').defaultValue).toBe('none@contoso.com');
		expect(mappingOf(after, 'AccountEnabled')).toBeUndefined();
	});

	it('match values with escapes, numbers and empty strings', () => {
		const document = freshFixture();
		const mapping = mappingOf(document, 'Mail');
		mapping.targetAttributeName = 'a/b,c=d]e%f';
		const escaped = resolveSelectors(document, [{op: 'test', path: `${users}/attributeMappings/[targetAttributeName=a%2Fb%2Cc%3Dd%5De%25f]/flowType`, value: 'Always'}]);
		expect(escaped.at(-1)?.path).toBe(`${userMapping}/attributeMappings/42/flowType`);
		const tilde = resolveSelectors(document, [{op: 'test', path: `${users}/attributeMappings/[targetAttributeName=a~1b%2Cc%3Dd%5De%25f]/flowType`, value: 'Always'}]);
		expect(tilde.at(-1)?.path).toBe(`${userMapping}/attributeMappings/42/flowType`);
		const priority = resolveSelectors(document, [{op: 'test', path: `${users}/attributeMappings/[matchingPriority=1]/targetAttributeName`, value: 'onPremisesObjectIdentifier'}]);
		const matching = document.synchronizationRules![0]!.objectMappings![0]!.attributeMappings!.findIndex((each) => each.matchingPriority === 1);
		expect(priority[2]).toEqual({op: 'test', path: `${userMapping}/attributeMappings/${matching}/matchingPriority`, value: 1});
		const empty = resolveSelectors(document, [{op: 'test', path: '/synchronizationRules/0/objectMappings/[sourceObjectName=]/enabled', value: false}]);
		expect(empty.at(-1)?.path).toBe('/synchronizationRules/0/objectMappings/1/enabled');
	});

	it('a selector matching nothing, or several elements, is an error naming it and the operation', () => {
		const document = freshFixture();
		expect(() => resolveSelectors(document, [{op: 'remove', path: `${users}/attributeMappings/[targetAttributeName=mail]`}])).toThrow(
			`Operation 1 of 1: the selector [targetAttributeName=mail] matches no element of User ← user · attributeMappings (${userMapping}/attributeMappings); check the spelling, names are case-sensitive.`,
		);
		expect(() =>
			resolveSelectors(document, [
				{op: 'test', path: '/id', value: document.id},
				{op: 'remove', path: `${users}/attributeMappings/[flowType=Always]`},
			]),
		).toThrow(/^Operation 2 of 2: the selector \[flowType=Always\] matches 136 elements of User ← user · attributeMappings \(positions 0, 1, 2, 3, 4, …\); add a key to narrow it/);
		expect(() => resolveSelectors(document, [{op: 'add', path: `${users}/attributeMappings/[targetAttributeName=Mail]`, value: {}}])).toThrow(/cannot end the path of an "add"/);
		expect(() => resolveSelectors(document, [{op: 'test', path: `${users}/attributeMappings/[targetAttributeName]`, value: 1}])).toThrow(/needs key=value pairs/);
		expect(() => resolveSelectors(document, [{op: 'test', path: `${users}/attributeMappings/[targetAttributeName=%zz]`, value: 1}])).toThrow(/bad %-escape/);
	});

	it('applyOperations reports a failing test by the operation and leaves the input unchanged', () => {
		const document = freshFixture();
		let failure: unknown;
		try {
			applyOperations(document, [
				{op: 'replace', path: `${users}/attributeMappings/[targetAttributeName=Mail]/flowType`, value: 'ObjectAddOnly'},
				{op: 'test', path: `${users}/attributeMappings/[targetAttributeName=City]/flowType`, value: 'ObjectAddOnly'},
			]);
		} catch (error) {
			failure = error;
		}
		expect(failure).toBeInstanceOf(GuardFailedError);
		expect((failure as GuardFailedError).message).toBe('Operation 2 of 2: User ← user · City · flowType has changed: expected "ObjectAddOnly", found "Always".');
		expect((failure as GuardFailedError).operationIndex).toBe(1);
		expect(mappingOf(document, 'Mail').flowType).toBe('Always');
	});

	it('move and copy work and are guarded like the others', () => {
		const document = freshFixture();
		const after = applyOperations(document, [
			{op: 'copy', from: `${users}/attributeMappings/[targetAttributeName=Mail]/source`, path: `${users}/attributeMappings/[targetAttributeName=City]/source`},
			{op: 'move', from: `${userMapping}/attributeMappings/0`, path: `${userMapping}/attributeMappings/-`},
		]);
		expect(mappingOf(after, 'City').source).toEqual(mappingOf(document, 'Mail').source);
		expect(after.synchronizationRules?.[0]?.objectMappings?.[0]?.attributeMappings?.at(-1)?.targetAttributeName).toBe('AccountEnabled');
		expect(() => applyOperations(document, [{op: 'move', from: userMapping, path: `${userMapping}/attributeMappings/0`}])).toThrow(/cannot move .* into itself/);
	});
});
