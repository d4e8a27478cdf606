import {Buffer} from 'node:buffer';
import {describe, expect, it} from 'vitest';
import {dataSetsBefore, pastedReadouts} from '../../../src/backfill/pasted-readouts.ts';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';

const readout = (kwh: string, hour: string) =>
	`1.8.1(${kwh}*kWh)\r\n0.9.1(${hour}0000)\r\n0.9.2(261130)\r\n!\r\n`;
const only = (text: string) => {
	const [telegram] = decodeCapture(Buffer.from(text, 'latin1')).telegrams;
	if (telegram === undefined) throw new Error('no telegram');
	return telegram;
};

describe('pastedReadouts', () => {
	it('splits bare text at each end mark into one readout each', () => {
		const text = ['001000.0', '001001.0', '001002.0'].map((kwh, i) => readout(kwh, `1${i}`)).join('');
		const readouts = pastedReadouts(only(text));
		expect(readouts.map((telegram) => telegram.dataSets.map((set) => set.values[0]?.text))).toEqual([
			['001000.0', '100000', '261130'],
			['001001.0', '110000', '261130'],
			['001002.0', '120000', '261130'],
		]);
		expect(readouts.every((telegram) => telegram.complete && telegram.framing === 'text')).toBe(true);
	});

	it('leaves one readout, a bracketed "!" and what follows the last end mark as they were', () => {
		const one = only(`${readout('1', '10')}\r\n\r\n`);
		expect(pastedReadouts(one)).toEqual([one]);
		const bracket = only('1.8.1(1*kWh)\r\nC.1(x!y)\r\n!\r\n');
		expect(pastedReadouts(bracket)).toEqual([bracket]);
		expect(bracket.dataSets).toHaveLength(2);
	});

	it('leaves framed telegrams alone', () => {
		const framed = only('/ABC5one\r\n1.8.1(1*kWh)\r\n!\r\n1.8.1(2*kWh)\r\n!\r\n');
		expect(framed.framing).toBe('push');
		expect(pastedReadouts(framed)).toEqual([framed]);
	});
});

describe('dataSetsBefore', () => {
	it('counts the data sets of bare lines before the first framed telegram, and none before a clean one', () => {
		const framed = `/ABC5one\r\n${readout('2', '11')}`;
		const input = Buffer.from(`${readout('1', '10')}${framed}`, 'latin1');
		const [first] = decodeCapture(input).telegrams;
		if (first === undefined) throw new Error('no telegram');
		expect(first.dataSets[0]?.values[0]?.text).toBe('2');
		expect(dataSetsBefore(input, first)).toBe(3);
		const clean = Buffer.from(framed, 'latin1');
		expect(dataSetsBefore(clean, only(framed))).toBe(0);
		// A pasted readout is its own first telegram: nothing before it.
		expect(dataSetsBefore(Buffer.from(readout('1', '10')), only(readout('1', '10')))).toBe(0);
	});
});
