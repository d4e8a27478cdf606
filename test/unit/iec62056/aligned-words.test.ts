import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {alignedWords, alignedWordsOf} from '../../../src/iec62056/aligned-words.ts';

describe('alignedWords', () => {
	it('starts at the first byte on a 4-byte boundary and covers whole words up to the end', () => {
		const backing = new ArrayBuffer(32);
		for (let offset = 0; offset < 8; offset++) {
			const {words, first} = alignedWords(backing, offset, 20);
			expect((offset + first) % 4).toBe(0);
			expect(first).toBeLessThan(4);
			expect(words.byteOffset).toBe(offset + first);
			expect(words.length).toBe(Math.floor((20 - first) / 4));
		}
	});

	it('holds no words when the bytes end before a whole aligned word', () => {
		expect(alignedWords(new ArrayBuffer(8), 1, 5).words.length).toBe(0);
		expect(alignedWords(new ArrayBuffer(8), 1, 2).words.length).toBe(0);
	});

	it('reads the same bytes as the array, word by word', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 64}), fc.nat(3), (raw, shift) => {
				const backing = new Uint8Array(raw.length + 4);
				backing.set(raw, shift);
				const bytes = backing.subarray(shift, shift + raw.length);
				const {words, first} = alignedWordsOf(bytes);
				const bytesOfWords = new Uint8Array(words.buffer, words.byteOffset, words.length * 4);
				expect([...bytesOfWords]).toEqual([...bytes.subarray(first, first + words.length * 4)]);
			}),
		);
	});
});
