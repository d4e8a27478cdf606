import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {alignedWords, alignedWordsOf} from '../../../src/iec62056/aligned-words.ts';

describe('alignedWords', () => {
	it('starts at the first byte on a 4-byte boundary and covers whole words up to the end', () => {
		const backing = new ArrayBuffer(32);
		for (let offset = 0; offset < 8; offset++) {
			const {words, first, base, count} = alignedWords(backing, offset, 20);
			expect((offset + first) % 4).toBe(0);
			expect(first).toBeLessThan(4);
			expect(words.byteOffset + base * 4).toBe(offset + first);
			expect(count).toBe(Math.floor((20 - first) / 4));
			expect(base + count).toBeLessThanOrEqual(words.length);
		}
	});

	it('holds no words when the bytes end before a whole aligned word', () => {
		expect(alignedWords(new ArrayBuffer(8), 1, 5).count).toBe(0);
		expect(alignedWords(new ArrayBuffer(8), 1, 2).count).toBe(0);
	});

	it('reads the same bytes as the array, word by word', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 64}), fc.nat(3), fc.boolean(), (raw, shift, large) => {
				const backing = new Uint8Array(raw.length + 4 + (large ? 10_000 : 0));
				backing.set(raw, shift);
				const bytes = backing.subarray(shift, shift + raw.length);
				const {words, first, base, count} = alignedWordsOf(bytes);
				const bytesOfWords = new Uint8Array(words.buffer, words.byteOffset + base * 4, count * 4);
				expect([...bytesOfWords]).toEqual([...bytes.subarray(first, first + count * 4)]);
			}),
		);
	});

	it('serves the chunks of one small memory (a Buffer pool) with one view, and gives large memory its own', () => {
		const pool = new ArrayBuffer(8192);
		const one = alignedWords(pool, 8, 100);
		const two = alignedWords(pool, 1001, 50);
		expect(two.words).toBe(one.words);
		expect(two.base).toBe(1004 / 4);
		const large = new ArrayBuffer(100_000);
		const view = alignedWords(large, 4, 100);
		expect(view.words.byteOffset).toBe(4);
		expect(view.words.length).toBe(25);
		expect(alignedWords(large, 4, 100).words).not.toBe(view.words);
	});

	it('sees the bytes as they are now, not as they were when the view was made', () => {
		const pool = new ArrayBuffer(64);
		const bytes = new Uint8Array(pool);
		bytes.fill(1);
		const before = alignedWords(pool, 0, 64);
		bytes.fill(2);
		const after = alignedWords(pool, 0, 64);
		expect(after.words[after.base]).toBe(0x02020202);
		expect(before.words[before.base]).toBe(0x02020202);
	});
});
