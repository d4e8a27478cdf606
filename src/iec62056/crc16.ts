/**
 * CRC-16/ARC (polynomial 0x8005 reflected as 0xA001, initial value 0, no final XOR), the check DSMR P1
 * telegrams carry as four hex digits after `!`. It covers every byte from `/` up to and including `!`.
 */
const TABLE = buildTable();

function buildTable(): Uint16Array {
	const table = new Uint16Array(256);
	for (let byte = 0; byte < 256; byte++) {
		let crc = byte;
		for (let bit = 0; bit < 8; bit++) {
			crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
		}
		table[byte] = crc;
	}
	return table;
}

export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
	let crc = 0;
	for (let index = start; index < end; index++) {
		crc = (crc >>> 8) ^ (TABLE[(crc ^ (bytes[index] as number)) & 0xff] as number);
	}
	return crc;
}
