import {Buffer} from 'node:buffer';
import {type Identification, parseIdentification} from './identification.ts';

// A meter sends the same identification line in every readout, so each line is parsed once and
// remembered, as addresses are (address-table.ts): looked up straight from the bytes (hash and
// compare), a known line costs neither its text nor its parse. An Identification is immutable data, so
// the telegrams of one meter may share it. Bounded: 256 slots, one line each, a line tried in PROBES
// neighbouring slots; when all are taken the first is replaced. With one slot per hash (64 before),
// four of the 22 distinct lines of the golden fixtures shared slots in pairs and were parsed again on
// every telegram: a collector reading several meters would see the same.
const SLOTS = 256;
const MASK = SLOTS - 1;
const PROBES = 4;
const lines: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS).fill(undefined);
const parsed: (Identification | undefined)[] = new Array<Identification | undefined>(SLOTS).fill(undefined);

/**
 * The identification in the Latin-1 line `bytes[0, end)` (starting with `/`, without its CR LF), as
 * parseIdentification gives it. Throws as parseIdentification does.
 */
export function identificationOf(bytes: Uint8Array, end: number): Identification {
	const known = knownIdentificationOf(bytes, end);
	if (known !== undefined) return known;
	const home = homeSlot(bytes, end);
	let slot = home;
	for (let probe = 0; probe < PROBES; probe++) {
		if (lines[(home + probe) & MASK] === undefined) {
			slot = (home + probe) & MASK;
			break;
		}
	}
	const identification = parseIdentification(latin1(bytes, end));
	lines[slot] = Uint8Array.prototype.slice.call(bytes, 0, end);
	parsed[slot] = identification;
	return identification;
}

/**
 * The identification of the line `bytes[0, end)` when the table holds it, else undefined. A line in
 * the table has been found to be a whole identification line before, which lets a scanner skip its
 * other checks of a line it has seen (a second `/` in it, a `!` at its end).
 */
export function knownIdentificationOf(bytes: Uint8Array, end: number): Identification | undefined {
	const home = homeSlot(bytes, end);
	for (let probe = 0; probe < PROBES; probe++) {
		const slot = (home + probe) & MASK;
		const line = lines[slot];
		if (line === undefined) return undefined;
		if (sameLine(line, bytes, end)) return parsed[slot] as Identification;
	}
	return undefined;
}

function homeSlot(bytes: Uint8Array, end: number): number {
	let hash = 0x811c9dc5;
	for (let index = 0; index < end; index++) hash = Math.imul(hash ^ (bytes[index] as number), 0x01000193);
	// FNV-1a's low bits cluster for lines that differ near their end (serial numbers): mix them.
	hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
	return (hash ^ (hash >>> 12)) & MASK;
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
