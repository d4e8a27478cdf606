import {describe, expect, it} from 'vitest';
import {ObisSelection} from '../../../src/readings/obis-selection.ts';
import {type Point, pointKey} from '../../../src/readings/point.ts';
import {mapReading, type PointMapperOptions} from '../../../src/readings/point-mapper.ts';
import type {Reading} from '../../../src/readings/reading.ts';
import {dataSetsOf} from '../../helpers/data-block-lines.ts';
import {fixtureReading} from '../../helpers/fixture-telegram.ts';

const BERLIN = 'Europe/Berlin';
// Deliberately not on a whole second: current values are stamped at readAt truncated to seconds.
const READ_AT = new Date('2024-03-10T12:34:56.789Z');
const READ_AT_SECONDS = '2024-03-10T12:34:56.000Z';

// Europe/Berlin in 2016: CET (+01:00) until 27 March 02:00, when clocks jump to 03:00 CEST (+02:00);
// CEST until 30 October 03:00, when clocks fall back to 02:00 CET, so 02:00–02:59 happens twice.

function reading(...lines: string[]): Reading {
	return {readAt: READ_AT, dataSets: dataSetsOf(...lines)};
}

/** Maps everything, text registers included (the default leaves them out; see 'defaults'). */
function map(lines: string[], options: PointMapperOptions = {}) {
	return mapReading(reading(...lines), {timeZone: BERLIN, text: true, ...options});
}

function fixture(name: string): Reading {
	return fixtureReading(name, READ_AT);
}

function only(points: readonly Point[], obis: string): Point {
	const found = points.filter((point) => tag(point, 'obis') === obis);
	if (found.length !== 1) throw new Error(`expected one point for ${obis}, found ${found.length}`);
	return found[0] as Point;
}

function tag(point: Point | undefined, key: string): string | undefined {
	return point?.tags[key];
}

function iso(point: Point): string {
	return point.time.toISOString();
}

const FIXTURES = [
	'landisgyr-zmd120-c',
	'landisgyr-zmd120-c-verbose',
	'iskra-mt174-c',
	'dsmr-kaifa-p1',
	'aux-sx330-c',
];

