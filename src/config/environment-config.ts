import {ConfigError, type ConfigProblem} from './config-error.ts';
import {type ConfigSources, formatPath, type LoadedConfig, parseConfigObject} from './config-loader.ts';
import {parseDuration} from './duration.ts';
import {hasMeterEnvironment} from './meter-environment.ts';

export {hasMeterEnvironment} from './meter-environment.ts';

/** How an environment variable's text becomes a configuration value. */
type ValueKind = 'text' | 'integer' | 'boolean' | 'list' | 'schedule';

/** One environment variable: the configuration key it fills and how its text is read. */
export interface EnvironmentSetting {
	readonly variable: string;
	/** Path in the configuration; `schedule` fills `schedule` or `every` of the meter. */
	readonly path: readonly (string | number)[];
	readonly kind: ValueKind;
	/** One line for the reference (README, .env.example). */
	readonly description: string;
}

const meter = (key: string) => ['meters', 0, key] as const;

/**
 * The configuration that environment variables can give: one meter, InfluxDB, the spool, health and
 * logs. This is the container's way (docker-compose.yml) and the demo's (`npm start` with INFLUX_*);
 * several meters need config.yaml. An empty value counts as unset (Compose passes `${VAR:-}` as "").
 */
export const ENVIRONMENT_SETTINGS: readonly EnvironmentSetting[] = [
	{
		variable: 'METER_PORT',
		path: meter('port'),
		kind: 'text',
		description: '/dev/ttyUSB0, /dev/serial/by-id/…, tcp://host:port or simulator:zmd120; selects this way',
	},
	{variable: 'METER_ID', path: meter('id'), kind: 'text', description: 'the `meter` tag of its points'},
	{
		variable: 'METER_SCHEDULE',
		path: meter('schedule'),
		kind: 'schedule',
		description: 'a duration (60s, 15m) or a cron expression ("*/15 * * * *"); default 60s',
	},
	{
		variable: 'METER_TIMEZONE',
		path: meter('timezone'),
		kind: 'text',
		description: "IANA zone of the meter's clock; default the host's (TZ)",
	},
	{
		variable: 'METER_MODE',
		path: meter('mode'),
		kind: 'text',
		description: 'auto, A, B, C or D; default auto',
	},
	{
		variable: 'METER_ADDRESS',
		path: meter('address'),
		kind: 'text',
		description: 'device address for the sign-on: up to 32 of 0-9, A-Z, a-z and space',
	},
	{
		variable: 'METER_BAUD_MAX',
		path: meter('baud_max'),
		kind: 'integer',
		description: 'highest rate to ask for in mode C, Bd',
	},
	{
		variable: 'METER_SIGN_ON',
		path: meter('sign_on'),
		kind: 'list',
		description: 'sign-on characters, comma-separated; default ?',
	},
	{
		variable: 'METER_SELECT',
		path: meter('select'),
		kind: 'list',
		description: 'OBIS codes to write, comma-separated (1.8.1,2.8.1,1.6.2*01); default every numeric value',
	},
	{
		variable: 'METER_IGNORE_BCC',
		path: meter('ignore_bcc'),
		kind: 'boolean',
		description: 'accept blocks with a wrong BCC; default false',
	},
	{
		variable: 'METER_WAKE_UP',
		path: meter('wake_up'),
		kind: 'boolean',
		description: 'send the wake-up sequence first; default false',
	},
	{
		variable: 'METER_MEASUREMENT',
		path: ['measurement'],
		kind: 'text',
		description: 'measurement of the points; default meter',
	},
	{
		variable: 'INFLUX_URL',
		path: ['influxdb', 'url'],
		kind: 'text',
		description: 'without it, points go to stdout',
	},
	{
		variable: 'INFLUX_VERSION',
		path: ['influxdb', 'version'],
		kind: 'text',
		description: '2 (2.x/3.x, VictoriaMetrics), 1.8 or 1; default 2',
	},
	{
		variable: 'INFLUX_ORG',
		path: ['influxdb', 'org'],
		kind: 'text',
		description: 'InfluxDB 2 organisation; required for version 2',
	},
	{
		variable: 'INFLUX_BUCKET',
		path: ['influxdb', 'bucket'],
		kind: 'text',
		description: 'InfluxDB 2 bucket; default meters',
	},
	{
		variable: 'INFLUX_DATABASE',
		path: ['influxdb', 'database'],
		kind: 'text',
		description: 'InfluxDB 1.x database; default INFLUX_BUCKET',
	},
	{
		variable: 'INFLUX_RETENTION_POLICY',
		path: ['influxdb', 'retention_policy'],
		kind: 'text',
		description: 'InfluxDB 1.x retention policy',
	},
	{
		variable: 'INFLUX_USERNAME',
		path: ['influxdb', 'username'],
		kind: 'text',
		description: 'InfluxDB 1.x user',
	},
	{
		variable: 'INFLUX_TOKEN',
		path: ['influxdb', 'token_env'],
		kind: 'text',
		description: 'InfluxDB 2 API token, or INFLUX_TOKEN_FILE; required for version 2 (never logged)',
	},
	{
		variable: 'INFLUX_TOKEN_FILE',
		path: ['influxdb', 'token_file'],
		kind: 'text',
		description: 'file holding the token (Docker/systemd secret)',
	},
	{
		variable: 'INFLUX_PASSWORD',
		path: ['influxdb', 'password_env'],
		kind: 'text',
		description: 'InfluxDB 1.x password (never logged)',
	},
	{
		variable: 'INFLUX_PASSWORD_FILE',
		path: ['influxdb', 'password_file'],
		kind: 'text',
		description: 'file holding the password',
	},
	{
		variable: 'SPOOL_DIRECTORY',
		path: ['spool', 'directory'],
		kind: 'text',
		description: 'the durable spool; default ./data/spool',
	},
	{variable: 'SPOOL_MAX_SIZE', path: ['spool', 'max_size'], kind: 'text', description: 'default 100MB'},
	{
		variable: 'ARCHIVE_DIRECTORY',
		path: ['archive', 'directory'],
		kind: 'text',
		description: 'keep every raw telegram here (daily compressed files)',
	},
	{
		variable: 'HEALTH_LISTEN',
		path: ['health', 'listen'],
		kind: 'text',
		description: 'host:port of /healthz and /metrics, e.g. 127.0.0.1:9464; default off',
	},
	{variable: 'LOG_LEVEL', path: ['log', 'level'], kind: 'text', description: 'debug, info, warn or error'},
	{variable: 'LOG_FORMAT', path: ['log', 'format'], kind: 'text', description: 'json, pretty or auto'},
];

