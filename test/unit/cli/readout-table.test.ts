import {readFileSync} from 'node:fs';
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
		expect(first).toBe(
			'/ISk5MT174-0001  manufacturer ISk, announces mode C at 9600 Bd, 4 data sets (1 of them billing history, listed with --verbose), BCC ok',
		);
		expect(readoutToTable(telegrams, true).split('\n')[0]).toBe(
			'/ISk5MT174-0001  manufacturer ISk, announces mode C at 9600 Bd, 4 data sets, BCC ok',
		);
	});

	it('counts a single data set in the singular', () => {
		const single = encodeTelegram({
			identification: {manufacturer: 'ISk', baudChar: '5', enhanced: [], ident: 'MT174-0001'},
			lines: [[{address: '1-0:1.8.0*255', values: [{text: '0017683.130', unit: 'kWh'}]}]],
		});
		const [first] = readoutToTable(decodeCapture(single).telegrams, false).split('\n');
		expect(first).toBe('/ISk5MT174-0001  manufacturer ISk, announces mode C at 9600 Bd, 1 data set, BCC ok');
	});

	it('says push (mode D) for a push telegram, not the rate its identification announces', () => {
		const capture = readFileSync(
			new URL('../../fixtures/telegrams/easymeter-q3d-d/input.bin', import.meta.url),
		);
		const [first] = readoutToTable(decodeCapture(capture).telegrams, false).split('\n');
		expect(first).toBe(
			'/ESY5Q3DA1004 V3.04  manufacturer ESY, push (mode D, no sign-on), 6 data sets, no block check',
		);
	});

	it('says what the identification announces for a readout copied as text without STX, not push', () => {
		const pasted = Buffer.from('/LGZ52ZMD120APt.G03\n1-1:1.8.1(019966.1*kWh)\n1-1:1.8.2(003052*kWh)\n!\n');
		const [first] = readoutToTable(decodeCapture(pasted).telegrams, false).split('\n');
		expect(first).toBe(
			'/LGZ52ZMD120APt.G03  manufacturer LGZ, announces mode C at 9600 Bd, data without STX, 2 data sets, no block check',
		);
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

describe('readoutToTable verbose history, as line protocol writes it', () => {
	const history = decodeCapture(
		encodeTelegram({
			identification: {manufacturer: 'LGZ', baudChar: '5', enhanced: [], ident: 'ZMD120'},
			lines: [
				[{address: '1-1:0.1.0', values: [{text: '09'}]}],
				[{address: '1-1:0.1.2', values: [{text: '0000'}]}],
				[{address: '1-1:0.1.2*09', values: [{text: '2611010000'}]}],
				[{address: '1-1:0.1.2*95', values: [{text: '0000000000'}]}],
				[{address: '1-1:1.8.0', values: [{text: '00023013', unit: 'kWh'}]}],
				[{address: '1-1:1.8.0*09', values: [{text: '00019578'}]}],
				[{address: '1-1:1.8.0*95', values: [{text: '00000000'}]}],
				[{address: '1-1:1.8.0*50', values: [{text: '00000001'}]}],
			],
		}),
	).telegrams;
	const rows = () =>
		Object.fromEntries(
			readoutToTable(history, true)
				.split('\n')
				.slice(2, -1)
				.map((line) => {
					const [code, ...rest] = line.split(/ {2,}/);
					return [code, rest];
				}),
		);

	it('stamps history without a date of its own at its period reset, with the unit of its live register', () => {
		expect(rows()['1-1:1.8.0*09']).toEqual(['00019578', 'kWh', '2026-11-01 00:00:00 (reset)']);
	});

	it('says "no reset date" for history of a period whose reset stamp is a placeholder', () => {
		expect(rows()['1-1:1.8.0*95']).toEqual(['00000000', 'kWh', '(no reset date)']);
	});

	it('shows no time for history of a period without any reset stamp', () => {
		expect(rows()['1-1:1.8.0*50']).toEqual(['00000001', 'kWh']);
	});

	it('shows a reset time of day of zeros as midnight and a full reset stamp of zeros as no date', () => {
		expect(rows()['1-1:0.1.2']).toEqual(['0000', '00:00:00']);
		expect(rows()['1-1:0.1.2*95']).toEqual(['0000000000', '(no date)']);
	});
});

describe('readoutToTable reset stamps split over time and date (ZMD120), as billing reset times read them', () => {
	const table = (dateText: string) =>
		readoutToTable(
			decodeCapture(
				encodeTelegram({
					identification: {manufacturer: 'LGZ', baudChar: '5', enhanced: [], ident: 'ZMD120'},
					lines: [
						[{address: '1-1:0.1.0', values: [{text: '09'}]}],
						[{address: '1-1:0.1.2', values: [{text: '0000'}]}],
						[{address: '1-1:0.1.3', values: [{text: dateText}]}],
						[{address: '1-1:1.8.0*09', values: [{text: '00019578', unit: 'kWh'}]}],
					],
				}),
			).telegrams,
			true,
		);

	it('shows 0.1.2(0000) beside a real date as midnight, the time the history is stamped at', () => {
		const text = table('160501');
		expect(text).toMatch(/1-1:0\.1\.2 +0000 +00:00:00\n/);
		expect(text).toMatch(/1-1:0\.1\.3 +160501 +2016-05-01\n/);
		expect(text).toMatch(/1-1:1\.8\.0\*09 +00019578 +kWh +2016-05-01 00:00:00 \(reset\)/);
	});

	it('shows both as no date when the date is a placeholder', () => {
		for (const date of ['000000', '700101', '000101']) {
			const text = table(date);
			expect(text).toMatch(/1-1:0\.1\.2 +0000 +\(no date\)\n/);
			expect(text).toMatch(new RegExp(`1-1:0\\.1\\.3 +${date} +\\(no date\\)\\n`));
		}
	});
});

describe('readoutToTable, manufacturer specific codes', () => {
	const table = (text: string) =>
		readoutToTable(decodeCapture(Buffer.from(text)).telegrams, false).split('\n');

	it('notes a code with a group C to F in 128 to 254 in a note column', () => {
		const lines = table('1-1:1.8.0(1*kWh)\r\n1-1:1.128.0(7)\r\n!\r\n');
		expect(lines[1]).toMatch(/^code +value +unit +time +note$/);
		expect(lines[2]).toMatch(/^1-1:1\.8\.0 +1 +kWh$/);
		expect(lines[3]).toMatch(/^1-1:1\.128\.0 +7 +manufacturer specific/);
	});

	it('keeps the four columns when no code is manufacturer specific', () => {
		expect(table('1-1:1.8.0(1*kWh)\r\n1-1:C.1.0(7)\r\n!\r\n')[1]).toMatch(/^code +value +unit +time$/);
	});
});
