import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {alignedWordsOf} from '../../../src/iec62056/aligned-words.ts';
import {lineStop} from '../../../src/iec62056/line-stop.ts';

/** The definition: the first LF, STX, SOH or byte with bit 7 set at or after start, else end. */
function slowStop(bytes: Uint8Array, start: number, end: number): number {
	for (let index = start; index < end; index++) {
		const byte = bytes[index] as number;
		if (byte === 0x0a || byte === 0x02 || byte === 0x01 || byte > 0x7f) return index;
	}
	return end;
}

describe('lineStop', () => {
	it('stops at the LF of an identification line, past its CR', () => {
		const bytes = Buffer.from('/ISk5MT174-0001\r\n\x02rest', 'latin1');
		expect(lineStop(bytes, 1, bytes.length, alignedWordsOf(bytes))).toBe(16);
	});

	it('stops at STX, SOH and a byte with bit 7 set, and not at tab, CR or other control bytes', () => {
		for (const stop of ['\x02', '\x01', '\xAF']) {
			const bytes = Buffer.from(`/LGZ4ZMF100AC.M27\t\x0b\x0c\r${stop}xyz`, 'latin1');
			expect(lineStop(bytes, 0, bytes.length, alignedWordsOf(bytes))).toBe(21);
		}
	});

	it('agrees with the byte-by-byte definition for any bytes, offsets and alignments', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 300}), fc.nat(), fc.nat(), fc.nat(), (raw, a, b, c) => {
				// Views at odd offsets of a larger buffer exercise the unaligned head.
				const backing = new Uint8Array(raw.length + 7);
				const shift = a % 4;
				backing.set(raw, shift);
				const bytes = backing.subarray(shift, shift + raw.length);
				const start = raw.length === 0 ? 0 : b % raw.length;
				const end = start + (c % (raw.length - start + 1));
				expect(lineStop(bytes, start, end, undefined)).toBe(slowStop(bytes, start, end));
				expect(lineStop(bytes, start, end, alignedWordsOf(bytes))).toBe(slowStop(bytes, start, end));
			}),
			{numRuns: 500},
		);
	});

	it('agrees on line-like text with rare stops, where whole words are read', () => {
		fc.assert(
			fc.property(
				fc.string({
					minLength: 20,
					maxLength: 300,
					unit: fc.constantFrom(...'/ISKAZ0123456789.-\\@\r\t\x0b\n\x02\x01\x80'.split('')),
				}),
				(text) => {
					const bytes = Buffer.from(text, 'latin1');
					expect(lineStop(bytes, 0, bytes.length, alignedWordsOf(bytes))).toBe(
						slowStop(bytes, 0, bytes.length),
					);
				},
			),
			{numRuns: 300},
		);
	});
});
