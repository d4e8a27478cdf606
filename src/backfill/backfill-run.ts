import {formatLineProtocol} from '../output/line-protocol.ts';
import {MappingMemo} from '../readings/mapping-memo.ts';
import type {ObisSelection} from '../readings/obis-selection.ts';
import {periodOfAddress, placeholderPeriods} from '../readings/placeholder-periods.ts';
import {mapReading, type PointMapperOptions} from '../readings/point-mapper.ts';
import type {BackfillItem} from './backfill-sources.ts';
import type {BackfillTally} from './backfill-tally.ts';
import {billingPeriodKeys} from './billing-periods.ts';
import {LineBatch} from './line-batch.ts';
import {SeriesKeys} from './series-keys.ts';

/** A configured meter as a backfill maps its telegrams: the same options its collector job uses. */
export interface BackfillMeter {
	readonly id: string;
	readonly measurement: string;
	/** IANA zone of the meter's clock. */
	readonly timeZone: string;
	readonly selection?: ObisSelection;
	readonly ignoreBlockCheck: boolean;
}

/** Where a backfill's points go, as line protocol: the spool of its InfluxDB target, or stdout. */
export interface LineSink {
	/**
	 * Takes lines (UTF-8, each ended by `\n`); resolves once they are safe (in the fsync'd spool, or
	 * written). The caller reuses the buffer afterwards.
	 */
	writeText(text: Uint8Array): Promise<void>;
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
	readonly sink: LineSink;
	/**
	 * Of one readout's history lines (points with a `billing` tag) of a meter, the indexes of those to
	 * write: the ledger takes away what the server already holds (HistoryLedger.select).
	 */
	readonly selectHistory?: (meter: string, lines: readonly string[]) => readonly number[];
	/** Points per sink write. Default 5000 (a spool append and fsync per batch, not per readout). */
	readonly batchPoints?: number;
	/** Awaited after each batch: the place to wait while the spool is full (backpressure). */
	readonly waitForRoom?: () => Promise<void>;
	readonly tally: BackfillTally;
}

export const DEFAULT_BATCH_POINTS = 5000;

/** Mapping time after which the event loop gets a turn, ms. */
const TURN_EVERY_MS = 2;

/**
 * Maps the readouts of backfill sources to points exactly as the collector maps a readout (one
 * reading of the sign-ons' data sets, the meter's tag, zone, selection and measurement), filters them
 * (time window, dated only, history already written) and hands them to the sink in batches. Counts
 * everything in the tally; values that cannot be dated are listed there, never guessed.
 */
