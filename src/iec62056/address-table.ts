import {Buffer} from 'node:buffer';
import {isLatin1} from './char-codes.ts';
import {type ObisCode, obisKey, parseObisCode} from './obis-code.ts';

/** What a data set's address parses to: the address text itself, its OBIS code (if it is one) and key. */
export interface AddressEntry {
	readonly address: string;
	readonly obis: ObisCode | undefined;
	readonly key: string;
	readonly hash: number;
	/** The address as Latin-1 bytes, for comparing in place; undefined when it has wider characters. */
	readonly codes: Uint8Array | undefined;
	/**
	 * True when the address can be recognised in place by successorAt: Latin-1, plain at both ends and
	 * free of the characters that end an address (`(`, `)`, `!`, CR, LF), so that a scan would stop
	 * exactly after it.
	 */
	readonly inPlace: boolean;
	/**
	 * For an entry recognised in place: its address followed by `(`, four bytes to a number (big-endian;
	 * the bytes are ASCII, so a group is a positive int32), whole groups only; `tail` holds the
	 * `tailLength` (0 to 3) bytes left over.
	 * See successorAt for why.
	 */
	readonly groups: readonly number[];
	readonly tail: number;
	readonly tailLength: number;
	/** Where the entry was put in the table (it may have been evicted since). */
	readonly slot: number;
	/**
	 * The slot of the address that followed this one last time, or -1. A meter sends its addresses in
	 * the same order every readout, so trying that entry first (see successorAt) spares the hash and
	 * the probe. A slot number, not the entry: an evicted entry must not be kept alive by a chain.
	 */
	next: number;
	/**
	 * The slots of the EARLIER other addresses that followed this one before `next` did, the latest
	 * first, or -1 (and one more -1 after them): meters of several kinds share addresses (`1.8.0`, `F.F`, `0.9.1`) but not what
	 * follows them, and a collector reading them all would otherwise miss the prediction at every
	 * shared address (see noteSuccessor).
	 */
	readonly earlier: Int32Array;
}

/**
 * Successors remembered per address besides `next`. Three, not one: the fixture mix, 29 meters of many
 * kinds, then looks up 30 of its 342 sets a pass instead of 52 (29 of the 30 are the first set of a
 * telegram, with no address before it): -510 instructions per telegram (cachegrind with --predictable,
 * 1.7 %). A miss costs four short compares at most.
 */
const EARLIER = 3;

// A meter sends the same addresses in every readout, so each is parsed once and remembered. Looked up
// straight from the block text (hash and compare in place), a known address costs no string at all.
// Bounded: 4096 slots, a few probes each; a full neighbourhood evicts, so garbage cannot grow it.
const SLOTS = 4096;
const MASK = SLOTS - 1;
const PROBES = 8;
const table: (AddressEntry | undefined)[] = new Array<AddressEntry | undefined>(SLOTS).fill(undefined);

/** The FNV-1a start value: hash an address with `hash = addressHashStep(hash, code)` per character. */
export const ADDRESS_HASH_SEED = 0x811c9dc5;

/** One FNV-1a step; exported so the block parser can hash an address while it scans for `(`. */
export function addressHashStep(hash: number, code: number): number {
	return Math.imul(hash ^ code, 0x01000193);
}

/** The hash of `source[start, end)` that lookupAddress expects. */
export function addressHash(source: string, start: number, end: number): number {
	let hash = ADDRESS_HASH_SEED;
	for (let index = start; index < end; index++) hash = addressHashStep(hash, source.charCodeAt(index));
	return hash;
}

/**
 * The entry for the address `source[start, end)`, which the caller has already trimmed, given its
 * addressHash. `codes`, when given, holds the same characters as bytes, `codesOffset` further on
 * (`codes[codesOffset + i]` is `source.charCodeAt(i)`; see char-codes.ts), and makes the comparison
 * cheaper. `address` equals the text exactly; `obis` and `key` are as parseObisCode and obisKey give them.
 */
export function lookupAddress(
	source: string,
	codes: Uint8Array | undefined,
	start: number,
	end: number,
	hash: number,
	codesOffset = 0,
): AddressEntry {
	const length = end - start;
	// FNV-1a leaves the low bits of short, similar addresses (`1.8.0`, `1.8.1`) clustered: mix them.
	let mixed = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
	mixed ^= mixed >>> 12;
	const home = mixed & MASK;
	for (let probe = 0; probe < PROBES; probe++) {
		const entry = table[(home + probe) & MASK];
		if (entry === undefined) break;
		if (entry.hash !== hash || entry.address.length !== length) continue;
		if (
			codes === undefined
				? sameText(entry.address, source, start)
				: sameBytes(entry.codes, codes, codesOffset + start)
		) {
			return entry;
		}
	}
	let slot = home;
	for (let probe = 0; probe < PROBES; probe++) {
		if (table[(home + probe) & MASK] === undefined) {
			slot = (home + probe) & MASK;
			break;
		}
	}
	const entry = parseAddress(source.slice(start, end), hash, slot);
	table[slot] = entry;
	return entry;
}

/** `text` occurs in `source` at `start` (the caller has checked the length); unit-table.ts uses it too. */
export function sameText(text: string, source: string, start: number): boolean {
	for (let index = 0; index < text.length; index++) {
		if (text.charCodeAt(index) !== source.charCodeAt(start + index)) return false;
	}
	return true;
}

/** Same as sameText on the byte codes; `own` is undefined for an address beyond Latin-1 (never equal). */
function sameBytes(own: Uint8Array | undefined, codes: Uint8Array, start: number): boolean {
	if (own === undefined) return false;
	for (let index = 0; index < own.length; index++) {
		if (own[index] !== codes[start + index]) return false;
	}
	return true;
}

