/**
 * Issue 13 in the explorer: a job's history (`h`: versions, compare by meaning, restore through the plan), deep
 * links (--sp/--job/--mapping on the command line, `:open` inside) that open a place as if the admin had walked
 * there, recent apps first, and a filter that leaves one row opening it on Enter. Pure, like the rest of update.
 */
import type {InitialLocation, SchemaLocation} from '../explorer/deep-link.js';
import type {AppSummary} from '../explorer/services.js';
import type {HistoryListing, HistoryVersion} from '../history/versions.js';
import type {SynchronizationJob} from '../schema/types.js';
import type {SchemaContext} from './context.js';
import type {PlaceName} from './open-completion.js';
import {filterRows, fitWindow, initialList, type ListState, namedRow} from './list.js';
import {frameRows, isTextFrame} from './screens/index.js';
import {
	type AppState,
	addTask,
	type CompareSide,
	type Frame,
	frameContext,
	type HistoryFrame,
	isFrameOf,
	type JobsFrame,
	listViewportRows,
	nodeFrame,
	push,
	replaceTop,
	type SchemaFrame,
	topFrame,
	updateFrameOf,
} from './state.js';

/**
 * Enter in a filter opens the highlighted row when the filter leaves only it, or names it exactly (`/Mail` with
 * `mailNickname` also listed: the row named Mail ranks first, where the cursor starts). Lists only, not text screens.
 */
export function filterOpensSingleRow(frame: Frame): boolean {
	if (isTextFrame(frame) || !frame.list.filter) return false;
	const rows = filterRows(frameRows(frame), frame.list.filter);
	if (rows.length === 1) return true;
	const named = namedRow(frameRows(frame), frame.list.filter);
	return named !== undefined && rows[frame.list.cursor] === named;
}

function info(state: AppState, text: string): AppState {
	return {...state, message: {kind: 'info', text}};
}

/**
 * A write left from the history (R restores a version): once the job is read again the history opens again, listed
 * anew with the backup that write left, so the admin lands where they were instead of on the job.
 */
export function historyAfterWrite(above: readonly Frame[]): {thenHistory: true} | Record<string, never> {
	return above.some((frame) => isFrameOf(frame, 'history')) ? {thenHistory: true} : {};
}

/** The history screen of a loaded job, listing its versions. */
export function openHistory(state: AppState, context: SchemaContext): AppState {
	if (state.source.kind === 'file' || !context.job) return info(state, 'History needs a job in a tenant: backups and exports are kept per job.');
	const frameId = state.nextId;
	const job = context.job;
	return addTask(push(state, (id) => ({id, kind: 'history', context, status: 'loading', list: initialList})), {
		kind: 'listHistory',
		frameId,
		job: {appName: context.appName, ...(job.templateId ? {templateId: job.templateId} : {}), jobId: job.id},
	});
}

function selectedVersion(frame: HistoryFrame): HistoryVersion | undefined {
	const row = filterRows(frameRows(frame), frame.list.filter)[frame.list.cursor];
	return row ? frame.listing?.versions[row.index] : undefined;
}

