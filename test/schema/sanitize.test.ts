import {describe, expect, it} from 'vitest';
import {sanitizeForTerminal} from '../../source/terminal/sanitize.js';
import {fixtureText} from './fixture.js';

/** Nothing a terminal would interpret or hide may survive. */
function assertInert(text: string): void {
	expect(text).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u);
}

describe('sanitizeForTerminal', () => {
	it('returns ordinary text unchanged, accents, CJK and emoji included', () => {
		for (const text of ['', 'mail', 'Zoë Ångström-Núñez', '東京都千代田区', '김민준', 'مرحبا', 'naïve café 😀', 'a  b', '~!@#$%^&*()[]{}"\'\\']) {
			expect(sanitizeForTerminal(text)).toBe(text);
		}
	});

	it('returns the same string object on the fast path', () => {
		const text = 'x'.repeat(1000);
		expect(sanitizeForTerminal(text)).toBe(text);
	});

	it('neutralises ANSI CSI sequences (colours, cursor movement, clearing)', () => {
		expect(sanitizeForTerminal('\u001b[31mred\u001b[0m')).toBe('␛[31mred␛[0m');
		expect(sanitizeForTerminal('\u001b[2J\u001b[H')).toBe('␛[2J␛[H');
		expect(sanitizeForTerminal('8-bit CSI \u009b31m')).toBe('8-bit CSI ⟨U+009B⟩31m');
	});

	it('neutralises OSC 8 hyperlinks and OSC 52 clipboard writes', () => {
		const hyperlink = '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007';
		expect(sanitizeForTerminal(hyperlink)).toBe('␛]8;;https://evil.example␇click␛]8;;␇');
		const clipboard = '\u001b]52;c;cm0gLXJmIH4=\u001b\\';
		expect(sanitizeForTerminal(clipboard)).toBe('␛]52;c;cm0gLXJmIH4=␛\\');
		const dcs = '\u001bPq#0;2;0;0;0\u001b\\';
		assertInert(sanitizeForTerminal(dcs));
	});

	it('shows BiDi controls instead of letting them reorder text', () => {
		expect(sanitizeForTerminal('user\u202Egnp.exe')).toBe('user⟨U+202E⟩gnp.exe');
		for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]) {
			const char = String.fromCodePoint(code);
			expect(sanitizeForTerminal(`a${char}b`)).toBe(`a⟨U+${code.toString(16).toUpperCase().padStart(4, '0')}⟩b`);
		}
	});

	it('shows zero-width and other invisible characters', () => {
		expect(sanitizeForTerminal('ad\u200Bmin')).toBe('ad⟨U+200B⟩min');
		expect(sanitizeForTerminal('\uFEFFmail')).toBe('⟨U+FEFF⟩mail');
		expect(sanitizeForTerminal('a\u200Cb\u200Dc\u2060d')).toBe('a⟨U+200C⟩b⟨U+200D⟩c⟨U+2060⟩d');
		expect(sanitizeForTerminal('tag\u{E0041}')).toBe('tag⟨U+E0041⟩');
		expect(sanitizeForTerminal('hangul\u3164filler')).toBe('hangul⟨U+3164⟩filler');
	});

	it('shows C0, C1 and DEL controls', () => {
		expect(sanitizeForTerminal('a\u0000b\u0007c\u0008d')).toBe('a␀b␇c␈d');
		expect(sanitizeForTerminal('del\u007f')).toBe('del␡');
		expect(sanitizeForTerminal('c1\u0085\u0090\u009d\u009f')).toBe('c1⏎⟨U+0090⟩⟨U+009D⟩⟨U+009F⟩');
		for (let code = 0; code < 0xa0; code++) {
			if (code >= 0x20 && code < 0x7f) continue;
			assertInert(sanitizeForTerminal(`x${String.fromCharCode(code)}y`));
		}
	});

	it('keeps text on one line: tab → space, line breaks → ⏎', () => {
		expect(sanitizeForTerminal('a\tb')).toBe('a b');
		expect(sanitizeForTerminal('one\r\ntwo\nthree\rfour\u2028five\u2029six')).toBe('one⏎two⏎three⏎four⏎five⏎six');
	});

	it('replaces lone surrogates but keeps pairs', () => {
		expect(sanitizeForTerminal('a\uD800b')).toBe('a⟨U+D800⟩b');
		expect(sanitizeForTerminal('\uDC00')).toBe('⟨U+DC00⟩');
		expect(sanitizeForTerminal('😀')).toBe('😀');
	});

	it('leaves every fixture line as it is and neutralises long hostile text', () => {
		for (const row of fixtureText.split('\r\n')) expect(sanitizeForTerminal(row)).toBe(row);
		assertInert(sanitizeForTerminal('\u001b[31m東京\u202E'.repeat(20_000)));
	});
});
