import type {SpoolEvent} from '../output/spooled-sink.ts';
import {assertTimeZone} from '../readings/meter-clock.ts';
import type {Point} from '../readings/point.ts';
import type {ReadoutError, ReadoutFailure, ReadoutPhase} from '../readout/readout-errors.ts';
import type {ReadoutResult, ReadoutTimings} from '../readout/readout-session.ts';
import {DurationHistogram} from './duration-histogram.ts';
import {meterClockOffsetSeconds} from './meter-clock-offset.ts';
import type {MetricFamily, MetricSample} from './metric-family.ts';
import {formatPrometheusText} from './prometheus-text.ts';

/** Every failure kind, so each meter shows all of them from the start (a rate needs the zero). */
export const READOUT_FAILURES: readonly ReadoutFailure[] = [
	'no-answer',
	'timeout',
	'block-check',
	'truncated',
	'garbage',
	'rate-mismatch',
	'link',
	'aborted',
];

/** The timed phases of a readout, as label values, with the ReadoutTimings field each comes from. */
const PHASES = [
	['sign-on', 'signOnMs'],
	['identification', 'identificationMs'],
	['switch', 'switchMs'],
	['data', 'dataMs'],
	['total', 'totalMs'],
] as const satisfies readonly (readonly [string, keyof ReadoutTimings])[];

type PhaseLabel = (typeof PHASES)[number][0];

/** Where the spool's depth is read at export time (LineSpool has both). */
export interface SpoolDepthSource {
	readonly pendingBytes: number;
	/** Lines dropped at the spool's size bound since it was opened. */
	readonly dropped: number;
}

/** The last failed readout of a meter, for the health endpoint's reasons. */
export interface LastFailure {
	readonly at: Date;
	readonly phase: ReadoutPhase;
	readonly failure: ReadoutFailure;
	readonly message: string;
}

/** What the health policy needs to know about a meter. */
export interface MeterActivity {
	lastSuccessAt(meterId: string): Date | undefined;
	lastFailureOf(meterId: string): LastFailure | undefined;
}

export interface SelfMetricsOptions {
	/** The host clock (process start, failure times). Default `() => new Date()`. */
	readonly clock?: () => Date;
}

export interface MeterMetricsOptions {
	/**
	 * The meter's IANA time zone: with it, the clock offset is derived from each telegram's 0.9.1/0.9.2.
	 * Default none (no clock offset).
	 */
	readonly timeZone?: string;
}

interface MeterState {
	timeZone: string | undefined;
	readoutsOk: number;
	readoutsSkipped: number;
	readonly failures: Record<ReadoutFailure, number>;
	blockCheckErrors: number;
	readonly phaseLastMs: Record<PhaseLabel, number>;
	readonly phaseTotalMs: Record<PhaseLabel, number>;
	pointsWritten: number;
	clockOffsetSeconds: number | undefined;
	lastSuccess: Date | undefined;
	lastFailure: LastFailure | undefined;
	plan: ReadoutPlanSample | undefined;
	planChanges: number;
}

/** The protocol mode and data rate a meter was last read with. */
export interface ReadoutPlanSample {
	/** `A`, `B`, `C` or `D` (IEC 62056-21 §6). */
	readonly mode: string;
	/** The rate of the data message, Bd. */
	readonly baudRate: number;
}

const PREFIX = 'dlms_logger_';

/**
 * The collector's own counters and gauges, per meter and for the process, recorded from what the
 * daemon already has (readout results and errors, skipped ticks, spool events) and exported both as
 * Prometheus text and as points for the self-metrics measurement. Durations are kept in ms and
 * exported in seconds, the base unit both Prometheus and Grafana expect.
 */
export class SelfMetrics implements MeterActivity {
	readonly #clock: () => Date;
	readonly #startedAt: Date;
	readonly #meters = new Map<string, MeterState>();
	#spool: SpoolDepthSource | undefined;
	#pointsSent = 0;
	#deadLettered = 0;
	#writerOutages = 0;
	#writerUp = true;
	/** How long the database took to acknowledge each batch (one write request). */
	readonly #writeDurations = new DurationHistogram();

