import {
	ADDRESS_HASH_SEED,
	type AddressEntry,
	addressHash,
	addressHashStep,
	lookupAddress,
	noteSuccessor,
	successorAt,
} from './address-table.ts';
import {charCodes, isLatin1} from './char-codes.ts';
import type {DataSet} from './data-set.ts';
import {type DataValue, parseScannedValue} from './data-value.ts';
import {MalformedDataSetError} from './protocol-errors.ts';

/** A data block parsed into data sets; malformed lines are reported beside the good sets, not instead of them. */
export interface ParsedDataBlock {
	readonly dataSets: DataSet[];
	readonly malformed: MalformedDataSetError[];
	/** True when the block's end mark `!` was found. */
	readonly complete: boolean;
}

// Local copies of bytes control-characters.ts also names: V8 reads an imported binding from its module
// cell at every use instead of folding it, and these are compared once per byte of a block (importing
// them here measured +2,600 instructions per telegram, +8 %, with cachegrind).
const OPEN = 0x28;
const CLOSE = 0x29;
const STAR = 0x2a;
const AMPERSAND = 0x26;
const BANG = 0x21;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Parses the text of a data block (what lies between STX and ETX, or after a push telegram's
 * identification) into data sets. Line ends may be CR LF, LF LF, CR CR LF, bare LF or missing
 * altogether; several sets may share a line; `!` may be glued to the last set; text without brackets
 * before `!` (ACE3000 junk) is reported as malformed. A bracket group at the start of a line with no
 * address continues the previous set (load-profile lines), or, at the very start, is a set with an empty key.
 *
 * One pass over the text's character codes (see char-codes.ts): each address is hashed while it is
 * scanned and looked up in place (see address-table.ts), and each value is classified while its `)` is
 * sought, so the only strings made are the ones the result holds.
 */
export function parseDataBlock(text: string): ParsedDataBlock {
	// Structure is found in the byte codes; content (slices, address compare, trimming) comes from the string.
	const latin1 = isLatin1(text);
	const codes = charCodes(text, latin1);
	// Addresses are compared on the codes only when these are exact.
	return parseCodes(text, codes, latin1 ? codes : undefined, 0);
}

/**
 * parseDataBlock for a text whose Latin-1 bytes the caller already has from `offset` on (`bytes[offset
 * + i]` is `text.charCodeAt(i)`), such as the frame it was decoded from: this spares checking the text
 * for wide characters and copying its codes, a good part of the fixed cost of a short block. The offset
 * spares a view of the bytes, which costs about as much again.
 */
export function parseDataBlockBytes(text: string, bytes: Uint8Array, offset = 0): ParsedDataBlock {
	return parseCodes(text, bytes, bytes, offset);
}

/**
 * The parse of `text`, whose character codes are `codes[base + i]` (see parseDataBlock); `exactCodes`
 * is `codes` when those are exact (Latin-1), else undefined.
 */
