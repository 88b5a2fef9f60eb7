/**
 * .NET regular expressions in JavaScript. The service evaluates Replace's regexPattern with .NET's Regex (the function
 * reference links .NET's grouping constructs); JavaScript's RegExp reads most of it alike but not all:
 * - translated: `\d`/`\w`/`\b` are Unicode-aware in .NET (JS: ASCII), `$` also matches before a final newline,
 *   `\A` `\Z` `\z`, `(?'name'…)` and `\k'name'`, escaped punctuation such as `\@` (an error under JS's `u` flag),
 *   literal `{`/`}`/`]`, leading inline options `(?i)` `(?m)` `(?s)` `(?n)`, comments `(?#…)`, character class
 *   subtraction `[a-z-[aeiou]]`, `\e`, `\a`, octal `\0nn`;
 * - refused in words (no JavaScript equivalent): atomic groups `(?>…)`, conditionals `(?(…)…)`, balancing groups
 *   `(?<a-b>…)`, `\G`, inline options inside the pattern, `(?x)`, `\p{IsBlock}`, RightToLeft.
 * Replacement text follows .NET's substitutions: `$1`, `${name}`, `$$`, `$&`, `` $` ``, `$'`, `$+`, `$_`.
 */

export class UnsupportedRegex extends Error {}

const wordClass = '\\p{L}\\p{Mn}\\p{Nd}\\p{Pc}';
const digitClass = '\\p{Nd}';
// .NET's \s: [\f\n\r\t\v\x85\p{Z}]
const spaceClass = '\\f\\n\\r\\t\\v\\x85\\p{Z}';
/** Characters that must stay escaped in a JS `u` pattern to mean themselves. */
const syntaxCharacters = new Set([...'^$\\.*+?()[]{}|/']);
const classSyntax = new Set([...'\\]^-[']);

type Translated = {source: string; flags: string};

/** A .NET pattern as a JavaScript RegExp (flags `u` and `d` always; `g` when asked). */
export function dotNetRegExp(pattern: string, options: {global?: boolean} = {}): RegExp {
	const {source, flags} = translateDotNetPattern(pattern);
	return new RegExp(source, `${flags}du${options.global ? 'g' : ''}`);
}

export function translateDotNetPattern(pattern: string): Translated {
	let flags = '';
	let index = 0;
	let explicitCapture = false;
	// Leading inline options apply to the whole pattern: the one place JavaScript can take them (as flags).
	for (let match = /^\(\?([imsnx]+)\)/.exec(pattern.slice(index)); match; match = /^\(\?([imsnx]+)\)/.exec(pattern.slice(index))) {
		for (const option of match[1]!) {
			if (option === 'x') throw new UnsupportedRegex('the (?x) option (ignore pattern whitespace) has no JavaScript equivalent');
			if (option === 'n') explicitCapture = true;
			else if (!flags.includes(option)) flags += option;
		}
		index += match[0].length;
	}
	const multiline = flags.includes('m');
	let out = '';
	let inClass = false;
	let classStart = -1;
	let outClassStart = -1;
	while (index < pattern.length) {
		const char = pattern[index]!;
		if (char === '\\') {
			const [text, length] = translateEscape(pattern, index, inClass, multiline);
			out += text;
			index += length;
			continue;
		}
		if (inClass) {
			if (char === ']' && index > classStart) {
				inClass = false;
				out += ']';
			} else if (char === '-' && pattern[index + 1] === '[') {
				// Subtraction: [base-[excluded]] → (?:(?![excluded])[base]); the subtraction ends the class.
				const end = findClassEnd(pattern, index + 1);
				const excluded = translateDotNetPattern(pattern.slice(index + 1, end + 1)).source;
				const close = pattern[end + 1] === ']' ? end + 2 : end + 1;
				out = `${out.slice(0, outClassStart)}(?:(?!${excluded})${out.slice(outClassStart)}])`;
				inClass = false;
				index = close;
				continue;
			} else if (char === '[') {
				out += '\\[';
			} else {
				out += char;
			}
			index++;
			continue;
		}
		switch (char) {
			case '[': {
				inClass = true;
				outClassStart = out.length;
				out += '[';
				index++;
				if (pattern[index] === '^') {
					out += '^';
					index++;
				}
				// A ']' first in a class is a literal in .NET.
				if (pattern[index] === ']') {
					out += '\\]';
					index++;
				}
				classStart = index;
				continue;
			}
			case '$':
				// .NET's $ (without RegexOptions.Multiline) also matches before a final newline.
				out += multiline ? '$' : '(?=\\n?$)';
				index++;
				continue;
			case '(': {
				const [text, length] = translateGroupOpening(pattern, index, explicitCapture);
				out += text;
				index += length;
				continue;
			}
			case '{': {
				const quantifier = /^\{\d+(,\d*)?\}/.exec(pattern.slice(index));
				if (quantifier) {
					out += quantifier[0];
					index += quantifier[0].length;
				} else {
					out += '\\{';
					index++;
				}
				continue;
			}
			case '.':
				// .NET's . is anything but \n; JavaScript's also excludes \r, U+2028 and U+2029.
				out += flags.includes('s') ? '[\\s\\S]' : '[^\\n]';
				index++;
				continue;
			case '}':
			case ']':
				out += `\\${char}`;
				index++;
				continue;
			default:
				out += char;
				index++;
		}
	}
	if (inClass) throw new UnsupportedRegex(`the character class opened in "${pattern}" is not closed`);
	return {source: out, flags};
}

