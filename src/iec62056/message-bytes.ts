import {Buffer} from 'node:buffer';
import {GrowableBytes} from './growable-bytes.ts';

/**
 * The bytes of the message a scanner is building. While the message lies in the chunk being scanned,
 * it is kept as a window on that chunk instead of being copied into a buffer of its own: most messages
 * (every one of a whole capture) start and end in one chunk, and the one copy made for the frame then
 * comes straight from the chunk. The window is copied into the owned buffer when a byte does not follow
 * it in the chunk and at `detach()`, before the chunk goes back to its owner, who may reuse it.
 *
 * A chunk attached as lent (a whole capture that its owner keeps as it is) is not copied at all: the
 * frame's bytes are a view of it.
 */
export class MessageBytes {
	readonly #owned = new GrowableBytes();
	#chunk: Uint8Array | undefined;
	/** The attached chunk, when its bytes may be handed out as views (see attach). */
	#lent: Buffer | undefined;
	/** Where the window starts in #chunk; -1 while the bytes are in #owned (then the window is empty). */
	#start = -1;
	#end = 0;

	/**
	 * The chunk now being scanned; the window may lie in it until detach(). `lent`: the owner leaves the
	 * chunk as it is while the frames live, so copy() may return views of it instead of copies (a view
	 * spares the pooled Buffer and the view that `set()` needs: 4 % of decoding the fixture mix).
	 */
	attach(chunk: Uint8Array, lent = false): void {
		this.#chunk = chunk;
		this.#lent = lent && Buffer.isBuffer(chunk) ? chunk : undefined;
	}

	/** The scan of the attached chunk is over: the message, if any, moves into owned memory. */
	detach(): void {
		if (this.#start >= 0) this.#own();
		this.#chunk = undefined;
		this.#lent = undefined;
	}

	get length(): number {
		return this.#start >= 0 ? this.#end - this.#start : this.#owned.length;
	}

	/**
	 * The memory the message lies in now, the chunk or the owned buffer: its byte `i` is
	 * `memory[memoryOffset + i]`. For reading in place, without a copy; valid up to the next change.
	 */
	get memory(): Uint8Array {
		return this.#start >= 0 ? (this.#chunk as Uint8Array) : this.#owned.memory;
	}

	get memoryOffset(): number {
		return Math.max(this.#start, 0);
	}

	clear(): void {
		this.#start = -1;
		this.#owned.clear();
	}

	/** Starts the message anew with `byte`, which the scanner read at `index` of the attached chunk. */
	restart(byte: number, index: number): void {
		this.#owned.clear();
		if (this.#chunk !== undefined && this.#chunk[index] === byte) {
			this.#start = index;
			this.#end = index + 1;
			return;
		}
		this.#start = -1;
		this.#owned.push(byte);
	}

	/**
	 * Starts the message anew with `head` then the first `tailLength` bytes of `tail`, bytes the scanner
	 * saw up to `index` (exclusive) of the attached chunk: a push telegram begins with its
	 * identification line and the line ends after it, which were read before it was known that they
	 * belong to it.
	 */
	restartWith(head: Uint8Array, tail: Uint8Array, tailLength: number, index: number): void {
		this.clear();
		const chunk = this.#chunk;
		const start = index - tailLength - head.length;
		if (
			chunk !== undefined &&
			start >= 0 &&
			index <= chunk.length &&
			follows(chunk, start, head, tail, tailLength)
		) {
			this.#start = start;
			this.#end = index;
			return;
		}
		this.#owned.append(head);
		this.#owned.append(tail, 0, tailLength);
	}

	push(byte: number): void {
		if (this.#start >= 0) {
			// Only a byte equal to the chunk's next one extends the window, so the window always holds
			// exactly the bytes pushed (a parity-stripped byte or a re-fed one differs, or lies elsewhere).
			if ((this.#chunk as Uint8Array)[this.#end] === byte) {
				this.#end++;
				return;
			}
			this.#own();
		}
		this.#owned.push(byte);
	}

	/** Appends bytes [start, end) of `bytes`; the attached chunk's bytes right after the window are free. */
	append(bytes: Uint8Array, start = 0, end = bytes.length): void {
		if (end <= start) return;
		if (this.#start >= 0) {
			if (bytes === this.#chunk && start === this.#end) {
				this.#end = end;
				return;
			}
			this.#own();
		}
		this.#owned.append(bytes, start, end);
	}

	at(index: number): number | undefined {
		if (this.#start < 0) return this.#owned.at(index);
		return index < this.#end - this.#start ? (this.#chunk as Uint8Array)[this.#start + index] : undefined;
	}

	/**
	 * A copy of bytes [start, end): frames outlive both the chunk and the owned buffer. A view of the
	 * chunk instead when it was attached as lent.
	 */
	copy(start = 0, end = this.length): Buffer {
		if (this.#start < 0) return this.#owned.copy(start, end);
		const stop = Math.min(end, this.#end - this.#start);
		const length = Math.max(0, stop - start);
		const from = this.#start + start;
		const lent = this.#lent;
		if (lent !== undefined) {
			// A push telegram is often the whole capture: then the capture itself, as no view would differ.
			return from === 0 && length === lent.length ? lent : lent.subarray(from, from + length);
		}
		const copy = Buffer.allocUnsafe(length);
		const chunk = this.#chunk as Uint8Array;
		if (length <= SHORT_COPY) {
			// An identification line: a loop costs less than the view that set() needs.
			for (let index = 0; index < length; index++) copy[index] = chunk[from + index] as number;
		} else {
			copy.set(chunk.subarray(from, from + length));
		}
		return copy;
	}

	#own(): void {
		this.#owned.append(this.#chunk as Uint8Array, this.#start, this.#end);
		this.#start = -1;
	}
}

/** Bytes up to which copy() copies byte by byte. */
const SHORT_COPY = 48;

/** True when chunk holds `head` then `tail[0, tailLength)` from `start` on. */
function follows(
	chunk: Uint8Array,
	start: number,
	head: Uint8Array,
	tail: Uint8Array,
	tailLength: number,
): boolean {
	for (let index = 0; index < head.length; index++) {
		if (chunk[start + index] !== head[index]) return false;
	}
	const tailStart = start + head.length;
	for (let index = 0; index < tailLength; index++) {
		if (chunk[tailStart + index] !== tail[index]) return false;
	}
	return true;
}
