import {Buffer} from 'node:buffer';
import {
	type CaptureDecoderOptions,
	CaptureFrameDecoder,
	type DecodedTelegram,
	plainTextTelegram,
} from './capture-decoder.ts';
import type {Frame} from './frame.ts';
import {FrameScanner} from './frame-scanner.ts';
import type {ProtocolError} from './protocol-errors.ts';

export interface StreamingCaptureDecoderOptions extends CaptureDecoderOptions {
	/**
	 * Bytes kept for a capture of bare text lines (no framing), which can only be told once it is over.
	 * Nothing is kept once a telegram or a block error was seen. Default 4 MiB: pasted text is a few KiB;
	 * a capture of that size without any frame is not text a person pasted.
	 */
	readonly maxPlainTextBytes?: number;
}

/**
 * decodeCapture for input of any size, in pieces: push() returns the telegrams a chunk completes,
 * end() those left at the end of the input (and the telegram of a plain-text capture). Memory stays
 * bounded by one message (the scanner's bound) plus, until the first frame shows the input is framed,
 * the plain-text allowance. Pure: no I/O.
 */
export class StreamingCaptureDecoder {
	readonly #scanner: FrameScanner;
	readonly #frames: CaptureFrameDecoder;
	readonly #maxPlainTextBytes: number;
	/** Noise (and command) frames and input kept for the plain-text case, while it is still possible. */
	#noise: Frame[] | undefined = [];
	#input: Buffer[] | undefined = [];
	#inputBytes = 0;
	#telegrams = 0;
	readonly #errorPositions: number[] = [];

	constructor(options: StreamingCaptureDecoderOptions = {}) {
		this.#scanner = new FrameScanner(options);
		this.#frames = new CaptureFrameDecoder(options);
		this.#maxPlainTextBytes = options.maxPlainTextBytes ?? 4 * 1024 * 1024;
	}

	/** Telegrams decoded so far. */
	get telegramCount(): number {
		return this.#telegrams;
	}

	/** Blocks that failed their check or were cut off. */
	get errors(): readonly ProtocolError[] {
		return this.#frames.errors;
	}

	/**
	 * Where each of `errors` stands among the telegrams: how many telegrams were decoded before it. A
	 * caller that reports block by block (a backfill) puts each refusal in its place with it.
	 */
	get errorPositions(): readonly number[] {
		return this.#errorPositions;
	}

	get highBitBytes(): number {
		return this.#frames.highBitBytes;
	}

	get garbledBlocks(): number {
		return this.#frames.garbledBlocks;
	}

	push(chunk: Uint8Array): DecodedTelegram[] {
		return [...this.decode(chunk)];
	}

	/**
	 * push() one telegram at a time: the chunk is framed at once, but each telegram's data sets are
	 * parsed only when the consumer asks for it. A consumer that prints each telegram before taking the
	 * next thus holds one telegram's data sets, not a whole chunk's (a 64 KiB chunk holds 70 readouts of
	 * a ZMD120, ~0.8 MB parsed), so they die young instead of being promoted to the old generation.
	 * Take every telegram before the next decode(), push() or end().
	 */
	*decode(chunk: Uint8Array): Generator<DecodedTelegram, void, undefined> {
		if (this.#input !== undefined) {
			this.#input.push(Buffer.from(chunk));
			this.#inputBytes += chunk.length;
			if (this.#inputBytes > this.#maxPlainTextBytes) this.#dropPlainText();
		}
		yield* this.#accept(this.#scanner.push(chunk));
	}

	end(): DecodedTelegram[] {
		const telegrams = [...this.#accept(this.#scanner.end())];
		const last = telegrams.length;
		this.#frames.finish(telegrams);
		this.#telegrams += telegrams.length - last;
		if (
			this.#telegrams === 0 &&
			this.errors.length === 0 &&
			this.garbledBlocks === 0 &&
			this.#noise !== undefined
		) {
			const text = plainTextTelegram(
				this.#noise,
				this.#frames.pendingIdentification,
				Buffer.concat(this.#input ?? []),
			);
			if (text !== undefined) {
				this.#telegrams++;
				telegrams.push(text);
			}
		}
		this.#dropPlainText();
		return telegrams;
	}

	*#accept(frames: readonly Frame[]): Generator<DecodedTelegram, void, undefined> {
		const ready: DecodedTelegram[] = [];
		for (const frame of frames) {
			// Noise is the text; a command message beside it says the input is no text (see plainText).
			if (frame.kind === 'noise' || frame.kind === 'command') this.#noise?.push(frame);
			const errors = this.#frames.errors.length;
			this.#frames.accept(frame, ready);
			// A framed capture is never read as plain text: stop keeping its bytes.
			if (ready.length > 0 || this.errors.length > 0) this.#dropPlainText();
			for (const telegram of ready) {
				this.#telegrams++;
				yield telegram;
			}
			ready.length = 0;
			// One frame's errors follow its telegrams: a push telegram refused by the frame after it (noise
			// starting with ETX) leaves that frame nothing to add.
			for (let added = this.#frames.errors.length - errors; added > 0; added--)
				this.#errorPositions.push(this.#telegrams);
		}
	}

	#dropPlainText(): void {
		this.#noise = undefined;
		this.#input = undefined;
		this.#inputBytes = 0;
	}
}
