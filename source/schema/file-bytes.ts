/**
 * A schema file's bytes left on disk instead of in memory. `--file` keeps the schema it opened so that `x` exports
 * it byte for byte; holding a 20 MB file's bytes for that costs 20 MB of RSS for the whole session (issue 14), when
 * the file is still on disk. Its SHA-256 is kept instead (~20 ms for 20 MB), and the bytes are read again when they
 * are needed: if the file changed since it was opened, the export is refused rather than writing other bytes than
 * the schema being browsed.
 */
import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {resolve} from 'node:path';
import {SchemaFileError} from './schema-file.js';

export class SchemaFileBytes {
	private constructor(
		/** Absolute, so a later change of directory does not matter. */
		readonly path: string,
		readonly size: number,
		private readonly sha256: string,
	) {}

	static of(path: string, bytes: Uint8Array): SchemaFileBytes {
		return new SchemaFileBytes(resolve(path), bytes.length, digest(bytes));
	}

	/** The bytes as they were when the file was opened; a SchemaFileError when the file changed or cannot be read. */
	async read(): Promise<Buffer> {
		let bytes: Buffer;
		try {
			bytes = await readFile(this.path);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			throw new SchemaFileError(`${this.path}: cannot read the schema file again (${code ?? 'error'}); it was moved or deleted since it was opened, so open it again`, {cause: error});
		}
		if (bytes.length !== this.size || digest(bytes) !== this.sha256) {
			throw new SchemaFileError(`${this.path} changed on disk since it was opened; open it again to export what it holds now`);
		}
		return bytes;
	}
}

/** A schema's exact bytes: in memory (as Graph returned them) or a file's, left on disk. */
export type SchemaBytes = Uint8Array | SchemaFileBytes;

export function readSchemaBytes(bytes: SchemaBytes): Promise<Uint8Array> {
	return bytes instanceof SchemaFileBytes ? bytes.read() : Promise.resolve(bytes);
}

function digest(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}
