import {describe, expect, it} from 'vitest';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';
import {NO_TIME} from '../../../src/iec62056/meter-time.ts';
import {valueTime} from '../../../src/readings/value-times.ts';

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
