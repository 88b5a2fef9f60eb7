import {sourceAttributeNames, sourceSummary} from './expression.js';
import {parsePointer} from './pointer.js';
import type {
	AttributeDefinition,
	AttributeMapping,
	DirectoryDefinition,
	ObjectDefinition,
	ObjectMapping,
	SynchronizationRule,
	SynchronizationSchema,
} from './types.js';

export {escapePointerSegment, parsePointer, pointerOf, resolvePointer} from './pointer.js';

/**
 * A lazy navigation index over a schema: rules → object mappings → attribute mappings, and
 * directories → objects → attribute definitions. Nodes wrap the model objects (never copies), are created the
 * first time a level is read, and compute their JSON Pointer from array positions on demand, so building the
 * index costs next to nothing even for 20 MB schemas.
 *
 * The index is a view of the schema as it was when first read: after changing the schema's arrays, build a new
 * index (cheap) instead of reusing old nodes.
 */
export function buildSchemaIndex(schema: SynchronizationSchema): SchemaIndex {
	return new SchemaIndex(schema);
}

export type SchemaNode =
	| SchemaIndex
	| RuleNode
	| ObjectMappingNode
	| AttributeMappingNode
	| DirectoryNode
	| ObjectDefinitionNode
	| AttributeDefinitionNode;

export type AttributeUsages = {
	/** Attribute mappings that write this attribute (targetAttributeName in a mapping to this object). */
	asTarget: readonly AttributeMappingNode[];
	/** Attribute mappings whose source reads this attribute (mapping from this object). */
	asSource: readonly AttributeMappingNode[];
};

const unnamed = '(unnamed)';

