/** Colour for line-oriented output (the commands, the plan text): SGR codes only where colour is welcome. */

export type Color = 'red' | 'yellow' | 'green' | 'bold' | 'dim';

const sgr: Record<Color, [open: string, close: string]> = {
	red: ['\x1b[31m', '\x1b[39m'],
	yellow: ['\x1b[33m', '\x1b[39m'],
	green: ['\x1b[32m', '\x1b[39m'],
	bold: ['\x1b[1m', '\x1b[22m'],
	dim: ['\x1b[2m', '\x1b[22m'],
};

/**
 * Whether to colour what goes to `stream`. NO_COLOR (any non-empty value, https://no-color.org) always
 * wins; FORCE_COLOR=0 turns colour off and any other FORCE_COLOR value turns it on for pipes too;
 * otherwise only an interactive terminal other than TERM=dumb gets colour.
 */
export function colorEnabled(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): boolean {
	if (env.NO_COLOR) return false;
	const force = env.FORCE_COLOR;
	if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
	return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function paint(text: string, color: Color | undefined, enabled: boolean): string {
	if (!enabled || !color || text === '') return text;
	const [open, close] = sgr[color];
	return `${open}${text}${close}`;
}

