import {decodeCapture} from '../../src/iec62056/capture-decoder.ts';
import type {DataBlockFrame} from '../../src/iec62056/frame.ts';
import {scanFrames} from '../../src/iec62056/frame-scanner.ts';
import {type Identification, parseIdentification} from '../../src/iec62056/identification.ts';
import {encodeTelegram} from '../../src/iec62056/telegram-encoder.ts';
import {SelfMetrics} from '../../src/observability/self-metrics.ts';
import {InfluxWriteError} from '../../src/output/influx-write-error.ts';
import {formatLineProtocol} from '../../src/output/line-protocol.ts';
import {type Point, pointKey} from '../../src/readings/point.ts';
import {mapReading} from '../../src/readings/point-mapper.ts';
import {ReadoutError, type ReadoutFailure, type ReadoutPhase} from '../../src/readout/readout-errors.ts';
import type {ReadoutResult} from '../../src/readout/readout-session.ts';
import {
	DSMR_BAUD_RATE,
	DSMR_IDENTIFICATION,
	DSMR_MODEL,
	dsmrLines,
} from '../../src/simulator/dsmr-profile.ts';
import type {MeterModel} from '../../src/simulator/meter-registers.ts';
import {
	createZmd120Profile,
	ZMD120_IDENTIFICATION,
	ZMD120_MODEL,
} from '../../src/simulator/zmd120-profile.ts';

/** The meter id the fixture writes, as the demo's (`npm start`) simulated meter is called. */
export const FIXTURE_METER = 'demo-zmd120';
/** A second meter, a DSMR household: measured power and gas, which the ZMD120 does not send. */
export const FIXTURE_DSMR_METER = 'dsmr-household';
export const FIXTURE_TIME_ZONE = 'Europe/Berlin';
/** Local midnight 2026-02-10 in Berlin: the day after the simulated ZMD120 was installed. */
export const FIXTURE_START_MS = Date.UTC(2026, 1, 9, 23, 0, 0);
export const FIXTURE_DAYS = 90;
export const READOUT_INTERVAL_MS = 15 * 60_000;
/** The ZMD120 as the fixture renders it (the profile's model in the fixture's zone). */
export const FIXTURE_ZMD120_MODEL: MeterModel = {...ZMD120_MODEL, timeZone: FIXTURE_TIME_ZONE};
/** The meter's clock runs fast by this much per day (it shows on the clock offset panel). */
export const CLOCK_DRIFT_MS_PER_DAY = 400;
/** On this day (0-based) the ZMD120 fails at 9600 Bd (rate mismatch) and is read at 4800 Bd all day. */
export const RATE_MISMATCH_DAY = 40;
/** On this day the database is away from 08:00 to 11:00 UTC: the spool fills, then drains. */
export const OUTAGE_DAY = 60;

const DAY_MS = 86_400_000;
export const SLOTS_PER_DAY = DAY_MS / READOUT_INTERVAL_MS;
/** The collector starts each readout this long past the quarter hour (readout times carry seconds). */
const START_OFFSET_MS = 6_000;
/** Sign-on, identification and the rate switch before the ZMD120 composes its data message, ms. */
const BEFORE_DATA_MS = 780;

/** Which ZMD120 readouts fail, and how (slot: quarter hours since FIXTURE_START_MS). */
export function failureAt(slot: number): {failure: ReadoutFailure; phase: ReadoutPhase} | undefined {
	if (slot === RATE_MISMATCH_DAY * SLOTS_PER_DAY) return {failure: 'rate-mismatch', phase: 'data'};
	if (slot % 211 === 100) return {failure: 'timeout', phase: 'data'};
	if (slot % 503 === 250) return {failure: 'block-check', phase: 'data'};
	if (slot % 977 === 3) return {failure: 'no-answer', phase: 'sign-on'};
	return undefined;
}

/**
 * The ZMD120 readout of a slot: its quarter hour, the host time the meter composes its data message
 * (after sign-on, identification and switch), and what the meter's fast clock shows then.
 */
