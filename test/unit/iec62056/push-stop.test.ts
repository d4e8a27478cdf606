import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {alignedWordsOf} from '../../../src/iec62056/aligned-words.ts';
import {pushStop} from '../../../src/iec62056/push-stop.ts';

/** The definition: the first `!`, `/`, STX or byte with bit 7 set at or after start, else end. */
function slowStop(bytes: Uint8Array, start: number, end: number): number {
	for (let index = start; index < end; index++) {
		const byte = bytes[index] as number;
		if (byte === 0x21 || byte === 0x2f || byte === 0x02 || byte > 0x7f) return index;
	}
	return end;
}

describe('pushStop', () => {
	it('stops at the end mark of a DSMR telegram, past brackets and line ends', () => {
		const bytes = Buffer.from(`${'1-0:1.8.1(001581.123*kWh)\r\n'.repeat(8)}!1E4A\r\n`, 'latin1');
		expect(pushStop(bytes, 0, bytes.length)).toBe(bytes.indexOf('!'));
	});

	it('stops at a slash, at STX and at a byte with bit 7 set', () => {
		for (const stop of ['/', '\x02', '\xAF']) {
			const bytes = Buffer.from(`${'0-0:96.1.1(4B384547)\r\n'.repeat(3)}${stop}xyz`, 'latin1');
			expect(pushStop(bytes, 0, bytes.length)).toBe(66);
		}
	});

	it('returns the end when no byte in range stops the run', () => {
		const bytes = Buffer.from(`${'a'.repeat(64)}!`, 'latin1');
		expect(pushStop(bytes, 3, 64)).toBe(64);
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
				expect(pushStop(bytes, start, end)).toBe(slowStop(bytes, start, end));
				// With the words made once by the caller, as the scanner does, short runs read them too.
				expect(pushStop(bytes, start, end, alignedWordsOf(bytes))).toBe(slowStop(bytes, start, end));
			}),
			{numRuns: 500},
		);
	});

	it('agrees on long push data with rare stops, where whole words are read', () => {
		fc.assert(
			fc.property(
				fc.string({
					minLength: 40,
					maxLength: 400,
					unit: fc.constantFrom(...'0123456789.:*-()\r\nkWhAZ !/\x02\x80'.split('')),
				}),
				(text) => {
					const bytes = Buffer.from(text, 'latin1');
					expect(pushStop(bytes, 0, bytes.length)).toBe(slowStop(bytes, 0, bytes.length));
				},
			),
			{numRuns: 300},
		);
	});
});
