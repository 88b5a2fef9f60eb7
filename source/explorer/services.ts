import type {AccountDescription, SignedIn, SignInPrompt} from '../auth/types.js';
import type {Problem, WriteOptions, WriteResult} from '../edit/index.js';
import type {HistoryListing, HistoryVersion} from '../history/versions.js';
import type {DeepLinkRequest, InitialLocation} from './deep-link.js';
import type {RecentApp} from './recent-apps.js';
import type {RetryNotice} from '../graph/client.js';
import type {TestInput, TestResult} from '../expressions/test-runner.js';
import type {SchemaBytes} from '../schema/file-bytes.js';
import type {AttributeMapping, AttributeMappingSource, ServicePrincipal, SynchronizationJob, SynchronizationSchema} from '../schema/types.js';

export type {
	AccountDescription,
	BrowserSignInInstruction,
	DeviceCodeInstruction,
	DeviceCodePrompt,
	SignedIn,
	SignInPrompt,
} from '../auth/types.js';

export type {RetryNotice, SchemaBytes};

/** A service principal that has at least one provisioning job. */
export type AppSummary = {
	servicePrincipal: ServicePrincipal;
	jobs: SynchronizationJob[];
	/** Set when Graph refused to list this app's jobs for lack of a permission or directory role ("no access"): why. */
	noAccess?: string;
};

/**
 * A schema as Graph returned it: the exact bytes (for export) and the parsed document (for browsing). A file's bytes
 * stay on disk (SchemaFileBytes) and are read again to export.
 */
export type SchemaDownload = {
	bytes: SchemaBytes;
	schema: SynchronizationSchema;
};

/** `path` is what the screens show; `location`, where a file session's schema is (absolute), for files kept beside it. */
export type ExplorerSource = {kind: 'tenant'; label: string} | {kind: 'file'; path: string; location?: string};

/**
 * Everything the explorer does outside itself (sign-in, Graph, files), behind one interface so that
 * the UI stays a pure state machine and tests can drive it against the simulator.
 */
export interface ExplorerServices {
	readonly source: ExplorerSource;
	/**
	 * Signs in: silently from the saved sign-in when it works (and at once for app-only credentials),
	 * else through `onPrompt`. `prompt: 'always'` asks even when a saved sign-in exists (:login).
	 */
	signIn(options: {onPrompt: (prompt: SignInPrompt) => void; signal: AbortSignal; prompt?: 'auto' | 'always'}): Promise<SignedIn>;
	listApps(options: {onProgress: (done: number, total: number) => void; signal: AbortSignal}): Promise<AppSummary[]>;
	listJobs(servicePrincipalId: string, signal: AbortSignal): Promise<SynchronizationJob[]>;
	getSchema(servicePrincipalId: string, jobId: string, signal: AbortSignal): Promise<SchemaDownload>;
	/** File mode: the schema file given on the command line. */
	openFile(): Promise<SchemaDownload>;
	/** Where an export with this file name is written (an absolute path), so the explorer can say so first. */
	exportPath(fileName: string): string;
	/** Whether a file exists at the path (an export asks before replacing one). */
	fileExists(path: string): Promise<boolean>;
	/** Writes an export atomically to the path (from exportPath) and answers the path written. */
	saveExport(bytes: Uint8Array | AsyncIterable<Uint8Array>, path: string): Promise<string>;
	/** Forgets the signed-in account on this computer (token cache included); tenant sessions only. */
	signOut?(): Promise<void>;
	/** Who is signed in; undefined before sign-in. Tenant sessions only. */
	describeAccount?(): Promise<AccountDescription | undefined>;
	/** Calls `listener` before each automatic Graph retry (throttling, outages); answers an unsubscribe. */
	watchRetries?(listener: (notice: RetryNotice) => void): () => void;
	/** No edit or write can happen (--read-only). */
	readonly readOnly: boolean;
	/** Reads a schema file in any encoding the loader accepts (import, restore). */
	readSchemaFile(path: string): Promise<SchemaDownload>;
	/** Reads a JSON Patch file (--patch). */
	readPatchFile(path: string): Promise<unknown>;
	/** Writes text atomically (a saved patch) and answers the absolute path written. */
	saveTextFile(path: string, text: string): Promise<string>;
	/** Backups of one job, newest first (for :restore). */
	listBackups(appName: string, templateId: string | undefined, jobId: string | undefined): Promise<BackupEntry[]>;
	/** Operations on the tenant; undefined when browsing a file offline. */
	readonly tenant?: TenantOperations;
	/** The versions known for a job, newest first: backups with their notes, and exports in --history-dir (issue 13). */
	listHistory?(job: {appName: string; templateId?: string; jobId: string}): Promise<HistoryListing>;
	/** The schema of one listed version, to compare (buildPlan) or restore through the usual plan and write. */
	readHistoryVersion?(version: HistoryVersion): Promise<SynchronizationSchema>;
	/** The signed-in tenant's recently opened apps, most recent first (tenant sessions; empty before sign-in). */
	recentApps?(): Promise<RecentApp[]>;
	/** Remembers an app as opened in the signed-in tenant; never fails (a missing state directory is not the user's problem). */
	rememberApp?(app: {id: string; displayName: string}): Promise<void>;
	/** Finds an app/job/object mapping/attribute mapping by the deep-link names (`:open`); UsageError listing the choices when none or several match. */
	resolveLocation?(request: DeepLinkRequest, signal?: AbortSignal): Promise<InitialLocation>;
}

