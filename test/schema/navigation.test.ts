import {describe, expect, it} from 'vitest';
import {decodeSchemaBytes, parseSchemaText} from '../../source/schema/load.js';
import {
	type SchemaIndex,
	type SchemaNode,
	buildSchemaIndex,
	parsePointer,
	pointerOf,
	resolvePointer,
} from '../../source/schema/navigation.js';
import type {SynchronizationSchema} from '../../source/schema/types.js';
import {parseFixture} from './fixture.js';
import {syntheticSchema} from './synthetic.js';

function allNodes(index: SchemaIndex): SchemaNode[] {
	const nodes: SchemaNode[] = [];
	const stack: SchemaNode[] = [index];
	while (stack.length > 0) {
		const node = stack.pop()!;
		nodes.push(node);
		stack.push(...[...node.children].reverse());
	}
	return nodes;
}

describe('navigation index over the fixture', () => {
	const schema = parseFixture();
	const index = buildSchemaIndex(schema);
	const count = (kind: SchemaNode['kind']) => allNodes(index).filter((node) => node.kind === kind).length;

	it('counts every level', () => {
		expect(count('directory')).toBe(2);
		expect(count('objectDefinition')).toBe(4);
		expect(count('attributeDefinition')).toBe(566);
		expect(count('rule')).toBe(1);
		expect(count('objectMapping')).toBe(2);
		expect(count('attributeMapping')).toBe(136);
		expect([...index.attributeMappings()]).toHaveLength(136);
	});

	it('gives every node a pointer that resolves back to its model object, and back to the node', () => {
		for (const node of allNodes(index)) {
			expect(resolvePointer(schema, node.pointer)).toBe(node.model);
			expect(index.nodeAt(node.pointer)).toBe(node);
		}
		expect(index.directories[1]!.objects[0]!.attributes[3]!.pointer).toBe('/directories/1/objects/0/attributes/3');
	});

	it('keeps node identity across reads, and knows parents', () => {
		const mapping = index.rules[0]!.objectMappings[0]!.attributeMappings[7]!;
		expect(index.rules[0]!.objectMappings[0]!.attributeMappings[7]).toBe(mapping);
		expect(mapping.parent.parent.parent).toBe(index);
		expect(mapping.mapping).toBe(mapping.model);
		expect(mapping.parent.rule).toBe(index.rules[0]);
	});

	it('labels nodes, including the unnamed object mapping', () => {
		const [named, unnamed] = index.rules[0]!.objectMappings;
		expect(index.rules[0]!.label).toBe('AD2AADProvisioning');
		expect(named!.label).toBe('Synchronize Active Directory users to Azure Active Directory');
		expect(unnamed!.model.name).toBeNull();
		expect(unnamed!.label).toBe('(unnamed) → SyncCredentialsChangeItem');
		expect(index.directories.map((node) => node.label)).toEqual(['Active Directory', 'Azure Active Directory']);
		expect(index.directories[0]!.objects[1]!.label).toBe('?-AF5CEBF5-81E9-4A85-9DA7-2277F1A6CBEF-?');
		const accountEnabled = named!.attributeMappings[0]!;
		expect(accountEnabled.label).toBe('AccountEnabled');
		expect(accountEnabled.summary(20)).toBe('IIF(IsPresent([user…');
	});

	it('resolves object mappings to their source and target object definitions (case-sensitive)', () => {
		const [named, unnamed] = index.rules[0]!.objectMappings;
		expect(named!.sourceObject?.pointer).toBe('/directories/0/objects/0');
		expect(named!.sourceObject?.label).toBe('user');
		expect(named!.targetObject?.label).toBe('User');
		expect(named!.targetObject?.parent.label).toBe('Azure Active Directory');
		expect(unnamed!.sourceObject).toBeUndefined();
		expect(unnamed!.targetObject?.label).toBe('SyncCredentialsChangeItem');
		expect(index.directory('Active Directory')?.object('User')).toBeUndefined();
		expect(index.directory('azure active directory')).toBeUndefined();
	});

	it('resolves every target and source attribute of the fixture (it is a consistent schema)', () => {
		for (const mapping of index.rules[0]!.objectMappings[0]!.attributeMappings) {
			expect(mapping.targetAttribute?.model.name).toBe(mapping.model.targetAttributeName);
			for (const {name, definition} of mapping.sourceAttributes) expect(definition?.model.name, name).toBe(name);
		}
	});

	it('answers which attribute mappings use an attribute definition', () => {
		const adUser = index.directory('Active Directory')!.object('user')!;
		const userAccountControl = adUser.attribute('userAccountControl')!;
		expect(userAccountControl.usages.asTarget).toEqual([]);
		expect(userAccountControl.usages.asSource.map((mapping) => mapping.label)).toEqual(['AccountEnabled']);
		const entraUser = index.directory('Azure Active Directory')!.object('User')!;
		const accountEnabled = entraUser.attribute('AccountEnabled')!;
		expect(accountEnabled.usedBy().map((mapping) => mapping.pointer)).toEqual([
			'/synchronizationRules/0/objectMappings/0/attributeMappings/0',
		]);
		const pwdLastSet = adUser.attribute('pwdLastSet')!;
		expect(pwdLastSet.usedBy().map((mapping) => mapping.label)).toEqual(['LastPasswordChangeTimestamp']);
		// The other AD object and SyncCredentialsChangeItem share attribute names but are not mapped from.
		expect(index.directory('Active Directory')!.objects[1]!.attribute('userAccountControl')?.usedBy()).toEqual([]);
	});

	it('finds the closest node for pointers below a node', () => {
		const found = index.closestNodeAt('/synchronizationRules/0/objectMappings/0/attributeMappings/3/source/expression');
		expect(found?.node.pointer).toBe('/synchronizationRules/0/objectMappings/0/attributeMappings/3');
		expect(found?.rest).toEqual(['source', 'expression']);
		expect(index.nodeAt('/synchronizationRules/0/objectMappings/0/attributeMappings/999')).toBeUndefined();
		expect(index.nodeAt('/synchronizationRules/0/objectMappings/00')).toBeUndefined();
		expect(index.nodeAt('')).toBe(index);
		expect(index.nodeAt('no-slash')).toBeUndefined();
	});
});

