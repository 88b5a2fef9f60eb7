/**
 * App-only credentials: a client secret or a certificate, read from a file or the environment —
 * never from the command line, where `ps` and shell history would show them. The environment
 * variables mean what they mean to @azure/identity's EnvironmentCredential.
 */
import {createPrivateKey, X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {UsageError, UserError} from '../errors.js';

export type ClientCertificate = {
	/** PKCS#8 PEM, decrypted. */
	privateKey: string;
	/** Hex SHA-256 of the first certificate's DER, as msal-node wants it. */
	thumbprintSha256: string;
	/** The first (leaf) certificate, PEM: what is uploaded to the app registration. */
	certificate: string;
	/** The certificate PEM(s), sent as x5c only when asked (subject name / issuer auth). */
	chain?: string;
	subject: string;
	notAfter: Date;
};

export type AppCredential = {kind: 'secret'; secret: string} | ({kind: 'certificate'} & ClientCertificate);

function fileError(what: string, path: string, error: unknown): UserError {
	const code = (error as NodeJS.ErrnoException).code ?? 'error';
	return new UserError(`Cannot read the ${what} ${path} (${code}). Check the path and its permissions.`);
}

/** A client secret from a file: the first line, without surrounding white space. */
export async function readClientSecretFile(path: string): Promise<string> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		throw fileError('client secret file', path, error);
	}
	const secret = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]?.trim() ?? '';
	if (!secret) throw new UserError(`The client secret file ${path} is empty. Put the secret's value (not its id) on the first line.`);
	return secret;
}

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/**
 * A PEM file holding the certificate (first) and its private key, the format @azure/identity reads.
 * An encrypted key needs `password`.
 */
export async function loadClientCertificate(path: string, options: {password?: string; sendChain?: boolean; now?: Date} = {}): Promise<ClientCertificate> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		throw fileError('certificate file', path, error);
	}
	const blocks = [...text.matchAll(pemBlock)].map((match) => ({label: match[1] ?? '', pem: match[0]}));
	const certificates = blocks.filter((block) => block.label === 'CERTIFICATE');
	const key = blocks.find((block) => block.label.endsWith('PRIVATE KEY'));
	if (certificates.length === 0 || !key) {
		const missing = certificates.length === 0 ? 'certificate (BEGIN CERTIFICATE)' : 'private key (BEGIN PRIVATE KEY)';
		throw new UserError(`${path} has no ${missing}. Give one PEM file with both the certificate and its private key.`);
	}
	let certificate: X509Certificate;
	try {
		certificate = new X509Certificate(certificates[0]!.pem);
	} catch {
		throw new UserError(`The certificate in ${path} cannot be read. Check that it is a PEM certificate.`);
	}
	let privateKey: ReturnType<typeof createPrivateKey>;
	try {
		privateKey = createPrivateKey({key: key.pem, format: 'pem', passphrase: options.password});
	} catch (error) {
		const encrypted = key.label.includes('ENCRYPTED') || /Proc-Type: 4,ENCRYPTED/.test(key.pem);
		if (encrypted) {
			throw new UserError(
				options.password
					? `The private key in ${path} could not be decrypted: check AZURE_CLIENT_CERTIFICATE_PASSWORD.`
					: `The private key in ${path} is encrypted: set AZURE_CLIENT_CERTIFICATE_PASSWORD.`,
			);
		}
		throw new UserError(`The private key in ${path} cannot be read (${(error as Error).message.split('\n')[0]}).`);
	}
	if (privateKey.asymmetricKeyType !== 'rsa') {
		throw new UserError(`The key in ${path} is ${privateKey.asymmetricKeyType ?? 'not RSA'}; Entra ID app certificates need an RSA key.`);
	}
	if (!certificate.checkPrivateKey(privateKey)) {
		throw new UserError(`The private key in ${path} does not belong to its certificate. Put the matching key in the file.`);
	}
	const notAfter = new Date(certificate.validTo);
	if (notAfter.getTime() < (options.now ?? new Date()).getTime()) {
		throw new UserError(`The certificate in ${path} expired on ${notAfter.toISOString().slice(0, 10)}. Upload a new one to the app registration and use it.`);
	}
	return {
		privateKey: privateKey.export({format: 'pem', type: 'pkcs8'}).toString(),
		certificate: certificates[0]!.pem,
		thumbprintSha256: certificate.fingerprint256.replace(/:/g, '').toLowerCase(),
		chain: options.sendChain ? certificates.map((block) => block.pem).join('\n') : undefined,
		subject: certificate.subject.replace(/\n/g, ', '),
		notAfter,
	};
}

export type EnvironmentCredentialSettings = {
	tenantId: string;
	clientId: string;
	credential: {kind: 'secret'; secret: string} | {kind: 'certificate-file'; path: string; password?: string; sendChain: boolean};
};

/**
 * EnvironmentCredential's variables: AZURE_TENANT_ID and AZURE_CLIENT_ID, then AZURE_CLIENT_SECRET,
 * else AZURE_CLIENT_CERTIFICATE_PATH (+ _PASSWORD, AZURE_CLIENT_SEND_CERTIFICATE_CHAIN).
 * Username/password is not supported: it cannot do MFA.
 */
export function readEnvironmentCredential(env: NodeJS.ProcessEnv): EnvironmentCredentialSettings {
	const tenantId = env.AZURE_TENANT_ID?.trim();
	const clientId = env.AZURE_CLIENT_ID?.trim();
	const missing = [!tenantId && 'AZURE_TENANT_ID', !clientId && 'AZURE_CLIENT_ID'].filter(Boolean);
	const secret = env.AZURE_CLIENT_SECRET;
	const certificatePath = env.AZURE_CLIENT_CERTIFICATE_PATH?.trim();
	if (!secret && !certificatePath) missing.push('AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH');
	if (missing.length > 0 || !tenantId || !clientId) {
		const hint = env.AZURE_USERNAME ? ' (AZURE_USERNAME/AZURE_PASSWORD are not supported: they cannot do multi-factor authentication)' : '';
		throw new UsageError(`--auth env needs ${missing.join(', ')} in the environment${hint}.`);
	}
	if (secret) return {tenantId, clientId, credential: {kind: 'secret', secret}};
	const sendChain = ['true', '1'].includes((env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN ?? '').trim().toLowerCase());
	return {tenantId, clientId, credential: {kind: 'certificate-file', path: certificatePath!, password: env.AZURE_CLIENT_CERTIFICATE_PASSWORD, sendChain}};
}
