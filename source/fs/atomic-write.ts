import {randomBytes} from 'node:crypto';
import {type FileHandle, open, realpath, rename, stat, unlink} from 'node:fs/promises';
import path from 'node:path';

export type WriteFileAtomicOptions = {
	/** File permissions, e.g. 0o600. Default: keep the existing file's mode, else 0o666 minus umask. */
	mode?: number;
};

/**
 * Write a file so that readers see either the old or the new content, never a mix:
 * write a temporary file in the same directory (rename is atomic only within one file system),
 * fsync it, then rename it over the target. The temporary file is removed if anything fails.
 */
export async function writeFileAtomic(
	filePath: string,
	/** An async iterable is written chunk by chunk (a large file need not be in memory); if it throws, nothing is kept. */
	data: string | Uint8Array | AsyncIterable<Uint8Array>,
	options: WriteFileAtomicOptions = {},
): Promise<void> {
	// Write through a symlink to its target instead of replacing the link with a regular file.
	const targetPath = await realpath(filePath).catch(() => path.resolve(filePath));
	const existingMode = await stat(targetPath).then(
		(stats) => (stats.isFile() ? stats.mode & 0o7777 : undefined),
		() => undefined,
	);
	const mode = options.mode ?? existingMode;
	const directory = path.dirname(targetPath);
	const temporaryPath = path.join(
		directory,
		`.${path.basename(targetPath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
	);

	let handle: FileHandle | undefined;
	try {
		// 'wx' refuses to follow a symlink planted at the temporary name.
		handle = await open(temporaryPath, 'wx', mode ?? 0o666);
		if (mode !== undefined) {
			// open() applies the umask; an explicit or inherited mode must be exact.
			await handle.chmod(mode);
		}
		if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
		else for await (const chunk of data) await writeAll(handle, chunk);
		await handle.sync();
		await handle.close();
		handle = undefined;
		await renameWithRetry(temporaryPath, targetPath);
	} catch (error) {
		await handle?.close().catch(() => {});
		await unlink(temporaryPath).catch(() => {});
		throw error;
	}
	await syncDirectory(directory);
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
	for (let offset = 0; offset < chunk.length; ) offset += (await handle.write(chunk, offset)).bytesWritten;
}

/** On Windows, antivirus and indexers briefly lock files, so rename can fail with EPERM/EBUSY. */
async function renameWithRetry(from: string, to: string): Promise<void> {
	const attempts = process.platform === 'win32' ? 5 : 1;
	for (let attempt = 1; ; attempt++) {
		try {
			await rename(from, to);
			return;
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			const retryable = code === 'EPERM' || code === 'EACCES' || code === 'EBUSY';
			if (!retryable || attempt >= attempts) throw error;
			await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
		}
	}
}

/** Persist the rename itself. Best effort: directories cannot be opened for sync on Windows. */
async function syncDirectory(directory: string): Promise<void> {
	let handle: FileHandle | undefined;
	try {
		handle = await open(directory, 'r');
		await handle.sync();
	} catch {
		// Not supported on this platform or file system; the data itself is already synced.
	} finally {
		await handle?.close().catch(() => {});
	}
}
