/**
 * An append-only byte buffer that doubles its capacity, so feeding a long telegram one byte at a
 * time stays linear instead of re-concatenating Buffers on every chunk.
 */
export class GrowableBytes {
	#bytes: Buffer;
	#length = 0;

	/** @param initialCapacity bytes to allocate up front (default 256); it doubles when full. */
	constructor(initialCapacity = 256) {
		if (!Number.isInteger(initialCapacity) || initialCapacity < 1) {
			throw new TypeError(`initialCapacity must be a positive integer, received ${initialCapacity}`);
		}
		this.#bytes = Buffer.allocUnsafe(initialCapacity);
	}

	get length(): number {
		return this.#length;
	}

	push(byte: number): void {
		if (this.#length === this.#bytes.length) {
			const grown = Buffer.allocUnsafe(this.#bytes.length * 2);
			this.#bytes.copy(grown, 0, 0, this.#length);
			this.#bytes = grown;
		}
		this.#bytes[this.#length++] = byte;
	}

	append(bytes: Uint8Array, start = 0, end = bytes.length): void {
		const count = end - start;
		if (count <= 0) return;
		if (this.#length + count > this.#bytes.length) {
			let capacity = this.#bytes.length * 2;
			while (capacity < this.#length + count) capacity *= 2;
			const grown = Buffer.allocUnsafe(capacity);
			this.#bytes.copy(grown, 0, 0, this.#length);
			this.#bytes = grown;
		}
		this.#bytes.set(bytes.subarray(start, end), this.#length);
		this.#length += count;
	}

	at(index: number): number | undefined {
		return index < this.#length ? this.#bytes[index] : undefined;
	}

	/** A copy of bytes [start, end): frames outlive the buffer, which is reused. */
	copy(start = 0, end = this.#length): Buffer {
		return Buffer.from(this.#bytes.subarray(start, Math.min(end, this.#length)));
	}

	/** Latin-1 text of bytes [start, end); the protocol is 7-bit, so no byte is lost. */
	text(start = 0, end = this.#length): string {
		return this.#bytes.toString('latin1', start, Math.min(end, this.#length));
	}

	clear(): void {
		this.#length = 0;
	}
}
