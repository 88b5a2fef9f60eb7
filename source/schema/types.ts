/**
 * The Microsoft Graph synchronization schema, with Graph's exact JSON names and enum spellings
 * (see shared research graph-sync-api.md §1). Every object also allows unknown properties:
 * we never drop a field we do not model, so load → save is lossless.
 */

/** Properties we do not model survive untouched. */
export type Open = {[key: string]: unknown};

export const attributeTypes = ['String', 'Integer', 'Reference', 'Binary', 'Boolean', 'DateTime'] as const;
export type AttributeType = (typeof attributeTypes)[number];

export const mutabilities = ['ReadWrite', 'ReadOnly', 'Immutable', 'WriteOnly'] as const;
export type Mutability = (typeof mutabilities)[number];

export const flowBehaviors = ['FlowWhenChanged', 'FlowAlways'] as const;
export type AttributeFlowBehavior = (typeof flowBehaviors)[number];

export const flowTypes = ['Always', 'ObjectAddOnly', 'MultiValueAddOnly', 'ValueAddOnly', 'AttributeAddOnly'] as const;
export type AttributeFlowType = (typeof flowTypes)[number];

export const sourceTypes = ['Attribute', 'Constant', 'Function'] as const;
export type AttributeMappingSourceType = (typeof sourceTypes)[number];

/** Flags, serialized by Graph as a comma-separated string such as "Add, Update, Delete". */
export const objectFlowTypeFlags = ['None', 'Add', 'Update', 'Delete'] as const;

export const discoverabilityFlags = [
	'None',
	'AttributeNames',
	'AttributeDataTypes',
	'AttributeReadOnly',
	'ReferenceAttributes',
	'UnknownFutureValue',
] as const;

export const jobStatusCodes = ['NotConfigured', 'NotRun', 'Active', 'Paused', 'Quarantine'] as const;
export type SynchronizationStatusCode = (typeof jobStatusCodes)[number];

export const scheduleStates = ['Active', 'Disabled', 'Paused'] as const;
export type SynchronizationScheduleState = (typeof scheduleStates)[number];

export type KeyValue = Open & {key: string; value: string | null};

export type ReferencedObject = Open & {referencedObjectName: string; referencedProperty?: string | null};

export type AttributeDefinition = Open & {
	name: string;
	type?: AttributeType;
	multivalued?: boolean;
	mutability?: Mutability;
	required?: boolean;
	anchor?: boolean;
	caseExact?: boolean;
	defaultValue?: string | null;
	flowNullValues?: boolean;
	referencedObjects?: ReferencedObject[] | null;
	metadata?: KeyValue[] | null;
	apiExpressions?: KeyValue[] | null;
};

export type ObjectDefinition = Open & {
	name: string;
	attributes?: AttributeDefinition[] | null;
	metadata?: KeyValue[] | null;
	supportedApis?: string[] | null;
};

export type DirectoryDefinition = Open & {
	id?: string;
	name: string;
	objects?: ObjectDefinition[] | null;
	readOnly?: boolean;
	version?: string | null;
	discoveryDateTime?: string | null;
	discoverabilities?: string;
};

export type AttributeMappingParameter = Open & {key: string; value: AttributeMappingSource};

export type AttributeMappingSource = Open & {
	type?: AttributeMappingSourceType;
	name?: string | null;
	expression?: string | null;
	parameters?: AttributeMappingParameter[] | null;
};

export type AttributeMapping = Open & {
	targetAttributeName: string;
	source?: AttributeMappingSource | null;
	defaultValue?: string | null;
	flowBehavior?: AttributeFlowBehavior;
	flowType?: AttributeFlowType;
	matchingPriority?: number;
	exportMissingReferences?: boolean;
};

export type FilterOperand = Open & {values?: string[] | null};
export type FilterClause = Open & {operatorName: string; sourceOperandName: string; targetOperand?: FilterOperand | null};
export type FilterGroup = Open & {name?: string | null; clauses?: FilterClause[] | null};
export type Filter = Open & {
	categoryFilterGroups?: FilterGroup[] | null;
	groups?: FilterGroup[] | null;
	inputFilterGroups?: FilterGroup[] | null;
};

export type ObjectMapping = Open & {
	name?: string | null;
	enabled?: boolean;
	flowTypes?: string;
	sourceObjectName?: string | null;
	targetObjectName?: string | null;
	scope?: Filter | null;
	attributeMappings?: AttributeMapping[] | null;
	metadata?: KeyValue[] | null;
};

export type SynchronizationRule = Open & {
	id?: string;
	name?: string | null;
	sourceDirectoryName?: string;
	targetDirectoryName?: string;
	priority?: number;
	editable?: boolean;
	metadata?: KeyValue[] | null;
	objectMappings?: ObjectMapping[] | null;
	containerFilter?: (Open & {includedContainers?: string[] | null}) | null;
	groupFilter?: (Open & {includedGroups?: string[] | null}) | null;
};

export type SynchronizationSchema = Open & {
	id?: string;
	version?: string | null;
	directories?: DirectoryDefinition[] | null;
	synchronizationRules?: SynchronizationRule[] | null;
};

export type SynchronizationSchedule = Open & {expiration?: string | null; interval?: string; state?: SynchronizationScheduleState};

export type SynchronizationTaskExecution = Open & {
	state?: 'Succeeded' | 'Failed' | 'EntryLevelErrors' | string;
	timeBegan?: string | null;
	timeEnded?: string | null;
};

export type SynchronizationStatus = Open & {
	code?: SynchronizationStatusCode;
	lastExecution?: SynchronizationTaskExecution | null;
	lastSuccessfulExecution?: SynchronizationTaskExecution | null;
	quarantine?: (Open & {reason?: string}) | null;
};

export type SynchronizationJob = Open & {
	id: string;
	templateId?: string;
	schedule?: SynchronizationSchedule | null;
	status?: SynchronizationStatus | null;
};

export type ServicePrincipal = Open & {
	id: string;
	appId?: string;
	displayName?: string | null;
	applicationTemplateId?: string | null;
};
