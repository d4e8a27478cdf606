import {Cron} from 'croner';
import type {MeterConfig} from '../config/config-schema.ts';
import {nextCronRun} from '../config/cron-next-run.ts';
import type {PointSink} from '../output/point-sink.ts';
import type {SignOnPart} from '../output/raw-archive.ts';
import {ObisSelection, type SelectionShortOfValues} from '../readings/obis-selection.ts';
import {mapReading} from '../readings/point-mapper.ts';
import {type PlanChange, PlanLearner} from '../readout/plan-learner.ts';
import {ReadoutError, type ReadoutFailure} from '../readout/readout-errors.ts';
import type {ReadoutPlan} from '../readout/readout-plan.ts';
import {type ReadoutResult, readMeter} from '../readout/readout-session.ts';
import {readoutOptionsFrom} from '../readout/readout-settings.ts';
import type {Link} from '../transport/link.ts';
import {CycleTimer} from './cycle-timer.ts';
import {DEFAULT_MAX_LINK_BACKOFF_MS, nextLinkBackoffMs} from './link-retry.ts';
import type {PortLock} from './port-lock.ts';

/** What the job reports, for logs and self-metrics; the daemon decides what to do with it. */
export type MeterJobEvent =
	| {
			readonly kind: 'read';
			readonly meter: string;
			readonly result: ReadoutResult;
			readonly points: number;
			readonly skipped: number;
	  }
	| {readonly kind: 'failed'; readonly meter: string; readonly error: ReadoutError; readonly repeated: number}
	/** stop() cut a readout short: nothing of it was stored (not a failure of the meter). */
	| {readonly kind: 'abandoned'; readonly meter: string}
	| {readonly kind: 'recovered'; readonly meter: string; readonly afterFailures: number}
	| {readonly kind: 'overlap'; readonly meter: string; readonly skippedTicks: number}
	/** The announced plan failed in this readout and another one worked; nothing is learned from it alone. */
	| {
			readonly kind: 'fell-back';
			readonly meter: string;
			readonly failed: ReadoutPlan;
			readonly plan: ReadoutPlan;
			readonly reason: string;
			/** Readouts in a row in which the announced plan failed, and how many it takes to keep the lower plan. */
			readonly failuresInRow: number;
			readonly learnAfter: number;
	  }
	/** The plan the meter is read with first changed (`undefined`: the one it announces). */
	| {readonly kind: 'plan-changed'; readonly meter: string; readonly change: PlanChange}
	| {readonly kind: 'write-failed'; readonly meter: string; readonly error: Error}
	/** Selected codes the first good readout (all its sign-ons) did not contain; said once per meter. */
	| {readonly kind: 'unmatched-selection'; readonly meter: string; readonly codes: readonly string[]}
	/** Selected value indexes (`~2`) beyond their data sets in the first good readout; said once per meter. */
	| {
			readonly kind: 'selection-short-of-values';
			readonly meter: string;
			readonly entries: readonly SelectionShortOfValues[];
	  };

export interface MeterJobOptions {
	readonly meter: MeterConfig;
	/** IANA zone of the meter's clock (the meter's own, else the configuration's, else the host's). */
	readonly timeZone: string;
	readonly measurement: string;
	readonly link: Link;
	readonly portLock: PortLock;
	readonly sink: PointSink;
	readonly onEvent: (event: MeterJobEvent) => void;
	/** Called with each raw telegram (the raw archive), with its place among the readout's sign-ons. */
	readonly onRaw?: (meter: string, readAt: Date, bytes: Buffer, signOn: SignOnPart) => Promise<void>;
	/** Longest wait between attempts while the port is gone (reader unplugged), ms. Default 300 000. */
	readonly maxLinkBackoffMs?: number;
}

/** The smarthomeNG dlms plugin's update_cycle default: one readout a minute. */
export const DEFAULT_CYCLE_MS = 60_000;

/**
 * One meter's schedule: a fixed grid for `every:` (CycleTimer), a croner job for a cron `schedule`;
 * a readout still running when the next tick comes makes that tick skipped and counted (never two
 * conversations on one meter). Each tick reads the meter
 * (waiting for its port if another meter on the same bus is being read), maps the telegram to points
 * and hands them to the sink. A port that is gone (unplugged reader) is reported once and retried
 * (link-retry.ts: one cycle, doubling up to 5 min), and picked up again by itself when it returns.
 */
