import {describe, expect, it} from 'vitest';
import {formatMeterTime, NO_TIME, parseMeterTime} from '../../../src/iec62056/meter-time.ts';

describe('parseMeterTime digit stamps', () => {
	it('reads ZST10 `1702090945` as 2017-02-09 09:45', () => {
		expect(parseMeterTime('1702090945')).toEqual({
			format: 'ZST10',
			year: 2017,
			month: 2,
			day: 9,
			hour: 9,
			minute: 45,
			second: 0,
		});
	});

	it('reads ZST12 `161113205757` with seconds', () => {
		expect(parseMeterTime('161113205757')).toEqual({
			format: 'ZST12',
			year: 2016,
			month: 11,
			day: 13,
			hour: 20,
			minute: 57,
			second: 57,
		});
	});

	it('reads D6 `170214` as a date by default', () => {
		expect(parseMeterTime('170214')).toEqual({format: 'D6', year: 2017, month: 2, day: 14});
	});

	it('reads Z6 `155420` as a time of day with the time hint', () => {
		expect(parseMeterTime('155420', 'time')).toEqual({format: 'Z6', hour: 15, minute: 54, second: 20});
	});

	it('reads Z4 `1530` as hh:mm', () => {
		expect(parseMeterTime('1530')).toEqual({format: 'Z4', hour: 15, minute: 30, second: 0});
	});

	it('reads Z4 `0000` as midnight, not as a missing time', () => {
		expect(parseMeterTime('0000')).toEqual({format: 'Z4', hour: 0, minute: 0, second: 0});
	});

	it('reads Z6 `000000` with the time hint as midnight', () => {
		expect(parseMeterTime('000000', 'time')).toEqual({format: 'Z6', hour: 0, minute: 0, second: 0});
	});

	it('ignores spaces around the stamp', () => {
		expect(parseMeterTime(' 1702090945 ')).toMatchObject({format: 'ZST10', year: 2017});
	});
});

describe('parseMeterTime season digit', () => {
	it('reads `0170318` as season 0 (standard time) + D6 2017-03-18', () => {
		expect(parseMeterTime('0170318')).toEqual({
			format: 'D6',
			year: 2017,
			month: 3,
			day: 18,
			season: 'standard',
		});
	});

	it('reads `1140716101053` as season 1 (summer time) + ZST12 2014-07-16 10:10:53', () => {
		expect(parseMeterTime('1140716101053')).toEqual({
			format: 'ZST12',
			year: 2014,
			month: 7,
			day: 16,
			hour: 10,
			minute: 10,
			second: 53,
			season: 'summer',
		});
	});

	it('reads the EMH ITZ `0180105115851` as standard time in January', () => {
		expect(parseMeterTime('0180105115851')).toMatchObject({month: 1, day: 5, season: 'standard'});
	});

	it('reads season digit 2 as UTC', () => {
		expect(parseMeterTime('2170318')).toMatchObject({season: 'utc'});
	});

	it('rejects a season digit other than 0, 1 or 2', () => {
		expect(parseMeterTime('5170318')).toBeUndefined();
	});
});

describe('parseMeterTime DSMR and ISO', () => {
	it('reads DSMR `101209113020W` as winter (standard) time', () => {
		expect(parseMeterTime('101209113020W')).toEqual({
			format: 'DSMR',
			year: 2010,
			month: 12,
			day: 9,
			hour: 11,
			minute: 30,
			second: 20,
			season: 'standard',
		});
	});

	it('reads DSMR `…S` as summer time', () => {
		expect(parseMeterTime('230618200000S')).toMatchObject({format: 'DSMR', month: 6, season: 'summer'});
	});

	it('reads ISO date and time separated by a space', () => {
		expect(parseMeterTime('2021-07-12 22:20:17')).toEqual({
			format: 'ISO',
			year: 2021,
			month: 7,
			day: 12,
			hour: 22,
			minute: 20,
			second: 17,
		});
	});

	it('reads ISO date and time separated by `&` (Siemens 2WR5)', () => {
		expect(parseMeterTime('2017-01-18&01:36:47')).toMatchObject({
			format: 'ISO',
			year: 2017,
			month: 1,
			day: 18,
			hour: 1,
			minute: 36,
			second: 47,
		});
	});

	it('reads an ISO date without a time', () => {
		expect(parseMeterTime('2013-11-28')).toEqual({format: 'ISO', year: 2013, month: 11, day: 28});
	});

	it('reads day-month `01-01` without a year', () => {
		expect(parseMeterTime('01-01')).toEqual({format: 'DM', day: 1, month: 1});
	});
});

