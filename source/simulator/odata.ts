/**
 * The OData query options the simulator supports on `/servicePrincipals`: $filter (eq, ne, in,
 * startswith, and/or/not), $search ("property:text"), $select, $top, $orderby, $count and $skiptoken.
 * Errors are thrown as ODataQueryError and answered as Graph errors by the router.
 */

export class ODataQueryError extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

type Entity = Record<string, unknown>;
export type EntityPredicate = (entity: Entity) => boolean;

const filterableProperties = new Set([
	'id',
	'appId',
	'displayName',
	'applicationTemplateId',
	'appOwnerOrganizationId',
	'servicePrincipalType',
	'accountEnabled',
	'preferredSingleSignOnMode',
	'signInAudience',
]);
const searchableProperties = new Set(['displayName', 'description', 'appDisplayName']);

type Token = {kind: 'identifier' | 'string' | 'punctuation' | 'literal'; text: string; position: number};

function tokenizeFilter(text: string): Token[] {
	const tokens: Token[] = [];
	let index = 0;
	while (index < text.length) {
		const char = text[index] as string;
		if (/\s/.test(char)) {
			index++;
			continue;
		}
		if (char === '(' || char === ')' || char === ',') {
			tokens.push({kind: 'punctuation', text: char, position: index});
			index++;
			continue;
		}
		if (char === "'") {
			// OData escapes a quote inside a string by doubling it.
			let value = '';
			let cursor = index + 1;
			for (;;) {
				if (cursor >= text.length) throw new ODataQueryError('BadRequest', `Invalid filter clause: unterminated string literal at position ${index + 1}.`);
				const current = text[cursor];
				if (current === "'") {
					if (text[cursor + 1] === "'") {
						value += "'";
						cursor += 2;
						continue;
					}
					break;
				}
				value += current;
				cursor++;
			}
			tokens.push({kind: 'string', text: value, position: index});
			index = cursor + 1;
			continue;
		}
		const word = /^[A-Za-z0-9_.\-/$]+/.exec(text.slice(index));
		if (!word) throw new ODataQueryError('BadRequest', `Invalid filter clause: unexpected '${char}' at position ${index + 1}.`);
		const value = word[0];
		const isLiteral = /^(true|false|null|-?\d+)$/i.test(value) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
		tokens.push({kind: isLiteral ? 'literal' : 'identifier', text: value, position: index});
		index += value.length;
	}
	return tokens;
}

type Value = string | boolean | null;

/** ne and not are advanced queries on directory objects: ConsistencyLevel: eventual and $count=true (aad-advanced-queries). */
function advancedOnly(what: string): ODataQueryError {
	return new ODataQueryError(
		'Request_UnsupportedQuery',
		`Unsupported query: ${what} needs the advanced query capabilities ('ConsistencyLevel: eventual' header and $count=true).`,
	);
}

class FilterParser {
	private index = 0;

	constructor(
		private readonly tokens: Token[],
		private readonly advanced: boolean,
	) {}

	parse(): EntityPredicate {
		if (this.tokens.length === 0) throw new ODataQueryError('BadRequest', 'Invalid filter clause: the filter is empty.');
		const predicate = this.parseOr();
		const extra = this.tokens[this.index];
		if (extra) throw new ODataQueryError('BadRequest', `Invalid filter clause: unexpected '${extra.text}' at position ${extra.position + 1}.`);
		return predicate;
	}

	private peek(): Token | undefined {
		return this.tokens[this.index];
	}

	private isKeyword(word: string): boolean {
		const token = this.peek();
		return token?.kind === 'identifier' && token.text.toLowerCase() === word;
	}

	private expect(text: string): void {
		const token = this.peek();
		if (token?.text !== text) {
			throw new ODataQueryError('BadRequest', `Invalid filter clause: expected '${text}'${token ? ` at position ${token.position + 1}` : ' at the end'}.`);
		}
		this.index++;
	}

	private parseOr(): EntityPredicate {
		let left = this.parseAnd();
		while (this.isKeyword('or')) {
			this.index++;
			const right = this.parseAnd();
			const previous = left;
			left = (entity) => previous(entity) || right(entity);
		}
		return left;
	}

	private parseAnd(): EntityPredicate {
		let left = this.parseUnary();
		while (this.isKeyword('and')) {
			this.index++;
			const right = this.parseUnary();
			const previous = left;
			left = (entity) => previous(entity) && right(entity);
		}
		return left;
	}

