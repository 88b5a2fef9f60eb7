/**
 * A schema file's bytes left on disk instead of in memory. `--file` keeps the schema it opened so that `x` exports
 * it byte for byte; holding a 20 MB file's bytes for that costs 20 MB of RSS for the whole session (issue 14), when
 * the file is still on disk. Its SHA-256 is kept instead (~20 ms for 20 MB), and the bytes are read again when they
 * are needed: if the file changed since it was opened, the export is refused rather than writing other bytes than
 * the schema being browsed. The export streams them (chunks()), so it does not hold the 20 MB either.
 */
import {createHash} from 'node:crypto';
import {createReadStream} from 'node:fs';
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

	/**
	 * The bytes in chunks of 1 MiB, for writing without holding them all; the last step throws (so an atomic write
	 * keeps nothing) when what was read is not what was opened.
	 */
	async *chunks(): AsyncGenerator<Buffer> {
		const hash = createHash('sha256');
		let size = 0;
		try {
			for await (const chunk of createReadStream(this.path, {highWaterMark: 1024 * 1024}) as AsyncIterable<Buffer>) {
				hash.update(chunk);
				size += chunk.length;
				yield chunk;
			}
		} catch (error) {
			if ((error as NodeJS.ErrnoException).path !== this.path) throw error;
			throw this.unreadable(error);
		}
		if (size !== this.size || hash.digest('hex') !== this.sha256) throw this.changed();
	}

	private changed(): SchemaFileError {
		return new SchemaFileError(`${this.path} changed on disk since it was opened; open it again to export what it holds now`);
	}

	private unreadable(error: unknown): SchemaFileError {
		const code = (error as NodeJS.ErrnoException).code;
		return new SchemaFileError(`${this.path}: cannot read the schema file again (${code ?? 'error'}); it was moved or deleted since it was opened, so open it again`, {cause: error});
	}
}

/** A schema's exact bytes: in memory (as Graph returned them) or a file's, left on disk. */
export type SchemaBytes = Uint8Array | SchemaFileBytes;

/** What a file write takes: the bytes in memory as they are, a file's streamed from disk. */
export function schemaBytesToWrite(bytes: SchemaBytes): Uint8Array | AsyncIterable<Uint8Array> {
	return bytes instanceof SchemaFileBytes ? bytes.chunks() : bytes;
}

function digest(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}