describe('mapReading', () => {
	describe('tags', () => {
		it('tags every point with the serial number the meter reports in 0.0.0', () => {
			const {points} = mapReading(fixture('landisgyr-zmd120-c'), {timeZone: BERLIN});
			expect(points.length).toBeGreaterThan(0);
			for (const point of points) expect(tag(point, 'meter')).toBe('50871031');
		});

		it('tags every point with the configured meter id instead of the reported serial', () => {
			const {points} = map(['0.0.0(50871031)', '1.8.1(00021271*kWh)'], {meterId: 'house'});
			expect(points.map((point) => tag(point, 'meter'))).toEqual(['house', 'house']);
		});

		it('tags the reduced code C.D.E and the channel A-B the meter sent', () => {
			const {points} = map(['1-1:1.8.1(00021271*kWh)']);
			expect(points[0]?.tags).toEqual({meter: 'meter', obis: '1.8.1', channel: '1-1', unit: 'kWh'});
		});

		it('keeps letter codes as the standard names them', () => {
			const {points} = map(['1-1:F.F(00000000)', '1-1:C.3.1(___-----)']);
			expect(points.map((point) => tag(point, 'obis'))).toEqual(['F.F', 'C.3.1']);
		});

		it('leaves the channel tag out when the meter sends no A-B prefix', () => {
			const {points} = map(['1.8.1(00021271*kWh)']);
			expect(points[0]?.tags).not.toHaveProperty('channel');
		});

		it('leaves the unit tag out for a value sent without a unit', () => {
			const {points} = map(['1-1:C.7.0(00000017)']);
			expect(points[0]?.tags).not.toHaveProperty('unit');
		});

		it('tags the second billing scheme &NN with billing=2', () => {
			const {points} = map(['1-1:1.6.1&02(24.31*kW)(1604011200)']);
			expect(points[0]?.tags).toEqual({
				meter: 'meter',
				obis: '1.6.1',
				channel: '1-1',
				unit: 'kW',
				billing: '2',
			});
		});

		it('gives *NN history the tags of the current register plus billing=1, with no period tag', () => {
			const {points} = mapReading(fixture('iskra-mt174-c'), {timeZone: BERLIN});
			const series = points.filter((point) => tag(point, 'obis') === '1.8.0');
			expect(series).toHaveLength(4);
			const live = {meter: '63355730', obis: '1.8.0', channel: '1-0', unit: 'kWh'};
			expect(
				series.filter((point) => tag(point, 'billing') === undefined).map((point) => point.tags),
			).toEqual([live]);
			const history = series.filter((point) => tag(point, 'billing') !== undefined);
			expect(history).toHaveLength(3);
			for (const point of history) expect(point.tags).toEqual({...live, billing: '1'});
		});

		it('gives a history line sent without a unit the unit and scale of its current register', () => {
			const {points} = map(['1.8.0(00001234*Wh)', '0.1.2*01(1603010000)', '1.8.0*01(00001000)']);
			const [current, history] = points.filter((point) => tag(point, 'obis') === '1.8.0');
			expect(history?.time.toISOString()).toBe('2016-02-29T23:00:00.000Z');
			expect(history?.tags).toEqual({...current?.tags, billing: '1'});
			expect(history?.fields).toEqual({value: 1});
		});

		it('gives each of many history lines sent without a unit the unit of its own current register', () => {
			const registers = Array.from({length: 12}, (_, index) => `1.8.${index}`);
			const lines = [
				...registers.map((code, index) => `${code}(00001234*${index % 2 === 0 ? 'Wh' : 'kWh'})`),
				'0.1.2*01(1603010000)',
				...registers.map((code) => `${code}*01(00001000)`),
			];
			const history = map(lines).points.filter(
				(point) => tag(point, 'billing') !== undefined && tag(point, 'obis')?.startsWith('1.8.'),
			);
			expect(history.map((point) => [tag(point, 'obis'), tag(point, 'unit'), point.fields])).toEqual(
				registers.map((code, index) => [code, 'kWh', {value: index % 2 === 0 ? 1 : 1000}]),
			);
		});

		it('uses the measurement option as the measurement name', () => {
			const {points} = map(['1.8.1(00021271*kWh)'], {measurement: 'electricity'});
			expect(points[0]?.measurement).toBe('electricity');
		});

		it('names the measurement meter by default', () => {
			const {points} = map(['1.8.1(00021271*kWh)']);
			expect(points[0]?.measurement).toBe('meter');
		});
	});

	describe('values', () => {
		it('stores an energy register as a float in kWh', () => {
			const {points} = map(['1-1:1.8.1(00021271*kWh)']);
			expect(points[0]?.fields).toEqual({value: 21271});
		});

		it('converts Wh to kWh', () => {
			const {points} = map(['1.8.0(00001234*Wh)']);
			expect(points[0]?.fields).toEqual({value: 1.234});
			expect(tag(points[0], 'unit')).toBe('kWh');
		});

		it('converts W to kW', () => {
			const {points} = map(['1.7.0(7400*W)']);
			expect(points[0]?.fields).toEqual({value: 7.4});
			expect(tag(points[0], 'unit')).toBe('kW');
		});

		it('reads a decimal comma', () => {
			const {points} = map(['1.7.0(000007,4*kW)']);
			expect(points[0]?.fields).toEqual({value: 7.4});
		});

		it('writes an unknown unit as sent, as the unit tag, and reports it', () => {
			const {points, unknownUnits} = map(['0.3.0(1000*Imp/kWh)']);
			expect(points[0]?.fields).toEqual({value: 1000});
			expect(points[0]?.tags).toHaveProperty('unit', 'Imp/kWh');
			expect(unknownUnits).toEqual(['Imp/kWh']);
		});

		it.each([
			['9.21(3.829*GJ)', 3.829, 'GJ'],
			['6.8(0012.345*MWh)', 12345, 'kWh'],
			['8.0(1234*l)', 1.234, 'm3'],
			['8.0(00012.5*m3)', 12.5, 'm3'],
		])('writes %s with a unit tag (heat, water and gas units)', (line, value, unit) => {
			const {points, unknownUnits} = map([line]);
			expect(points[0]?.fields).toEqual({value});
			expect(points[0]?.tags).toHaveProperty('unit', unit);
			expect(unknownUnits).toEqual([]);
		});

		it('stores the serial number in 0.0.0 as text, keeping its leading zeros', () => {
			const {points} = map(['0.0.0(00871031)']);
			expect(points[0]?.fields).toEqual({text: '00871031'});
		});

		it('stores the error register F.F as text', () => {
			const {points} = map(['F.F(00000000)']);
			expect(points[0]?.fields).toEqual({text: '00000000'});
		});

		it('stores a hex status word as text', () => {
			const {points} = map(['1-1:C.4.0(60C00183)']);
			expect(points[0]?.fields).toEqual({text: '60C00183'});
		});

		it('stores the status register 96.5.5 as text even when it looks like a number', () => {
			const {points} = map(['0-0:96.5.5(80)']);
			expect(points[0]?.fields).toEqual({text: '80'});
		});

		it('stores a C.4.0 status word made only of decimal digits as text', () => {
			const {points} = map(['1-1:C.4.0(00400183)']);
			expect(points[0]?.fields).toEqual({text: '00400183'});
		});

		it('stores the power failure count C.7.0 as a number', () => {
			const {points} = map(['1-1:C.7.0(00000017)']);
			expect(points[0]?.fields).toEqual({value: 17});
		});

		it('gives every point of a readout exactly one field', () => {
			for (const name of FIXTURES) {
				const {points} = mapReading(fixture(name), {timeZone: BERLIN});
				for (const point of points) {
					expect(Object.keys(point.fields)).toHaveLength(1);
					if ('value' in point.fields) expect(Number.isFinite(point.fields.value)).toBe(true);
				}
			}
		});

		it('writes nothing for an empty value and reports it as no-value', () => {
			const {points, skipped} = map(['1-0:1.8.1()']);
			expect(points).toEqual([]);
			expect(skipped).toEqual([{address: '1-0:1.8.1', reason: 'no-value'}]);
		});
	});

	describe('time', () => {
		it('stamps a value without a date field at the readout time, in whole seconds', () => {
			const {points} = map(['1.8.1(00021271*kWh)']);
			expect(points[0]?.time.toISOString()).toBe(READ_AT_SECONDS);
		});

		it('stamps a maximum demand at its own date, converted from the meter zone', () => {
			const {points} = map(['1-1:1.6.1(24.31*kW)(1605041345)'], {timeZone: BERLIN});
			expect(points[0]?.time.toISOString()).toBe('2016-05-04T11:45:00.000Z');
			expect(points[0]?.fields).toEqual({value: 24.31});
		});

		it('reads meter times as UTC when no time zone is given', () => {
			const {points} = mapReading(reading('1-1:1.6.1(24.31*kW)(1605041345)'));
			expect(points[0]?.time.toISOString()).toBe('2016-05-04T13:45:00.000Z');
		});

		it('stamps a winter date with the standard-time offset', () => {
			const {points} = map(['1-1:1.6.2*05(27.23)(1512171100)']);
			expect(points[0]?.time.toISOString()).toBe('2015-12-17T10:00:00.000Z');
		});

		it('stamps a DSMR gas value at the date sent before it', () => {
			const {points} = mapReading(fixture('dsmr-kaifa-p1'), {timeZone: BERLIN});
			const gas = only(points, '24.2.1');
			expect(gas.fields).toEqual({value: 981.443});
			expect(gas.tags).toMatchObject({channel: '0-1', unit: 'm3'});
			expect(iso(gas)).toBe('2016-11-29T19:00:00.000Z');
		});

		it('stamps a value at the season-prefixed stamp that follows its unit in the same bracket', () => {
			const {points} = map(['1.6.0*5(1.124*kW 1250625171500)']);
			expect(points[0]?.fields).toEqual({value: 1.124});
			expect(points[0]?.time.toISOString()).toBe('2025-06-25T15:15:00.000Z');
		});

		it('takes a stamp flagged with season digit 2 as UTC', () => {
			const {points} = map(['1.6.1(24.31*kW)(21605041345)']);
			expect(points[0]?.time.toISOString()).toBe('2016-05-04T13:45:00.000Z');
		});

		describe('daylight saving', () => {
			it('places the repeated autumn hour flagged as summer time at its first occurrence', () => {
				const {points} = map(['1.6.1(1.5*kW)(11610300230)']);
				expect(points[0]?.time.toISOString()).toBe('2016-10-30T00:30:00.000Z');
			});

			it('places the repeated autumn hour flagged as standard time at its second occurrence', () => {
				const {points} = map(['1.6.1(1.5*kW)(01610300230)']);
				expect(points[0]?.time.toISOString()).toBe('2016-10-30T01:30:00.000Z');
			});

			it('honours the DSMR S and W suffixes in the repeated autumn hour', () => {
				const {points} = map([
					'0-1:24.2.1(161030023000S)(00001.001*m3)',
					'0-2:24.2.1(161030023000W)(00001.001*m3)',
				]);
				expect(points.map(iso)).toEqual(['2016-10-30T00:30:00.000Z', '2016-10-30T01:30:00.000Z']);
			});

			it('places the repeated autumn hour without a season flag at its first occurrence', () => {
				const {points} = map(['1.6.1(1.5*kW)(1610300230)']);
				expect(points[0]?.time.toISOString()).toBe('2016-10-30T00:30:00.000Z');
			});

			it('moves a stamp inside the spring gap forward by the gap instead of dropping it', () => {
				const {points, skipped} = map(['1.6.1(1.5*kW)(1603270230)']);
				expect(skipped).toEqual([]);
				expect(points[0]?.time.toISOString()).toBe('2016-03-27T01:30:00.000Z');
			});
		});
	});

	describe('billing history', () => {
		it('stamps *NN history at its own date', () => {
			const {points} = mapReading(fixture('landisgyr-zmd120-c-verbose'), {timeZone: BERLIN});
			const demand = points.filter((point) => tag(point, 'obis') === '1.6.2');
			expect(demand.map((point) => [iso(point), point.fields])).toContainEqual([
				'2016-09-05T12:15:00.000Z',
				{value: 26.6},
			]);
		});

		it('stamps *NN history without a date at the reset time 0.1.2*NN gives', () => {
			const {points} = mapReading(fixture('iskra-mt174-c'), {timeZone: BERLIN});
			const energy = points.filter((point) => tag(point, 'obis') === '1.8.0');
			expect(energy.map((point) => [iso(point), point.fields])).toEqual([
				[READ_AT_SECONDS, {value: 8048.375}],
				['2017-02-28T23:00:00.000Z', {value: 7904.135}],
				['2017-01-31T23:00:00.000Z', {value: 7660.326}],
				['2015-12-31T23:00:00.000Z', {value: 4224.392}],
			]);
		});

		it('prefers a history value its own date over its period reset time', () => {
			const {points} = mapReading(fixture('iskra-mt174-c'), {timeZone: BERLIN});
			const demand = points.filter((point) => tag(point, 'obis') === '1.6.0');
			expect(demand.map(iso)).toContain('2017-02-10T19:00:00.000Z');
			expect(demand.map(iso)).not.toContain('2017-02-28T23:00:00.000Z');
		});

		it('stamps history at the reset time given by 0.1.3 and 0.1.2 for the current counter 0.1.0', () => {
			const {points} = map([
				'1-1:0.1.0(09)',
				'1-1:0.1.2(0000)',
				'1-1:0.1.3(160501)',
				'1-1:1.8.1(00021271*kWh)',
				'1-1:1.8.1*09(00020000*kWh)',
			]);
			const energy = points.filter((point) => tag(point, 'obis') === '1.8.1');
			expect(energy.map((point) => [iso(point), point.fields])).toEqual([
				[READ_AT_SECONDS, {value: 21271}],
				['2016-04-30T22:00:00.000Z', {value: 20000}],
			]);
		});

		it('stamps AUX history at the full season-prefixed reset stamp 0.1.2*N', () => {
			const {points} = mapReading(fixture('aux-sx330-c'), {timeZone: BERLIN});
			const energy = points.filter((point) => tag(point, 'obis') === '1.8.0');
			expect(energy.map((point) => [iso(point), point.fields])).toEqual([
				['2025-05-31T22:00:00.000Z', {value: 1182}],
				['2025-04-30T22:00:00.000Z', {value: 1161}],
			]);
		});

		it('skips history that has neither a date nor a reset time, counting it as history-without-date', () => {
			const {points, skipped} = mapReading(fixture('landisgyr-zmd120-c-verbose'), {timeZone: BERLIN});
			expect(points.some((point) => tag(point, 'obis') === '3.8.2')).toBe(false);
			expect(skipped).toContainEqual({address: '1-1:3.8.2*08', reason: 'history-without-date'});
		});

		it('never writes a point for an all-zero date, counting it as no-date', () => {
			const {points, skipped} = mapReading(fixture('landisgyr-zmd120-c-verbose'), {timeZone: BERLIN});
			for (const address of [
				'1-1:1.6.2*02',
				'1-1:1.6.2*01',
				'1-1:1.6.2*00',
				'1-1:1.6.1&02',
				'1-1:1.6.2&01',
			]) {
				expect(skipped).toContainEqual({address, reason: 'no-date'});
			}
			// Every &NN value of this telegram has an all-zero date: no point of the second scheme at all.
			expect(points.some((point) => tag(point, 'billing') === '2')).toBe(false);
		});

		it('never writes history for an all-zero reset stamp', () => {
			const {points, skipped} = map(['0.1.2*03(0000000000)', '1.8.0*03(00000000*kWh)']);
			expect(points.filter((point) => tag(point, 'obis') === '1.8.0')).toEqual([]);
			expect(skipped).toContainEqual({address: '1.8.0*03', reason: 'history-without-date'});
		});

		it('writes no point before 2001 for any golden telegram', () => {
			for (const name of FIXTURES) {
				const {points} = mapReading(fixture(name), {timeZone: BERLIN});
				for (const point of points) expect(point.time.getUTCFullYear()).toBeGreaterThan(2000);
			}
		});

		it('keeps *07 and &07 apart when both carry the same date', () => {
			const {points} = map(['1.6.1*07(10.00*kW)(1604011200)', '1.6.1&07(20.00*kW)(1604011200)']);
			expect(points).toHaveLength(2);
			expect(points.map((point) => tag(point, 'billing'))).toEqual(['1', '2']);
			expect(pointKey(points[0] as Point)).not.toBe(pointKey(points[1] as Point));
		});

		it('does not place &07 history at the reset time of *07', () => {
			const {points, skipped} = map(['0.1.2*07(1604010000)', '1.8.0&07(00000200*kWh)']);
			expect(points.filter((point) => tag(point, 'obis') === '1.8.0')).toEqual([]);
			expect(skipped).toContainEqual({address: '1.8.0&07', reason: 'history-without-date'});
		});

		it('treats *255 as the current value, not as history', () => {
			const {points, skipped} = map(['1-0:1.8.0*255(00001000*kWh)'], {history: false});
			expect(skipped).toEqual([]);
			expect(points[0]?.time.toISOString()).toBe(READ_AT_SECONDS);
		});
	});

	describe('options', () => {
		it('skips *NN and &NN history when history is false', () => {
			const {points, skipped} = map(
				['1.6.1(24.31*kW)(1605041345)', '1.6.1*03(26.14*kW)(1510221000)', '1.6.1&02(25.00*kW)(1510221000)'],
				{history: false},
			);
			expect(points).toHaveLength(1);
			expect(skipped).toEqual([
				{address: '1.6.1*03', reason: 'history-disabled'},
				{address: '1.6.1&02', reason: 'history-disabled'},
			]);
		});

		it('skips text registers when text is false', () => {
			const {points, skipped} = map(['0.0.0(50871031)', 'F.F(00000000)', '1.8.1(00021271*kWh)'], {
				text: false,
			});
			expect(points.map((point) => tag(point, 'obis'))).toEqual(['1.8.1']);
			expect(skipped).toEqual([
				{address: '0.0.0', reason: 'text-disabled'},
				{address: 'F.F', reason: 'text-disabled'},
			]);
		});

		it('still tags with the serial from 0.0.0 when text is false', () => {
			const {points} = map(['0.0.0(50871031)', '1.8.1(00021271*kWh)'], {text: false});
			expect(tag(points[0], 'meter')).toBe('50871031');
		});

		it('writes only the data sets select accepts and reports the rest as not-selected', () => {
			const {points, skipped} = map(['1.8.1(00021271*kWh)', '1.8.2(00002533*kWh)'], {
				select: (set) => set.key === '1.8.2',
			});
			expect(points.map((point) => tag(point, 'obis'))).toEqual(['1.8.2']);
			expect(skipped).toEqual([{address: '1.8.1', reason: 'not-selected'}]);
		});
	});

	describe('readout as a whole', () => {
		it('skips a bare value without an address as no-address', () => {
			const {skipped} = mapReading(fixture('aux-sx330-c'), {timeZone: BERLIN});
			expect(skipped).toContainEqual({address: '', reason: 'no-address'});
		});

		it('keeps a non-OBIS address as the obis tag', () => {
			const {points} = map(['1-1:30D(12345)']);
			expect(tag(points[0], 'obis')).toBe('30D');
		});

		it('skips a second data set with the same tags and time as a duplicate', () => {
			const {points, skipped} = map(['1.8.1(00021271*kWh)', '1.8.1(00021272*kWh)']);
			expect(points).toHaveLength(1);
			expect(points[0]?.fields).toEqual({value: 21271});
			expect(skipped).toEqual([{address: '1.8.1', reason: 'duplicate'}]);
		});

		it('keeps sets of one code on other channels or with other units apart: no duplicates', () => {
			const {points, skipped} = map([
				'1-1:1.8.1(1*kWh)',
				'1-2:1.8.1(2*kWh)',
				'1-1:1.8.1(3*kvarh)',
				'1-2:1.8.1(4*kWh)',
			]);
			expect(points.map((point) => point.fields)).toEqual([{value: 1}, {value: 2}, {value: 3}]);
			expect(skipped).toEqual([{address: '1-2:1.8.1', reason: 'duplicate'}]);
		});

		it('never gives two points of a golden telegram the same tags and time', () => {
			for (const name of FIXTURES) {
				const {points} = mapReading(fixture(name), {timeZone: BERLIN});
				const keys = points.map(pointKey);
				expect(new Set(keys).size).toBe(keys.length);
			}
		});

		it('maps the same reading to deep-equal points every time', () => {
			for (const name of FIXTURES) {
				const first = mapReading(fixture(name), {timeZone: BERLIN});
				const second = mapReading(fixture(name), {timeZone: BERLIN});
				expect(second).toEqual(first);
			}
		});

		it('leaves the reading it is given unchanged', () => {
			const input = fixture('landisgyr-zmd120-c-verbose');
			const copy = structuredClone(input);
			mapReading(input, {timeZone: BERLIN});
			expect(input).toEqual(copy);
		});

		it('maps the smarthomeNG dlms plugin example meter short readout to one point per data set', () => {
			const input = fixture('landisgyr-zmd120-c');
			const {points, skipped} = mapReading(input, {timeZone: BERLIN, text: true});
			expect(skipped).toEqual([]);
			expect(points).toHaveLength(input.dataSets.length);
		});
	});
});

