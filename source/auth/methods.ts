/** The ways to sign in (kept free of imports: the command line parser loads it before anything else). */
export type AuthMethod = 'device-code' | 'browser' | 'client-secret' | 'client-certificate' | 'env';

export const authMethods: readonly AuthMethod[] = ['device-code', 'browser', 'client-secret', 'client-certificate', 'env'];

export function isAuthMethod(value: string): value is AuthMethod {
	return (authMethods as readonly string[]).includes(value);
}
