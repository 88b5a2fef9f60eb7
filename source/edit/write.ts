/**
 * The write path: check drift → back up → PUT → verify. Graph has no ETag for the schema (research §3.9), so the
 * drift check is a fresh GET compared with the version (and, given `base`, the content) the edits were made on.
 * A failed PUT is never repeated: a read-back decides whether it was applied, and the user decides what next.
 *
 * The PUT body follows Microsoft's documented procedure (export, then paste the whole JSON back into the PUT):
 * the whole document as GET returned it, with the change applied — `@odata.context`, the top-level `version`,
 * `id`, `provisioningTaskIdentifier` and every directory field included, the server-maintained top-level fields
 * taken from the live GET the drift check just made. Nothing in Microsoft's documentation says to leave any of
 * them out (decision and sources: docs/graph-notes.md, "The PUT body").
 */
import {describeError, UserError} from '../errors.js';
import {decodeSchemaBytes, parseSchemaText} from '../schema/load.js';
import {escapePointerSegment} from '../schema/pointer.js';
import type {SynchronizationSchema} from '../schema/types.js';
import {type BackupNoteResult, saveBackupNote, settleBackupNote, summarizePlan} from './backup-notes.js';
import {saveBackup} from './backups.js';
import {type SchemaStore, storeAnswered} from './store.js';
import {compactJson, isPlainObject, type JsonObject, jsonEqual, withoutServerFields} from './json.js';
import {buildPlan, type Plan} from './plan.js';

export type WriteStep = 'checking-drift' | 'backing-up' | 'writing' | 'verifying';

/** The live schema is not the one the edits were made on: nothing was written. */
export class DriftError extends UserError {
	readonly liveVersion: string | null;
	readonly live: SynchronizationSchema;
	readonly liveBytes: Uint8Array;
	/** What changed on the server: `base` → current live (without `base`: current live → the document you tried to send). */
	readonly plan: Plan;
	constructor(options: {baseVersion: string | null; liveVersion: string | null; live: SynchronizationSchema; liveBytes: Uint8Array; plan: Plan}) {
		const {counts} = options.plan;
		const what = [
			counts.added ? `${counts.added} mapping${counts.added === 1 ? '' : 's'} added` : '',
			counts.changed ? `${counts.changed} changed` : '',
			counts.removed ? `${counts.removed} removed` : '',
		]
			.filter(Boolean)
			.join(', ');
		const versions = options.baseVersion !== options.liveVersion ? ` (version ${options.baseVersion ?? 'none'} → ${options.liveVersion ?? 'none'})` : '';
		super(
			`Someone changed this job's schema after you loaded it${versions}${what ? `: ${what}` : ''}. Nothing was written: review what changed, then re-apply your edits on the new version.`,
		);
		this.name = 'DriftError';
		this.liveVersion = options.liveVersion;
		this.live = options.live;
		this.liveBytes = options.liveBytes;
		this.plan = options.plan;
	}
}

/** Under v1.0, the schema read through beta holds properties v1.0 does not show: nothing was written. */
export class UnmodelledPropertiesError extends UserError {
	readonly pointers: string[];
	constructor(pointers: string[]) {
		const shown = pointers.slice(0, 6).join(', ') + (pointers.length > 6 ? `, and ${pointers.length - 6} more` : '');
		super(
			`Nothing was written: read through beta, this schema holds ${pointers.length === 1 ? 'a property' : 'properties'} that API version v1.0 does not show (${shown}; e.g. cloud sync's OU and group scoping), and a write through v1.0 replaces the whole schema, so it would remove them. Write with --api-version beta (the default).`,
		);
		this.name = 'UnmodelledPropertiesError';
		this.pointers = pointers;
	}
}

/**
 * Under v1.0, the pointers of what the schema holds when read through beta and `live` (read through v1.0) lacks;
 * empty under beta. Checked before the plan is confirmed and again just before the PUT.
 */
export async function unmodelledThroughV1(store: SchemaStore, servicePrincipalId: string, jobId: string, live: unknown, signal?: AbortSignal): Promise<string[]> {
	if (store.apiVersion !== 'v1.0') return [];
	const throughBeta = parseLive(new Uint8Array(await store.getSchemaBytes(servicePrincipalId, jobId, signal, 'beta')), 'the schema read through beta');
	return propertiesOnlyIn(throughBeta, live);
}

/**
 * Pointers of what `wider` has and `narrower` lacks: object keys (not `@odata.*` annotations) missing at the same
 * place, arrays compared by position. Both are the same schema read through two API versions.
 */
