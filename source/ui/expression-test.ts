/**
 * The expression test (`t` on a mapping, Ctrl+T in the expression prompt): one field per source attribute the
 * expression reads (several values for a multi-valued one), prefilled from the last values used for the job, run
 * through Graph's parseExpression or our evaluator (labelled), and kept as a case with one key. Pure reducer steps;
 * the runner (runner.ts) does the I/O through source/explorer/expression-tests.ts and source/expressions.
 */
import {caseFromTest, defaultCaseFilePath} from '../expressions/case-file.js';
import {sourceFields, type TestInput} from '../expressions/test-runner.js';
import {describeTestRun} from '../explorer/expression-tests.js';
import {isEntraSource, type SourceObjectValues} from '../explorer/source-object.js';
import {objectMappingLabel} from '../edit/labels.js';
import {parseExpression} from '../schema/expression.js';
import type {AttributeMappingNode, ObjectMappingNode} from '../schema/navigation.js';
import type {AttributeMapping, AttributeMappingSource} from '../schema/types.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import type {SchemaContext} from './context.js';
import {type Command, type KeyPress, matchCommand} from './keymap.js';
import {initialList} from './list.js';
import type {Modal, PromptModal} from './modal.js';
import {
	type AppState,
	addTask,
	availableCommands,
	isFrameOf,
	type ExpressionTestFrame,
	jobTarget,
	listViewportRows,
	push,
	replaceTop,
	type TestSlot,
	updateFrameOf,
} from './state.js';
import {wrap} from './text.js';

/** The key under which a job's last test values are kept: the tenant job, or the schema file. */
function lastValuesKey(state: AppState, context: SchemaContext): string {
	if (context.servicePrincipalId && context.job) return `${context.servicePrincipalId}/${context.job.id}`;
	return state.source.kind === 'file' ? `file:${state.source.location ?? state.source.path}` : `app:${context.appName}`;
}

function attributeMappingAt(context: SchemaContext, pointer: string): AttributeMappingNode | undefined {
	const node = context.index.nodeAt(pointer);
	return node?.kind === 'attributeMapping' ? node : undefined;
}

function objectMappingAt(context: SchemaContext, pointer: string): ObjectMappingNode | undefined {
	const node = context.index.nodeAt(pointer);
	return node?.kind === 'objectMapping' ? node : undefined;
}

/** Opens the test of `mapping` (as it is, or with `source` in place of its own: an expression being typed). */
function openTest(
	state: AppState,
	context: SchemaContext,
	options: {pointer: string; objectMapping: ObjectMappingNode; mapping: AttributeMapping; draft?: PromptModal},
): AppState {
	const fields = sourceFields(options.mapping.source, options.objectMapping.sourceObject);
	const key = lastValuesKey(state, context);
	const opened = push(state, (id) => ({
		id,
		kind: 'expressionTest',
		list: initialList,
		context,
		pointer: options.pointer,
		objectMappingPointer: options.objectMapping.pointer,
		label: `${objectMappingLabel(options.objectMapping.model)} · ${options.mapping.targetAttributeName || '(new mapping)'}`,
		mapping: options.mapping,
		fields,
		values: {},
		touched: [],
		selected: 0,
		status: 'preparing',
		attempt: 0,
		valuesKey: key,
		draft: options.draft,
	}));
	const frameId = opened.nextId - 1;
	return addTask({...opened, modal: undefined}, {kind: 'prepareTest', frameId, valuesKey: key, fields});
}

/** `t` on a mapping (list or detail). */
export function testSelectedMapping(state: AppState, context: SchemaContext, node: AttributeMappingNode | undefined): AppState {
	if (!node) return {...state, message: {kind: 'info', text: 'Select an attribute mapping to test.'}};
	if (!node.model.source) return {...state, message: {kind: 'info', text: `${node.label} has no source to test.`}};
	return openTest(state, context, {pointer: node.pointer, objectMapping: node.parent, mapping: node.model});
}