function parseCodes(
	text: string,
	codes: Uint8Array,
	exactCodes: Uint8Array | undefined,
	base: number,
): ParsedDataBlock {
	const dataSets: DataSet[] = [];
	const malformed: MalformedDataSetError[] = [];
	let line = 1;
	let lineStart = 0;
	let complete = false;
	// Positions are absolute in `codes` (text index + base), `| 0` keeps them Int32: the byte loops then
	// index the array directly, without an overflow-checked `base + index` per byte (1 % fewer
	// instructions for the whole decode of the fixture mix).
	const offset = base | 0;
	const stop = (offset + text.length) | 0;
	let at = offset;
	// The address of the set before: its successor last time is tried first (see successorAt).
	let previous: AddressEntry | undefined;

	while (at < stop) {
		let code = codes[at] as number;
		if (code === LF) {
			line++;
			at++;
			lineStart = at - offset;
			continue;
		}
		if (code === CR || code === 0x20 || code === 0x09 || code === 0) {
			at++;
			continue;
		}
		if (code === BANG) {
			complete = true;
			break;
		}
		// Address: everything up to `(`. A line end or `!` first means the line is not a data set. Every
		// character that can end it is below `*`, so most take one comparison; the hash for the address
		// table is built on the way.
		const addressAt = at;
		let hash = ADDRESS_HASH_SEED;
		const predicted =
			previous === undefined || exactCodes === undefined
				? undefined
				: successorAt(previous, exactCodes, at, stop);
		if (predicted === undefined) {
			while (at < stop) {
				code = codes[at] as number;
				if (code <= CLOSE && (code === OPEN || code === LF || code === CR || code === BANG || code === CLOSE))
					break;
				hash = addressHashStep(hash, code);
				at++;
			}
		} else {
			// The same address, byte for byte, and its `(`: where the scan above would have stopped.
			at += predicted.address.length;
			code = OPEN;
		}
		const addressStart = addressAt - offset;
		if (at >= stop || code !== OPEN) {
			const reason = code === CLOSE ? 'unexpected ")"' : 'no "(" after the address';
			malformed.push(malformedSet(text, line, lineStart, addressStart, reason, at - offset));
			if (code === CLOSE) at = lineEndOf(text, at - offset, false) + offset;
			continue;
		}
		const addressEnd = at - offset;
		const column = addressStart - lineStart + 1;
		// Most sets hold one value: `[value]` sizes the array for it, where push() on `[]` would reserve 16.
		let values: DataValue[] | undefined;
		let broken = false;
		while (at < stop && codes[at] === OPEN) {
			const valueAt = at + 1;
			let close = valueAt;
			let star = -1;
			// `&` or padding (space, tab, NUL, CR) anywhere: the value needs the general parse.
			let special = false;
			while (close < stop) {
				code = codes[close] as number;
				if (code <= STAR) {
					if (code === CLOSE || code === LF || code === OPEN || code === STAR) break;
					if (code === AMPERSAND || code === 0x20 || code === 0x09 || code === 0 || code === CR)
						special = true;
				}
				close++;
			}
			// The unit after the first `*` is scanned by a loop of its own that packs its bytes as it goes (the
			// last four, as unitTextOf packs a unit of up to four), so that a known unit is found by knownUnit,
			// inlined here, without reading them again or calling unitTextOf (with the single entryAt call site in
			// successorAt: -115 instructions per telegram of the fixture mix, cachegrind with --predictable; the
			// call to unitTextOf alone cost 580).
			let packed = 0;
			if (code === STAR && close < stop) {
				star = close - offset;
				close++;
				while (close < stop) {
					code = codes[close] as number;
					if (code <= STAR) {
						if (code === CLOSE || code === LF || code === OPEN) break;
						if (code === AMPERSAND || code === 0x20 || code === 0x09 || code === 0 || code === CR)
							special = true;
					}
					packed = (packed << 8) | code;
					close++;
				}
			}
			const end = close - offset;
			if (close >= stop || code !== CLOSE) {
				const reason =
					close >= stop
						? 'unterminated "("'
						: code === OPEN
							? '"(" inside a value'
							: 'line ends inside "( )"';
				malformed.push(malformedSet(text, line, lineStart, at - offset, reason, end));
				broken = true;
				// Skip the rest of the broken line; the next line starts a new set.
				at = lineEndOf(text, end, false) + offset;
				break;
			}
			const value = parseScannedValue(text, valueAt - offset, end, star, special, exactCodes, offset, packed);
			// A second value makes a new two-element array rather than a push(), which calls a builtin to grow
			// the one-element array (-130 instructions per telegram of the fixture mix in one cachegrind run, less
			// than the spread between runs that the scavenger causes).
			if (values === undefined) values = [value];
			else if (values.length === 1) values = [values[0] as DataValue, value];
			else values.push(value);
			at = close + 1;
		}
		if (broken || values === undefined) continue;
		const entry = predicted ?? addressOf(text, codes, exactCodes, base, addressStart, addressEnd, hash);
		if (previous !== undefined) noteSuccessor(previous, entry);
		previous = entry;
		if (entry.address === '') {
			const previous = dataSets[dataSets.length - 1];
			if (previous !== undefined) {
				dataSets[dataSets.length - 1] = dataSet(previous, [...previous.values, ...values]);
				continue;
			}
			// A block that opens with a bare value (`(/SX330)` on the AUX SX330): kept with an empty key, not dropped.
		}
		const {address, obis, key} = entry;
		// An indexed store, not push(): V8 (Node 20) does not inline this push() and calls its builtin
		// for every set (about 3 % of decoding the fixture mix).
		dataSets[dataSets.length] =
			obis === undefined ? {address, key, values, line, column} : {address, obis, key, values, line, column};
		// Nearly every set ends its line with CR LF: stepped over here rather than by two more turns of the
		// loop above, each of which tests a byte against seven characters (about 2 % of decoding the mix).
		if (at + 1 < stop && codes[at] === CR && codes[at + 1] === LF) {
			at += 2;
			line++;
			lineStart = at - offset;
		}
	}
	return {dataSets, malformed, complete};
}

