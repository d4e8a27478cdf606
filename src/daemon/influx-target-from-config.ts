import type {LoadedConfig} from '../config/config-loader.ts';
import type {InfluxConfig} from '../config/config-schema.ts';
import type {InfluxTarget} from '../output/influx-target.ts';

/** The writer's target from the `influxdb` section and the secrets read for it. */
export function influxTargetFromConfig(influx: InfluxConfig, secrets: LoadedConfig['secrets']): InfluxTarget {
	if (influx.version === '2') {
		return {
			kind: 'v2',
			url: influx.url,
			org: influx.org ?? '',
			bucket: influx.bucket ?? '',
			token: secrets.token ?? '',
		};
	}
	return {
		kind: influx.version === '1.8' ? 'v1-compat' : 'v1',
		url: influx.url,
		database: influx.database ?? '',
		...(influx.retention_policy === undefined ? {} : {retentionPolicy: influx.retention_policy}),
		...(influx.username === undefined ? {} : {username: influx.username}),
		...(secrets.password === undefined ? {} : {password: secrets.password}),
	};
}
