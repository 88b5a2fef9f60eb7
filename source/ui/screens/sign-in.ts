/** The sign-in screen: the device code or browser address while it waits (drawn by screen.tsx). */
import type {SignInFrame} from '../state.js';
import type {ScreenKind} from './types.js';

export const signInScreen: ScreenKind<SignInFrame> = {
	title: () => 'Sign in',
	crumb: () => undefined,
	commands: (frame) => (frame.phase === 'cancelled' || frame.phase === 'error' ? ['retry'] : []),
};