	private parseUnary(): EntityPredicate {
		if (this.isKeyword('not')) {
			if (!this.advanced) throw advancedOnly("the 'not' operator");
			this.index++;
			const inner = this.parseUnary();
			return (entity) => !inner(entity);
		}
		return this.parsePrimary();
	}

	private parsePrimary(): EntityPredicate {
		const token = this.peek();
		if (!token) throw new ODataQueryError('BadRequest', 'Invalid filter clause: the filter ends too early.');
		if (token.text === '(') {
			this.index++;
			const inner = this.parseOr();
			this.expect(')');
			return inner;
		}
		if (token.kind === 'identifier' && this.tokens[this.index + 1]?.text === '(') {
			const name = token.text.toLowerCase();
			if (name !== 'startswith') {
				throw new ODataQueryError('Request_UnsupportedQuery', `Unsupported Query: the function '${token.text}' is not supported.`);
			}
			this.index += 2;
			const property = this.parseProperty();
			this.expect(',');
			const prefix = this.parseValue();
			this.expect(')');
			if (typeof prefix !== 'string') throw new ODataQueryError('BadRequest', 'Invalid filter clause: startswith needs a string.');
			const lowerPrefix = prefix.toLowerCase();
			return (entity) => {
				const value = entity[property];
				return typeof value === 'string' && value.toLowerCase().startsWith(lowerPrefix);
			};
		}
		const property = this.parseProperty();
		const operator = this.peek();
		const operatorText = operator?.text.toLowerCase();
		if (operatorText === 'eq' || operatorText === 'ne') {
			if (operatorText === 'ne' && !this.advanced) throw advancedOnly("the 'ne' operator");
			this.index++;
			const expected = this.parseValue();
			const equal = (entity: Entity) => valuesEqual(entity[property], expected);
			return operatorText === 'eq' ? equal : (entity) => !equal(entity);
		}
		if (operatorText === 'in') {
			this.index++;
			this.expect('(');
			const values: Value[] = [this.parseValue()];
			while (this.peek()?.text === ',') {
				this.index++;
				values.push(this.parseValue());
			}
			this.expect(')');
			return (entity) => values.some((value) => valuesEqual(entity[property], value));
		}
		throw new ODataQueryError(
			'Request_UnsupportedQuery',
			`Unsupported or invalid query filter clause specified for property '${property}' of resource 'ServicePrincipal'.`,
		);
	}

	private parseProperty(): string {
		const token = this.peek();
		if (token?.kind !== 'identifier') {
			throw new ODataQueryError('BadRequest', `Invalid filter clause: expected a property name${token ? ` at position ${token.position + 1}` : ''}.`);
		}
		this.index++;
		const property = [...filterableProperties].find((name) => name.toLowerCase() === token.text.toLowerCase());
		if (!property) {
			throw new ODataQueryError(
				'Request_UnsupportedQuery',
				`Unsupported or invalid query filter clause specified for property '${token.text}' of resource 'ServicePrincipal'.`,
			);
		}
		return property;
	}

	private parseValue(): Value {
		const token = this.peek();
		if (token?.kind === 'string') {
			this.index++;
			return token.text;
		}
		if (token?.kind === 'literal') {
			this.index++;
			const lower = token.text.toLowerCase();
			if (lower === 'true') return true;
			if (lower === 'false') return false;
			if (lower === 'null') return null;
			return token.text;
		}
		throw new ODataQueryError('BadRequest', `Invalid filter clause: expected a value${token ? ` at position ${token.position + 1}` : ' at the end'}.`);
	}
}

/** Directory string comparisons are case-insensitive. */
function valuesEqual(actual: unknown, expected: Value): boolean {
	if (expected === null) return actual === null || actual === undefined;
	if (typeof expected === 'boolean') return actual === expected;
	return typeof actual === 'string' && actual.toLowerCase() === expected.toLowerCase();
}

/** `advanced`: the request carries ConsistencyLevel: eventual and $count=true, which ne and not need. */
export function parseFilter(text: string, advanced = true): EntityPredicate {
	return new FilterParser(tokenizeFilter(text), advanced).parse();
}

/**
 * The words $search matches: split at spaces and symbols, and where lower case turns to upper case
 * ("HelloWorld" → hello, world), lower-cased. Graph's directory $search is token based, not substring.
 */
export function searchTokens(text: string): string[] {
	return text
		.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
		.split(/[^\p{L}\p{N}]+/u)
		.filter((token) => token !== '')
		.map((token) => token.toLowerCase());
}

/**
 * `"displayName:foo"`, optionally combined with AND / OR. Each word of the search text must be the start of a
 * word of the value: "displayName:work" finds "Workday …", "displayName:day" does not.
 */
