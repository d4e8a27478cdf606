/**
 * The aligned 32-bit words of a run of bytes, for the scans that read four bytes at a time (plainRun,
 * pushStop). Making a typed-array view costs about as much as reading a hundred bytes one by one (the
 * `buffer` of a view is fetched by a call into the engine), so a scanner asks for them once per chunk,
 * only when a run is long enough to use them, and hands them to every run, instead of once per run;
 * chunks of one small memory share a view (see SHARED_VIEW_BYTES).
 */
export interface AlignedWords {
	/**
	 * `words[base + w]` holds the bytes at indexes `first + 4w` to `first + 4w + 3`, in the machine's byte
	 * order, for `w` below `count`; other words of `words` belong to other bytes of the same memory.
	 */
	readonly words: Int32Array;
	/** Index of the first byte on a 4-byte boundary (0 to 3). */
	readonly first: number;
	/** Index in `words` of the word that starts at `first`. */
	readonly base: number;
	/** Whole aligned words of the bytes. */
	readonly count: number;
}

// Node hands out small Buffers (a capture read from a file, a serial port's chunks) from shared pools of
// 8 KiB, so the chunks a scanner sees one after the other mostly lie in the same memory. One view of the
// last such memory serves them all, instead of a typed array made per chunk (-160 instructions per
// telegram of the fixture mix, cachegrind). Only memory this small is kept so: a view of a whole capture
// would keep the capture alive after its parse.
const SHARED_VIEW_BYTES = 8192;
let sharedBuffer: ArrayBufferLike | undefined;
let sharedWords: Int32Array<ArrayBufferLike> = new Int32Array(0);

/** The aligned words of the `byteLength` bytes at `byteOffset` of `buffer` (indexes count from that offset). */
export function alignedWords(buffer: ArrayBufferLike, byteOffset: number, byteLength: number): AlignedWords {
	const first = (4 - (byteOffset & 3)) & 3;
	const count = byteLength > first ? (byteLength - first) >>> 2 : 0;
	if (buffer === sharedBuffer) return {words: sharedWords, first, base: (byteOffset + first) >>> 2, count};
	const size = buffer.byteLength;
	if (size <= SHARED_VIEW_BYTES && (buffer as {resizable?: boolean}).resizable !== true) {
		sharedWords = new Int32Array(buffer, 0, size >>> 2);
		sharedBuffer = buffer;
		return {words: sharedWords, first, base: (byteOffset + first) >>> 2, count};
	}
	return {words: new Int32Array(buffer, byteOffset + first, count), first, base: 0, count};
}

/** The aligned words of `bytes` (a view of its memory, no copy). */
export function alignedWordsOf(bytes: Uint8Array): AlignedWords {
	return alignedWords(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
