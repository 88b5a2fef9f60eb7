/**
 * Under --read-only the session holds Synchronization.Read.All only, and Graph's parseExpression, functions and
 * filterOperators document Synchronization.ReadWrite.All (delegated): calling them would only earn a 401. So they
 * are not called; the documented function and operator lists stand in, and the user is told once why.
 */
import {UserError} from '../errors.js';

export const expressionCheckSkippedReason =
	"Graph's own expression check was skipped: it needs Synchronization.ReadWrite.All (--read-only asks for Synchronization.Read.All only); the documented function and operator lists are used.";

/** Thrown by read-only tenant operations instead of calling Graph; `announce` is true the first time only. */
export class ExpressionCheckSkipped extends UserError {
	constructor(readonly announce: boolean) {
		super(expressionCheckSkippedReason, {exitCode: 1});
		this.name = 'ExpressionCheckSkipped';
	}
}

/** A one-shot source of ExpressionCheckSkipped: the first says why, later ones stay quiet. */
export function expressionCheckSkipper(): () => ExpressionCheckSkipped {
	let announced = false;
	return () => {
		const error = new ExpressionCheckSkipped(!announced);
		announced = true;
		return error;
	};
}

/** The notice to show for a failed metadata or check task: the skip reason, once; nothing for other failures. */
export function skippedCheckNotice(error: unknown): {kind: 'info'; text: string} | undefined {
	return error instanceof ExpressionCheckSkipped && error.announce ? {kind: 'info', text: error.message} : undefined;
}
