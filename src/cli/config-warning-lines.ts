import {platform} from 'node:os';
import {formatProblem} from '../config/config-error.ts';
import type {LoadedConfig} from '../config/config-loader.ts';
import {formatPath} from '../config/config-path.ts';
import {type ConfigWarning, configWarnings} from '../config/config-warnings.ts';
import {ENVIRONMENT_LABEL} from '../config/environment-config.ts';
import {portWarnings} from './port-warnings.ts';

/**
 * What a valid configuration holds that is most likely not meant, one line each, as `check-config`
 * prints them and `run` logs them at start: `/etc/dlms/config.yaml: warning: meters[0].port (line 3):
 * /dev/ttyUSB97 does not exist now: …`, or `environment variables: warning: METER_SELECT entry 3: …`.
 * The pure checks (configWarnings) and those of this machine now (portWarnings; relative ports
 * resolved from `cwd`, as the serial binding opens them). Never an error: a reader may be unplugged.
 */
export async function configWarningLines(loaded: LoadedConfig, cwd: string): Promise<string[]> {
	const {config} = loaded;
	const label = loaded.source === undefined ? loaded.file : ENVIRONMENT_LABEL;
	const warnings = [
		...configWarnings(config),
		...(await portWarnings(
			config.meters.map((meter) => meter.port),
			{cwd, platform: platform()},
		)),
	];
	return warnings.map((warning) => `${label}: warning: ${placed(warning, loaded)}`);
}

/** `meters[0].port (line 4): …`, or `METER_PORT: …` for an environment configuration. */
function placed(warning: ConfigWarning, loaded: LoadedConfig): string {
	const line = loaded.locate?.(warning.path);
	return formatProblem({
		path: loaded.placeOf?.(warning.path) ?? formatPath(warning.path),
		...(line === undefined ? {} : {line}),
		message: warning.message,
	}).trimStart();
}
