import {type Identification, parseIdentification} from './identification.ts';

// A meter sends the same identification line in every readout, so each line is parsed once and
// remembered, as addresses are (address-table.ts): looked up straight from the bytes (hash and
// compare), a known line costs neither its text nor its parse. An Identification is immutable data, so
// the telegrams of one meter may share it. Bounded: 64 slots, one line each; a collision replaces.
const SLOTS = 64;
const lines: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS).fill(undefined);
const parsed: (Identification | undefined)[] = new Array<Identification | undefined>(SLOTS).fill(undefined);

/**
 * The identification in the Latin-1 line `bytes[0, end)` (starting with `/`, without its CR LF), as
 * parseIdentification gives it. Throws as parseIdentification does.
 */
export function identificationOf(bytes: Uint8Array, end: number): Identification {
	let hash = 0x811c9dc5;
	for (let index = 0; index < end; index++) hash = Math.imul(hash ^ (bytes[index] as number), 0x01000193);
	const slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
	const line = lines[slot];
	if (line !== undefined && sameLine(line, bytes, end)) return parsed[slot] as Identification;
	const identification = parseIdentification(latin1(bytes, end));
	lines[slot] = Uint8Array.prototype.slice.call(bytes, 0, end);
	parsed[slot] = identification;
	return identification;
}

function sameLine(line: Uint8Array, bytes: Uint8Array, end: number): boolean {
	if (line.length !== end) return false;
	for (let index = 0; index < end; index++) {
		if (line[index] !== bytes[index]) return false;
	}
	return true;
}

function latin1(bytes: Uint8Array, end: number): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
}
