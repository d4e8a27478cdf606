import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {alignedWordsOf} from '../../../src/iec62056/aligned-words.ts';
import {plainRun} from '../../../src/iec62056/byte-fold.ts';

/** The definition: walk byte by byte while the byte is 0x05–0x7F and not `/`, XOR-ing as we go. */
function slowRun(bytes: Uint8Array, start: number, end: number): [number, number] {
	let xor = 0;
	let index = start;
	for (; index < end; index++) {
		const byte = bytes[index] as number;
		if (byte < 0x05 || byte > 0x7f || byte === 0x2f) break;
		xor ^= byte;
	}
	return [index, xor];
}

const split = (packed: number): [number, number] => [Math.floor(packed / 256), packed % 256];

describe('plainRun', () => {
	it('stops at ETX and returns the XOR of the bytes before it', () => {
		const bytes = Buffer.from('1.8.1(00021271*kWh)\r\n!\r\n\x03X', 'latin1');
		const etx = bytes.indexOf(0x03);
		expect(split(plainRun(bytes, 0, bytes.length))).toEqual(slowRun(bytes, 0, bytes.length));
		expect(split(plainRun(bytes, 0, bytes.length))[0]).toBe(etx);
	});

	it('stops at a `/`, which may begin an identification', () => {
		const bytes = Buffer.from(`${'a'.repeat(100)}/${'b'.repeat(50)}`, 'latin1');
		expect(split(plainRun(bytes, 0, bytes.length))[0]).toBe(100);
	});

	it('stops at a byte with bit 7 set', () => {
		const bytes = Buffer.from(`${'a'.repeat(100)}\xAF${'b'.repeat(50)}`, 'latin1');
		expect(split(plainRun(bytes, 0, bytes.length))[0]).toBe(100);
	});

	it('agrees with the byte-by-byte definition for any bytes, offsets and alignments', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 300}), fc.nat(), fc.nat(), (raw, a, b) => {
				// Views at odd offsets of a larger buffer exercise the unaligned head.
				const backing = new Uint8Array(raw.length + 7);
				const shift = a % 4;
				backing.set(raw, shift);
				const bytes = backing.subarray(shift, shift + raw.length);
				const start = raw.length === 0 ? 0 : b % raw.length;
				expect(split(plainRun(bytes, start, bytes.length))).toEqual(slowRun(bytes, start, bytes.length));
				// With the words made once by the caller, as the scanner does, short runs read them too.
				expect(split(plainRun(bytes, start, bytes.length, alignedWordsOf(bytes)))).toEqual(
					slowRun(bytes, start, bytes.length),
				);
			}),
			{numRuns: 500},
		);
	});

	it('agrees on long runs of plain text, where whole words are read', () => {
		fc.assert(
			fc.property(
				fc.string({
					minLength: 40,
					maxLength: 400,
					unit: fc.integer({min: 0x20, max: 0x7e}).map(String.fromCharCode),
				}),
				(text) => {
					const bytes = Buffer.from(`${text}\x03`, 'latin1');
					expect(split(plainRun(bytes, 0, bytes.length))).toEqual(slowRun(bytes, 0, bytes.length));
				},
			),
			{numRuns: 200},
		);
	});
});
