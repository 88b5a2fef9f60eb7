/** JSON Pointer (RFC 6901) helpers. */

export function escapePointerSegment(segment: string | number): string {
	const text = String(segment);
	// Order matters: escaping "~" first keeps the "~1" produced for "/" intact.
	return text.includes('~') || text.includes('/') ? text.replaceAll('~', '~0').replaceAll('/', '~1') : text;
}

/** pointerOf(['synchronizationRules', 0, 'name']) → '/synchronizationRules/0/name'; [] → '' (the whole document). */
export function pointerOf(segments: readonly (string | number)[]): string {
	let pointer = '';
	for (const segment of segments) pointer += `/${escapePointerSegment(segment)}`;
	return pointer;
}

/** The unescaped segments of a pointer, or undefined if it is not a valid JSON Pointer. */
export function parsePointer(pointer: string): string[] | undefined {
	if (pointer === '') return [];
	if (!pointer.startsWith('/')) return undefined;
	const segments = pointer.slice(1).split('/');
	for (let i = 0; i < segments.length; i++) {
		const segment = segments[i]!;
		if (!segment.includes('~')) continue;
		if (/~[^01]|~$/.test(segment)) return undefined;
		segments[i] = segment.replaceAll('~1', '/').replaceAll('~0', '~');
	}
	return segments;
}

const arrayIndexPattern = /^(?:0|[1-9]\d*)$/;

/** The value a pointer designates, or undefined when it does not exist (or the pointer is malformed). */
export function resolvePointer(document: unknown, pointer: string): unknown {
	const segments = parsePointer(pointer);
	if (!segments) return undefined;
	let current = document;
	for (const segment of segments) {
		if (Array.isArray(current)) {
			if (!arrayIndexPattern.test(segment)) return undefined;
			current = current[Number(segment)];
		} else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
			current = (current as Record<string, unknown>)[segment];
		} else {
			return undefined;
		}
	}
	return current;
}
