import {UserError} from '../errors.js';

export type GraphErrorDetails = {
	status: number;
	/** The server's Retry-After, when it asked for a longer wait than we allow. */
	retryAfterSeconds?: number;
	code?: string;
	message?: string;
	requestId?: string;
	clientRequestId?: string;
	date?: string;
	method: string;
	/** Path without the query string (queries can carry names: keep them out of messages). */
	path: string;
};

/** The ids in a Graph path, by the collection they belong to. */
function idsIn(path: string): {servicePrincipal?: string; job?: string} {
	const segments = path.split('/').map((segment) => decodeURIComponent(segment));
	const after = (name: string) => {
		const index = segments.indexOf(name);
		return index >= 0 ? segments[index + 1] : undefined;
	};
	return {servicePrincipal: after('servicePrincipals'), job: after('jobs')};
}

/** The path with ids replaced by placeholders: short, and free of names. */
export function pathTemplate(path: string): string {
	return path
		.replace(/^\/(beta|v1\.0)/, '')
		.replace(/(servicePrincipals|jobs|templates|directories)\/[^/]+/g, (_match, collection: string) => `${collection}/{id}`);
}

function notFound(path: string): string {
	const {servicePrincipal, job} = idsIn(path);
	if (job) return `Job ${job} of service principal ${servicePrincipal} was not found: it may have been deleted; reload the list.`;
	if (servicePrincipal) return `Service principal ${servicePrincipal} was not found: check the id, or reload the list.`;
	return 'Not found.';
}

const directoryRoles =
	'a signed-in user also needs the Application Administrator or Cloud Application Administrator role (Hybrid Identity Administrator for Entra Cloud Sync)';

/** The least permission the call needs: the one to ask an admin for. */
export function permissionFor(method: string, path: string): string {
	if (/\/synchronization(\/|$)/i.test(path)) {
		const writes = method !== 'GET' && !/\/(parseExpression|functions|filterOperators)$/i.test(path);
		return writes ? 'Synchronization.ReadWrite.All' : 'Synchronization.Read.All (or Synchronization.ReadWrite.All)';
	}
	return 'Application.Read.All';
}

/** What the user should do about a Graph error, by status. */
function advice(details: GraphErrorDetails): string {
	switch (details.status) {
		case 400:
			return 'The request was rejected as invalid.';
		case 401:
			return 'Sign in again (your session expired or was revoked).';
		case 403:
			return `This needs the ${permissionFor(details.method, details.path)} permission, consented for the app you sign in with, and ${directoryRoles}. Ask an admin, then sign in again.`;
		case 404:
			return notFound(details.path);
		case 406:
			return 'Graph refused the document: enum values are case-sensitive (e.g. FlowWhenChanged).';
		case 429:
			return details.retryAfterSeconds
				? `Graph is throttling requests and asked to wait ${details.retryAfterSeconds} s; try again after that.`
				: 'Graph is throttling requests; wait a minute and try again.';
		default:
			return details.status >= 500 ? 'Graph had a problem; try again in a moment.' : '';
	}
}

/** A failed Graph call, with the ids support asks for. */
export class GraphError extends UserError {
	readonly details: GraphErrorDetails;
	constructor(details: GraphErrorDetails) {
		const cause = details.message ? `${details.message.replace(/\s+/g, ' ').trim()}` : `HTTP ${details.status}`;
		const code = details.code ? ` (${details.code})` : '';
		const ids = details.requestId ? ` [request-id ${details.requestId}]` : '';
		super(`Graph ${details.method} ${pathTemplate(details.path)} failed: ${details.status}${code}: ${cause}. ${advice(details)}${ids}`.replace(/\.\./g, '.'));
		this.name = 'GraphError';
		this.details = details;
	}

	get status(): number {
		return this.details.status;
	}
}
