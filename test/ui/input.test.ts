import {describe, expect, it} from 'vitest';
import {KeyDecoder, splitTextRun} from '../../source/ui/input.js';
import {matchCommand, keyBindings, type Command} from '../../source/ui/keymap.js';

const all = new Set<Command>(keyBindings.map((binding) => binding.command));

describe('key decoding for slow links', () => {
	it('splits a typed-ahead run into single presses, in order', () => {
		expect(splitTextRun('jj\r')).toEqual([{input: 'j'}, {input: 'j'}, {input: '', return: true}]);
		expect(splitTextRun('a\x7fb')).toEqual([{input: 'a'}, {input: '', delete: true}, {input: 'b'}]);
		expect(splitTextRun('\x03')).toEqual([{input: 'c', ctrl: true}]);
	});

	it('joins an arrow key whose escape sequence was split across reads', () => {
		const decoder = new KeyDecoder();
		expect(decoder.feed({input: '', escape: true})).toEqual([]);
		expect(decoder.hasPendingEscape).toBe(true);
		expect(decoder.feed({input: '[B'})).toEqual([{input: '', downArrow: true}]);
		expect(decoder.hasPendingEscape).toBe(false);
	});

	it('lets a lone Esc through when nothing follows in time, or when an unrelated key follows', () => {
		const decoder = new KeyDecoder();
		decoder.feed({input: '', escape: true});
		expect(decoder.flushEscape()).toEqual([{input: '', escape: true}]);
		decoder.feed({input: '', escape: true});
		expect(decoder.feed({input: 'q'})).toEqual([{input: '', escape: true}, {input: 'q'}]);
	});

	it('maps keys to commands from the one binding table', () => {
		expect(matchCommand({input: 'j'}, all)).toBe('down');
		expect(matchCommand({input: '', downArrow: true}, all)).toBe('down');
		expect(matchCommand({input: 'G', shift: true}, all)).toBe('end');
		expect(matchCommand({input: 'c', ctrl: true}, all)).toBe('forceQuit');
		expect(matchCommand({input: 'Z'}, all)).toBeUndefined();
		expect(matchCommand({input: 'x'}, new Set<Command>(['down']))).toBeUndefined();
	});
});
