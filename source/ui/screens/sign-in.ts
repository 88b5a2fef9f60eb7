/** The sign-in screen: the device code or browser address while it waits, with its countdown. */
import {sanitizeForTerminal as clean} from '../../terminal/sanitize.js';
import {initialList} from '../list.js';
import {replaceTop, type SignInFrame} from '../state.js';
import {type BodyLine, type ScreenKind, wrappedBody as wrapped} from './types.js';

function signInLines(frame: SignInFrame, now: number, width: number): BodyLine[] {
	const prompt = frame.phase === 'prompt' ? frame.prompt : undefined;
	const how = prompt?.kind === 'browser' ? ' in a browser' : prompt ? ' with a device code' : '';
	const lines: BodyLine[] = [{key: 'h', text: `Sign in to Microsoft Entra ID${how}`, bold: true}, {key: 'b0', text: ''}];
	// Also while the saved sign-in is tried, or an app-only credential gets its token: no prompt yet.
	if (frame.phase === 'starting') lines.push({key: 's', text: 'Signing in…'});
	if (prompt?.reason) lines.push(...wrapped('r', prompt.reason, width, {color: 'yellow'}), {key: 'b-r', text: ''});
	if (prompt?.kind === 'browser') {
		const port = prompt.redirectPort;
		lines.push(
			{key: 'p1', text: 'Open this address in a browser:'},
			...wrapped('p2', prompt.url, width, {bold: true, color: 'cyan'}),
			{key: 'b1', text: ''},
			...wrapped('p3', `It returns to http://localhost:${port} on this host. Over SSH, forward that port first: ssh -L ${port}:127.0.0.1:${port} <this host>`, width),
			{key: 'p5', text: 'Waiting for you to finish signing in…   Esc cancels.', dim: true},
		);
	} else if (prompt) {
		const left = Math.max(0, Math.round((prompt.expiresAt - now) / 1000));
		const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
		lines.push(
			{key: 'p1', text: 'On any device with a browser, open'},
			{key: 'p2', text: `    ${clean(prompt.verificationUri)}`, bold: true, color: 'cyan'},
			{key: 'p3', text: 'and enter the code'},
			{key: 'p4', text: `    ${clean(prompt.userCode).split('').join(' ')}`, bold: true, color: 'yellow'},
			{key: 'b1', text: ''},
			{key: 'p5', text: `The code expires in ${clock}. Waiting for you to finish signing in…   Esc cancels.`, dim: true},
		);
	}
	if (frame.phase === 'cancelled') lines.push({key: 'c', text: 'Sign-in cancelled. Press r to start again, or q to quit.'});
	if (frame.phase === 'error') {
		lines.push(...wrapped('e', frame.error ?? 'Sign-in failed.', width, {color: 'red'}), {key: 'next-step', text: 'Press r to try again, or q to quit.'});
	}
	return lines;
}

const gaveUp = (frame: SignInFrame) => frame.phase === 'cancelled' || frame.phase === 'error';

export const signInScreen: ScreenKind<SignInFrame> = {
	title: () => 'Sign in',
	crumb: () => undefined,
	commands: (frame) => (gaveUp(frame) ? ['retry'] : []),
	body: (frame, width, now) => signInLines(frame, now, width),
	ticking: (frame) => frame.phase === 'prompt',
	load: (frame) => (frame.phase === 'starting' ? {kind: 'signIn', frameId: frame.id, forcePrompt: Boolean(frame.forcePrompt)} : undefined),
	cancelled: gaveUp,
	retry: (state, frame) =>
		replaceTop({...state, nextId: state.nextId + 1}, {id: state.nextId, kind: 'signIn', phase: 'starting', forcePrompt: frame.forcePrompt, list: initialList}),
	// Esc while signing in cancels it (the screen stays, offering r); once given up, Esc goes back as usual.
	back: (state, frame) => (gaveUp(frame) ? undefined : replaceTop(state, {...frame, phase: 'cancelled', prompt: undefined})),
};
