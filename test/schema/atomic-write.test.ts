import {chmod, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {writeFileAtomic} from '../../source/fs/atomic-write.js';

let directory: string;

beforeEach(async () => {
	directory = await mkdtemp(path.join(tmpdir(), 'pvx-atomic-'));
});

afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

const posix = process.platform !== 'win32';

describe('writeFileAtomic', () => {
	it('writes a new file and leaves no temporary file behind', async () => {
		const file = path.join(directory, 'schema.json');
		await writeFileAtomic(file, '{"a": 1}');
		expect(await readFile(file, 'utf8')).toBe('{"a": 1}');
		expect(await readdir(directory)).toEqual(['schema.json']);
	});

	it('replaces an existing file with bytes', async () => {
		const file = path.join(directory, 'schema.json');
		await writeFile(file, 'old content that is longer');
		const bytes = Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]);
		await writeFileAtomic(file, bytes);
		expect(new Uint8Array(await readFile(file))).toEqual(bytes);
		expect(await readdir(directory)).toEqual(['schema.json']);
	});

	it.runIf(posix)('honours an explicit mode exactly, regardless of the umask', async () => {
		const file = path.join(directory, 'secret.json');
		await writeFileAtomic(file, 'x', {mode: 0o600});
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		await writeFileAtomic(file, 'y', {mode: 0o640});
		expect((await stat(file)).mode & 0o777).toBe(0o640);
	});

	it.runIf(posix)("keeps an existing file's mode when none is given", async () => {
		const file = path.join(directory, 'schema.json');
		await writeFile(file, 'old');
		await chmod(file, 0o604);
		await writeFileAtomic(file, 'new');
		expect((await stat(file)).mode & 0o777).toBe(0o604);
	});

	it.runIf(posix)('writes through a symlink to its target', async () => {
		const target = path.join(directory, 'target.json');
		const link = path.join(directory, 'link.json');
		await writeFile(target, 'old');
		await symlink(target, link);
		await writeFileAtomic(link, 'new');
		expect(await readFile(target, 'utf8')).toBe('new');
		expect((await stat(link)).isFile()).toBe(true);
		expect((await readdir(directory)).sort()).toEqual(['link.json', 'target.json']);
	});

	it('fails cleanly when the parent is a file (works even as root)', async () => {
		const parent = path.join(directory, 'not-a-directory');
		await writeFile(parent, 'original');
		await expect(writeFileAtomic(path.join(parent, 'schema.json'), 'x')).rejects.toMatchObject({code: 'ENOTDIR'});
		expect(await readFile(parent, 'utf8')).toBe('original');
		expect(await readdir(directory)).toEqual(['not-a-directory']);
	});

	it('leaves the original untouched and removes the temporary file when the rename fails', async () => {
		// Renaming a file over a non-empty directory fails for every user, root included.
		const target = path.join(directory, 'occupied');
		const {mkdir} = await import('node:fs/promises');
		await mkdir(target);
		await writeFile(path.join(target, 'keep.txt'), 'original');
		await expect(writeFileAtomic(target, 'new content')).rejects.toThrow();
		expect(await readFile(path.join(target, 'keep.txt'), 'utf8')).toBe('original');
		expect(await readdir(directory)).toEqual(['occupied']);
	});

});
