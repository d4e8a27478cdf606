import type {DataSet} from '../iec62056/data-set.ts';
import {telegramClock} from '../readings/telegram-clock.ts';

/** Where the readout time of each telegram of a capture may come from, strongest first. */
export interface CaptureTimeSources {
	/** `--read-at`: the user's word, for every telegram. */
	readonly readAt?: Date;
	/** When each telegram was received, where the source recorded it (a raw archive); by index. */
	readonly receivedAt?: readonly (Date | undefined)[];
	/** IANA zone of the meter's clock, for the clock registers in the telegrams. */
	readonly timeZone: string;
	/** For a capture of one telegram that says nothing itself: the file's modification time (or now, for stdin). */
	readonly fallback: Date;
}

/** Several telegrams of one capture and nothing that tells their times apart: they would overwrite each other. */
export class CaptureTimeError extends Error {
	readonly undated: number;

	constructor(telegrams: number, undated: number) {
		super(
			`${undated} of ${telegrams} telegrams carry no time of their own (no meter clock such as 0-0:1.0.0 or 0.9.1 with 0.9.2): stamping them alike would write one point over another; give --read-at to stamp them all at one time`,
		);
		this.name = 'CaptureTimeError';
		this.undated = undated;
	}
}

/**
 * The readout time of each telegram of a capture, by the rule every command that reads captures follows
 * (docs/schema.md, Time): an explicit `--read-at` wins, with a warning when it stamps more than one
 * telegram; else the receive time where the source has one; else the meter's clock in the telegram
 * (DSMR `0-0:1.0.0`, IEC `0.9.1` + `0.9.2`); else, for a capture of a single telegram, the fallback
 * (the file's modification time). Several telegrams without any of these throw CaptureTimeError.
 * Pure: no clock is read here.
 */
export function captureTimes(
	telegrams: readonly {readonly dataSets: readonly DataSet[]}[],
	sources: CaptureTimeSources,
): {times: Date[]; warnings: string[]} {
	if (sources.readAt !== undefined) {
		const at = sources.readAt;
		return {
			times: telegrams.map(() => at),
			warnings:
				telegrams.length > 1
					? [
							`--read-at stamps all ${telegrams.length} telegrams at one time: in a database the last one overwrites the others`,
						]
					: [],
		};
	}
	const times = telegrams.map(
		(telegram, index) => sources.receivedAt?.[index] ?? telegramClock(telegram.dataSets, sources.timeZone),
	);
	if (telegrams.length === 1) return {times: [times[0] ?? sources.fallback], warnings: []};
	const undated = times.filter((time) => time === undefined).length;
	if (undated > 0) throw new CaptureTimeError(telegrams.length, undated);
	return {times: times as Date[], warnings: []};
}
