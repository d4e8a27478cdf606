import type {PointSink} from '../output/point-sink.ts';
import {billingResetTimes} from '../readings/billing-reset-times.ts';
import {meterTimeToInstant} from '../readings/meter-clock.ts';
import type {ObisSelection} from '../readings/obis-selection.ts';
import type {Point} from '../readings/point.ts';
import {mapReading} from '../readings/point-mapper.ts';
import type {BackfillItem} from './backfill-sources.ts';
import type {BackfillTally} from './backfill-tally.ts';

/** A configured meter as a backfill maps its telegrams: the same options its collector job uses. */
export interface BackfillMeter {
	readonly id: string;
	readonly measurement: string;
	/** IANA zone of the meter's clock. */
	readonly timeZone: string;
	readonly selection?: ObisSelection;
	readonly ignoreBlockCheck: boolean;
}

export interface BackfillOptions {
	/** The meters to import, by id (all configured, or the one --meter names). */
	readonly meters: ReadonlyMap<string, BackfillMeter>;
	/** Every configured id: a record of a configured meter left out by --meter is `other-meter`. */
	readonly configured: ReadonlySet<string>;
	/** The meter of sources that name none (captures). */
	readonly captureMeter?: BackfillMeter;
	/** Points before this instant are skipped (inclusive bound). */
	readonly since?: Date;
	/** Points at or after this instant are skipped (exclusive bound). */
	readonly until?: Date;
	/** Write only points with a time of their own (billing history, values with a date field). Default false. */
	readonly datedOnly?: boolean;
	readonly sink: PointSink;
	/** Takes away history already written (the ledger); returns what is to be written. */
	readonly filterHistory?: (points: readonly Point[]) => Point[];
	/** Points per sink write. Default 5000 (a spool append and fsync per batch, not per readout). */
	readonly batchPoints?: number;
	/** Awaited after each batch: the place to wait while the spool is full (backpressure). */
	readonly waitForRoom?: () => Promise<void>;
	readonly tally: BackfillTally;
}

export const DEFAULT_BATCH_POINTS = 5000;

/**
 * Maps the readouts of backfill sources to points exactly as the collector maps a readout (one
 * reading of the sign-ons' data sets, the meter's tag, zone, selection and measurement), filters them
 * (time window, dated only, history already written) and hands them to the sink in batches. Counts
 * everything in the tally; values that cannot be dated are listed there, never guessed.
 */
export class Backfill {
	readonly #options: BackfillOptions;
	readonly #batchPoints: number;
	#pending: Point[] = [];

	constructor(options: BackfillOptions) {
		const batchPoints = options.batchPoints ?? DEFAULT_BATCH_POINTS;
		if (!Number.isInteger(batchPoints) || batchPoints < 1) {
			throw new TypeError(`batchPoints must be a positive integer, received ${String(options.batchPoints)}`);
		}
		this.#options = options;
		this.#batchPoints = batchPoints;
	}

	/** Takes every item of a source; stops early when `signal` aborts (what was taken is kept). */
	async consume(items: AsyncIterable<BackfillItem>, signal?: AbortSignal): Promise<void> {
		for await (const item of items) {
			await this.take(item);
			if (signal?.aborted) return;
		}
	}

	/** Takes one item: a refused telegram is counted, a readout mapped and its points queued. */
	async take(item: BackfillItem): Promise<void> {
		const {tally} = this.#options;
		if (item.kind === 'refused') {
			tally.refuse(item.reason, item.telegrams, item.message);
			return;
		}
		const meter = this.#meterOf(item);
		if (meter === undefined) return;
		tally.telegrams += item.telegrams.length;
		tally.readouts++;
		const dataSets = item.telegrams.flatMap((telegram) => telegram.dataSets);
		const identification = item.telegrams.at(-1)?.identification;
		const mapped = mapReading(
			{readAt: item.readAt, dataSets, ...(identification === undefined ? {} : {identification})},
			{
				measurement: meter.measurement,
				meterId: meter.id,
				timeZone: meter.timeZone,
				...(meter.selection === undefined ? {} : {selection: meter.selection}),
			},
		);
		for (const skipped of mapped.skipped) {
			tally.skip(skipped.reason);
			// A placeholder date (`0000000000`, a period before installation) is "no data", counted only.
			if (skipped.reason === 'history-without-date') {
				tally.undatedValue({place: item.place, address: skipped.address, reason: skipped.reason});
			}
		}
		if (mapped.points.some((point) => point.tags['billing'] !== undefined)) {
			for (const [period, time] of billingResetTimes(dataSets)) {
				const instant = meterTimeToInstant(time, meter.timeZone);
				if (instant !== undefined) tally.period(`${meter.id}\u0000${period[0]}\u0000${instant.getTime()}`);
			}
		}
		const readAtSeconds = Math.floor(item.readAt.getTime() / 1000);
		const {since, until, datedOnly} = this.#options;
		let points = mapped.points.filter((point) => {
			const time = point.time.getTime();
			if (since !== undefined && time < since.getTime()) {
				tally.skip('before-since');
				return false;
			}
			if (until !== undefined && time >= until.getTime()) {
				tally.skip('after-until');
				return false;
			}
			if (datedOnly && point.tags['billing'] === undefined && Math.floor(time / 1000) === readAtSeconds) {
				tally.skip('not-dated');
				return false;
			}
			return true;
		});
		if (this.#options.filterHistory !== undefined) {
			const kept = this.#options.filterHistory(points);
			tally.skip('already-written', points.length - kept.length);
			points = kept;
		}
		tally.pointsWritten += points.length;
		for (const point of points) this.#pending.push(point);
		if (this.#pending.length >= this.#batchPoints) await this.#writePending();
	}

	/** Writes what is still queued. */
	async finish(): Promise<void> {
		if (this.#pending.length > 0) await this.#writePending();
	}

	async #writePending(): Promise<void> {
		const batch = this.#pending;
		this.#pending = [];
		await this.#options.sink.write(batch);
		await this.#options.waitForRoom?.();
	}

	#meterOf(item: Extract<BackfillItem, {kind: 'readout'}>): BackfillMeter | undefined {
		const {meters, configured, captureMeter, tally} = this.#options;
		if (item.meterId === undefined) {
			if (captureMeter === undefined) throw new Error(`${item.place}: no meter for a capture`);
			return captureMeter;
		}
		const meter = meters.get(item.meterId);
		if (meter !== undefined) return meter;
		const reason = configured.has(item.meterId) ? 'other-meter' : 'meter-not-configured';
		tally.refuse(
			reason,
			item.telegrams.length,
			`${item.place}: meter ${item.meterId} ${reason === 'other-meter' ? 'not chosen with --meter' : 'is not in the configuration'}`,
		);
		return undefined;
	}
}
