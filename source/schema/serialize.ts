/** Schema → bytes: the file's own layout kept (encoding, line ends, indentation, Windows PowerShell's style). */
import {writeFileAtomic} from '../fs/atomic-write.js';
import {encodeSchemaText} from './encoding.js';
import type {JsonFlavor, SchemaFileStyle} from './schema-file.js';
import type {SynchronizationSchema} from './types.js';

// ---------------------------------------------------------------------------------------------
// Schema → bytes

export function detectTextStyle(text: string): {eol: '\n' | '\r\n'; indent: string; finalNewline: boolean; flavor: JsonFlavor} {
	const firstNewline = text.indexOf('\n');
	const eol = firstNewline > 0 && text[firstNewline - 1] === '\r' ? '\r\n' : '\n';
	const finalNewline = text.endsWith('\n');
	// The first indented line (the first property) shows one level of indentation.
	const indentMatch = /\n([ \t]+)\S/.exec(text);
	const indent = firstNewline === -1 ? '' : (indentMatch?.[1] ?? '');
	const separatorMatch = /^\uFEFF?\s*\{\s*"(?:[^"\\]|\\.)*":( *)/.exec(text);
	// Two spaces after the colon is the Windows PowerShell signature, even if the line endings were converted since.
	const flavor: JsonFlavor = separatorMatch?.[1] === '  ' ? 'windows-powershell' : 'standard';
	return {eol, indent, finalNewline, flavor};
}

export function serializeSchema(schema: SynchronizationSchema, style: SchemaFileStyle): Buffer {
	const bom = style.bom ?? style.encoding !== 'utf8';
	if (style.originalText !== undefined && sameJson(schema, style.originalText)) {
		// The BOM is written from the style; a BOM character left in the text must not be written twice.
		const original = bom && style.originalText.charCodeAt(0) === 0xfeff ? style.originalText.slice(1) : style.originalText;
		return encodeSchemaText(original, style.encoding, bom);
	}
	let text =
		style.flavor === 'windows-powershell'
			? formatLikeWindowsPowerShell(JSON.stringify(schema))
			: JSON.stringify(schema, null, style.indent === '' ? undefined : style.indent);
	// Both formatters emit one kind of line break (JSON.stringify "\n", PowerShell "\r\n"); strings keep theirs escaped.
	const producedEol = style.flavor === 'windows-powershell' ? '\r\n' : '\n';
	if (producedEol !== style.eol) text = text.replaceAll(producedEol, style.eol);
	if (style.finalNewline) text += style.eol;
	return encodeSchemaText(text, style.encoding, bom);
}

/** Key order matters: a reordered document is a change the user should be able to save. */
function sameJson(schema: SynchronizationSchema, originalText: string): boolean {
	try {
		const body = originalText.charCodeAt(0) === 0xfeff ? originalText.slice(1) : originalText;
		return JSON.stringify(schema) === JSON.stringify(JSON.parse(body));
	} catch {
		return false;
	}
}

export async function saveSchemaFile(
	path: string,
	schema: SynchronizationSchema,
	style: SchemaFileStyle,
	options?: {mode?: number},
): Promise<void> {
	await writeFileAtomic(path, serializeSchema(schema, style), options);
}

/**
 * Windows PowerShell 5.1 `ConvertTo-Json` output: the compact JSON of .NET's JavaScriptSerializer, which escapes
 * HTML-sensitive characters, re-indented by PowerShell's ConvertToPrettyJsonString (`"key":  value`, nested values
 * aligned under the column after their key, empty arrays split over two lines, CRLF).
 * A port of that algorithm (PowerShell v5 ConvertToJsonCommand.cs), so edited files keep their layout.
 */
export function formatLikeWindowsPowerShell(compactJson: string): string {
	const json = compactJson.replace(/[&'<>\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	const out: string[] = [];
	const spaces = (count: number) => ' '.repeat(count);
	const structural = /[{}[\]",:]/g;

	/** Returns the index of the closing quote; the string's text is appended as is. */
	const quoted = (start: number): number => {
		let end = json.indexOf('"', start);
		while (end !== -1) {
			let backslashes = 0;
			for (let j = end - 1; json[j] === '\\'; j--) backslashes++;
			if (backslashes % 2 === 0) break;
			end = json.indexOf('"', end + 1);
		}
		if (end === -1) throw new Error('unterminated string in JSON');
		out.push(json.slice(start, end + 1));
		return end;
	};
	/** Literals and numbers: the run of characters up to the next structural character. */
	const literalEnd = (start: number): number => {
		structural.lastIndex = start;
		return structural.exec(json)?.index ?? json.length;
	};

	const list = (start: number, padString: string, numberOfSpaces: number): number => {
		out.push('\r\n');
		const newPad = `${padString}${spaces(numberOfSpaces)}    `;
		let headChar = true;
		for (let i = start; i < json.length; i++) {
			const c = json[i];
			if (c === '{') {
				out.push(newPad, '{');
				i = dictionary(i + 1, newPad, 0);
				headChar = false;
			} else if (c === '[') {
				out.push(newPad, '[');
				i = list(i + 1, newPad, 0);
				headChar = false;
			} else if (c === ']') {
				out.push('\r\n', padString, spaces(numberOfSpaces), ']');
				return i;
			} else if (c === '"') {
				if (headChar) out.push(newPad);
				out.push('"');
				i = quoted(i + 1);
				headChar = false;
			} else if (c === ',') {
				out.push(',\r\n');
				headChar = true;
			} else {
				if (headChar) out.push(newPad);
				const end = literalEnd(i);
				out.push(json.slice(i, end));
				i = end - 1;
				headChar = false;
			}
		}
		throw new Error('unterminated array in JSON');
	};

	const dictionary = (start: number, padString: string, numberOfSpaces: number): number => {
		out.push('\r\n');
		const newPad = `${padString}${spaces(numberOfSpaces)}    `;
		let headChar = true;
		let beforeQuote = true;
		let newSpaceCount = 0;
		for (let i = start; i < json.length; i++) {
			const c = json[i];
			if (c === '{') {
				out.push('{');
				i = dictionary(i + 1, newPad, newSpaceCount);
				headChar = false;
			} else if (c === '[') {
				out.push('[');
				i = list(i + 1, newPad, newSpaceCount);
				headChar = false;
			} else if (c === '}') {
				out.push('\r\n', padString, spaces(numberOfSpaces), '}');
				return i;
			} else if (c === '"') {
				if (headChar) out.push(newPad);
				out.push('"');
				const end = quoted(i + 1);
				if (beforeQuote) newSpaceCount += end - i + 1;
				i = end;
				headChar = false;
			} else if (c === ':') {
				out.push(':  ');
				newSpaceCount += 3;
				headChar = false;
				beforeQuote = false;
			} else if (c === ',') {
				out.push(',\r\n');
				headChar = true;
				beforeQuote = true;
				newSpaceCount = 0;
			} else {
				if (headChar) out.push(newPad);
				const end = literalEnd(i);
				out.push(json.slice(i, end));
				if (beforeQuote) newSpaceCount += end - i;
				i = end - 1;
				headChar = false;
			}
		}
		throw new Error('unterminated object in JSON');
	};

	if (json.startsWith('{')) {
		out.push('{');
		dictionary(1, '', 0);
	} else if (json.startsWith('[')) {
		out.push('[');
		list(1, '', 0);
	} else {
		return json;
	}
	return out.join('');
}
