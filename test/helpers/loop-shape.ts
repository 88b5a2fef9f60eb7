/**
 * A small shape check for the loop's documented examples (provisionOnDemand, provisioning logs, jobs): every
 * property the example has must be in the answer with the same JSON type. null on either side matches anything;
 * array elements are compared as the union of their properties; objects under a key named `details` are free
 * string maps in Microsoft's documentation, so only their type is checked. (i9-graph's test/helpers/shape.ts was
 * not on main yet when this was written.)
 */

const kindOf = (value: unknown) => (value === null || value === undefined ? 'null' : Array.isArray(value) ? 'array' : typeof value);

function union(values: unknown[]): Map<string, unknown[]> {
	const properties = new Map<string, unknown[]>();
	for (const value of values) {
		if (kindOf(value) !== 'object') continue;
		for (const [key, each] of Object.entries(value as Record<string, unknown>)) properties.set(key, [...(properties.get(key) ?? []), each]);
	}
	return properties;
}

function compare(examples: unknown[], actuals: unknown[], path: string, problems: string[]): void {
	const documented = examples.filter((value) => kindOf(value) !== 'null');
	const present = actuals.filter((value) => kindOf(value) !== 'null');
	if (documented.length === 0 || present.length === 0) return;
	const presentKinds = new Set(present.map(kindOf));
	for (const kind of new Set(documented.map(kindOf))) {
		if (!presentKinds.has(kind)) {
			problems.push(`${path || '/'}: ${kind} documented, ${[...presentKinds].join('/')} answered`);
			continue;
		}
		if (path.endsWith('/details')) continue;
		const sameExamples = documented.filter((value) => kindOf(value) === kind);
		const same = present.filter((value) => kindOf(value) === kind);
		if (kind === 'array') compare(sameExamples.flat(), same.flat(), `${path}/[]`, problems);
		if (kind === 'object') {
			const answered = union(same);
			for (const [key, values] of union(sameExamples)) {
				const seen = answered.get(key);
				if (!seen) problems.push(`${path}/${key}: missing`);
				else compare(values, seen, `${path}/${key}`, problems);
			}
		}
	}
}

/** Where `actual` lacks a documented property or types it differently; empty when the shapes agree. */
export function shapeProblems(example: unknown, actual: unknown): string[] {
	const problems: string[] = [];
	compare([example], [actual], '', problems);
	return problems;
}