/**
 * One of the entries that followed `previous` before (see next and earlier), when `codes` hold exactly its
 * address from `start` followed by `(` before `limit`: the same address a scan for `(` and
 * lookupAddress would find. Only addresses with plain ends qualify (those need no trimming); otherwise,
 * or on any difference, undefined.
 */
export function successorAt(
	previous: AddressEntry,
	codes: Uint8Array,
	start: number,
	limit: number,
): AddressEntry | undefined {
	// One call site for entryAt, not two: the parser inlines this, and a second inlined copy of entryAt
	// takes a quarter of V8's inlining budget for the parser (920 bytes of bytecode), which then calls
	// entryAt instead of inlining it once the parser also inlines knownUnit.
	const earlier = previous.earlier;
	let slot = previous.next;
	for (let index = 0; index <= EARLIER; index++) {
		const entry = entryAt(slot, codes, start, limit);
		if (entry !== undefined) return entry;
		// After the last try this reads the pad (see parseAddress): cheaper than choosing between `next`
		// and `earlier` in the loop (-100 instructions per telegram of the fixture mix).
		slot = earlier[index] as number;
	}
	return undefined;
}

/**
 * The entry in `slot` when `codes` hold its address from `start` followed by `(` before `limit`.
 *
 * Compared four bytes at a time against the entry's packed groups rather than byte against byte:
 * every typed-array read in a loop pays a map check, a bounds check and a reload of the array's base
 * (the loop's interrupt check keeps V8 from hoisting them), and a byte loop over two arrays pays that
 * twice per byte. Four reads of `codes` in a row share one map check and base, and the entry's side
 * is one number. Matching the ~80 address bytes of an average telegram this way measured -1,330
 * instructions per telegram of the fixture mix (cachegrind, 32,859 before), 4 %.
 */
function entryAt(slot: number, codes: Uint8Array, start: number, limit: number): AddressEntry | undefined {
	if (slot < 0) return undefined;
	const entry = table[slot];
	if (entry === undefined || !entry.inPlace) return undefined;
	if (start + entry.address.length >= limit) return undefined;
	const groups = entry.groups;
	let at = start;
	for (let group = 0; group < groups.length; group++) {
		const packed =
			((codes[at] as number) << 24) |
			((codes[at + 1] as number) << 16) |
			((codes[at + 2] as number) << 8) |
			(codes[at + 3] as number);
		if (packed !== groups[group]) return undefined;
		at += 4;
	}
	const tailLength = entry.tailLength;
	if (tailLength === 0) return entry;
	let tail = codes[at] as number;
	if (tailLength > 1) tail = (tail << 8) | (codes[at + 1] as number);
	if (tailLength > 2) tail = (tail << 8) | (codes[at + 2] as number);
	return tail === entry.tail ? entry : undefined;
}

/** The packing entryAt compares: `bytes` four to a number, and what is left over. */
function packedGroups(bytes: Uint8Array): {groups: number[]; tail: number; tailLength: number} {
	const groups: number[] = [];
	let index = 0;
	for (; index + 4 <= bytes.length; index += 4) {
		groups.push(
			((bytes[index] as number) << 24) |
				((bytes[index + 1] as number) << 16) |
				((bytes[index + 2] as number) << 8) |
				(bytes[index + 3] as number),
		);
	}
	let tail = 0;
	for (let rest = index; rest < bytes.length; rest++) tail = (tail << 8) | (bytes[rest] as number);
	return {groups, tail, tailLength: bytes.length - index};
}

/**
 * Remembers that `entry` followed `previous`, for successorAt: as `next`, the one before moving first
 * among the earlier ones and the oldest of those dropped, unless it is one of them already (then
 * nothing changes, so meters of several kinds that take turns keep all their successors).
 */
export function noteSuccessor(previous: AddressEntry, entry: AddressEntry): void {
	// Nearly always the latest successor again: one compare here, small enough for the parser to inline.
	if (previous.next !== entry.slot) addSuccessor(previous, entry.slot);
}

function addSuccessor(previous: AddressEntry, slot: number): void {
	const earlier = previous.earlier;
	for (let index = 0; index < EARLIER; index++) {
		if (earlier[index] === slot) return;
	}
	earlier.copyWithin(1, 0, EARLIER - 1);
	earlier[0] = previous.next;
	previous.next = slot;
}

// What ends an address in the block parser: a known address holding one could not be matched in place.
const ADDRESS_ENDS = /[()!\r\n]/;

/** Latin-1, non-empty, plain ASCII (as String#trim keeps) at both ends, no address end inside. */
function isInPlace(address: string): boolean {
	const first = address.charCodeAt(0);
	const last = address.charCodeAt(address.length - 1);
	return first > 0x20 && first <= 0x7f && last > 0x20 && last <= 0x7f && !ADDRESS_ENDS.test(address);
}

function parseAddress(address: string, hash: number, slot: number): AddressEntry {
	const obis = address === '' ? undefined : parseObisCode(address);
	// A non-OBIS address is known by itself without the `A-B:` channel prefix (`1-1:30D` → `30D`).
	const key = obis === undefined ? address.replace(/^\d{1,3}-\d{1,3}:/, '') : obisKey(obis);
	const codes = isLatin1(address) ? Buffer.from(address, 'latin1') : undefined;
	const inPlace = codes !== undefined && isInPlace(address);
	const {groups, tail, tailLength} = inPlace
		? packedGroups(Buffer.from(`${address}(`, 'latin1'))
		: {groups: [], tail: 0, tailLength: 0};
	// One slot more than EARLIER, always -1: successorAt reads one ahead.
	const earlier = new Int32Array(EARLIER + 1).fill(-1);
	return {address, obis, key, hash, codes, inPlace, groups, tail, tailLength, slot, next: -1, earlier};
}
