import {describe, expect, it} from 'vitest';
import {plural} from '../../../src/observability/plural.ts';

describe('plural', () => {
	it('adds an s to the noun unless the count is one', () => {
		expect(plural(1, 'point')).toBe('1 point');
		expect(plural(0, 'point')).toBe('0 points');
		expect(plural(3, 'telegram')).toBe('3 telegrams');
	});
});
