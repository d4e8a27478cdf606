import {type AlignedWords, alignedWordsOf} from './aligned-words.ts';

/**
 * The run of plain block bytes (0x05–0x7F but `/`) from `start` up to `end`, and their XOR, reading four
 * bytes at a time where the memory is aligned: a block's BCC is the XOR of its bytes, and the run stops
 * at anything the caller must look at byte by byte (ETX, EOT, a byte with bit 7 set, a `/` that may
 * begin an identification; NUL, SOH, STX too, as the test is cheaper that way). About three times faster than a byte loop on a few hundred bytes.
 * `aligned` are the words of `bytes` (see aligned-words.ts); a caller that scans one array in many runs
 * makes them once. Returns `runEnd * 256 + xor` (a float, so that any buffer length fits).
 */
export function plainRun(
	bytes: Uint8Array,
	start: number,
	end: number,
	aligned: AlignedWords | undefined = end - start >= MIN_VIEW_BYTES ? alignedWordsOf(bytes) : undefined,
): number {
	let xor = 0;
	let index = start;
	if (aligned !== undefined) {
		const first = aligned.first;
		while (index < end && ((index - first) & 3) !== 0) {
			const byte = bytes[index] as number;
			if ((byte - 0x05) >>> 0 > 0x7a || byte === SLASH) return index * 256 + xor;
			xor ^= byte;
			index++;
		}
		const view = aligned.words;
		const from = (index - first) >>> 2;
		const words = Math.min((end - index) >>> 2, view.length - from);
		let wordXor = 0;
		let word = 0;
		for (; word < words; word++) {
			const value = view[from + word] as number;
			// A byte below 0x05 or above 0x7F in the word (bit tricks: `value - 0x05…` borrows into
			// bit 7 of any byte below 5), or a `/` (a zero byte of `value ^ 0x2F…`, found the same way;
			// exact since bytes with bit 7 set stop the word anyway); such a word is left to the byte loop.
			const slash = value ^ 0x2f2f2f2f;
			if ((((value - 0x05050505) & ~value) | value | ((slash - 0x01010101) & ~slash)) & 0x80808080) break;
			wordXor ^= value;
		}
		index += word * 4;
		wordXor ^= wordXor >>> 16;
		wordXor ^= wordXor >>> 8;
		xor ^= wordXor & 0xff;
	}
	for (; index < end; index++) {
		const byte = bytes[index] as number;
		if ((byte - 0x05) >>> 0 > 0x7a || byte === SLASH) break;
		xor ^= byte;
	}
	return index * 256 + xor;
}

const SLASH = 0x2f;
/** Below this many bytes a view of words costs more than it saves (when the caller has none). */
const MIN_VIEW_BYTES = 64;
