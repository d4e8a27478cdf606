import {describe, expect, it} from 'vitest';
import {CaptureTimeError, captureTimes} from '../../../src/cli/capture-times.ts';
import {dataSetsOf} from '../../helpers/data-block-lines.ts';

const telegram = (...lines: string[]) => ({
	dataSets: dataSetsOf(...lines),
});
const ZONE = 'Europe/Berlin';
const FILE_TIME = new Date('2024-11-13T15:00:00Z');

describe('captureTimes', () => {
	it('stamps each DSMR telegram with its own clock 0-0:1.0.0', () => {
		const telegrams = [10, 20, 30].map((second) =>
			telegram(`0-0:1.0.0(2411131500${second}W)`, '1-0:1.8.1(1*kWh)'),
		);
		const {times, warnings} = captureTimes(telegrams, {timeZone: ZONE, fallback: FILE_TIME});
		expect(times.map((time) => time.toISOString())).toEqual([
			'2024-11-13T14:00:10.000Z',
			'2024-11-13T14:00:20.000Z',
			'2024-11-13T14:00:30.000Z',
		]);
		expect(warnings).toEqual([]);
	});

	it('combines the IEC time 0.9.1 with the date 0.9.2, as the ZMD120 sends them', () => {
		const {times} = captureTimes(
			[telegram('0.9.1(160353)', '0.9.2(160511)'), telegram('0.9.1(161353)', '0.9.2(160511)')],
			{
				timeZone: ZONE,
				fallback: FILE_TIME,
			},
		);
		expect(times.map((time) => time.toISOString())).toEqual([
			'2016-05-11T14:03:53.000Z',
			'2016-05-11T14:13:53.000Z',
		]);
	});

	it('lets --read-at win, and warns when it stamps several telegrams alike', () => {
		const readAt = new Date('2024-01-01T00:00:00Z');
		const {times, warnings} = captureTimes(
			[telegram('0.9.1(160353)', '0.9.2(160511)'), telegram('1.8.0(1)')],
			{
				readAt,
				timeZone: ZONE,
				fallback: FILE_TIME,
			},
		);
		expect(times).toEqual([readAt, readAt]);
		expect(warnings[0]).toMatch(/2 telegrams at one time/);
		expect(
			captureTimes([telegram('1.8.0(1)')], {readAt, timeZone: ZONE, fallback: FILE_TIME}).warnings,
		).toEqual([]);
	});

	it('prefers a receive time the source recorded to the meter clock', () => {
		const received = new Date('2024-11-13T14:00:11Z');
		const {times} = captureTimes([telegram('0-0:1.0.0(241113150010W)')], {
			receivedAt: [received],
			timeZone: ZONE,
			fallback: FILE_TIME,
		});
		expect(times).toEqual([received]);
	});

	it('takes the file time for a single telegram without a clock', () => {
		expect(captureTimes([telegram('1.8.0(1)')], {timeZone: ZONE, fallback: FILE_TIME}).times).toEqual([
			FILE_TIME,
		]);
	});

	it('refuses several telegrams of which some carry no time, rather than stamping them alike', () => {
		expect(() =>
			captureTimes([telegram('0-0:1.0.0(241113150010W)'), telegram('1.8.0(1)'), telegram('1.8.0(2)')], {
				timeZone: ZONE,
				fallback: FILE_TIME,
			}),
		).toThrow(CaptureTimeError);
		expect(() =>
			captureTimes([telegram('1.8.0(1)'), telegram('1.8.0(2)')], {timeZone: ZONE, fallback: FILE_TIME}),
		).toThrow(/2 of 2 telegrams carry no time of their own.*--read-at/);
	});
});
