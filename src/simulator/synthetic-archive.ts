import {RawArchive} from '../output/raw-archive.ts';
import type {SimulatorProfile} from './simulator-profile.ts';

export interface SyntheticArchiveOptions {
	/** Directory of the daily files (created). */
	readonly directory: string;
	readonly meterId: string;
	readonly profile: SimulatorProfile;
	/** Time of the first readout, ms since the epoch. */
	readonly fromMs: number;
	/** Time between readouts, ms. */
	readonly everyMs: number;
	readonly readouts: number;
	/** Told after each day's file is complete (progress of a long run). */
	readonly onDay?: (readoutsWritten: number) => void;
}

/**
 * Writes the raw archive a collector would have left reading `profile` every `everyMs` (one sign-on per
 * readout): identification line and data message as the meter sends them, at their readout times.
 * For tests and benchmarks of archive replay. Records are not fsync'd (a generated archive can be
 * generated again).
 */
export async function writeSyntheticArchive(options: SyntheticArchiveOptions): Promise<void> {
	const archive = new RawArchive({directory: options.directory, fsync: false});
	const identification = Buffer.from(`${options.profile.identification}\r\n`, 'latin1');
	let lastDay = '';
	for (let index = 0; index < options.readouts; index++) {
		const atMs = options.fromMs + index * options.everyMs;
		const readAt = new Date(atMs);
		const day = readAt.toISOString().slice(0, 10);
		if (day !== lastDay && lastDay !== '') options.onDay?.(index);
		lastDay = day;
		await archive.append(
			options.meterId,
			readAt,
			Buffer.concat([identification, options.profile.dataMessage(atMs)]),
		);
	}
	options.onDay?.(options.readouts);
}
