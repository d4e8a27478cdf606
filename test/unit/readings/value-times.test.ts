import {describe, expect, it} from 'vitest';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';
import {NO_TIME} from '../../../src/iec62056/meter-time.ts';
import {datedValue, valueTime} from '../../../src/readings/value-times.ts';

function set(line: string) {
	const [first] = parseDataBlock(`${line}\r\n!\r\n`).dataSets;
	if (!first) throw new Error(`no data set in ${line}`);
	return first;
}

describe('valueTime', () => {
	it('reads the date field after a maximum demand', () => {
		expect(valueTime(set('1-1:1.6.1(24.31*kW)(1605041345)'), 1)).toMatchObject({
			format: 'ZST10',
			year: 2016,
			month: 5,
			day: 4,
			hour: 13,
			minute: 45,
		});
	});

	it('gives NO_TIME for an all-zero date field', () => {
		expect(valueTime(set('1-1:1.6.2*01(00.00)(0000000000)'), 1)).toBe(NO_TIME);
	});

	it('reads the stamp after the unit in one bracket', () => {
		expect(valueTime(set('1.6.0*5(1.124*kW 1250625171500)'), 0)).toMatchObject({
			year: 2025,
			month: 6,
			day: 25,
			hour: 17,
			minute: 15,
			season: 'summer',
		});
	});

	it('reads 0.9.1 as a time of day and 0.9.2 as a date', () => {
		expect(valueTime(set('0.9.1(160353)'), 0)).toMatchObject({format: 'Z6', hour: 16, minute: 3, second: 53});
		expect(valueTime(set('0.9.2(160511)'), 0)).toMatchObject({format: 'D6', year: 2016, month: 5, day: 11});
	});

	it('reads the ZMD reset time 0.1.2(0000) as midnight', () => {
		expect(valueTime(set('1-1:0.1.2(0000)'), 0)).toMatchObject({format: 'Z4', hour: 0, minute: 0});
	});

	it('reads an ISO value and one split by &', () => {
		expect(valueTime(set('0-0:1.0.0(2021-07-12 22:20:17)'), 0)).toMatchObject({
			year: 2021,
			hour: 22,
			second: 17,
		});
		expect(valueTime(set('9.36(2017-01-18&01:36:47)'), 0)).toMatchObject({year: 2017, day: 18, minute: 36});
	});

	it('does not take a plain counter for a time stamp', () => {
		expect(valueTime(set('1.8.1(00021271*kWh)'), 0)).toBeUndefined();
		expect(valueTime(set('0.0.0(50871031)'), 0)).toBeUndefined();
	});

	it('does not take an OBIS code in a value list for a time stamp', () => {
		expect(valueTime(set('0-0:98.1.0(0)(1-0:1.6.0)(1-0:1.6.0)()'), 1)).toBeUndefined();
	});
});

describe('valueTime and datedValue agree for the table and the points', () => {
	it('takes a stamp in the first bracket for a time wherever it stands (Iskra C.51.2)', () => {
		const clock = set('0-0:C.51.2*255(1140716101053)');
		expect(valueTime(clock, 0)).toMatchObject({year: 2014, month: 7, day: 16, season: 'summer'});
		expect(datedValue(clock)?.isTime).toBe(true);
	});

	it('dates a value by `(YY-MM-DD,hh:mm)` after it (Elster AS2018)', () => {
		const peak = set('1.6.0*1(003.388*kW)(24-10-14,08:15)');
		expect(datedValue(peak)).toMatchObject({
			valueIndex: 0,
			stamp: {year: 2024, month: 10, day: 14, hour: 8, minute: 15},
		});
		expect(valueTime(peak, 1)).toEqual(datedValue(peak)?.stamp);
	});

	it('dates a DSMR value by the stamp before it, and never takes a number with a unit for a time', () => {
		const gas = set('0-1:24.2.1(161129200000W)(00981.443*m3)');
		expect(datedValue(gas)).toMatchObject({valueIndex: 1, stamp: {year: 2016, season: 'standard'}});
		expect(valueTime(set('1.8.0(1605041345*kWh)'), 0)).toBeUndefined();
	});

	it('leaves a 12-digit first value without a marker a number', () => {
		expect(valueTime(set('1.8.0(161129200000)'), 0)).toBeUndefined();
		expect(datedValue(set('1.8.0(161129200000)'))?.isTime).toBe(false);
	});
});
