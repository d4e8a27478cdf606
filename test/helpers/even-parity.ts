import {Buffer} from 'node:buffer';

/**
 * 7E1 characters (IEC 62056-21: 7 data bits, even parity) as a port set to 8N1 delivers them: each
 * 7-bit byte of `bytes` with its even-parity bit in bit 7.
 */
export function withEvenParity(bytes: Uint8Array): Buffer {
	return Buffer.from(
		Array.from(bytes, (byte) => {
			let ones = 0;
			for (let bit = 0; bit < 7; bit++) ones += (byte >> bit) & 1;
			return ones % 2 === 1 ? byte | 0x80 : byte;
		}),
	);
}
