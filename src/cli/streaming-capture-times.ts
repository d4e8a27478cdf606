import type {DecodedTelegram} from '../iec62056/capture-decoder.ts';
import {telegramClock} from '../readings/telegram-clock.ts';
import {CaptureTimeError} from './capture-times.ts';

/** A telegram with the time to stamp it at. */
export interface TimedTelegram {
	readonly telegram: DecodedTelegram;
	readonly readAt: Date;
}

/**
 * The capture time rule of captureTimes (capture-times.ts) for telegrams that arrive one by one:
 * `--read-at` for all; else each telegram's own meter clock; else, for a capture of a single
 * telegram, the fallback. Only the first undated telegram is held back (is it the only one?); an
 * undated telegram among several is left out and counted, and finish() then throws CaptureTimeError,
 * after the dated ones were written.
 */
export class StreamingCaptureTimes {
	readonly #readAt: Date | undefined;
	readonly #timeZone: string;
	readonly #fallback: Date;
	#count = 0;
	#undated = 0;
	#held: DecodedTelegram | undefined;

	constructor(sources: {readAt?: Date; timeZone: string; fallback: Date}) {
		this.#readAt = sources.readAt;
		this.#timeZone = sources.timeZone;
		this.#fallback = sources.fallback;
	}

	/** The telegrams ready to write now, with their times. */
	next(telegram: DecodedTelegram): TimedTelegram[] {
		this.#count++;
		if (this.#readAt !== undefined) return [{telegram, readAt: this.#readAt}];
		const ready: TimedTelegram[] = [];
		if (this.#held !== undefined) {
			// A second telegram: the held one is one of several, and undated.
			this.#held = undefined;
			this.#undated++;
		}
		const clock = telegramClock(telegram.dataSets, this.#timeZone);
		if (clock !== undefined) ready.push({telegram, readAt: clock});
		else if (this.#count === 1) this.#held = telegram;
		else this.#undated++;
		return ready;
	}

	/** What is left at the end of the input; throws CaptureTimeError for undated telegrams among several. */
	finish(): {ready: TimedTelegram[]; warnings: string[]} {
		const warnings =
			this.#readAt !== undefined && this.#count > 1
				? [
						`--read-at stamps all ${this.#count} telegrams at one time: in a database the last one overwrites the others`,
					]
				: [];
		if (this.#undated > 0) throw new CaptureTimeError(this.#count, this.#undated);
		const held = this.#held;
		this.#held = undefined;
		return {ready: held === undefined ? [] : [{telegram: held, readAt: this.#fallback}], warnings};
	}
}
