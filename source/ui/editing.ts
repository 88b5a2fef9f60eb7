/**
 * Edit commands and the modals they open. Every change goes through the working copy as guarded
 * JSON Patch operations (source/edit); the live schema is never touched here.
 */
import {
	addAttributeMapping,
	addScopingClause,
	buildSource,
	editAttributeMappingField,
	editAttributeMappingSource,
	editScopingClause,
	type Edit,
	isUnchangedClause,
	removeAttributeMapping,
	removeScopingClause,
	replaceNode,
	type SourceInput,
	setListValue,
	setObjectMappingEnabled,
	type WorkingCopy,
	valueListEntries,
} from '../edit/index.js';
import {describeError} from '../errors.js';
import {exportFileName} from '../explorer/services.js';
import {parseExpression, sourceKind, sourceSummary} from '../schema/expression.js';
import type {AttributeMappingNode, ObjectMappingNode, SchemaNode} from '../schema/navigation.js';
import {resolvePointer} from '../schema/pointer.js';
import {storedTreeAdvice} from '../schema/stored-tree.js';
import {flowBehaviors, flowTypes, type FilterClause, type SynchronizationSchema} from '../schema/types.js';
import {refreshContext, type SchemaContext} from './context.js';
import {reviewTask} from './plan-view.js';
import {submitCaseFile, submitTestSubject, submitTestValue} from './expression-test.js';
import type {Command} from './keymap.js';
import {filterRows, initialList} from './list.js';
import {isLoopPurpose, submitLoopModal} from './loop.js';
import {type ChoiceModal, type ClauseDraft, choiceModal, menuModal, type Modal, type ModalPurpose, type SourceTarget} from './modal.js';
import {scopeEntries} from './rows.js';
import {editTarget, frameRows, screenOf, selectedIndex} from './screens/index.js';
import {
	type AppState,
	addTask,
	type Frame,
	frameContext,
	isFrameOf,
	jobTarget,
	type PlanFrame,
	type ScopeFrame,
	push,
	replaceContext,
	replaceTop,
	topFrame,
	withFittedWindow,
} from './state.js';

/** Commands that change the working copy or the tenant: none of them exists under --read-only. */
export const writeCommands: ReadonlySet<Command> = new Set<Command>([
	'editSource',
	'editDefault',
	'editFlowType',
	'editFlowBehavior',
	'editMatching',
	'addItem',
	'removeItem',
	'toggleEnabled',
	'externalEdit',
	'undo',
	'savePatch',
	'plan',
	'import',
]);

const editCommands = new Set<Command>([...writeCommands, 'scope', 'changes']);

export function isEditCommand(command: Command): boolean {
	return editCommands.has(command);
}

/** Operators offered when the tenant's list is not at hand (offline); names as Graph spells them. */
const defaultOperators = [
	'EQUALS',
	'NOT EQUALS',
	'IS TRUE',
	'IS FALSE',
	'IS NULL',
	'IS NOT NULL',
	'REGEX MATCH',
	'NOT REGEX MATCH',
	'ENDS_WITH',
	'Includes',
	'Greater_Than',
	'Greater_Than_OR_EQUALS',
	'&',
	'!&',
];
const unaryOperators = new Set(['IS TRUE', 'IS FALSE', 'IS NULL', 'IS NOT NULL']);

function info(state: AppState, text: string): AppState {
	return {...state, message: {kind: 'info', text}};
}

function failure(state: AppState, error: unknown): AppState {
	return {...state, message: {kind: 'error', text: describeError(error)}};
}

/** The attribute mapping the mapping keys (and `t`) act on here: the screen decides (screens/*: editTarget). */
export function selectedAttributeMapping(frame: Frame): AttributeMappingNode | undefined {
	return editTarget(frame).attributeMapping;
}

function nodeAt(context: SchemaContext, pointer: string): SchemaNode | undefined {
	return context.index.nodeAt(pointer);
}

function objectMappingAt(context: SchemaContext, pointer: string): ObjectMappingNode | undefined {
	const node = nodeAt(context, pointer);
	return node?.kind === 'objectMapping' ? node : undefined;
}

function attributeMappingAt(context: SchemaContext, pointer: string): AttributeMappingNode | undefined {
	const node = nodeAt(context, pointer);
	return node?.kind === 'attributeMapping' ? node : undefined;
}

