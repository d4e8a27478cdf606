import {createReadStream} from 'node:fs';
import {type DecodedTelegram, decodeCapture} from '../iec62056/capture-decoder.ts';
import type {Frame} from '../iec62056/frame.ts';
import {FrameScanner} from '../iec62056/frame-scanner.ts';

/** What a streamed capture yields: a telegram, or a block that failed (with the decoder's error). */
export type StreamedCaptureEntry =
	| {readonly kind: 'telegram'; readonly telegram: DecodedTelegram}
	| {readonly kind: 'error'; readonly error: Error};

export interface CaptureStreamOptions {
	readonly ignoreBlockCheck: boolean;
	/** Bytes per read, default 64 KiB. */
	readonly chunkBytes?: number;
	/** Told the bytes read so far. */
	readonly onBytes?: (bytes: number) => void;
}

/**
 * The telegrams of a large capture file, read in chunks: memory stays at one telegram however long the
 * log. The frame scanner finds each telegram's bytes (its identification and data block); each is then
 * decoded on its own by decodeCapture, so a streamed log gives the telegrams a whole-file decode gives.
 * A file without any framed telegram (pasted text) yields nothing here: the caller decodes it whole.
 */
export async function* streamCapture(
	path: string,
	options: CaptureStreamOptions,
): AsyncGenerator<StreamedCaptureEntry> {
	const scanner = new FrameScanner();
	let identification: Buffer | undefined;
	let read = 0;
	const take = function* (frames: Iterable<Frame>): Generator<StreamedCaptureEntry> {
		for (const frame of frames) {
			if (frame.kind === 'identification') {
				identification = frame.bytes;
				continue;
			}
			if (frame.kind === 'error') {
				identification = undefined;
				yield {kind: 'error', error: frame.error};
				continue;
			}
			if (frame.kind !== 'data-block') continue;
			const bytes = identification === undefined ? frame.bytes : Buffer.concat([identification, frame.bytes]);
			identification = undefined;
			const decoding = decodeCapture(bytes, {ignoreBlockCheck: options.ignoreBlockCheck});
			for (const error of decoding.errors) yield {kind: 'error', error};
			for (const telegram of decoding.telegrams) yield {kind: 'telegram', telegram};
		}
	};
	for await (const chunk of createReadStream(path, {highWaterMark: options.chunkBytes ?? 64 * 1024})) {
		const bytes = chunk as Buffer;
		read += bytes.length;
		yield* take(scanner.push(bytes));
		options.onBytes?.(read);
	}
	yield* take(scanner.end());
}