/** Ctrl+T in the expression prompt: test the text as typed; Esc comes back to the prompt with it. */
export function testDraftExpression(state: AppState, context: SchemaContext, prompt: PromptModal): AppState {
	const purpose = prompt.purpose;
	if (purpose.kind !== 'source-value' || purpose.sourceKind !== 'Expression') return state;
	const parsed = parseExpression(prompt.value);
	if (!parsed.ok) return {...state, modal: {...prompt, error: `Not a valid expression at character ${parsed.error.offset + 1}: ${parsed.error.message}`}};
	const source: AttributeMappingSource = {type: 'Function', expression: prompt.value.trim(), name: null, parameters: []};
	if (purpose.target.kind === 'existing') {
		const node = attributeMappingAt(context, purpose.target.pointer);
		if (!node) return state;
		return openTest(state, context, {pointer: node.pointer, objectMapping: node.parent, mapping: {...node.model, source}, draft: prompt});
	}
	const objectMapping = objectMappingAt(context, purpose.target.objectMappingPointer);
	if (!objectMapping) return state;
	return openTest(state, context, {
		pointer: objectMapping.pointer,
		objectMapping,
		mapping: {targetAttributeName: purpose.target.targetAttributeName, source, defaultValue: null},
		draft: prompt,
	});
}

/** The selectable places: each value of each field, and for a multi-valued field one more to add a value. */
export function testSlots(frame: Pick<ExpressionTestFrame, 'fields' | 'values'>): TestSlot[] {
	return frame.fields.flatMap((field, index) => {
		const values = frame.values[field.name] ?? [];
		if (!field.multiValued) return [{field: index, value: 0}];
		return [...values.map((_, position) => ({field: index, value: position})), {field: index, value: 'add' as const}];
	});
}

/** The fields' values as a test input: no value is an absent attribute (null), several a list. */
export function testInput(frame: Pick<ExpressionTestFrame, 'fields' | 'values'>): TestInput {
	const input: TestInput = {};
	for (const field of frame.fields) {
		const values = frame.values[field.name] ?? [];
		input[field.name] = values.length === 0 ? null : field.multiValued ? [...values] : values[0]!;
	}
	return input;
}

/** Starts a run with the values as they are now; an answer for an earlier run is ignored. */
function runTest(state: AppState, frame: ExpressionTestFrame): AppState {
	const attempt = frame.attempt + 1;
	const next = replaceTop(state, {...frame, status: 'running', attempt});
	return addTask(next, {
		kind: 'runTest',
		frameId: frame.id,
		attempt,
		mapping: frame.mapping,
		input: testInput(frame),
		valuesKey: frame.valuesKey,
		schema: frame.context.working.document,
		job: jobTarget(frame.context),
	});
}

/** The last values arrived: they fill the fields the admin has not typed in yet, then the test runs. */
export function testPrefilled(state: AppState, frameId: number, input: TestInput): AppState {
	const frame = state.stack.find((candidate) => candidate.id === frameId);
	if (!isFrameOf(frame, 'expressionTest')) return state;
	const values = {...frame.values};
	let filled = 0;
	for (const field of frame.fields) {
		const last = input[field.name];
		if (frame.touched.includes(field.name) || last === undefined || last === null) continue;
		values[field.name] = Array.isArray(last) ? (field.multiValued ? last : last.slice(0, 1)) : [last];
		filled++;
	}
	const prefill = filled > 0 ? 'Prefilled from the last values used for this job.' : undefined;
	const updated: ExpressionTestFrame = {...frame, values, prefill};
	const next = {...state, stack: state.stack.map((candidate) => (candidate.id === frameId ? updated : candidate))};
	return next.stack[next.stack.length - 1]?.id === frameId ? runTest(next, updated) : next;
}

export function testFinished(state: AppState, frameId: number, attempt: number, run: ExpressionTestFrame['run']): AppState {
	return updateFrameOf(state, frameId, 'expressionTest', (frame) => (frame.attempt === attempt ? {...frame, status: 'done', run} : frame));
}