export function propertiesOnlyIn(wider: unknown, narrower: unknown): string[] {
	const found: string[] = [];
	const stack: Array<[string, unknown, unknown]> = [['', wider, narrower]];
	while (stack.length > 0) {
		const [pointer, a, b] = stack.pop()!;
		if (Array.isArray(a) && Array.isArray(b)) {
			for (let i = Math.min(a.length, b.length) - 1; i >= 0; i--) stack.push([`${pointer}/${i}`, a[i], b[i]]);
		} else if (isPlainObject(a) && isPlainObject(b)) {
			const nested: Array<[string, unknown, unknown]> = [];
			for (const key of Object.keys(a)) {
				if (key.startsWith('@odata.')) continue;
				const at = `${pointer}/${escapePointerSegment(key)}`;
				if (!Object.hasOwn(b, key)) found.push(at);
				else nested.push([at, a[key], b[key]]);
			}
			stack.push(...nested.reverse());
		}
	}
	return found;
}

export type AppliedState = 'no' | 'yes' | 'unknown';

/** The PUT failed. `applied` says what a read-back found; it is never retried. */
export class WriteFailedError extends UserError {
	readonly backupPath: string;
	readonly applied: AppliedState;
	constructor(message: string, options: {backupPath: string; applied: AppliedState; cause?: unknown}) {
		super(message, {cause: options.cause});
		this.name = 'WriteFailedError';
		this.backupPath = options.backupPath;
		this.applied = options.applied;
	}
}

/** The PUT succeeded, but the schema read back differs from what was sent. */
export class VerifyMismatchError extends UserError {
	readonly backupPath: string;
	/** `pointer: sent X, stored Y`, at most 20. */
	readonly differences: string[];
	readonly newVersion: string | null;
	constructor(options: {backupPath: string; differences: string[]; total: number; newVersion: string | null}) {
		const first = options.differences[0] ?? '';
		super(
			`The schema was saved, but reading it back shows ${options.total} difference${options.total === 1 ? '' : 's'} from what was sent (${first}${options.total > 1 ? '; …' : ''}). The previous schema is backed up at ${options.backupPath}.`,
		);
		this.name = 'VerifyMismatchError';
		this.backupPath = options.backupPath;
		this.differences = options.differences;
		this.newVersion = options.newVersion;
	}
}

/** The PUT succeeded (204) but the schema could not be read back to verify it. */
export class VerifyUnavailableError extends UserError {
	readonly backupPath: string;
	constructor(message: string, options: {backupPath: string; cause?: unknown}) {
		super(message, {cause: options.cause});
		this.name = 'VerifyUnavailableError';
		this.backupPath = options.backupPath;
	}
}

export type WriteResult = {
	backupPath: string;
	newVersion: string | null;
	/**
	 * What Graph filled in or normalised when it stored the schema (every change made is stored): `pointer: sent X,
	 * stored Y`, at most 20, and their number. Empty when the read-back equals what was sent.
	 */
	normalised: string[];
	normalisedTotal: number;
};

export type WriteOptions = {
	graph: SchemaStore;
	servicePrincipalId: string;
	jobId: string;
	/** For the backup's file name. */
	appName: string;
	templateId?: string;
	/** The `version` the edits were made on (WorkingCopy.baseVersion). */
	baseVersion: string | null | undefined;
	/** The live document the edits were made on (WorkingCopy.live): makes the drift check compare content too, and DriftError.plan say what changed. */
	base?: SynchronizationSchema;
	/** What to send. */
	document: SynchronizationSchema;
	/** Default: backupDirectory() (the user's state directory), or --backup-dir. */
	backupDirectory?: string;
	onStep?: (step: WriteStep) => void;
	signal?: AbortSignal;
	/** For the backup's note: who is signed in (never a token). */
	author?: {account: string; tenantId?: string};
	/** For the backup's note: what this write is, e.g. `import of prod.schema.json`. */
	operation?: string;
	/** For the backup's note: the plan the user confirmed (live → document); computed when left out. */
	plan?: Plan;
};

/** Without server-maintained fields, for comparing what was sent with what is stored. */
function comparable(document: SynchronizationSchema): JsonObject {
	const stripped = withoutServerFields(document) as JsonObject;
	if (!Array.isArray(stripped.directories)) return stripped;
	// Directory versions are also maintained by the service (research §1.3).
	return {
		...stripped,
		directories: stripped.directories.map((directory: unknown) => {
			if (!isPlainObject(directory) || !Object.hasOwn(directory, 'version')) return directory;
			const {version: _version, ...rest} = directory;
			return rest;
		}),
	};
}

