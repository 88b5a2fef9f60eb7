/**
 * `--normalize`: a schema written so that two exports of the same configuration are the same bytes,
 * and a change shows up in `git diff` as the lines that changed.
 *
 * The order: in every object, the identity keys `id`, `name`, `key`, `targetAttributeName` come first
 * (in that order, those present), then every other key in ordinal order (UTF-16 code units, as
 * JavaScript sorts strings: for Graph's ASCII keys, `@` first, then uppercase before lowercase).
 * Arrays keep their order, because order carries meaning (rules, mappings, function parameters).
 * Values are not changed. The text is indented with two spaces, uses LF line breaks and ends with one.
 */

import {escapeJsonControls} from '../terminal/sanitize.js';

/** Keys that say which element an object is: first, so a diff hunk starts with what changed. */
export const identityKeys = ['id', 'name', 'key', 'targetAttributeName'] as const;

const identityRank = new Map<string, number>(identityKeys.map((key, index) => [key, index]));

function compareKeys(a: string, b: string): number {
	const rankA = identityRank.get(a);
	const rankB = identityRank.get(b);
	if (rankA !== undefined || rankB !== undefined) return (rankA ?? identityKeys.length) - (rankB ?? identityKeys.length);
	return a < b ? -1 : a > b ? 1 : 0;
}

/** The order `normalizeJson` puts these keys in. */
export function normalizedKeyOrder(keys: readonly string[]): string[] {
	return [...keys].sort(compareKeys);
}

/**
 * A copy of a JSON value with every object's keys in the normalized order. Objects are created without
 * a prototype so that a `__proto__` key stays an ordinary key.
 */
export function normalizeJson(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(normalizeJson);
	if (value === null || typeof value !== 'object') return value;
	const source = value as Record<string, unknown>;
	const copy = Object.create(null) as Record<string, unknown>;
	for (const key of normalizedKeyOrder(Object.keys(source))) copy[key] = normalizeJson(source[key]);
	return copy;
}

/** The normalized text of a JSON document (which must already have been checked to parse). */
export function normalizeJsonText(text: string): string {
	const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	return `${escapeJsonControls(JSON.stringify(normalizeJson(JSON.parse(body)), null, 2))}\n`;
}
