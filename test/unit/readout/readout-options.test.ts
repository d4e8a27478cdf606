import {describe, expect, it} from 'vitest';
import {DEFAULT_READOUT_OPTIONS, mergeReadoutOptions} from '../../../src/readout/readout-options.ts';

describe('mergeReadoutOptions', () => {
	it('fills the defaults', () => {
		expect(mergeReadoutOptions({})).toMatchObject(DEFAULT_READOUT_OPTIONS);
		expect(mergeReadoutOptions({}).switchGuardMs).toBeUndefined();
	});

	it('keeps what is given', () => {
		expect(mergeReadoutOptions({switchGuardMs: 50, settleMs: 100})).toMatchObject({
			switchGuardMs: 50,
			settleMs: 100,
		});
	});

	it('names a bad option and its value', () => {
		expect(() => mergeReadoutOptions({switchGuardMs: -1})).toThrow(
			'switchGuardMs must be a number of milliseconds >= 0, received -1',
		);
		expect(() => mergeReadoutOptions({dataTimeoutMs: 0})).toThrow(/dataTimeoutMs must be a positive number/);
		expect(() => mergeReadoutOptions({baudMax: 100})).toThrow(/baudMax must be at least 300/);
		expect(() => mergeReadoutOptions({queryChar: '!'})).toThrow(TypeError);
	});
});