/** Applies one edit to the working copy and shows the result everywhere; a refused edit changes nothing. */
export function applyEdit(state: AppState, context: SchemaContext, build: (document: SynchronizationSchema) => Omit<Edit, 'id'>): AppState {
	let working: WorkingCopy;
	try {
		working = context.working.apply(build(context.working.document));
	} catch (error) {
		return failure(state, error);
	}
	const edit = working.lastEdit!;
	const next = refreshContext({...context, working}, {draft: undefined});
	let result = replaceContext(state, next);
	result = info(result, `${edit.summary}   (c pending changes · u undo · w write)`);
	const expressions = edit.operations
		.filter((operation) => operation.op !== 'test' && operation.op !== 'remove')
		.flatMap((operation) => {
			const pointer = operation.path.replace(/\/source(\/.*)?$/, '');
			const expression = resolvePointer(next.working.document, `${pointer}/source/expression`);
			return typeof expression === 'string' && /\(/.test(expression) ? [{pointer, expression}] : [];
		});
	const job = jobTarget(next);
	if (expressions.length > 0 && job) result = addTask(result, {kind: 'serverValidate', job, expressions});
	return result;
}

function sourceChoice(target: SourceTarget, current?: string): ChoiceModal {
	return menuModal('Source type', ['Attribute', 'Constant', 'Expression', 'None'], {kind: 'source-kind', target}, current);
}

function sourceObjectAttributes(context: SchemaContext, objectMappingPointer: string): string[] {
	const objectMapping = objectMappingAt(context, objectMappingPointer);
	return objectMapping?.sourceObject?.attributes.map((attribute) => attribute.attribute.name) ?? [];
}

function objectMappingPointerOf(target: SourceTarget, context: SchemaContext): string {
	if (target.kind === 'new') return target.objectMappingPointer;
	return attributeMappingAt(context, target.pointer)?.parent.pointer ?? '';
}

function sourcePrompt(context: SchemaContext, target: SourceTarget, sourceKindChosen: 'Attribute' | 'Constant' | 'Expression'): Modal {
	const attributes = sourceObjectAttributes(context, objectMappingPointerOf(target, context));
	const mapping = target.kind === 'existing' ? attributeMappingAt(context, target.pointer)?.mapping : undefined;
	const current = mapping?.source;
	const purpose: ModalPurpose = {kind: 'source-value', target, sourceKind: sourceKindChosen};
	if (sourceKindChosen === 'Attribute') {
		return {kind: 'prompt', title: 'Source attribute', hint: 'Tab completes a name of the source object', value: current?.type === 'Attribute' ? (current.name ?? '') : '', suggestions: attributes, purpose};
	}
	if (sourceKindChosen === 'Constant') {
		return {kind: 'prompt', title: 'Constant value', value: current?.type === 'Constant' ? (current.name ?? '') : '', purpose};
	}
	const functions = context.functions ?? [];
	const advice = storedTreeAdvice(current);
	return {
		kind: 'prompt',
		title: 'Expression',
		hint: advice ? `${advice.replace(/ e edits/, ' Esc, then e, edits')}` : 'e.g. Join("@", [mailNickname], "contoso.com") · Tab completes functions and attributes · Ctrl+T tests it',
		value: current?.expression ?? '',
		suggestions: [...functions, ...attributes.map((name) => `[${name}]`), ...attributes],
		purpose,
	};
}

/** What a new mapping gets besides its target and source; shown before it is added. */
const newMappingDefaults = {defaultValue: null, flowType: 'Always', flowBehavior: 'FlowWhenChanged', matchingPriority: 0} as const;

function newMapping(targetAttributeName: string, source: SourceInput) {
	return {targetAttributeName, source: buildSource(source), ...newMappingDefaults};
}

function applySource(state: AppState, context: SchemaContext, target: SourceTarget, source: SourceInput): AppState {
	if (target.kind === 'existing') {
		return applyEdit(state, context, (document) => editAttributeMappingSource(document, target.pointer, source));
	}
	const added = applyEdit(state, context, (document) =>
		addAttributeMapping(document, target.objectMappingPointer, newMapping(target.targetAttributeName, source)),
	);
	// The cursor goes to the new row, so the admin sees what was added (marked +): the screen's row of the new mapping.
	const frame = topFrame(added);
	if (added.message?.kind === 'error') return added;
	const mapping = objectMappingAt(frameContext(frame) ?? context, target.objectMappingPointer)?.attributeMappings.find((each) => each.mapping.targetAttributeName === target.targetAttributeName);
	const index = mapping ? frameRows(frame).findIndex((row) => row.key === mapping.pointer) : -1;
	if (index < 0) return added;
	return withFittedWindow(replaceTop(added, {...frame, list: {...frame.list, filter: '', filtering: false, cursor: index, offset: index}}));
}

function clauseOperatorChoice(context: SchemaContext, draft: ClauseDraft, current?: string): Modal {
	const operators = context.filterOperators && context.filterOperators.length > 0 ? context.filterOperators : defaultOperators;
	return choiceModal(`Operator for ${draft.attribute}`, operators, {kind: 'clause-operator', draft}, current);
}

function clauseFromDraft(draft: ClauseDraft, values: string[] | null): FilterClause {
	return {operatorName: draft.operator ?? 'EQUALS', sourceOperandName: draft.attribute, targetOperand: values === null ? null : {values}};
}

function applyClause(state: AppState, context: SchemaContext, draft: ClauseDraft, values: string[] | null): AppState {
	const clause = clauseFromDraft(draft, values);
	if (draft.clausePointer) {
		const pointer = draft.clausePointer;
		try {
			if (isUnchangedClause(context.working.document, pointer, clause)) return info(state, 'The clause is unchanged: nothing to edit.');
		} catch (error) {
			return failure(state, error);
		}
		return applyEdit(state, context, (document) => editScopingClause(document, pointer, clause));
	}
	return applyEdit(state, context, (document) => addScopingClause(document, draft.objectMappingPointer, draft.set, draft.groupIndex, clause));
}

/** `a` and Enter on the scoping filter: a new clause (in the selected group), or the selected clause edited. */
export function startClause(state: AppState, frame: ScopeFrame, mode: 'add' | 'edit', index: number | undefined): AppState {
	const node = frame.node;
	const entries = scopeEntries(node);
	const entry = entries[index ?? -1];
	if (mode === 'edit' && !entry?.clausePointer) return info(state, 'Select a clause first.');
	const attributes = node.sourceObject?.attributes.map((attribute) => attribute.attribute.name) ?? [];
	const set = entry?.set ?? 'groups';
	const groupIndex = entry?.groupIndex ?? 'new';
	const purpose: ModalPurpose = {
		kind: 'clause-attribute',
		objectMappingPointer: node.pointer,
		clausePointer: mode === 'edit' ? entry?.clausePointer : undefined,
		set,
		groupIndex,
	};
	const current = mode === 'edit' ? entry?.clause?.sourceOperandName : undefined;
	const modal = choiceModal(mode === 'edit' ? 'Edit clause: source attribute' : 'New clause: source attribute', attributes, purpose, current);
	return {...state, modal: modal.options.length > 0 ? modal : {kind: 'prompt', title: 'Source attribute', value: current ?? '', purpose}};
}

/** `D` on the scoping filter: asks before the selected clause is removed. */
export function askRemoveClause(state: AppState, frame: ScopeFrame, index: number | undefined): AppState {
	const entry = scopeEntries(frame.node)[index ?? -1];
	if (!entry?.clausePointer) return info(state, 'Select a clause first.');
	return {
		...state,
		modal: {kind: 'confirm', title: `Remove the clause "${entry.text}"?`, lines: ['y removes it, n keeps it.'], purpose: {kind: 'remove-clause', clausePointer: entry.clausePointer}},
	};
}

export function handleEditCommand(state: AppState, frame: Frame, command: Command): AppState {
	const context = frameContext(frame);
	if (!context) return state;
	switch (command) {
		case 'editSource':
		case 'editDefault':
		case 'editFlowType':
		case 'editFlowBehavior':
		case 'editMatching': {
			const mapping = selectedAttributeMapping(frame);
			if (!mapping) return info(state, 'Select an attribute mapping first.');
			const pointer = mapping.pointer;
			const value = mapping.mapping;
			if (command === 'editSource') return {...state, modal: sourceChoice({kind: 'existing', pointer}, sourceKind(value))};
			if (command === 'editFlowType') return {...state, modal: menuModal(`flowType of ${value.targetAttributeName}`, flowTypes, {kind: 'flow-type', pointer}, value.flowType)};
			if (command === 'editFlowBehavior') {
				return {...state, modal: menuModal(`flowBehavior of ${value.targetAttributeName}`, flowBehaviors, {kind: 'flow-behavior', pointer}, value.flowBehavior)};
			}
			if (command === 'editDefault') {
				return {
					...state,
					modal: {kind: 'prompt', title: `Default value of ${value.targetAttributeName}`, hint: 'Empty for none (null)', value: value.defaultValue ?? '', purpose: {kind: 'default-value', pointer}},
				};
			}
			return {
				...state,
				modal: {
					kind: 'prompt',
					title: `Matching priority of ${value.targetAttributeName}`,
					hint: '0 = not used to match objects; 1 = tried first, 2 next…',
					value: String(value.matchingPriority ?? 0),
					purpose: {kind: 'matching-priority', pointer},
				},
			};
		}
		case 'addItem': {
			const add = screenOf(frame).add;
			if (add) return add(state, frame, selectedIndex(frame));
			const objectMapping = editTarget(frame).objectMapping;
			if (!objectMapping) return state;
			const targets = objectMapping.targetObject?.attributes.map((attribute) => attribute.attribute.name) ?? [];
			if (targets.length === 0) return info(state, `The target object ${objectMapping.mapping.targetObjectName ?? ''} has no attribute definitions to map.`);
			const mapped = new Set(objectMapping.attributeMappings.map((mapping) => mapping.mapping.targetAttributeName));
			const notes = new Map(targets.filter((name) => mapped.has(name)).map((name) => [name, 'already mapped']));
			// Unmapped targets first: those are the ones that can be picked.
			const ordered = [...targets.filter((name) => !mapped.has(name)), ...targets.filter((name) => mapped.has(name))];
			return {...state, modal: choiceModal('New mapping: target attribute (type to narrow)', ordered, {kind: 'add-target', objectMappingPointer: objectMapping.pointer}, undefined, notes)};
		}
		case 'removeItem': {
			const remove = screenOf(frame).remove;
			if (remove) return remove(state, frame, selectedIndex(frame));
			const mapping = selectedAttributeMapping(frame);
			if (!mapping) return info(state, 'Select an attribute mapping first.');
			return {
				...state,
				modal: {
					kind: 'confirm',
					title: `Remove the mapping of ${mapping.mapping.targetAttributeName}?`,
					lines: ['The target attribute will no longer be provisioned. y removes it, n keeps it.'],
					purpose: {kind: 'remove-mapping', pointer: mapping.pointer},
				},
			};
		}
		case 'toggleEnabled': {
			const objectMapping = editTarget(frame).objectMapping;
			if (!objectMapping) return state;
			const enabled = objectMapping.mapping.enabled !== false;
			return applyEdit(state, context, (document) => setObjectMappingEnabled(document, objectMapping.pointer, !enabled));
		}
		case 'scope': {
			const objectMapping = editTarget(frame).objectMapping;
			if (!objectMapping) return state;
			return push(state, (id) => ({id, kind: 'scope', context, node: objectMapping, list: initialList}));
		}
		case 'externalEdit': {
			const target = editTarget(frame).json;
			if (!target) return info(state, 'Select a mapping first.');
			const text = context.draft?.pointer === target.pointer ? context.draft.text : `${JSON.stringify(target.model, null, 2)}\n`;
			return addTask(state, {kind: 'editor', jobKey: context.jobKey, pointer: target.pointer, text});
		}
		case 'changes':
			return push(state, (id) => ({id, kind: 'changes', context, list: initialList}));
		case 'undo':
			if (context.working.edits.length === 0) return info(state, 'Nothing to undo.');
			return undoEdit(state, context);
		case 'savePatch': {
			if (context.working.edits.length === 0) return info(state, 'No pending changes to save.');
			const base = exportFileName(context.appName, context.job ?? {id: 'schema'}, new Date()).replace(/\.schema\.json$/, '.patch.json');
			return {...state, modal: {kind: 'prompt', title: 'Save pending changes as a JSON Patch file', value: base, purpose: {kind: 'save-patch'}}};
		}
		case 'plan':
			return openPlan(state, context);
		case 'import':
			if (!context.job || !context.servicePrincipalId) return info(state, 'Import writes to a tenant job: open a job, not a file.');
			return {...state, modal: {kind: 'prompt', title: 'Import a schema file into this job', hint: 'Path to the file (any encoding). You will see the plan before anything is written.', value: '', purpose: {kind: 'import-file'}}};
		default:
			return state;
	}
}

function openPlan(state: AppState, context: SchemaContext): AppState {
	if (!context.working.hasChanges) return info(state, 'No pending changes: the tenant already has this schema.');
	if (!context.job || !context.servicePrincipalId) {
		return info(state, 'Offline: P saves the changes as a JSON Patch file for `provisioning-explorer patch`.');
	}
	const plan: PlanFrame = {
		id: state.nextId,
		kind: 'plan',
		context,
		origin: {kind: 'edits'},
		document: context.working.document,
		cases: state.casesPath,
		status: 'checking',
		typed: '',
		attempt: 0,
		list: initialList,
	};
	return addTask(push(state, () => plan), reviewTask(plan));
}

/** Undoes the last edit, or the edit `id` (D on the pending changes). */
export function undoEdit(state: AppState, context: SchemaContext, id?: number): AppState {
	const edit = id === undefined ? context.working.edits.at(-1) : context.working.edits.find((candidate) => candidate.id === id);
	let working: WorkingCopy;
	try {
		working = context.working.undo(id);
	} catch (error) {
		return failure(state, error);
	}
	return info(replaceContext(state, refreshContext({...context, working})), `Undone: ${edit?.summary ?? 'edit'}`);
}

function runCommandLine(state: AppState, text: string): AppState {
	// :open keeps the case of what follows: names are matched exactly first.
	const open = /^:?\s*open(?:\s+(.*))?$/is.exec(text.trim());
	if (open) return openCommand(state, open[1] ?? '');
	const command = text.trim().replace(/^:/, '').toLowerCase();
	const frame = topFrame(state);
	const context = frameContext(frame);
	switch (command) {
		case '':
			return state;
		case 'q':
		case 'quit':
			return {...state, exit: {code: 0}};
		case 'help':
			return {...state, help: {offset: 0}};
		case 'apps': {
			const index = state.stack.findIndex((candidate) => isFrameOf(candidate, 'apps'));
			return index === -1 ? info(state, 'No app list in this session.') : {...state, stack: state.stack.slice(0, index + 1)};
		}
		case 'login': {
			if (state.source.kind === 'file') return info(state, 'Offline: this session browses a file.');
			const pending = state.stack.some((frame) => frameContext(frame)?.working.hasChanges);
			if (pending) return info(state, 'You have pending edits: write them (w) or save them (P) before signing in again.');
			return {...state, stack: [{id: state.nextId, kind: 'signIn', phase: 'starting', forcePrompt: true, list: initialList}], nextId: state.nextId + 1};
		}
		case 'logout':
			if (state.source.kind === 'file') return info(state, 'Offline: nobody is signed in.');
			return addTask(info(state, 'Signing out…'), {kind: 'signOut'});
		case 'whoami':
			if (state.source.kind === 'file') return info(state, 'Offline: nobody is signed in.');
			return addTask(state, {kind: 'whoami'});
		case 'restore':
			if (state.readOnly) return info(state, 'Read-only: restoring writes to the tenant.');
			if (!context?.job) return info(state, 'Open a job first: :restore lists the backups of the current job.');
			return addTask(
				push(state, (id) => ({id, kind: 'backups', context, status: 'loading', list: initialList})),
				{kind: 'listBackups', frameId: state.nextId, appName: context.appName, templateId: context.job.templateId, jobId: context.job.id},
			);
		default:
			return info(state, `Unknown command ":${command}". Commands: :open :restore :login :logout :whoami :apps :quit :help`);
	}
}

/** `:open APP/JOB/TARGET`: resolved against the tenant (runner), then opened as if walked to (history.ts). */
function openCommand(state: AppState, reference: string): AppState {
	if (state.source.kind === 'file') return info(state, 'Offline: :open opens a job of a tenant; this session browses a file.');
	if (reference.trim() === '') return info(state, 'Name the place: :open APP/JOB/TARGET or APP/JOB/OBJECTMAPPING[/TARGET] (the parts after APP may be left out; Tab completes).');
	if (state.stack.some((frame) => frameContext(frame)?.working.hasChanges)) return info(state, 'You have pending edits: write them (w) or save them (P) before opening another place.');
	return addTask(info(state, `Opening ${reference.trim()}…`), {kind: 'resolveLocation', text: reference});
}

/** The clause's values as a list: each value, add, done (the cursor on `cursorAt`). */
function valueListModal(draft: ClauseDraft, values: readonly string[], cursorAt: 'done' | number = 'done'): Modal {
	const entries = valueListEntries(values);
	const modal = choiceModal(
		`${draft.attribute} ${draft.operator ?? ''}: values (Enter on a value edits it)`,
		entries.map((entry) => entry.text),
		{kind: 'clause-values', draft, values},
	);
	const cursor = cursorAt === 'done' ? entries.length - 1 : Math.min(cursorAt, entries.length - 1);
	return {...modal, list: {...modal.list, cursor}};
}

function valuePrompt(draft: ClauseDraft, values: readonly string[], index: number | 'new'): Modal {
	return {
		kind: 'prompt',
		title: `${draft.attribute} ${draft.operator ?? ''}: ${index === 'new' ? `value ${values.length + 1}` : `value ${index + 1} of ${values.length}`}`,
		hint: index === 'new' ? 'The whole line is one value (commas included) · Enter adds it · empty adds none' : 'The whole line is one value (commas included) · empty removes it',
		value: index === 'new' ? '' : (values[index] ?? ''),
		purpose: {kind: 'clause-value', draft, values, index},
	};
}

export function submitModal(state: AppState, modal: Modal, value: string, contextOverride?: SchemaContext): AppState {
	const purpose = modal.purpose;
	if (isLoopPurpose(purpose)) return submitLoopModal(state, modal, value);
	const context = contextOverride ?? frameContext(topFrame(state));
	if (purpose.kind === 'command') return runCommandLine(state, value);
	if (purpose.kind === 'test-value') return submitTestValue(state, purpose.frameId, purpose.field, purpose.value, value);
	if (purpose.kind === 'case-file') return submitCaseFile(state, purpose.frameId, value);
	if (purpose.kind === 'test-subject') return submitTestSubject(state, purpose.frameId, value);
	if (purpose.kind === 'discard-and-quit') return {...state, exit: {code: 0}};
	if (purpose.kind === 'discard-and-leave') return {...state, stack: state.stack.slice(0, -1)};
	if (purpose.kind === 'replace-export') {
		return addTask({...state, message: {kind: 'info', text: `Exporting to ${purpose.path}…`}}, {kind: 'export', bytes: purpose.bytes, path: purpose.path, replace: true});
	}
	if (!context) return state;
	switch (purpose.kind) {
		case 'source-kind':
			if (value === 'None') return applySource(state, context, purpose.target, {kind: 'None'});
			return {...state, modal: sourcePrompt(context, purpose.target, value as 'Attribute' | 'Constant' | 'Expression')};
		case 'source-value': {
			const reopen = (error: string) => ({...state, modal: {...(modal as Extract<Modal, {kind: 'prompt'}>), value, error}});
			if (purpose.sourceKind === 'Attribute') {
				const name = value.trim().replace(/^\[(.*)\]$/, '$1');
				if (!name) return reopen('Type the name of a source attribute.');
				return applySource(state, context, purpose.target, {kind: 'Attribute', name});
			}
			if (purpose.sourceKind === 'Constant') return applySource(state, context, purpose.target, {kind: 'Constant', value});
			if (value.length > 10_000) return reopen(`The expression has ${value.length} characters; Graph allows at most 10,000.`);
			const parsed = parseExpression(value);
			if (!parsed.ok) return reopen(`Not a valid expression at character ${parsed.error.offset + 1}: ${parsed.error.message}`);
			return applySource(state, context, purpose.target, {kind: 'Expression', expression: value.trim()});
		}
		case 'default-value':
			return applyEdit(state, context, (document) => editAttributeMappingField(document, purpose.pointer, 'defaultValue', value === '' ? null : value));
		case 'flow-type':
			return applyEdit(state, context, (document) => editAttributeMappingField(document, purpose.pointer, 'flowType', value));
		case 'flow-behavior':
			return applyEdit(state, context, (document) => editAttributeMappingField(document, purpose.pointer, 'flowBehavior', value));
		case 'matching-priority': {
			const priority = Number(value.trim());
			if (!Number.isInteger(priority) || priority < 0) {
				return {...state, modal: {...(modal as Extract<Modal, {kind: 'prompt'}>), value, error: 'A whole number: 0 for none, 1 or more to match on this attribute.'}};
			}
			return applyEdit(state, context, (document) => editAttributeMappingField(document, purpose.pointer, 'matchingPriority', priority));
		}
		case 'add-target': {
			const objectMapping = objectMappingAt(context, purpose.objectMappingPointer);
			const existing = objectMapping?.attributeMappings.find((mapping) => mapping.mapping.targetAttributeName === value);
			if (existing && modal.kind === 'choice') {
				// Refused when picked, not after the source is chosen: the choice stays open for another target.
				const error = `${value} is already mapped (${sourceSummary(existing.mapping, 60)}); pick another target, or Esc and change that mapping.`;
				return {...state, modal: {...modal, error}};
			}
			const defaults = `It will use flowType ${newMappingDefaults.flowType}, flowBehavior ${newMappingDefaults.flowBehavior}, matchingPriority 0, no default value (f, b, m, d change them).`;
			return {...state, modal: {...sourceChoice({kind: 'new', objectMappingPointer: purpose.objectMappingPointer, targetAttributeName: value}), title: `New mapping ${value}: source type`, hint: defaults}};
		}
		case 'remove-mapping':
			return applyEdit(state, context, (document) => removeAttributeMapping(document, purpose.pointer));
		case 'clause-attribute': {
			const attribute = value.trim();
			if (!attribute) return state;
			const draft: ClauseDraft = {...purpose, attribute};
			const existing = purpose.clausePointer ? (resolvePointer(context.working.document, purpose.clausePointer) as FilterClause | undefined) : undefined;
			return {...state, modal: clauseOperatorChoice(context, draft, existing?.operatorName)};
		}
		case 'clause-operator': {
			const draft = {...purpose.draft, operator: value};
			if (unaryOperators.has(value)) return applyClause(state, context, draft, null);
			const existing = draft.clausePointer ? (resolvePointer(context.working.document, draft.clausePointer) as FilterClause | undefined) : undefined;
			return {
				...state,
				modal: existing?.targetOperand?.values?.length ? valueListModal(draft, existing.targetOperand.values) : valuePrompt(draft, [], 'new'),
			};
		}
		case 'clause-values': {
			const choice = modal.kind === 'choice' ? filterRows(modal.options, modal.list.filter)[modal.list.cursor] : undefined;
			const entry = choice ? valueListEntries(purpose.values)[choice.index] : undefined;
			if (!entry) return state;
			if (entry.kind === 'value') return {...state, modal: valuePrompt(purpose.draft, purpose.values, entry.index)};
			if (entry.kind === 'add') return {...state, modal: valuePrompt(purpose.draft, purpose.values, 'new')};
			if (purpose.values.length === 0) return info({...state, modal: valueListModal(purpose.draft, purpose.values)}, 'Add at least one value (+ add a value).');
			return applyClause(state, context, purpose.draft, [...purpose.values]);
		}
		case 'clause-value': {
			const values = setListValue(purpose.values, purpose.index, value);
			return {...state, modal: valueListModal(purpose.draft, values)};
		}
		case 'remove-clause':
			return applyEdit(state, context, (document) => removeScopingClause(document, purpose.clausePointer));
		case 'save-patch': {
			const path = value.trim();
			if (!path) return state;
			return addTask(info(state, 'Saving…'), {kind: 'savePatch', path, operations: context.working.operations});
		}
		case 'import-file': {
			const path = value.trim();
			if (!path) return state;
			return addTask(info(state, 'Reading the file…'), {kind: 'readSchema', path, purpose: 'import', jobKey: context.jobKey});
		}
		case 'editor-result': {
			let parsed: unknown;
			try {
				parsed = JSON.parse(value);
			} catch (error) {
				const next = {...context, draft: {pointer: purpose.pointer, text: value}};
				const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
				return {
					...replaceContext(state, next),
					message: {kind: 'error', text: `Not applied: the edited text is not valid JSON (${reason}). Your text is kept: press e to fix it.`},
				};
			}
			const result = applyEdit(state, context, (document) => replaceNode(document, purpose.pointer, parsed));
			if (result.message?.kind === 'error') {
				const next = {...context, draft: {pointer: purpose.pointer, text: value}};
				return {...replaceContext(result, next), message: {kind: 'error', text: `${result.message.text} Your text is kept: press e to fix it.`}};
			}
			return result;
		}
		default:
			return state;
	}
}
