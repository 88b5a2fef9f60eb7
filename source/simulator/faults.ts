/**
 * Fault injection: rules that make matching requests fail, slow down, hang, reset or truncate.
 * The first matching rule wins and uses up one of its `times`.
 */

export type FaultDrop = 'reset' | 'hang' | 'truncate' | 'stall';

export type FaultRule = {
	/** HTTP method, case-insensitive; any method if absent. */
	method?: string;
	/** Matched against the path without the query: a string matches as a substring. */
	path?: string | RegExp;
	/** How many requests the rule affects (default: all). */
	times?: number;
	/** Let this many matching requests through untouched first (e.g. fail only the second GET). */
	skip?: number;
	/**
	 * Affect only every Nth matching request after `skip` (the Nth, the 2Nth, …), e.g. 5 for a steady 20%;
	 * the others are left to later rules or handled normally. `times` counts the affected requests only.
	 */
	every?: number;
	status?: number;
	/** Sent as the Retry-After header: seconds, or an HTTP date. */
	retryAfter?: number | string;
	/** Sent as the WWW-Authenticate header (a 401's challenge, e.g. `Bearer error="invalid_token"`). */
	wwwAuthenticate?: string;
	/** Raw response body (e.g. malformed JSON); without `status` it is sent with 200. */
	body?: string;
	/** Wait this long first; on its own, the request is then handled normally. */
	delayMs?: number;
	/**
	 * reset: abort the TCP connection (RST). hang: never answer until the client gives up.
	 * truncate: send headers with a Content-Length larger than the body, then cut the connection.
	 * stall: send the headers and half the body, then nothing more, keeping the connection open.
	 */
	drop?: FaultDrop;
	/**
	 * Handle the request first (a PUT takes effect), then answer with this rule's status, body or drop instead:
	 * an answer lost or garbled on its way back. Without it, a rule with status, body, reset or hang stops the
	 * request before it is handled. ('truncate' always cuts the real answer.)
	 */
	afterHandling?: boolean;
};

export type ActiveFault = FaultRule & {readonly id: string; remaining: number; hits: number; toSkip: number; seen: number};

/** The HTTP control route's JSON form of a rule: a regular expression arrives as `pathRegex`. */
export type FaultRuleJson = Omit<FaultRule, 'path' | 'times'> & {path?: string; pathRegex?: string; times?: number | null};

const drops: readonly FaultDrop[] = ['reset', 'hang', 'truncate', 'stall'];

export class FaultInjector {
	private readonly active: ActiveFault[] = [];
	private nextNumber = 1;

	/** Adds a rule and returns its id. */
	add(rule: FaultRule): string {
		validateRule(rule);
		const id = `fault-${this.nextNumber++}`;
		this.active.push({...rule, id, remaining: rule.times ?? Number.POSITIVE_INFINITY, hits: 0, toSkip: rule.skip ?? 0, seen: 0});
		return id;
	}

	remove(id: string): boolean {
		const index = this.active.findIndex((each) => each.id === id);
		if (index < 0) return false;
		this.active.splice(index, 1);
		return true;
	}

	clear(): void {
		this.active.length = 0;
	}

	/** The rules still in force, in matching order. */
	get rules(): readonly ActiveFault[] {
		return this.active;
	}

	/** Finds the first rule matching the request and uses it up once. */
	take(method: string, path: string): ActiveFault | undefined {
		const rule = this.active.find((each) => {
			if (!matches(each, method, path)) return false;
			if (each.toSkip > 0) {
				each.toSkip--;
				return false;
			}
			return each.every === undefined || ++each.seen % each.every === 0;
		});
		if (!rule) return undefined;
		rule.remaining--;
		rule.hits++;
		if (rule.remaining <= 0) this.remove(rule.id);
		return rule;
	}
}

function matches(rule: FaultRule, method: string, path: string): boolean {
	if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) return false;
	if (rule.path === undefined) return true;
	if (typeof rule.path === 'string') return path.includes(rule.path);
	rule.path.lastIndex = 0;
	return rule.path.test(path);
}

function validateRule(rule: FaultRule): void {
	if (rule.times !== undefined && !(rule.times === Number.POSITIVE_INFINITY || (Number.isInteger(rule.times) && rule.times > 0))) {
		throw new RangeError('times must be a positive integer');
	}
	if (rule.every !== undefined && !(Number.isInteger(rule.every) && rule.every > 0)) throw new RangeError('every must be a positive integer');
	if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)) {
		throw new RangeError('status must be an HTTP status code');
	}
	if (rule.delayMs !== undefined && !(Number.isFinite(rule.delayMs) && rule.delayMs >= 0)) throw new RangeError('delayMs must be a non-negative number');
	if (rule.drop !== undefined && !drops.includes(rule.drop)) throw new RangeError(`drop must be one of ${drops.join(', ')}`);
}

/** Converts the control route's JSON into a rule. */
export function faultRuleFromJson(json: FaultRuleJson): FaultRule {
	const {pathRegex, path, times, ...rest} = json;
	if (pathRegex !== undefined && path !== undefined) throw new RangeError('Give either path or pathRegex, not both');
	return {
		...rest,
		...(pathRegex !== undefined ? {path: new RegExp(pathRegex)} : path !== undefined ? {path} : {}),
		...(times === undefined || times === null ? {} : {times}),
	};
}

/** A rule as JSON (for GET /_simulator/faults). */
export function faultToJson(fault: ActiveFault): Record<string, unknown> {
	const {path, remaining, ...rest} = fault;
	return {
		...rest,
		...(path instanceof RegExp ? {pathRegex: path.source} : path !== undefined ? {path} : {}),
		remaining: Number.isFinite(remaining) ? remaining : null,
	};
}
