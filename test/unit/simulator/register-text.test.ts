import {describe, expect, it} from 'vitest';
import {
	dateText,
	fixedNumber,
	hourMinuteText,
	localClock,
	seasonDigit,
	signedFixedNumber,
	stampText,
	timeText,
} from '../../../src/simulator/register-text.ts';

const SUMMER = Date.parse('2026-07-01T12:34:56Z');
const WINTER = Date.parse('2026-01-05T06:07:08Z');

describe('register text', () => {
	it('pads numbers to the register width', () => {
		expect(fixedNumber(24.31, 2, 2)).toBe('24.31');
		expect(fixedNumber(194.289, 4, 2)).toBe('0194.29');
		expect(fixedNumber(23804.99, 8, 0, 'truncate')).toBe('00023804');
		expect(fixedNumber(12.3, 2, 2, 'truncate')).toBe('12.30');
	});

	it('rolls a counter over past its width', () => {
		expect(fixedNumber(123_456_789, 8, 0, 'truncate')).toBe('23456789');
	});

	it('signs power values', () => {
		expect(signedFixedNumber(-128.414, 6, 2)).toBe('-000128.41');
		expect(signedFixedNumber(0.8, 3, 2)).toBe('+000.80');
		expect(signedFixedNumber(-0.001, 3, 2)).toBe('+000.00');
	});

	it("prints the meter's local time in its zone", () => {
		expect(timeText(SUMMER, 'Europe/Berlin')).toBe('143456');
		expect(dateText(SUMMER, 'Europe/Berlin')).toBe('260701');
		expect(stampText(SUMMER, 'Europe/Berlin')).toBe('2607011434');
		expect(hourMinuteText(WINTER, 'Europe/Berlin')).toBe('0707');
		expect(timeText(SUMMER, 'America/New_York')).toBe('083456');
	});

	it('gives the season digit 1 in summer time and 0 in winter', () => {
		expect(seasonDigit(SUMMER, 'Europe/Berlin')).toBe('1');
		expect(seasonDigit(WINTER, 'Europe/Berlin')).toBe('0');
		expect(localClock(SUMMER, 'UTC').summer).toBe(false);
	});
});