function findClassEnd(pattern: string, open: number): number {
	for (let index = open + 1; index < pattern.length; index++) {
		if (pattern[index] === '\\') index++;
		else if (pattern[index] === ']') return index;
	}
	throw new UnsupportedRegex(`the character class opened in "${pattern}" is not closed`);
}

function translateGroupOpening(pattern: string, index: number, explicitCapture: boolean): [string, number] {
	const rest = pattern.slice(index);
	if (!rest.startsWith('(?')) return [explicitCapture ? '(?:' : '(', 1];
	const comment = /^\(\?#[^)]*\)/.exec(rest);
	if (comment) return ['', comment[0].length];
	const named = /^\(\?(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest);
	if (named) return [`(?<${named[1] ?? named[2]}>`, named[0].length];
	if (/^\(\?(?:<|')[\w]*-/.test(rest)) throw new UnsupportedRegex('balancing groups (?<name1-name2>…) have no JavaScript equivalent');
	if (/^\(\?(?:<\d+>|'\d+')/.test(rest)) throw new UnsupportedRegex('numbered groups (?<1>…) have no JavaScript equivalent');
	if (rest.startsWith('(?>')) throw new UnsupportedRegex('atomic groups (?>…) have no JavaScript equivalent');
	if (rest.startsWith('(?(')) throw new UnsupportedRegex('conditional groups (?(…)…) have no JavaScript equivalent');
	if (/^\(\?(?::|=|!|<=|<!)/.test(rest)) {
		const length = rest.startsWith('(?<') ? 4 : 3;
		return [rest.slice(0, length), length];
	}
	if (/^\(\?[imnsx-]+[:)]/.test(rest)) throw new UnsupportedRegex('inline options inside the pattern, such as (?i:…), have no JavaScript equivalent (only at its start)');
	throw new UnsupportedRegex(`the group "${rest.slice(0, 4)}…" is not valid`);
}

function translateEscape(pattern: string, index: number, inClass: boolean, multiline: boolean): [string, number] {
	const next = pattern[index + 1];
	if (next === undefined) throw new UnsupportedRegex(`"${pattern}" ends with a lone backslash`);
	const rest = pattern.slice(index + 1);
	switch (next) {
		case 'd':
			return [inClass ? digitClass : `[${digitClass}]`, 2];
		case 'D':
			if (inClass) return ['\\P{Nd}', 2];
			return [`[^${digitClass}]`, 2];
		case 'w':
			return [inClass ? wordClass : `[${wordClass}]`, 2];
		case 'W':
			if (inClass) throw new UnsupportedRegex('\\W inside a character class has no exact JavaScript equivalent');
			return [`[^${wordClass}]`, 2];
		case 's':
			return [inClass ? spaceClass : `[${spaceClass}]`, 2];
		case 'S':
			if (inClass) throw new UnsupportedRegex('\\S inside a character class has no exact JavaScript equivalent');
			return [`[^${spaceClass}]`, 2];
		case 'b':
			// In a class \b is a backspace in both; outside it is a Unicode word boundary in .NET.
			return inClass ? ['\\x08', 2] : [`(?:(?<=[${wordClass}])(?![${wordClass}])|(?<![${wordClass}])(?=[${wordClass}]))`, 2];
		case 'B':
			return [`(?:(?<=[${wordClass}])(?=[${wordClass}])|(?<![${wordClass}])(?![${wordClass}]))`, 2];
		case 'A':
			return [multiline ? '(?<![\\s\\S])' : '^', 2];
		case 'Z':
			return ['(?=\\n?(?![\\s\\S]))', 2];
		case 'z':
			return ['(?![\\s\\S])', 2];
		case 'G':
			throw new UnsupportedRegex('\\G (where the previous match ended) has no JavaScript equivalent');
		case 'e':
			return ['\\x1B', 2];
		case 'a':
			return ['\\x07', 2];
		case 'k': {
			const named = /^k(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest);
			if (!named) throw new UnsupportedRegex(`"\\k" must name a group: \\k<name>`);
			return [`\\k<${named[1] ?? named[2]}>`, named[0].length + 1];
		}
		case 'p':
		case 'P': {
			const property = /^[pP]\{([^}]*)\}/.exec(rest);
			if (!property) throw new UnsupportedRegex(`"\\${next}" must name a Unicode category: \\${next}{L}`);
			if (/^Is/.test(property[1]!)) throw new UnsupportedRegex(`the Unicode block \\${next}{${property[1]}} has no JavaScript equivalent (JavaScript names scripts, not blocks)`);
			return [`\\${next}{${property[1]}}`, property[0].length + 1];
		}
		case 'x': {
			const hex = /^x[0-9A-Fa-f]{2}/.exec(rest);
			if (!hex) throw new UnsupportedRegex('\\x needs two hexadecimal digits');
			return [`\\${hex[0]}`, 4];
		}
		case 'u': {
			const hex = /^u[0-9A-Fa-f]{4}/.exec(rest);
			if (!hex) throw new UnsupportedRegex('\\u needs four hexadecimal digits');
			return [`\\${hex[0]}`, 6];
		}
		case 'c': {
			const control = /^c[A-Za-z]/.exec(rest);
			if (!control) throw new UnsupportedRegex('\\c needs a letter');
			return [`\\${control[0]}`, 3];
		}
		case '0': {
			const octal = /^0[0-7]{0,2}/.exec(rest)![0];
			return [`\\x${Number.parseInt(octal, 8).toString(16).padStart(2, '0')}`, octal.length + 1];
		}
		case 'n':
		case 'r':
		case 't':
		case 'f':
		case 'v':
			return [`\\${next}`, 2];
	}
	if (/[1-9]/.test(next)) {
		const digits = /^[1-9]\d*/.exec(rest)![0];
		return [inClass ? `\\x${Number.parseInt(digits, 8).toString(16).padStart(2, '0')}` : `\\${digits}`, digits.length + 1];
	}
	if (/[A-Za-z]/.test(next)) throw new UnsupportedRegex(`"\\${next}" is not a .NET escape`);
	// Escaped punctuation means the character itself; JavaScript's `u` flag accepts the escape only for syntax characters.
	const literal = inClass ? classSyntax.has(next) : syntaxCharacters.has(next);
	return [literal ? `\\${next}` : next, 2];
}

/** Expands a .NET replacement pattern for one match. */
export function expandDotNetReplacement(replacement: string, match: RegExpExecArray | RegExpMatchArray, input: string): string {
	const groups = match.groups ?? {};
	const index = match.index ?? 0;
	let out = '';
	for (let position = 0; position < replacement.length; position++) {
		const char = replacement[position]!;
		if (char !== '$') {
			out += char;
			continue;
		}
		const rest = replacement.slice(position + 1);
		const named = /^\{([A-Za-z_]\w*|\d+)\}/.exec(rest);
		if (named) {
			const key = named[1]!;
			const known = /^\d+$/.test(key) ? Number(key) < match.length : key in groups;
			out += known ? ((/^\d+$/.test(key) ? match[Number(key)] : groups[key]) ?? '') : `$${named[0]}`;
			position += named[0].length;
			continue;
		}
		const digits = /^\d+/.exec(rest);
		if (digits) {
			// .NET takes the longest number that names a group.
			let length = digits[0].length;
			while (length > 0 && Number(digits[0].slice(0, length)) >= match.length) length--;
			if (length === 0) {
				out += '$';
				continue;
			}
			out += match[Number(digits[0].slice(0, length))] ?? '';
			position += length;
			continue;
		}
		const next = rest[0];
		if (next === '$') out += '$';
		else if (next === '&') out += match[0];
		else if (next === '`') out += input.slice(0, index);
		else if (next === "'") out += input.slice(index + match[0].length);
		else if (next === '+') out += match.length > 1 ? (match[match.length - 1] ?? '') : '';
		else if (next === '_') out += input;
		else {
			out += '$';
			continue;
		}
		position++;
	}
	return out;
}
