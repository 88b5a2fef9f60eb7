/**
 * The demo tenant's check of a certificate credential: the client assertion (a JWT signed with the
 * app's private key) must name a certificate registered for the app, carry a valid signature from
 * it, be addressed to this token endpoint, and be within its time range — what Entra checks.
 */
import {constants, createHash, type KeyObject, verify, X509Certificate} from 'node:crypto';

export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type RegisteredCertificate = {
	/** base64url SHA-256 and SHA-1 of the DER, as in the JWT header's x5t#S256 / x5t. */
	x5tS256: string;
	x5t: string;
	publicKey: KeyObject;
	/** Undefined: any client id may use it. */
	clientId?: string;
};

export function registerCertificate(certificatePem: string, clientId?: string): RegisteredCertificate {
	const certificate = new X509Certificate(certificatePem);
	return {
		x5tS256: createHash('sha256').update(certificate.raw).digest('base64url'),
		x5t: createHash('sha1').update(certificate.raw).digest('base64url'),
		publicKey: certificate.publicKey,
		clientId,
	};
}

export type AssertionCheck = {ok: true} | {ok: false; code: number; description: string};

const fail = (code: number, description: string): AssertionCheck => ({ok: false, code, description});

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
	if (!segment) return undefined;
	try {
		const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
		return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

export function checkClientAssertion(
	assertion: string,
	expected: {clientId: string; tokenPath: string; certificates: readonly RegisteredCertificate[]; now?: number},
): AssertionCheck {
	const [headerPart, payloadPart, signaturePart] = assertion.split('.');
	const header = decodeSegment(headerPart);
	const claims = decodeSegment(payloadPart);
	if (!header || !claims || !signaturePart) return fail(700027, 'Client assertion is not a valid JWT.');
	const byS256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
	const bySha1 = typeof header.x5t === 'string' ? header.x5t : undefined;
	const certificate = expected.certificates.find(
		(each) => (!each.clientId || each.clientId === expected.clientId) && ((byS256 && each.x5tS256 === byS256) || (bySha1 && each.x5t === bySha1)),
	);
	if (!certificate) {
		return fail(700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${byS256 ?? bySha1 ?? 'none'}']`);
	}
	const signed = Buffer.from(`${headerPart}.${payloadPart}`);
	const signature = Buffer.from(signaturePart, 'base64url');
	let valid = false;
	if (header.alg === 'PS256') {
		valid = verify('sha256', signed, {key: certificate.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST}, signature);
	} else if (header.alg === 'RS256') {
		valid = verify('sha256', signed, {key: certificate.publicKey, padding: constants.RSA_PKCS1_PADDING}, signature);
	}
	if (!valid) return fail(700027, 'Client assertion failed signature validation.');
	if (claims.iss !== expected.clientId || claims.sub !== expected.clientId) {
		return fail(700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
	}
	let audiencePath = '';
	try {
		audiencePath = new URL(String(claims.aud)).pathname.toLowerCase();
	} catch {
		// An audience that is not a URL cannot be this endpoint.
	}
	if (audiencePath !== expected.tokenPath.toLowerCase()) return fail(700027, 'Client assertion contains an invalid audience (aud) claim.');
	const now = Math.floor((expected.now ?? Date.now()) / 1000);
	const expires = Number(claims.exp);
	const notBefore = Number(claims.nbf ?? 0);
	if (!Number.isFinite(expires) || expires <= now || notBefore > now + 300) {
		return fail(700024, 'Client assertion is not within its valid time range.');
	}
	return {ok: true};
}
