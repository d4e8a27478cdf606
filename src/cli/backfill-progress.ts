import type {Writable} from 'node:stream';
import type {BackfillTally} from '../backfill/backfill-tally.ts';
import {byteSize} from '../observability/byte-size.ts';
import {plural} from '../observability/plural.ts';
import {perSecond} from './per-second.ts';

/** Tells the user how far a backfill got: a bar on a terminal, a plain line now and then otherwise. */
export interface BackfillProgress {
	/** Called often (per readout); draws at most at its own pace. */
	update(tally: BackfillTally, bytesDone: number): void;
	/** A state worth a word while no readout moves (waiting for the server). */
	note(message: string): void;
	stop(): void;
}

export interface BackfillProgressOptions {
	readonly stream: Writable & {isTTY?: boolean};
	/** Bytes of all sources; 0 when unknown (stdin, a meter). */
	readonly totalBytes: number;
	/** Pause between plain progress lines, ms. Default 10 000. */
	readonly everyMs?: number;
	readonly now?: () => number;
}

/**
 * On a terminal, a cli-progress bar (bytes of the sources read, telegrams, points, rate, ETA); on a pipe
 * or in a log, a plain line every `everyMs`. cli-progress is the maintained, widely used bar for Node
 * (no dependencies beyond string-width); it redraws at its own rate, so updating it per readout is cheap.
 * It is loaded only for a terminal: off one (a log, a pipe, the usual case of a long import) its 19
 * modules would only add to the start-up.
 */
export async function createBackfillProgress(options: BackfillProgressOptions): Promise<BackfillProgress> {
	const now = options.now ?? Date.now;
	const startedAt = now();
	const rate = (tally: BackfillTally) => {
		const seconds = Math.max((now() - startedAt) / 1000, 0.001);
		return perSecond(tally.telegrams / seconds);
	};
	if (options.stream.isTTY === true && options.totalBytes > 0) {
		const {default: cliProgress} = await import('cli-progress');
		const bar = new cliProgress.SingleBar(
			{
				stream: options.stream,
				format:
					'backfill |{bar}| {percentage}% | {telegrams} | {points} | {rate} telegrams/s | ETA {eta_formatted}',
				hideCursor: true,
				etaBuffer: 200,
				fps: 5,
			},
			cliProgress.Presets.shades_classic,
		);
		bar.start(options.totalBytes, 0, {
			telegrams: plural(0, 'telegram'),
			points: plural(0, 'point'),
			rate: '0',
		});
		let stopped = false;
		let lastNote = '';
		let noteAt = Number.NEGATIVE_INFINITY;
		return {
			update(tally, bytesDone) {
				bar.update(Math.min(bytesDone, options.totalBytes), {
					telegrams: plural(tally.telegrams, 'telegram'),
					points: plural(tally.pointsWritten, 'point'),
					rate: rate(tally),
				});
			},
			// While the bar is drawn a line would tear it; once it stopped (the wait for the server at
			// the end), the note is a line of its own, as off a terminal, and the same one every 10 s at most.
			note(message) {
				const at = now();
				if (!stopped || (message === lastNote && at < noteAt + (options.everyMs ?? 10_000))) return;
				lastNote = message;
				noteAt = at;
				options.stream.write(`backfill: ${message}\n`);
			},
			stop() {
				stopped = true;
				bar.stop();
			},
		};
	}
	const everyMs = options.everyMs ?? 10_000;
	let nextAt = startedAt + everyMs;
	let lastNote = '';
	return {
		update(tally, bytesDone) {
			const at = now();
			if (at < nextAt) return;
			nextAt = at + everyMs;
			const share =
				options.totalBytes > 0
					? `${Math.floor((100 * Math.min(bytesDone, options.totalBytes)) / options.totalBytes)} % (${byteSize(bytesDone)} of ${byteSize(options.totalBytes)}), `
					: '';
			options.stream.write(
				`backfill: ${share}${plural(tally.telegrams, 'telegram')}, ${plural(tally.pointsWritten, 'point')}, ${rate(tally)} telegrams/s\n`,
			);
		},
		note(message) {
			const at = now();
			if (message === lastNote && at < nextAt) return;
			lastNote = message;
			nextAt = at + everyMs;
			options.stream.write(`backfill: ${message}\n`);
		},
		stop() {},
	};
}
