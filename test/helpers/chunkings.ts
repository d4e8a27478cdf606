/**
 * Ways to cut a byte buffer into chunks, as a serial port may deliver it: parsers must emit the same
 * result for each of them.
 */

/** A named way of cutting a buffer: `name` says where, for test titles and failure messages. */
export interface Chunking {
	readonly name: string;
	readonly chunks: readonly Uint8Array[];
}

/** Every split into two chunks, from `[empty, all]` to `[all, empty]` (length + 1 chunkings). */
export function* twoWaySplits(bytes: Uint8Array): Generator<Chunking> {
	for (let at = 0; at <= bytes.length; at++) {
		yield {name: `split at ${at}`, chunks: [bytes.subarray(0, at), bytes.subarray(at)]};
	}
}

/** One chunk per byte, as a slow UART with a tiny FIFO delivers it. */
export function byteByByte(bytes: Uint8Array): Chunking {
	return {name: 'byte by byte', chunks: Array.from(bytes, (_, index) => bytes.subarray(index, index + 1))};
}

/** Every two-way split, then byte by byte. */
export function* everyChunking(bytes: Uint8Array): Generator<Chunking> {
	yield* twoWaySplits(bytes);
	yield byteByByte(bytes);
}
