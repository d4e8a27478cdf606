import {ADDRESS_HASH_SEED, addressHash, addressHashStep, sameText} from './address-table.ts';

// Units repeat in every data set and readout (`kWh`, `kW`, `V`, `A`, `m3`), so each distinct unit is
// kept as one string and handed out again: comparing its few characters in place costs less than
// cutting a new string out of the block for every value, and the values of a whole capture share them.
// Bounded: 256 slots of one unit each, a collision replaces; units longer than MAX_LENGTH are cut as usual.
const SLOTS = 256;
const MAX_LENGTH = 12;
const units: string[] = new Array<string>(SLOTS).fill('');
// The same units as Latin-1 bytes, MAX_LENGTH per slot, with their lengths (-1: not Latin-1), for
// unitTextOf: a block's bytes are hashed and compared in place, where reading a string's characters
// costs more per character (1 % of decoding the fixture mix).
const unitBytes = new Uint8Array(SLOTS * MAX_LENGTH);
const unitLengths = new Int32Array(SLOTS);
/** For units of up to four Latin-1 characters, looked up by unitTextOf: their bytes as one number. */
const unitPacked = new Int32Array(SLOTS);

/** `source.slice(start, end)`, the same string for the same unit text each time. */
export function unitText(source: string, start: number, end: number): string {
	const length = end - start;
	if (length <= 0 || length > MAX_LENGTH) return source.slice(start, end);
	// The FNV-1a hash addresses are looked up by.
	const slot = slotOf(addressHash(source, start, end));
	const known = units[slot] as string;
	if (known.length === length && sameText(known, source, start)) return known;
	return remember(slot, source.slice(start, end));
}

/**
 * unitText for a caller that holds the Latin-1 bytes of `source` as well: `codes[codesOffset + i]` is
 * `source.charCodeAt(i)`.
 */
export function unitTextOf(
	source: string,
	codes: Uint8Array,
	codesOffset: number,
	start: number,
	end: number,
): string {
	const length = end - start;
	if (length <= 0 || length > MAX_LENGTH) return source.slice(start, end);
	const from = codesOffset + start;
	const to = codesOffset + end;
	if (length <= 4) {
		// Most units (`kWh`, `kW`, `V`, `m3`, `kVAh`) fit in one number: read in a row (one map check and base
		// load for the reads) and compared once, instead of a hash loop and a compare loop over the bytes
		// (-470 instructions per telegram of the fixture mix, cachegrind, typical runs; 1.5 %).
		let packed = codes[from] as number;
		for (let index = from + 1; index < to; index++) packed = (packed << 8) | (codes[index] as number);
		const slot = slotOf(Math.imul(packed ^ length, 0x01000193));
		if (unitPacked[slot] === packed && unitLengths[slot] === length) return units[slot] as string;
		return remember(slot, source.slice(start, end));
	}
	let hash = ADDRESS_HASH_SEED;
	for (let index = from; index < to; index++) hash = addressHashStep(hash, codes[index] as number);
	const slot = slotOf(hash);
	if (unitLengths[slot] === length) {
		const base = slot * MAX_LENGTH - from;
		let index = from;
		while (index < to && unitBytes[base + index] === codes[index]) index++;
		if (index === to) return units[slot] as string;
	}
	return remember(slot, source.slice(start, end));
}

/**
 * The unit of `length` (1 to 4) Latin-1 characters whose bytes, packed big-endian into one number as
 * unitTextOf packs them, are `packed`, when the table holds it; undefined otherwise (also for any other
 * length). Small enough to be inlined where a scanner has packed the bytes on its way.
 */
export function knownUnit(packed: number, length: number): string | undefined {
	if (length <= 0 || length > 4) return undefined;
	const slot = slotOf(Math.imul(packed ^ length, 0x01000193));
	return unitPacked[slot] === packed && unitLengths[slot] === length ? units[slot] : undefined;
}

function slotOf(hash: number): number {
	return (hash ^ (hash >>> 13)) & (SLOTS - 1);
}

function remember(slot: number, unit: string): string {
	units[slot] = unit;
	unitLengths[slot] = unit.length;
	const base = slot * MAX_LENGTH;
	let packed = 0;
	for (let index = 0; index < unit.length; index++) {
		const code = unit.charCodeAt(index);
		if (code > 0xff) {
			unitLengths[slot] = -1;
			break;
		}
		unitBytes[base + index] = code;
		packed = (packed << 8) | code;
	}
	// Whichever lookup filled the slot, its packed bytes match the unit it now holds.
	unitPacked[slot] = packed;
	return unit;
}
