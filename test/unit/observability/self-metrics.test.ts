import {describe, expect, it} from 'vitest';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';
import type {BlockCheck} from '../../../src/iec62056/frame.ts';
import {meterClockOffsetSeconds} from '../../../src/observability/meter-clock-offset.ts';
import {escapeLabelValue} from '../../../src/observability/prometheus-text.ts';
import {SelfMetrics} from '../../../src/observability/self-metrics.ts';
import {InfluxWriteError} from '../../../src/output/influx-write-error.ts';
import {ReadoutError, type ReadoutFailure} from '../../../src/readout/readout-errors.ts';
import type {ReadoutResult, ReadoutTimings} from '../../../src/readout/readout-session.ts';

const START = new Date('2024-05-04T11:00:00Z');
const TIMINGS: ReadoutTimings = {
	signOnMs: 100,
	identificationMs: 250,
	switchMs: 300,
	dataMs: 1500,
	totalMs: 2150,
};

function readout(
	options: {
		text?: string;
		readAt?: Date;
		timings?: ReadoutTimings;
		check?: BlockCheck;
		baudRate?: number;
	} = {},
): ReadoutResult {
	const text = options.text ?? '1.8.1(000123.4*kWh)\r\n!\r\n';
	const check = options.check ?? {algorithm: 'bcc', ok: true, expected: 0x12, received: 0x12};
	return {
		place: '/dev/ttyUSB0',
		readAt: options.readAt ?? new Date('2024-05-04T11:45:00Z'),
		mode: 'C',
		baudRate: options.baudRate ?? 9600,
		timings: options.timings ?? TIMINGS,
		raw: Buffer.from(text, 'latin1'),
		block: {
			kind: 'data-block',
			framing: 'stx',
			text,
			terminator: 'etx',
			check,
			highBitBytes: 0,
			parityErrors: 0,
			bytes: Buffer.from(text, 'latin1'),
		},
		check,
		parsed: parseDataBlock(text),
		plan: {mode: 'C', baudRate: options.baudRate ?? 9600},
		fellBack: false,
	};
}

const failure = (kind: ReadoutFailure) => new ReadoutError('/dev/ttyUSB0', 'data', kind, `a ${kind}`);

function metrics() {
	let now = START;
	const self = new SelfMetrics({clock: () => now});
	return {self, setNow: (date: Date) => (now = date)};
}

/** The value of one sample, found by family name and labels. */
function sample(self: SelfMetrics, name: string, labels: Record<string, string>): number | undefined {
	const family = self.families().find((candidate) => candidate.name === `dlms_logger_${name}`);
	return family?.samples.find((entry) =>
		Object.entries(labels).every(([key, value]) => entry.labels[key] === value),
	)?.value;
}

