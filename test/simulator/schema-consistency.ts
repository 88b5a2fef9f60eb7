/**
 * Test helper: lists everything internally inconsistent in a synchronization schema — names that don't
 * resolve, wrong enum spellings, duplicate targets, missing anchors, parse trees that don't match
 * their expression text. An empty list means consistent.
 */

import {filterOperators} from '../../source/expressions/filter-operators.js';
import {parseExpressionText, toMappingSource} from '../../source/expressions/parser.js';
import {
	type AttributeMappingSource,
	attributeTypes,
	discoverabilityFlags,
	flowBehaviors,
	flowTypes,
	mutabilities,
	type ObjectDefinition,
	objectFlowTypeFlags,
	type SynchronizationSchema,
	sourceTypes,
} from '../../source/schema/types.js';

export type ConsistencyOptions = {
	/** The real cloud-sync export has two anchors per object although the docs say exactly one. */
	allowMultipleAnchors?: boolean;
	/** Re-parse every expression and require the stored tree to equal the parser's (generated schemas). */
	verifyParseTrees?: boolean;
};

const operatorsByName = new Map(filterOperators.map((each) => [each.name, each]));

function checkEnum(problems: string[], value: unknown, members: readonly string[], where: string): void {
	if (value === undefined || value === null) return;
	if (typeof value !== 'string' || !members.includes(value)) problems.push(`${where}: '${String(value)}' is not one of ${members.join(', ')}`);
}

function checkFlags(problems: string[], value: unknown, members: readonly string[], where: string): void {
	if (value === undefined || value === null) return;
	if (typeof value !== 'string') {
		problems.push(`${where}: not a string`);
		return;
	}
	for (const part of value.split(',')) checkEnum(problems, part.trim(), members, where);
}

function attributeNames(object: ObjectDefinition | undefined): Set<string> {
	return new Set((object?.attributes ?? []).map((each) => each.name));
}