/**
 * The table entry for the address in `text[start, end)`, trimmed as String#trim would. `hash` covers
 * the untrimmed range, which is what almost every meter sends; only padded addresses are hashed again.
 * `codes` are the text's codes from `base` on (a character beyond Latin-1 reads as 0xFF, never plain),
 * `exactCodes` the same when they are exact.
 */
function addressOf(
	text: string,
	codes: Uint8Array,
	exactCodes: Uint8Array | undefined,
	base: number,
	start: number,
	end: number,
	hash: number,
): AddressEntry {
	if (start < end && isPlain(codes[base + start] as number) && isPlain(codes[base + end - 1] as number)) {
		return lookupAddress(text, exactCodes, start, end, hash, base);
	}
	while (start < end && isTrimmed(text.charCodeAt(start))) start++;
	while (end > start && isTrimmed(text.charCodeAt(end - 1))) end--;
	if (start < end && (text.charCodeAt(start) > 0x7f || text.charCodeAt(end - 1) > 0x7f)) {
		// Beyond ASCII, String#trim knows more white space (NBSP, U+2000…); let it decide.
		const address = text.slice(start, end).trim();
		return lookupAddress(address, undefined, 0, address.length, addressHash(address, 0, address.length));
	}
	return lookupAddress(text, exactCodes, start, end, addressHash(text, start, end), base);
}

/** An ASCII character String#trim keeps. */
function isPlain(code: number): boolean {
	return code > 0x20 && code <= 0x7f;
}

/** The ASCII white space String#trim removes (line ends cannot occur inside an address). */
function isTrimmed(code: number): boolean {
	return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** A set continued by a bare bracket group on the next line: same set, more values. */
function dataSet(previous: DataSet, values: DataValue[]): DataSet {
	const {address, obis, key, line, column} = previous;
	return obis === undefined
		? {address, key, values, line, column}
		: {address, obis, key, values, line, column};
}

/** Index of the next LF (or CR too, when `stopAtCr`) from `index`, or the text's length. */
function lineEndOf(text: string, index: number, stopAtCr: boolean): number {
	const length = text.length;
	while (index < length) {
		const code = text.charCodeAt(index);
		if (code === LF || (stopAtCr && code === CR)) break;
		index++;
	}
	return index;
}

/** The error for a bad set at `at`; it shows the line up to its end (or up to `end` on the last line). */
function malformedSet(
	text: string,
	line: number,
	lineStart: number,
	at: number,
	reason: string,
	end: number,
): MalformedDataSetError {
	const lineEnd = lineEndOf(text, lineStart, true);
	const shown = text.slice(lineStart, lineEnd < text.length ? lineEnd : Math.min(text.length, end));
	return new MalformedDataSetError(line, at - lineStart + 1, reason, shown);
}
