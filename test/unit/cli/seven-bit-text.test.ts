import {describe, expect, it} from 'vitest';
import {looksLike7E1Text} from '../../../src/cli/seven-bit-text.ts';

/** Text with even parity as bit 7, as a 7E1 line captured as 8N1 gives it. */
const withParity = (text: string) =>
	Buffer.from(text).map((byte) => {
		let ones = 0;
		for (let bit = byte; bit; bit >>= 1) ones += bit & 1;
		return ones % 2 === 0 ? byte : byte | 0x80;
	});

describe('looksLike7E1Text', () => {
	it('takes readout text with parity bits for 7E1 text', () => {
		expect(looksLike7E1Text(withParity('/LGZ52ZMD120APt.G03\r\n1.8.1(001234.5*kWh)\r\n'))).toBe(true);
	});

	it('does not take random bytes, plain text without bit 7, or an empty input for it', () => {
		let seed = 7;
		const random = Buffer.from(
			Array.from({length: 740}, () => {
				seed = (seed * 1103515245 + 12345) % 2147483648;
				return (seed >> 16) & 0xff;
			}),
		);
		expect(looksLike7E1Text(random)).toBe(false);
		expect(looksLike7E1Text(Buffer.from('/LGZ5 1.8.1(1)\r\n'))).toBe(false);
		expect(looksLike7E1Text(Buffer.alloc(0))).toBe(false);
	});
});