function versionOf(document: SynchronizationSchema): string | null {
	return typeof document.version === 'string' ? document.version : null;
}

function parseLive(bytes: Uint8Array, what: string): SynchronizationSchema {
	try {
		return parseSchemaText(decodeSchemaBytes(bytes).text, what);
	} catch (error) {
		throw new UserError(`Graph returned a schema that cannot be read (${describeError(error)}); nothing was written.`);
	}
}

/** Top-level fields the service maintains, sent as the live GET returned them. */
const liveTopLevelFields = ['@odata.context', 'version'] as const;

/**
 * The request body: the document as compact JSON. Given `live` (the schema GET returned just before), its
 * `@odata.context` and `version` are the ones sent, so the body is the live document with the change applied.
 */
export function putBody(document: SynchronizationSchema, live?: SynchronizationSchema): string {
	if (!live) return JSON.stringify(document);
	const body: Record<string, unknown> = {...document};
	for (const key of liveTopLevelFields) {
		if (Object.hasOwn(live, key)) body[key] = live[key];
		else delete body[key];
	}
	return JSON.stringify(body);
}

export async function writeSchema(options: WriteOptions): Promise<WriteResult> {
	try {
		const result = await writeSchemaSteps(options);
		await settleBackupNote(result.backupPath, {result: 'written', newVersion: result.newVersion});
		return result;
	} catch (error) {
		const settled = noteOutcome(error);
		if (settled) await settleBackupNote(settled.backupPath, settled.outcome);
		throw error;
	}
}

/** How a failed write ends in the backup's note (no backup, no note: the error came before it). */
function noteOutcome(error: unknown): {backupPath: string; outcome: {result: BackupNoteResult; newVersion?: string | null}} | undefined {
	if (error instanceof VerifyMismatchError) return {backupPath: error.backupPath, outcome: {result: 'written-with-differences', newVersion: error.newVersion}};
	if (error instanceof VerifyUnavailableError) return {backupPath: error.backupPath, outcome: {result: 'written'}};
	if (error instanceof WriteFailedError) return {backupPath: error.backupPath, outcome: {result: error.applied === 'yes' ? 'written' : error.applied === 'no' ? 'failed' : 'unknown'}};
	return undefined;
}

function backupNoteFor(options: WriteOptions, live: SynchronizationSchema): Parameters<typeof saveBackupNote>[1] {
	const plan = options.plan ?? buildPlan(live, options.document);
	return {
		takenAt: new Date().toISOString(),
		account: options.author?.account ?? null,
		tenantId: options.author?.tenantId ?? null,
		app: {id: options.servicePrincipalId, displayName: options.appName},
		job: {id: options.jobId, templateId: options.templateId ?? null},
		schemaVersion: versionOf(live),
		operation: options.operation ?? null,
		change: summarizePlan(plan),
		counts: plan.counts,
		result: 'pending',
	};
}

