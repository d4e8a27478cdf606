import {describe, expect, it} from 'vitest';
import {deterministicNoise} from '../../../src/simulator/deterministic-noise.ts';

describe('deterministicNoise', () => {
	it('gives the same number for the same seed and coordinates', () => {
		expect(deterministicNoise(7, 123, 4)).toBe(deterministicNoise(7, 123, 4));
	});

	it('stays in [0, 1) and spreads over the range', () => {
		const values = Array.from({length: 2000}, (_, index) => deterministicNoise(42, index));
		expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...values)).toBeLessThan(1);
		const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
		expect(mean).toBeGreaterThan(0.45);
		expect(mean).toBeLessThan(0.55);
	});

	it('differs between seeds and between channels', () => {
		expect(deterministicNoise(1, 10)).not.toBe(deterministicNoise(2, 10));
		expect(deterministicNoise(1, 10, 1)).not.toBe(deterministicNoise(1, 10, 2));
	});
});
