import {createDsmrProfile, DSMR_DESCRIPTION} from './dsmr-profile.ts';
import {createPushProfile, PUSH_DESCRIPTION} from './push-profile.ts';
import type {ProfileOptions, SimulatorProfile} from './simulator-profile.ts';
import {createSlow300Profile, SLOW_300_DESCRIPTION} from './slow-300-profile.ts';
import {createZmd120Profile, ZMD120_DESCRIPTION, ZMD120_VERBOSE_DESCRIPTION} from './zmd120-profile.ts';

/** A built-in profile: its name for `--profile`, a line for `--list-profiles`, and its factory. */
export interface SimulatorProfileEntry {
	readonly name: string;
	readonly description: string;
	create(options?: ProfileOptions): SimulatorProfile;
}

const ECHO_DESCRIPTION = `${ZMD120_DESCRIPTION}, behind a half-duplex IR head that echoes every byte the host sends`;

/** The built-in profiles, in the order `--list-profiles` prints them. */
export const SIMULATOR_PROFILES: readonly SimulatorProfileEntry[] = [
	{name: 'zmd120', description: ZMD120_DESCRIPTION, create: (options) => createZmd120Profile(options)},
	{
		name: 'zmd120-verbose',
		description: ZMD120_VERBOSE_DESCRIPTION,
		create: (options) => createZmd120Profile({...options, verbose: true}),
	},
	{
		name: 'slow-300',
		description: SLOW_300_DESCRIPTION,
		create: (options) => createSlow300Profile(options),
	},
	{
		name: 'push',
		description: PUSH_DESCRIPTION,
		create: (options) => createPushProfile(options),
	},
	{
		name: 'dsmr',
		description: DSMR_DESCRIPTION,
		create: (options) => createDsmrProfile(options),
	},
	{
		name: 'echo',
		description: ECHO_DESCRIPTION,
		create: (options) => ({
			...createZmd120Profile(options),
			name: 'echo',
			description: ECHO_DESCRIPTION,
			faults: [{kind: 'echo'}],
		}),
	},
];

/** A profile name that is not in SIMULATOR_PROFILES; `known` lists the names that are. */
export class UnknownProfileError extends Error {
	readonly profile: string;
	readonly known: readonly string[];

	constructor(profile: string) {
		const known = SIMULATOR_PROFILES.map((entry) => entry.name);
		super(`unknown simulator profile ${JSON.stringify(profile)}; known: ${known.join(', ')}`);
		this.name = 'UnknownProfileError';
		this.profile = profile;
		this.known = known;
	}
}

/** The named built-in profile's entry, without building it; throws UnknownProfileError for other names. */
export function simulatorProfileEntry(name: string): SimulatorProfileEntry {
	const entry = SIMULATOR_PROFILES.find((candidate) => candidate.name === name);
	if (entry === undefined) throw new UnknownProfileError(name);
	return entry;
}

/** Builds the named built-in profile; throws UnknownProfileError for other names. */
export function createSimulatorProfile(name: string, options: ProfileOptions = {}): SimulatorProfile {
	return simulatorProfileEntry(name).create(options);
}
