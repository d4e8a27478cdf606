import {describe, expect, it} from 'vitest';
import {DurationHistogram} from '../../../src/observability/duration-histogram.ts';

const bucket = (histogram: DurationHistogram, le: string) =>
	histogram.samples().find((sample) => sample.suffix === '_bucket' && sample.labels['le'] === le)?.value;

describe('DurationHistogram', () => {
	it('counts each duration in the first bucket that holds it, cumulatively', () => {
		const histogram = new DurationHistogram([0.01, 0.1, 1]);
		for (const ms of [3, 10, 40, 400, 5000]) histogram.observe(ms);
		expect([bucket(histogram, '0.01'), bucket(histogram, '0.1'), bucket(histogram, '1')]).toEqual([2, 3, 4]);
		// Beyond the last bound only +Inf and the count see it.
		expect(bucket(histogram, '+Inf')).toBe(5);
		expect(histogram.count).toBe(5);
	});

	it('exports the sum in seconds and the count beside the buckets, with the labels given', () => {
		const histogram = new DurationHistogram([0.5]);
		histogram.observe(250);
		histogram.observe(1250);
		const samples = histogram.samples({target: 'influx'});
		expect(samples.find((sample) => sample.suffix === '_sum')).toEqual({
			labels: {target: 'influx'},
			value: 1.5,
			suffix: '_sum',
		});
		expect(samples.find((sample) => sample.suffix === '_count')?.value).toBe(2);
		expect(samples[0]).toEqual({labels: {target: 'influx', le: '0.5'}, value: 1, suffix: '_bucket'});
	});

	it('counts a negative duration (a clock step) as zero', () => {
		const histogram = new DurationHistogram([0.005]);
		histogram.observe(-20);
		expect(bucket(histogram, '0.005')).toBe(1);
		expect(histogram.samples().find((sample) => sample.suffix === '_sum')?.value).toBe(0);
	});

	it('refuses bounds that are not ascending positive numbers, and a duration that is not finite', () => {
		expect(() => new DurationHistogram([0.1, 0.05])).toThrow(
			/boundsSeconds must be ascending positive numbers/,
		);
		expect(() => new DurationHistogram([])).toThrow(TypeError);
		expect(() => new DurationHistogram([0, 1])).toThrow(TypeError);
		expect(() => new DurationHistogram().observe(Number.NaN)).toThrow(/durationMs must be a finite number/);
	});
});
