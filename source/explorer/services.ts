import type {ServicePrincipal, SynchronizationJob, SynchronizationSchema} from '../schema/types.js';

/** What the device-code sign-in asks the user to do. */
export type DeviceCodePrompt = {
	verificationUri: string;
	userCode: string;
	/** Epoch milliseconds. */
	expiresAt: number;
};

export type SignedIn = {account: string; tenant: string};

/** A service principal that has at least one provisioning job. */
export type AppSummary = {
	servicePrincipal: ServicePrincipal;
	jobs: SynchronizationJob[];
};

/** A schema as Graph returned it: the exact bytes (for export) and the parsed document (for browsing). */
export type SchemaDownload = {
	bytes: Uint8Array;
	schema: SynchronizationSchema;
};

export type ExplorerSource = {kind: 'tenant'; label: string} | {kind: 'file'; path: string};

/**
 * Everything the explorer does outside itself (sign-in, Graph, files), behind one interface so that
 * the UI stays a pure state machine and tests can drive it against the simulator.
 */
export interface ExplorerServices {
	readonly source: ExplorerSource;
	signIn(options: {onPrompt: (prompt: DeviceCodePrompt) => void; signal: AbortSignal}): Promise<SignedIn>;
	listApps(options: {onProgress: (done: number, total: number) => void; signal: AbortSignal}): Promise<AppSummary[]>;
	listJobs(servicePrincipalId: string, signal: AbortSignal): Promise<SynchronizationJob[]>;
	getSchema(servicePrincipalId: string, jobId: string, signal: AbortSignal): Promise<SchemaDownload>;
	/** File mode: the schema file given on the command line. */
	openFile(): Promise<SchemaDownload>;
	/** Writes an export atomically and answers the path written. */
	saveExport(bytes: Uint8Array, suggestedName: string): Promise<string>;
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
