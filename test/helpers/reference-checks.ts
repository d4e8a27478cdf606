/**
 * Block checks written the slow, obvious way, independent of the code under test, so tests compare
 * against the definition rather than against the implementation.
 */

/** BCC: XOR of every byte after STX/SOH up to and including ETX/EOT (IEC 62056-21). */
export function referenceBcc(text: string): number {
	let value = 0;
	for (const byte of Buffer.from(text, 'latin1')) value ^= byte;
	return value;
}

/** CRC-16/ARC (the DSMR `!XXXX` trailer), bit by bit; check value 0xBB3D for "123456789". */
export function referenceCrc16Arc(text: string): number {
	let crc = 0;
	for (const byte of Buffer.from(text, 'latin1')) {
		crc ^= byte;
		for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
	}
	return crc;
}
