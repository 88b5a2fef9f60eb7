import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {writeFileAtomic} from '../../source/fs/atomic-write.js';
import {SchemaFileBytes, schemaBytesToWrite} from '../../source/schema/file-bytes.js';

describe('a schema file left on disk (SchemaFileBytes)', () => {
	it('writes the bytes it was opened with, in chunks, byte for byte (larger than one chunk)', async () => {
		const directory = await mkdtemp(join(tmpdir(), 'pvx-file-bytes-'));
		const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 'é{"a":1}\r\n');
		await writeFile(join(directory, 'in.json'), bytes);
		await writeFileAtomic(join(directory, 'out.json'), schemaBytesToWrite(SchemaFileBytes.of(join(directory, 'in.json'), bytes)));
		expect(Buffer.compare(await readFile(join(directory, 'out.json')), bytes)).toBe(0);
	});

	it('keeps nothing when the file grew since it was opened', async () => {
		const directory = await mkdtemp(join(tmpdir(), 'pvx-file-bytes-'));
		const opened = SchemaFileBytes.of(join(directory, 'in.json'), Buffer.from('{"id":"a"}'));
		await writeFile(join(directory, 'in.json'), '{"id":"a"} ');
		await expect(writeFileAtomic(join(directory, 'out.json'), schemaBytesToWrite(opened))).rejects.toThrow(/changed on disk since it was opened; open it again/);
		expect(await readdir(directory)).toEqual(['in.json']);
	});

	it('says the file was moved or deleted when it is gone', async () => {
		const directory = await mkdtemp(join(tmpdir(), 'pvx-file-bytes-'));
		await writeFile(join(directory, 'in.json'), '{}');
		const opened = SchemaFileBytes.of(join(directory, 'in.json'), Buffer.from('{}'));
		await rm(join(directory, 'in.json'));
		await expect(writeFileAtomic(join(directory, 'out.json'), schemaBytesToWrite(opened))).rejects.toThrow(/cannot read the schema file again \(ENOENT\); it was moved or deleted/);
		expect(await readdir(directory)).toEqual([]);
	});
});