export function zmd120Slot(slot: number): {quarterMs: number; composedMs: number; meterClockMs: number} {
	const quarterMs = FIXTURE_START_MS + slot * READOUT_INTERVAL_MS;
	const composedMs = quarterMs + START_OFFSET_MS + BEFORE_DATA_MS;
	const driftMs = Math.round((CLOCK_DRIFT_MS_PER_DAY * (quarterMs - FIXTURE_START_MS)) / DAY_MS);
	return {quarterMs, composedMs, meterClockMs: composedMs + driftMs};
}

export interface DashboardFixture {
	/** Line protocol, one point per line; a point read again (history, peaks) is written once. */
	readonly lines: string[];
	/** ZMD120 readouts attempted and failed. */
	readonly readouts: number;
	readonly failedReadouts: number;
	readonly points: readonly Point[];
}

/** A good readout as the session reports it: the data block found in the bytes, timings modelled. */
function readoutResult(
	place: string,
	bytes: Buffer,
	identification: Identification,
	composedMs: number,
	plan: {mode: 'C' | 'D'; baudRate: number},
	beforeDataMs: number,
): ReadoutResult {
	const block = scanFrames(bytes).find((frame): frame is DataBlockFrame => frame.kind === 'data-block');
	const [telegram] = decodeCapture(bytes).telegrams;
	if (block === undefined || telegram === undefined)
		throw new Error(`${place}: the simulator sent no data block`);
	// 7E1 and 8N1 both put 10 bits on the line per character.
	const dataMs = Math.round((block.bytes.length * 10 * 1000) / plan.baudRate);
	const signOnMs = Math.round(beforeDataMs * 0.27);
	const identificationMs = Math.round(beforeDataMs * 0.31);
	const switchMs = beforeDataMs - signOnMs - identificationMs;
	return {
		place,
		// The last byte arrives when the whole message has crossed the line.
		readAt: new Date(composedMs + dataMs),
		identification,
		mode: plan.mode,
		baudRate: plan.baudRate,
		timings: {signOnMs, identificationMs, switchMs, dataMs, totalMs: beforeDataMs + dataMs},
		raw: bytes,
		block,
		check: block.check,
		parsed: telegram,
		plan,
		fellBack: false,
	};
}

/**
 * 90 days of two meters read every 15 minutes, made the way the collector makes them: the
 * simulator's telegram for each instant (the ZMD120 verbose once a day, so its `*NN` history is in;
 * a DSMR household with power and gas), decoded, mapped by the point mapper, self-metrics recorded
 * per readout and written every hour. Only the serial conversation is left out: the session's
 * timings are modelled from the telegram's size. Deterministic: the same call gives the same lines.
 */
