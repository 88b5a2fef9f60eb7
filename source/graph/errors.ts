import {supportIds, UserError} from '../errors.js';

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
	/** A 401 whose code or WWW-Authenticate challenge says the token itself is invalid or expired. */
	tokenRejected?: boolean;
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
	'a signed-in user also needs the Application Administrator or Cloud Application Administrator role (Hybrid Identity Administrator is enough for Entra Cloud Sync apps only; Global Reader is not enough)';

/** Who can consent: a Hybrid Identity Administrator cannot consent for the Graph Command Line Tools app. */
const consentNote =
	'Consent to the sign-in app (Microsoft Graph Command Line Tools by default) is granted once by an Application Administrator or Cloud Application Administrator; a Hybrid Identity Administrator cannot grant it';

export const isSynchronizationPath = (path: string) => /\/synchronization(\/|$)/i.test(path);

/** The least permission the call needs: the one to ask an admin for. */
export function permissionFor(method: string, path: string): string {
	if (isSynchronizationPath(path)) {
		// parseExpression, functions and filterOperators document only Synchronization.ReadWrite.All (delegated).
		if (/\/(parseExpression|functions|filterOperators)$/i.test(path)) return 'Synchronization.ReadWrite.All';
		return method !== 'GET' ? 'Synchronization.ReadWrite.All' : 'Synchronization.Read.All (or Synchronization.ReadWrite.All)';
	}
	return 'Application.Read.All';
}

/**
 * A 401 that a new token does not fix: the synchronization backend's answer to a missing permission or
 * directory role (UnknownError, often with no message), not an expired sign-in.
 */
export function isMissingAccess(details: Pick<GraphErrorDetails, 'status' | 'code' | 'path' | 'tokenRejected'>): boolean {
	return details.status === 401 && details.code !== 'InvalidAuthenticationToken' && !details.tokenRejected && isSynchronizationPath(details.path);
}

/** What the user should do about a Graph error, by status. */
function advice(details: GraphErrorDetails): string {
	switch (details.status) {
		case 400:
			return 'The request was rejected as invalid.';
		case 401:
			if (isMissingAccess(details)) {
				return `The account almost certainly lacks the permission or the directory role for this app: it needs the ${permissionFor(details.method, details.path)} permission, and ${directoryRoles}. ${consentNote}. Ask an admin, then sign in again.`;
			}
			return 'Sign in again (your session expired or was revoked).';
		case 403:
			return `This needs the ${permissionFor(details.method, details.path)} permission, consented for the app you sign in with, and ${directoryRoles}. ${consentNote}. Ask an admin, then sign in again.`;
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
		const text = details.message?.replace(/\s+/g, ' ').trim();
		const cause = text ? text : isMissingAccess(details) ? 'no message' : `HTTP ${details.status}`;
		const code = details.code ? ` (${details.code})` : '';
		super(`Graph ${details.method} ${pathTemplate(details.path)} failed: ${details.status}${code}: ${cause}. ${advice(details)}${supportIds(details)}`.replace(/\.\./g, '.'));
		this.name = 'GraphError';
		this.details = details;
	}

	get status(): number {
		return this.details.status;
	}
}
