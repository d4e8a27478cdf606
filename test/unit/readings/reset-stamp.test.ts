import {describe, expect, it} from 'vitest';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';
import {NO_TIME} from '../../../src/iec62056/meter-time.ts';
import {parseObisCode} from '../../../src/iec62056/obis-code.ts';
import {
	isResetStampCode,
	parseResetStamp,
	resetDatePlaceholders,
	resetStampTime,
	shownValueTime,
} from '../../../src/readings/reset-stamp.ts';
import {dataSetsOf} from '../../helpers/data-block-lines.ts';

const code = (address: string) => {
	const parsed = parseObisCode(address);
	if (parsed === undefined) throw new Error(`no OBIS code: ${address}`);
	return parsed;
};

describe('isResetStampCode', () => {
	it('is true for 0.1.2 and 0.1.3 in any period, false for the counter and other registers', () => {
		expect(isResetStampCode(code('1-1:0.1.2*04'))).toBe(true);
		expect(isResetStampCode(code('0.1.3&02'))).toBe(true);
		expect(isResetStampCode(code('0.1.2'))).toBe(true);
		expect(isResetStampCode(code('0.1.0'))).toBe(false);
		expect(isResetStampCode(code('0.9.2'))).toBe(false);
		expect(isResetStampCode(code('1.1.2'))).toBe(false);
	});
});

describe('parseResetStamp', () => {
	it('reads a short 0.1.2 as a time of day and 0.1.3 as a date', () => {
		expect(parseResetStamp(code('0.1.2*04'), '0815')).toMatchObject({hour: 8, minute: 15});
		expect(parseResetStamp(code('0.1.2*04'), '0815')).not.toHaveProperty('year', expect.anything());
		expect(parseResetStamp(code('0.1.3*04'), '261101')).toMatchObject({year: 2026, month: 11, day: 1});
	});

	it('reads a full 0.1.2 stamp with its date, a placeholder as NO_TIME and text as no time', () => {
		expect(parseResetStamp(code('0.1.2*04'), '2611010000')).toMatchObject({
			year: 2026,
			month: 11,
			day: 1,
			hour: 0,
		});
		expect(parseResetStamp(code('0.1.2*95'), '0000000000')).toBe(NO_TIME);
		expect(parseResetStamp(code('0.1.2*95'), 'abc')).toBeUndefined();
	});
});

describe('resetStampTime', () => {
	const times = (...lines: string[]) => {
		const dataSets = dataSetsOf(...lines);
		const placeholders = resetDatePlaceholders(dataSets);
		return dataSets.map((set) =>
			set.obis ? resetStampTime(set.obis, set.values[0]?.text ?? '', placeholders) : undefined,
		);
	};

	it('reads a time of day of zeros beside a real date as midnight (ZMD120: 0.1.2 hhmm, 0.1.3 YYMMDD)', () => {
		const [time, date] = times('1-1:0.1.2(0000)', '1-1:0.1.3(160501)');
		expect(time).toMatchObject({hour: 0, minute: 0, second: 0});
		expect(time).not.toHaveProperty('year', expect.anything());
		expect(date).toMatchObject({year: 2016, month: 5, day: 1});
	});

	it('reads a time of day of zeros without any date register as midnight too', () => {
		expect(times('1-1:0.1.2(0000)')[0]).toMatchObject({hour: 0, minute: 0});
	});

	it('gives no date for a time of day whose period date is a placeholder (zeros, the epoch, 2000)', () => {
		expect(times('0.1.2*07(0000)', '0.1.3*07(000000)')).toEqual([NO_TIME, NO_TIME]);
		expect(times('0.1.2(1230)', '0.1.3(000101)')).toEqual([NO_TIME, NO_TIME]);
		// Another period's placeholder date says nothing about this one.
		expect(times('0.1.2*08(0000)', '0.1.3*07(000000)')[0]).toMatchObject({hour: 0, minute: 0});
	});

	it('gives no date for a full stamp of zeros', () => {
		expect(times('0.1.2*95(0000000000)')).toEqual([NO_TIME]);
	});
});

describe('shownValueTime', () => {
	it('reads reset stamps by the reset rule and every other value as valueTime does', () => {
		const {dataSets} = parseDataBlock('0.1.2(0000)\r\n0.1.3(000000)\r\n1.6.1(24.31*kW)(1605041345)\r\n!\r\n');
		const placeholders = resetDatePlaceholders(dataSets);
		const [time, date, peak] = dataSets;
		if (time === undefined || date === undefined || peak === undefined) throw new Error('three data sets');
		expect(shownValueTime(time, 0, placeholders)).toBe(NO_TIME);
		expect(shownValueTime(date, 0, placeholders)).toBe(NO_TIME);
		expect(shownValueTime(peak, 0, placeholders)).toBeUndefined();
		expect(shownValueTime(peak, 1, placeholders)).toMatchObject({year: 2016, month: 5, day: 4, hour: 13});
	});
});
