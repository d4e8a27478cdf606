import {describe, expect, it} from 'vitest';
import {DEFAULT_PROFILE_OPTIONS, resolveProfileOptions} from '../../../src/simulator/simulator-profile.ts';

describe('resolveProfileOptions', () => {
	it('defaults to Europe/Berlin and a 2 s push interval', () => {
		expect(resolveProfileOptions()).toEqual(DEFAULT_PROFILE_OPTIONS);
		expect(DEFAULT_PROFILE_OPTIONS).toEqual({timeZone: 'Europe/Berlin', pushIntervalMs: 2000});
	});

	it('throws a TypeError naming the bad option and value', () => {
		expect(() => resolveProfileOptions({timeZone: 'Berlin'})).toThrow(TypeError);
		expect(() => resolveProfileOptions({timeZone: 'Berlin'})).toThrow(/timeZone.*"Berlin"/);
		expect(() => resolveProfileOptions({pushIntervalMs: 5})).toThrow(/pushIntervalMs.*received 5/);
	});
});
