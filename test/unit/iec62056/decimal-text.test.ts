import {describe, expect, it} from 'vitest';
import {isDecimal, parseDecimal} from '../../../src/iec62056/decimal-text.ts';

describe('parseDecimal', () => {
	it('reads a number with leading zeros', () => {
		expect(parseDecimal('000783.16')).toBe(783.16);
	});

	it('reads an integer without a fraction', () => {
		expect(parseDecimal('0083038')).toBe(83_038);
	});

	it('reads a leading plus sign', () => {
		expect(parseDecimal('+000.8')).toBe(0.8);
	});

	it('reads a leading minus sign', () => {
		expect(parseDecimal('-000128.41')).toBe(-128.41);
	});

	it('reads the Kamstrup decimal comma 000007,4 as 7.4, not 7', () => {
		expect(parseDecimal('000007,4')).toBe(7.4);
	});

	it('reads 000013,0 as 13', () => {
		expect(parseDecimal('000013,0')).toBe(13);
	});

	it('reads a long fraction to the nearest double', () => {
		expect(parseDecimal('00014869.2594317')).toBe(14_869.2594317);
	});

	it('does not read a hex status field as a number', () => {
		expect(parseDecimal('001C0104')).toBeUndefined();
	});

	it('does not read a text meter id as a number', () => {
		expect(parseDecimal('1ESY1160123456')).toBeUndefined();
	});

	it('does not read an ISO date as a number', () => {
		expect(parseDecimal('2017-01-18')).toBeUndefined();
	});

	it('does not read exponent notation, which meters never send', () => {
		expect(parseDecimal('1e3')).toBeUndefined();
	});

	it('does not read a number with two decimal separators', () => {
		expect(parseDecimal('1.234,5')).toBeUndefined();
	});

	it('does not read an empty value', () => {
		expect(parseDecimal('')).toBeUndefined();
	});

	it('does not read a lone sign', () => {
		expect(parseDecimal('-')).toBeUndefined();
	});

	it('does not read placeholder text such as ??', () => {
		expect(parseDecimal('??')).toBeUndefined();
	});
});

describe('isDecimal', () => {
	it('accepts a signed number with a decimal comma', () => {
		expect(isDecimal('-000007,4')).toBe(true);
	});

	it('rejects a hex status field', () => {
		expect(isDecimal('FDF5')).toBe(false);
	});

	it('rejects a number followed by a unit', () => {
		expect(isDecimal('0000000 kWh')).toBe(false);
	});
});

describe('parseDecimal against the pattern it checks by hand', () => {
	it('agrees with /^[+-]?(?:\\d+(?:[.,]\\d*)?|[.,]\\d+)$/ on every text of up to 4 of these characters', () => {
		const pattern = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;
		const reference = (text: string) => {
			if (!pattern.test(text)) return undefined;
			const value = Number(text.replace(',', '.'));
			return Number.isFinite(value) ? value : undefined;
		};
		const alphabet = ['0', '7', '.', ',', '+', '-', 'e', ' ', 'x', '\u0660'];
		const differing: string[] = [];
		const visit = (text: string, depth: number) => {
			if (!Object.is(parseDecimal(text), reference(text))) differing.push(text);
			if (depth > 0) for (const char of alphabet) visit(text + char, depth - 1);
		};
		visit('', 4);
		expect(differing).toEqual([]);
	});
});