export class Backfill {
	readonly #options: BackfillOptions;
	readonly #batchPoints: number;
	/** The batch being filled, and the one being written (its buffer is reused once that write resolved). */
	#batch = new LineBatch();
	#spare = new LineBatch();
	#writing: Promise<void> | undefined;
	readonly #mappingByMeter = new Map<BackfillMeter, {options: PointMapperOptions; memo: MappingMemo}>();
	/** When the event loop last had a turn (see take), performance.now() ms. */
	#turnAt = performance.now();
	/** Series keys of the lines written so far (shared by both batches). */
	readonly #series = new SeriesKeys();

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
			const taking = this.take(item);
			if (taking !== undefined) await taking;
			if (signal?.aborted) return;
		}
	}

	/**
	 * Takes one item: a refused telegram is counted, a readout mapped and its points queued. Returns a
	 * promise to await before the next item when there is one (a batch handed to the sink, a turn for the
	 * event loop), else undefined: most readouts need neither, and a promise each cost a replay of
	 * millions of readouts a microtask and its garbage per readout.
	 */
	take(item: BackfillItem): Promise<void> | undefined {
		const {tally} = this.#options;
		if (item.kind === 'refused') {
			tally.refuse(item.reason, item.telegrams, item.message);
			return undefined;
		}
		const meter = this.#meterOf(item);
		if (meter === undefined) return undefined;
		tally.telegrams += item.telegrams.length;
		tally.readouts++;
		const [only] = item.telegrams;
		const dataSets =
			item.telegrams.length === 1 && only !== undefined
				? only.dataSets
				: item.telegrams.flatMap((telegram) => telegram.dataSets);
		const identification = item.telegrams.at(-1)?.identification;
		const mapping = this.#mapping(meter);
		const mapped = mapReading(
			identification === undefined
				? {readAt: item.readAt, dataSets}
				: {readAt: item.readAt, dataSets, identification},
			mapping.options,
			mapping.memo,
		);
		// Worked out only for a readout with history that could not be dated (rare).
		let placeholders: Set<string> | undefined;
		for (const skipped of mapped.skipped) {
			if (skipped.reason !== 'history-without-date') {
				tally.skip(skipped.reason);
				continue;
			}
			// A placeholder date (`0000000000`, a period before installation) is "no data", counted only;
			// so is history whose period's reset stamp is one (`0.1.2*99(0000000000)`).
			placeholders ??= placeholderPeriods(dataSets);
			const period = periodOfAddress(skipped.address);
			if (period !== undefined && placeholders.has(period)) {
				tally.skip('no-date');
				continue;
			}
			tally.skip(skipped.reason);
			tally.undatedValue({place: item.place, address: skipped.address, reason: skipped.reason});
		}
		const withHistory = mapped.historyPoints > 0;
		if (withHistory) {
			for (const key of billingPeriodKeys(dataSets, meter.id, meter.timeZone)) tally.period(key);
		}
		const readAtMs = Math.floor(item.readAt.getTime() / 1000) * 1000;
		const {since, until, datedOnly, selectHistory} = this.#options;
		const sinceMs = since?.getTime() ?? Number.NEGATIVE_INFINITY;
		const untilMs = until?.getTime() ?? Number.POSITIVE_INFINITY;
		// Each point becomes its line at once (see LineBatch); history lines wait for the ledger's word.
		const lines: string[] = [];
		const history: number[] = [];
		// Without history to ask the ledger about, lines go straight into the batch, in point order.
		const direct = !withHistory || selectHistory === undefined;
		let beforeSince = 0;
		let afterUntil = 0;
		let notDated = 0;
		let added = 0;
		const {points} = mapped;
		for (let at = 0; at < points.length; at++) {
			const point = points[at] as (typeof points)[number];
			const time = point.time.getTime();
			// Read from the tags only in a readout with history (tags objects of many shapes: a slow read).
			const billing = withHistory && point.tags['billing'] !== undefined;
			if (time < sinceMs) beforeSince++;
			else if (time >= untilMs) afterUntil++;
			// Point times are whole seconds, as is readAtMs.
			else if (datedOnly && !billing && time === readAtMs) notDated++;
			else if (direct) {
				this.#batch.addPoint(point, this.#series);
				added++;
			} else {
				if (billing) history.push(lines.length);
				lines.push(formatLineProtocol(point));
			}
		}
		tally.skip('before-since', beforeSince);
		tally.skip('after-until', afterUntil);
		tally.skip('not-dated', notDated);
		let written: Set<number> | undefined;
		if (history.length > 0 && selectHistory !== undefined) {
			const chosen = new Set(
				selectHistory(
					meter.id,
					history.map((index) => lines[index] as string),
				),
			);
			written = new Set(history.filter((_, position) => !chosen.has(position)));
			tally.skip('already-written', written.size);
		}
		for (let index = 0; index < lines.length; index++) {
			if (written?.has(index) !== true) this.#batch.add(lines[index] as string);
		}
		tally.pointsWritten += added + lines.length - (written?.size ?? 0);
		if (this.#batch.lines >= this.#batchPoints) return this.#writeAndTurn();
		return performance.now() - this.#turnAt >= TURN_EVERY_MS ? this.#turn() : undefined;
	}

	async #writeAndTurn(): Promise<void> {
		await this.#writePending();
		if (performance.now() - this.#turnAt >= TURN_EVERY_MS) await this.#turn();
	}

	/**
	 * Reading a source hands on its readouts through promises alone for as long as it has bytes in hand,
	 * and the writer's I/O (spool, server answers) waits for a turn of the event loop: it gets one every
	 * few milliseconds, or each batch sent waits tens of milliseconds per step.
	 */
	async #turn(): Promise<void> {
		await new Promise((resolve) => setImmediate(resolve));
		this.#turnAt = performance.now();
	}

	/** Writes what is still queued. */
	async finish(): Promise<void> {
		if (this.#batch.lines > 0) await this.#writePending();
		await this.#writing;
	}

	/**
	 * Hands the full batch to the sink and goes on mapping into the other buffer while the spool writes
	 * and fsyncs it: the next batch waits for that write, so at most one is on its way and nothing is
	 * sent before it is safe in the spool. A failed write surfaces at the next batch or at finish().
	 */
	async #writePending(): Promise<void> {
		await this.#writing;
		const batch = this.#batch;
		this.#batch = this.#spare;
		this.#spare = batch;
		const writing = this.#options.sink.writeText(batch.text()).then(() => batch.clear());
		// Awaited later; until then a rejection must not count as unhandled.
		writing.catch(() => undefined);
		this.#writing = writing;
		await this.#options.waitForRoom?.();
	}

	/**
	 * The mapper's options of a meter, made once (every readout of a replay asks for them), and its memo
	 * of the last readout's sets (see MappingMemo: a replay of one meter's archive repeats most lines).
	 */
	#mapping(meter: BackfillMeter): {options: PointMapperOptions; memo: MappingMemo} {
		let mapping = this.#mappingByMeter.get(meter);
		if (mapping === undefined) {
			const options = {
				measurement: meter.measurement,
				meterId: meter.id,
				timeZone: meter.timeZone,
				...(meter.selection === undefined ? {} : {selection: meter.selection}),
			};
			mapping = {options, memo: new MappingMemo()};
			this.#mappingByMeter.set(meter, mapping);
		}
		return mapping;
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
