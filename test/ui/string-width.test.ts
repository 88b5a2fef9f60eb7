/**
 * patches/string-width+8.3.0.patch gives text made only of "simple" characters a fast path that skips the grapheme
 * segmenter and the RGI emoji set (start-up cost). Its width must be exactly what the segmenting path answers: every
 * code point of the fast path's ranges is compared with the same character measured through the segmenting path
 * (a trailing NUL, a zero-width control that is always its own cluster, sends it there).
 */
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';

const simpleRanges: Array<[number, number]> = [
	[0x20, 0x7e],
	[0xa0, 0xac],
	[0xae, 0x2ff],
	[0x370, 0x482],
	[0x48a, 0x52f],
	[0x2010, 0x2027],
	[0x2030, 0x205f],
	[0x2070, 0x20cf],
	[0x2100, 0x2bff],
];

describe('string-width fast path (patched)', () => {
	it('gives every simple character the width the segmenting path gives it, narrow and wide ambiguous', () => {
		const differences: string[] = [];
		for (const [from, to] of simpleRanges) {
			for (let codePoint = from; codePoint <= to; codePoint++) {
				const character = String.fromCodePoint(codePoint);
				for (const ambiguousIsNarrow of [true, false]) {
					const fast = stringWidth(character, {ambiguousIsNarrow});
					const segmented = stringWidth(`${character}\u0000`, {ambiguousIsNarrow});
					if (fast !== segmented) differences.push(`U+${codePoint.toString(16)} ${fast} ≠ ${segmented}`);
				}
			}
		}
		expect(differences).toEqual([]);
	});

	it('still measures clusters, emoji and wide text through the segmenter', () => {
		expect(stringWidth('› Rule → Azure Active Directory…')).toBe(32);
		expect(stringWidth('e\u0301')).toBe(1);
		expect(stringWidth('👩‍💻')).toBe(2);
		expect(stringWidth('✔️ done')).toBe(7);
		expect(stringWidth('日本語')).toBe(6);
		expect(stringWidth('\u001b[1mbold\u001b[22m ▏')).toBe(6);
	});
});
