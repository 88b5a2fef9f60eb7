/**
 * The React-free editing core (issue 4, reused by the subcommands of issue 5): guarded JSON Patch edits on a
 * working copy, name selectors for hand-written patches, validation, the plan, and the write path that cannot
 * lose data (drift check → backup → PUT → verify).
 */
export type {Operation} from 'fast-json-patch';
export {type BackupEntry, type BackupIdentity, backupFileName, listBackups, saveBackup, slugify} from './backups.js';
export {
	type AttributeMappingField,
	addAttributeMapping,
	addScopingClause,
	availableTargets,
	buildSource,
	type Edit,
	type EditDraft,
	editAttributeMappingField,
	editAttributeMappingSource,
	editScopingClause,
	isUnchangedClause,
	type FilterGroupSet,
	maxExpressionLength,
	removeAttributeMapping,
	removeScopingClause,
	replaceNode,
	type SourceInput,
	setObjectMappingEnabled,
	sourceAttributeCandidates,
	summarizeOperation,
} from './builders.js';
export {type ConfirmationWord, confirmationWord, confirms} from './confirmation.js';
export {diffAsPatch, diffOperations} from './diff.js';
export {checkAgainstLive} from './live-checks.js';
export {jsonEqual} from './json.js';
export {describePointer, objectMappingLabel} from './labels.js';
export {applyOperations, describeGuardFailure, GuardFailedError, guardOperations, guardsFor, resolveSelectors} from './patch.js';
export {
	type DefinitionChange,
	describeScope,
	describeScopeChange,
	type FieldChange,
	type MappingChange,
	type ObjectMappingChange,
	type Plan,
	type PlanOptions,
	type ScopeChange,
	afterSaveAdvice,
	buildPlan,
	filterSetEffects,
} from './plan.js';
export {type DirectoryRemap, remapDirectories} from './remap.js';
export {parseSelectorSegment} from './selectors.js';
export {
	allExpressions,
	documentedFilterOperators,
	documentedFunctions,
	type ExpressionToCheck,
	type Problem,
	type ValidateOptions,
	validateSchema,
	validateWithServer,
	withParsedSources,
} from './validate.js';
export {parsePatchFile, toPatchFile, WorkingCopy} from './working-copy.js';
export {
	type AppliedState,
	DriftError,
	listDifferences,
	putBody,
	stripServerFields,
	UnmodelledPropertiesError,
	unmodelledThroughV1,
	VerifyMismatchError,
	VerifyUnavailableError,
	WriteFailedError,
	type WriteOptions,
	type WriteResult,
	type WriteStep,
	writeSchema,
} from './write.js';
export {setListValue, type ValueListEntry, valueListEntries} from './value-list.js';
