/**
 * What the service checks when a schema is PUT (research graph-sync-api.md §3): enum spellings are
 * case-sensitive (a wrong-case value is answered with 406, like the Java SDK's `flowWhenChanged`),
 * a target attribute may be mapped only once per object mapping and must exist in the target object,
 * and rules must name directories of the schema.
 */

import {
	attributeTypes,
	discoverabilityFlags,
	flowBehaviors,
	flowTypes,
	mutabilities,
	objectFlowTypeFlags,
	sourceTypes,
} from '../schema/types.js';

export type SchemaValidationFailure = {status: 400 | 406; code: string; message: string};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const objectsIn = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);

class Failure extends Error {
	constructor(readonly failure: SchemaValidationFailure) {
		super(failure.message);
	}
}

function badRequest(message: string): never {
	throw new Failure({status: 400, code: 'BadRequest', message});
}

/** An enum value must match one member exactly; the same letters in another case earn a 406. */
function checkEnum(value: unknown, members: readonly string[], where: string): void {
	if (value === undefined || value === null) return;
	if (typeof value !== 'string') badRequest(`Invalid value for ${where}: expected a string.`);
	if (members.includes(value)) return;
	if (members.some((member) => member.toLowerCase() === value.toLowerCase())) {
		throw new Failure({status: 406, code: 'UnknownError', message: `Requested value '${value}' was not found.`});
	}
	badRequest(`Invalid value '${value}' for ${where}. Allowed values: ${members.join(', ')}.`);
}

/** Flags enums are comma-separated strings such as "Add, Update, Delete". */
function checkFlags(value: unknown, members: readonly string[], where: string): void {
	if (value === undefined || value === null) return;
	if (typeof value !== 'string') badRequest(`Invalid value for ${where}: expected a string.`);
	for (const part of value.split(',')) checkEnum(part.trim(), members, where);
}

function checkSource(source: unknown, where: string): void {
	if (!isObject(source)) return;
	checkEnum(source.type, sourceTypes, `${where}.type`);
	for (const parameter of objectsIn(source.parameters)) checkSource(parameter.value, where);
}

export function validateSchemaDocument(document: unknown): SchemaValidationFailure | undefined {
	try {
		check(document);
		return undefined;
	} catch (error) {
		if (error instanceof Failure) return error.failure;
		throw error;
	}
}

function check(document: unknown): void {
	if (!isObject(document)) badRequest('The request body must be a synchronizationSchema JSON object.');
	const directories = Array.isArray(document.directories) ? objectsIn(document.directories) : undefined;
	for (const directory of directories ?? []) {
		checkFlags(directory.discoverabilities, discoverabilityFlags, 'directoryDefinition.discoverabilities');
		for (const object of objectsIn(directory.objects)) {
			for (const attribute of objectsIn(object.attributes)) {
				checkEnum(attribute.type, attributeTypes, 'attributeDefinition.type');
				checkEnum(attribute.mutability, mutabilities, 'attributeDefinition.mutability');
			}
		}
	}
	for (const rule of objectsIn(document.synchronizationRules)) {
		for (const objectMapping of objectsIn(rule.objectMappings)) {
			checkFlags(objectMapping.flowTypes, objectFlowTypeFlags, 'objectMapping.flowTypes');
			for (const attributeMapping of objectsIn(objectMapping.attributeMappings)) {
				checkEnum(attributeMapping.flowBehavior, flowBehaviors, 'attributeMapping.flowBehavior');
				checkEnum(attributeMapping.flowType, flowTypes, 'attributeMapping.flowType');
				checkSource(attributeMapping.source, 'attributeMapping.source');
			}
		}
	}
	if (!directories) return;
	const directoryNames = directories.map((each) => each.name);
	for (const rule of objectsIn(document.synchronizationRules)) {
		for (const key of ['sourceDirectoryName', 'targetDirectoryName'] as const) {
			const name = rule[key];
			if (name !== undefined && !directoryNames.includes(name)) {
				badRequest(`Synchronization rule '${String(rule.name ?? rule.id)}': ${key} '${String(name)}' does not match any directory of the schema (${directoryNames.map(String).join(', ')}).`);
			}
		}
		const targetDirectory = directories.find((each) => each.name === rule.targetDirectoryName);
		for (const objectMapping of objectsIn(rule.objectMappings)) checkTargets(objectMapping, targetDirectory);
	}
}

function checkTargets(objectMapping: Json, targetDirectory: Json | undefined): void {
	const mappingName = String(objectMapping.name ?? objectMapping.targetObjectName ?? '');
	const seen = new Set<string>();
	const targetObject = objectsIn(targetDirectory?.objects).find((each) => each.name === objectMapping.targetObjectName);
	const targetAttributes = targetObject ? new Set(objectsIn(targetObject.attributes).map((each) => each.name)) : undefined;
	for (const attributeMapping of objectsIn(objectMapping.attributeMappings)) {
		const target = attributeMapping.targetAttributeName;
		if (typeof target !== 'string' || target === '') badRequest(`Object mapping '${mappingName}': every attribute mapping needs a targetAttributeName.`);
		if (seen.has(target)) {
			badRequest(`Object mapping '${mappingName}': an attribute can only be mapped as a target once, but '${target}' is mapped more than once.`);
		}
		seen.add(target);
		if (targetAttributes && !targetAttributes.has(target)) {
			badRequest(`Object mapping '${mappingName}': the target attribute '${target}' does not exist in object '${String(objectMapping.targetObjectName)}'. The attribute must exist in the schema before it can be mapped.`);
		}
	}
}
