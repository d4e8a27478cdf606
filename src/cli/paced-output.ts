import {once} from 'node:events';
import type {Writable} from 'node:stream';

/**
 * Default piece size, UTF-16 units (about bytes: the output is nearly all ASCII). A few short telegrams
 * (a ZMD120 table is 1.1 KiB, its line protocol 1.6 KiB), so that a piece is written before its texts
 * outlive two young-generation collections (1 MB each with the CLI's --max-semi-space-size=1; a
 * telegram makes 100-200 KB of garbage on its way out) and are promoted. With 64 KiB pieces the texts
 * of ~40 telegrams waited, were promoted, and the old generation's growth was most of `parse`'s peak
 * memory on a large capture. Still few writes: one per 4 KiB of output.
 */
export const DEFAULT_PIECE_LENGTH = 4 * 1024;

/**
 * Text output for a stream of any length: texts are gathered into pieces of about `pieceLength` and each
 * piece is written at once; when the reader is slower (a pipe, a terminal) the next write waits for
 * `drain`, so output for a large capture never piles up in memory.
 */
export class PacedOutput {
	readonly #stream: Writable;
	readonly #pieceLength: number;
	#pending: string[] = [];
	#pendingLength = 0;

	/** @param pieceLength UTF-16 units gathered before a write, at least 1; default 4 KiB. */
	constructor(stream: Writable, pieceLength = DEFAULT_PIECE_LENGTH) {
		if (!Number.isInteger(pieceLength) || pieceLength < 1) {
			throw new TypeError(`pieceLength must be a positive integer, received ${pieceLength}`);
		}
		this.#stream = stream;
		this.#pieceLength = pieceLength;
	}

	async write(text: string): Promise<void> {
		this.#pending.push(text);
		this.#pendingLength += text.length;
		if (this.#pendingLength >= this.#pieceLength) await this.flush();
	}

	/** Writes what is gathered (and waits for drain when the reader is behind). */
	async flush(): Promise<void> {
		if (this.#pendingLength === 0) return;
		const text = this.#pending.join('');
		this.#pending = [];
		this.#pendingLength = 0;
		if (!this.#stream.write(text)) await once(this.#stream, 'drain');
	}
}
