import {describe, expect, it} from 'vitest';
import {SeriesKeys} from '../../../src/backfill/series-keys.ts';
import {formatSeriesKey} from '../../../src/output/line-protocol.ts';

describe('SeriesKeys', () => {
	it('gives the series key of formatSeriesKey as UTF-8 bytes', () => {
		const keys = new SeriesKeys();
		const tags = {meter: 'Zähler 1', obis: '1.8.1', unit: 'kWh', channel: '1-1'};
		expect(keys.bytesOf('meter', tags).toString('utf8')).toBe(formatSeriesKey('meter', tags));
	});

	it('remembers a series: equal tags in another object give the same bytes without a second entry', () => {
		const keys = new SeriesKeys();
		const first = keys.bytesOf('meter', {meter: 'm', obis: '1.8.1', unit: 'kWh'});
		const again = keys.bytesOf('meter', {unit: 'kWh', obis: '1.8.1', meter: 'm'});
		expect(again).toBe(first);
		expect(keys.size).toBe(1);
	});

	it('tells series of one code apart by every tag and by the measurement', () => {
		const keys = new SeriesKeys();
		const cases: [string, Record<string, string>][] = [
			['meter', {meter: 'm', obis: '1.8.1', unit: 'kWh'}],
			['meter', {meter: 'm', obis: '1.8.1', unit: 'kWh', billing: '1'}],
			['meter', {meter: 'm', obis: '1.8.1'}],
			['meter', {meter: 'n', obis: '1.8.1', unit: 'kWh'}],
			['power', {meter: 'm', obis: '1.8.1', unit: 'kWh'}],
		];
		for (const [measurement, tags] of cases) keys.bytesOf(measurement, tags);
		expect(keys.size).toBe(cases.length);
		for (const [measurement, tags] of cases) {
			expect(keys.bytesOf(measurement, tags).toString('utf8')).toBe(formatSeriesKey(measurement, tags));
		}
		expect(keys.size).toBe(cases.length);
	});

	it('starts afresh when full, so a source of endless series keeps its memory bounded', () => {
		const keys = new SeriesKeys({maxSeries: 3});
		for (let index = 0; index < 10; index++) keys.bytesOf('meter', {obis: `1.8.${index}`});
		expect(keys.size).toBeLessThanOrEqual(3);
		expect(keys.bytesOf('meter', {obis: '1.8.9'}).toString('utf8')).toBe('meter,obis=1.8.9');
	});

	it.each([0, -1, 1.5])('rejects maxSeries %s with a TypeError', (maxSeries) => {
		expect(() => new SeriesKeys({maxSeries})).toThrow(/maxSeries/);
	});
});
