import {describe, expect, it} from 'vitest';
import {knownUnit, unitText, unitTextOf} from '../../../src/iec62056/unit-table.ts';

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

describe('unitTextOf', () => {
	it('gives what unitText gives, read from the bytes at an offset, whichever of the two saw a unit first', () => {
		for (let index = 0; index < 1000; index++) {
			const unit = index % 3 === 0 ? `m${index % 7}` : `u${index}`;
			const source = `(1*${unit})`;
			const bytes = Buffer.from(`xx${source}`, 'latin1');
			const end = 3 + unit.length;
			if (index % 2 === 0) expect(unitText(source, 3, end)).toBe(unit);
			expect(unitTextOf(source, bytes, 2, 3, end)).toBe(unit);
			expect(unitText(source, 3, end)).toBe(unit);
		}
	});

	it('tells apart short units that share slots, whichever lookup filled the slot last', () => {
		// 1 to 4 characters, Latin-1 ones above 0x7F among them (`°C`, a four-byte one starting with 0xB0).
		const units = Array.from({length: 3000}, (_, index) =>
			`${String.fromCharCode(0x41 + (index % 50), 0xb0 + (index % 7))}${index % 4 === 0 ? '' : 'h'}${index % 3 === 0 ? String(index % 10) : ''}`.slice(
				0,
				1 + (index % 4),
			),
		);
		for (const [index, unit] of units.entries()) {
			const source = `(1*${unit})`;
			const bytes = Buffer.from(source, 'latin1');
			const end = 3 + unit.length;
			if (index % 2 === 0) expect(unitText(source, 3, end)).toBe(unit);
			expect(unitTextOf(source, bytes, 0, 3, end)).toBe(unit);
		}
		for (const unit of units) {
			const source = `(1*${unit})`;
			expect(unitTextOf(source, Buffer.from(source, 'latin1'), 0, 3, 3 + unit.length)).toBe(unit);
		}
	});

	it('never hands out a remembered unit beyond Latin-1 for bytes', () => {
		expect(unitText('(1*\u20acW)', 3, 5)).toBe('\u20acW');
		expect(unitTextOf('(1*\xffW)', Buffer.from('(1*\xffW)', 'latin1'), 0, 3, 5)).toBe('\xffW');
	});
});

describe('knownUnit', () => {
	const packedOf = (unit: string) =>
		[...Buffer.from(unit, 'latin1')].reduce((packed, byte) => (packed << 8) | byte, 0);

	it('finds a unit of one to four bytes that a lookup remembered, by its packed bytes, as the same string', () => {
		for (const unit of ['V', 'kW', 'kWh', 'kVAh', '\xb0C', '\xb0\xb1\xb2\xb3']) {
			const source = `(1*${unit})`;
			const remembered = unitTextOf(source, Buffer.from(source, 'latin1'), 0, 3, 3 + unit.length);
			expect(knownUnit(packedOf(unit), unit.length)).toBe(remembered);
		}
	});

	it('gives undefined for a unit not (or no longer) in the table, and for any other length', () => {
		expect(knownUnit(packedOf('Zq7'), 3)).toBeUndefined();
		const source = '(1*kWh)';
		unitTextOf(source, Buffer.from(source, 'latin1'), 0, 3, 6);
		// The same bytes with another length are another unit (`\0kWh`).
		expect(knownUnit(packedOf('kWh'), 4)).toBeUndefined();
		expect(knownUnit(0, 0)).toBeUndefined();
		expect(knownUnit(packedOf('kvar'), 5)).toBeUndefined();
	});
});
