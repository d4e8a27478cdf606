import {describe, expect, it} from 'vitest';
import {NO_TIME} from '../../../src/iec62056/meter-time.ts';
import {parseObisCode} from '../../../src/iec62056/obis-code.ts';
import {isResetStampCode, parseResetStamp} from '../../../src/readings/reset-stamp.ts';

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