/** The prompt for the selected value. */
function valuePrompt(frame: ExpressionTestFrame): Modal | undefined {
	const slot = testSlots(frame)[frame.selected];
	const field = slot && frame.fields[slot.field];
	if (!slot || !field) return undefined;
	const values = frame.values[field.name] ?? [];
	const adding = slot.value === 'add';
	const title = `${field.name}${field.multiValued ? (adding ? ' — a new value' : ` — value ${(slot.value as number) + 1}`) : ''}`;
	return {
		kind: 'prompt',
		title,
		hint: `${field.type ?? 'String'}${field.multiValued ? ', multi-valued' : ''}${field.defined ? '' : ', not defined on the source object'} · empty: no value`,
		value: adding ? '' : (values[slot.value as number] ?? ''),
		purpose: {kind: 'test-value', frameId: frame.id, field: field.name, value: slot.value},
	};
}

/** A value typed for a field: stored, and the test runs again. */
export function submitTestValue(state: AppState, frameId: number, fieldName: string, position: number | 'add', text: string): AppState {
	const frame = state.stack[state.stack.length - 1];
	if (!isFrameOf(frame, 'expressionTest') || frame.id !== frameId) return state;
	const field = frame.fields.find((candidate) => candidate.name === fieldName);
	if (!field) return state;
	const values = [...(frame.values[fieldName] ?? [])];
	if (position === 'add') {
		if (text !== '') values.push(text);
	} else if (text === '') {
		values.splice(position, 1);
	} else {
		values[position] = text;
	}
	const next = {...frame, values: {...frame.values, [fieldName]: field.multiValued ? values : values.slice(0, 1)}, touched: [...new Set([...frame.touched, fieldName])]};
	const selected = Math.min(next.selected, testSlots(next).length - 1);
	return runTest(state, {...next, selected: Math.max(0, selected)});
}

/** Where cases are saved when --cases names no file: next to the schema file, or `<app>.<job>.tests.json` here. */
export function defaultCasePath(state: AppState, context: SchemaContext): string {
	if (state.source.kind === 'file') return defaultCaseFilePath(state.source.location ?? state.source.path);
	const slug = (text: string) => text.normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '') || 'app';
	return `${slug(context.appName)}.${slug(context.job?.templateId ?? context.job?.id ?? 'job')}.tests.json`;
}

function saveRun(state: AppState, frame: ExpressionTestFrame): AppState {
	if (frame.status !== 'done' || !frame.run) return {...state, message: {kind: 'info', text: 'Wait for the result, then s saves it as a case.'}};
	if (frame.draft) return {...state, message: {kind: 'info', text: 'Accept the expression first (Esc, Enter): a case tests the mapping as it is.'}};
	const node = attributeMappingAt(frame.context, frame.pointer);
	const testCase = node && caseFromTest(frame.context.working.document, node, testInput(frame), frame.run.result);
	if (!testCase) return {...state, message: {kind: 'info', text: 'Not saved: a result that could not be evaluated makes no case.'}};
	if (!state.casesPath) {
		return {
			...state,
			modal: {
				kind: 'prompt',
				title: 'Save the case to (case file)',
				hint: 'created if missing; later saves this session go to the same file (--cases FILE names it at start)',
				value: defaultCasePath(state, frame.context),
				purpose: {kind: 'case-file', frameId: frame.id},
			},
		};
	}
	return addTask({...state, message: {kind: 'info', text: `Saving the case to ${state.casesPath}…`}}, {kind: 'saveCase', path: state.casesPath, testCase});
}

/** The case file chosen in the prompt: remembered for the session (and the write's checks), then the case saved. */
export function submitCaseFile(state: AppState, frameId: number, path: string): AppState {
	const trimmed = path.trim();
	if (!trimmed) return state;
	const frame = state.stack.find((candidate) => candidate.id === frameId);
	const next = {...state, casesPath: trimmed};
	return isFrameOf(frame, 'expressionTest') ? saveRun(next, frame) : next;
}

/** What to type to name a source object, by where the job reads from. */
function subjectHint(frame: ExpressionTestFrame): string {
	const objectMapping = objectMappingAt(frame.context, frame.objectMappingPointer);
	const request = {sourceDirectoryName: objectMapping?.parent.model.sourceDirectoryName ?? undefined, templateId: frame.context.job?.templateId};
	if (isEntraSource(request)) return "UPN or object id: the Entra user is read (GET /users); if that is refused, the job's newest provisioning log of the user";
	return "UPN, name or id as the provisioning logs show it: the values the job's newest log event of it imported";
}

