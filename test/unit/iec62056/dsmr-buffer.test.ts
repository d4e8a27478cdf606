import {describe, expect, it} from 'vitest';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';
import {dsmrBuffer} from '../../../src/iec62056/dsmr-buffer.ts';

function set(text: string) {
	const [first] = parseDataBlock(`${text}\r\n!\r\n`).dataSets;
	if (!first) throw new Error(`no data set in ${text}`);
	return first;
}

describe('dsmrBuffer', () => {
	it('reads the Belgian peak buffer as entries of the code it names, dated by the peak stamp', () => {
		const buffer = dsmrBuffer(
			set(
				'0-0:98.1.0(2)(1-0:1.6.0)(1-0:1.6.0)(231101000000W)(231031120000W)(01.747*kW)(231201000000W)(231109164500W)(03.260*kW)',
			),
		);
		expect(buffer?.kind).toBe('buffer');
		expect(
			buffer?.entries.map(({code, valueIndex, stampIndex}) => [
				code.c,
				code.d,
				code.e,
				valueIndex,
				stampIndex,
			]),
		).toEqual([
			['1', '6', '0', 5, 4],
			['1', '6', '0', 8, 7],
		]);
	});

	it('reads the power failure log 99.97.0 as entries of 96.7.19', () => {
		const buffer = dsmrBuffer(
			set('1-0:99.97.0(2)(0-0:96.7.19)(101208152415W)(0000000240*s)(101208151004W)(0000000301*s)'),
		);
		expect(buffer?.entries.map((entry) => [entry.code.c, entry.valueIndex, entry.stampIndex])).toEqual([
			['96', 3, 2],
			['96', 5, 4],
		]);
	});

	it('reads an empty buffer as no entries', () => {
		expect(dsmrBuffer(set('1-0:99.97.0(0)(0-0:96.7.19)'))).toEqual({kind: 'buffer', entries: []});
	});

	it('reads the DSMR 2.2 gas profile with its value on the next line, unit from the profile', () => {
		const buffer = dsmrBuffer(set('0-2:24.3.0(211123200000)(00)(60)(1)(0-2:24.2.1)(m3)\r\n(13376.292)'));
		expect(buffer).toMatchObject({
			kind: 'profile',
			entries: [{valueIndex: 6, stampIndex: 0, unit: 'm3', offsetMinutes: 0}],
		});
	});

	it('has no entry for a profile whose value line is missing: never a 0 from a descriptor field', () => {
		expect(dsmrBuffer(set('0-2:24.3.0(211123200000)(00)(60)(1)(0-2:24.2.1)(m3)'))?.entries).toEqual([]);
	});

	it.each([
		['1-1:1.6.1(24.31*kW)(1605041345)'],
		['0-1:24.2.1(161129200000W)(00981.443*m3)'],
		['1.8.0(2)(3)(4)'],
		['0-0:96.7.21(00015)'],
	])('leaves %s alone', (text) => {
		expect(dsmrBuffer(set(text))).toBeUndefined();
	});
});
