/** JSON → schema: the shape check, with the JSON Pointer of the first value that is not what Graph sends. */
import {pointerOf} from './pointer.js';
import {SchemaFileError} from './schema-file.js';
import type {SynchronizationSchema} from './types.js';

// ---------------------------------------------------------------------------------------------
// Shape check

/**
 * Verify what the rest of the program relies on (arrays are arrays, names are strings) and say exactly where
 * it is wrong. Unknown properties are ignored. It walks 20 MB schemas, so it allocates nothing unless it fails.
 */
export function checkSchemaShape(value: unknown, origin: string): asserts value is SynchronizationSchema {
	const prefix = `${origin}: not a synchronization schema:`;
	const mistake = recognizeMistake(value);
	if (mistake) throw new SchemaFileError(`${origin}: ${mistake}`, {pointer: ''});
	const root = value as Record<string, unknown>;
	const problem = checkRules(root.synchronizationRules) ?? checkDirectories(root.directories);
	if (problem) throw new SchemaFileError(`${prefix} ${problem.message}`, {pointer: problem.pointer});
}

type ShapeProblem = {pointer: string; message: string};

function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return 'a string';
	if (typeof value === 'number') return 'a number';
	if (typeof value === 'boolean') return 'a boolean';
	return typeof value;
}

function wrongType(segments: (string | number)[], value: unknown, expected: string): ShapeProblem {
	const pointer = pointerOf(segments);
	const what = value === undefined ? 'is missing' : `is ${describeValue(value)}`;
	return {pointer, message: `${pointer} ${what}, expected ${expected}`};
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);
const isOptionalArray = (value: unknown) => value === undefined || value === null || Array.isArray(value);
const isOptionalString = (value: unknown) => value === undefined || value === null || typeof value === 'string';
const isOptionalObject = (value: unknown) => value === undefined || value === null || isObject(value);

function recognizeMistake(value: unknown): string | undefined {
	if (Array.isArray(value)) {
		const first = value[0];
		if (isObject(first) && typeof first.op === 'string' && typeof first.path === 'string') {
			return 'this is a JSON Patch (RFC 6902) document, not a synchronization schema; open the schema it applies to instead';
		}
		return `not a synchronization schema: the top level is an array (${value.length} items), expected an object`;
	}
	if (!isObject(value)) return `not a synchronization schema: the top level is ${describeValue(value)}, expected an object`;
	if ('synchronizationRules' in value || 'directories' in value) return undefined;

	const jobHint = 'export GET /servicePrincipals/{id}/synchronization/jobs/{jobId}/schema instead';
	if (isObject(value.error) && (typeof value.error.code === 'string' || typeof value.error.message === 'string')) {
		return `this is a Graph error response (${String(value.error.code)}: ${String(value.error.message)}), not a schema`;
	}
	if (Array.isArray(value.value)) {
		const items = value.value;
		const first: unknown = items[0];
		const count = `${items.length} item${items.length === 1 ? '' : 's'}`;
		if (isObject(first) && ('templateId' in first || 'schedule' in first)) {
			return `this is a list of synchronization jobs (${count}, from GET …/synchronization/jobs), not a schema; ${jobHint}`;
		}
		if (isObject(first) && ('synchronizationRules' in first || 'directories' in first)) {
			return `this is a Graph collection ({"value": [...]}) holding ${count}; save a single schema (one element of /value) on its own`;
		}
		if (isObject(first) && 'objects' in first && 'name' in first) {
			return `this is only the schema's directory list (GET …/schema/directories); ${jobHint}`;
		}
		if (isObject(first) && ('appId' in first || 'servicePrincipalType' in first)) {
			return `this is a list of service principals (${count}), not a schema; ${jobHint}`;
		}
		return `this is a Graph collection response ({"value": [...]}, ${count}), not a single synchronization schema; ${jobHint}`;
	}
	if (isObject(value.schema) && ('synchronizationRules' in value.schema || 'directories' in value.schema)) {
		const what = 'factoryTag' in value ? 'a synchronization template' : 'templateId' in value ? 'a synchronization job' : 'an object';
		return `this is ${what} with the schema nested under /schema; save the schema on its own`;
	}
	if ('templateId' in value && ('schedule' in value || 'status' in value)) {
		return `this is a synchronization job, not its schema; ${jobHint}`;
	}
	return 'not a synchronization schema: no "synchronizationRules" or "directories" property (is this a job list or a whole Graph response?)';
}

