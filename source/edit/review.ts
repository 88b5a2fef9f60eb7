/**
 * The review step every write goes through — the explorer's `w`, `i` and `:restore`, and the `import` and `patch`
 * commands alike: from the live schema, the edited one and the pointers that changed, it answers the plan, the
 * problems (with what blocks) and the exact body to send. One place, so they block and warn the same way.
 */
import {buildSchemaIndex} from '../schema/navigation.js';
import type {AttributeMappingSource, SynchronizationSchema} from '../schema/types.js';
import {objectMappingLabel} from './labels.js';
import {checkAgainstLive} from './live-checks.js';
import {buildPlan, type Plan} from './plan.js';
import {type Problem, type ValidateOptions, validateSchema, withParsedSources} from './validate.js';

export type ExpressionToParse = {pointer: string; expression: string; label: string};

/** Graph's parseExpression for the new expressions: problems, and each accepted expression's parse tree in `parsed`. */
export type ExpressionParser = (expressions: ExpressionToParse[], parsed: Map<string, AttributeMappingSource>) => Promise<Problem[]>;

export type ReviewRequest = {
	live: SynchronizationSchema;
	/** What would be sent, before Graph's parse trees are put in. */
	document: SynchronizationSchema;
	/** Pointers the change touched (edits, a patch): only problems there are reported. Undefined: the whole document. */
	changedPointers?: readonly string[];
	/** The job's function names (…/schema/functions), when known. */
	functions?: readonly string[];
	/** A case file's silences: lint rules turned off per mapping. */
	silence?: ValidateOptions['silence'];
	beforeName?: string;
	afterName?: string;
};

export type Review = {
	plan: Plan;
	/** Errors block the write; warnings do not. Errors the live schema has too are warnings. */
	problems: Problem[];
	/** How many new expressions Graph's parser checked. */
	expressionsChecked: number;
	/** Exactly what to send: the document with Graph's own parse trees for the new expressions. */
	body: SynchronizationSchema;
	/** Graph's parse trees by pointer (the explorer puts them into the pending edits, so `P` saves the same body). */
	parsed: ReadonlyMap<string, AttributeMappingSource>;
};

/** Expressions in `after` that `before` does not have for the same target: the ones Graph's parser should see. */
export function changedExpressions(before: SynchronizationSchema, after: SynchronizationSchema): ExpressionToParse[] {
	const known = new Set<string>();
	for (const node of buildSchemaIndex(before).attributeMappings()) {
		const expression = node.mapping.source?.expression;
		if (expression) known.add(`${node.mapping.targetAttributeName}\u0000${expression}`);
	}
	const result: ExpressionToParse[] = [];
	for (const node of buildSchemaIndex(after).attributeMappings()) {
		const expression = node.mapping.source?.expression;
		if (expression && expression.trim() !== '' && !known.has(`${node.mapping.targetAttributeName}\u0000${expression}`)) {
			result.push({pointer: `${node.pointer}/source/expression`, expression, label: `${objectMappingLabel(node.parent.model)} · ${node.label}`});
		}
	}
	return result;
}

/**
 * Errors the live schema has as well are not the change's doing (Graph accepted the schema that way, or our checks
 * are stricter than the service): they are shown as warnings so that they do not block, e.g., restoring a backup.
 * Messages name the mapping rather than its position, so they match across insertions and removals.
 */
export function withoutLiveErrors(problems: Problem[], live: SynchronizationSchema): Problem[] {
	if (!problems.some((problem) => problem.severity === 'error')) return problems;
	const liveErrors = new Set(
		validateSchema(live)
			.filter((problem) => problem.severity === 'error')
			.map((problem) => problem.message),
	);
	return problems.map((problem) =>
		problem.severity === 'error' && liveErrors.has(problem.message) ? {...problem, severity: 'warning', message: `${problem.message} (the live schema has this too)`} : problem,
	);
}

/** The plan, the local checks, then Graph's parser for the new expressions (when a parser is given). */
export async function review(request: ReviewRequest, parseWithGraph?: ExpressionParser): Promise<Review> {
	const {live, document} = request;
	const plan = buildPlan(live, document, {beforeName: request.beforeName, afterName: request.afterName});
	const problems = [
		...checkAgainstLive(live, document),
		...withoutLiveErrors(
			validateSchema(document, {
				only: request.changedPointers ? [...request.changedPointers] : undefined,
				functions: request.functions ? [...request.functions] : undefined,
				silence: request.silence,
			}),
			live,
		),
	];
	const expressions = parseWithGraph ? changedExpressions(live, document) : [];
	const parsed = new Map<string, AttributeMappingSource>();
	if (parseWithGraph && expressions.length > 0) problems.push(...(await parseWithGraph(expressions, parsed)));
	const body = withParsedSources(document, parsed);
	// The plan shows (and its JSON diff prints) exactly the body that is sent.
	const shown = parsed.size > 0 ? buildPlan(live, body, {beforeName: request.beforeName, afterName: request.afterName}) : plan;
	return {plan: shown, problems, expressionsChecked: expressions.length, body, parsed};
}

/** Whether the review lets the write go ahead. */
export function blockingProblems(review: Pick<Review, 'problems'>): Problem[] {
	return review.problems.filter((problem) => problem.severity === 'error');
}
