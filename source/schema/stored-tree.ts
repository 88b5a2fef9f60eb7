/**
 * Stored parse trees that their own expression text does not reproduce. Graph stores an attribute mapping's
 * source twice: as `expression` text and as a tree of `parameters`. Real trees can hold what the text does not
 * show (cloud sync's `Join("@", [sAMAccountName], )` carries a third parameter, the constant `%DomainFQDN%`), and
 * editing the text replaces the tree with the one the text parses to, so the hidden part would be lost silently.
 */
import {parseExpressionText, toMappingSource} from '../expressions/parser.js';
import type {AttributeMappingSource} from './types.js';

export type StoredTreeMismatch = {
	/** `a constant `%DomainFQDN%``, one per difference, in tree order. */
	parts: string[];
	/** The whole finding in one sentence, for the mapping's detail view and the plan. */
	message: string;
};

function isSource(value: unknown): value is AttributeMappingSource {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parametersOf(source: AttributeMappingSource): AttributeMappingSource[] {
	return (source.parameters ?? []).map((parameter) => (isSource(parameter?.value) ? parameter.value : {}));
}

/** `a constant `%DomainFQDN%``, `an attribute `[mail]``, `a function `Join(…)``. */
export function describeTreeNode(node: AttributeMappingSource): string {
	const name = typeof node.name === 'string' ? node.name : '';
	switch (node.type) {
		case 'Constant':
			return `a constant \`${name}\``;
		case 'Attribute':
			return `an attribute \`[${name}]\``;
		case 'Function':
			return `a function \`${typeof node.expression === 'string' && node.expression !== '' ? node.expression : `${name}(…)`}\``;
		default:
			return `a parameter \`${name}\``;
	}
}

/** Same meaning: same kind and name (function names case-insensitively), same parameters in order; keys and texts aside. */
function compareNodes(stored: AttributeMappingSource, parsed: AttributeMappingSource, parts: string[]): void {
	const sameHead =
		stored.type === parsed.type &&
		(stored.type === 'Function' ? String(stored.name ?? '').toLowerCase() === String(parsed.name ?? '').toLowerCase() : (stored.name ?? null) === (parsed.name ?? null));
	if (!sameHead) {
		parts.push(`${describeTreeNode(stored)} where the text has ${describeTreeNode(parsed).replace(/^an? /, '')}`);
		return;
	}
	if (stored.type !== 'Function') return;
	const storedParameters = parametersOf(stored);
	const parsedParameters = parametersOf(parsed);
	const shared = Math.min(storedParameters.length, parsedParameters.length);
	for (let index = 0; index < shared; index++) compareNodes(storedParameters[index]!, parsedParameters[index]!, parts);
	for (const extra of storedParameters.slice(shared)) parts.push(describeTreeNode(extra));
	for (const missing of parsedParameters.slice(shared)) parts.push(`no ${describeTreeNode(missing).replace(/^an? /, '')} although the text has it`);
}

/**
 * What the stored tree holds that its text, parsed, does not (compared by meaning); undefined when the text
 * reproduces the tree, when there is no tree to compare, or when the text does not parse here (no claim then).
 */
export function storedTreeMismatch(source: AttributeMappingSource | null | undefined): StoredTreeMismatch | undefined {
	if (!isSource(source) || source.type !== 'Function' || typeof source.expression !== 'string' || !Array.isArray(source.parameters)) return undefined;
	// A tree that was never filled in (parameters: [] next to a call) is not a stored tree to keep.
	if (source.parameters.length === 0) return undefined;
	const outcome = parseExpressionText(source.expression);
	if (!outcome.ok) return undefined;
	const parts: string[] = [];
	compareNodes(source, toMappingSource(outcome.node), parts);
	if (parts.length === 0) return undefined;
	return {parts, message: `the stored parse tree has ${parts.join(', ')} that the expression text does not show; editing the text drops ${parts.length === 1 ? 'it' : 'them'}`};
}

/** The finding as the mapping's screens say it, with the way out: the JSON edit keeps the tree. */
export function storedTreeAdvice(source: AttributeMappingSource | null | undefined): string | undefined {
	const mismatch = storedTreeMismatch(source);
	if (!mismatch) return undefined;
	return `! ${mismatch.message.charAt(0).toUpperCase()}${mismatch.message.slice(1)}. e edits the mapping as JSON and keeps ${mismatch.parts.length === 1 ? 'it' : 'them'}.`;
}
