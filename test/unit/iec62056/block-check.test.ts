import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {blockCheckCharacter} from '../../../src/iec62056/block-check.ts';

const ascii = (text: string) => Buffer.from(text, 'latin1');

describe('blockCheckCharacter', () => {
	it('is 0 for no bytes', () => {
		expect(blockCheckCharacter(new Uint8Array())).toBe(0);
	});

	it('is the byte itself for a single byte', () => {
		expect(blockCheckCharacter(Uint8Array.of(0x5a))).toBe(0x5a);
	});

	it('is the XOR of the bytes, e.g. "!" CR LF ETX gives 0x25', () => {
		// 0x21 ^ 0x0D ^ 0x0A ^ 0x03 = 0x25, worked by hand.
		expect(blockCheckCharacter(ascii('!\r\n\x03'))).toBe(0x25);
	});

	it('matches the published programming read SOH W2 STX C003(910324092239) ETX 0x1B (pwitab test)', () => {
		const message = Buffer.from('01573202433030332839313033323430393232333929031b', 'hex');
		// After SOH, up to and including ETX; STX in the middle is covered.
		expect(blockCheckCharacter(message, 1, message.length - 1)).toBe(0x1b);
	});

	it('matches the published password message SOH P0 STX (1234567) ETX "P" (pwitab test)', () => {
		const message = ascii('\x01P0\x02(1234567)\x03P');
		expect(blockCheckCharacter(message, 1, message.length - 1)).toBe('P'.charCodeAt(0));
	});

	it('covers only the range from start up to, not including, end', () => {
		// STX "!" CR LF ETX BCC: the range after STX up to and including ETX.
		const frame = ascii('\x02!\r\n\x03\x25');
		expect(blockCheckCharacter(frame, 1, 5)).toBe(0x25);
	});

	it('runs to the end of the bytes when end is left out', () => {
		expect(blockCheckCharacter(ascii('\x02!\r\n\x03'), 1)).toBe(0x25);
	});

	it('gives 0 over the range after STX up to and including the BCC of a valid data message', () => {
		const body = ascii('1.8.0(001234.5*kWh)\r\n!\r\n\x03');
		const frame = Buffer.concat([Uint8Array.of(0x02), body, Uint8Array.of(blockCheckCharacter(body))]);
		expect(blockCheckCharacter(frame, 1)).toBe(0);
	});

	it('changes when any single bit of the block is flipped', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({minLength: 1, maxLength: 64}),
				fc.nat(),
				fc.integer({min: 0, max: 7}),
				(bytes, position, bit) => {
					const corrupted = Uint8Array.from(bytes);
					const index = position % bytes.length;
					corrupted[index] = (corrupted[index] as number) ^ (1 << bit);
					expect(blockCheckCharacter(corrupted)).not.toBe(blockCheckCharacter(bytes));
				},
			),
		);
	});

	it('always fits in one byte', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 256}), (bytes) => {
				const bcc = blockCheckCharacter(bytes);
				expect(bcc).toBeGreaterThanOrEqual(0);
				expect(bcc).toBeLessThanOrEqual(0xff);
			}),
		);
	});
});
