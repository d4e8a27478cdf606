/**
 * The aligned 32-bit words of a run of bytes, for the scans that read four bytes at a time (plainRun,
 * pushStop). Making a typed-array view costs about as much as reading a hundred bytes one by one (the
 * `buffer` of a view is fetched by a call into the engine), so a scanner makes one per chunk, only
 * when a run is long enough to use it, and hands it to every run, instead of one per run.
 */
export interface AlignedWords {
	/** `words[w]` holds the bytes at indexes `first + 4w` to `first + 4w + 3`, in the machine's byte order. */
	readonly words: Int32Array;
	/** Index of the first byte on a 4-byte boundary (0 to 3). */
	readonly first: number;
}

/** The aligned words of the `byteLength` bytes at `byteOffset` of `buffer` (indexes count from that offset). */
export function alignedWords(buffer: ArrayBufferLike, byteOffset: number, byteLength: number): AlignedWords {
	const first = (4 - (byteOffset & 3)) & 3;
	const count = byteLength > first ? (byteLength - first) >>> 2 : 0;
	return {words: new Int32Array(buffer, byteOffset + first, count), first};
}

/** The aligned words of `bytes` (a view of its memory, no copy). */
export function alignedWordsOf(bytes: Uint8Array): AlignedWords {
	return alignedWords(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