async function writeSchemaSteps(options: WriteOptions): Promise<WriteResult> {
	const {graph, servicePrincipalId, jobId, signal} = options;
	const step = (name: WriteStep) => options.onStep?.(name);

	step('checking-drift');
	const liveBytes = new Uint8Array(await graph.getSchemaBytes(servicePrincipalId, jobId, signal));
	const live = parseLive(liveBytes, 'the live schema');
	const liveVersion = versionOf(live);
	const baseVersion = options.baseVersion ?? null;
	if (liveVersion !== baseVersion || (options.base && !jsonEqual(comparable(options.base), comparable(live)))) {
		const plan = options.base ? buildPlan(options.base, live, {beforeName: 'when loaded', afterName: 'live now'}) : buildPlan(live, options.document, {beforeName: 'live now', afterName: 'to send'});
		throw new DriftError({baseVersion, liveVersion, live, liveBytes, plan});
	}

	// v1.0 does not model everything beta does (cloud sync's OU and group scoping): a PUT replaces the whole
	// schema, so writing through v1.0 would silently remove what v1.0 did not show. Look through beta first.
	const unmodelled = await unmodelledThroughV1(graph, servicePrincipalId, jobId, live, signal);
	if (unmodelled.length > 0) throw new UnmodelledPropertiesError(unmodelled);

	step('backing-up');
	let backupPath: string;
	try {
		backupPath = await saveBackup({
			appName: options.appName,
			templateId: options.templateId,
			jobId,
			bytes: liveBytes,
			version: liveVersion,
			directory: options.backupDirectory,
		});
	} catch (error) {
		throw new UserError(`Could not save a backup of the live schema (${describeError(error)}); nothing was written. Check the backup directory, or choose another one with --backup-dir.`);
	}
	try {
		await saveBackupNote(backupPath, backupNoteFor(options, live));
	} catch (error) {
		throw new UserError(`Could not save the note beside the backup ${backupPath} (${describeError(error)}); nothing was written. Check the backup directory, or choose another one with --backup-dir.`);
	}

	step('writing');
	const body = putBody(options.document, live);
	try {
		await graph.putSchema(servicePrincipalId, jobId, body, signal);
	} catch (error) {
		throw await failedWrite(options, error, {live, liveVersion, body, backupPath});
	}

	step('verifying');
	let stored: SynchronizationSchema;
	try {
		stored = parseLive(new Uint8Array(await graph.getSchemaBytes(servicePrincipalId, jobId, signal)), 'the saved schema');
	} catch (error) {
		throw new VerifyUnavailableError(
			`The schema was saved, but reading it back to verify failed (${describeError(error)}). Reload it to check; the previous schema is backed up at ${backupPath}.`,
			{backupPath, cause: error},
		);
	}
	const sent = JSON.parse(body) as SynchronizationSchema;
	const differences = listDifferences(comparable(sent), comparable(stored), 20);
	// The service may fill in defaults or normalise what it stores: that is not a failed write, as long as every
	// change this write made is there. Only a change that is not stored as sent is a mismatch.
	if (differences.total > 0 && changesNotStored(comparable(live), comparable(sent), comparable(stored)).length > 0) {
		throw new VerifyMismatchError({backupPath, differences: differences.items, total: differences.total, newVersion: versionOf(stored)});
	}
	return {backupPath, newVersion: versionOf(stored), normalised: differences.items, normalisedTotal: differences.total};
}

/** A value a service plausibly fills in for something left out. */
function isDefaultLike(value: unknown): boolean {
	return value === null || value === false || value === '' || (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0);
}

/** `stored` says what `sent` says, allowing defaults filled in (key order never counts). */
function storedAsSent(sent: unknown, stored: unknown): boolean {
	if (jsonEqual(sent, stored)) return true;
	if (Array.isArray(sent) && Array.isArray(stored)) return sent.length === stored.length && sent.every((item, index) => storedAsSent(item, stored[index]));
	if (isPlainObject(sent) && isPlainObject(stored)) {
		for (const key of Object.keys(sent)) {
			if (Object.hasOwn(stored, key) ? !storedAsSent(sent[key], stored[key]) : !isDefaultLike(sent[key])) return false;
		}
		return Object.keys(stored).every((key) => Object.hasOwn(sent, key) || isDefaultLike(stored[key]));
	}
	return false;
}

/** Pointers where `before` and `after` differ, as deep as both sides have the same shape (arrays of equal length). */
function changedPointers(before: unknown, after: unknown, pointer = '', found: string[] = []): string[] {
	if (jsonEqual(before, after)) return found;
	if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
		for (let i = 0; i < before.length; i++) changedPointers(before[i], after[i], `${pointer}/${i}`, found);
	} else if (isPlainObject(before) && isPlainObject(after)) {
		for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
			const at = `${pointer}/${escapePointerSegment(key)}`;
			if (!Object.hasOwn(before, key) || !Object.hasOwn(after, key)) found.push(at);
			else changedPointers(before[key], after[key], at, found);
		}
	} else {
		found.push(pointer);
	}
	return found;
}

function valueAt(document: unknown, pointer: string): unknown {
	let value = document;
	for (const segment of pointer.split('/').slice(1)) {
		const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
		if (Array.isArray(value)) value = value[Number(key)];
		else if (isPlainObject(value) && Object.hasOwn(value, key)) value = value[key];
		else return undefined;
	}
	return value;
}

/** The changes (live → sent) that the stored schema does not hold as sent. */
export function changesNotStored(live: unknown, sent: unknown, stored: unknown): string[] {
	return changedPointers(live, sent).filter((pointer) => {
		const wanted = valueAt(sent, pointer);
		const found = valueAt(stored, pointer);
		if (wanted === undefined) return found !== undefined && !isDefaultLike(found);
		return found === undefined ? !isDefaultLike(wanted) : !storedAsSent(wanted, found);
	});
}