/** The values the embedded default uses when METER_PORT is not set: the built-in simulated ZMD120. */
export const SIMULATED_METER_DEFAULTS = {
	id: 'demo-zmd120',
	port: 'simulator:zmd120',
	every: '10s',
	timezone: 'Europe/Berlin',
} as const;

export interface EnvironmentConfigOptions {
	/** Meter keys used when METER_PORT is unset (the embedded demo). Without it METER_PORT is required. */
	readonly meterDefaults?: Readonly<Record<string, string>>;
	/** Relative secret files are read from here. Default: the working directory. */
	readonly baseDirectory?: string;
	readonly readSecret?: ConfigSources['readSecret'];
}

/** The label of environment configurations in messages, e.g. `environment variables: 1 problem`. */
export const ENVIRONMENT_LABEL = 'environment variables';

/**
 * Builds and validates the configuration from environment variables (ENVIRONMENT_SETTINGS). Every
 * problem is reported with its variable's name, e.g. `METER_SCHEDULE: expected a duration …`; all at
 * once, as for a file. Throws ConfigError.
 */
export async function environmentConfig(
	env: NodeJS.ProcessEnv,
	options: EnvironmentConfigOptions = {},
): Promise<Omit<LoadedConfig, 'file'>> {
	const problems: ConfigProblem[] = [];
	const meterEntry: {every?: unknown; schedule?: unknown; [key: string]: unknown} = {};
	const raw: {
		meters: unknown[];
		influxdb?: {version?: unknown; bucket?: unknown; database?: unknown};
		[key: string]: unknown;
	} = {
		meters: [meterEntry],
	};
	if (!hasMeterEnvironment(env)) {
		const defaults = options.meterDefaults;
		if (defaults === undefined) {
			problems.push({path: 'METER_PORT', message: 'required'});
		} else {
			const setElsewhere = ENVIRONMENT_SETTINGS.filter(
				(setting) =>
					setting.variable.startsWith('METER_') &&
					setting.path[0] === 'meters' &&
					nonEmpty(env[setting.variable]) !== undefined,
			).map((setting) => setting.variable);
			if (setElsewhere.length > 0) {
				// The simulated meter must never write into a real database because METER_PORT was forgotten.
				problems.push({
					path: 'METER_PORT',
					message: `required when ${setElsewhere.join(', ')} ${setElsewhere.length === 1 ? 'is' : 'are'} set (the meter's port, e.g. /dev/ttyUSB0; unset them all to run the simulated meter)`,
				});
			}
			Object.assign(meterEntry, defaults);
		}
	}
	// Without INFLUX_URL the other INFLUX_* variables are ignored, as before there was a database: the
	// influx CLI reads INFLUX_TOKEN and INFLUX_ORG too, and a shell set up for it must not stop the demo.
	const {INFLUX_URL} = env;
	const writesToInflux = nonEmpty(INFLUX_URL) !== undefined;
	for (const setting of ENVIRONMENT_SETTINGS) {
		const text = nonEmpty(env[setting.variable]);
		if (text === undefined) continue;
		if (setting.path[0] === 'influxdb' && !writesToInflux) continue;
		const secretFile = setting.variable.endsWith('_FILE')
			? setting.variable.slice(0, -'_FILE'.length)
			: undefined;
		if (secretFile !== undefined && nonEmpty(env[secretFile]) !== undefined) {
			problems.push({
				path: setting.variable,
				message: `give either ${secretFile} or ${setting.variable}, not both`,
			});
			continue;
		}
		const value = readValue(setting, text, problems);
		if (value === undefined) continue;
		if (setting.kind === 'schedule') {
			// One variable for both ways of saying when: `every` for a duration, `schedule` for cron.
			delete meterEntry.every;
			delete meterEntry.schedule;
			Object.assign(meterEntry, value);
			continue;
		}
		// A secret variable is named, not copied: the loader reads it and it never enters the config.
		const stored =
			setting.path.at(-1) === 'token_env' || setting.path.at(-1) === 'password_env'
				? setting.variable
				: value;
		setIn(raw, setting.path, stored);
	}
	const influx = raw.influxdb;
	if (influx !== undefined) {
		// INFLUX_BUCKET (default meters) is 2.x's bucket, and 1.x's database unless INFLUX_DATABASE names
		// one: each version gets only its own keys, as the schema refuses the other version's.
		if (influx.version === undefined || influx.version === '2') {
			influx.bucket ??= 'meters';
		} else {
			influx.database ??= influx.bucket ?? 'meters';
			delete influx.bucket;
		}
	}
	const nameOf = (path: readonly PropertyKey[]) => variableFor(path);
	let loaded: Omit<LoadedConfig, 'file'> | undefined;
	try {
		loaded = await parseConfigObject(raw, ENVIRONMENT_LABEL, nameOf, {
			env,
			...(options.baseDirectory === undefined ? {} : {baseDirectory: options.baseDirectory}),
			...(options.readSecret === undefined ? {} : {readSecret: options.readSecret}),
		});
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		problems.push(
			...error.problems.map((problem) => ({...problem, message: inVariableWords(problem.message)})),
		);
	}
	if (problems.length > 0 || loaded === undefined)
		throw new ConfigError(ENVIRONMENT_LABEL, ordered(problems));
	return loaded;
}