function versionName(version: HistoryVersion): string {
	const when = `${version.at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
	const kind = version.kind === 'commit' ? `commit ${version.commit?.slice(0, 10) ?? ''}` : version.kind === 'file' ? 'export' : 'backup';
	return `version ${version.ref} (${kind} of ${when})`;
}

/** Enter on a version: compare it with the marked version (older → newer), or with live when none is marked. */
export function compareSelected(state: AppState, frame: HistoryFrame): AppState {
	const version = selectedVersion(frame);
	if (!version) return state;
	const marked = frame.marked === undefined ? undefined : frame.listing?.versions.find((candidate) => candidate.ref === frame.marked);
	const live: CompareSide = {kind: 'live', name: 'live', schema: frame.context.download.schema};
	const side = (entry: HistoryVersion): CompareSide => ({kind: 'version', name: versionName(entry), version: entry});
	let before: CompareSide;
	let after: CompareSide;
	if (marked && marked.ref !== version.ref) {
		const [older, newer] = marked.at.getTime() <= version.at.getTime() ? [marked, version] : [version, marked];
		before = side(older);
		after = side(newer);
	} else {
		before = side(version);
		after = live;
	}
	const title = `${before.name} → ${after.name}`;
	const frameId = state.nextId;
	const pushed = push(state, (id) => ({id, kind: 'compare', context: frame.context, status: 'loading', title, list: initialList}));
	return addTask(pushed, {kind: 'compareVersions', frameId, before, after});
}

/** H inside a job (a rule, a mapping, a directory…): the history opens above the screen the admin is on. */
export function jobHistory(state: AppState, frame: Frame): AppState {
	const context = frameContext(frame);
	return context ? openHistory(state, context) : state;
}

/** `h` on the jobs list: the selected job's history (its live schema is read first: the other side of every comparison). */
export function historyOfJob(state: AppState, frame: JobsFrame, index: number | undefined): AppState {
	const job = index === undefined ? undefined : frame.app.jobs[index];
	if (!job) return state;
	return push(state, (id) => ({id, kind: 'schema', status: 'loading', app: frame.app, job, list: initialList, thenHistory: true}));
}

/** Space on a version: marks it to compare with another (again: unmarks it). */
export function markVersion(state: AppState, frame: HistoryFrame): AppState {
	const version = selectedVersion(frame);
	if (!version) return state;
	if (frame.marked === version.ref) return info(replaceTop(state, {...frame, marked: undefined}), 'Mark removed.');
	return info(replaceTop(state, {...frame, marked: version.ref}), `Marked version ${version.ref}: Enter on another version compares the two.`);
}

/** R on a version: read it, then its restore plan opens. */
export function restoreVersion(state: AppState, frame: HistoryFrame): AppState {
	if (state.readOnly) return info(state, 'Read-only: restoring writes to the tenant.');
	const version = selectedVersion(frame);
	if (!version) return state;
	return addTask(info(state, `Reading version ${version.ref}…`), {kind: 'readVersion', jobKey: frame.context.jobKey, version, label: versionName(version)});
}

export function historyListed(state: AppState, frameId: number, listing: HistoryListing | undefined, error: string | undefined): AppState {
	const next = updateFrameOf(state, frameId, 'history', (frame) => ({...frame, status: error ? 'error' : 'ready', listing, error}));
	const notices = listing?.notices ?? [];
	return notices.length > 0 && topFrame(next).id === frameId ? info(next, notices.join(' ')) : next;
}

function cursorAt(list: ListState, index: number, count: number, state: AppState): ListState {
	return fitWindow({...list, cursor: Math.max(0, Math.min(index, count - 1))}, count, listViewportRows(state.viewport));
}

/**
 * The job was read: open the place a deep link names (rule, object mapping, attribute mapping, each with the row
 * selected as if chosen), then the history when `h` asked for it.
 */
export function locateOnLoad(state: AppState, context: SchemaContext, frame: SchemaFrame): AppState {
	let next = state;
	const location = frame.locate;
	const objectMapping = location?.objectMapping ? context.index.nodeAt(location.objectMapping.pointer) : undefined;
	if (objectMapping?.kind === 'objectMapping') {
		const rule = objectMapping.parent;
		const path: Array<{kind: 'rule' | 'objectMapping' | 'attributeMapping'; node: typeof rule | typeof objectMapping | (typeof objectMapping.attributeMappings)[number]; cursor: number}> = [
			{kind: 'rule', node: rule, cursor: objectMapping.position},
		];
		const attribute = location?.attributeMapping ? context.index.nodeAt(location.attributeMapping.pointer) : undefined;
		path.push({kind: 'objectMapping', node: objectMapping, cursor: attribute?.kind === 'attributeMapping' ? attribute.position : 0});
		if (attribute?.kind === 'attributeMapping') path.push({kind: 'attributeMapping', node: attribute, cursor: 0});
		const schemaTop = topFrame(next);
		if (isFrameOf(schemaTop, 'schema')) next = replaceTop(next, {...schemaTop, list: cursorAt(schemaTop.list, rule.position, frameRows(schemaTop).length, next)});
		for (const step of path) {
			const opened = nodeFrame(next.nextId, step.kind, context, step.node, initialList);
			if (!opened) break;
			const list = isTextFrame(opened) ? opened.list : cursorAt(opened.list, step.cursor, frameRows(opened).length, next);
			next = {...next, stack: [...next.stack, {...opened, list}], nextId: next.nextId + 1};
		}
	}
	return frame.thenHistory ? openHistory(next, context) : next;
}

/** Without the app list loaded yet: what the deep link tells about the app and its job. */
function placeholderApp(location: InitialLocation): AppSummary {
	const job: SynchronizationJob = {id: location.jobId, ...(location.templateId ? {templateId: location.templateId} : {})};
	return {servicePrincipal: {id: location.servicePrincipalId, displayName: location.appName}, jobs: [job]};
}

/**
 * Opens a deep link (command line or `:open`): the app list, the app's jobs, the job, then the object and
 * attribute mapping, so that the breadcrumb and Esc go back up as if the admin had walked there.
 */
export function openAtLocation(state: AppState, location: InitialLocation): AppState {
	const appsIndex = state.stack.findIndex((frame) => isFrameOf(frame, 'apps'));
	let next: AppState = appsIndex === -1 ? {...state, stack: [{id: state.nextId, kind: 'apps', status: 'loading', list: initialList}], nextId: state.nextId + 1} : {...state, stack: state.stack.slice(0, appsIndex + 1)};
	const apps = next.stack[0];
	const loaded = isFrameOf(apps, 'apps') ? apps.apps?.find((app) => app.servicePrincipal.id === location.servicePrincipalId) : undefined;
	const app = loaded?.jobs.some((job) => job.id === location.jobId) ? loaded : placeholderApp(location);
	const jobIndex = Math.max(0, app.jobs.findIndex((job) => job.id === location.jobId));
	const job = app.jobs[jobIndex]!;
	if (isFrameOf(apps, 'apps') && apps.apps) {
		const appIndex = apps.apps.indexOf(loaded!);
		if (appIndex >= 0) next = replaceTop(next, {...apps, list: cursorAt({...apps.list, filter: '', filtering: false}, appIndex, apps.apps.length, next)});
	}
	next = push(next, (id) => ({id, kind: 'jobs', app, list: cursorAt(initialList, jobIndex, app.jobs.length, next)}));
	const locate: SchemaLocation | undefined = location.objectMapping ? location : undefined;
	return push(next, (id) => ({id, kind: 'schema', status: 'loading', app, job, list: initialList, ...(locate ? {locate} : {})}));
}

/**
 * The app list arrived: a command line opened while it loaded completes its names now, and under a deep link the
 * jobs screen above it gets the app's full job list.
 */
export function adoptLoadedApps(state: AppState, appsFrameId: number): AppState {
	const next = adoptJobs(state, appsFrameId);
	const modal = next.modal;
	return modal?.kind === 'prompt' && modal.purpose.kind === 'command' ? {...next, modal: {...modal, places: openPlaces(next)}} : next;
}

/** Under a deep link: the jobs screen above the app list gets the app's full job list, rows selected. */
function adoptJobs(state: AppState, appsFrameId: number): AppState {
	const appsIndex = state.stack.findIndex((frame) => frame.id === appsFrameId);
	const apps = state.stack[appsIndex];
	const jobs = state.stack[appsIndex + 1];
	if (!isFrameOf(apps, 'apps') || !apps.apps || !isFrameOf(jobs, 'jobs')) return state;
	const index = apps.apps.findIndex((app) => app.servicePrincipal.id === jobs.app.servicePrincipal.id);
	const app = apps.apps[index];
	if (!app) return state;
	const stack = [...state.stack];
	stack[appsIndex] = {...apps, list: cursorAt(apps.list, index, apps.apps.length, state)};
	const selectedJob = jobs.app.jobs[jobs.list.cursor];
	const jobIndex = Math.max(0, app.jobs.findIndex((job) => job.id === selectedJob?.id));
	stack[appsIndex + 1] = {...jobs, app, list: cursorAt(jobs.list, jobIndex, app.jobs.length, state)};
	return {...state, stack};
}

/** Tab on the command line: the command words (`open` with the space its place follows). */
const commandWords = ['open ', 'restore', 'login', 'logout', 'whoami', 'apps', 'quit', 'help'];

export function commandSuggestions(): string[] {
	return [...commandWords];
}

/** What follows a job in `:open`: its object mappings (each with its targets), then every target it maps. */
function schemaPlaces(context: SchemaContext): PlaceName[] {
	const objectMappings = context.index.rules.flatMap((rule) => rule.objectMappings);
	const targets = (nodes: Iterable<{mapping: {targetAttributeName?: string | null}}>): PlaceName[] =>
		[...nodes].flatMap((node) => (node.mapping.targetAttributeName ? [{name: node.mapping.targetAttributeName}] : []));
	return [
		// Names :open resolves (as --object-mapping does): the object mapping's name, else its target object.
		...objectMappings.map((node) => ({name: node.mapping.name || node.mapping.targetObjectName || node.label, children: targets(node.attributeMappings)})),
		...targets(context.index.attributeMappings()),
	];
}

/**
 * The names `:open APP/JOB/OBJECTMAPPING/TARGET` completes, from what the session holds: the apps of the list
 * (recent first) and their jobs, and the object mappings and targets of the jobs whose schema is loaded.
 */
export function openPlaces(state: AppState): PlaceName[] {
	const loaded = new Map<string, SchemaContext>();
	for (const frame of state.stack) if (isFrameOf(frame, 'schema') && frame.context?.job) loaded.set(frame.context.job.id, frame.context);
	const apps = state.stack.find((frame) => isFrameOf(frame, 'apps'));
	return (apps && isFrameOf(apps, 'apps') ? (apps.apps ?? []) : []).flatMap((app) => {
		if (!app.servicePrincipal.displayName) return [];
		const jobs = app.jobs.map((job) => {
			const context = loaded.get(job.id);
			return {name: job.templateId ?? job.id, children: context ? schemaPlaces(context) : [], more: true};
		});
		return [{name: app.servicePrincipal.displayName, children: jobs}];
	});
}
