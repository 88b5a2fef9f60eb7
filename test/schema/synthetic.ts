import type {AttributeDefinition, AttributeMapping, SynchronizationSchema} from '../../source/schema/types.js';

/**
 * A large schema shaped like real exports (the fixture's attribute-definition and mapping shapes), for
 * performance tests: `objects × attributesPerObject` definitions per directory, `objectMappings × mappingsPerObject`
 * attribute mappings. The defaults give about 20 MB with 50,000 definitions and 20,000 mappings.
 */
export function syntheticSchema({
	objects = 25,
	attributesPerObject = 1000,
	objectMappings = 20,
	mappingsPerObject = 1000,
} = {}): SynchronizationSchema {
	const attribute = (name: string, index: number): AttributeDefinition => ({
		anchor: index === 0,
		apiExpressions: [],
		caseExact: false,
		defaultValue: null,
		metadata: index % 10 === 0 ? [{key: 'Description', value: `Synthetic attribute number ${index}`}] : [],
		multivalued: index % 7 === 0,
		mutability: 'ReadWrite',
		name,
		referencedObjects: index % 13 === 0 ? [{referencedObjectName: 'user', referencedProperty: null}] : [],
		required: false,
		type: index % 5 === 0 ? 'Integer' : 'String',
	});
	const directory = (name: string, prefix: string) => ({
		id: `${name}-id`,
		name,
		discoveryDateTime: null,
		readOnly: false,
		version: null,
		objects: Array.from({length: objects}, (_, o) => ({
			name: `${prefix}object${o}`,
			attributes: Array.from({length: attributesPerObject}, (_, a) => attribute(`${prefix}attribute${a}`, a)),
			metadata: [{key: 'IsSoftDeletionSupported', value: 'true'}],
			supportedApis: [],
		})),
	});
	const mapping = (a: number): AttributeMapping => ({
		defaultValue: null,
		exportMissingReferences: false,
		flowBehavior: 'FlowWhenChanged',
		flowType: 'Always',
		matchingPriority: a === 0 ? 1 : 0,
		targetAttributeName: `tattribute${a}`,
		source:
			a % 3 === 0
				? {
						expression: `IIF(IsPresent([sattribute${a}]), Trim([sattribute${a}]), [sattribute${a + 1}])`,
						name: 'IIF',
						type: 'Function',
						parameters: [
							{key: 'one', value: {expression: `IsPresent([sattribute${a}])`, name: 'IsPresent', type: 'Function', parameters: []}},
							{key: 'four', value: {expression: `Trim([sattribute${a}])`, name: 'Trim', type: 'Function', parameters: []}},
							{key: 'five', value: {expression: `[sattribute${a + 1}]`, name: `sattribute${a + 1}`, type: 'Attribute', parameters: []}},
						],
					}
				: {expression: `[sattribute${a}]`, name: `sattribute${a}`, type: 'Attribute', parameters: []},
	});
	return {
		id: 'synthetic',
		version: 'Date:2020-04-30T13:58:46.0955403Z, ActivityId:14d3cfa6-cafd-4100-9800-a9c52faad9fe',
		synchronizationRules: [
			{
				id: 'rule',
				name: 'Synthetic',
				sourceDirectoryName: 'Source',
				targetDirectoryName: 'Target',
				editable: true,
				priority: 1,
				metadata: [],
				objectMappings: Array.from({length: objectMappings}, (_, m) => ({
					enabled: true,
					flowTypes: 'Add, Update, Delete',
					name: `Mapping ${m}`,
					sourceObjectName: `sobject${m % objects}`,
					targetObjectName: `tobject${m % objects}`,
					attributeMappings: Array.from({length: mappingsPerObject}, (_, a) => mapping(a)),
					metadata: [],
					scope: null,
				})),
			},
		],
		directories: [directory('Source', 's'), directory('Target', 't')],
	};
}
