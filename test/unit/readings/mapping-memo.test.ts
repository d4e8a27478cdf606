import {describe, expect, it} from 'vitest';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';
import {MappingMemo, sameDataSet} from '../../../src/readings/mapping-memo.ts';
import {ObisSelection} from '../../../src/readings/obis-selection.ts';
import {mapReading, type PointMapperOptions} from '../../../src/readings/point-mapper.ts';
import type {Reading} from '../../../src/readings/reading.ts';
import {dataSetsOf} from '../../helpers/data-block-lines.ts';
import {fixtureReading} from '../../helpers/fixture-telegram.ts';

const BERLIN = 'Europe/Berlin';
const READ_AT = new Date('2024-03-10T12:34:56.789Z');

function reading(readAt: Date, ...lines: string[]): Reading {
	return {readAt, dataSets: dataSetsOf(...lines)};
}

function fixture(name: string, readAt = READ_AT): Reading {
	return fixtureReading(name, readAt);
}

/** The points (times as text), skips and unknown units, as plain data to compare. */
function outcome(mapped: ReturnType<typeof mapReading>) {
	// The count of history points the mapper gives is that of the points with a `billing` tag.
	expect(mapped.historyPoints).toBe(
		mapped.points.filter((point) => point.tags['billing'] !== undefined).length,
	);
	return {
		points: mapped.points.map((point) => ({...point, time: point.time.toISOString()})),
		skipped: mapped.skipped,
		unknownUnits: mapped.unknownUnits,
		historyPoints: mapped.historyPoints,
	};
}

/** Maps each reading with one memo and without; expects the same, and returns what the memo gave. */
function mapBothWays(readings: readonly Reading[], options: PointMapperOptions) {
	const memo = new MappingMemo();
	return readings.map((each) => {
		const remembered = outcome(mapReading(each, options, memo));
		expect(remembered).toEqual(outcome(mapReading(each, options)));
		return remembered;
	});
}

const FIXTURES = [
	'landisgyr-zmd120-c',
	'landisgyr-zmd120-c-verbose',
	'iskra-mt174-c',
	'dsmr-kaifa-p1',
	'aux-sx330-c',
	'easymeter-q3d-d',
	'siemens-2wr5-b',
	'elster-as1440-c',
	'emh-ehz-d',
	'landisgyr-e350-c',
	'landisgyr-uh50-d',
];

describe('mapReading with a MappingMemo', () => {
	it('gives the same points as without, readout after readout, for the sets of real meters', () => {
		const options: PointMapperOptions = {timeZone: BERLIN, meterId: 'm1', text: true};
		for (const name of FIXTURES) {
			const later = new Date(READ_AT.getTime() + 60_000);
			const [first, second] = mapBothWays([fixture(name), fixture(name, later)], options);
			// The second readout: the same values, its own time where the first had its own.
			expect(second?.points.length).toBe(first?.points.length);
		}
	});

	it('gives the same points across meters, options with a selection, and alternating readouts', () => {
		const selection = new ObisSelection([
			{code: '1.8.*'},
			{code: '1.6.2*01~1'},
			{code: '1.6.1', name: 'peak'},
		]);
		const readings = FIXTURES.flatMap((name) => [fixture(name), fixture('landisgyr-zmd120-c')]);
		mapBothWays(readings, {timeZone: BERLIN, selection});
		mapBothWays(readings, {timeZone: BERLIN});
	});

	it('stamps a value of a repeated set with the time of its own readout', () => {
		const later = new Date('2024-03-10T12:35:56.000Z');
		const [, second] = mapBothWays(
			[reading(READ_AT, '1.8.1(001234.5*kWh)'), reading(later, '1.8.1(001234.5*kWh)')],
			{timeZone: BERLIN},
		);
		expect(second?.points[0]?.time).toBe(later.toISOString());
	});

	it('takes the unit of another set again when that set changed', () => {
		// `1.6.1*01` is sent without a unit and takes the one of `1.6.1`, which changes from kW to W.
		const [first, second] = mapBothWays(
			[
				reading(READ_AT, '1.6.1(10.00*kW)(2403011200)', '1.6.1*01(24.31)(2402051345)'),
				reading(READ_AT, '1.6.1(10.00*W)(2403011200)', '1.6.1*01(24.31)(2402051345)'),
			],
			{timeZone: BERLIN},
		);
		expect(first?.points[1]?.fields).toEqual({value: 24.31});
		expect(second?.points[1]?.fields).toEqual({value: 0.02431});
	});

	it('dates history by its reset stamp again when the stamp changed', () => {
		const [first, second] = mapBothWays(
			[
				reading(READ_AT, '1.8.1*01(001000*kWh)', '0.1.2*01(2403010000)'),
				reading(READ_AT, '1.8.1*01(001000*kWh)', '0.1.2*01(2402010000)'),
			],
			{timeZone: BERLIN},
		);
		expect(first?.points[0]?.time).toBe('2024-02-29T23:00:00.000Z');
		expect(second?.points[0]?.time).toBe('2024-01-31T23:00:00.000Z');
	});

	it('finds a duplicate among repeated sets as it does among new ones', () => {
		const lines = ['1.8.1(001234*kWh)', '1.8.1(001234*kWh)', '1.8.2(000001*kWh)'];
		const [, second] = mapBothWays([reading(READ_AT, ...lines), reading(READ_AT, ...lines)], {
			timeZone: BERLIN,
		});
		expect(second?.skipped).toEqual([{address: '1.8.1', reason: 'duplicate'}]);
	});

	it('starts afresh for other options or another meter tag', () => {
		const memo = new MappingMemo();
		const lines = ['1.6.1(24.31*kW)(2403051345)'];
		const berlin = mapReading(reading(READ_AT, ...lines), {timeZone: BERLIN, meterId: 'a'}, memo);
		const utc = mapReading(reading(READ_AT, ...lines), {timeZone: 'UTC', meterId: 'a'}, memo);
		const other = mapReading(reading(READ_AT, ...lines), {timeZone: 'UTC', meterId: 'b'}, memo);
		expect(berlin.points[0]?.time.toISOString()).toBe('2024-03-05T12:45:00.000Z');
		expect(utc.points[0]?.time.toISOString()).toBe('2024-03-05T13:45:00.000Z');
		expect(other.points[0]?.tags['meter']).toBe('b');
	});

	it('reports an unknown unit of a repeated set again', () => {
		const [, second] = mapBothWays(
			[reading(READ_AT, '1.8.1(0012*Imp)', '1.8.2(0012*Imp)'), reading(READ_AT, '1.8.1(0012*Imp)')],
			{timeZone: BERLIN},
		);
		expect(second?.unknownUnits).toEqual(['Imp']);
	});
});

describe('sameDataSet', () => {
	const [a, b, c, d] = parseDataBlock(
		'1-1:1.6.1(24.31*kW)(2403051345)\r\n1-1:1.6.1(24.31*kW)(2403051345)\r\n1-1:1.6.1(24.31*kW)(2403051346)\r\n1-1:1.6.2(24.31*kW)(2403051345)\r\n!\r\n',
	).dataSets;

	it('is true for the same address and bracket contents, false for any other', () => {
		if (a === undefined || b === undefined || c === undefined || d === undefined)
			throw new Error('four sets');
		expect(sameDataSet(a, b)).toBe(true);
		expect(sameDataSet(a, c)).toBe(false);
		expect(sameDataSet(a, d)).toBe(false);
		expect(sameDataSet(a, {...a, values: a.values.slice(0, 1)})).toBe(false);
	});
});
