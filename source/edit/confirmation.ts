/**
 * What the admin types to confirm a write. The app's display name, as the portal shows it, when it can be typed;
 * otherwise (empty, only blanks, or holding invisible or control characters that a terminal cannot show or a
 * keyboard cannot enter) the service principal's object id, so a bare Enter never confirms a write.
 */
import {sanitizeForTerminal} from '../terminal/sanitize.js';

export type ConfirmationWord = {word: string; what: 'display name' | 'object id'};

/** Whether a name can be read off the screen and typed back: shown as it is, with a letter or digit in it. */
export function isTypeable(name: string): boolean {
	const trimmed = name.trim();
	return trimmed !== '' && sanitizeForTerminal(trimmed) === trimmed && /[\p{L}\p{N}]/u.test(trimmed);
}

export function confirmationWord(app: {displayName?: string | null; id?: string}): ConfirmationWord {
	const name = app.displayName?.trim() ?? '';
	if (isTypeable(name) || !app.id) return {word: name, what: 'display name'};
	return {word: app.id, what: 'object id'};
}

/** Whether what was typed (surrounding blanks ignored) confirms; never an empty answer. */
export function confirms(typed: string, expected: ConfirmationWord): boolean {
	const answer = typed.trim();
	return answer !== '' && answer === expected.word;
}
