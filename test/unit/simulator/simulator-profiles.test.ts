import {describe, expect, it} from 'vitest';
import {
	createSimulatorProfile,
	SIMULATOR_PROFILES,
	simulatorProfileEntry,
	UnknownProfileError,
} from '../../../src/simulator/simulator-profiles.ts';

describe('SIMULATOR_PROFILES', () => {
	it('lists the built-in profiles with a description each', () => {
		expect(SIMULATOR_PROFILES.map((entry) => entry.name)).toEqual([
			'zmd120',
			'zmd120-verbose',
			'slow-300',
			'push',
			'dsmr',
			'echo',
		]);
		for (const entry of SIMULATOR_PROFILES) {
			expect(entry.description.length).toBeGreaterThan(20);
			const profile = entry.create();
			expect(profile.name).toBe(entry.name);
			expect(profile.description).toBe(entry.description);
		}
	});

	it('puts the zmd120 behind an echoing head for "echo"', () => {
		const profile = createSimulatorProfile('echo');
		expect(profile.identification).toBe('/LGZ52ZMD120APt.G03');
		expect(profile.faults).toEqual([{kind: 'echo'}]);
	});

	it('finds the entry of a profile by name without building it, and refuses an unknown name', () => {
		expect(simulatorProfileEntry('dsmr')).toBe(SIMULATOR_PROFILES.find((entry) => entry.name === 'dsmr'));
		expect(() => simulatorProfileEntry('zmd')).toThrow(UnknownProfileError);
	});

	it('names the known profiles for an unknown one', () => {
		expect(() => createSimulatorProfile('zmd')).toThrow(UnknownProfileError);
		expect(() => createSimulatorProfile('zmd')).toThrow(/known: zmd120, zmd120-verbose/);
	});

	it('passes the options on (a bad zone is a TypeError naming timeZone)', () => {
		expect(() => createSimulatorProfile('push', {timeZone: 'Mars/Olympus'})).toThrow(/timeZone/);
		expect(createSimulatorProfile('push', {pushIntervalMs: 3000}).push?.intervalMs).toBe(3000);
	});
});
