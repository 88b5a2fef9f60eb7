/**
 * What the write path and the server-side checks need from wherever schemas live: read the schema's bytes, put a
 * new one, and have the service parse an expression. The Graph client implements it; the editing core does not
 * depend on the client.
 */
import type {AttributeMappingSource} from '../schema/types.js';

/** The answer of …/schema/parseExpression. */
export type ParseExpressionResult = {
	error?: {code?: string; message?: string} | null;
	evaluationResult?: string[] | null;
	evaluationSucceeded?: boolean;
	parsedExpression?: AttributeMappingSource | null;
	parsingSucceeded?: boolean;
};

export interface SchemaStore {
	/** The Graph version the store reads and writes through (beta or v1.0). */
	readonly apiVersion?: 'beta' | 'v1.0';
	/** `version` reads through another Graph version than the store's own (beta, to see what v1.0 does not show). */
	getSchemaBytes(servicePrincipalId: string, jobId: string, signal?: AbortSignal, version?: 'beta' | 'v1.0'): Promise<Uint8Array>;
	putSchema(servicePrincipalId: string, jobId: string, body: string, signal?: AbortSignal): Promise<void>;
	parseExpression(
		servicePrincipalId: string,
		jobId: string,
		request: {expression: string; testInputObject?: unknown; targetAttributeDefinition?: unknown},
		signal?: AbortSignal,
	): Promise<ParseExpressionResult>;
}

/** Whether the store answered the request (an HTTP status came back), as opposed to no answer at all. */
export function storeAnswered(error: unknown): boolean {
	return typeof (error as {status?: unknown} | null)?.status === 'number';
}
