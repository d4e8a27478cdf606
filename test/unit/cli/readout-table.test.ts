import {describe, expect, it} from 'vitest';
import {readoutToTable} from '../../../src/cli/readout-table.ts';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {encodeTelegram} from '../../../src/iec62056/telegram-encoder.ts';

const bytes = encodeTelegram({
	identification: {manufacturer: 'ISk', baudChar: '5', enhanced: [], ident: 'MT174-0001'},
	lines: [
		[{address: '1-0:1.8.0*255', values: [{text: '0017683.130', unit: 'kWh'}]}],
		[{address: '1-0:1.6.0*255', values: [{text: '03.425', unit: 'kW'}, {text: '1140716101053'}]}],
		[{address: '1-0:1.8.0*01', values: [{text: '0017420.012', unit: 'kWh'}]}],
		[{address: '0-0:98.1.0', values: [{text: '0'}, {text: '1-0:1.6.0'}]}],
	],
});
const {telegrams} = decodeCapture(bytes);

describe('readoutToTable', () => {
	it('starts with the identification, mode, rate and block check', () => {
		const [first] = readoutToTable(telegrams, false).split('\n');
		expect(first).toBe('/ISk5MT174-0001  manufacturer ISk, mode C, 9600 Bd, 4 data sets, BCC ok');
	});

	it('aligns code, value, unit and time columns', () => {
		const lines = readoutToTable(telegrams, false).split('\n');
		// Widest code `1-0:1.6.0*255` (13), widest value `0 (1-0:1.6.0)` (13), two spaces between columns.
		expect(lines[1]).toBe(`${'code'.padEnd(15)}${'value'.padEnd(15)}unit  time`);
		expect(lines[3]).toBe(`1-0:1.6.0*255  ${'03.425'.padEnd(15)}kW    2014-07-16 10:10:53 (summer)`);
	});

	it('shows further values that are not dates beside the first', () => {
		expect(readoutToTable(telegrams, false)).toContain('0-0:98.1.0     0 (1-0:1.6.0)');
	});

	it('shows history rows only when verbose', () => {
		expect(readoutToTable(telegrams, false)).not.toContain('1-0:1.8.0*01');
		expect(readoutToTable(telegrams, true)).toMatch(/1-0:1\.8\.0\*01 +0017420\.012 +kWh/);
	});
});
