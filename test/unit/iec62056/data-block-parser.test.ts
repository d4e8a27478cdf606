import {describe, expect, it} from 'vitest';
import {parseDataBlock, parseDataBlockBytes} from '../../../src/iec62056/data-block-parser.ts';
import type {DataSet} from '../../../src/iec62056/data-set.ts';
import {MalformedDataSetError} from '../../../src/iec62056/protocol-errors.ts';

/** Address, key and the value texts/units: what a reading is made of. */
function summary(dataSets: readonly DataSet[]): unknown[] {
	return dataSets.map((set) => ({
		address: set.address,
		key: set.key,
		values: set.values.map((value) =>
			value.unit === undefined ? value.text : `${value.text}*${value.unit}`,
		),
	}));
}

function keyOf(line: string): string | undefined {
	return parseDataBlock(`${line}\r\n!\r\n`).dataSets[0]?.key;
}

describe('parseDataBlock data sets', () => {
	it('reads one data set with its address, key, value, unit and position', () => {
		const {dataSets, malformed, complete} = parseDataBlock('1-1:1.8.1(000783.16*kWh)\r\n!\r\n');
		expect(dataSets).toEqual([
			{
				address: '1-1:1.8.1',
				obis: {a: 1, b: 1, c: '1', d: '8', e: '1'},
				key: '1.8.1',
				values: [{raw: '000783.16*kWh', text: '000783.16', unit: 'kWh'}],
				line: 1,
				column: 1,
			},
		]);
		expect(malformed).toEqual([]);
		expect(complete).toBe(true);
	});

	it('is not complete when the end mark `!` is missing', () => {
		const parsed = parseDataBlock('1.8.0(1*kWh)\r\n2.8.0(2*kWh)\r\n');
		expect(parsed.complete).toBe(false);
		expect(parsed.dataSets).toHaveLength(2);
	});

	it('reads several data sets on one line (Siemens 2WR5) with their columns', () => {
		const line = '6.8(0029.055*MWh)6.26(01589.28*m3)9.21(00010213)';
		const {dataSets} = parseDataBlock(`${line}\r\n!\r\n`);
		expect(summary(dataSets)).toEqual([
			{address: '6.8', key: '6.8', values: ['0029.055*MWh']},
			{address: '6.26', key: '6.26', values: ['01589.28*m3']},
			{address: '9.21', key: '9.21', values: ['00010213']},
		]);
		expect(dataSets.map((set) => [set.line, set.column])).toEqual([
			[1, 1],
			[1, line.indexOf('6.26') + 1],
			[1, line.indexOf('9.21') + 1],
		]);
	});

	it('keeps several bracket values of one address in order (max demand and its time stamp)', () => {
		const [set] = parseDataBlock('1-1:1.6.1(27.19*kW)(1702090945)\r\n!').dataSets;
		expect(set?.values.map((value) => value.text)).toEqual(['27.19', '1702090945']);
		expect(set?.values[0]?.unit).toBe('kW');
	});

	it('keeps duplicate values (Pafal `(72044837)(72044837)`)', () => {
		const [set] = parseDataBlock('0.0.0(72044837)(72044837)\r\n!').dataSets;
		expect(set?.values.map((value) => value.text)).toEqual(['72044837', '72044837']);
	});

	it('keeps values holding OBIS codes and an empty value (Fluvius `(0)(1-0:1.6.0)(1-0:1.6.0)()`)', () => {
		const [set] = parseDataBlock('0-0:98.1.0(0)(1-0:1.6.0)(1-0:1.6.0)()\r\n!').dataSets;
		expect(set?.values.map((value) => value.text)).toEqual(['0', '1-0:1.6.0', '1-0:1.6.0', '']);
	});

	it('reads `&` sub-values inside a bracket', () => {
		const [set] = parseDataBlock('9.4(088*C&082*C)\r\n!').dataSets;
		expect(set?.values[0]?.parts).toEqual([
			{text: '088', unit: 'C'},
			{text: '082', unit: 'C'},
		]);
	});

	it('reads `!` glued to the last data set', () => {
		const parsed = parseDataBlock('0.2.1(1)\r\n0.2.2(:::::G11)!\r\n');
		expect(parsed.complete).toBe(true);
		expect(summary(parsed.dataSets)).toEqual([
			{address: '0.2.1', key: '0.2.1', values: ['1']},
			{address: '0.2.2', key: '0.2.2', values: [':::::G11']},
		]);
		expect(parsed.malformed).toEqual([]);
	});

	it('reads `!` glued to a set with a decimal comma (Kamstrup `1.6*1(000013,0)!`)', () => {
		const parsed = parseDataBlock('1.6*1(000013,0)!\r\n');
		expect(summary(parsed.dataSets)).toEqual([{address: '1.6*1', key: '1.6*1', values: ['000013,0']}]);
		expect(parsed.complete).toBe(true);
	});

	it('does not end the block at a `!` inside a value', () => {
		const parsed = parseDataBlock('0.2.0(A!B)\r\n1.8.0(1)\r\n!');
		expect(parsed.dataSets.map((set) => set.key)).toEqual(['0.2.0', '1.8.0']);
	});

	it('ignores what follows the end mark', () => {
		expect(parseDataBlock('1.8.0(1)\r\n!\r\n2.8.0(2)\r\n').dataSets).toHaveLength(1);
	});

	it('reads an empty block `!` as complete and empty', () => {
		expect(parseDataBlock('!\r\n')).toEqual({dataSets: [], malformed: [], complete: true});
	});
});