/** Deeper than any real parameter tree; stops a hostile file from overflowing the stack. */
const maxSourceDepth = 500;

function checkRules(rules: unknown): ShapeProblem | undefined {
	if (!isOptionalArray(rules)) return wrongType(['synchronizationRules'], rules, 'an array');
	if (!rules) return undefined;
	for (let r = 0; r < rules.length; r++) {
		const rule: unknown = rules[r];
		const at = (...rest: (string | number)[]) => ['synchronizationRules', r, ...rest];
		if (!isObject(rule)) return wrongType(at(), rule, 'an object');
		for (const key of ['name', 'sourceDirectoryName', 'targetDirectoryName'] as const) {
			if (!isOptionalString(rule[key])) return wrongType(at(key), rule[key], 'a string');
		}
		if (!isOptionalArray(rule.metadata)) return wrongType(at('metadata'), rule.metadata, 'an array');
		const mappings = rule.objectMappings;
		if (!isOptionalArray(mappings)) return wrongType(at('objectMappings'), mappings, 'an array');
		if (!mappings) continue;
		for (let m = 0; m < mappings.length; m++) {
			const problem = checkObjectMapping(mappings[m], ['synchronizationRules', r, 'objectMappings', m]);
			if (problem) return problem;
		}
	}
	return undefined;
}

function checkObjectMapping(mapping: unknown, at: (string | number)[]): ShapeProblem | undefined {
	if (!isObject(mapping)) return wrongType(at, mapping, 'an object');
	for (const key of ['name', 'sourceObjectName', 'targetObjectName', 'flowTypes'] as const) {
		if (!isOptionalString(mapping[key])) return wrongType([...at, key], mapping[key], 'a string');
	}
	if (!isOptionalArray(mapping.metadata)) return wrongType([...at, 'metadata'], mapping.metadata, 'an array');
	const scopeProblem = checkScope(mapping.scope, [...at, 'scope']);
	if (scopeProblem) return scopeProblem;
	const attributeMappings = mapping.attributeMappings;
	if (!isOptionalArray(attributeMappings)) return wrongType([...at, 'attributeMappings'], attributeMappings, 'an array');
	if (!attributeMappings) return undefined;
	for (let a = 0; a < attributeMappings.length; a++) {
		const attributeMapping: unknown = attributeMappings[a];
		if (!isObject(attributeMapping) || typeof attributeMapping.targetAttributeName !== 'string') {
			const path = [...at, 'attributeMappings', a];
			return isObject(attributeMapping)
				? wrongType([...path, 'targetAttributeName'], attributeMapping.targetAttributeName, 'a string')
				: wrongType(path, attributeMapping, 'an object');
		}
		if (!isOptionalString(attributeMapping.defaultValue)) {
			return wrongType([...at, 'attributeMappings', a, 'defaultValue'], attributeMapping.defaultValue, 'a string');
		}
		const source = attributeMapping.source;
		if (source !== undefined && source !== null) {
			at.push('attributeMappings', a, 'source');
			const problem = checkSource(source, at, 0);
			at.length -= 3;
			if (problem) return problem;
		}
	}
	return undefined;
}