/** `o`: asks whom to read; the values of that real source object replace the fields. */
function askSubject(state: AppState, frame: ExpressionTestFrame): AppState {
	if (state.source.kind === 'file' || !frame.context.job) {
		return {...state, message: {kind: 'info', text: 'A schema file has no tenant to read a source object from: type the values (⏎).'}};
	}
	if (frame.fields.length === 0) return {...state, message: {kind: 'info', text: 'This expression reads no source attribute: r runs it.'}};
	return {
		...state,
		modal: {
			kind: 'prompt',
			title: 'Fill the fields from which source object?',
			hint: subjectHint(frame),
			value: frame.lastSubject ?? '',
			purpose: {kind: 'test-subject', frameId: frame.id},
		},
	};
}

/** The subject named: its values are read (runner → source-object.ts). */
export function submitTestSubject(state: AppState, frameId: number, text: string): AppState {
	const subject = text.trim();
	const frame = state.stack.find((candidate) => candidate.id === frameId);
	if (!subject || frame?.kind !== 'expressionTest' || !frame.context.job) return state;
	const objectMapping = objectMappingAt(frame.context, frame.objectMappingPointer);
	const next = {...frame, lastSubject: subject, sourceRead: {subject, status: 'reading' as const}};
	return addTask(replaceFrame(state, next), {
		kind: 'readSourceObject',
		frameId,
		request: {
			jobId: frame.context.job.id,
			templateId: frame.context.job.templateId ?? undefined,
			sourceDirectoryName: objectMapping?.parent.model.sourceDirectoryName ?? undefined,
			sourceObjectName: objectMapping?.model.sourceObjectName ?? undefined,
			subject,
			fields: frame.fields.map((field) => ({name: field.name, multiValued: field.multiValued})),
		},
	});
}

function replaceFrame(state: AppState, frame: ExpressionTestFrame): AppState {
	return {...state, stack: state.stack.map((candidate) => (candidate.id === frame.id ? frame : candidate))};
}

/**
 * A source object's values arrived: every field takes the object's value (absent on the object is no value), the
 * fields are marked as typed (late last values do not overwrite them), where they came from is shown, and it runs.
 */
export function sourceObjectRead(state: AppState, frameId: number, subject: string, read: SourceObjectValues | undefined, error: string | undefined): AppState {
	const frame = state.stack.find((candidate) => candidate.id === frameId);
	if (frame?.kind !== 'expressionTest' || frame.sourceRead?.subject !== subject) return state;
	if (!read) return replaceFrame(state, {...frame, sourceRead: {subject, status: 'error', error: error ?? 'nothing was read'}});
	const values: Record<string, readonly string[]> = {};
	for (const field of frame.fields) {
		const value = read.values[field.name];
		if (value === undefined || value === null) continue;
		values[field.name] = Array.isArray(value) ? (field.multiValued ? value : value.slice(0, 1)) : [value];
	}
	const updated: ExpressionTestFrame = {
		...frame,
		values,
		touched: frame.fields.map((field) => field.name),
		prefill: `Values of ${subject} from ${read.from}.`,
		sourceRead: {subject, status: 'done', notes: read.notes},
	};
	const next = replaceFrame(state, updated);
	return next.stack[next.stack.length - 1]?.id === frameId ? runTest(next, updated) : next;
}

function leaveTest(state: AppState, frame: ExpressionTestFrame): AppState {
	const popped = {...state, stack: state.stack.slice(0, -1)};
	// From the expression prompt: back to it, with the text as it was typed.
	return frame.draft ? {...popped, modal: frame.draft} : popped;
}

/** Keys of the test screen; undefined lets the usual handling (help, quit, scrolling a page) take them. */
export function handleTestKey(state: AppState, frame: ExpressionTestFrame, press: KeyPress): AppState | undefined {
	const command: Command | undefined = matchCommand(press, availableCommands(frame, state.readOnly));
	const slots = testSlots(frame);
	switch (command) {
		case 'up':
		case 'down': {
			const selected = Math.max(0, Math.min(slots.length - 1, frame.selected + (command === 'up' ? -1 : 1)));
			return replaceTop(state, keepSelectionVisible(state, {...frame, selected}));
		}
		case 'editTestValue': {
			const modal = valuePrompt(frame);
			return modal ? {...state, modal} : {...state, message: {kind: 'info', text: 'This expression reads no source attribute: r runs it.'}};
		}
		case 'runTest':
			return runTest(state, frame);
		case 'saveCase':
			return saveRun(state, frame);
		case 'readSourceObject':
			return askSubject(state, frame);
		case 'back':
			return leaveTest(state, frame);
		default:
			return undefined;
	}
}