import type {LoopOperations} from './loop-operations.js';
import type {SourceObjectRequest, SourceObjectValues} from './source-object.js';

export type BackupEntry = {path: string; createdAt: Date; version?: string};

/** What the editor needs from the tenant: server-side checks and the safe write path. */
export interface TenantOperations {
	validateExpressions(
		servicePrincipalId: string,
		jobId: string,
		expressions: Array<{pointer: string; expression: string}>,
		signal?: AbortSignal,
		/** Filled with Graph's parse tree of each accepted expression, by pointer. */
		parsed?: Map<string, AttributeMappingSource>,
	): Promise<Problem[]>;
	listFunctions(servicePrincipalId: string, jobId: string): Promise<string[]>;
	listFilterOperators(servicePrincipalId: string, jobId: string): Promise<string[]>;
	/** Evaluates a mapping's source on test input through the job's parseExpression (testInputObject). */
	testExpression(servicePrincipalId: string, jobId: string, mapping: {model: AttributeMapping}, input: TestInput, signal?: AbortSignal): Promise<TestResult>;
	/** A real source object's values for the expression test: the Entra user, or the newest provisioning log event (source-object.ts). */
	readSourceObject?(request: SourceObjectRequest, signal?: AbortSignal, onConsentPrompt?: (prompt: import('../auth/types.js').SignInPrompt) => void): Promise<SourceObjectValues>;
	/** The safe write path of source/edit (drift check, backup, PUT, verify) on this tenant. */
	writeSchema(options: Omit<WriteOptions, 'graph' | 'backupDirectory'>): Promise<WriteResult>;
	/** Job status and actions, provision on demand, provisioning logs (issue 11). */
	readonly loop?: LoopOperations;
}

const statusSeverity: Record<string, number> = {Quarantine: 4, Paused: 3, NotRun: 2, NotConfigured: 2, Active: 1};

/** The most worrying status among an app's jobs, for the app list. */
export function worstJobStatus(jobs: readonly SynchronizationJob[]): string {
	let worst = '';
	let worstSeverity = 0;
	for (const job of jobs) {
		const code = job.status?.code ?? 'Unknown';
		const severity = statusSeverity[code] ?? 5;
		if (severity > worstSeverity) {
			worst = code;
			worstSeverity = severity;
		}
	}
	return worst;
}

/** A readable, file-system-safe default name for an export: app, job template and time. */
export function exportFileName(appName: string, job: Pick<SynchronizationJob, 'id' | 'templateId'>, now: Date): string {
	const slug = (text: string) =>
		text
			.normalize('NFKD')
			.replace(/[^\w.-]+/g, '-')
			.replace(/-+/g, '-')
			.replace(/^-|-$/g, '')
			.slice(0, 60) || 'app';
	const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
	return `${slug(appName)}.${slug(job.templateId ?? job.id.split('.')[0] ?? 'job')}.${stamp}.schema.json`;
}