function nonEmpty(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Nodes for the object elements of a possibly null or missing array; positions stay the real indices. */
function nodesOf<TModel, TNode>(array: unknown, create: (model: TModel, position: number) => TNode): TNode[] {
	if (!Array.isArray(array)) return [];
	const nodes: TNode[] = [];
	for (let i = 0; i < array.length; i++) {
		const element: unknown = array[i];
		if (typeof element === 'object' && element !== null) nodes.push(create(element as TModel, i));
	}
	return nodes;
}

/** First node per name wins, as a duplicate name is itself a schema error reported elsewhere. */
function byName<TNode>(nodes: readonly TNode[], nameOf: (node: TNode) => unknown): Map<string, TNode> {
	const map = new Map<string, TNode>();
	for (const node of nodes) {
		const name = nameOf(node);
		if (typeof name === 'string' && !map.has(name)) map.set(name, node);
	}
	return map;
}

export class SchemaIndex {
	readonly kind = 'schema' as const;
	readonly parent = undefined;
	readonly pointer = '';
	private ruleNodes?: RuleNode[];
	private directoryNodes?: DirectoryNode[];
	private directoriesByName?: Map<string, DirectoryNode>;
	private usageIndex?: Map<string, {asTarget: AttributeMappingNode[]; asSource: AttributeMappingNode[]}>;

	constructor(readonly model: SynchronizationSchema) {}

	get label(): string {
		return nonEmpty(this.model.id) ?? 'schema';
	}

	get rules(): readonly RuleNode[] {
		this.ruleNodes ??= nodesOf(this.model.synchronizationRules, (rule: SynchronizationRule, i) => new RuleNode(rule, this, i));
		return this.ruleNodes;
	}

	get directories(): readonly DirectoryNode[] {
		this.directoryNodes ??= nodesOf(
			this.model.directories,
			(directory: DirectoryDefinition, i) => new DirectoryNode(directory, this, i),
		);
		return this.directoryNodes;
	}

	get children(): readonly SchemaNode[] {
		return [...this.rules, ...this.directories];
	}

	/** Exact, case-sensitive match ("Azure Active Directory" and "Microsoft Entra ID" are different names). */
	directory(name: string | null | undefined): DirectoryNode | undefined {
		if (typeof name !== 'string') return undefined;
		this.directoriesByName ??= byName(this.directories, (node) => node.model.name);
		return this.directoriesByName.get(name);
	}

	/** Every attribute mapping in every rule, in document order. */
	*attributeMappings(): Generator<AttributeMappingNode> {
		for (const rule of this.rules) {
			for (const objectMapping of rule.objectMappings) yield* objectMapping.attributeMappings;
		}
	}

	/** The node a pointer designates exactly, or undefined. */
	nodeAt(pointer: string): SchemaNode | undefined {
		const found = this.closestNodeAt(pointer);
		return found && found.rest.length === 0 ? found.node : undefined;
	}

	/**
	 * The deepest node containing the pointer's target, and the remaining segments below it; e.g.
	 * `/synchronizationRules/0/objectMappings/0/attributeMappings/3/source/expression` → that attribute mapping and
	 * ['source', 'expression']. Undefined for malformed pointers.
	 */
	closestNodeAt(pointer: string): {node: SchemaNode; rest: string[]} | undefined {
		const segments = parsePointer(pointer);
		if (!segments) return undefined;
		let node: SchemaNode = this;
		let consumed = 0;
		while (consumed + 1 < segments.length) {
			const next = childAt(node, segments[consumed]!, segments[consumed + 1]!);
			if (!next) break;
			node = next;
			consumed += 2;
		}
		return {node, rest: segments.slice(consumed)};
	}

	/** Built on first use for the whole schema; each later query is a map lookup. */
	usagesOf(attribute: AttributeDefinitionNode): AttributeUsages {
		if (!this.usageIndex) this.usageIndex = this.buildUsageIndex();
		const object = attribute.parent;
		const key = usageKey(object.parent.model.name, object.model.name, attribute.model.name);
		return this.usageIndex.get(key) ?? {asTarget: [], asSource: []};
	}

	private buildUsageIndex() {
		const index = new Map<string, {asTarget: AttributeMappingNode[]; asSource: AttributeMappingNode[]}>();
		const entry = (key: string) => {
			let usages = index.get(key);
			if (!usages) {
				usages = {asTarget: [], asSource: []};
				index.set(key, usages);
			}
			return usages;
		};
		for (const rule of this.rules) {
			const {sourceDirectoryName, targetDirectoryName} = rule.model;
			for (const objectMapping of rule.objectMappings) {
				const {sourceObjectName, targetObjectName} = objectMapping.model;
				for (const mapping of objectMapping.attributeMappings) {
					entry(usageKey(targetDirectoryName, targetObjectName, mapping.model.targetAttributeName)).asTarget.push(mapping);
					for (const name of mapping.sourceAttributeNames) {
						entry(usageKey(sourceDirectoryName, sourceObjectName, name)).asSource.push(mapping);
					}
				}
			}
		}
		return index;
	}
}

function usageKey(directory: unknown, object: unknown, attribute: unknown): string {
	return `${String(directory)}\u0000${String(object)}\u0000${String(attribute)}`;
}

function childAt(node: SchemaNode, property: string, indexSegment: string): SchemaNode | undefined {
	if (!/^(?:0|[1-9]\d*)$/.test(indexSegment)) return undefined;
	const position = Number(indexSegment);
	let candidates: readonly (SchemaNode & {position: number})[] | undefined;
	if (node.kind === 'schema') {
		if (property === 'synchronizationRules') candidates = node.rules;
		else if (property === 'directories') candidates = node.directories;
	} else if (node.kind === 'rule' && property === 'objectMappings') {
		candidates = node.objectMappings;
	} else if (node.kind === 'objectMapping' && property === 'attributeMappings') {
		candidates = node.attributeMappings;
	} else if (node.kind === 'directory' && property === 'objects') {
		candidates = node.objects;
	} else if (node.kind === 'objectDefinition' && property === 'attributes') {
		candidates = node.attributes;
	}
	if (!candidates) return undefined;
	// Positions equal array indices unless non-object elements were skipped.
	const direct = candidates[position];
	if (direct?.position === position) return direct;
	return candidates.find((candidate) => candidate.position === position);
}

function compareDocumentOrder(a: AttributeMappingNode, b: AttributeMappingNode): number {
	return (
		a.parent.parent.position - b.parent.parent.position || a.parent.position - b.parent.position || a.position - b.position
	);
}

export class RuleNode {
	readonly kind = 'rule' as const;
	private objectMappingNodes?: ObjectMappingNode[];

	constructor(
		readonly model: SynchronizationRule,
		readonly parent: SchemaIndex,
		/** Index in the schema's synchronizationRules array. */
		readonly position: number,
	) {}

	get pointer(): string {
		return `/synchronizationRules/${this.position}`;
	}

	/** The wrapped rule (same object as `model`). */
	get rule(): SynchronizationRule {
		return this.model;
	}

	get label(): string {
		return nonEmpty(this.model.name) ?? nonEmpty(this.model.id) ?? unnamed;
	}

	get objectMappings(): readonly ObjectMappingNode[] {
		this.objectMappingNodes ??= nodesOf(
			this.model.objectMappings,
			(mapping: ObjectMapping, i) => new ObjectMappingNode(mapping, this, i),
		);
		return this.objectMappingNodes;
	}

	get children(): readonly SchemaNode[] {
		return this.objectMappings;
	}

	get sourceDirectory(): DirectoryNode | undefined {
		return this.parent.directory(this.model.sourceDirectoryName);
	}

	get targetDirectory(): DirectoryNode | undefined {
		return this.parent.directory(this.model.targetDirectoryName);
	}
}

export class ObjectMappingNode {
	readonly kind = 'objectMapping' as const;
	private attributeMappingNodes?: AttributeMappingNode[];

	constructor(
		readonly model: ObjectMapping,
		readonly parent: RuleNode,
		readonly position: number,
	) {}

	get pointer(): string {
		return `${this.parent.pointer}/objectMappings/${this.position}`;
	}

	/** The wrapped object mapping (same object as `model`). */
	get mapping(): ObjectMapping {
		return this.model;
	}

	/** The rule this mapping belongs to (same as `parent`). */
	get rule(): RuleNode {
		return this.parent;
	}

	/** The mapping's name, or `source → target` when it has none (`name: null` and `sourceObjectName: ""` are legal). */
	get label(): string {
		const name = nonEmpty(this.model.name);
		if (name) return name;
		return `${nonEmpty(this.model.sourceObjectName) ?? unnamed} → ${nonEmpty(this.model.targetObjectName) ?? unnamed}`;
	}

	get attributeMappings(): readonly AttributeMappingNode[] {
		this.attributeMappingNodes ??= nodesOf(
			this.model.attributeMappings,
			(mapping: AttributeMapping, i) => new AttributeMappingNode(mapping, this, i),
		);
		return this.attributeMappingNodes;
	}

	get children(): readonly SchemaNode[] {
		return this.attributeMappings;
	}

	/** Resolved via the rule's sourceDirectoryName and this sourceObjectName; undefined when either is missing. */
	get sourceObject(): ObjectDefinitionNode | undefined {
		return this.parent.sourceDirectory?.object(this.model.sourceObjectName);
	}

	get targetObject(): ObjectDefinitionNode | undefined {
		return this.parent.targetDirectory?.object(this.model.targetObjectName);
	}
}

export class AttributeMappingNode {
	readonly kind = 'attributeMapping' as const;
	private cachedSourceNames?: string[];

	constructor(
		readonly model: AttributeMapping,
		readonly parent: ObjectMappingNode,
		readonly position: number,
	) {}

	get pointer(): string {
		return `${this.parent.pointer}/attributeMappings/${this.position}`;
	}

	/** The wrapped attribute mapping (same object as `model`). */
	get mapping(): AttributeMapping {
		return this.model;
	}

	get label(): string {
		return nonEmpty(this.model.targetAttributeName) ?? unnamed;
	}

	/** `[mail]`, `"True"`, `Trim([cn])`, `(none)`: the source as shown in list rows. */
	summary(maxLength?: number): string {
		return sourceSummary(this.model, maxLength);
	}

	get children(): readonly SchemaNode[] {
		return [];
	}

	/** The target object's attribute this mapping writes, if it exists. */
	get targetAttribute(): AttributeDefinitionNode | undefined {
		return this.parent.targetObject?.attribute(this.model.targetAttributeName);
	}

	/** Names of the source attributes the mapping reads, whether or not they exist in the source object. */
	get sourceAttributeNames(): readonly string[] {
		this.cachedSourceNames ??= sourceAttributeNames(this.model.source);
		return this.cachedSourceNames;
	}

	/** Each source attribute name with its definition in the source object (undefined when it does not exist). */
	get sourceAttributes(): {name: string; definition: AttributeDefinitionNode | undefined}[] {
		const sourceObject = this.parent.sourceObject;
		return this.sourceAttributeNames.map((name) => ({name, definition: sourceObject?.attribute(name)}));
	}
}

export class DirectoryNode {
	readonly kind = 'directory' as const;
	private objectNodes?: ObjectDefinitionNode[];
	private objectsByName?: Map<string, ObjectDefinitionNode>;

	constructor(
		readonly model: DirectoryDefinition,
		readonly parent: SchemaIndex,
		readonly position: number,
	) {}

	get pointer(): string {
		return `/directories/${this.position}`;
	}

	/** The wrapped directory definition (same object as `model`). */
	get directory(): DirectoryDefinition {
		return this.model;
	}

	get label(): string {
		return nonEmpty(this.model.name) ?? unnamed;
	}

	get objects(): readonly ObjectDefinitionNode[] {
		this.objectNodes ??= nodesOf(this.model.objects, (object: ObjectDefinition, i) => new ObjectDefinitionNode(object, this, i));
		return this.objectNodes;
	}

	get children(): readonly SchemaNode[] {
		return this.objects;
	}

	/** Exact, case-sensitive match (AD has `user`, Entra has `User`). */
	object(name: string | null | undefined): ObjectDefinitionNode | undefined {
		if (typeof name !== 'string') return undefined;
		this.objectsByName ??= byName(this.objects, (node) => node.model.name);
		return this.objectsByName.get(name);
	}
}

export class ObjectDefinitionNode {
	readonly kind = 'objectDefinition' as const;
	private attributeNodes?: AttributeDefinitionNode[];
	private attributesByName?: Map<string, AttributeDefinitionNode>;

	constructor(
		readonly model: ObjectDefinition,
		readonly parent: DirectoryNode,
		readonly position: number,
	) {}

	get pointer(): string {
		return `${this.parent.pointer}/objects/${this.position}`;
	}

	/** The wrapped object definition (same object as `model`). */
	get object(): ObjectDefinition {
		return this.model;
	}

	get label(): string {
		return nonEmpty(this.model.name) ?? unnamed;
	}

	get attributes(): readonly AttributeDefinitionNode[] {
		this.attributeNodes ??= nodesOf(
			this.model.attributes,
			(attribute: AttributeDefinition, i) => new AttributeDefinitionNode(attribute, this, i),
		);
		return this.attributeNodes;
	}

	get children(): readonly SchemaNode[] {
		return this.attributes;
	}

	/** Exact, case-sensitive match. */
	attribute(name: string | null | undefined): AttributeDefinitionNode | undefined {
		if (typeof name !== 'string') return undefined;
		this.attributesByName ??= byName(this.attributes, (node) => node.model.name);
		return this.attributesByName.get(name);
	}
}

export class AttributeDefinitionNode {
	readonly kind = 'attributeDefinition' as const;

	constructor(
		readonly model: AttributeDefinition,
		readonly parent: ObjectDefinitionNode,
		readonly position: number,
	) {}

	get pointer(): string {
		return `${this.parent.pointer}/attributes/${this.position}`;
	}

	/** The wrapped attribute definition (same object as `model`). */
	get attribute(): AttributeDefinition {
		return this.model;
	}

	get label(): string {
		return nonEmpty(this.model.name) ?? unnamed;
	}

	get children(): readonly SchemaNode[] {
		return [];
	}

	/** Which attribute mappings write or read this attribute; the first call indexes the whole schema. */
	get usages(): AttributeUsages {
		return this.parent.parent.parent.usagesOf(this);
	}

	/** Every attribute mapping that writes or reads this attribute, once each, in document order. */
	usedBy(): AttributeMappingNode[] {
		const {asTarget, asSource} = this.usages;
		if (asSource.length === 0) return [...asTarget];
		return [...new Set([...asTarget, ...asSource])].sort(compareDocumentOrder);
	}
}
