/**
 * What the write path and the server-side checks need from wherever schemas live: read the schema's bytes, put a
 * new one, and have the service parse an expression. The Graph client implements it; the editing core does not
 * depend on the client.
 */
import type {ExpressionParserClient} from '../expressions/parse-client.js';

export type {ParseExpressionResult} from '../expressions/parse-client.js';

/** Graph's versions: `beta` models everything the schema holds, `v1.0` not all of it (cloud sync's scoping). */
export type StoreApiVersion = 'beta' | 'v1.0';

export interface SchemaStore extends ExpressionParserClient {
	/** The version the store reads and writes through. */
	readonly apiVersion: StoreApiVersion;
	/** The schema's bytes as sent; `apiVersion` reads it through another version than the store's. */
	getSchemaBytes(servicePrincipalId: string, jobId: string, signal?: AbortSignal, apiVersion?: StoreApiVersion): Promise<Uint8Array>;
	putSchema(servicePrincipalId: string, jobId: string, body: string, signal?: AbortSignal): Promise<void>;
}

/** Whether the store answered the request (an HTTP status came back), as opposed to no answer at all. */
export function storeAnswered(error: unknown): boolean {
	return typeof (error as {status?: unknown} | null)?.status === 'number';
}

/** The status, code and message of a store's error answer (a GraphError carries them in `details`). */
export type StoreErrorDetails = {status: number; code?: string; message?: string; requestId?: string; clientRequestId?: string; date?: string};

export function storeErrorDetails(error: unknown): StoreErrorDetails | undefined {
	const details = (error as {details?: Record<string, unknown>} | null)?.details;
	if (typeof details?.status !== 'number') return undefined;
	const text = (key: string) => (typeof details[key] === 'string' ? (details[key] as string) : undefined);
	return {status: details.status, code: text('code'), message: text('message'), requestId: text('requestId'), clientRequestId: text('clientRequestId'), date: text('date')};
}

