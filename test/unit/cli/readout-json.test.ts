import {describe, expect, it} from 'vitest';
import {isHistory, readoutToJson} from '../../../src/cli/readout-json.ts';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';

const telegrams = decodeCapture(
	Buffer.from(
		'1-1:1.6.2(25.29)(1610200845)\r\n1-1:1.6.2*14(26.60)(1609051415)\r\n1-1:1.6.2&01(00.00)(0000000000)\r\n' +
			'9.4(088*C&082*C)\r\n1-1:30D(17)\r\n!\r\n',
	),
).telegrams;

describe('readoutToJson', () => {
	it('leaves history out unless verbose', () => {
		const keys = (verbose: boolean) =>
			readoutToJson(telegrams, verbose).telegrams[0]?.dataSets.map((set) => set.key);
		expect(keys(false)).toEqual(['1.6.2', '9.4', '30D']);
		expect(keys(true)).toEqual(['1.6.2', '1.6.2*14', '1.6.2&01', '9.4', '30D']);
	});

	it('gives null for an all-zero date and the local time for a real one', () => {
		const sets = readoutToJson(telegrams, true).telegrams[0]?.dataSets ?? [];
		expect(sets[1]?.values[1]).toEqual({text: '1609051415', time: '2016-09-05T14:15:00'});
		expect(sets[2]?.values[1]).toEqual({text: '0000000000', time: null});
	});

	it('gives a reset time of day of zeros midnight beside a real date and null beside a placeholder date', () => {
		const reset = (date: string) =>
			readoutToJson(
				decodeCapture(Buffer.from(`1-1:0.1.2(0000)\r\n1-1:0.1.3(${date})\r\n!\r\n`)).telegrams,
				false,
			).telegrams[0]?.dataSets.map((set) => set.values[0]?.time);
		expect(reset('160501')).toEqual(['00:00:00', '2016-05-01']);
		expect(reset('000000')).toEqual([null, null]);
		expect(reset('700101')).toEqual([null, null]);
	});

	it('keeps & sub-values as parts and non-OBIS keys with null obis', () => {
		const sets = readoutToJson(telegrams, false).telegrams[0]?.dataSets ?? [];
		expect(sets[1]?.values[0]?.parts).toEqual([
			{text: '088', unit: 'C'},
			{text: '082', unit: 'C'},
		]);
		expect(sets[2]).toMatchObject({address: '1-1:30D', key: '30D', obis: null, channel: null});
	});

	it('reports a text capture as framing text with no identification', () => {
		const [telegram] = readoutToJson(telegrams, false).telegrams;
		expect(telegram?.framing).toBe('text');
		expect(telegram?.identification).toBeNull();
		expect(telegram?.check).toEqual({algorithm: 'none', ok: true});
	});
});

describe('isHistory', () => {
	it('is true for *NN and &NN, false for current values and *255', () => {
		const sets = parseDataBlock('1.8.1*01(1)\r\n1.8.1&01(1)\r\n1-0:1.8.1*255(1)\r\n1.8.1(1)\r\n!').dataSets;
		expect(sets.map(isHistory)).toEqual([true, true, false, false]);
	});

	it('marks a code with a group C to F in 128 to 254 as manufacturer specific', () => {
		const marked = readoutToJson(
			decodeCapture(Buffer.from('1-1:1.8.0(1*kWh)\r\n1-1:1.128.0(7)\r\n1-0:96.1.0(1)\r\n!\r\n')).telegrams,
			false,
		).telegrams[0]?.dataSets.map((set) => [set.key, set.manufacturerSpecific]);
		expect(marked).toEqual([
			['1.8.0', false],
			['1.128.0', true],
			['96.1.0', false],
		]);
	});
});
