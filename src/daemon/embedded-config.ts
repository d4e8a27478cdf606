import type {LoadedConfig} from '../config/config-loader.ts';
import {environmentConfig, SIMULATED_METER_DEFAULTS} from '../config/environment-config.ts';

/**
 * The main job without a config file: the built-in simulated ZMD120 (the seed's meter), read every
 * 10 s, points printed as line protocol. Setting INFLUX_URL (and INFLUX_TOKEN, INFLUX_ORG,
 * INFLUX_BUCKET for 2.x, or INFLUX_VERSION=1 / 1.8 with INFLUX_DATABASE) makes the same command
 * write to that server through the spool; the other variables of ENVIRONMENT_SETTINGS apply too.
 * Problems are reported with the variable's name.
 */
export async function embeddedConfig(env: NodeJS.ProcessEnv, baseDirectory?: string): Promise<LoadedConfig> {
	const loaded = await environmentConfig(env, {
		meterDefaults: SIMULATED_METER_DEFAULTS,
		...(baseDirectory === undefined ? {} : {baseDirectory}),
	});
	return {...loaded, file: '', source: 'embedded'};
}