export function buildDashboardFixture(days = FIXTURE_DAYS): DashboardFixture {
	const zmd = createZmd120Profile({timeZone: FIXTURE_TIME_ZONE});
	const zmdVerbose = createZmd120Profile({verbose: true, timeZone: FIXTURE_TIME_ZONE});
	const zmdIdentification = parseIdentification(ZMD120_IDENTIFICATION);
	const dsmrModel = {...DSMR_MODEL, timeZone: FIXTURE_TIME_ZONE};
	const dsmrIdentification = parseIdentification(DSMR_IDENTIFICATION);

	let hostNow = FIXTURE_START_MS;
	const metrics = new SelfMetrics({clock: () => new Date(hostNow)});
	metrics.addMeter(FIXTURE_METER, {timeZone: FIXTURE_TIME_ZONE});
	metrics.addMeter(FIXTURE_DSMR_METER, {timeZone: FIXTURE_TIME_ZONE});
	const spool = {pendingBytes: 0, dropped: 0};
	metrics.observeSpool(spool);

	const meterPoints = new Map<string, Point>();
	const selfPoints: Point[] = [];
	let failed = 0;
	let writerDown = false;
	let pendingLines = 0;
	const write = (meter: string, points: readonly Point[]) => {
		for (const point of points) {
			meterPoints.set(pointKey(point), point);
			spool.pendingBytes += formatLineProtocol(point).length + 1;
		}
		pendingLines += points.length;
		metrics.recordPointsWritten(meter, points.length);
	};

	const slots = days * SLOTS_PER_DAY;
	for (let slot = 0; slot < slots; slot++) {
		const {quarterMs: startMs, composedMs, meterClockMs} = zmd120Slot(slot);
		const day = Math.floor(slot / SLOTS_PER_DAY);
		hostNow = composedMs;

		const failure = failureAt(slot);
		if (failure === undefined) {
			// The history repeats the same points all month; the day's first readout brings it.
			const profile = slot % SLOTS_PER_DAY === 0 ? zmdVerbose : zmd;
			const plan = {mode: 'C' as const, baudRate: day === RATE_MISMATCH_DAY ? 4800 : 9600};
			const result = readoutResult(
				FIXTURE_METER,
				profile.dataMessage(meterClockMs),
				zmdIdentification,
				composedMs,
				plan,
				BEFORE_DATA_MS,
			);
			const {readAt} = result;
			hostNow = readAt.getTime();
			metrics.recordPlan(FIXTURE_METER, plan);
			metrics.recordReadout(FIXTURE_METER, result);
			const mapped = mapReading(
				{readAt, identification: zmdIdentification, dataSets: result.parsed.dataSets},
				{meterId: FIXTURE_METER, timeZone: FIXTURE_TIME_ZONE},
			);
			write(FIXTURE_METER, mapped.points);
		} else {
			failed++;
			metrics.recordFailure(
				FIXTURE_METER,
				new ReadoutError(FIXTURE_METER, failure.phase, failure.failure, `simulated ${failure.failure}`),
			);
		}

		// The DSMR meter pushes on its own; the collector keeps one telegram an hour (its gas value is hourly).
		if (slot % 4 === 0) {
			const dsmrBytes = encodeTelegram(
				{identification: dsmrIdentification, lines: dsmrLines(dsmrModel, startMs)},
				{framing: 'dsmr'},
			);
			const dsmrAt = startMs + 1000;
			const dsmrPlan = {mode: 'D' as const, baudRate: DSMR_BAUD_RATE};
			const dsmrResult = readoutResult(
				FIXTURE_DSMR_METER,
				dsmrBytes,
				dsmrIdentification,
				dsmrAt,
				dsmrPlan,
				0,
			);
			hostNow = dsmrResult.readAt.getTime();
			metrics.recordPlan(FIXTURE_DSMR_METER, dsmrPlan);
			metrics.recordReadout(FIXTURE_DSMR_METER, dsmrResult);
			write(
				FIXTURE_DSMR_METER,
				mapReading(
					{
						readAt: dsmrResult.readAt,
						identification: dsmrIdentification,
						dataSets: dsmrResult.parsed.dataSets,
					},
					{meterId: FIXTURE_DSMR_METER, timeZone: FIXTURE_TIME_ZONE},
				).points,
			);
		}

		// The write path: the spool drains at once, unless the database is away.
		const utcHour = new Date(startMs).getUTCHours();
		const outage = day === OUTAGE_DAY && utcHour >= 8 && utcHour < 11;
		if (outage && !writerDown) {
			const error = new InfluxWriteError('connect ECONNREFUSED 127.0.0.1:8086', {disposition: 'retry'});
			metrics.recordSpoolEvent({kind: 'unavailable', error, retryInMs: 5000});
		}
		if (!outage && writerDown)
			metrics.recordSpoolEvent({kind: 'recovered', afterAttempts: 12, sentLines: 1, waitingLines: 0});
		writerDown = outage;
		if (!outage) {
			metrics.recordSpoolEvent({kind: 'sent', lines: pendingLines});
			spool.pendingBytes = 0;
			pendingLines = 0;
		}
		// Self-metrics every hour (the collector's self_metrics.every is a minute; an hour keeps 90 days small).
		if (slot % 4 === 3) selfPoints.push(...metrics.toPoints('dlms_logger', new Date(startMs + 30_000)));
	}
	const points = [...meterPoints.values()];
	return {
		lines: [...points, ...selfPoints].map(formatLineProtocol),
		readouts: slots,
		failedReadouts: failed,
		points,
	};
}
