import {Buffer} from 'node:buffer';

/**
 * An append-only byte buffer that doubles its capacity, so feeding a long telegram one byte at a
 * time stays linear instead of re-concatenating Buffers on every chunk.
 */
export class GrowableBytes {
	#bytes: Buffer;
	/**
	 * The same memory as a plain Uint8Array: its subarray() is the engine's own, several times cheaper
	 * than Buffer's (which wraps each view in a new Buffer), and copies in and out need only a view.
	 */
	#view: Uint8Array;
	#length = 0;

	/** @param initialCapacity bytes to allocate up front (default 256); it doubles when full. */
	constructor(initialCapacity = 256) {
		if (!Number.isInteger(initialCapacity) || initialCapacity < 1) {
			throw new TypeError(`initialCapacity must be a positive integer, received ${initialCapacity}`);
		}
		this.#bytes = Buffer.allocUnsafe(initialCapacity);
		this.#view = plainView(this.#bytes);
	}

	get length(): number {
		return this.#length;
	}

	/** The memory the bytes lie in, from index 0 (valid up to the next change; see MessageBytes.memory). */
	get memory(): Uint8Array {
		return this.#view;
	}

	push(byte: number): void {
		if (this.#length === this.#view.length) this.#grow(this.#length + 1);
		this.#view[this.#length++] = byte;
	}

	/** Appends bytes [start, end) of `bytes`; a plain Uint8Array source is cheapest to cut. */
	append(bytes: Uint8Array, start = 0, end = bytes.length): void {
		const count = end - start;
		if (count <= 0) return;
		if (this.#length + count > this.#view.length) this.#grow(this.#length + count);
		this.#view.set(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), this.#length);
		this.#length += count;
	}

	at(index: number): number | undefined {
		return index < this.#length ? this.#view[index] : undefined;
	}

	/** A copy of bytes [start, end): frames outlive the buffer, which is reused. */
	copy(start = 0, end = this.#length): Buffer {
		const stop = Math.min(end, this.#length);
		const copy = Buffer.allocUnsafe(Math.max(0, stop - start));
		copy.set(this.#view.subarray(start, stop));
		return copy;
	}

	/** Latin-1 text of bytes [start, end); the protocol is 7-bit, so no byte is lost. */
	text(start = 0, end = this.#length): string {
		return this.#bytes.toString('latin1', start, Math.min(end, this.#length));
	}

	clear(): void {
		this.#length = 0;
	}

	#grow(needed: number): void {
		let capacity = this.#view.length * 2;
		while (capacity < needed) capacity *= 2;
		const grown = Buffer.allocUnsafe(capacity);
		grown.set(this.#view.subarray(0, this.#length));
		this.#bytes = grown;
		this.#view = plainView(grown);
	}
}

/** A plain Uint8Array over the bytes of `bytes` (no copy). */
export function plainView(bytes: Uint8Array): Uint8Array {
	return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
