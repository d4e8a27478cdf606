import type {AlignedWords} from './aligned-words.ts';
import {LF, SOH, STX} from './control-characters.ts';

/**
 * The index of the first byte in [start, end) that ends or interrupts an identification line (LF, STX,
 * SOH, or a byte with bit 7 set), or `end` when there is none. Reads four bytes at a time where the
 * memory is aligned, as pushStop does: a word with no byte below 0x0B (LF, STX and SOH are; CR, 0x0D,
 * is not) and none with bit 7 set is passed over with a few bit operations. On the 15 to 40 bytes of
 * an identification line that is about half the cost of a byte loop. `aligned` are the words of
 * `bytes` (see aligned-words.ts), which the frame scanner makes once per chunk; without them, byte by byte.
 */
export function lineStop(
	bytes: Uint8Array,
	start: number,
	end: number,
	aligned: AlignedWords | undefined,
): number {
	let index = start;
	if (aligned !== undefined) {
		const first = aligned.first;
		while (index < end && ((index - first) & 3) !== 0) {
			if (isLineStop(bytes[index] as number)) return index;
			index++;
		}
		const view = aligned.words;
		const from = (index - first) >>> 2;
		const words = Math.min((end - index) >>> 2, view.length - from);
		let word = 0;
		for (; word < words; word++) {
			const value = view[from + word] as number;
			// `(x - 0x0B…) & ~x` sets bit 7 of a byte below 0x0B (exact for the word as a whole, since a
			// byte with bit 7 set, the only case that could fool it, stops the word itself).
			if ((((value - 0x0b0b0b0b) & ~value) | value) & 0x80808080) break;
		}
		index += word * 4;
	}
	for (; index < end; index++) {
		if (isLineStop(bytes[index] as number)) return index;
	}
	return end;
}

function isLineStop(byte: number): boolean {
	return byte === LF || byte === STX || byte === SOH || byte > 0x7f;
}
