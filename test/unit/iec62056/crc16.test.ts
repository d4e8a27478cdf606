import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {crc16} from '../../../src/iec62056/crc16.ts';

const ascii = (text: string) => Buffer.from(text, 'latin1');

// CRC-16/ARC written bit by bit from its definition (reflected polynomial 0xA001, init 0, no final XOR),
// independent of the table the module builds.
function referenceCrc16Arc(bytes: Uint8Array): number {
	let crc = 0;
	for (const byte of bytes) {
		crc ^= byte;
		for (let bit = 0; bit < 8; bit++) {
			crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
		}
	}
	return crc;
}

describe('crc16', () => {
	it('gives the CRC-16/ARC check value 0xBB3D for "123456789"', () => {
		expect(crc16(ascii('123456789'))).toBe(0xbb3d);
	});

	it('gives 0 for no bytes (initial value 0, no final XOR)', () => {
		expect(crc16(new Uint8Array())).toBe(0);
	});

	it('gives 0x30C0 for "A"', () => {
		expect(crc16(ascii('A'))).toBe(0x30c0);
	});

	it('covers only the range from start up to, not including, end', () => {
		expect(crc16(ascii('xx123456789!\r\n'), 2, 11)).toBe(0xbb3d);
	});

	it('runs to the end of the bytes when end is left out', () => {
		expect(crc16(ascii('/123456789'), 1)).toBe(0xbb3d);
	});

	it('agrees with the bitwise definition for any bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 300}), (bytes) => {
				expect(crc16(bytes)).toBe(referenceCrc16Arc(bytes));
			}),
		);
	});

	it('always fits in 16 bits, i.e. four hex digits', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 64}), (bytes) => {
				const crc = crc16(bytes);
				expect(crc).toBeGreaterThanOrEqual(0);
				expect(crc).toBeLessThanOrEqual(0xffff);
			}),
		);
	});

	it('detects two swapped characters, which a BCC would miss', () => {
		expect(crc16(ascii('1.8.0(12)'))).not.toBe(crc16(ascii('1.8.0(21)')));
	});

	it('gives a zero remainder when the CRC is appended low byte first', () => {
		const bytes = ascii('/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n!');
		const crc = crc16(bytes);
		expect(crc16(Buffer.concat([bytes, Uint8Array.of(crc & 0xff, crc >>> 8)]))).toBe(0);
	});
});