/** The variable a configuration path comes from: the longest setting path that is a prefix of it. */
export function variableFor(path: readonly PropertyKey[]): string {
	if (path[0] === 'meters' && (path[2] === 'every' || path[2] === 'schedule')) return 'METER_SCHEDULE';
	let best: EnvironmentSetting | undefined;
	for (const setting of ENVIRONMENT_SETTINGS) {
		const matches = setting.path.every((part, index) => path[index] === part);
		if (matches && setting.path.length <= path.length && setting.path.length > (best?.path.length ?? 0)) {
			best = setting;
		}
	}
	// Secrets are configured by the variable's own name (INFLUX_TOKEN → token_env).
	if (best === undefined) {
		if (path[0] === 'influxdb' && path[1] === 'token') return 'INFLUX_TOKEN';
		if (path[0] === 'influxdb' && path[1] === 'password') return 'INFLUX_PASSWORD';
		return formatPath(path);
	}
	const rest = path.slice(best.path.length);
	// A list entry: METER_SELECT entry 2 (1-based, as people count the comma-separated items).
	return rest.length > 0 && typeof rest[0] === 'number'
		? `${best.variable} entry ${rest[0] + 1}`
		: best.variable;
}

function readValue(setting: EnvironmentSetting, text: string, problems: ConfigProblem[]): unknown {
	const problem = (message: string) => {
		problems.push({path: setting.variable, message: `${message}, got ${JSON.stringify(text)}`});
		return undefined;
	};
	switch (setting.kind) {
		case 'text':
			return text;
		case 'integer':
			return /^\s*\d+\s*$/.test(text) ? Number(text) : problem('expected a whole number such as 9600');
		case 'boolean': {
			const lower = text.trim().toLowerCase();
			if (['true', 'yes', 'on', '1'].includes(lower)) return true;
			if (['false', 'no', 'off', '0'].includes(lower)) return false;
			return problem('expected true or false');
		}
		case 'list':
			return text
				.split(',')
				.map((entry) => entry.trim())
				.filter((entry) => entry !== '');
		case 'schedule':
			// A duration when it reads as one ("60s", "15m", "90"), else a cron expression for the schema to check.
			return parseDuration(text) === undefined ? {schedule: text.trim()} : {every: text.trim()};
	}
}