describe('navigation over sparse schemas', () => {
	it('treats null, missing and wrong-typed arrays as empty and never crashes', () => {
		const schema = {
			synchronizationRules: [
				{objectMappings: null},
				{name: '', sourceDirectoryName: 'Nowhere', objectMappings: [{name: null, sourceObjectName: '', targetObjectName: null, attributeMappings: null}]},
				{},
			],
			directories: [{name: 'Empty', objects: null}, {name: 'NoAttributes', objects: [{name: 'o'}]}],
		} as unknown as SynchronizationSchema;
		const index = buildSchemaIndex(schema);
		expect(allNodes(index)).toHaveLength(1 + 3 + 1 + 2 + 1);
		const rule = index.rules[1]!;
		expect(index.rules[0]!.label).toBe('(unnamed)');
		expect(rule.objectMappings[0]!.label).toBe('(unnamed) → (unnamed)');
		expect(rule.objectMappings[0]!.attributeMappings).toEqual([]);
		expect(rule.objectMappings[0]!.sourceObject).toBeUndefined();
		expect(rule.sourceDirectory).toBeUndefined();
		expect(index.directories[1]!.objects[0]!.attributes).toEqual([]);
		expect(buildSchemaIndex({}).children).toEqual([]);
	});

	it('skips non-object elements but keeps real array positions in pointers', () => {
		const schema = {directories: [null, 5, {name: 'Third', objects: []}]} as unknown as SynchronizationSchema;
		const index = buildSchemaIndex(schema);
		expect(index.directories).toHaveLength(1);
		expect(index.directories[0]!.pointer).toBe('/directories/2');
		expect(index.nodeAt('/directories/2')).toBe(index.directories[0]);
		expect(index.nodeAt('/directories/0')).toBeUndefined();
	});
});

describe('JSON Pointer helpers', () => {
	it('escapes ~ and / (RFC 6901)', () => {
		expect(pointerOf([])).toBe('');
		expect(pointerOf(['a/b', 'm~n', 0, ''])).toBe('/a~1b/m~0n/0/');
		expect(parsePointer('/a~1b/m~0n/0/')).toEqual(['a/b', 'm~n', '0', '']);
		expect(parsePointer('/~01')).toEqual(['~1']);
		expect(parsePointer('/bad~2')).toBeUndefined();
		expect(parsePointer('relative')).toBeUndefined();
	});

	it('resolves pointers like RFC 6901 §5', () => {
		const document = {foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'c%d': 2, 'e^f': 3, 'g|h': 4, 'i\\j': 5, 'k"l': 6, ' ': 7, 'm~n': 8};
		expect(resolvePointer(document, '')).toBe(document);
		expect(resolvePointer(document, '/foo')).toBe(document.foo);
		expect(resolvePointer(document, '/foo/0')).toBe('bar');
		expect(resolvePointer(document, '/')).toBe(0);
		expect(resolvePointer(document, '/a~1b')).toBe(1);
		expect(resolvePointer(document, '/m~0n')).toBe(8);
		expect(resolvePointer(document, '/ ')).toBe(7);
		expect(resolvePointer(document, '/foo/-')).toBeUndefined();
		expect(resolvePointer(document, '/foo/01')).toBeUndefined();
		expect(resolvePointer(document, '/foo/2')).toBeUndefined();
		expect(resolvePointer(document, '/toString')).toBeUndefined();
		expect(resolvePointer(null, '/x')).toBeUndefined();
	});
});

// Speed is measured by `npm run bench` (bench/RESULTS.md); these check the large case is handled correctly.
describe('a 20 MB schema', () => {
	it('loads, indexes and walks every node', () => {
		const bytes = Buffer.from(JSON.stringify(syntheticSchema()));
		expect(bytes.length).toBeGreaterThan(18_000_000);
		const index = buildSchemaIndex(parseSchemaText(decodeSchemaBytes(bytes).text, 'synthetic.json'));
		let walked = 0;
		for (const rule of index.rules) for (const objectMapping of rule.objectMappings) walked += objectMapping.attributeMappings.length;
		for (const directory of index.directories) for (const object of directory.objects) walked += object.attributes.length;
		expect(walked).toBe(20_000 + 50_000);
	});

	it('answers usage queries across 20,000 mappings', () => {
		const index = buildSchemaIndex(syntheticSchema());
		const attribute = index.directory('Source')!.object('sobject0')!.attribute('sattribute4')!;
		expect(attribute.usedBy().map((mapping) => mapping.label)).toEqual(['tattribute3', 'tattribute4']);
		expect(index.directory('Target')!.object('tobject1')!.attribute('tattribute1')!.usedBy().length).toBeGreaterThan(0);
	});
});
