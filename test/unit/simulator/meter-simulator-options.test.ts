import {describe, expect, it} from 'vitest';
import {
	DEFAULT_METER_SIMULATOR_OPTIONS,
	resolveMeterSimulatorOptions,
} from '../../../src/simulator/meter-simulator-options.ts';
import {createSimulatorProfile} from '../../../src/simulator/simulator-profiles.ts';
import {createZmd120Profile} from '../../../src/simulator/zmd120-profile.ts';

const profile = createZmd120Profile();

describe('resolveMeterSimulatorOptions', () => {
	it('fills in the documented defaults and the reaction time of the identification', () => {
		const resolved = resolveMeterSimulatorOptions({profile}, {reactionTimeMs: 200});
		expect(resolved).toMatchObject({
			faults: [],
			// The ZMD120 profile answers to its serial number (and to a request without an address).
			address: '50871031',
			addressRequired: false,
			reactionTimeMs: 200,
			optionSelectTimeoutMs: DEFAULT_METER_SIMULATOR_OPTIONS.optionSelectTimeoutMs,
			withoutOptionSelect: 'give-up',
			repeatWindowMs: 1500,
			reopen: false,
			paced: false,
			sendAtOnce: false,
		});
		expect(resolveMeterSimulatorOptions({profile}, {reactionTimeMs: 20}).reactionTimeMs).toBe(20);
	});

	it("puts the profile's faults before the options' ones", () => {
		const resolved = resolveMeterSimulatorOptions(
			{profile: createSimulatorProfile('echo'), faults: [{kind: 'silence'}]},
			{reactionTimeMs: 200},
		);
		expect(resolved.faults.map((fault) => fault.kind)).toEqual(['echo', 'silence']);
	});

	it('throws a TypeError naming the bad option and value', () => {
		const resolve = (options: object) =>
			resolveMeterSimulatorOptions({profile, ...options}, {reactionTimeMs: 200});
		expect(() => resolve({reactionTimeMs: -5})).toThrow(/reactionTimeMs must be .* received -5/);
		expect(() => resolve({repeatWindowMs: Number.NaN})).toThrow(/repeatWindowMs/);
		expect(() => resolve({withoutOptionSelect: 'retry'})).toThrow(/withoutOptionSelect .*"retry"/);
		expect(() => resolve({faults: [{kind: 'noise-prefix', bytes: 0}]})).toThrow(/noise-prefix\.bytes/);
		expect(() => resolve({paced: 'yes'})).toThrow(/paced must be true or false, received yes/);
		expect(() => resolve({sendAtOnce: 1})).toThrow(/sendAtOnce must be true or false, received 1/);
	});
});
