/**
 * Line-protocol lines gathered into one reused buffer (UTF-8, each ended by `\n`) until they are handed
 * on in one write. A backfill maps millions of points: kept as strings or Point objects until a batch
 * is full, each would outlive the young generation and be copied into the old one; written here at
 * once, nothing of a line outlives its readout. The buffer grows to the largest batch and is reused.
 */
export class LineBatch {
	#buffer: Buffer;
	#used = 0;
	#lines = 0;

	/** `initialBytes`: room for a batch of typical lines (5000 lines of ~70 bytes: 512 KiB). */
	constructor(initialBytes = 512 * 1024) {
		this.#buffer = Buffer.allocUnsafe(initialBytes);
	}

	/** Lines gathered since the last clear(). */
	get lines(): number {
		return this.#lines;
	}

	/** Bytes gathered since the last clear(). */
	get bytes(): number {
		return this.#used;
	}

	/** Adds one line (without its `\n`; it must hold none). */
	add(line: string): void {
		// A UTF-16 code unit takes at most 3 bytes in UTF-8; one more for the newline.
		const room = line.length * 3 + 1;
		if (this.#used + room > this.#buffer.length) this.#grow(this.#used + room);
		this.#used += this.#buffer.write(line, this.#used, 'utf8');
		this.#buffer[this.#used++] = 0x0a;
		this.#lines++;
	}

	/** The gathered text: a view valid until the next add() or clear(). */
	text(): Buffer {
		return this.#buffer.subarray(0, this.#used);
	}

	clear(): void {
		this.#used = 0;
		this.#lines = 0;
	}

	#grow(needed: number): void {
		const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
		this.#buffer.copy(grown, 0, 0, this.#used);
		this.#buffer = grown;
	}
}