describe('SelfMetrics counters', () => {
	it('shows an added meter at zero before its first readout', () => {
		const {self} = metrics();
		self.addMeter('house');
		expect(sample(self, 'readouts_total', {meter: 'house', result: 'ok'})).toBe(0);
		expect(sample(self, 'readout_failures_total', {meter: 'house', failure: 'garbage'})).toBe(0);
		expect(sample(self, 'meter_clock_offset_seconds', {meter: 'house'})).toBeUndefined();
		expect(sample(self, 'last_success_timestamp_seconds', {meter: 'house'})).toBeUndefined();
	});

	it('counts good readouts, their phase durations (last and total) and the last success', () => {
		const {self} = metrics();
		self.recordReadout('house', readout({readAt: new Date('2024-05-04T11:45:00Z')}));
		self.recordReadout(
			'house',
			readout({
				readAt: new Date('2024-05-04T11:46:00Z'),
				timings: {signOnMs: 50, identificationMs: 200, switchMs: 300, dataMs: 1000, totalMs: 1550},
			}),
		);
		expect(sample(self, 'readouts_total', {meter: 'house', result: 'ok'})).toBe(2);
		expect(sample(self, 'readout_phase_last_seconds', {meter: 'house', phase: 'sign-on'})).toBe(0.05);
		expect(sample(self, 'readout_phase_last_seconds', {meter: 'house', phase: 'total'})).toBe(1.55);
		expect(sample(self, 'readout_phase_seconds_total', {meter: 'house', phase: 'identification'})).toBe(0.45);
		expect(sample(self, 'readout_phase_seconds_total', {meter: 'house', phase: 'switch'})).toBe(0.6);
		expect(sample(self, 'readout_phase_seconds_total', {meter: 'house', phase: 'data'})).toBe(2.5);
		expect(sample(self, 'readout_phase_seconds_total', {meter: 'house', phase: 'total'})).toBe(3.7);
		expect(self.lastSuccessAt('house')).toEqual(new Date('2024-05-04T11:46:00Z'));
		expect(sample(self, 'last_success_timestamp_seconds', {meter: 'house'})).toBe(
			Date.parse('2024-05-04T11:46:00Z') / 1000,
		);
	});

	it('counts failures by every kind, and their sum as failed readouts', () => {
		const {self} = metrics();
		const kinds: ReadoutFailure[] = [
			'no-answer',
			'timeout',
			'block-check',
			'truncated',
			'garbage',
			'link',
			'aborted',
		];
		kinds.forEach((kind, index) => {
			for (let count = 0; count <= index; count++) self.recordFailure('house', failure(kind));
		});
		kinds.forEach((kind, index) => {
			expect(sample(self, 'readout_failures_total', {meter: 'house', failure: kind})).toBe(index + 1);
		});
		expect(sample(self, 'readouts_total', {meter: 'house', result: 'failed'})).toBe(28);
		expect(sample(self, 'readouts_total', {meter: 'house', result: 'ok'})).toBe(0);
	});

	it('remembers the last failure with its time, phase and kind', () => {
		const {self, setNow} = metrics();
		setNow(new Date('2024-05-04T12:00:00Z'));
		self.recordFailure('house', new ReadoutError('/dev/ttyUSB0', 'identification', 'no-answer', 'silence'));
		expect(self.lastFailureOf('house')).toMatchObject({
			at: new Date('2024-05-04T12:00:00Z'),
			phase: 'identification',
			failure: 'no-answer',
		});
	});

	it('counts BCC errors from failed readouts and from blocks let through with a wrong check', () => {
		const {self} = metrics();
		self.recordFailure('house', failure('block-check'));
		self.recordFailure('house', failure('timeout'));
		self.recordReadout(
			'house',
			readout({check: {algorithm: 'bcc', ok: false, expected: 0x12, received: 0x34}}),
		);
		self.recordReadout('house', readout());
		expect(sample(self, 'block_check_errors_total', {meter: 'house'})).toBe(2);
	});

	it('exports the mode and data rate of the last good readout and counts changes of plan', () => {
		const {self} = metrics();
		self.recordPlan('house', {mode: 'C', baudRate: 9600});
		self.recordPlan('house', {mode: 'C', baudRate: 9600});
		expect(sample(self, 'readout_baud_rate', {meter: 'house', mode: 'C'})).toBe(9600);
		expect(sample(self, 'plan_changes_total', {meter: 'house'})).toBe(0);
		self.recordPlan('house', {mode: 'A', baudRate: 300});
		expect(sample(self, 'readout_baud_rate', {meter: 'house', mode: 'A'})).toBe(300);
		expect(sample(self, 'readout_baud_rate', {meter: 'house', mode: 'C'})).toBeUndefined();
		expect(sample(self, 'plan_changes_total', {meter: 'house'})).toBe(1);
		expect(self.planOf('house')).toEqual({mode: 'A', baudRate: 300});
		expect(() => self.recordPlan('house', {mode: 'C', baudRate: 0})).toThrow(TypeError);
	});

	it('counts skipped ticks per meter', () => {
		const {self} = metrics();
		self.recordSkipped('house');
		self.recordSkipped('house');
		self.recordSkipped('garage');
		expect(sample(self, 'readouts_total', {meter: 'house', result: 'skipped'})).toBe(2);
		expect(sample(self, 'readouts_total', {meter: 'garage', result: 'skipped'})).toBe(1);
	});

	it('counts points written per meter', () => {
		const {self} = metrics();
		self.recordPointsWritten('house', 12);
		self.recordPointsWritten('house', 3);
		expect(sample(self, 'points_written_total', {meter: 'house'})).toBe(15);
		expect(() => self.recordPointsWritten('house', -1)).toThrow(/count must be a whole number/);
	});

	it('follows the spool: lines sent, dead-lettered, outages and recovery', () => {
		const {self} = metrics();
		const error = new InfluxWriteError('503', {disposition: 'retry'});
		self.recordSpoolEvent({kind: 'sent', lines: 100});
		self.recordSpoolEvent({kind: 'unavailable', error, retryInMs: 1000});
		expect(sample(self, 'writer_up', {})).toBe(0);
		self.recordSpoolEvent({kind: 'recovered', afterAttempts: 3, sentLines: 1, waitingLines: 0});
		self.recordSpoolEvent({kind: 'sent', lines: 20});
		self.recordSpoolEvent({
			kind: 'dead-letter',
			lines: 1,
			error: new InfluxWriteError('400', {disposition: 'dead-letter'}),
			file: '/spool/dead-letter.lp',
		});
		expect(sample(self, 'points_sent_total', {})).toBe(120);
		expect(sample(self, 'spool_dead_lettered_lines_total', {})).toBe(1);
		expect(sample(self, 'writer_outages_total', {})).toBe(1);
		expect(sample(self, 'writer_up', {})).toBe(1);
	});

	it('counts as sent only the lines of a batch the database took, not those it refused as bad data', () => {
		const {self} = metrics();
		self.recordSpoolEvent({
			kind: 'dead-letter',
			lines: 2,
			error: new InfluxWriteError('400', {disposition: 'dead-letter'}),
			file: '/spool/dead-letter.lp',
		});
		self.recordSpoolEvent({kind: 'sent', lines: 20, refused: 2});
		expect(sample(self, 'points_sent_total', {})).toBe(18);
		expect(sample(self, 'spool_dead_lettered_lines_total', {})).toBe(2);
	});

	it('keeps a histogram of how long the database took to acknowledge each batch', () => {
		const {self} = metrics();
		self.recordSpoolEvent({kind: 'sent', lines: 10, durationMs: 4});
		self.recordSpoolEvent({kind: 'sent', lines: 10, durationMs: 80});
		self.recordSpoolEvent({kind: 'sent', lines: 10, durationMs: 3000});
		// A batch whose time was not measured counts as sent, not as a write of 0 s.
		self.recordSpoolEvent({kind: 'sent', lines: 10});
		const family = self
			.families()
			.find((candidate) => candidate.name === 'dlms_logger_write_duration_seconds');
		expect(family?.type).toBe('histogram');
		const value = (suffix: string, le?: string) =>
			family?.samples.find((entry) => entry.suffix === suffix && entry.labels['le'] === le)?.value;
		expect([value('_bucket', '0.005'), value('_bucket', '0.1'), value('_bucket', '5')]).toEqual([1, 2, 3]);
		expect(value('_count')).toBe(3);
		expect(value('_sum')).toBeCloseTo(3.084);
		expect(self.toPrometheus()).toMatch(/^dlms_logger_write_duration_seconds_bucket\{le="\+Inf"\} 3$/m);
		expect(self.toPoints(undefined, START)).toContainEqual(
			expect.objectContaining({tags: {metric: 'write_duration_seconds_count'}, fields: {value: 3}}),
		);
	});

	it('reads the spool depth at export time', () => {
		const {self} = metrics();
		expect(sample(self, 'spool_pending_bytes', {})).toBe(0);
		const spool = {pendingBytes: 10, dropped: 0};
		self.observeSpool(spool);
		spool.pendingBytes = 4096;
		spool.dropped = 7;
		expect(sample(self, 'spool_pending_bytes', {})).toBe(4096);
		expect(sample(self, 'spool_dropped_lines_total', {})).toBe(7);
	});

	it('measures the clock offset of a meter with a time zone, against the time the block was sent', () => {
		const {self} = metrics();
		self.addMeter('house', {timeZone: 'Europe/Berlin'});
		// 13:46:30 CEST = 11:46:30 UTC; the block (padded to 3000 bytes) takes 100 s at 300 Bd, so it was
		// composed at 11:45:00 host time: the meter is 90 s fast.
		const head = '0.9.1(134630)\r\n0.9.2(240504)\r\n';
		const text = `${head}${'C.1.0(12345678)\r\n'.repeat(150)}!\r\n`.padEnd(3000, '\n');
		const result = readout({text, baudRate: 300, readAt: new Date('2024-05-04T11:46:40Z')});
		expect(result.block.bytes.length).toBe(3000);
		self.recordReadout('house', result);
		expect(self.clockOffsetSecondsOf('house')).toBe(90);
		expect(sample(self, 'meter_clock_offset_seconds', {meter: 'house'})).toBe(90);
	});

	it('measures no clock offset without a time zone', () => {
		const {self} = metrics();
		self.recordReadout('house', readout({text: '0.9.1(134630)\r\n0.9.2(240504)\r\n!\r\n'}));
		expect(self.clockOffsetSecondsOf('house')).toBeUndefined();
	});

	it('rejects a bad meter id or time zone with a TypeError', () => {
		const {self} = metrics();
		expect(() => self.addMeter('')).toThrow(/meterId must be a non-empty string/);
		expect(() => self.addMeter('house', {timeZone: 'Mars/Olympus'})).toThrow(
			/time zone must be an IANA name/,
		);
	});
});

