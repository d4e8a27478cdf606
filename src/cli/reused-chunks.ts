import type {Readable} from 'node:stream';

/** Bytes per block of the queue, 64 KiB: one pipe read. */
const BLOCK_BYTES = 64 * 1024;
/** Blocks queued before the stream is paused (1 MiB); it resumes when half of them are taken. */
const MAX_BLOCKS = 16;

/**
 * The bytes of a stream (stdin), copied as they arrive into a few blocks of memory that are used again
 * and again, and handed out as views of those blocks: each view is valid until the next is asked for.
 *
 * Why not the stream's own chunks: a stream reads ahead while the consumer parses and prints the chunk
 * before, and printing 64 KiB of telegrams takes many young-generation collections, so every chunk
 * waiting in the stream was promoted; its memory, outside the heap, came back only with a full
 * collection, which a parse that promotes next to nothing rarely runs (50 MB piped into `parse` grew
 * RSS by ~45 MB). Here each chunk is copied on arrival and dies young; the stream is paused while
 * MAX_BLOCKS are waiting, and only the chunk read meanwhile waits in it.
 */
export async function* reusedChunks(stream: Readable): AsyncGenerator<Buffer, void, undefined> {
	const free: Buffer[] = [];
	/** Blocks with bytes not yet handed out: [start, length) of each. */
	const queue: {readonly bytes: Buffer; start: number; length: number}[] = [];
	let ended = stream.readableEnded;
	let failure: {error: unknown} | undefined;
	let paused = false;
	let wake: (() => void) | undefined;
	const notify = () => {
		const resolve = wake;
		wake = undefined;
		resolve?.();
	};
	const onData = (chunk: Buffer | Uint8Array | string) => {
		const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
		for (let offset = 0; offset < bytes.length; ) {
			let tail = queue[queue.length - 1];
			if (tail === undefined || tail.length === BLOCK_BYTES) {
				tail = {bytes: free.pop() ?? Buffer.allocUnsafe(BLOCK_BYTES), start: 0, length: 0};
				queue.push(tail);
			}
			const count = Math.min(BLOCK_BYTES - tail.length, bytes.length - offset);
			bytes.copy(tail.bytes, tail.length, offset, offset + count);
			tail.length += count;
			offset += count;
		}
		if (queue.length >= MAX_BLOCKS && !paused) {
			paused = true;
			stream.pause();
		}
		notify();
	};
	const onEnd = () => {
		ended = true;
		notify();
	};
	const onError = (error: unknown) => {
		failure = {error};
		notify();
	};
	stream.on('data', onData);
	stream.once('end', onEnd);
	stream.once('error', onError);
	try {
		for (;;) {
			const head = queue[0];
			if (head !== undefined && head.start < head.length) {
				const end = head.length;
				// A turn of the event loop per block, as a file read gives one: the memory of the stream's
				// chunks that died meanwhile is given back in tasks of the loop, and a megabyte of queued
				// input parsed in promise jobs alone kept tens of MB of it waiting.
				await turn();
				yield head.bytes.subarray(head.start, end);
				head.start = end;
				continue;
			}
			if (head !== undefined && head.start === BLOCK_BYTES) {
				// Taken whole: the block is free for new bytes.
				queue.shift();
				free.push(head.bytes);
				if (paused && queue.length <= MAX_BLOCKS / 2) {
					paused = false;
					stream.resume();
				}
				continue;
			}
			if (failure !== undefined) throw failure.error;
			if (ended) return;
			await new Promise<void>((resolve) => {
				wake = resolve;
			});
		}
	} finally {
		stream.off('data', onData);
		stream.off('end', onEnd);
		stream.off('error', onError);
	}
}

/** One turn of the event loop. */
function turn(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}