/** `path` is shared and restored on return, so the walk allocates only when it reports a problem. */
function checkSource(source: unknown, path: (string | number)[], depth: number): ShapeProblem | undefined {
	if (!isObject(source)) return wrongType(path, source, 'an object');
	if (depth > maxSourceDepth) return {pointer: pointerOf(path), message: `${pointerOf(path)} is nested too deeply`};
	for (const key of ['type', 'name', 'expression'] as const) {
		if (!isOptionalString(source[key])) return wrongType([...path, key], source[key], 'a string');
	}
	const parameters = source.parameters;
	if (!isOptionalArray(parameters)) return wrongType([...path, 'parameters'], parameters, 'an array');
	if (!parameters) return undefined;
	for (let p = 0; p < parameters.length; p++) {
		const parameter: unknown = parameters[p];
		if (!isObject(parameter)) return wrongType([...path, 'parameters', p], parameter, 'an object');
		if (parameter.value === null || parameter.value === undefined) continue;
		path.push('parameters', p, 'value');
		const problem = checkSource(parameter.value, path, depth + 1);
		path.length -= 3;
		if (problem) return problem;
	}
	return undefined;
}

function checkScope(scope: unknown, at: (string | number)[]): ShapeProblem | undefined {
	if (!isOptionalObject(scope)) return wrongType(at, scope, 'an object');
	if (!scope) return undefined;
	for (const key of ['categoryFilterGroups', 'groups', 'inputFilterGroups'] as const) {
		const groups = (scope as Record<string, unknown>)[key];
		if (!isOptionalArray(groups)) return wrongType([...at, key], groups, 'an array');
		if (!groups) continue;
		for (let g = 0; g < groups.length; g++) {
			const group: unknown = groups[g];
			if (!isObject(group)) return wrongType([...at, key, g], group, 'an object');
			if (!isOptionalArray(group.clauses)) return wrongType([...at, key, g, 'clauses'], group.clauses, 'an array');
			const clauses = group.clauses ?? [];
			for (let c = 0; c < clauses.length; c++) {
				if (!isObject(clauses[c])) return wrongType([...at, key, g, 'clauses', c], clauses[c], 'an object');
			}
		}
	}
	return undefined;
}

function checkDirectories(directories: unknown): ShapeProblem | undefined {
	if (!isOptionalArray(directories)) return wrongType(['directories'], directories, 'an array');
	if (!directories) return undefined;
	for (let d = 0; d < directories.length; d++) {
		const directory: unknown = directories[d];
		if (!isObject(directory)) return wrongType(['directories', d], directory, 'an object');
		if (typeof directory.name !== 'string') return wrongType(['directories', d, 'name'], directory.name, 'a string');
		const objects = directory.objects;
		if (!isOptionalArray(objects)) return wrongType(['directories', d, 'objects'], objects, 'an array');
		if (!objects) continue;
		for (let o = 0; o < objects.length; o++) {
			const object: unknown = objects[o];
			if (!isObject(object)) return wrongType(['directories', d, 'objects', o], object, 'an object');
			if (typeof object.name !== 'string') return wrongType(['directories', d, 'objects', o, 'name'], object.name, 'a string');
			if (!isOptionalArray(object.metadata)) {
				return wrongType(['directories', d, 'objects', o, 'metadata'], object.metadata, 'an array');
			}
			const attributes = object.attributes;
			if (!isOptionalArray(attributes)) return wrongType(['directories', d, 'objects', o, 'attributes'], attributes, 'an array');
			if (!attributes) continue;
			for (let a = 0; a < attributes.length; a++) {
				const attribute: unknown = attributes[a];
				if (!isObject(attribute)) return wrongType(['directories', d, 'objects', o, 'attributes', a], attribute, 'an object');
				if (typeof attribute.name !== 'string') {
					return wrongType(['directories', d, 'objects', o, 'attributes', a, 'name'], attribute.name, 'a string');
				}
				if (!isOptionalArray(attribute.referencedObjects)) {
					const path = ['directories', d, 'objects', o, 'attributes', a, 'referencedObjects'];
					return wrongType(path, attribute.referencedObjects, 'an array');
				}
			}
		}
	}
	return undefined;
}

