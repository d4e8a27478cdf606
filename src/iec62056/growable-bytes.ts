/**
 * An append-only byte buffer that doubles its capacity, so feeding a long telegram one byte at a
 * time stays linear instead of re-concatenating Buffers on every chunk.
 */
export class GrowableBytes {
	#bytes: Buffer;
	#length = 0;

	constructor(initialCapacity = 256) {
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

	append(bytes: Uint8Array): void {
		for (const byte of bytes) {
			this.push(byte);
		}
	}

	at(index: number): number | undefined {
		return index < this.#length ? this.#bytes[index] : undefined;
	}

	/** A copy of bytes [start, end): frames outlive the buffer, which is reused. */
	copy(start = 0, end = this.#length): Buffer {
		return Buffer.from(this.#bytes.subarray(start, end));
	}

	/** Latin-1 text of bytes [start, end); the protocol is 7-bit, so no byte is lost. */
	text(start = 0, end = this.#length): string {
		return this.#bytes.toString('latin1', start, end);
	}

	clear(): void {
		this.#length = 0;
	}
}
