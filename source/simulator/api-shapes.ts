/**
 * What each Graph version documents of a synchronization schema. The beta synchronizationRule resource lists
 * `containerFilter` and `groupFilter` (Entra Cloud Sync's OU and group scoping); the v1.0 resource page does not
 * (docs/graph-notes.md, "Beta-only schema properties"). Served through /v1.0, a schema leaves them out, as a
 * service that does not model them would; a PUT through /v1.0 replaces the whole schema with what it was sent.
 */
import type {GraphApiVersion} from './graph-routes.js';

export const betaOnlyRuleProperties = ['containerFilter', 'groupFilter'] as const;

/** The schema text as `apiVersion` serves it: unchanged for beta, or when there is nothing only beta shows. */
export function schemaTextFor(text: string, apiVersion: GraphApiVersion): string {
	if (apiVersion === 'beta' || !betaOnlyRuleProperties.some((name) => text.includes(`"${name}"`))) return text;
	let document: unknown;
	try {
		document = JSON.parse(text);
	} catch {
		return text;
	}
	const rules = (document as {synchronizationRules?: unknown}).synchronizationRules;
	if (!Array.isArray(rules)) return text;
	for (const rule of rules) {
		if (rule && typeof rule === 'object') for (const name of betaOnlyRuleProperties) delete (rule as Record<string, unknown>)[name];
	}
	return JSON.stringify(document);
}
