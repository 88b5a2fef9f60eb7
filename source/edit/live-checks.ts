/**
 * Checks of a document against the live schema it would replace (the whole schema is replaced by a PUT): what
 * the change would take away that cannot be got back by restoring a backup.
 */
import type {SynchronizationSchema} from '../schema/types.js';
import {isPlainObject} from './json.js';
import type {Problem} from './validate.js';

function directoryNames(document: SynchronizationSchema): string[] {
	return (document.directories ?? []).flatMap((directory) => (isPlainObject(directory) && typeof directory.name === 'string' ? [directory.name] : []));
}

/**
 * A live directory missing from the document is a blocking error: the provisioning engine's directory (its objects,
 * attributes and the rules naming it) would be gone, and a backup could no longer be mapped back onto the job.
 */
export function checkAgainstLive(live: SynchronizationSchema, document: SynchronizationSchema): Problem[] {
	const kept = new Set(directoryNames(document));
	return directoryNames(live)
		.filter((name) => !kept.has(name))
		.map((name) => ({
			severity: 'error' as const,
			pointer: '/directories',
			message: `The change removes the directory '${name}' that the live job has; Graph's schema must keep every directory of the job. Put it back (take it from the live schema or a backup).`,
		}));
}