	constructor(options: SelfMetricsOptions = {}) {
		if (options.clock !== undefined && typeof options.clock !== 'function') {
			throw new TypeError(`clock must be a function returning a Date, received ${String(options.clock)}`);
		}
		this.#clock = options.clock ?? (() => new Date());
		this.#startedAt = this.#clock();
	}

	/** Announces a meter, so its series exist (at zero) before its first readout. Idempotent. */
	addMeter(meterId: string, options: MeterMetricsOptions = {}): void {
		if (typeof meterId !== 'string' || meterId === '') {
			throw new TypeError(`meterId must be a non-empty string, received ${JSON.stringify(meterId)}`);
		}
		if (options.timeZone !== undefined) assertTimeZone(options.timeZone);
		const state = this.#meter(meterId);
		if (options.timeZone !== undefined) state.timeZone = options.timeZone;
	}

	/** Counts a good telegram: durations, block-check errors let through, clock offset, last success. */
	recordReadout(meterId: string, result: ReadoutResult): void {
		const state = this.#meter(meterId);
		state.readoutsOk++;
		// A block with a wrong check reaches here only when the meter is configured to ignore it.
		if (!result.check.ok) state.blockCheckErrors++;
		for (const [phase, field] of PHASES) {
			state.phaseLastMs[phase] = result.timings[field];
			state.phaseTotalMs[phase] += result.timings[field];
		}
		state.lastSuccess = result.readAt;
		if (state.timeZone !== undefined) {
			const offset = meterClockOffsetSeconds(result.parsed.dataSets, composedAt(result), state.timeZone);
			if (offset !== undefined) state.clockOffsetSeconds = offset;
		}
	}

	/** Counts a failed readout by its failure kind; a wrong BCC/CRC also counts as a block-check error. */
	recordFailure(meterId: string, error: ReadoutError): void {
		const state = this.#meter(meterId);
		state.failures[error.failure]++;
		if (error.failure === 'block-check') state.blockCheckErrors++;
		state.lastFailure = {
			at: this.#clock(),
			phase: error.phase,
			failure: error.failure,
			message: error.message,
		};
	}

	/**
	 * Notes the mode and data rate of a good readout. A plan other than the previous one counts as a
	 * change (the first plan of a meter does not).
	 */
	recordPlan(meterId: string, plan: ReadoutPlanSample): void {
		if (!Number.isInteger(plan.baudRate) || plan.baudRate <= 0) {
			throw new TypeError(`baudRate must be a whole number > 0, received ${String(plan.baudRate)}`);
		}
		const state = this.#meter(meterId);
		const previous = state.plan;
		if (previous !== undefined && (previous.mode !== plan.mode || previous.baudRate !== plan.baudRate)) {
			state.planChanges++;
		}
		state.plan = {mode: plan.mode, baudRate: plan.baudRate};
	}

	/** The mode and data rate of the meter's last good readout, if any. */
	planOf(meterId: string): ReadoutPlanSample | undefined {
		return this.#meters.get(meterId)?.plan;
	}

	/** Counts a tick skipped because the previous readout of the meter was still running. */
	recordSkipped(meterId: string): void {
		this.#meter(meterId).readoutsSkipped++;
	}

	/** Counts points handed to the sink for a meter. */
	recordPointsWritten(meterId: string, count: number): void {
		if (!Number.isInteger(count) || count < 0) {
			throw new TypeError(`count must be a whole number >= 0, received ${String(count)}`);
		}
		this.#meter(meterId).pointsWritten += count;
	}

	/** Follows the write path: lines sent, lines dead-lettered, the database down and up again. */
	recordSpoolEvent(event: SpoolEvent): void {
		switch (event.kind) {
			case 'sent':
				// Lines refused as bad data leave the spool with their batch, but the database did not take them.
				this.#pointsSent += event.lines - (event.refused ?? 0);
				if (event.durationMs !== undefined) this.#writeDurations.observe(event.durationMs);
				break;
			case 'dead-letter':
				this.#deadLettered += event.lines;
				break;
			case 'unavailable':
				this.#writerOutages++;
				this.#writerUp = false;
				break;
			case 'recovered':
				this.#writerUp = true;
				break;
		}
	}

