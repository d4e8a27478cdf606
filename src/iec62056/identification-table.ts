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
const LF = 0x0a;
const lines: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS).fill(undefined);
const parsed: (Identification | undefined)[] = new Array<Identification | undefined>(SLOTS).fill(undefined);
// Each line as it was received when it was parsed, its line end included: a scanner hands this one
// Buffer out as the bytes of every later frame that holds the same line (see receivedLineIn), rather
// than cutting a view or a copy of the line for each. A copy, so that the table keeps no capture alive.
const received: (Buffer | undefined)[] = new Array<Buffer | undefined>(SLOTS).fill(undefined);

/**
 * The identification in the Latin-1 line `bytes[0, end)` (starting with `/`, without its CR LF), as
 * parseIdentification gives it. Throws as parseIdentification does.
 */
export function identificationOf(bytes: Uint8Array, end: number): Identification {
	const known = knownIdentificationOf(bytes, end);
	if (known !== undefined) return known;
	const home = homeSlot(bytes, 0, end);
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
	// The line and its line end only, whatever the caller's bytes hold after it.
	let lineEnd = end;
	while (lineEnd < bytes.length && bytes[lineEnd] !== LF) lineEnd++;
	received[slot] = Buffer.from(bytes.subarray(0, Math.min(bytes.length, lineEnd + 1)));
	return identification;
}

/**
 * The identification of the line `bytes[0, end)` when the table holds it, else undefined. A line in
 * the table has been found to be a whole identification line before, which lets a scanner skip its
 * other checks of a line it has seen (a second `/` in it, a `!` at its end).
 */
export function knownIdentificationOf(bytes: Uint8Array, end: number): Identification | undefined {
	const slot = knownLineSlot(bytes, 0, end);
	return slot < 0 ? undefined : parsed[slot];
}

/** The slot of the known line `bytes[start, end)` (see knownIdentificationOf), or -1. */
export function knownLineSlot(bytes: Uint8Array, start: number, end: number): number {
	const home = homeSlot(bytes, start, end);
	for (let probe = 0; probe < PROBES; probe++) {
		const slot = (home + probe) & MASK;
		const line = lines[slot];
		if (line === undefined) return -1;
		if (sameLine(line, bytes, start, end)) return slot;
	}
	return -1;
}

/** The identification of the line in `slot`, a slot knownLineSlot gave. */
export function identificationIn(slot: number): Identification {
	return parsed[slot] as Identification;
}

/**
 * The line in `slot` as it was received when it was parsed, line end included, when `bytes[start,
 * start + length)` are those very bytes; else undefined (the same line with another line end). One
 * Buffer for every such frame: nobody may change it.
 */
export function receivedLineIn(
	slot: number,
	bytes: Uint8Array,
	start: number,
	length: number,
): Buffer | undefined {
	const line = received[slot] as Buffer;
	if (line.length !== length) return undefined;
	// The line itself is known equal (knownLineSlot); only its line end remains to compare.
	for (let index = (lines[slot] as Uint8Array).length; index < length; index++) {
		if (line[index] !== bytes[start + index]) return undefined;
	}
	return line;
}

function homeSlot(bytes: Uint8Array, start: number, end: number): number {
	let hash = 0x811c9dc5;
	for (let index = start; index < end; index++) hash = Math.imul(hash ^ (bytes[index] as number), 0x01000193);
	// FNV-1a's low bits cluster for lines that differ near their end (serial numbers): mix them.
	hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
	return (hash ^ (hash >>> 12)) & MASK;
}

function sameLine(line: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
	if (line.length !== end - start) return false;
	for (let index = 0; index < line.length; index++) {
		if (line[index] !== bytes[start + index]) return false;
	}
	return true;
}

function latin1(bytes: Uint8Array, end: number): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
}
