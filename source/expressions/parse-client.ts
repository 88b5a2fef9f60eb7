/** What asking the service to parse (and evaluate) an expression needs: Graph's …/schema/parseExpression, as a type. */
import type {AttributeMappingSource} from '../schema/types.js';

/** The answer of …/schema/parseExpression. */
export type ParseExpressionResult = {
	error?: {code?: string; message?: string} | null;
	evaluationResult?: string[] | null;
	evaluationSucceeded?: boolean;
	parsedExpression?: AttributeMappingSource | null;
	parsingSucceeded?: boolean;
};

/** Anything that can parse an expression for a job (the Graph client does). */
export interface ExpressionParserClient {
	parseExpression(
		servicePrincipalId: string,
		jobId: string,
		request: {expression: string; testInputObject?: unknown; targetAttributeDefinition?: unknown},
		signal?: AbortSignal,
	): Promise<ParseExpressionResult>;
}
