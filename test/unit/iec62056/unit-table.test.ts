import {describe, expect, it} from 'vitest';
import {unitText} from '../../../src/iec62056/unit-table.ts';

describe('unitText', () => {
	it('gives the unit text between start and end', () => {
		const text = '1.8.1(000783.16*kWh)2.8.0(12*kvarh)(5*Imp/kWh)';
		expect(unitText(text, 16, 19)).toBe('kWh');
		expect(unitText(text, 29, 34)).toBe('kvarh');
		expect(unitText(text, 38, 45)).toBe('Imp/kWh');
		expect(unitText(text, 16, 19)).toBe('kWh');
	});

	it('gives each of many distinct units its own text (slots are reused, never confused)', () => {
		for (let index = 0; index < 1000; index++) {
			const unit = `u${index}`;
			const source = `(1*${unit})`;
			expect(unitText(source, 3, 3 + unit.length)).toBe(unit);
		}
	});

	it('cuts empty and long units as they are', () => {
		expect(unitText('(1*)', 3, 3)).toBe('');
		const long = 'averyveryverylongunit';
		expect(unitText(`(1*${long})`, 3, 3 + long.length)).toBe(long);
	});
});