describe('meterClockOffsetSeconds', () => {
	const sets = (time: string, date: string) =>
		parseDataBlock(`0.9.1(${time})\r\n1-1:0.9.2(${date})\r\n!\r\n`).dataSets;
	const berlin = 'Europe/Berlin';

	it('is 90 for a meter 90 s fast, -30 for one 30 s slow', () => {
		// 13:45:00 CEST
		const host = new Date('2024-05-04T11:45:00Z');
		expect(meterClockOffsetSeconds(sets('134630', '240504'), host, berlin)).toBe(90);
		expect(meterClockOffsetSeconds(sets('134430', '240504'), host, berlin)).toBe(-30);
	});

	it('is 0 after the spring change for a meter that switched, -3600 for one that did not', () => {
		// 2024-03-31 04:00 CEST = 02:00 UTC
		const host = new Date('2024-03-31T02:00:00Z');
		expect(meterClockOffsetSeconds(sets('040000', '240331'), host, berlin)).toBe(0);
		expect(meterClockOffsetSeconds(sets('030000', '240331'), host, berlin)).toBe(-3600);
	});

	it('is 0 on both passes through the repeated autumn hour', () => {
		// 02:30 CEST (00:30 UTC), then 02:30 CET (01:30 UTC), both shown as 02:30 by the meter.
		expect(meterClockOffsetSeconds(sets('023000', '241027'), new Date('2024-10-27T00:30:00Z'), berlin)).toBe(
			0,
		);
		expect(meterClockOffsetSeconds(sets('023000', '241027'), new Date('2024-10-27T01:30:00Z'), berlin)).toBe(
			0,
		);
	});

	it('is 90 for a meter 90 s fast during the second pass of the autumn hour', () => {
		expect(meterClockOffsetSeconds(sets('023130', '241027'), new Date('2024-10-27T01:30:00Z'), berlin)).toBe(
			90,
		);
	});

	it('honours a season digit on the time register', () => {
		// Summer 02:30 is 00:30 UTC: against the host's second pass (01:30 UTC) the meter is an hour slow.
		expect(meterClockOffsetSeconds(sets('1023000', '241027'), new Date('2024-10-27T01:30:00Z'), berlin)).toBe(
			-3600,
		);
	});

	it('is undefined without both registers or with a placeholder date', () => {
		const host = new Date('2024-05-04T11:45:00Z');
		expect(
			meterClockOffsetSeconds(parseDataBlock('0.9.1(134630)\r\n!\r\n').dataSets, host, berlin),
		).toBeUndefined();
		expect(meterClockOffsetSeconds(sets('134630', '000000'), host, berlin)).toBeUndefined();
	});
});