describe('parseDataBlock line ends', () => {
	const sets = ['F.F(00)', '0.0(        18438636)', 'C.1.1(        )', '1.8.1(000000.000*kWh)'];
	const expected = [
		{address: 'F.F', key: 'F.F', values: ['00']},
		{address: '0.0', key: '0.0', values: ['18438636']},
		{address: 'C.1.1', key: 'C.1.1', values: ['']},
		{address: '1.8.1', key: '1.8.1', values: ['000000.000*kWh']},
	];

	it.each([
		['CR LF', '\r\n'],
		['LF LF (L+G E350)', '\n\n'],
		['bare LF', '\n'],
		['CR CR LF', '\r\r\n'],
		['nothing (Siemens 2WR5)', ''],
	])('reads the same data sets with %s line ends', (_name, lineEnd) => {
		const parsed = parseDataBlock(`${sets.join(lineEnd)}${lineEnd}!${lineEnd}`);
		expect(summary(parsed.dataSets)).toEqual(expected);
		expect(parsed.malformed).toEqual([]);
		expect(parsed.complete).toBe(true);
	});

	it('numbers lines by LF, so LF LF line ends put the sets on odd lines', () => {
		const parsed = parseDataBlock(`${sets.join('\n\n')}\n\n!\n\n`);
		expect(parsed.dataSets.map((set) => set.line)).toEqual([1, 3, 5, 7]);
	});

	it('numbers CR CR LF line ends as one line each', () => {
		const parsed = parseDataBlock(`${sets.join('\r\r\n')}\r\r\n!`);
		expect(parsed.dataSets.map((set) => set.line)).toEqual([1, 2, 3, 4]);
	});
});

