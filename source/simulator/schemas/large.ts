/**
 * A deliberately huge but internally consistent schema for benchmarks: "Contoso HR (large)".
 * 20,000 mappings and 50,000 attribute definitions come out at about 20 MB of compact JSON.
 */

import type {AttributeDefinition, AttributeMapping, AttributeType, SynchronizationSchema} from '../../schema/types.js';
import {createSeededRandom} from '../random.js';
import {
	attribute,
	directory,
	mapping,
	objectDefinition,
	objectMapping,
	type SchemaIdentity,
	schemaDocument,
	synchronizationRule,
} from './builders.js';

export type LargeSchemaCounts = {attributeMappings: number; attributeDefinitions: number};

const words = [
	'Badge',
	'Benefit',
	'Building',
	'Certification',
	'Contract',
	'CostCenter',
	'Desk',
	'Division',
	'Floor',
	'Grade',
	'Locker',
	'Payroll',
	'Pension',
	'Project',
	'Region',
	'Shift',
	'Skill',
	'Team',
	'Union',
	'Vehicle',
];
const types: AttributeType[] = ['String', 'String', 'String', 'String', 'Integer', 'Boolean', 'DateTime', 'Binary'];
const fixedSourceNames = ['WorkerID', 'FirstName', 'LastName', 'Email', 'Department'];

const expressionTemplates: ((a: string, b: string) => string | null)[] = [
	(a) => `[${a}]`,
	(a) => `[${a}]`,
	(a) => `[${a}]`,
	(a) => `Trim([${a}])`,
	(a) => `Trim([${a}])`,
	(a, b) => `Join(" ", [${a}], [${b}])`,
	(a, b) => `IIF(IsPresent([${a}]), [${a}], [${b}])`,
	(a) => `Switch([${a}], "Unknown", "1", "One", "2", "Two", "3", "Three")`,
	(a) => `Replace([${a}], "-", , , "_", , )`,
	(a) => `Left(Trim([${a}]), 64)`,
	(a) => `ToUpper([${a}])`,
	() => null,
	(a, b) => `Coalesce([${a}], [${b}], "none")`,
	(a) => `IIF([${a}]="0", "False", "True")`,
	(a) => `FormatDateTime([${a}], , "yyyy-MM-dd", "yyyyMMddHHmmss.0Z")`,
];

function generatedAttributes(prefix: string, start: number, count: number, objectName: string, random: ReturnType<typeof createSeededRandom>): AttributeDefinition[] {
	const attributes: AttributeDefinition[] = [];
	for (let index = 0; index < count; index++) {
		const number = start + index;
		const name = `${prefix}${words[number % words.length]}${String(number).padStart(5, '0')}`;
		const isReference = random.chance(0.02);
		attributes.push(
			attribute(name, {
				type: isReference ? 'Reference' : random.pick(types),
				multivalued: random.chance(0.1),
				references: isReference ? [objectName] : undefined,
			}),
		);
	}
	return attributes;
}

/**
 * Generates the large schema. Definitions are split between the source `Worker` and the target `user`
 * object so that every mapping has its own target attribute.
 */
export function generateLargeSchema(
	counts: LargeSchemaCounts,
	identity: SchemaIdentity = {
		servicePrincipalId: '00000000-0000-4000-8000-00000000b16e',
		jobId: 'ContosoHRLarge.0b16e0b16e0b16e0b16e0b16e0b16e0b1.00000000-0000-4000-8000-00000000b16e',
		version: 'Date:2025-06-01T08:00:00.0000000Z, ActivityId:00000000-0000-4000-8000-00000000b16e',
	},
): SynchronizationSchema {
	const {attributeMappings: mappingCount, attributeDefinitions: definitionCount} = counts;
	if (!Number.isInteger(mappingCount) || mappingCount < 1) throw new RangeError('attributeMappings must be a positive integer');
	// Target needs the anchor plus one attribute per mapping; the source needs its fixed attributes.
	const minimumDefinitions = mappingCount + 1 + fixedSourceNames.length;
	if (!Number.isInteger(definitionCount) || definitionCount < minimumDefinitions) {
		throw new RangeError(`attributeDefinitions must be at least ${minimumDefinitions} for ${mappingCount} attribute mappings`);
	}
	const random = createSeededRandom(`large:${mappingCount}:${definitionCount}`);
	const targetCount = Math.max(mappingCount + 1, Math.min(Math.ceil(definitionCount / 2), definitionCount - fixedSourceNames.length));
	const sourceCount = definitionCount - targetCount;

	const sourceAttributes = [
		attribute('WorkerID', {anchor: true, required: true}),
		...fixedSourceNames.slice(1).map((name) => attribute(name)),
		...generatedAttributes('hr', 1, sourceCount - fixedSourceNames.length, 'Worker', random),
	];
	const targetAttributes = [
		attribute('objectGUID', {type: 'Binary', anchor: true}),
		...generatedAttributes('ext', 1, targetCount - 1, 'user', random),
	];
	const sourceNames = sourceAttributes.map((each) => each.name);

	const attributeMappings: AttributeMapping[] = [];
	for (let index = 0; index < mappingCount; index++) {
		const target = targetAttributes[index + 1] as AttributeDefinition;
		if (index === 0) {
			attributeMappings.push(mapping(target.name, '[WorkerID]', {matchingPriority: 1}));
			continue;
		}
		const template = random.pick(expressionTemplates);
		const expression = template(random.pick(sourceNames), random.pick(sourceNames));
		attributeMappings.push(
			mapping(target.name, expression, {
				defaultValue: expression === null ? 'Default' : null,
				flowType: random.chance(0.05) ? 'ObjectAddOnly' : 'Always',
			}),
		);
	}

	const rule = synchronizationRule({
		id: random.guid(),
		name: 'USER_INBOUND_USER',
		sourceDirectoryName: 'Contoso HR',
		targetDirectoryName: 'Active Directory',
		objectMappings: [
			objectMapping({
				name: 'Synchronize Contoso HR Workers to Active Directory Users',
				sourceObjectName: 'Worker',
				targetObjectName: 'user',
				flowTypes: 'Add, Update',
				attributeMappings,
			}),
		],
	});
	return schemaDocument(
		identity,
		[rule],
		[
			directory(random.guid(), 'Contoso HR', [objectDefinition('Worker', sourceAttributes)], {readOnly: true, discoverabilities: 'AttributeNames'}),
			directory(random.guid(), 'Active Directory', [objectDefinition('user', targetAttributes)]),
		],
	);
}
