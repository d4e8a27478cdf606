import {type AlignedWords, alignedWordsOf} from './aligned-words.ts';
import {BANG, SLASH, STX} from './control-characters.ts';

/**
 * The index of the first byte in [start, end) that may end or restart a push telegram (`!`, `/`, STX,
 * or a byte with bit 7 set), or `end` when there is none. Reads four bytes at a time where the memory
 * is aligned: a DSMR telegram is ~900 bytes with one `!`, so nearly every word is passed over with a
 * few bit operations instead of four loads and compares. About twice as fast as a byte loop.
 * `aligned` are the words of `bytes` (see aligned-words.ts); a caller that scans one array in many runs
 * makes them once.
 */
export function pushStop(
	bytes: Uint8Array,
	start: number,
	end: number,
	aligned: AlignedWords | undefined = end - start >= MIN_VIEW_BYTES ? alignedWordsOf(bytes) : undefined,
): number {
	let index = start;
	if (aligned !== undefined) {
		const first = aligned.first;
		while (index < end && ((index - first) & 3) !== 0) {
			if (isPushStop(bytes[index] as number)) return index;
			index++;
		}
		const view = aligned.words;
		const from = (index - first) >>> 2;
		const words = Math.min((end - index) >>> 2, view.length - from);
		let word = 0;
		for (; word < words; word++) {
			const value = view[from + word] as number;
			// A zero byte in `value ^ repeated c` marks a byte equal to c: `(x - 0x01…) & ~x` sets bit 7
			// of some byte exactly when x has a zero byte, provided no byte of x has bit 7 set. Bytes
			// with bit 7 set stop the run anyway, so the test is exact for the word as a whole.
			const bang = value ^ 0x21212121;
			const slash = value ^ 0x2f2f2f2f;
			const stx = value ^ 0x02020202;
			const marks =
				value | ((bang - 0x01010101) & ~bang) | ((slash - 0x01010101) & ~slash) | ((stx - 0x01010101) & ~stx);
			if (marks & 0x80808080) break;
		}
		index += word * 4;
	}
	for (; index < end; index++) {
		if (isPushStop(bytes[index] as number)) return index;
	}
	return end;
}

/** Below this many bytes a view of words costs more than it saves (when the caller has none). */
const MIN_VIEW_BYTES = 64;

function isPushStop(byte: number): boolean {
	return byte === BANG || byte === SLASH || byte === STX || byte > 0x7f;
}