describe('parseDataBlock values', () => {
	it.each([
		['1-0:0.0.1*255()', ''],
		['0.0( 20000)', '20000'],
		['C.1.1(        )', ''],
		['0.0.0(\x00\x00\x00\x00)', ''],
		['1-0:0.2.1*1(121120??)', '121120??'],
		['0.2.0(V01.69#EEA3546C)', 'V01.69#EEA3546C'],
		['1-0:96.5.0*255(001C0104)', '001C0104'],
		['1-0:1.8.0*255(00014869.2594317*kWh)', '00014869.2594317'],
		['1-0:21.7.0*255(-000128.41*W)', '-000128.41'],
		['31.7.0(+000.8*A)', '+000.8'],
	])('reads %j with the value text %j', (line, text) => {
		expect(parseDataBlock(`${line}\r\n!`).dataSets[0]?.values[0]?.text).toBe(text);
	});

	it('keeps a block that opens with a bare value `(/SX330)` as a set with an empty key', () => {
		const {dataSets, malformed} = parseDataBlock('(/SX330)\r\n1.8.0*5(00001191*kWh)\r\n!');
		expect(summary(dataSets)).toEqual([
			{address: '', key: '', values: ['/SX330']},
			{address: '1.8.0*5', key: '1.8.0*5', values: ['00001191*kWh']},
		]);
		expect(malformed).toEqual([]);
	});

	it('adds a bracket group at the start of a later line to the previous set (load-profile lines)', () => {
		const {dataSets} = parseDataBlock('P.01(1702090945)(00)\r\n(0.123)(0.456)\r\n!');
		expect(dataSets).toHaveLength(1);
		expect(dataSets[0]?.values.map((value) => value.text)).toEqual(['1702090945', '00', '0.123', '0.456']);
	});

	it.each([
		['013925.5*', ''],
		['0000000 kWh', 'kWh'],
		['6.00*Imp/kWh', 'Imp/kWh'],
		['001.476*m3ph', 'm3ph'],
	])('reads the unit of (%s) as %j', (value, unit) => {
		expect(parseDataBlock(`1.8.0(${value})\r\n!`).dataSets[0]?.values[0]?.unit).toBe(unit);
	});

	it('reads a data line longer than 128 characters', () => {
		const line = Array.from({length: 12}, (_, index) => `6.8.${index}(0029.055*MWh)`).join('');
		expect(line.length).toBeGreaterThan(128);
		expect(parseDataBlock(`${line}\r\n!`).dataSets).toHaveLength(12);
	});

	it('reads a telegram of 250 lines with the right line numbers', () => {
		const lines = Array.from({length: 250}, (_, index) => `1-0:1.8.0*${index % 100}(${index}*kWh)`);
		const {dataSets} = parseDataBlock(`${lines.join('\r\n')}\r\n!\r\n`);
		expect(dataSets).toHaveLength(250);
		expect(dataSets[249]).toMatchObject({line: 250, values: [{text: '249'}]});
	});
});

describe('parseDataBlock keys', () => {
	it('drops `*255` and the channel, so `1-0:1.8.0*255` and `1.8.0` share the key 1.8.0', () => {
		expect(keyOf('1-0:1.8.0*255(1)')).toBe('1.8.0');
		expect(keyOf('1.8.0(1)')).toBe('1.8.0');
	});

	it('keeps E = 255 (`1-0:21.7.255*255`)', () => {
		expect(keyOf('1-0:21.7.255*255(1)')).toBe('21.7.255');
	});

	it.each([
		['1-1:1.6.2*01(1)', '1.6.2*01'],
		['1-1:1.6.2*18(1)', '1.6.2*18'],
		['1-0:1.8.1*101(1)', '1.8.1*101'],
		['0-0:C.51.2*01(1)', 'C.51.2*01'],
		['F.F(00)', 'F.F'],
		['0-0:F.F.0*255(0)', 'F.F.0'],
		['C.1(1)', 'C.1'],
		['0.0(1)', '0.0'],
		['1.8(1)', '1.8'],
	])('gives %s the key %s', (line, key) => {
		expect(keyOf(line)).toBe(key);
	});

	it('keeps `&07` distinct from `*07`', () => {
		const {dataSets} = parseDataBlock('0.1.2*07(1701010000)\r\n0.1.2&07(0180105115851)\r\n!');
		expect(dataSets.map((set) => set.key)).toEqual(['0.1.2*07', '0.1.2&07']);
	});

	it('keeps the non-standard address `1-1:30D` as an opaque key without an OBIS code', () => {
		const [set] = parseDataBlock('1-1:30D(00000060)\r\n!').dataSets;
		expect(set).toMatchObject({address: '1-1:30D', key: '30D'});
		expect(set?.obis).toBeUndefined();
	});

	it('trims spaces around the address', () => {
		expect(parseDataBlock('  1.8.0 (1)\r\n!').dataSets[0]?.address).toBe('1.8.0');
	});
});

