/**
 * Importing a schema exported from another service principal (Step 5 of Microsoft's procedure): directory ids
 * and the schema's own id belong to the target, so they are taken from the target's live schema by directory
 * name (as goodworkaround's Restore-InboundProvisioningMapping does, research §3.8). A directory the target does
 * not have is refused: Graph cannot create one by import — except, in a schema of the same job (same schema id),
 * a directory the live schema has lost since (one whose id no live directory has): restoring it is the point.
 */
import {UserError} from '../errors.js';
import type {SynchronizationSchema} from '../schema/types.js';
import {isPlainObject} from './json.js';

export type DirectoryRemap = {name: string; from?: string; to?: string};

export function remapDirectories(
	imported: SynchronizationSchema,
	target: SynchronizationSchema,
): {document: SynchronizationSchema; remapped: DirectoryRemap[]; schemaId?: {from?: string; to?: string}} {
	const targetIds = new Map<string, string | undefined>();
	for (const directory of target.directories ?? []) {
		if (isPlainObject(directory) && typeof directory.name === 'string') targetIds.set(directory.name, typeof directory.id === 'string' ? directory.id : undefined);
	}
	const usedIds = new Set([...targetIds.values()].filter((id) => id !== undefined));
	// A schema of this very job (a backup, an earlier export) may hold a directory the live schema has lost since:
	// restoring it is the point, so such a directory (its id unused by the live ones, i.e. not a renamed one) is kept.
	const sameJob = typeof imported.id === 'string' && imported.id === target.id;
	const restorable = (directory: {name: string; id?: unknown}) => sameJob && typeof directory.id === 'string' && !usedIds.has(directory.id);
	const importedDirectories = imported.directories ?? [];
	const unknown = importedDirectories
		.filter((directory) => isPlainObject(directory) && !targetIds.has(directory.name) && !restorable(directory))
		.map((directory) => directory.name);
	if (unknown.length > 0) {
		const available = [...targetIds.keys()].map((name) => `'${name}'`).join(', ') || 'none';
		throw new UserError(
			`The imported schema has the directory ${unknown.map((name) => `'${name}'`).join(', ')}, which this job's schema does not have (it has ${available}); import a schema exported from the same kind of app.`,
		);
	}
	const document = structuredClone(imported);
	const remapped: DirectoryRemap[] = [];
	for (const directory of document.directories ?? []) {
		if (!isPlainObject(directory) || !targetIds.has(directory.name)) continue;
		const to = targetIds.get(directory.name);
		const from = typeof directory.id === 'string' ? directory.id : undefined;
		if (from === to) continue;
		if (to === undefined) delete directory.id;
		else directory.id = to;
		remapped.push({name: directory.name, ...(from !== undefined ? {from} : {}), ...(to !== undefined ? {to} : {})});
	}
	let schemaId: {from?: string; to?: string} | undefined;
	if (typeof target.id === 'string' && document.id !== target.id) {
		schemaId = {...(typeof document.id === 'string' ? {from: document.id} : {}), to: target.id};
		document.id = target.id;
		// The legacy twin of `id` (research §1.2): keep it consistent when present, never invent it.
		if (Object.hasOwn(document, 'provisioningTaskIdentifier')) {
			document.provisioningTaskIdentifier = Object.hasOwn(target, 'provisioningTaskIdentifier') ? target.provisioningTaskIdentifier : target.id;
		}
	}
	return {document, remapped, ...(schemaId ? {schemaId} : {})};
}
