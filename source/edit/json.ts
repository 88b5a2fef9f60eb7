/** Small JSON helpers shared by the edit core: comparison by meaning, cheap size checks, server fields. */

export type JsonObject = {[key: string]: unknown};

export const isPlainObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Equal by meaning: same JSON values, object key order ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a)) {
		if (!Array.isArray(b) || a.length !== b.length) return false;
		for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
		return true;
	}
	if (Array.isArray(b)) return false;
	const left = a as JsonObject;
	const right = b as JsonObject;
	let count = 0;
	for (const key in left) {
		count++;
		if (!Object.hasOwn(right, key) || !jsonEqual(left[key], right[key])) return false;
	}
	for (const _key in right) count--;
	return count === 0;
}

/** Whether JSON.stringify(value) would be at most `limit` characters, without building the string. */
export function jsonSizeAtMost(value: unknown, limit: number): boolean {
	let size = 0;
	const stack: unknown[] = [value];
	while (stack.length > 0) {
		const current = stack.pop();
		if (typeof current === 'string') size += current.length + 2;
		else if (current === null || typeof current !== 'object') size += String(current).length;
		else if (Array.isArray(current)) {
			size += 2 + current.length;
			for (const element of current) stack.push(element);
		} else {
			for (const key in current as JsonObject) {
				size += key.length + 4;
				stack.push((current as JsonObject)[key]);
			}
			size += 2;
		}
		if (size > limit) return false;
	}
	return true;
}

/** A deep copy of plain JSON data. */
export function cloneJson<T>(value: T): T {
	return value === null || typeof value !== 'object' ? value : structuredClone(value);
}

/** OData annotations such as `@odata.context` and `directories@odata.context`: the server adds them to responses. */
export const isODataAnnotation = (key: string): boolean => key.startsWith('@odata.') || key.includes('@odata.');

/**
 * A copy without `@odata.*` annotations (at every level) and without the top-level `version`, which Graph
 * maintains itself ("updated automatically with every schema change"). Subtrees without annotations are
 * shared with the input, not copied.
 */
export function withoutServerFields<T>(document: T): T {
	const stripped = stripAnnotations(document);
	if (isPlainObject(stripped) && Object.hasOwn(stripped, 'version')) {
		const {version: _version, ...rest} = stripped;
		return rest as T;
	}
	return stripped as T;
}

function stripAnnotations(value: unknown): unknown {
	if (Array.isArray(value)) {
		let copy: unknown[] | undefined;
		for (let i = 0; i < value.length; i++) {
			const stripped = stripAnnotations(value[i]);
			if (stripped !== value[i]) {
				copy ??= value.slice();
				copy[i] = stripped;
			}
		}
		return copy ?? value;
	}
	if (!isPlainObject(value)) return value;
	let copy: JsonObject | undefined;
	for (const key of Object.keys(value)) {
		if (isODataAnnotation(key)) {
			copy ??= {...value};
			delete copy[key];
			continue;
		}
		const stripped = stripAnnotations(value[key]);
		if (stripped !== value[key]) {
			copy ??= {...value};
			copy[key] = stripped;
		}
	}
	return copy ?? value;
}

/**
 * `value` with object keys in the order `template` has them (new keys last), so text diffs show only real
 * changes. Subtrees already in that order are returned as they are, not copied.
 */
export function alignKeyOrder(value: unknown, template: unknown): unknown {
	if (Array.isArray(value)) {
		const templateArray = Array.isArray(template) ? template : [];
		const counterpart = counterparts(value, templateArray);
		let copy: unknown[] | undefined;
		for (let i = 0; i < value.length; i++) {
			const aligned = alignKeyOrder(value[i], counterpart(i));
			if (aligned !== value[i]) {
				copy ??= value.slice();
				copy[i] = aligned;
			}
		}
		return copy ?? value;
	}
	if (!isPlainObject(value)) return value;
	const templateObject = isPlainObject(template) ? template : {};
	const keys = Object.keys(value);
	const order = [...Object.keys(templateObject).filter((key) => Object.hasOwn(value, key)), ...keys.filter((key) => !Object.hasOwn(templateObject, key))];
	let changed = order.some((key, index) => key !== keys[index]);
	const children: JsonObject = {};
	for (const key of keys) {
		children[key] = alignKeyOrder(value[key], templateObject[key]);
		if (children[key] !== value[key]) changed = true;
	}
	if (!changed) return value;
	const result: JsonObject = {};
	for (const key of order) result[key] = children[key];
	return result;
}

const identityProperties = ['targetAttributeName', 'name', 'id', 'key'];

/** For each element of `value`, the element of `template` it corresponds to: same name when elements have one, else same position. */
function counterparts(value: readonly unknown[], template: readonly unknown[]): (index: number) => unknown {
	const first = value.find(isPlainObject);
	const property = first ? identityProperties.find((name) => typeof first[name] === 'string') : undefined;
	if (!property) return (index) => template[index];
	const byName = new Map<unknown, unknown>();
	for (const element of template) if (isPlainObject(element) && !byName.has(element[property])) byName.set(element[property], element);
	return (index) => {
		const element = value[index];
		if (!isPlainObject(element) || !Object.hasOwn(element, property)) return template[index];
		// A new element keeps its own key order.
		return byName.get(element[property]);
	};
}

/**
 * A document value as text for messages: strings as they are, anything else as compact JSON. Not String(): an
 * object from a file may hold a key named toString, and converting it would throw.
 */
export function textOf(value: unknown, maxLength = 60): string {
	return typeof value === 'string' ? value : compactJson(value, maxLength);
}

/** One line of compact JSON for messages, cut to `maxLength`. */
export function compactJson(value: unknown, maxLength = 60): string {
	if (value === undefined) return '(absent)';
	const text = JSON.stringify(value) ?? String(value);
	return text.length <= maxLength ? text : `${text.slice(0, Math.max(0, maxLength - 1))}…`;
}