/**
 * The schema's advice in the words of this configuration: `set version "1"` is `set INFLUX_VERSION=1`
 * where the version comes from a variable.
 */
function inVariableWords(message: string): string {
	return message.replace(/\bversion "([\d.]+)"/g, 'INFLUX_VERSION=$1');
}

function setIn(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown) {
	let node: Record<string | number, unknown> = target;
	for (const [index, part] of path.entries()) {
		if (index === path.length - 1) {
			node[part] = value;
			return;
		}
		node[part] ??= typeof path[index + 1] === 'number' ? [] : {};
		node = node[part] as Record<string | number, unknown>;
	}
}

function nonEmpty(value: string | undefined): string | undefined {
	return value === undefined || value.trim() === '' ? undefined : value;
}

/** Problems once each, in the order of ENVIRONMENT_SETTINGS (the order of the reference). */
function ordered(problems: readonly ConfigProblem[]): ConfigProblem[] {
	const seen = new Set<string>();
	const rank = (problem: ConfigProblem) => {
		const index = ENVIRONMENT_SETTINGS.findIndex(
			(setting) => problem.path.split(' ')[0] === setting.variable,
		);
		return index === -1 ? ENVIRONMENT_SETTINGS.length : index;
	};
	return problems
		.filter((problem) => {
			const key = `${problem.path}\u0000${problem.message}`;
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		})
		.sort((a, b) => rank(a) - rank(b));
}
