/**
 * Schema files: reading one (file I/O and limits). The other jobs live in their own modules — encoding.ts (bytes ↔
 * text), json-syntax.ts (syntax errors, nesting), shape.ts (the shape check), serialize.ts (schema → bytes) — and
 * are re-exported here, so callers keep one import.
 */
import {readFile, stat} from 'node:fs/promises';
import {decodeSchemaBytes} from './encoding.js';
import {parseSchemaText} from './json-syntax.js';
import {type LoadedSchema, maxSchemaFileBytes, SchemaFileError} from './schema-file.js';
import {detectTextStyle} from './serialize.js';

export * from './encoding.js';
export * from './json-syntax.js';
export * from './schema-file.js';
export * from './serialize.js';
export * from './shape.js';

// ---------------------------------------------------------------------------------------------
// Files

export async function loadSchemaFile(path: string): Promise<LoadedSchema> {
	const stats = await stat(path).catch((error: unknown) => {
		throw fileSystemError(path, error);
	});
	if (stats.isDirectory()) throw new SchemaFileError(`${path}: is a directory; give the path of a .json schema file`);
	if (!stats.isFile()) throw new SchemaFileError(`${path}: is not a regular file (a device, socket or pipe); save the schema to a file first`);
	if (stats.size > maxSchemaFileBytes) {
		throw new SchemaFileError(
			`${path}: the file is ${formatMegabytes(stats.size)}, larger than the ${formatMegabytes(maxSchemaFileBytes)} limit; synchronization schemas are normally under 20 MB, so check that this is the right file`,
		);
	}
	const bytes = await readFile(path).catch((error: unknown) => {
		throw fileSystemError(path, error);
	});
	let decoded: ReturnType<typeof decodeSchemaBytes>;
	try {
		decoded = decodeSchemaBytes(bytes);
	} catch (error) {
		if (error instanceof SchemaFileError) throw new SchemaFileError(`${path}: ${error.message}`, {cause: error.cause});
		throw error;
	}
	const {text, encoding, bom} = decoded;
	const schema = parseSchemaText(text, path);
	return {schema, text, encoding, bom, ...detectTextStyle(text), bytes, path};
}

export function formatMegabytes(bytes: number): string {
	return `${Math.round(bytes / (1024 * 1024))} MB`;
}

function fileSystemError(path: string, error: unknown): SchemaFileError {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const reason =
		code === 'ENOENT'
			? `file not found (looked in ${process.cwd()} for relative paths)`
			: code === 'EACCES' || code === 'EPERM'
				? 'permission denied; check the file permissions, or run as a user who can read it'
				: code === 'EISDIR'
					? 'is a directory; give the path of a .json schema file'
					: code === 'ENOTDIR'
						? 'a part of the path is not a directory'
						: code === 'ELOOP'
							? 'too many symbolic links in the path'
							: code === 'EMFILE' || code === 'ENFILE'
								? 'too many open files; close other programs and try again'
								: `cannot read the file (${code ?? (error instanceof Error ? error.message : String(error))})`;
	return new SchemaFileError(`${path}: ${reason}`, {cause: error});
}

