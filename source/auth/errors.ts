/** msal-node's errors as one line: what went wrong and what to do next. */
import {UserError} from '../errors.js';
import type {StsErrorInfo} from './network.js';

/** Not signed in and not allowed to ask (e.g. `whoami`): exit code 1, like a failed check. */
export class NotSignedInError extends UserError {
	constructor(message = 'Not signed in. Run `provisioning-explorer login` first.') {
		super(message, {exitCode: 1});
		this.name = 'NotSignedInError';
	}
}

type MsalErrorShape = {errorCode?: string; errorMessage?: string; subError?: string; message?: string; name?: string};

/** The saved sign-in can no longer be used; the user has to sign in again (auth-http.md §2.4). */
export function needsNewSignIn(error: unknown): boolean {
	const info = error as MsalErrorShape;
	if (info?.name === 'InteractionRequiredAuthError') return true;
	return ['invalid_grant', 'no_tokens_found', 'interaction_required', 'consent_required', 'login_required', 'bad_token', 'no_account_in_silent_request'].includes(
		info?.errorCode ?? '',
	);
}

/**
 * What an interaction-required AADSTS code means (Microsoft Entra authentication and authorization error codes),
 * and what to do about it.
 */
const interactionRequired: Record<number, {meaning: string; next: string}> = {
	50076: {
		meaning: 'multi-factor authentication or a Conditional Access step-up is required',
		next: 'Sign in again and complete the extra check in the browser (`provisioning-explorer login`, or :login in the explorer).',
	},
	50079: {
		meaning: 'the account must register for multi-factor authentication (a Conditional Access step-up)',
		next: 'Register at https://aka.ms/mfasetup, then sign in again (`provisioning-explorer login`).',
	},
	65001: {
		meaning: 'the app has no consent for the permissions asked',
		next: 'An Application Administrator or Cloud Application Administrator grants admin consent once (a Hybrid Identity Administrator cannot); or register your own app (see README "Sign-in").',
	},
	53003: {
		meaning: "the tenant's Conditional Access blocked this sign-in",
		next: 'If it blocks device code, use --auth browser with an SSH tunnel (ssh -L), or app-only sign-in (--auth client-certificate or client-secret).',
	},
};

/** The one-line message for an interaction-required failure the STS named, if it named one. */
export function interactionRequiredError(sts: StsErrorInfo | undefined): UserError | undefined {
	const code = aadstsCode(sts);
	const known = code === undefined ? undefined : interactionRequired[code];
	if (!known || code === undefined) return undefined;
	return new UserError(`Sign-in needs more (AADSTS${code}: ${known.meaning}). ${known.next}`);
}

/** The AADSTS number in the STS's description, e.g. 53003. */
function aadstsCode(sts: StsErrorInfo | undefined): number | undefined {
	if (sts?.codes?.length) return sts.codes[0];
	const match = /AADSTS(\d+)/.exec(sts?.description ?? '');
	return match ? Number(match[1]) : undefined;
}

/** Turns msal-node's error codes (and the STS's own error, which MSAL drops) into a cause and what to do. */
export function describeAuthError(error: unknown, sts?: StsErrorInfo): UserError {
	if (error instanceof UserError) return error;
	const info = (error ?? {}) as MsalErrorShape;
	const code = info.errorCode ?? '';
	const text = `${info.errorMessage ?? ''} ${info.message ?? ''} ${sts?.error ?? ''}`;
	const aadsts = aadstsCode(sts);
	const suffix = aadsts ? ` (AADSTS${aadsts})` : '';
	if (code === 'device_code_polling_cancelled') return new UserError('Sign-in cancelled.');
	// AADSTS70019 CodeExpired; MSAL's own clock may notice first (device_code_expired).
	if (code === 'device_code_expired' || /expired_token/.test(text)) {
		return new UserError(`The device code expired before sign-in finished${suffix}. Start again to get a new code.`);
	}
	// AADSTS70018 InvalidUserCode: the code typed at the verification page was wrong.
	if (/bad_verification_code/.test(text)) {
		return new UserError(`The sign-in service did not accept the device code${suffix || ' (AADSTS70018)'}: the code typed was wrong or belongs to another app. Start again and type the new code exactly.`);
	}
	const interaction = interactionRequiredError(sts);
	if (interaction) return interaction;
	if (/blocked by Conditional Access/i.test(`${text} ${sts?.description ?? ''}`)) {
		return new UserError(
			`Your tenant's Conditional Access blocked this sign-in${suffix}. If it blocks device code, use --auth browser with an SSH tunnel (ssh -L), or app-only sign-in (--auth client-certificate or client-secret).`,
		);
	}
	if (/authorization_declined/.test(text)) return new UserError('Sign-in was declined in the browser. Start again if that was a mistake.');
	if (/access_denied/.test(text)) return new UserError(`Sign-in was refused${suffix}. If your tenant blocks device code, try --auth browser with an SSH tunnel, or app-only sign-in.`);
	if (/consent_required/.test(text)) {
		return new UserError(
			`The app has no consent for the permissions asked${suffix}. An Application Administrator or Cloud Application Administrator grants admin consent once (a Hybrid Identity Administrator cannot); or register your own app (see README "Sign-in").`,
		);
	}
	if (aadsts === 700016 || /unauthorized_client/.test(text)) {
		return new UserError(`The tenant does not know this client id${suffix}. Check --client-id, --tenant and --cloud.`);
	}
	if (/invalid_client/.test(text)) {
		return new UserError(`The tenant rejected the app's credential${suffix}: check the client id, the secret or certificate, and that it has not expired.`);
	}
	if (/invalid_tenant/.test(text) || aadsts === 90002) return new UserError(`The tenant was not found${suffix}. Check --tenant and --cloud.`);
	if (code === 'invalid_grant' || /invalid_grant/.test(text)) return new UserError('Your sign-in was revoked or has expired. Sign in again.');
	if (/temporarily_unavailable/.test(text)) {
		return new UserError(`The sign-in service is busy or temporarily unavailable${suffix}. Try again in a minute.`);
	}
	if (code === 'network_error' || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET/.test(text)) {
		return new UserError('Could not reach the sign-in service. Check the network, HTTPS_PROXY and NO_PROXY, then try again.');
	}
	const detail = (info.errorMessage || info.message || code || 'unknown error').split('\n')[0];
	return new UserError(`Sign-in failed: ${detail}${suffix}.`.replace(/\.\./g, '.'));
}
