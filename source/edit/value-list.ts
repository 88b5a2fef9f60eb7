/**
 * A scoping clause's values edited as a list, one entry at a time. Values are never split on a character:
 * real values contain commas (`OU=Cloud,DC=mydomain,DC=tld`), semicolons and spaces.
 */

/** What the value editor lists: each value, then "add" and "done". */
export type ValueListEntry = {kind: 'value'; index: number; text: string} | {kind: 'add'; text: string} | {kind: 'done'; text: string};

export function valueListEntries(values: readonly string[]): ValueListEntry[] {
	return [
		...values.map((value, index): ValueListEntry => ({kind: 'value', index, text: value === '' ? '(empty text)' : value})),
		{kind: 'add', text: '+ add a value'},
		{kind: 'done', text: `✓ done: ${values.length} value${values.length === 1 ? '' : 's'}`},
	];
}

/**
 * The list after one entry was typed: `index` replaces that value (empty text removes it), 'new' appends (empty
 * text adds nothing). The text is kept exactly as typed, one value.
 */
export function setListValue(values: readonly string[], index: number | 'new', text: string): string[] {
	if (index === 'new') return text === '' ? [...values] : [...values, text];
	if (!Number.isInteger(index) || index < 0 || index >= values.length) return [...values];
	return text === '' ? values.filter((_, position) => position !== index) : values.map((value, position) => (position === index ? text : value));
}