export class MeterJob {
	readonly #options: MeterJobOptions;
	readonly #selection: ObisSelection | undefined;
	readonly #cycleMs: number;
	/** What this meter's readouts taught about its plan (kept per meter: two meters on one bus may differ). */
	readonly #plans: PlanLearner;
	#cron: Cron | undefined;
	#firstReadoutAt: Date | undefined;
	/** The schedule of an `every:` meter. */
	#cycle: CycleTimer | undefined;
	/** Pending start of the schedule (a spread first tick). */
	#startTimer: ReturnType<typeof setTimeout> | undefined;
	#controller = new AbortController();
	#running: Promise<void> | undefined;
	#overlaps = 0;
	#failures = 0;
	#lastFailure: ReadoutFailure | undefined;
	#retryAt = 0;
	#linkBackoffMs = 0;
	#selectionChecked = false;

	constructor(options: MeterJobOptions) {
		this.#options = options;
		this.#selection =
			options.meter.select === undefined ? undefined : new ObisSelection(options.meter.select);
		this.#cycleMs =
			options.meter.every ??
			(options.meter.schedule === undefined ? DEFAULT_CYCLE_MS : cronCycleMs(options.meter.schedule));
		this.#plans = new PlanLearner({
			learnAfter: options.meter.fallback.learn_after,
			retryEveryMs: options.meter.fallback.retry_every,
		});
	}

	get id(): string {
		return this.#options.meter.id;
	}

	/** Length of one cycle, ms (for health: "read within its last N cycles"). */
	get cycleMs(): number {
		return this.#cycleMs;
	}

	/** When start() put the first readout (undefined before start()): for the log line that says so. */
	get firstReadoutAt(): Date | undefined {
		return this.#firstReadoutAt;
	}

	/** Whether the ticks may be moved (`every`, or the default cycle), unlike a cron `schedule`. */
	get movable(): boolean {
		return this.#options.meter.schedule === undefined;
	}

	/**
	 * Starts the schedule after `delayMs` (0: now; see firstTickOffsets); the first readout happens at
	 * the first tick after that.
	 */
	start(delayMs = 0): void {
		if (!(Number.isFinite(delayMs) && delayMs >= 0)) {
			throw new TypeError(`delayMs must be a number of ms >= 0, received ${String(delayMs)}`);
		}
		const {meter} = this.#options;
		if (meter.schedule === undefined) {
			// `every`: a fixed grid from the first whole second after the delay (croner's `interval` counts
			// from the last run, so a late run moves every later one, and an early timer loses a tick).
			this.#cycle = new CycleTimer({everyMs: this.#cycleMs, onTick: () => void this.tick()});
			const firstAt = Math.ceil((Date.now() + delayMs) / 1000) * 1000;
			this.#firstReadoutAt = new Date(firstAt);
			this.#cycle.start(firstAt);
			return;
		}
		this.#firstReadoutAt = nextCronRun(meter.schedule, new Date(Date.now() + delayMs)) ?? undefined;
		if (delayMs > 0) {
			this.#startTimer = setTimeout(() => {
				this.#startTimer = undefined;
				this.#schedule(meter.schedule as string);
			}, delayMs);
			return;
		}
		this.#schedule(meter.schedule);
	}

	#schedule(pattern: string): void {
		const {meter} = this.#options;
		this.#cron = new Cron(
			pattern,
			{
				name: `meter:${meter.id}`,
				protect: () => {
					this.#overlaps++;
					this.#options.onEvent({kind: 'overlap', meter: meter.id, skippedTicks: this.#overlaps});
				},
			},
			() => this.tick(),
		);
	}

	/** Runs one readout now (also what each tick does). Resolves when it is over, whatever the outcome. */
	async tick(): Promise<void> {
		if (this.#running) {
			this.#overlaps++;
			this.#options.onEvent({kind: 'overlap', meter: this.id, skippedTicks: this.#overlaps});
			return;
		}
		if (Date.now() < this.#retryAt) return;
		this.#running = this.#readOnce().finally(() => {
			this.#running = undefined;
		});
		await this.#running;
	}

	/** Stops ticking; a readout in progress goes on (pause before a flush). */
	pause(): void {
		clearTimeout(this.#startTimer);
		this.#startTimer = undefined;
		this.#cron?.stop();
		this.#cycle?.stop();
	}

	/** Stops ticking, aborts a readout in progress (closing its port), and waits for it to end. */
	async stop(): Promise<void> {
		this.pause();
		this.#controller.abort(new Error('stopping'));
		await this.#running;
	}

	async #readOnce(): Promise<void> {
		const {meter, link, portLock, onEvent} = this.#options;
		const plans = this.#plans;
		const port = meter.port;
		// One readout may take several sign-ons (`?` then `#`); each is its own conversation, with the
		// meter's quiet gap between them, all under the port lock so no other meter interleaves.
		const results: ReadoutResult[] = [];
		let failure: ReadoutError | undefined;
		const tried = plans.next();
		await portLock.run(port, async () => {
			for (const [index, queryChar] of meter.sign_on.entries()) {
				if (index > 0) await new Promise((resolve) => setTimeout(resolve, portLock.quietGapMs));
				try {
					results.push(
						await readMeter(
							link,
							readoutOptionsFrom(meter, {queryChar, remembered: tried, signal: this.#controller.signal}),
						),
					);
				} catch (error) {
					if (!(error instanceof ReadoutError)) throw error;
					failure = error;
					return;
				}
			}
		});
		const error = failure as ReadoutError | undefined;
		// The first sign-on of a readout is the one the plan is about (a further `#` follows what it found).
		const first = results[0];
		if (first !== undefined) {
			if (first.fallback !== undefined) {
				onEvent({
					kind: 'fell-back',
					meter: meter.id,
					failed: first.fallback.failed,
					plan: first.plan,
					reason: first.fallback.reason,
					failuresInRow: tried === undefined ? plans.failuresInRow + 1 : 0,
					learnAfter: meter.fallback.learn_after,
				});
			}
			const change = plans.recordResult(tried, first);
			if (change) onEvent({kind: 'plan-changed', meter: meter.id, change});
		} else if (error !== undefined) {
			const change = plans.recordFailure(tried, error);
			if (change) onEvent({kind: 'plan-changed', meter: meter.id, change});
		}
		if (error !== undefined) {
			if (error.failure === 'aborted') {
				// Said, so a shutdown mid-readout does not pass for a clean one that stored everything.
				onEvent({kind: 'abandoned', meter: meter.id});
				return;
			}
			this.#failures++;
			const repeated = error.failure === this.#lastFailure ? this.#failures : 1;
			this.#lastFailure = error.failure;
			if (error.failure === 'link') {
				// The port is gone: wait longer each time (up to the cap) instead of failing every tick.
				this.#linkBackoffMs = nextLinkBackoffMs(
					this.#linkBackoffMs,
					this.#cycleMs,
					this.#options.maxLinkBackoffMs ?? DEFAULT_MAX_LINK_BACKOFF_MS,
				);
				this.#retryAt = Date.now() + this.#linkBackoffMs;
			}
			onEvent({kind: 'failed', meter: meter.id, error, repeated});
			// What the earlier sign-ons of this readout brought is kept.
			if (results.length > 0) await this.#store(results, false);
			return;
		}
		if (this.#failures > 0) onEvent({kind: 'recovered', meter: meter.id, afterFailures: this.#failures});
		this.#failures = 0;
		this.#lastFailure = undefined;
		this.#linkBackoffMs = 0;
		this.#retryAt = 0;
		await this.#store(results, true);
	}

	/** Maps the telegrams of one readout to points (combined: a code sent twice is written once) and stores them. */
	async #store(results: readonly ReadoutResult[], complete: boolean): Promise<void> {
		const {meter, onEvent} = this.#options;
		const last = results.at(-1) as ReadoutResult;
		const mapped = mapReading(
			{
				readAt: last.readAt,
				dataSets: results.flatMap((result) => result.parsed.dataSets),
				...(last.identification ? {identification: last.identification} : {}),
			},
			{
				measurement: meter.measurement ?? this.#options.measurement,
				meterId: meter.id,
				timeZone: this.#options.timeZone,
				...(this.#selection === undefined ? {} : {selection: this.#selection}),
			},
		);
		// Only a complete readout (every sign-on) tells which codes the meter sends.
		if (complete && this.#selection !== undefined && !this.#selectionChecked) {
			this.#selectionChecked = true;
			const sets = results.flatMap((result) => result.parsed.dataSets);
			const codes = this.#selection.unmatched(sets);
			if (codes.length > 0) onEvent({kind: 'unmatched-selection', meter: meter.id, codes});
			const entries = this.#selection.shortOfValues(sets);
			if (entries.length > 0) onEvent({kind: 'selection-short-of-values', meter: meter.id, entries});
		}
		try {
			for (const [index, result] of results.entries()) {
				await this.#options.onRaw?.(meter.id, result.readAt, result.raw, {
					part: index + 1,
					parts: meter.sign_on.length,
				});
			}
			await this.#options.sink.write(mapped.points);
		} catch (error) {
			onEvent({kind: 'write-failed', meter: meter.id, error: error as Error});
			return;
		}
		onEvent({
			kind: 'read',
			meter: meter.id,
			result: last,
			points: mapped.points.length,
			skipped: mapped.skipped.length,
		});
	}
}

/** The time between two runs of a cron pattern (next two runs from now), ms. */
function cronCycleMs(pattern: string): number {
	const job = new Cron(pattern, {paused: true});
	const [first, second] = job.nextRuns(2);
	job.stop();
	return first && second ? second.getTime() - first.getTime() : DEFAULT_CYCLE_MS;
}