describe('parseMeterTime placeholders and non-stamps', () => {
	it.each([['0000000000'], ['000000000000'], ['000000'], ['2000-00-00'], ['121120??'], ['??']])(
		'reads the placeholder %s as no time',
		(text) => {
			expect(parseMeterTime(text)).toBe(NO_TIME);
		},
	);

	it.each([[''], ['   '], ['abc'], ['001C0104'], ['12345'], ['1ESY1334001444']])(
		'reads %j as not a time stamp',
		(text) => {
			expect(parseMeterTime(text)).toBeUndefined();
		},
	);

	it.each([
		['170230', 'February 30th'],
		['171301', 'month 13'],
		['1702092545', 'hour 25'],
		['1702090960', 'minute 60'],
		['190229', 'February 29th of a common year'],
	])('rejects the impossible date %s (%s)', (text) => {
		expect(parseMeterTime(text)).toBeUndefined();
	});

	it('accepts February 29th of a leap year', () => {
		expect(parseMeterTime('200229')).toMatchObject({year: 2020, month: 2, day: 29});
	});
});

describe('formatMeterTime', () => {
	it('writes a full stamp as YYYY-MM-DD hh:mm:ss', () => {
		expect(
			formatMeterTime({format: 'ZST10', year: 2017, month: 2, day: 9, hour: 9, minute: 45, second: 0}),
		).toBe('2017-02-09 09:45:00');
	});

	it('names the season when the meter sent one', () => {
		expect(formatMeterTime({format: 'D6', year: 2014, month: 7, day: 16, season: 'summer'})).toBe(
			'2014-07-16 (summer)',
		);
		expect(formatMeterTime({format: 'D6', year: 2014, month: 7, day: 16, season: 'utc'})).toBe(
			'2014-07-16 UTC',
		);
	});

	it('writes a time of day alone', () => {
		expect(formatMeterTime({format: 'Z4', hour: 0, minute: 0, second: 0})).toBe('00:00:00');
	});

	it('writes a day-month stamp without a year', () => {
		expect(formatMeterTime({format: 'DM', month: 1, day: 1})).toBe('01-01');
	});
});

describe('parseMeterTime date forms and placeholders of real meters', () => {
	it('reads the Elster AS2018 `24-11-05,17:00` as YY-MM-DD,hh:mm', () => {
		expect(parseMeterTime('24-11-05,17:00')).toEqual({
			format: 'YMD',
			year: 2024,
			month: 11,
			day: 5,
			hour: 17,
			minute: 0,
			second: 0,
		});
	});

	it('reads `24-11-05` as a date and `17:03:12` as a time of day', () => {
		expect(parseMeterTime('24-11-05')).toEqual({format: 'YMD', year: 2024, month: 11, day: 5});
		expect(parseMeterTime('17:03:12')).toEqual({format: 'CLOCK', hour: 17, minute: 3, second: 12});
	});

	it('reads a two-digit year as 20YY, 99 included', () => {
		expect(parseMeterTime('990101')).toMatchObject({year: 2099});
	});

	it('reads a season digit before a time of day with the time hint (0.9.1)', () => {
		expect(parseMeterTime('1160353', 'time')).toEqual({
			format: 'Z6',
			hour: 16,
			minute: 3,
			second: 53,
			season: 'summer',
		});
	});

	it.each([
		['700101010000W', 'the Unix epoch in local time, DSMR'],
		['700101000000', 'the Unix epoch, bare'],
		['000101000001W', 'a clock never set (2000-01-01)'],
		['000104180320W', 'a clock never set (2000-01-04)'],
		['1999-12-31 23:59:59', 'before 2000'],
		['632525252525S', 'not a calendar time, DSMR suffix'],
		['00-00-00', 'all zeros, dashed'],
		['24-13-01,00:00', 'month 13, dashed'],
	])('reads %s as no time (%s)', (text) => {
		expect(parseMeterTime(text)).toBe(NO_TIME);
	});
});
