import {describe, expect, it} from 'vitest';
import {formatLineProtocol, formatLineProtocolBatch} from '../../../src/output/line-protocol.ts';
import type {Point} from '../../../src/readings/point.ts';

// 2016-05-04T12:00:00Z in seconds since the epoch.
const NOON = new Date('2016-05-04T12:00:00Z');
const NOON_SECONDS = 1462363200;

function point(overrides: Partial<Point> = {}): Point {
	return {
		measurement: 'meter',
		tags: {meter: '50871031', obis: '1.8.1', unit: 'kWh'},
		fields: {value: 21271},
		time: NOON,
		...overrides,
	};
}

describe('formatLineProtocol', () => {
	it('writes measurement, tags, the value field and a seconds timestamp', () => {
		expect(formatLineProtocol(point())).toBe(
			`meter,meter=50871031,obis=1.8.1,unit=kWh value=21271 ${NOON_SECONDS}`,
		);
	});

	it('sorts tags by key', () => {
		const line = formatLineProtocol(point({tags: {unit: 'kWh', obis: '1.8.1', meter: 'm', channel: '1-1'}}));
		expect(line).toBe(`meter,channel=1-1,meter=m,obis=1.8.1,unit=kWh value=21271 ${NOON_SECONDS}`);
	});

	it('writes a whole-number value without the integer suffix, so it stays a float', () => {
		expect(formatLineProtocol(point())).toContain(' value=21271 ');
	});

	it('writes a fractional value exactly', () => {
		expect(formatLineProtocol(point({fields: {value: 7.4}}))).toContain(' value=7.4 ');
	});

	it('writes a negative value', () => {
		expect(formatLineProtocol(point({fields: {value: -0.5}}))).toContain(' value=-0.5 ');
	});

	it('drops milliseconds from the timestamp', () => {
		const line = formatLineProtocol(point({time: new Date('2016-05-04T12:00:00.999Z')}));
		expect(line.endsWith(` ${NOON_SECONDS}`)).toBe(true);
	});

	it('leaves out a tag whose value is empty', () => {
		expect(formatLineProtocol(point({tags: {meter: 'm', obis: '1.8.1', unit: ''}}))).toBe(
			`meter,meter=m,obis=1.8.1 value=21271 ${NOON_SECONDS}`,
		);
	});

	it('writes a point without tags as measurement, field and time', () => {
		expect(formatLineProtocol(point({tags: {}}))).toBe(`meter value=21271 ${NOON_SECONDS}`);
	});

	it('escapes commas and spaces in the measurement', () => {
		expect(formatLineProtocol(point({measurement: 'my meter,1', tags: {}}))).toBe(
			`my\\ meter\\,1 value=21271 ${NOON_SECONDS}`,
		);
	});

	it('leaves an equals sign in the measurement unescaped', () => {
		expect(formatLineProtocol(point({measurement: 'a=b', tags: {}}))).toBe(`a=b value=21271 ${NOON_SECONDS}`);
	});

	it('escapes commas, spaces and equals signs in tag values', () => {
		expect(formatLineProtocol(point({tags: {meter: 'Haus 1,EG=links'}}))).toBe(
			`meter,meter=Haus\\ 1\\,EG\\=links value=21271 ${NOON_SECONDS}`,
		);
	});

	it('escapes commas, spaces and equals signs in tag keys', () => {
		expect(formatLineProtocol(point({tags: {'my tag,a=b': 'x'}}))).toBe(
			`meter,my\\ tag\\,a\\=b=x value=21271 ${NOON_SECONDS}`,
		);
	});

	it('quotes a text field', () => {
		expect(formatLineProtocol(point({tags: {obis: 'F.F'}, fields: {text: '00000000'}}))).toBe(
			`meter,obis=F.F text="00000000" ${NOON_SECONDS}`,
		);
	});

	it('escapes double quotes and backslashes in a text field', () => {
		expect(formatLineProtocol(point({tags: {}, fields: {text: 'say "hi" C:\\'}}))).toBe(
			`meter text="say \\"hi\\" C:\\\\" ${NOON_SECONDS}`,
		);
	});

	it('leaves commas, spaces and equals signs inside a text field as they are', () => {
		expect(formatLineProtocol(point({tags: {}, fields: {text: 'a, b=c'}}))).toBe(
			`meter text="a, b=c" ${NOON_SECONDS}`,
		);
	});

	it('writes an empty text field as an empty string', () => {
		expect(formatLineProtocol(point({tags: {}, fields: {text: ''}}))).toBe(`meter text="" ${NOON_SECONDS}`);
	});

	it('turns a newline in a text field into a space, keeping the point on one line', () => {
		expect(formatLineProtocol(point({tags: {}, fields: {text: 'line 1\nline 2'}}))).toBe(
			`meter text="line 1 line 2" ${NOON_SECONDS}`,
		);
	});

	it('turns carriage returns and newlines in tags and the measurement into escaped spaces', () => {
		const line = formatLineProtocol(point({measurement: 'a\r\nb', tags: {meter: 'x\ny'}}));
		expect(line).toBe(`a\\ \\ b,meter=x\\ y value=21271 ${NOON_SECONDS}`);
	});

	it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
		'throws a RangeError for the non-finite value %s',
		(value) => {
			expect(() => formatLineProtocol(point({fields: {value}}))).toThrow(RangeError);
		},
	);
});

describe('formatLineProtocolBatch', () => {
	it('ends every line with a newline', () => {
		const body = formatLineProtocolBatch([
			point(),
			point({fields: {value: 1}, time: new Date('2016-05-04T12:00:01Z')}),
		]);
		expect(body).toBe(
			`meter,meter=50871031,obis=1.8.1,unit=kWh value=21271 ${NOON_SECONDS}\n` +
				`meter,meter=50871031,obis=1.8.1,unit=kWh value=1 ${NOON_SECONDS + 1}\n`,
		);
	});

	it('gives one line per point even when a text holds newlines', () => {
		const body = formatLineProtocolBatch([point({fields: {text: 'a\nb'}}), point()]);
		expect(body.split('\n')).toHaveLength(3);
	});

	it('gives an empty body for no points', () => {
		expect(formatLineProtocolBatch([])).toBe('');
	});

	it('throws a RangeError when any point holds a non-finite value', () => {
		expect(() => formatLineProtocolBatch([point(), point({fields: {value: Number.NaN}})])).toThrow(
			RangeError,
		);
	});
});
