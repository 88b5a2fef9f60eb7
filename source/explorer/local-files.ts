/** File operations the explorer shares in every mode: reading schemas and patches, saving patches, listing backups. */
import {readFile, stat} from 'node:fs/promises';
import {resolve} from 'node:path';
import {listBackups, parsePatchFile} from '../edit/index.js';
import {UserError} from '../errors.js';
import {writeFileAtomic} from '../fs/atomic-write.js';
import {formatMegabytes, loadSchemaFile, maxSchemaFileBytes} from '../schema/load.js';
import type {ExplorerServices} from './services.js';

type LocalFiles = Pick<ExplorerServices, 'readSchemaFile' | 'readPatchFile' | 'saveTextFile' | 'listBackups' | 'fileExists' | 'listHistory' | 'readHistoryVersion'>;

export function localFiles(options: {backupDirectory?: string; /** --history-dir: a folder (or git tree) of exports. */ historyDirectory?: string} = {}): LocalFiles {
	return {
		async readSchemaFile(path) {
			const loaded = await loadSchemaFile(path);
			return {bytes: loaded.bytes, schema: loaded.schema};
		},
		async readPatchFile(path) {
			let bytes: Buffer;
			try {
				// Checked before reading, as schema files are: memory must not depend on what the path holds.
				const size = (await stat(path)).size;
				if (size > maxSchemaFileBytes) {
					throw new UserError(`Cannot read the patch ${path}: the file is ${formatMegabytes(size)}, larger than the ${formatMegabytes(maxSchemaFileBytes)} limit for a JSON Patch.`);
				}
				bytes = await readFile(path);
			} catch (error) {
				if (error instanceof UserError) throw error;
				throw new UserError(`Cannot read the patch ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}. Check the path.`);
			}
			return parsePatchFile(bytes, path);
		},
		async saveTextFile(path, text) {
			const target = resolve(path);
			await writeFileAtomic(target, text);
			return target;
		},
		async fileExists(path) {
			try {
				await stat(path);
				return true;
			} catch {
				return false;
			}
		},
		listBackups: (appName, templateId, jobId) => listBackups({appName, templateId, jobId, directory: options.backupDirectory}),
		// Loaded on first use: git and history code stay out of the explorer's start-up.
		listHistory: async (job) =>
			(await import('../history/versions.js')).listHistory({...job, backupDirectory: options.backupDirectory, historyDirectory: options.historyDirectory}),
		readHistoryVersion: async (version) => (await import('../history/versions.js')).loadVersion(version),
	};
}
