import {describe, expect, it} from 'vitest';
import {parseDuration, parseSize} from '../../../src/config/duration.ts';

describe('parseDuration', () => {
	it('reads ms, s, m, h and d, and plain numbers as seconds', () => {
		expect(parseDuration('500ms')).toBe(500);
		expect(parseDuration('10s')).toBe(10_000);
		expect(parseDuration('1.5s')).toBe(1500);
		expect(parseDuration('5m')).toBe(300_000);
		expect(parseDuration('1h')).toBe(3_600_000);
		expect(parseDuration('1d')).toBe(86_400_000);
		expect(parseDuration(60)).toBe(60_000);
		expect(parseDuration('60')).toBe(60_000);
	});

	it('refuses what is not a duration', () => {
		expect(parseDuration('soon')).toBeUndefined();
		expect(parseDuration('-5s')).toBeUndefined();
		expect(parseDuration(Number.NaN)).toBeUndefined();
	});
});

describe('parseSize', () => {
	it('reads decimal and binary units, and plain numbers as bytes', () => {
		expect(parseSize('100MB')).toBe(100_000_000);
		expect(parseSize('512KiB')).toBe(524_288);
		expect(parseSize('1GiB')).toBe(1024 ** 3);
		expect(parseSize(2048)).toBe(2048);
	});

	it('refuses what is not a size', () => {
		expect(parseSize('big')).toBeUndefined();
		expect(parseSize(1.5)).toBeUndefined();
	});
});
