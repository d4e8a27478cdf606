import {type ConfigSources, type LoadedConfig, parseConfig} from '../config/config-loader.ts';

/**
 * The main job without a config file: the built-in simulated ZMD120 (the smarthomeNG dlms plugin's meter), read every
 * 10 s, points printed as line protocol. Setting INFLUX_URL (and INFLUX_TOKEN, INFLUX_ORG,
 * INFLUX_BUCKET for 2.x, or INFLUX_VERSION=1 / 1.8 with INFLUX_DATABASE) makes the same command
 * write to that server through the spool.
 */
export async function embeddedConfig(env: NodeJS.ProcessEnv): Promise<LoadedConfig> {
	const lines = [
		'# The embedded default: a simulated Landis+Gyr ZMD120 read every 10 s.',
		'meters:',
		'  - id: demo-zmd120',
		'    port: simulator:zmd120',
		'    every: 10s',
		'    timezone: Europe/Berlin',
	];
	const {
		INFLUX_URL,
		INFLUX_VERSION,
		INFLUX_ORG,
		INFLUX_BUCKET,
		INFLUX_DATABASE,
		INFLUX_USERNAME,
		INFLUX_TOKEN,
		INFLUX_PASSWORD,
	} = env;
	if (INFLUX_URL) {
		lines.push(
			'influxdb:',
			`  url: ${JSON.stringify(INFLUX_URL)}`,
			`  version: ${JSON.stringify(INFLUX_VERSION ?? '2')}`,
		);
		if (INFLUX_ORG) lines.push(`  org: ${JSON.stringify(INFLUX_ORG)}`);
		lines.push(`  bucket: ${JSON.stringify(INFLUX_BUCKET ?? 'meters')}`);
		lines.push(`  database: ${JSON.stringify(INFLUX_DATABASE ?? INFLUX_BUCKET ?? 'meters')}`);
		if (INFLUX_USERNAME) lines.push(`  username: ${JSON.stringify(INFLUX_USERNAME)}`);
		if (INFLUX_TOKEN) lines.push('  token_env: INFLUX_TOKEN');
		if (INFLUX_PASSWORD) lines.push('  password_env: INFLUX_PASSWORD');
		lines.push('spool:', '  directory: ./data/spool');
	}
	const sources: ConfigSources = {env};
	const loaded = await parseConfig(`${lines.join('\n')}\n`, '(embedded default)', sources);
	return {...loaded, file: ''};
}