describe('mapReading defaults and selection', () => {
	const telegram = [
		'1-1:0.0.0(50871031)',
		'1-1:1.6.2(24.31*kW)(1605041345)',
		'1-1:1.6.2*01(22.00*kW)(1604051200)',
		'1-1:1.8.1(00021271*kWh)',
		'1-1:C.5.0(0020E0F0)',
	];
	const input = reading(...telegram);

	it('writes every numeric value by default, history included, and leaves text registers out', () => {
		const {points, skipped} = mapReading(input, {timeZone: BERLIN});
		expect(points.map((point) => tag(point, 'obis'))).toEqual(['1.6.2', '1.6.2', '1.8.1']);
		expect(skipped.map((entry) => entry.reason)).toEqual(['text-disabled', 'text-disabled']);
	});

	it('writes exactly what a selection names, text and second values included', () => {
		const selection = new ObisSelection([
			{code: '0.0.0', name: 'serial'},
			{code: '1.6.2*01~1'},
			{code: '1.8.*'},
		]);
		const {points} = mapReading(input, {timeZone: BERLIN, selection});
		expect(
			points.map((point) => [tag(point, 'obis'), point.fields, tag(point, 'index'), tag(point, 'name')]),
		).toEqual([
			['0.0.0', {text: '50871031'}, undefined, 'serial'],
			['1.6.2', {text: '1604051200'}, '1', undefined],
			['1.8.1', {value: 21271}, undefined, undefined],
		]);
	});

	it('stamps a selected second value at the time of its data set', () => {
		const {points} = mapReading(input, {
			timeZone: BERLIN,
			selection: new ObisSelection([{code: '1.6.2*01~1'}]),
		});
		expect(points[0]?.time.toISOString()).toBe('2016-04-05T10:00:00.000Z');
	});

	it('reports unselected data sets as not-selected', () => {
		const {skipped} = mapReading(input, {timeZone: BERLIN, selection: new ObisSelection([{code: '1.8.1'}])});
		expect(skipped.filter((entry) => entry.reason === 'not-selected')).toHaveLength(4);
	});
});

