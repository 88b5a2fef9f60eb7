/** The shape check itself: it must fail where shapes differ, or the example tests prove nothing. */
import {expect, it} from 'vitest';
import {compareShape} from './shape.js';

it('finds missing properties and changed types, and accepts null, placeholders and extra properties', () => {
	const example = {a: 'x', b: 1, c: {d: true}, e: [{f: 'g'}, {h: 2}], i: null, j: {}, k: [{}]};
	expect(compareShape(example, {a: 'y', b: 2, c: {d: false}, e: [{f: 'z', h: 3}], i: {anything: 1}, j: {z: 1}, k: [{q: 1}], extra: 1})).toEqual({
		missing: [],
		// Under the documentation's `{}` placeholders nothing counts as extra.
		extra: ['/extra'],
	});
	expect(compareShape(example, {a: 1, c: {}, e: [{f: 'z'}], i: null, j: null, k: []}).missing).toEqual([
		'/a: string in the example, number in the answer',
		'/b: missing in the answer',
		'/c/d: missing in the answer',
		'/e/[]/h: missing in the answer',
	]);
	// Null in the answer matches any documented type (Graph leaves optional values null).
	expect(compareShape({a: 'x'}, {a: null}).missing).toEqual([]);
	expect(compareShape({value: [{id: 'x'}]}, {value: 'not an array'}).missing).toEqual(['/value: array in the example, string in the answer']);
});
