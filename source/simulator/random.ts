/**
 * A small seeded PRNG so the demo tenant is identical on every run and every machine:
 * content never depends on Date.now() or Math.random().
 */

export type SeededRandom = {
	/** A float in [0, 1). */
	next(): number;
	/** An integer in [0, maxExclusive). */
	int(maxExclusive: number): number;
	/** An integer in [min, max], both inclusive. */
	between(min: number, max: number): number;
	pick<T>(items: readonly T[]): T;
	chance(probability: number): boolean;
	hex(length: number): string;
	/** A version-4 style GUID, lower case. */
	guid(): string;
};

/** cyrb128: spreads a string seed over four 32-bit words. */
function hashSeed(seed: string): [number, number, number, number] {
	let h1 = 1779033703;
	let h2 = 3144134277;
	let h3 = 1013904242;
	let h4 = 2773480762;
	for (let index = 0; index < seed.length; index++) {
		const code = seed.charCodeAt(index);
		h1 = h2 ^ Math.imul(h1 ^ code, 597399067);
		h2 = h3 ^ Math.imul(h2 ^ code, 2869860233);
		h3 = h4 ^ Math.imul(h3 ^ code, 951274213);
		h4 = h1 ^ Math.imul(h4 ^ code, 2716044179);
	}
	h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
	h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
	h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
	h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
	return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

const hexDigits = '0123456789abcdef';

/** sfc32 seeded from a string. Each named stream is independent, so adding content in one generator never shifts another. */
export function createSeededRandom(seed: string): SeededRandom {
	let [a, b, c, d] = hashSeed(seed);
	const nextUint32 = (): number => {
		a >>>= 0;
		b >>>= 0;
		c >>>= 0;
		d >>>= 0;
		let t = (a + b) | 0;
		a = b ^ (b >>> 9);
		b = (c + (c << 3)) | 0;
		c = (c << 21) | (c >>> 11);
		d = (d + 1) | 0;
		t = (t + d) | 0;
		c = (c + t) | 0;
		return t >>> 0;
	};
	const next = () => nextUint32() / 4294967296;
	const int = (maxExclusive: number) => Math.floor(next() * maxExclusive);
	const hex = (length: number) => {
		let text = '';
		for (let index = 0; index < length; index++) text += hexDigits[nextUint32() & 15];
		return text;
	};
	return {
		next,
		int,
		between: (min, max) => min + int(max - min + 1),
		pick: (items) => {
			if (items.length === 0) throw new RangeError('pick() needs at least one item');
			return items[int(items.length)] as (typeof items)[number];
		},
		chance: (probability) => next() < probability,
		hex,
		guid: () => {
			const digits = hex(32).split('');
			digits[12] = '4';
			digits[16] = hexDigits[8 + (nextUint32() & 3)] as string;
			const text = digits.join('');
			return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
		},
	};
}
