/**
 * Make text from the server or a file safe to print on one terminal line. Control characters can move the
 * cursor, recolour or clear the screen, write the clipboard (OSC 52) or fake links (OSC 8); BiDi and invisible
 * format characters make a name display as something it is not. Everything is shown, nothing silently dropped:
 * - C0 controls and DEL become Control Pictures (ESC → ␛, so `\x1b[31m` shows as `␛[31m`, inert);
 * - line breaks (CRLF, LF, CR, U+0085, U+2028, U+2029) become ⏎, tab becomes a space;
 * - C1 controls, BiDi controls, zero-width and other format characters (Unicode category Cf), invisible Hangul
 *   fillers and lone surrogates become ⟨U+XXXX⟩.
 * Ordinary text (accents, CJK, emoji without joiners) is returned unchanged, and fast when there is nothing to do.
 */
export function sanitizeForTerminal(text: string): string {
	if (!suspicious.test(text)) return text;
	return text.replace(suspiciousGlobal, replacement);
}

const suspiciousClass = String.raw`\p{Cc}\p{Cf}\p{Cs}\u2028\u2029\u115F\u1160\u3164\uFFA0`;
const suspicious = new RegExp(`[${suspiciousClass}]`, 'u');
const suspiciousGlobal = new RegExp(String.raw`\r\n|[${suspiciousClass}]`, 'gu');

function replacement(match: string): string {
	if (match === '\r\n' || match === '\n' || match === '\r' || match === '\u0085' || match === '\u2028' || match === '\u2029') {
		return '⏎';
	}
	if (match === '\t') return ' ';
	const code = match.codePointAt(0)!;
	if (code < 0x20) return String.fromCharCode(0x2400 + code);
	if (code === 0x7f) return '␡';
	return `⟨U+${code.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/**
 * JSON text with C1 controls, BiDi controls and the Unicode line/paragraph separators written as `\uXXXX`
 * escapes. Those characters can only occur inside JSON strings, so the escaped text parses to the same value,
 * but a terminal or editor showing the file no longer runs C1 sequences or reorders text.
 */
export function escapeJsonControls(json: string): string {
	return jsonControls.test(json) ? json.replace(jsonControlsGlobal, (match) => `\\u${match.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

const jsonControlClass = String.raw`\u0080-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029`;
const jsonControls = new RegExp(`[${jsonControlClass}]`);
const jsonControlsGlobal = new RegExp(`[${jsonControlClass}]`, 'g');
