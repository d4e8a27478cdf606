import {describe, expect, it} from 'vitest';
import {formatValuePart, parseDataValue} from '../../../src/iec62056/data-value.ts';

describe('parseDataValue numbers and units', () => {
	it('splits a number and its unit at `*`', () => {
		expect(parseDataValue('000783.16*kWh')).toEqual({raw: '000783.16*kWh', text: '000783.16', unit: 'kWh'});
	});

	it('leaves the unit out when none was sent', () => {
		const value = parseDataValue('00000000');
		expect(value).toEqual({raw: '00000000', text: '00000000'});
		expect('unit' in value).toBe(false);
	});

	it('gives an empty unit for a `*` with nothing after it (ACE3000 `013925.5*`)', () => {
		expect(parseDataValue('013925.5*')).toEqual({raw: '013925.5*', text: '013925.5', unit: ''});
	});

	it('reads a unit separated by spaces instead of `*` (Iskra MT171 `0000000 kWh`)', () => {
		expect(parseDataValue('0000000 kWh')).toMatchObject({text: '0000000', unit: 'kWh'});
	});

	it('keeps a stamp after the unit and a space as trailer (AUX SX330 `1.124*kW 1250625171500`)', () => {
		expect(parseDataValue('1.124*kW 1250625171500')).toEqual({
			raw: '1.124*kW 1250625171500',
			text: '1.124',
			unit: 'kW',
			trailer: '1250625171500',
		});
	});

	it.each([
		['6.00*Imp/kWh', 'Imp/kWh'],
		['001.476*m3ph', 'm3ph'],
		['00000001*secs', 'secs'],
		['000000000.0*kvarh', 'kvarh'],
		['0029.055*MWh', 'MWh'],
		['5*min', 'min'],
	])('keeps the multi-character unit of %s whole', (raw, unit) => {
		expect(parseDataValue(raw).unit).toBe(unit);
	});

	it.each([
		['000783.16'],
		['+000.8'],
		['-000128.41'],
		['00014869.2594317'],
		['003699.65305306'],
		['000007,4'],
	])('keeps the digits of %s exactly as sent', (raw) => {
		expect(parseDataValue(`${raw}*kWh`).text).toBe(raw);
	});
});

describe('parseDataValue text', () => {
	it.each([
		['001C0104'],
		['010183FE'],
		['1ESY1334001444'],
		['V01.69#EEA3546C'],
		['/SX330'],
		['121120??'],
		['L1-L2-L3'],
		[':::::G11'],
		['1-0:1.6.0'],
	])('keeps %s as text without a unit', (raw) => {
		expect(parseDataValue(raw)).toEqual({raw, text: raw});
	});

	it('does not split an ISO date-time with a space into value and unit', () => {
		expect(parseDataValue('2021-07-12 22:20:17')).toEqual({
			raw: '2021-07-12 22:20:17',
			text: '2021-07-12 22:20:17',
		});
	});

	it('does not take a word starting with a digit after a space as a unit', () => {
		expect(parseDataValue('12 34')).toEqual({raw: '12 34', text: '12 34'});
	});

	it('reads an empty bracket as empty text', () => {
		expect(parseDataValue('')).toEqual({raw: '', text: ''});
	});

	it('trims padding spaces but keeps the raw content (`( 20000)`)', () => {
		expect(parseDataValue(' 20000')).toEqual({raw: ' 20000', text: '20000'});
		expect(parseDataValue('      18438636')).toMatchObject({text: '18438636'});
	});

	it('reads a space-only value as empty text', () => {
		expect(parseDataValue('        ')).toEqual({raw: '        ', text: ''});
	});

	it('trims NUL bytes around a value (Pafal)', () => {
		expect(parseDataValue('\x00\x0072044837\x00')).toMatchObject({text: '72044837'});
		expect(parseDataValue('\x00\x00\x00\x00')).toMatchObject({text: ''});
	});
});

describe('parseDataValue `&` sub-values', () => {
	it('splits `088*C&082*C` into two parts with units, the first one also at the top level', () => {
		expect(parseDataValue('088*C&082*C')).toEqual({
			raw: '088*C&082*C',
			text: '088',
			unit: 'C',
			parts: [
				{text: '088', unit: 'C'},
				{text: '082', unit: 'C'},
			],
		});
	});

	it('splits `000&00010213&0` into three parts', () => {
		expect(parseDataValue('000&00010213&0').parts).toEqual([{text: '000'}, {text: '00010213'}, {text: '0'}]);
	});

	it('splits an ISO date and time joined by `&`', () => {
		expect(parseDataValue('2017-01-18&01:36:47').parts).toEqual([{text: '2017-01-18'}, {text: '01:36:47'}]);
	});

	it('keeps empty parts of `&&`', () => {
		expect(parseDataValue('&&').parts).toEqual([{text: ''}, {text: ''}, {text: ''}]);
	});

	it('keeps all seven parts of the 2WR5 `0&1&0&-&CV&3&2.14`', () => {
		expect(parseDataValue('0&1&0&-&CV&3&2.14').parts?.map((part) => part.text)).toEqual([
			'0',
			'1',
			'0',
			'-',
			'CV',
			'3',
			'2.14',
		]);
	});

	it('has no parts when there is no `&`', () => {
		expect('parts' in parseDataValue('088*C')).toBe(false);
	});
});

describe('formatValuePart', () => {
	it('writes text, `*unit` and ` trailer`', () => {
		expect(formatValuePart({text: '1.124', unit: 'kW', trailer: '1250625171500'})).toBe(
			'1.124*kW 1250625171500',
		);
	});

	it('writes a bare value without `*`', () => {
		expect(formatValuePart({text: '00000000'})).toBe('00000000');
	});

	it('writes an empty unit as a lone `*`', () => {
		expect(formatValuePart({text: '013925.5', unit: ''})).toBe('013925.5*');
	});

	it.each([
		[{text: '000783.16', unit: 'kWh'}],
		[{text: '6.00', unit: 'Imp/kWh'}],
		[{text: '013925.5', unit: ''}],
		[{text: '1.124', unit: 'kW', trailer: '1250625171500'}],
		[{text: '001C0104'}],
	])('is read back by parseDataValue unchanged: %o', (part) => {
		const {raw: _raw, ...parsed} = parseDataValue(formatValuePart(part));
		expect(parsed).toEqual(part);
	});
});