export function parseSearch(text: string): EntityPredicate {
	const pattern = /"([^"]*)"|\b(AND|OR)\b|(\S+)/g;
	const clauses: EntityPredicate[] = [];
	const operators: ('AND' | 'OR')[] = [];
	for (const match of text.matchAll(pattern)) {
		const [, quoted, operator, bare] = match;
		if (bare !== undefined) throw new ODataQueryError('Request_UnsupportedQuery', `Syntax error: '${bare}' in $search must be a quoted "property:value" clause.`);
		if (operator !== undefined) {
			operators.push(operator as 'AND' | 'OR');
			continue;
		}
		const separator = (quoted ?? '').indexOf(':');
		if (separator <= 0) throw new ODataQueryError('Request_UnsupportedQuery', `Syntax error: $search clause "${quoted}" must have the form "property:value".`);
		const property = (quoted as string).slice(0, separator);
		const known = [...searchableProperties].find((name) => name.toLowerCase() === property.toLowerCase());
		if (!known) throw new ODataQueryError('Request_UnsupportedQuery', `Unsupported property '${property}' in $search for resource 'ServicePrincipal'.`);
		const needles = searchTokens((quoted as string).slice(separator + 1));
		clauses.push((entity) => {
			const value = entity[known];
			if (typeof value !== 'string') return false;
			const words = searchTokens(value);
			return needles.every((needle) => words.some((word) => word.startsWith(needle)));
		});
	}
	if (clauses.length === 0) throw new ODataQueryError('Request_UnsupportedQuery', 'Syntax error: $search is empty.');
	if (operators.length !== clauses.length - 1) throw new ODataQueryError('Request_UnsupportedQuery', 'Syntax error: $search clauses must be joined by AND or OR.');
	return (entity) => {
		let result = (clauses[0] as EntityPredicate)(entity);
		operators.forEach((operator, index) => {
			const next = (clauses[index + 1] as EntityPredicate)(entity);
			result = operator === 'AND' ? result && next : result || next;
		});
		return result;
	};
}

/** $select: the listed properties (checked against the entity's properties) plus id. */
export function parseSelect(text: string, knownProperties: readonly string[], typeName: string): string[] {
	const selected = ['id'];
	for (const raw of text.split(',')) {
		const name = raw.trim();
		if (name === '') continue;
		const known = knownProperties.find((each) => each.toLowerCase() === name.toLowerCase());
		if (!known) throw new ODataQueryError('BadRequest', `Could not find a property named '${name}' on type '${typeName}'.`);
		if (!selected.includes(known)) selected.push(known);
	}
	return selected;
}

export function pickProperties(entity: Entity, properties: readonly string[] | undefined): Entity {
	if (!properties) return entity;
	const picked: Entity = {};
	for (const property of properties) picked[property] = entity[property] ?? null;
	return picked;
}

export const defaultPageSize = 100;
export const maximumPageSize = 999;

export function parseTop(text: string | null): number {
	if (text === null) return defaultPageSize;
	const value = Number(text);
	if (!/^\d+$/.test(text.trim()) || value < 1 || value > maximumPageSize) {
		throw new ODataQueryError('Request_UnsupportedQuery', `Invalid page size specified: '${text}'. Must be between 1 and ${maximumPageSize} inclusive.`);
	}
	return value;
}

/** Skip tokens are opaque to clients: the offset plus a fingerprint of the query they belong to. */
export function encodeSkipToken(offset: number, queryFingerprint: string): string {
	return Buffer.from(JSON.stringify({o: offset, q: queryFingerprint})).toString('base64url');
}

export function decodeSkipToken(token: string, queryFingerprint: string): number {
	try {
		const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {o?: unknown; q?: unknown};
		if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.q === queryFingerprint) return parsed.o;
	} catch {
		// Fall through to the error below.
	}
	throw new ODataQueryError('Request_BadRequest', 'The specified page token value has expired or is invalid for this request.');
}

export function parseOrderBy(text: string): (left: Entity, right: Entity) => number {
	const match = /^\s*displayName(?:\s+(asc|desc))?\s*$/i.exec(text);
	if (!match) throw new ODataQueryError('Request_UnsupportedQuery', `Unsupported sort property in $orderby: '${text}'. Only displayName is supported.`);
	const direction = match[1]?.toLowerCase() === 'desc' ? -1 : 1;
	return (left, right) => direction * String(left.displayName ?? '').localeCompare(String(right.displayName ?? ''), 'en', {sensitivity: 'base'});
}
