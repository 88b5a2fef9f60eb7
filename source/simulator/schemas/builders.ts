/**
 * Building blocks for the generated demo schemas. Property order follows what the service returns
 * (see the cloud-sync fixture) so generated documents look like real exports.
 */

import type {
	AttributeDefinition,
	AttributeFlowBehavior,
	AttributeFlowType,
	AttributeMapping,
	AttributeType,
	DirectoryDefinition,
	Filter,
	KeyValue,
	ObjectDefinition,
	ObjectMapping,
	SynchronizationRule,
	SynchronizationSchema,
} from '../../schema/types.js';
import {expressionToMappingSource} from '../../expressions/parser.js';

/** The well-known id of the "Azure Active Directory" directory definition (research §1.3). */
export const entraDirectoryId = '66e4a8cc-1b7b-435e-95f8-f06cea133828';

export type AttributeOptions = {
	type?: AttributeType;
	multivalued?: boolean;
	anchor?: boolean;
	required?: boolean;
	caseExact?: boolean;
	/** Names of objects (in the same directory) a Reference attribute points at. */
	references?: string[];
	metadata?: KeyValue[];
	apiExpressions?: KeyValue[];
};

export function attribute(name: string, options: AttributeOptions = {}): AttributeDefinition {
	return {
		anchor: options.anchor ?? false,
		caseExact: options.caseExact ?? false,
		defaultValue: null,
		multivalued: options.multivalued ?? false,
		mutability: 'ReadWrite',
		name,
		required: options.required ?? false,
		type: options.type ?? (options.references ? 'Reference' : 'String'),
		apiExpressions: options.apiExpressions ?? [],
		metadata: options.metadata ?? [],
		referencedObjects: (options.references ?? []).map((referencedObjectName) => ({referencedObjectName, referencedProperty: null})),
	};
}

export const keyValue = (key: string, value: string): KeyValue => ({key, value});

export function objectDefinition(
	name: string,
	attributes: AttributeDefinition[],
	options: {metadata?: KeyValue[]; supportedApis?: string[]} = {},
): ObjectDefinition {
	return {
		attributes,
		metadata: options.metadata ?? [
			keyValue('IsSoftDeletionSupported', 'true'),
			keyValue('ConnectorDataStorageRequired', 'true'),
			keyValue('IsSynchronizeAllSupported', 'true'),
		],
		name,
		supportedApis: options.supportedApis ?? [name],
	};
}

export function directory(
	id: string,
	name: string,
	objects: ObjectDefinition[],
	options: {readOnly?: boolean; discoverabilities?: string; version?: string | null} = {},
): DirectoryDefinition {
	return {
		id,
		discoveryDateTime: null,
		discoverabilities: options.discoverabilities ?? 'None',
		name,
		readOnly: options.readOnly ?? false,
		version: options.version ?? null,
		objects,
	};
}

export type MappingOptions = {
	defaultValue?: string | null;
	matchingPriority?: number;
	flowType?: AttributeFlowType;
	flowBehavior?: AttributeFlowBehavior;
};

/** An attribute mapping whose source is parsed from expression text (null = default value only). */
export function mapping(targetAttributeName: string, expression: string | null, options: MappingOptions = {}): AttributeMapping {
	return {
		defaultValue: options.defaultValue ?? null,
		exportMissingReferences: false,
		flowBehavior: options.flowBehavior ?? 'FlowWhenChanged',
		flowType: options.flowType ?? 'Always',
		matchingPriority: options.matchingPriority ?? 0,
		targetAttributeName,
		source: expression === null ? null : expressionToMappingSource(expression),
	};
}

export function objectMappingMetadata(overrides: Record<string, string> = {}): KeyValue[] {
	const values: Record<string, string> = {
		IsCustomerDefined: 'false',
		DisableMonitoringForChanges: 'false',
		Disposition: '"Normal"',
		ExcludeFromReporting: 'false',
		EscrowBehavior: '"Default"',
		Unsynchronized: 'false',
		...overrides,
	};
	return Object.entries(values).map(([key, value]) => keyValue(key, value));
}

export function emptyFilter(overrides: Partial<Filter> = {}): Filter {
	return {categoryFilterGroups: [], groups: [], inputFilterGroups: [], ...overrides};
}

export function objectMapping(options: {
	name: string | null;
	sourceObjectName: string;
	targetObjectName: string;
	attributeMappings: AttributeMapping[];
	enabled?: boolean;
	flowTypes?: string;
	scope?: Filter | null;
	metadata?: KeyValue[];
}): ObjectMapping {
	return {
		enabled: options.enabled ?? true,
		flowTypes: options.flowTypes ?? 'Add, Update, Delete',
		name: options.name,
		scope: options.scope ?? null,
		sourceObjectName: options.sourceObjectName,
		targetObjectName: options.targetObjectName,
		attributeMappings: options.attributeMappings,
		metadata: options.metadata ?? objectMappingMetadata(),
	};
}

export function synchronizationRule(options: {
	id: string;
	name: string;
	sourceDirectoryName: string;
	targetDirectoryName: string;
	objectMappings: ObjectMapping[];
	priority?: number;
	metadata?: KeyValue[];
}): SynchronizationRule {
	return {
		editable: true,
		id: options.id,
		name: options.name,
		priority: options.priority ?? 1,
		sourceDirectoryName: options.sourceDirectoryName,
		targetDirectoryName: options.targetDirectoryName,
		metadata: options.metadata ?? [keyValue('supportsProvisionOnDemand', 'true')],
		objectMappings: options.objectMappings,
	};
}

/** Who a generated schema belongs to; the ids end up in `@odata.context` and `id` like a real GET. */
export type SchemaIdentity = {servicePrincipalId: string; jobId: string; version: string};

export function odataSchemaContext(servicePrincipalId: string, jobId: string, apiVersion = 'beta'): string {
	return `https://graph.microsoft.com/${apiVersion}/$metadata#servicePrincipals('${servicePrincipalId}')/synchronization/jobs('${jobId}')/schema/$entity`;
}

export function schemaDocument(
	identity: SchemaIdentity,
	synchronizationRules: SynchronizationRule[],
	directories: DirectoryDefinition[],
): SynchronizationSchema {
	return {
		'@odata.context': odataSchemaContext(identity.servicePrincipalId, identity.jobId),
		id: identity.jobId,
		version: identity.version,
		synchronizationRules,
		'directories@odata.context': `https://graph.microsoft.com/beta/$metadata#servicePrincipals('${identity.servicePrincipalId}')/synchronization/jobs('${identity.jobId}')/schema/directories`,
		directories: directories.map((each) => ({...each, version: each.version ?? identity.version})),
	};
}
