import {describe, expect, it} from 'vitest';
import {type Point, pointKey} from '../../../src/readings/point.ts';

function point(overrides: Partial<Point> = {}): Point {
	return {
		measurement: 'meter',
		tags: {meter: '50871031', obis: '1.8.1', channel: '1-1', unit: 'kWh'},
		fields: {value: 21271},
		time: new Date('2016-05-04T12:00:00Z'),
		...overrides,
	};
}

describe('pointKey', () => {
	it('gives points with the same measurement, tags and time the same key whatever the tag order', () => {
		const reordered = point({tags: {unit: 'kWh', channel: '1-1', obis: '1.8.1', meter: '50871031'}});
		expect(pointKey(reordered)).toBe(pointKey(point()));
	});

	it('ignores the field, so a rewrite of the same reading overwrites it', () => {
		expect(pointKey(point({fields: {value: 21272}}))).toBe(pointKey(point()));
	});

	it('ignores milliseconds, since points are written with seconds precision', () => {
		expect(pointKey(point({time: new Date('2016-05-04T12:00:00.999Z')}))).toBe(pointKey(point()));
	});

	it('tells apart points one second apart', () => {
		expect(pointKey(point({time: new Date('2016-05-04T12:00:01Z')}))).not.toBe(pointKey(point()));
	});

	it('tells apart points of different measurements', () => {
		expect(pointKey(point({measurement: 'other'}))).not.toBe(pointKey(point()));
	});

	it('tells apart points whose tag values differ', () => {
		const other = point({tags: {meter: '50871031', obis: '1.8.2', channel: '1-1', unit: 'kWh'}});
		expect(pointKey(other)).not.toBe(pointKey(point()));
	});

	it('tells apart *07 and &07 history, which differ only by the billing tag', () => {
		const second = point({
			tags: {meter: '50871031', obis: '1.8.1', channel: '1-1', unit: 'kWh', billing: '2'},
		});
		expect(pointKey(second)).not.toBe(pointKey(point()));
	});

	it('tells apart a tag value holding a comma from a second tag', () => {
		const glued = point({tags: {meter: 'house,obis=1.8.1'}});
		const separate = point({tags: {meter: 'house', obis: '1.8.1'}});
		expect(pointKey(glued)).not.toBe(pointKey(separate));
	});
});
