import {describe, expect, it} from 'vitest';
import {LineBatch} from '../../../src/backfill/line-batch.ts';
import {SeriesKeys} from '../../../src/backfill/series-keys.ts';
import {formatLineProtocol} from '../../../src/output/line-protocol.ts';
import type {Point} from '../../../src/readings/point.ts';

describe('LineBatch', () => {
	it('gathers lines as UTF-8 text, each ended by a newline, and counts them', () => {
		const batch = new LineBatch(16);
		batch.add('meter,obis=1.8.1 value=1 1');
		batch.add('meter,obis=C.1.0 text="Zähler €" 2');
		expect(batch.lines).toBe(2);
		expect(batch.text().toString('utf8')).toBe(
			'meter,obis=1.8.1 value=1 1\nmeter,obis=C.1.0 text="Zähler €" 2\n',
		);
		expect(batch.bytes).toBe(batch.text().length);
	});

	it('grows past its first size without losing what it holds, and starts afresh after clear()', () => {
		const batch = new LineBatch(8);
		const lines = Array.from({length: 1000}, (_, index) => `line ${index} ${'x'.repeat(index % 50)}`);
		for (const line of lines) batch.add(line);
		expect(batch.text().toString('utf8')).toBe(`${lines.join('\n')}\n`);
		batch.clear();
		expect([batch.lines, batch.bytes]).toEqual([0, 0]);
		batch.add('after');
		expect(batch.text().toString('utf8')).toBe('after\n');
	});
});

describe('LineBatch.addPoint', () => {
	const at = (iso: string) => new Date(iso);
	const points: Point[] = [
		{
			measurement: 'meter',
			tags: {meter: 'm', obis: '1.8.1', unit: 'kWh'},
			fields: {value: 21271},
			time: at('2016-05-04T12:00:00Z'),
		},
		{
			measurement: 'meter',
			tags: {meter: 'm', obis: '1.8.1', unit: 'kWh'},
			fields: {value: 0},
			time: at('2016-05-04T12:00:00.999Z'),
		},
		{
			measurement: 'meter',
			tags: {meter: 'm', obis: '1.8.1'},
			fields: {value: -0},
			time: at('1969-12-31T23:59:59.5Z'),
		},
		{
			measurement: 'meter',
			tags: {obis: '1.7.0', unit: 'W'},
			fields: {value: -1234567},
			time: at('2025-01-01T00:00:00Z'),
		},
		{measurement: 'meter', tags: {obis: '1.7.0'}, fields: {value: 7.4}, time: at('2025-01-01T00:00:00Z')},
		{
			measurement: 'meter',
			tags: {obis: '1.7.0'},
			fields: {value: -0.000001},
			time: at('2025-01-01T00:00:00Z'),
		},
		{measurement: 'meter', tags: {obis: '1.7.0'}, fields: {value: 1e21}, time: at('2025-01-01T00:00:00Z')},
		{measurement: 'meter', tags: {obis: '1.7.0'}, fields: {value: 2 ** 53}, time: at('2025-01-01T00:00:00Z')},
		{
			measurement: 'meter',
			tags: {obis: '1.7.0'},
			fields: {value: Number.MAX_SAFE_INTEGER},
			time: at('2025-01-01T00:00:00Z'),
		},
		{measurement: 'meter', tags: {obis: '1.7.0'}, fields: {value: 5e-324}, time: at('2025-01-01T00:00:00Z')},
		{
			measurement: 'my meter,1',
			tags: {'a b': 'Haus 1,EG=links', obis: 'C.1.0'},
			fields: {text: 'say "hi"\nC:\\ €'},
			time: at('2025-01-01T00:00:00Z'),
		},
		{
			measurement: 'meter',
			tags: {meter: 'm', obis: '1.8.1', unit: ''},
			fields: {value: 1},
			time: at('2025-06-01T00:00:00Z'),
		},
	];

	it('writes the same bytes as formatLineProtocol, point by point', () => {
		const batch = new LineBatch(16);
		const series = new SeriesKeys();
		for (const point of points) batch.addPoint(point, series);
		expect(batch.text().toString('utf8')).toBe(
			points.map((point) => `${formatLineProtocol(point)}\n`).join(''),
		);
		expect(batch.lines).toBe(points.length);
	});

	it('writes the repeated and changed values of a series as formatLineProtocol does, across batches', () => {
		// One tags object handed again and again (as the mapper's memo does), and an equal one.
		const tags = {meter: 'm', obis: '1.8.1', unit: 'kWh'};
		const values = [5, 5, 7.25, 7.25, 5, 0, -0, 0, 1e21, 1e21, 0.1, 0.1];
		const repeated: Point[] = values.map((value, index) => ({
			measurement: 'meter',
			tags: index % 3 === 2 ? {...tags} : tags,
			fields: {value},
			time: at(`2025-01-01T00:0${index % 10}:00Z`),
		}));
		const series = new SeriesKeys();
		const batch = new LineBatch(16);
		let written = '';
		for (const [index, point] of repeated.entries()) {
			batch.addPoint(point, series);
			if (index % 5 === 4) {
				written += batch.text().toString('utf8');
				batch.clear();
			}
		}
		written += batch.text().toString('utf8');
		expect(written).toBe(repeated.map((point) => `${formatLineProtocol(point)}\n`).join(''));
		expect(series.size).toBe(1);
	});

	it('throws a RangeError for a value line protocol cannot carry, as formatLineProtocol does', () => {
		const batch = new LineBatch();
		const point: Point = {
			measurement: 'meter',
			tags: {},
			fields: {value: Number.NaN},
			time: at('2025-01-01T00:00:00Z'),
		};
		expect(() => batch.addPoint(point, new SeriesKeys())).toThrow(RangeError);
	});
});
