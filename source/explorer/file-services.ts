/** ExplorerServices for `--file`: a local schema, no sign-in, no network. */
import {basename, resolve} from 'node:path';
import {UserError} from '../errors.js';
import {writeFileAtomic} from '../fs/atomic-write.js';
import {SchemaFileBytes} from '../schema/file-bytes.js';
import {loadSchemaFile} from '../schema/load.js';
import {localFiles} from './local-files.js';
import type {ExplorerServices} from './services.js';

export function createFileServices(path: string, exportDirectory: string, options: {readOnly?: boolean} = {}): ExplorerServices {
	const offline = () => Promise.reject(new UserError('Offline: this session browses a file.'));
	return {
		...localFiles(),
		readOnly: Boolean(options.readOnly),
		source: {kind: 'file', path: basename(path), location: resolve(path)},
		signIn: offline,
		listApps: offline,
		listJobs: offline,
		getSchema: offline,
		async openFile() {
			const loaded = await loadSchemaFile(path);
			// The file is on disk: its bytes are read again to export, not held for the whole session.
			return {bytes: SchemaFileBytes.of(path, loaded.bytes), schema: loaded.schema};
		},
		exportPath: (fileName) => resolve(exportDirectory, fileName),
		async saveExport(bytes, path) {
			await writeFileAtomic(path, bytes);
			return path;
		},
	};
}
