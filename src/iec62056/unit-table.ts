import {addressHash, sameText} from './address-table.ts';

// Units repeat in every data set and readout (`kWh`, `kW`, `V`, `A`, `m3`), so each distinct unit is
// kept as one string and handed out again: comparing its few characters in place costs less than
// cutting a new string out of the block for every value, and the values of a whole capture share them.
// Bounded: 256 slots of one unit each, a collision replaces; units longer than MAX_LENGTH are cut as usual.
const SLOTS = 256;
const MAX_LENGTH = 12;
const units: string[] = new Array<string>(SLOTS).fill('');

/** `source.slice(start, end)`, the same string for the same unit text each time. */
export function unitText(source: string, start: number, end: number): string {
	const length = end - start;
	if (length <= 0 || length > MAX_LENGTH) return source.slice(start, end);
	// The FNV-1a hash addresses are looked up by.
	const hash = addressHash(source, start, end);
	const slot = (hash ^ (hash >>> 13)) & (SLOTS - 1);
	const known = units[slot] as string;
	if (known.length === length && sameText(known, source, start)) return known;
	const unit = source.slice(start, end);
	units[slot] = unit;
	return unit;
}
