/**
 * Tab after `:open` completes one part of APP/JOB/OBJECTMAPPING/TARGET at a time, from the names at that depth
 * only: the apps of the list (recent first), that app's jobs, then the object mappings and targets of the job
 * when its schema is loaded. Whitespace-separated words would cut app names with spaces ("Contoso SCIM App") and
 * offer every name at every depth.
 */

/** A name `:open` can complete, with what may follow it after a "/". */
export type PlaceName = {
	name: string;
	children?: readonly PlaceName[];
	/** A part may follow although none is known yet (a job whose schema is not read: its mappings). */
	more?: boolean;
};

/** The part being typed: where it starts in the value, what is typed of it, and the completions in list order. */
export type OpenCompletion = {start: number; word: string; candidates: string[]};

const openCommand = /^\s*open\s+/;

/** The parts before the cursor, split at "/" outside double quotes, quotes removed. */
function splitParts(reference: string): {parts: string[]; lastStart: number} {
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	let lastStart = 0;
	for (let index = 0; index < reference.length; index++) {
		const character = reference[index]!;
		if (character === '"') quoted = !quoted;
		else if (character === '/' && !quoted) {
			parts.push(current.trim());
			current = '';
			lastStart = index + 1;
		} else current += character;
	}
	parts.push(current);
	return {parts, lastStart};
}

function childNamed(names: readonly PlaceName[], wanted: string): PlaceName | undefined {
	const lower = wanted.toLowerCase();
	return names.find((place) => place.name === wanted) ?? names.find((place) => place.name.toLowerCase() === lower);
}

/** How a name is written as a part: in quotes when it holds "/", then "/" when a deeper part may follow. */
function written(place: PlaceName): string {
	const name = place.name.includes('/') ? `"${place.name}"` : place.name;
	return place.more || (place.children && place.children.length > 0) ? `${name}/` : name;
}

/**
 * The completion of the part before the cursor of a `:open` command line, or undefined when the line is not one
 * (then the command word itself completes). An unknown earlier part leaves no candidates.
 */
export function openCompletion(value: string, cursor: number, places: readonly PlaceName[]): OpenCompletion | undefined {
	const before = value.slice(0, cursor);
	const command = openCommand.exec(before);
	if (!command) return undefined;
	const {parts, lastStart} = splitParts(before.slice(command[0].length));
	const start = command[0].length + lastStart;
	const word = parts.pop()!.replace(/^\s+/, '');
	let level: readonly PlaceName[] = places;
	for (const part of parts) {
		// An empty part (`APP//NAME`: the app's only job) is skipped over with whatever names lie below it.
		const place = part === '' ? undefined : childNamed(level, part);
		if (part === '' && level.length === 1) level = level[0]!.children ?? [];
		else if (part === '') level = level.flatMap((each) => each.children ?? []);
		else level = place?.children ?? [];
	}
	const lower = word.toLowerCase();
	const seen = new Set<string>();
	const exact: string[] = [];
	const others: string[] = [];
	for (const place of level) {
		if (!place.name.toLowerCase().startsWith(lower)) continue;
		const text = written(place);
		if (seen.has(text)) continue;
		seen.add(text);
		(place.name.toLowerCase() === lower ? exact : others).push(text);
	}
	return {start, word: before.slice(start), candidates: [...exact, ...others]};
}
