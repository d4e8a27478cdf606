import {describe, expect, it} from 'vitest';
import {perSecond} from '../../../src/cli/per-second.ts';

describe('perSecond', () => {
	it('rounds to whole numbers from 10 on', () => {
		expect(perSecond(10)).toBe('10');
		expect(perSecond(49.6)).toBe('50');
		expect(perSecond(1234.5)).toBe('1235');
	});

	it('keeps two significant digits below 10, so a slow rate is not shown as 0', () => {
		expect(perSecond(0.3125)).toBe('0.31');
		expect(perSecond(2.345)).toBe('2.3');
		expect(perSecond(9.96)).toBe('10');
		expect(perSecond(0)).toBe('0');
	});
});
