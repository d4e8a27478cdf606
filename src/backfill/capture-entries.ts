import type {DecodedTelegram} from '../iec62056/capture-decoder.ts';
import type {ProtocolError} from '../iec62056/protocol-errors.ts';
import type {StreamingCaptureDecoder} from '../iec62056/streaming-capture-decoder.ts';

/** A telegram of a capture (1-based `index` among them), or a block that failed, after `after` telegrams. */
export type CaptureEntry =
	| {readonly kind: 'telegram'; readonly telegram: DecodedTelegram; readonly index: number}
	| {readonly kind: 'error'; readonly error: ProtocolError; readonly after: number};

/**
 * The telegrams a StreamingCaptureDecoder hands out and its block errors, in the order they stand in the
 * capture (the decoder collects errors apart; its errorPositions say where each stood). A backfill
 * reports a refused block in its place, so a summary or log names it after the telegram it followed.
 */
export class CaptureEntries {
	readonly #decoder: StreamingCaptureDecoder;
	#errorsTaken = 0;

	constructor(decoder: StreamingCaptureDecoder) {
		this.#decoder = decoder;
	}

	/** The entries up to and including `telegrams`, which push() or end() of the decoder just returned. */
	*of(telegrams: readonly DecodedTelegram[]): Generator<CaptureEntry> {
		const {errors, errorPositions, telegramCount} = this.#decoder;
		const first = telegramCount - telegrams.length;
		for (let offset = 0; offset <= telegrams.length; offset++) {
			while (
				this.#errorsTaken < errors.length &&
				(errorPositions[this.#errorsTaken] ?? 0) <= first + offset
			) {
				const error = errors[this.#errorsTaken] as ProtocolError;
				yield {kind: 'error', error, after: errorPositions[this.#errorsTaken] ?? 0};
				this.#errorsTaken++;
			}
			const telegram = telegrams[offset];
			if (telegram !== undefined) yield {kind: 'telegram', telegram, index: first + offset + 1};
		}
	}
}
