import {describe, expect, it} from 'vitest';
import {pointToJson} from '../../../src/output/point-json.ts';
import type {Point} from '../../../src/readings/point.ts';

function point(overrides: Partial<Point> = {}): Point {
	return {
		measurement: 'meter',
		tags: {meter: '50871031', obis: '1.6.1', channel: '1-1', unit: 'kW'},
		fields: {value: 24.31},
		time: new Date('2016-05-04T11:45:00Z'),
		...overrides,
	};
}

describe('pointToJson', () => {
	it('writes the time as an ISO 8601 UTC string', () => {
		expect(pointToJson(point()).time).toBe('2016-05-04T11:45:00.000Z');
	});

	it('keeps measurement and tags as they are', () => {
		const json = pointToJson(point());
		expect(json.measurement).toBe('meter');
		expect(json.tags).toEqual({meter: '50871031', obis: '1.6.1', channel: '1-1', unit: 'kW'});
	});

	it('writes a value field as a number', () => {
		expect(pointToJson(point()).fields).toEqual({value: 24.31});
	});

	it('writes a text field as a string', () => {
		expect(pointToJson(point({fields: {text: '60C00183'}})).fields).toEqual({text: '60C00183'});
	});

	it('copies the fields rather than sharing the point object', () => {
		const source = point();
		expect(pointToJson(source).fields).not.toBe(source.fields);
	});

	it('survives a JSON round trip unchanged', () => {
		const json = pointToJson(point({fields: {text: 'a "quoted"\nline'}}));
		expect(JSON.parse(JSON.stringify(json))).toEqual(json);
	});

	it('gives the same object for the same point', () => {
		expect(pointToJson(point())).toEqual(pointToJson(point()));
	});
});