/** Scrolls so that the selected value's line is on screen. */
function keepSelectionVisible(state: AppState, frame: ExpressionTestFrame): ExpressionTestFrame {
	const {lines, selectedLine} = testScreenLines(frame, state.viewport.columns);
	const rows = listViewportRows(state.viewport);
	let offset = frame.list.offset;
	if (selectedLine < offset) offset = selectedLine;
	else if (selectedLine >= offset + rows) offset = selectedLine - rows + 1;
	return {...frame, list: {...frame.list, offset: Math.max(0, Math.min(offset, lines.length - rows))}};
}

/** The screen's text for a width, and which line holds the selected value. */
export function testScreenLines(frame: ExpressionTestFrame, columns: number): {lines: string[]; selectedLine: number} {
	const width = Math.max(20, columns - 2);
	const lines: string[] = [];
	const add = (text: string, indent = '') => {
		for (const line of wrap(clean(text), Math.max(10, width - indent.length))) lines.push(indent + line);
	};
	const source = frame.mapping.source;
	add(frame.draft ? 'Expression being edited (not accepted yet; Esc returns to it)' : 'Expression');
	add(source?.expression ?? (source?.type === 'Attribute' ? `[${source.name ?? ''}]` : `"${source?.name ?? ''}"`), '  ');
	lines.push('');
	let selectedLine = 0;
	if (frame.fields.length === 0) {
		add('It reads no source attribute: nothing to fill in.');
	} else {
		add('Input (an empty value is no value: the attribute is absent, null)');
		const nameWidth = Math.min(32, Math.max(...frame.fields.map((field) => field.name.length)) + 2);
		const slots = testSlots(frame);
		for (const [index, slot] of slots.entries()) {
			const field = frame.fields[slot.field]!;
			const values = frame.values[field.name] ?? [];
			const first = slot.value === 0 || (slot.value === 'add' && values.length === 0);
			const name = first ? clean(field.name).padEnd(nameWidth) : ' '.repeat(nameWidth);
			const text = slot.value === 'add' ? '+ add a value' : values[slot.value] === undefined ? '(no value)' : `"${values[slot.value]}"`;
			const note = first && field.multiValued ? '  (multi-valued)' : first && !field.defined ? '  (not defined on the source object)' : '';
			if (index === frame.selected) selectedLine = lines.length;
			const mark = index === frame.selected ? '› ' : '  ';
			const row = `${mark}${name}${clean(text)}${note}`;
			lines.push(row.length > width ? `${row.slice(0, width - 1)}…` : row);
		}
	}
	if (frame.sourceRead?.status === 'reading') add(`Reading the source object ${frame.sourceRead.subject}…`, '  ');
	else if (frame.sourceRead?.status === 'error') add(`Could not read ${frame.sourceRead.subject}: ${frame.sourceRead.error ?? ''}`, '  ');
	else if (frame.prefill) add(frame.prefill, '  ');
	for (const note of frame.sourceRead?.status === 'done' ? (frame.sourceRead.notes ?? []) : []) add(note, '  ');
	lines.push('');
	add('⏎ edit the selected value · o values of a real source object · r run again · s save this run as a case · Esc back');
	lines.push('');
	if (frame.status === 'preparing') add('Reading the last values used for this job…');
	else if (frame.status === 'running' && !frame.run) add('Running…');
	else if (frame.run) {
		const how = frame.run.localBecause ? "local evaluation (provisioning-explorer's evaluator, not Graph)" : "Graph's parseExpression";
		add(`Result${frame.status === 'running' ? ' (running again…)' : ''} — ${how}`);
		for (const line of describeTestRun(frame.run)) add(line, '  ');
		if (frame.run.localBecause) add(`Evaluated locally: ${frame.run.localBecause}.`, '  ');
	}
	return {lines, selectedLine};
}