export function findSchemaProblems(schema: SynchronizationSchema, options: ConsistencyOptions = {}): string[] {
	const problems: string[] = [];
	const directories = schema.directories ?? [];
	const directoryNames = new Set<string>();
	for (const directory of directories) {
		if (directoryNames.has(directory.name)) problems.push(`directory '${directory.name}' appears twice`);
		directoryNames.add(directory.name);
		checkFlags(problems, directory.discoverabilities, discoverabilityFlags, `directory '${directory.name}'.discoverabilities`);
		const objects = directory.objects ?? [];
		const objectNames = new Set(objects.map((each) => each.name));
		if (objectNames.size !== objects.length) problems.push(`directory '${directory.name}' has duplicate object names`);
		for (const object of objects) {
			const where = `${directory.name}/${object.name}`;
			const attributes = object.attributes ?? [];
			if (attributeNames(object).size !== attributes.length) problems.push(`${where} has duplicate attribute names`);
			const anchors = attributes.filter((each) => each.anchor).length;
			if (anchors === 0 || (anchors > 1 && !options.allowMultipleAnchors)) problems.push(`${where} has ${anchors} anchor attributes`);
			for (const attribute of attributes) {
				checkEnum(problems, attribute.type, attributeTypes, `${where}.${attribute.name}.type`);
				checkEnum(problems, attribute.mutability, mutabilities, `${where}.${attribute.name}.mutability`);
				for (const reference of attribute.referencedObjects ?? []) {
					if (!objectNames.has(reference.referencedObjectName)) {
						problems.push(`${where}.${attribute.name} references unknown object '${reference.referencedObjectName}'`);
					}
				}
				if ((attribute.referencedObjects?.length ?? 0) > 0 && attribute.type !== 'Reference') problems.push(`${where}.${attribute.name} has referencedObjects but is not a Reference`);
			}
		}
	}

	for (const rule of schema.synchronizationRules ?? []) {
		const source = directories.find((each) => each.name === rule.sourceDirectoryName);
		const target = directories.find((each) => each.name === rule.targetDirectoryName);
		if (!source) problems.push(`rule '${rule.name}': source directory '${rule.sourceDirectoryName}' does not exist`);
		if (!target) problems.push(`rule '${rule.name}': target directory '${rule.targetDirectoryName}' does not exist`);
		for (const objectMapping of rule.objectMappings ?? []) {
			const where = `rule '${rule.name}' / mapping '${objectMapping.name}'`;
			checkFlags(problems, objectMapping.flowTypes, objectFlowTypeFlags, `${where}.flowTypes`);
			const sourceObject = source?.objects?.find((each) => each.name === objectMapping.sourceObjectName);
			const targetObject = target?.objects?.find((each) => each.name === objectMapping.targetObjectName);
			const mappings = objectMapping.attributeMappings ?? [];
			if (objectMapping.enabled !== false && !sourceObject) problems.push(`${where}: source object '${objectMapping.sourceObjectName}' does not exist`);
			if (!targetObject) problems.push(`${where}: target object '${objectMapping.targetObjectName}' does not exist`);
			if (objectMapping.enabled !== false && !mappings.some((each) => (each.matchingPriority ?? 0) > 0)) problems.push(`${where}: no matching attribute`);
			const sourceAttributes = attributeNames(sourceObject);
			const targetAttributes = attributeNames(targetObject);
			const seenTargets = new Set<string>();
			for (const mapping of mappings) {
				const at = `${where} → ${mapping.targetAttributeName}`;
				if (seenTargets.has(mapping.targetAttributeName)) problems.push(`${at}: target mapped twice`);
				seenTargets.add(mapping.targetAttributeName);
				if (targetObject && !targetAttributes.has(mapping.targetAttributeName)) problems.push(`${at}: target attribute does not exist`);
				checkEnum(problems, mapping.flowBehavior, flowBehaviors, `${at}.flowBehavior`);
				checkEnum(problems, mapping.flowType, flowTypes, `${at}.flowType`);
				if (mapping.source) checkSource(problems, mapping.source, sourceAttributes, at, options);
			}
			const scope = objectMapping.scope;
			for (const group of [...(scope?.groups ?? []), ...(scope?.inputFilterGroups ?? []), ...(scope?.categoryFilterGroups ?? [])]) {
				for (const clause of group.clauses ?? []) {
					const operator = operatorsByName.get(clause.operatorName);
					if (!operator) problems.push(`${where}: unknown filter operator '${clause.operatorName}'`);
					else if (operator.arity === 'Unary' && clause.targetOperand) problems.push(`${where}: unary '${clause.operatorName}' has a target operand`);
					else if (operator.arity === 'Binary' && !clause.targetOperand?.values?.length) problems.push(`${where}: binary '${clause.operatorName}' has no value`);
					if (sourceObject && !sourceAttributes.has(clause.sourceOperandName)) problems.push(`${where}: filter on unknown attribute '${clause.sourceOperandName}'`);
				}
			}
		}
	}
	return problems;
}

function checkSource(problems: string[], source: AttributeMappingSource, sourceAttributes: Set<string>, where: string, options: ConsistencyOptions): void {
	const walk = (node: AttributeMappingSource) => {
		checkEnum(problems, node.type, sourceTypes, `${where}.source.type`);
		if (node.type === 'Attribute' && !sourceAttributes.has(node.name ?? '')) problems.push(`${where}: source attribute [${node.name}] does not exist`);
		for (const parameter of node.parameters ?? []) walk(parameter.value);
	};
	walk(source);
	if (options.verifyParseTrees && typeof source.expression === 'string') {
		const outcome = parseExpressionText(source.expression);
		if (!outcome.ok) problems.push(`${where}: expression does not parse: ${outcome.error.message}`);
		else if (JSON.stringify(toMappingSource(outcome.node)) !== JSON.stringify(source)) problems.push(`${where}: stored tree differs from the parsed expression`);
	}
}