describe('parseDataBlock malformed lines', () => {
	it('reports junk before `!` (ACE3000 `Y STX STX SOH NUL`) at its line and column and keeps the set', () => {
		const parsed = parseDataBlock('F.F(00)\r\n1.8.0(013925.5*)Y\x02\x02\x01\x00!\r\n');
		expect(summary(parsed.dataSets)).toEqual([
			{address: 'F.F', key: 'F.F', values: ['00']},
			{address: '1.8.0', key: '1.8.0', values: ['013925.5*']},
		]);
		expect(parsed.complete).toBe(true);
		expect(parsed.malformed).toHaveLength(1);
		expect(parsed.malformed[0]).toBeInstanceOf(MalformedDataSetError);
		expect(parsed.malformed[0]).toMatchObject({line: 2, column: '1.8.0(013925.5*)'.length + 1});
	});

	it('reports a line without `(` and keeps the sets around it', () => {
		const parsed = parseDataBlock('1.8.0(1)\r\n1.8.1 000123*kWh\r\n2.8.0(2)\r\n!');
		expect(parsed.dataSets.map((set) => set.key)).toEqual(['1.8.0', '2.8.0']);
		expect(parsed.malformed.map(({line, column}) => ({line, column}))).toEqual([{line: 2, column: 1}]);
	});

	it('reports a bracket left open at the line end at the column of its `(`', () => {
		const parsed = parseDataBlock('1.8.0(1)\r\n2.8.0(12\r\n3.8.0(3)\r\n!');
		expect(parsed.dataSets.map((set) => set.key)).toEqual(['1.8.0', '3.8.0']);
		expect(parsed.malformed.map(({line, column}) => ({line, column}))).toEqual([{line: 2, column: 6}]);
	});

	it('reports a `(` inside a value', () => {
		const parsed = parseDataBlock('1.8.0(1(2)\r\n2.8.0(2)\r\n!');
		expect(parsed.dataSets.map((set) => set.key)).toEqual(['2.8.0']);
		expect(parsed.malformed[0]).toMatchObject({line: 1, column: 6});
	});

	it('reports a `)` without `(`', () => {
		const parsed = parseDataBlock('1.8.0 12)\r\n2.8.0(2)\r\n!');
		expect(parsed.dataSets.map((set) => set.key)).toEqual(['2.8.0']);
		expect(parsed.malformed[0]).toMatchObject({line: 1, column: 1});
	});

	it('reports a bracket still open at the end of the text', () => {
		const parsed = parseDataBlock('1.8.0(1)\r\n2.8.0(2');
		expect(parsed.malformed[0]).toMatchObject({line: 2, column: 6});
		expect(parsed.complete).toBe(false);
	});

	it('names the line and the column in the error message', () => {
		const [error] = parseDataBlock('1.8.0(1)\r\nxyz\r\n!').malformed;
		expect(error?.message).toMatch(/line 2, column 1/);
		expect(error?.retryable).toBe(false);
	});
});

describe('parseDataBlockBytes', () => {
	it('parses a text from its Latin-1 bytes exactly as parseDataBlock parses the text', () => {
		const text = '1.8.0(000783.16*kWh)\r\n1.8.1(1*kWh)1.8.0(2)\r\n(3)\r\nC.1( 1 )\r\nno bracket\r\n!';
		for (let pass = 0; pass < 3; pass++) {
			expect(parseDataBlockBytes(text, Buffer.from(text, 'latin1'))).toEqual(parseDataBlock(text));
		}
	});

	it('reads the bytes from an offset, as they lie in a frame after STX or an identification line', () => {
		const text = '1.8.0(000783.16*kWh)\r\n 1.8.1 (1*kWh)1.8.0(2)\r\n(3)\r\n1.8.0*1(4)\r\n!';
		// Bytes before and after the text that would end an address or a value if they were read.
		const frame = Buffer.from(`/(!)\r\n${text}\x03(`, 'latin1');
		for (let pass = 0; pass < 3; pass++) {
			expect(parseDataBlockBytes(text, frame, 6)).toEqual(parseDataBlock(text));
		}
	});

	it('reads units of every length, with a second `*` or padding in them, as the text parse does', () => {
		const units = [
			'',
			'V',
			'kW',
			'kWh',
			'kVAh',
			'kvarh',
			'Imp/kWh',
			'1*2',
			'k*Wh',
			'\xb0C',
			'kW h',
			'averyveryverylongunit',
		];
		const text = `${units.map((unit, index) => `1.8.${index}(12.5*${unit})(7*${unit})`).join('\r\n')}\r\n!`;
		for (let pass = 0; pass < 3; pass++) {
			const parsed = parseDataBlockBytes(text, Buffer.from(text, 'latin1'));
			expect(parsed).toEqual(parseDataBlock(text));
			expect(parsed.dataSets.map((set) => set.values[1]?.unit)).toEqual(
				units.map((unit) => (unit === 'kW h' ? 'kW' : unit)),
			);
		}
	});
});