describe('mapReading, what real meters send', () => {
	const at = (point: Point | undefined) => point?.time.toISOString();

	it('writes every & part of one bracket, told apart by the part tag', () => {
		const {points} = map(['9.4(088*C&082*C)']);
		expect(points.map((point) => [point.tags['part'], point.fields, point.tags['unit']])).toEqual([
			['1', {value: 88}, '°C'],
			['2', {value: 82}, '°C'],
		]);
	});

	it('writes digits a float would lose as text, never as a rounded float', () => {
		const {points} = map(['0-0:96.13.1(303132)', '1.8.0(1234567890123456789)']);
		expect(points.map((point) => point.fields)).toEqual([{text: '303132'}, {text: '1234567890123456789'}]);
	});

	it('writes a time in the first bracket as text, never as a float (Iskra C.51.2)', () => {
		const {points} = map(['0-0:C.51.2*255(1140716101053)']);
		expect(points[0]?.fields).toEqual({text: '1140716101053'});
	});

	it('stamps `(value)(YY-MM-DD,hh:mm)` and its *1 history at their own times (Elster AS2018)', () => {
		const {points} = map(['1.6.0(002.612*kW)(24-11-05,17:00)', '1.6.0*1(003.388*kW)(24-10-14,08:15)']);
		expect(points.map((point) => [point.tags['billing'], at(point)])).toEqual([
			[undefined, '2024-11-05T16:00:00.000Z'],
			['1', '2024-10-14T06:15:00.000Z'],
		]);
	});

	it('writes DSMR buffer entries as history of the code they name at their stamps, never the count', () => {
		const {points} = map([
			'0-0:98.1.0(2)(1-0:1.6.0)(1-0:1.6.0)(231101000000W)(231031120000W)(01.747*kW)(231201000000W)(231109164500W)(03.260*kW)',
		]);
		expect(points.map((point) => [point.tags, point.fields, at(point)])).toEqual([
			[
				{meter: 'meter', obis: '1.6.0', channel: '1-0', unit: 'kW', billing: '1'},
				{value: 1.747},
				'2023-10-31T11:00:00.000Z',
			],
			[
				{meter: 'meter', obis: '1.6.0', channel: '1-0', unit: 'kW', billing: '1'},
				{value: 3.26},
				'2023-11-09T15:45:00.000Z',
			],
		]);
	});

	it('writes the DSMR 2.2 gas value as a live 24.2.1 point at its stamp, never a descriptor field', () => {
		const {points, skipped} = map(['0-2:24.3.0(211123200000)(00)(60)(1)(0-2:24.2.1)(m3)', '(13376.292)']);
		expect(points.map((point) => [point.tags, point.fields, at(point)])).toEqual([
			[
				{meter: 'meter', obis: '24.2.1', channel: '0-2', unit: 'm3'},
				{value: 13376.292},
				'2021-11-23T19:00:00.000Z',
			],
		]);
		expect(skipped).toEqual([]);
		expect(map(['0-2:24.3.0(211123200000)(00)(60)(1)(0-2:24.2.1)(m3)']).points).toEqual([]);
	});

	it('writes nothing for a placeholder stamp: the local epoch, an unlinked gas meter', () => {
		const {points, skipped} = map([
			'0-1:24.2.1(700101010000W)(00000000)',
			'0-1:24.2.1(632525252525S)(00000.000)',
		]);
		expect(points).toEqual([]);
		expect(skipped.map((skip) => skip.reason)).toEqual(['no-date', 'no-date']);
	});
});
