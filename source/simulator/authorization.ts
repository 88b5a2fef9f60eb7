/**
 * Who may call what: bearer-token authentication and the permission each Graph operation needs.
 * All of it lives here so later work (directory roles, app-only restrictions, CAE…) extends one place.
 */

import {graphError, header, type RequestContext, type SimulatorResponse} from './http.js';
import type {AccessGrant, IdentityProvider} from './identity.js';

/** The kinds of Graph operation the simulator serves. */
export type GraphOperation = 'servicePrincipals.read' | 'synchronization.read' | 'synchronization.write' | 'auditLogs.read' | 'users.read';

/** Any one of these permissions (delegated scope or application role) allows the operation (research §2.1). */
export const acceptedPermissions: Record<GraphOperation, readonly string[]> = {
	'servicePrincipals.read': ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
	'synchronization.read': ['Synchronization.Read.All', 'Synchronization.ReadWrite.All'],
	'synchronization.write': ['Synchronization.ReadWrite.All'],
	'auditLogs.read': ['AuditLog.Read.All'],
	'users.read': ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
};

/** Operations that need a second permission as well: provisioning logs need AuditLog.Read.All and Directory.Read.All (loop-and-expressions.md §1.1). */
export const alsoRequiredPermissions: Partial<Record<GraphOperation, readonly string[]>> = {
	'auditLogs.read': ['Directory.Read.All', 'Directory.ReadWrite.All'],
};

export type AuthenticationResult = {ok: true; grant: AccessGrant} | {ok: false; response: SimulatorResponse};

/** Checks `Authorization: Bearer <token>` against the tokens the identity provider issued. */
export function authenticate(context: RequestContext, identity: IdentityProvider): AuthenticationResult {
	const authorization = header(context, 'authorization') ?? '';
	const match = /^Bearer\s+(.*)$/i.exec(authorization.trim());
	const token = match?.[1]?.trim() ?? '';
	if (token === '') return {ok: false, response: unauthenticated(context, 'Access token is empty.')};
	const validation = identity.validateAccessToken(token);
	if (validation.status === 'expired') return {ok: false, response: unauthenticated(context, 'Access token has expired or is not yet valid.')};
	if (validation.status === 'unknown') return {ok: false, response: unauthenticated(context, 'Access token validation failure. Invalid audience.')};
	return {ok: true, grant: validation.grant};
}

export function isAllowed(grant: AccessGrant, operation: GraphOperation): boolean {
	const also = alsoRequiredPermissions[operation];
	return acceptedPermissions[operation].some((permission) => grant.permissions.has(permission)) && (!also || also.some((permission) => grant.permissions.has(permission)));
}

export function forbidden(context: RequestContext): SimulatorResponse {
	return graphError(context, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

/** Directory roles that may manage every app's provisioning (rbac-synchronization-apis.md). */
const provisioningRoles = new Set(['Global Administrator', 'Application Administrator', 'Cloud Application Administrator']);
/** Hybrid Identity Administrator: Entra Cloud Sync's jobs only. */
export const cloudSyncRole = 'Hybrid Identity Administrator';

/**
 * Whether the signed-in user's directory roles cover this app's provisioning. App-only tokens carry
 * no roles: their application permission is enough. Global Reader is not enough (known-issues.md).
 */
export function roleAllows(grant: AccessGrant, app: {isCloudSync: boolean}): boolean {
	if (grant.kind === 'application') return true;
	const roles = grant.directoryRoles;
	if ([...roles].some((role) => provisioningRoles.has(role))) return true;
	return app.isCloudSync && roles.has(cloudSyncRole);
}

/**
 * What the synchronization backend answers a call made without the permission or the directory role it
 * needs: 401 UnknownError with an empty message, not 403 (research §2.1, zerotrustassessment#1382).
 * The challenge is Graph's generic one: it does not say the token is invalid.
 */
export function synchronizationDenied(context: RequestContext): SimulatorResponse {
	return graphError(context, 401, 'UnknownError', '', {
		'www-authenticate': `Bearer realm="", authorization_uri="${context.baseUrl}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
	});
}

function unauthenticated(context: RequestContext, message: string): SimulatorResponse {
	return graphError(context, 401, 'InvalidAuthenticationToken', message, {
		'www-authenticate': `Bearer realm="", authorization_uri="${context.baseUrl}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
	});
}

/** Directory roles that may read provisioning logs (GDC provisioningobjectsummary-list, loop-and-expressions §1.1). */
const reportsRoles = new Set([
	'Global Administrator',
	'Reports Reader',
	'Security Reader',
	'Security Administrator',
	'Security Operator',
	'Global Reader',
	'Application Administrator',
	'Cloud Application Administrator',
]);

export function reportsRoleAllows(grant: AccessGrant): boolean {
	return grant.kind === 'application' || [...grant.directoryRoles].some((role) => reportsRoles.has(role));
}
