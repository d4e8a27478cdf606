import {describe, expect, it} from 'vitest';
import type {MetricFamily} from '../../../src/observability/metric-family.ts';
import {
	escapeLabelValue,
	formatPrometheusText,
	PROMETHEUS_CONTENT_TYPE,
} from '../../../src/observability/prometheus-text.ts';

const readouts: MetricFamily = {
	name: 'dlms_logger_readouts_total',
	help: 'Readouts by meter and outcome.',
	type: 'counter',
	samples: [
		{labels: {meter: 'house', outcome: 'ok'}, value: 12},
		{labels: {meter: 'house', outcome: 'failed'}, value: 1},
	],
};

describe('formatPrometheusText', () => {
	it('writes a HELP and a TYPE line, then one line per sample with its labels', () => {
		expect(formatPrometheusText([readouts])).toBe(
			'# HELP dlms_logger_readouts_total Readouts by meter and outcome.\n' +
				'# TYPE dlms_logger_readouts_total counter\n' +
				'dlms_logger_readouts_total{meter="house",outcome="ok"} 12\n' +
				'dlms_logger_readouts_total{meter="house",outcome="failed"} 1\n',
		);
	});

	it('keeps the HELP and TYPE lines of a family without samples', () => {
		const family: MetricFamily = {
			name: 'dlms_logger_spool_bytes',
			help: 'Spooled.',
			type: 'gauge',
			samples: [],
		};
		expect(formatPrometheusText([family])).toBe(
			'# HELP dlms_logger_spool_bytes Spooled.\n# TYPE dlms_logger_spool_bytes gauge\n',
		);
	});

	it('writes a sample without labels without braces', () => {
		const family: MetricFamily = {name: 'up', help: 'Up.', type: 'gauge', samples: [{labels: {}, value: 1}]};
		expect(formatPrometheusText([family])).toContain('\nup 1\n');
	});

	it('writes the families in the order given', () => {
		const gauge: MetricFamily = {name: 'b_gauge', help: 'B.', type: 'gauge', samples: []};
		const text = formatPrometheusText([gauge, readouts]);
		expect(text.indexOf('# HELP b_gauge')).toBeLessThan(text.indexOf('# HELP dlms_logger_readouts_total'));
	});

	it('writes NaN and the infinities as the format spells them', () => {
		const family: MetricFamily = {
			name: 'x',
			help: 'X.',
			type: 'gauge',
			samples: [
				{labels: {v: 'nan'}, value: Number.NaN},
				{labels: {v: 'pos'}, value: Number.POSITIVE_INFINITY},
				{labels: {v: 'neg'}, value: Number.NEGATIVE_INFINITY},
			],
		};
		expect(formatPrometheusText([family])).toContain('x{v="nan"} NaN\nx{v="pos"} +Inf\nx{v="neg"} -Inf\n');
	});

	it('writes fractional and negative values as numbers', () => {
		const family: MetricFamily = {
			name: 'offset_seconds',
			help: 'O.',
			type: 'gauge',
			samples: [{labels: {}, value: -1.5}],
		};
		expect(formatPrometheusText([family])).toContain('\noffset_seconds -1.5\n');
	});

	it('escapes backslash and line feed in the help text, not double quotes', () => {
		const family: MetricFamily = {name: 'x', help: 'a\\b\nc "d"', type: 'gauge', samples: []};
		expect(formatPrometheusText([family])).toContain('# HELP x a\\\\b\\nc "d"\n');
	});

	it('escapes label values inside the sample line', () => {
		const family: MetricFamily = {
			name: 'x',
			help: 'X.',
			type: 'counter',
			samples: [{labels: {meter: 'say "hi"'}, value: 1}],
		};
		expect(formatPrometheusText([family])).toContain('x{meter="say \\"hi\\""} 1\n');
	});

	it('writes nothing for no families', () => {
		expect(formatPrometheusText([])).toBe('');
	});
});

describe('escapeLabelValue', () => {
	it('escapes backslash, double quote and line feed', () => {
		expect(escapeLabelValue('C:\\meter "1"\nnext')).toBe('C:\\\\meter \\"1\\"\\nnext');
	});

	it('leaves other characters alone', () => {
		expect(escapeLabelValue('/dev/ttyUSB0 {a=b}')).toBe('/dev/ttyUSB0 {a=b}');
	});
});

describe('PROMETHEUS_CONTENT_TYPE', () => {
	it('names text format version 0.0.4 in UTF-8', () => {
		expect(PROMETHEUS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
	});
});

describe('formatPrometheusText with a histogram', () => {
	it('writes each sample under the family name plus its suffix, with TYPE histogram', () => {
		const family: MetricFamily = {
			name: 'dlms_logger_write_duration_seconds',
			help: 'Write time.',
			type: 'histogram',
			samples: [
				{labels: {le: '0.1'}, value: 3, suffix: '_bucket'},
				{labels: {le: '+Inf'}, value: 4, suffix: '_bucket'},
				{labels: {}, value: 0.75, suffix: '_sum'},
				{labels: {}, value: 4, suffix: '_count'},
			],
		};
		expect(formatPrometheusText([family])).toBe(
			'# HELP dlms_logger_write_duration_seconds Write time.\n' +
				'# TYPE dlms_logger_write_duration_seconds histogram\n' +
				'dlms_logger_write_duration_seconds_bucket{le="0.1"} 3\n' +
				'dlms_logger_write_duration_seconds_bucket{le="+Inf"} 4\n' +
				'dlms_logger_write_duration_seconds_sum 0.75\n' +
				'dlms_logger_write_duration_seconds_count 4\n',
		);
	});
});