describe('SelfMetrics.toPrometheus', () => {
	it('writes the text exposition format exactly', () => {
		const {self} = metrics();
		self.recordReadout('house', readout({readAt: new Date('2024-05-04T11:45:00Z')}));
		self.recordFailure('house', failure('no-answer'));
		self.recordPlan('house', {mode: 'C', baudRate: 9600});
		self.recordPointsWritten('house', 2);
		self.recordSpoolEvent({kind: 'sent', lines: 2, durationMs: 20});
		expect(
			self.toPrometheus(),
		).toBe(`# HELP dlms_logger_readouts_total Readouts by result: ok, failed, or skipped because the previous one was still running.
# TYPE dlms_logger_readouts_total counter
dlms_logger_readouts_total{meter="house",result="ok"} 1
dlms_logger_readouts_total{meter="house",result="failed"} 1
dlms_logger_readouts_total{meter="house",result="skipped"} 0
# HELP dlms_logger_readout_failures_total Failed readouts by failure kind.
# TYPE dlms_logger_readout_failures_total counter
dlms_logger_readout_failures_total{meter="house",failure="no-answer"} 1
dlms_logger_readout_failures_total{meter="house",failure="timeout"} 0
dlms_logger_readout_failures_total{meter="house",failure="block-check"} 0
dlms_logger_readout_failures_total{meter="house",failure="truncated"} 0
dlms_logger_readout_failures_total{meter="house",failure="garbage"} 0
dlms_logger_readout_failures_total{meter="house",failure="rate-mismatch"} 0
dlms_logger_readout_failures_total{meter="house",failure="link"} 0
dlms_logger_readout_failures_total{meter="house",failure="aborted"} 0
# HELP dlms_logger_block_check_errors_total Data blocks whose BCC or CRC was wrong.
# TYPE dlms_logger_block_check_errors_total counter
dlms_logger_block_check_errors_total{meter="house"} 0
# HELP dlms_logger_readout_phase_last_seconds Duration of each phase of the last good readout.
# TYPE dlms_logger_readout_phase_last_seconds gauge
dlms_logger_readout_phase_last_seconds{meter="house",phase="sign-on"} 0.1
dlms_logger_readout_phase_last_seconds{meter="house",phase="identification"} 0.25
dlms_logger_readout_phase_last_seconds{meter="house",phase="switch"} 0.3
dlms_logger_readout_phase_last_seconds{meter="house",phase="data"} 1.5
dlms_logger_readout_phase_last_seconds{meter="house",phase="total"} 2.15
# HELP dlms_logger_readout_phase_seconds_total Time spent in each phase over all good readouts.
# TYPE dlms_logger_readout_phase_seconds_total counter
dlms_logger_readout_phase_seconds_total{meter="house",phase="sign-on"} 0.1
dlms_logger_readout_phase_seconds_total{meter="house",phase="identification"} 0.25
dlms_logger_readout_phase_seconds_total{meter="house",phase="switch"} 0.3
dlms_logger_readout_phase_seconds_total{meter="house",phase="data"} 1.5
dlms_logger_readout_phase_seconds_total{meter="house",phase="total"} 2.15
# HELP dlms_logger_readout_baud_rate Data rate of the last good readout in Bd, labelled with its protocol mode.
# TYPE dlms_logger_readout_baud_rate gauge
dlms_logger_readout_baud_rate{meter="house",mode="C"} 9600
# HELP dlms_logger_plan_changes_total Times the mode or data rate a meter is read with changed.
# TYPE dlms_logger_plan_changes_total counter
dlms_logger_plan_changes_total{meter="house"} 0
# HELP dlms_logger_points_written_total Points handed to the sink.
# TYPE dlms_logger_points_written_total counter
dlms_logger_points_written_total{meter="house"} 2
# HELP dlms_logger_meter_clock_offset_seconds The meter's clock minus the host's at the last readout (positive: the meter is fast).
# TYPE dlms_logger_meter_clock_offset_seconds gauge
# HELP dlms_logger_last_success_timestamp_seconds When the last good readout completed, Unix time.
# TYPE dlms_logger_last_success_timestamp_seconds gauge
dlms_logger_last_success_timestamp_seconds{meter="house"} 1714823100
# HELP dlms_logger_spool_pending_bytes Bytes in the spool not yet acknowledged by the database.
# TYPE dlms_logger_spool_pending_bytes gauge
dlms_logger_spool_pending_bytes 0
# HELP dlms_logger_spool_dropped_lines_total Lines dropped at the spool's size bound.
# TYPE dlms_logger_spool_dropped_lines_total counter
dlms_logger_spool_dropped_lines_total 0
# HELP dlms_logger_spool_dead_lettered_lines_total Lines the database refused as bad data, set aside in the dead-letter file.
# TYPE dlms_logger_spool_dead_lettered_lines_total counter
dlms_logger_spool_dead_lettered_lines_total 0
# HELP dlms_logger_points_sent_total Lines the database acknowledged.
# TYPE dlms_logger_points_sent_total counter
dlms_logger_points_sent_total 2
# HELP dlms_logger_write_duration_seconds Time from sending a batch to the database until it acknowledged it (2xx).
# TYPE dlms_logger_write_duration_seconds histogram
dlms_logger_write_duration_seconds_bucket{le="0.005"} 0
dlms_logger_write_duration_seconds_bucket{le="0.01"} 0
dlms_logger_write_duration_seconds_bucket{le="0.025"} 1
dlms_logger_write_duration_seconds_bucket{le="0.05"} 1
dlms_logger_write_duration_seconds_bucket{le="0.1"} 1
dlms_logger_write_duration_seconds_bucket{le="0.25"} 1
dlms_logger_write_duration_seconds_bucket{le="0.5"} 1
dlms_logger_write_duration_seconds_bucket{le="1"} 1
dlms_logger_write_duration_seconds_bucket{le="2.5"} 1
dlms_logger_write_duration_seconds_bucket{le="5"} 1
dlms_logger_write_duration_seconds_bucket{le="10"} 1
dlms_logger_write_duration_seconds_bucket{le="+Inf"} 1
dlms_logger_write_duration_seconds_sum 0.02
dlms_logger_write_duration_seconds_count 1
# HELP dlms_logger_writer_outages_total Times the database became unavailable.
# TYPE dlms_logger_writer_outages_total counter
dlms_logger_writer_outages_total 0
# HELP dlms_logger_writer_up 1 while the database accepts writes, 0 while the writer waits to retry.
# TYPE dlms_logger_writer_up gauge
dlms_logger_writer_up 1
# HELP dlms_logger_start_time_seconds When the process started, Unix time.
# TYPE dlms_logger_start_time_seconds gauge
dlms_logger_start_time_seconds 1714820400
`);
	});

	it('escapes backslash, double quote and line feed in label values', () => {
		expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
		const {self} = metrics();
		self.recordSkipped('cellar "north"\\2');
		expect(self.toPrometheus()).toContain(
			'dlms_logger_readouts_total{meter="cellar \\"north\\"\\\\2",result="skipped"} 1',
		);
	});

	it('lists meters in name order', () => {
		const {self} = metrics();
		self.recordSkipped('b');
		self.recordSkipped('a');
		const text = self.toPrometheus();
		expect(text.indexOf('meter="a"')).toBeLessThan(text.indexOf('meter="b"'));
	});
});

