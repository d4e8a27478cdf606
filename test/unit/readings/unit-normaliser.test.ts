import {describe, expect, it} from 'vitest';
import {normaliseUnit} from '../../../src/readings/unit-normaliser.ts';

describe('normaliseUnit', () => {
	describe('energy', () => {
		it('scales Wh to kWh by 1/1000', () => {
			expect(normaliseUnit(1234, 'Wh')).toEqual({value: 1.234, unit: 'kWh', known: true});
		});

		it('gives exactly 1.234 kWh for 1234 Wh, not a float artefact', () => {
			expect(normaliseUnit(1234, 'Wh').value).toBe(1.234);
		});

		it('keeps kWh as it is', () => {
			expect(normaliseUnit(7904.135, 'kWh')).toEqual({value: 7904.135, unit: 'kWh', known: true});
		});

		it('scales MWh to kWh by 1000', () => {
			expect(normaliseUnit(29.055, 'MWh')).toEqual({value: 29_055, unit: 'kWh', known: true});
		});

		it('keeps a long fraction of kWh untouched', () => {
			expect(normaliseUnit(14_869.2594317, 'kWh').value).toBe(14_869.2594317);
		});

		it('keeps the sign of exported energy', () => {
			expect(normaliseUnit(-500, 'Wh').value).toBe(-0.5);
		});
	});

	describe('power', () => {
		it('scales W to kW by 1/1000', () => {
			expect(normaliseUnit(-128.41, 'W')).toEqual({value: -0.12841, unit: 'kW', known: true});
		});

		it('keeps kW as it is', () => {
			expect(normaliseUnit(7.4, 'kW')).toEqual({value: 7.4, unit: 'kW', known: true});
		});

		it('scales MW to kW by 1000', () => {
			expect(normaliseUnit(1.5, 'MW')).toEqual({value: 1500, unit: 'kW', known: true});
		});

		it('reads the SI prefix m in mW as milli, not mega', () => {
			expect(normaliseUnit(5, 'mW')).toEqual({value: 0.000005, unit: 'kW', known: true});
		});
	});

	describe('reactive and apparent quantities', () => {
		it('scales varh to kvarh by 1/1000', () => {
			expect(normaliseUnit(2500, 'varh')).toEqual({value: 2.5, unit: 'kvarh', known: true});
		});

		it('keeps kvarh as it is', () => {
			expect(normaliseUnit(12.5, 'kvarh')).toEqual({value: 12.5, unit: 'kvarh', known: true});
		});

		it('scales var to kvar by 1/1000', () => {
			expect(normaliseUnit(750, 'var')).toEqual({value: 0.75, unit: 'kvar', known: true});
		});

		it('keeps kvar as it is', () => {
			expect(normaliseUnit(0.75, 'kvar')).toEqual({value: 0.75, unit: 'kvar', known: true});
		});

		it('scales Mvarh to kvarh by 1000', () => {
			expect(normaliseUnit(2, 'Mvarh')).toEqual({value: 2000, unit: 'kvarh', known: true});
		});

		it('scales VA to kVA by 1/1000', () => {
			expect(normaliseUnit(2300, 'VA')).toEqual({value: 2.3, unit: 'kVA', known: true});
		});

		it('scales VAh to kVAh by 1/1000', () => {
			expect(normaliseUnit(2300, 'VAh')).toEqual({value: 2.3, unit: 'kVAh', known: true});
		});
	});

	describe('other units', () => {
		it('keeps volts and amperes as they are', () => {
			expect(normaliseUnit(230.1, 'V')).toEqual({value: 230.1, unit: 'V', known: true});
			expect(normaliseUnit(5.02, 'A')).toEqual({value: 5.02, unit: 'A', known: true});
		});

		it('reads C, as in 9.4(088*C), as degrees Celsius', () => {
			expect(normaliseUnit(88, 'C')).toEqual({value: 88, unit: '°C', known: true});
		});

		it('turns minutes into seconds', () => {
			expect(normaliseUnit(2, 'min')).toEqual({value: 120, unit: 's', known: true});
		});

		it('reads secs as seconds', () => {
			expect(normaliseUnit(30, 'secs')).toEqual({value: 30, unit: 's', known: true});
		});

		it('reads m3ph as cubic metres per hour', () => {
			expect(normaliseUnit(1.2, 'm3ph')).toEqual({value: 1.2, unit: 'm3/h', known: true});
		});

		it('keeps m3 as it is', () => {
			expect(normaliseUnit(1589.28, 'm3')).toEqual({value: 1589.28, unit: 'm3', known: true});
		});
	});

	describe('no unit and unknown units', () => {
		it('treats a value without a unit as known and unitless', () => {
			expect(normaliseUnit(18, undefined)).toEqual({value: 18, unit: '', known: true});
		});

		it('treats an empty unit after "*" as unitless', () => {
			expect(normaliseUnit(13_925.5, '')).toEqual({value: 13_925.5, unit: '', known: true});
		});

		it('passes an unknown unit through unchanged and flags it', () => {
			expect(normaliseUnit(1000, 'Imp/kWh')).toEqual({value: 1000, unit: 'Imp/kWh', known: false});
		});

		it('keeps the spelling of an unknown unit as sent', () => {
			expect(normaliseUnit(3, 'FooBar').unit).toBe('FooBar');
		});
	});
});