	/** Reads the spool's depth at each export (it changes with every write and ack; no event carries it). */
	observeSpool(source: SpoolDepthSource): void {
		this.#spool = source;
	}

	lastSuccessAt(meterId: string): Date | undefined {
		return this.#meters.get(meterId)?.lastSuccess;
	}

	lastFailureOf(meterId: string): LastFailure | undefined {
		return this.#meters.get(meterId)?.lastFailure;
	}

	/** The last clock offset measured for a meter, seconds (positive: the meter is fast). */
	clockOffsetSecondsOf(meterId: string): number | undefined {
		return this.#meters.get(meterId)?.clockOffsetSeconds;
	}

	/** Every metric as families (the model both renderings share). */
	families(): MetricFamily[] {
		const meters = [...this.#meters.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		const perMeter = (
			name: string,
			help: string,
			type: MetricFamily['type'],
			samples: (meter: string, state: MeterState) => MetricSample[],
		): MetricFamily => ({
			name: PREFIX + name,
			help,
			type,
			samples: meters.flatMap(([meter, state]) => samples(meter, state)),
		});
		const processWide = (
			name: string,
			help: string,
			type: MetricFamily['type'],
			value: number,
		): MetricFamily => ({
			name: PREFIX + name,
			help,
			type,
			samples: [{labels: {}, value}],
		});
		return [
			perMeter(
				'readouts_total',
				'Readouts by result: ok, failed, or skipped because the previous one was still running.',
				'counter',
				(meter, state) => [
					{labels: {meter, result: 'ok'}, value: state.readoutsOk},
					{labels: {meter, result: 'failed'}, value: sum(Object.values(state.failures))},
					{labels: {meter, result: 'skipped'}, value: state.readoutsSkipped},
				],
			),
			perMeter('readout_failures_total', 'Failed readouts by failure kind.', 'counter', (meter, state) =>
				READOUT_FAILURES.map((failure) => ({labels: {meter, failure}, value: state.failures[failure]})),
			),
			perMeter(
				'block_check_errors_total',
				'Data blocks whose BCC or CRC was wrong.',
				'counter',
				(meter, state) => [{labels: {meter}, value: state.blockCheckErrors}],
			),
			perMeter(
				'readout_phase_last_seconds',
				'Duration of each phase of the last good readout.',
				'gauge',
				(meter, state) =>
					PHASES.map(([phase]) => ({labels: {meter, phase}, value: state.phaseLastMs[phase] / 1000})),
			),
			perMeter(
				'readout_phase_seconds_total',
				'Time spent in each phase over all good readouts.',
				'counter',
				(meter, state) =>
					PHASES.map(([phase]) => ({labels: {meter, phase}, value: state.phaseTotalMs[phase] / 1000})),
			),
			perMeter(
				'readout_baud_rate',
				'Data rate of the last good readout in Bd, labelled with its protocol mode.',
				'gauge',
				(meter, state) =>
					state.plan === undefined
						? []
						: [{labels: {meter, mode: state.plan.mode}, value: state.plan.baudRate}],
			),
			perMeter(
				'plan_changes_total',
				'Times the mode or data rate a meter is read with changed.',
				'counter',
				(meter, state) => [{labels: {meter}, value: state.planChanges}],
			),
			perMeter('points_written_total', 'Points handed to the sink.', 'counter', (meter, state) => [
				{labels: {meter}, value: state.pointsWritten},
			]),
			perMeter(
				'meter_clock_offset_seconds',
				"The meter's clock minus the host's at the last readout (positive: the meter is fast).",
				'gauge',
				(meter, state) =>
					state.clockOffsetSeconds === undefined ? [] : [{labels: {meter}, value: state.clockOffsetSeconds}],
			),
			perMeter(
				'last_success_timestamp_seconds',
				'When the last good readout completed, Unix time.',
				'gauge',
				(meter, state) =>
					state.lastSuccess === undefined
						? []
						: [{labels: {meter}, value: state.lastSuccess.getTime() / 1000}],
			),
			processWide(
				'spool_pending_bytes',
				'Bytes in the spool not yet acknowledged by the database.',
				'gauge',
				this.#spool?.pendingBytes ?? 0,
			),
			processWide(
				'spool_dropped_lines_total',
				"Lines dropped at the spool's size bound.",
				'counter',
				this.#spool?.dropped ?? 0,
			),
			processWide(
				'spool_dead_lettered_lines_total',
				'Lines the database refused as bad data, set aside in the dead-letter file.',
				'counter',
				this.#deadLettered,
			),
			processWide('points_sent_total', 'Lines the database acknowledged.', 'counter', this.#pointsSent),
			{
				name: `${PREFIX}write_duration_seconds`,
				help: 'Time from sending a batch to the database until it acknowledged it (2xx).',
				type: 'histogram',
				samples: this.#writeDurations.samples(),
			},
			processWide(
				'writer_outages_total',
				'Times the database became unavailable.',
				'counter',
				this.#writerOutages,
			),
			processWide(
				'writer_up',
				'1 while the database accepts writes, 0 while the writer waits to retry.',
				'gauge',
				this.#writerUp ? 1 : 0,
			),
			processWide(
				'start_time_seconds',
				'When the process started, Unix time.',
				'gauge',
				this.#startedAt.getTime() / 1000,
			),
		];
	}

	/** Prometheus text exposition format 0.0.4. */
	toPrometheus(): string {
		return formatPrometheusText(this.families());
	}

	/**
	 * Points for the self-metrics measurement. The point schema allows one field per point, so each
	 * series is a point: tag `metric` (the name without `dlms_logger_`), the labels as tags (`meter`
	 * for per-meter series; process series have none), field `value` (a float). Stamped `now`, in whole
	 * seconds like every point. `tags` go on every point: `instance` tells collectors that write to one
	 * database apart (their process series would otherwise be one series, each overwriting the other).
	 */
	toPoints(
		measurement = 'dlms_logger',
		now: Date = this.#clock(),
		tags: Readonly<Record<string, string>> = {},
	): Point[] {
		const time = new Date(Math.floor(now.getTime() / 1000) * 1000);
		return this.families().flatMap((family) =>
			family.samples.map((sample) => ({
				measurement,
				tags: {
					...tags,
					...sample.labels,
					metric: family.name.slice(PREFIX.length) + (sample.suffix ?? ''),
				},
				fields: {value: sample.value},
				time,
			})),
		);
	}

	#meter(meterId: string): MeterState {
		let state = this.#meters.get(meterId);
		if (state === undefined) {
			state = {
				timeZone: undefined,
				readoutsOk: 0,
				readoutsSkipped: 0,
				failures: Object.fromEntries(READOUT_FAILURES.map((failure) => [failure, 0])) as Record<
					ReadoutFailure,
					number
				>,
				blockCheckErrors: 0,
				phaseLastMs: Object.fromEntries(PHASES.map(([phase]) => [phase, 0])) as Record<PhaseLabel, number>,
				phaseTotalMs: Object.fromEntries(PHASES.map(([phase]) => [phase, 0])) as Record<PhaseLabel, number>,
				pointsWritten: 0,
				clockOffsetSeconds: undefined,
				lastSuccess: undefined,
				lastFailure: undefined,
				plan: undefined,
				planChanges: 0,
			};
			this.#meters.set(meterId, state);
		}
		return state;
	}
}

/**
 * The host time when the meter composed the telegram: readAt is when its last byte arrived, and at
 * 300 Bd a 2 KB block takes over a minute to send, which would otherwise read as a slow meter clock.
 * 7E1 characters are 10 bits on the line.
 */
function composedAt(result: ReadoutResult): Date {
	const sendingMs = (result.block.bytes.length * 10 * 1000) / result.baudRate;
	return new Date(result.readAt.getTime() - sendingMs);
}

function sum(values: readonly number[]): number {
	return values.reduce((total, value) => total + value, 0);
}