async function failedWrite(
	options: WriteOptions,
	error: unknown,
	context: {live: SynchronizationSchema; liveVersion: string | null; body: string; backupPath: string},
): Promise<WriteFailedError> {
	const cause = describeError(error).replace(/\.$/, '');
	const {backupPath} = context;
	if (options.signal?.aborted) {
		return new WriteFailedError(
			`The write was cancelled while the request was on its way, so it may or may not have been applied. Reload the schema to find out before writing again; the previous schema is backed up at ${backupPath}.`,
			{backupPath, applied: 'unknown', cause: error},
		);
	}
	// Read back (without the caller's signal: finding out matters more than the cancelled wait).
	let stored: SynchronizationSchema;
	try {
		stored = parseLive(new Uint8Array(await options.graph.getSchemaBytes(options.servicePrincipalId, options.jobId)), 'the schema read back');
	} catch (readError) {
		return new WriteFailedError(
			`The write failed (${cause}), and reading the schema back also failed (${describeError(readError).replace(/\.$/, '')}), so it is unknown whether it was applied. Reload the schema before writing again; the previous schema is backed up at ${backupPath}.`,
			{backupPath, applied: 'unknown', cause: error},
		);
	}
	const storedVersion = versionOf(stored);
	const matchesSent = jsonEqual(comparable(stored), comparable(JSON.parse(context.body) as SynchronizationSchema));
	const unchanged = storedVersion === context.liveVersion && jsonEqual(comparable(stored), comparable(context.live));
	if (matchesSent && (storedVersion !== context.liveVersion || !unchanged)) {
		return new WriteFailedError(
			`Graph reported a failure (${cause}), but the schema read back is exactly what was sent, so the write was applied. The previous schema is backed up at ${backupPath}.`,
			{backupPath, applied: 'yes', cause: error},
		);
	}
	if (unchanged) {
		// Without an answer, the request might still be in the service's queue: say so.
		const answered = storeAnswered(error);
		const next = answered ? 'fix the cause, then write again' : 'reload in a minute to make sure it did not land late, then write again';
		return new WriteFailedError(
			`The write failed (${cause}). Reading the schema back shows it unchanged, so nothing was applied; the live schema is backed up at ${backupPath}. Nothing was retried: ${next}.`,
			{backupPath, applied: 'no', cause: error},
		);
	}
	return new WriteFailedError(
		`The write failed (${cause}), and the schema read back is neither the previous one nor what was sent (someone else may have changed it). Reload and review it before writing again; the previous schema is backed up at ${backupPath}.`,
		{backupPath, applied: 'unknown', cause: error},
	);
}

/** Differences between two JSON values as `pointer: sent X, stored Y` (arrays by position), at most `limit` listed. */
export function listDifferences(sent: unknown, stored: unknown, limit: number): {items: string[]; total: number} {
	const items: string[] = [];
	let total = 0;
	const note = (pointer: string, text: string) => {
		total++;
		if (items.length < limit) items.push(`${pointer || '/'}: ${text}`);
	};
	const stack: Array<[string, unknown, unknown]> = [['', sent, stored]];
	while (stack.length > 0) {
		const [pointer, a, b] = stack.pop()!;
		if (jsonEqual(a, b)) continue;
		if (Array.isArray(a) && Array.isArray(b)) {
			if (a.length !== b.length) note(pointer, `sent ${a.length} elements, stored ${b.length}`);
			for (let i = Math.min(a.length, b.length) - 1; i >= 0; i--) stack.push([`${pointer}/${i}`, a[i], b[i]]);
			continue;
		}
		if (isPlainObject(a) && isPlainObject(b)) {
			const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].reverse();
			for (const key of keys) {
				const at = `${pointer}/${escapePointerSegment(key)}`;
				if (!Object.hasOwn(b, key)) note(at, `sent ${compactJson(a[key], 40)}, missing when read back`);
				else if (!Object.hasOwn(a, key)) note(at, `not sent, stored ${compactJson(b[key], 40)}`);
				else stack.push([at, a[key], b[key]]);
			}
			continue;
		}
		note(pointer, `sent ${compactJson(a, 40)}, stored ${compactJson(b, 40)}`);
	}
	return {items, total};
}

/**
 * The document without `@odata.*` annotations (at every level) and without the top-level `version`: the fields
 * Graph maintains itself, left out of every write. Unchanged subtrees are shared with the input.
 */
export function stripServerFields(document: SynchronizationSchema): SynchronizationSchema {
	return withoutServerFields(document);
}
