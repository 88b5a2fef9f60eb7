/** What the schema file modules share: the file's encoding and layout, and the one error they throw. */
import type {SynchronizationSchema} from './types.js';

export type SchemaEncoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be';

/**
 * How Windows PowerShell 5.1 `ConvertTo-Json` lays out JSON (`"key":  value`, values aligned under their key)
 * versus every other common writer (JSON.stringify, Graph Explorer, PowerShell 7, editors).
 */
export type JsonFlavor = 'standard' | 'windows-powershell';

export type SchemaFileStyle = {
	encoding: SchemaEncoding;
	/** Whether the file starts with a byte order mark. Default: true for utf8-bom/utf16le/utf16be, false for utf8. */
	bom?: boolean;
	eol: '\n' | '\r\n';
	/** One level of indentation; '' means compact, single-line JSON. */
	indent: string;
	/** Whether the text ends with a line break. Default: false (Graph's own output has none). */
	finalNewline?: boolean;
	flavor?: JsonFlavor;
	/** The text as loaded: when the schema is unchanged, it is written back byte for byte. */
	originalText?: string;
};

export type LoadedSchema = {
	schema: SynchronizationSchema;
	text: string;
	encoding: SchemaEncoding;
	bom: boolean;
	eol: '\n' | '\r\n';
	indent: string;
	finalNewline: boolean;
	flavor: JsonFlavor;
	bytes: Buffer;
	path: string;
};

export class SchemaFileError extends Error {
	override readonly name = 'SchemaFileError';
	/** JSON Pointer (RFC 6901) of the offending value, for shape errors. */
	readonly pointer?: string;
	/** 1-based position of a JSON syntax error. */
	readonly line?: number;
	readonly column?: number;

	constructor(
		message: string,
		details: {pointer?: string; line?: number; column?: number; cause?: unknown} = {},
	) {
		// Messages are shown to users as one line.
		super(message.replace(/\s*[\r\n]+\s*/g, ' '), details.cause === undefined ? undefined : {cause: details.cause});
		if (details.pointer !== undefined) this.pointer = details.pointer;
		if (details.line !== undefined) this.line = details.line;
		if (details.column !== undefined) this.column = details.column;
	}
}

/**
 * Files larger than this are refused before they are read. Real schemas are a few MB, the largest we benchmark
 * (20,000 mappings, 50,000 definitions) is 20 MB and peaks at 150–190 MiB of RSS in an explorer session (issue 14,
 * bench/memory.ts), so a much larger file would exhaust a jump host's memory instead of failing with a message.
 */
export const maxSchemaFileBytes = 64 * 1024 * 1024;

