import {describe, expect, it} from 'vitest';
import {CaptureTimeError} from '../../../src/cli/capture-times.ts';
import {StreamingCaptureTimes} from '../../../src/cli/streaming-capture-times.ts';
import type {DecodedTelegram} from '../../../src/iec62056/capture-decoder.ts';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';

const telegram = (text: string): DecodedTelegram => ({
	...parseDataBlock(text),
	framing: 'text',
	check: {algorithm: 'none', ok: true},
	bytes: Buffer.from(text),
});
const dated = (time: string) => telegram(`0.9.1(${time})\r\n0.9.2(260115)\r\n1.8.1(1*kWh)\r\n!\r\n`);
const undated = () => telegram('1.8.1(1*kWh)\r\n!\r\n');
const fallback = new Date('2026-02-01T00:00:00Z');

describe('StreamingCaptureTimes', () => {
	it('stamps each telegram with its own meter clock, at once', () => {
		const times = new StreamingCaptureTimes({timeZone: 'UTC', fallback});
		expect(times.next(dated('120000')).map((timed) => timed.readAt.toISOString())).toEqual([
			'2026-01-15T12:00:00.000Z',
		]);
		expect(times.next(dated('120100'))).toHaveLength(1);
		expect(times.finish().ready).toEqual([]);
	});

	it('holds an undated first telegram, and stamps it with the fallback when it stays the only one', () => {
		const times = new StreamingCaptureTimes({timeZone: 'UTC', fallback});
		expect(times.next(undated())).toEqual([]);
		expect(times.finish().ready.map((timed) => timed.readAt)).toEqual([fallback]);
	});

	it('writes the dated ones of several and refuses the undated at the end, counting them', () => {
		const times = new StreamingCaptureTimes({timeZone: 'UTC', fallback});
		expect(times.next(undated())).toEqual([]);
		expect(times.next(dated('120000'))).toHaveLength(1);
		expect(times.next(undated())).toEqual([]);
		expect(() => times.finish()).toThrow(CaptureTimeError);
		try {
			times.finish();
		} catch (error) {
			expect((error as CaptureTimeError).undated).toBe(2);
			expect((error as Error).message).toMatch(/^2 of 3 telegrams carry no time of their own/);
		}
	});

	it('stamps everything at --read-at, warning at the end when that is several telegrams', () => {
		const readAt = new Date('2026-03-01T00:00:00Z');
		const times = new StreamingCaptureTimes({readAt, timeZone: 'UTC', fallback});
		expect(times.next(undated())[0]?.readAt).toBe(readAt);
		expect(times.next(dated('120000'))[0]?.readAt).toBe(readAt);
		expect(times.finish().warnings).toEqual([
			'--read-at stamps all 2 telegrams at one time: in a database the last one overwrites the others',
		]);
	});
});
