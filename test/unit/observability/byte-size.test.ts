import {describe, expect, it} from 'vitest';
import {byteSize} from '../../../src/observability/byte-size.ts';

describe('byteSize', () => {
	it('counts bytes below 1000 with the noun in the right number', () => {
		expect(byteSize(0)).toBe('0 bytes');
		expect(byteSize(1)).toBe('1 byte');
		expect(byteSize(999)).toBe('999 bytes');
	});

	it('uses powers of 1000 with one decimal above', () => {
		expect(byteSize(1000)).toBe('1.0 kB');
		expect(byteSize(1234)).toBe('1.2 kB');
		expect(byteSize(5_600_000)).toBe('5.6 MB');
		expect(byteSize(2_000_000_000)).toBe('2.0 GB');
	});

	it('moves to the next unit where the decimal would round up to 1000', () => {
		expect(byteSize(999_940)).toBe('999.9 kB');
		expect(byteSize(999_950)).toBe('1.0 MB');
	});
});