describe('SelfMetrics.toPoints', () => {
	it('writes one point per series: tags meter, metric and labels; a float value; whole-second time', () => {
		const {self} = metrics();
		self.addMeter('house', {timeZone: 'Europe/Berlin'});
		self.recordReadout('house', readout({text: '0.9.1(134630)\r\n0.9.2(240504)\r\n!\r\n'}));
		const points = self.toPoints(undefined, new Date('2024-05-04T12:00:00.750Z'));
		expect(points.every((point) => point.measurement === 'dlms_logger')).toBe(true);
		expect(points.every((point) => point.time.getTime() === Date.parse('2024-05-04T12:00:00Z'))).toBe(true);
		expect(points).toContainEqual({
			measurement: 'dlms_logger',
			tags: {meter: 'house', result: 'ok', metric: 'readouts_total'},
			fields: {value: 1},
			time: new Date('2024-05-04T12:00:00Z'),
		});
		expect(points).toContainEqual(
			expect.objectContaining({
				tags: {meter: 'house', metric: 'meter_clock_offset_seconds'},
				fields: {value: 90},
			}),
		);
		expect(points).toContainEqual(
			expect.objectContaining({tags: {metric: 'points_sent_total'}, fields: {value: 0}}),
		);
		const perMeter = points.filter(({tags: {meter}}) => meter === 'house');
		const process = points.filter((point) => !('meter' in point.tags));
		// readouts 3, failure kinds 8, block checks 1, phases 5 + 5, plan changes 1, points 1, clock 1, last success 1
		expect(perMeter).toHaveLength(3 + 8 + 1 + 5 + 5 + 1 + 1 + 1 + 1);
		// 7 gauges and counters, and the write time histogram: 11 buckets, +Inf, sum and count.
		expect(process).toHaveLength(7 + 14);
	});

	it('adds the tags given to every point, under the series labels', () => {
		const {self} = metrics();
		self.addMeter('house');
		const points = self.toPoints(undefined, START, {instance: 'cellar-a'});
		expect(points.every((point) => point.tags['instance'] === 'cellar-a')).toBe(true);
		expect(points).toContainEqual(
			expect.objectContaining({tags: {instance: 'cellar-a', metric: 'writer_up'}, fields: {value: 1}}),
		);
	});

	it('uses the measurement given', () => {
		const {self} = metrics();
		expect(self.toPoints('collector', START).every((point) => point.measurement === 'collector')).toBe(true);
	});
});
