/**
 * Shape checks: does an answer have the property names and JSON value types a documented example has? Not a byte
 * compare — values differ, and Microsoft's examples are often shortened — so:
 * - every property of the example must exist in the answer, with the same JSON type (string, number, boolean,
 *   array, object);
 * - null on either side matches any type (Graph leaves optional values null);
 * - an empty object `{}` in the example is the documentation's "truncated" placeholder and matches any object;
 * - array elements are compared against the union of the answer's elements (a property found in any of them).
 * Properties only the answer has are reported separately (`extra`), for tests that want to list them.
 */

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};

export type ShapeReport = {
	/** "path: what" for each property of the example that the answer lacks or types differently. */
	missing: string[];
	/** Paths of properties the answer has and the example does not (examples are often shortened). */
	extra: string[];
};

function kind(value: unknown): string {
	if (value === null || value === undefined) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value;
}

/** The union of the objects among `values`: each property with every value seen for it. */
function unionOf(values: readonly unknown[]): Map<string, unknown[]> {
	const union = new Map<string, unknown[]>();
	for (const value of values) {
		if (kind(value) !== 'object') continue;
		for (const [key, each] of Object.entries(value as Record<string, unknown>)) {
			const seen = union.get(key) ?? [];
			seen.push(each);
			union.set(key, seen);
		}
	}
	return union;
}

function compare(examples: readonly unknown[], actuals: readonly unknown[], path: string, report: ShapeReport): void {
	const documented = examples.filter((value) => kind(value) !== 'null');
	const present = actuals.filter((value) => kind(value) !== 'null');
	if (documented.length === 0 || present.length === 0) return;
	const kinds = new Set(present.map(kind));
	for (const exampleKind of new Set(documented.map(kind))) {
		if (!kinds.has(exampleKind)) {
			report.missing.push(`${path || '/'}: ${exampleKind} in the example, ${[...kinds].join(' or ')} in the answer`);
			continue;
		}
		const sameExamples = documented.filter((value) => kind(value) === exampleKind);
		const same = present.filter((value) => kind(value) === exampleKind);
		if (exampleKind === 'array') {
			compare(
				sameExamples.flatMap((value) => value as unknown[]),
				same.flatMap((value) => value as unknown[]),
				`${path}/[]`,
				report,
			);
		} else if (exampleKind === 'object') {
			const exampleUnion = unionOf(sameExamples);
			// Only the documentation's "truncated" placeholder `{}`: anything goes.
			if (exampleUnion.size === 0) continue;
			const union = unionOf(same);
			for (const [key, values] of exampleUnion) {
				const seen = union.get(key);
				if (!seen) report.missing.push(`${path}/${key}: missing in the answer`);
				else compare(values, seen, `${path}/${key}`, report);
			}
			for (const key of union.keys()) if (!exampleUnion.has(key)) report.extra.push(`${path}/${key}`);
		}
	}
}

/** How `actual` differs in shape from the documented `example` (see the module comment for the rules). */
export function compareShape(example: Json | unknown, actual: Json | unknown): ShapeReport {
	const report: ShapeReport = {missing: [], extra: []};
	compare([example], [actual], '', report);
	report.extra = [...new Set(report.extra)].sort();
	return report;
}
