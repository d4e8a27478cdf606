import {describe, expect, it} from 'vitest';
import {ConfigError} from '../../../src/config/config-error.ts';
import {
	ENVIRONMENT_SETTINGS,
	environmentConfig,
	hasMeterEnvironment,
	SIMULATED_METER_DEFAULTS,
	variableFor,
} from '../../../src/config/environment-config.ts';

async function problemsOf(env: NodeJS.ProcessEnv, options = {}) {
	const error = await environmentConfig(env, options).catch((caught: unknown) => caught);
	expect(error).toBeInstanceOf(ConfigError);
	return (error as ConfigError).problems.map((problem) => `${problem.path}: ${problem.message}`);
}

const oneMeter = {METER_PORT: '/dev/ttyUSB0', METER_ID: 'house'};

describe('environmentConfig', () => {
	it('names a wrong METER_PORT beside the other problems of the variables', async () => {
		const list = await problemsOf({METER_PORT: 'tcp://localhost', METER_ID: 'house', METER_MODE: 'Z'});
		expect(list).toContain(
			'METER_PORT: "tcp://localhost" is not a valid tcp://host:port address (the port number is missing)',
		);
		expect(list.some((line) => line.startsWith('METER_MODE: '))).toBe(true);
	});

	it('builds one meter from METER_* with the defaults of a config file', async () => {
		const {config} = await environmentConfig(oneMeter);
		expect(config.meters).toEqual([
			expect.objectContaining({
				id: 'house',
				port: '/dev/ttyUSB0',
				mode: 'auto',
				sign_on: ['?'],
				ignore_bcc: false,
			}),
		]);
		expect(config.meters[0]?.every).toBeUndefined();
		expect(config.influxdb).toBeUndefined();
		expect(config.spool.directory).toBe('./data/spool');
	});

	it('reads METER_SCHEDULE as a duration or, failing that, as a cron expression', async () => {
		const every = await environmentConfig({...oneMeter, METER_SCHEDULE: '15m'});
		expect(every.config.meters[0]).toMatchObject({every: 900_000});
		expect(every.config.meters[0]?.schedule).toBeUndefined();
		const cron = await environmentConfig({...oneMeter, METER_SCHEDULE: '*/15 * * * *'});
		expect(cron.config.meters[0]).toMatchObject({schedule: '*/15 * * * *'});
		expect(cron.config.meters[0]?.every).toBeUndefined();
	});

	it('takes every other meter setting, lists split at commas', async () => {
		const {config} = await environmentConfig({
			...oneMeter,
			METER_TIMEZONE: 'Europe/Vienna',
			METER_MODE: 'C',
			METER_ADDRESS: '12345678',
			METER_BAUD_MAX: '4800',
			METER_SIGN_ON: '?, #',
			METER_SELECT: '1.8.1,2.8.1, 1.6.2*01~1',
			METER_IGNORE_BCC: 'yes',
			METER_WAKE_UP: 'true',
			METER_MEASUREMENT: 'electricity',
		});
		expect(config.measurement).toBe('electricity');
		expect(config.meters[0]).toMatchObject({
			timezone: 'Europe/Vienna',
			mode: 'C',
			address: '12345678',
			baud_max: 4800,
			sign_on: ['?', '#'],
			select: [{code: '1.8.1'}, {code: '2.8.1'}, {code: '1.6.2*01~1'}],
			ignore_bcc: true,
			wake_up: true,
		});
	});

	it('writes to InfluxDB 2 with the token read from INFLUX_TOKEN, bucket defaulting to meters', async () => {
		const {config, secrets} = await environmentConfig({
			...oneMeter,
			INFLUX_URL: 'http://influxdb:8086',
			INFLUX_ORG: 'home',
			INFLUX_TOKEN: 's3cret',
		});
		expect(config.influxdb).toMatchObject({
			url: 'http://influxdb:8086',
			version: '2',
			org: 'home',
			bucket: 'meters',
		});
		expect(config.influxdb?.token).toBeUndefined();
		expect(JSON.stringify(config)).not.toContain('s3cret');
		expect(secrets.token).toBe('s3cret');
	});

	it('reads the token from INFLUX_TOKEN_FILE, relative to the base directory', async () => {
		const read: string[] = [];
		const {secrets} = await environmentConfig(
			{...oneMeter, INFLUX_URL: 'http://influxdb:8086', INFLUX_ORG: 'home', INFLUX_TOKEN_FILE: 'token.txt'},
			{
				baseDirectory: '/srv/dlms',
				readSecret: async (path) => {
					read.push(path);
					return 'from-file\n';
				},
			},
		);
		expect(read).toEqual(['/srv/dlms/token.txt']);
		expect(secrets.token).toBe('from-file');
	});

	it('sets spool, archive, health and log from their variables', async () => {
		const {config} = await environmentConfig({
			...oneMeter,
			SPOOL_DIRECTORY: '/var/lib/dlms-logger/spool',
			SPOOL_MAX_SIZE: '10MB',
			ARCHIVE_DIRECTORY: '/var/lib/dlms-logger/raw',
			HEALTH_LISTEN: '127.0.0.1:9464',
			LOG_LEVEL: 'debug',
			LOG_FORMAT: 'json',
		});
		expect(config.spool).toEqual({directory: '/var/lib/dlms-logger/spool', max_size: 10_000_000});
		expect(config.archive).toEqual({directory: '/var/lib/dlms-logger/raw'});
		expect(config.health).toMatchObject({listen: '127.0.0.1:9464'});
		expect(config.log).toEqual({level: 'debug', format: 'json'});
	});

	it('treats empty variables as unset, as Compose passes VAR:- defaults of nothing', async () => {
		const {config} = await environmentConfig({
			...oneMeter,
			METER_SCHEDULE: '',
			METER_ADDRESS: ' ',
			INFLUX_URL: '',
			HEALTH_LISTEN: '',
		});
		expect(config.meters[0]?.address).toBeUndefined();
		expect(config.influxdb).toBeUndefined();
		expect(config.health).toBeUndefined();
	});

	it('reports every problem at once, each with its variable name', async () => {
		expect(
			await problemsOf({
				METER_PORT: '/dev/ttyUSB0',
				METER_SCHEDULE: 'every now and then',
				METER_TIMEZONE: 'Mars/Olympus',
				METER_BAUD_MAX: 'fast',
				METER_IGNORE_BCC: 'maybe',
				INFLUX_URL: 'influxdb:8086',
				INFLUX_VERSION: '3',
				LOG_LEVEL: 'trace',
			}),
		).toEqual([
			'METER_ID: required',
			expect.stringMatching(/^METER_SCHEDULE: expected a cron expression/),
			expect.stringMatching(/^METER_TIMEZONE: expected an IANA time zone such as Europe\/Berlin/),
			'METER_BAUD_MAX: expected a whole number such as 9600, got "fast"',
			'METER_IGNORE_BCC: expected true or false, got "maybe"',
			'INFLUX_URL: expected an http:// or https:// URL: http://influxdb:8086',
			expect.stringMatching(/^INFLUX_VERSION: /),
			expect.stringMatching(/^LOG_LEVEL: /),
		]);
	});

	it('names the entry of a list that is wrong', async () => {
		const problems = await problemsOf({...oneMeter, METER_SELECT: '1.8.1,not an obis code'});
		expect(problems).toEqual([expect.stringMatching(/^METER_SELECT entry 2: /)]);
	});

	it('says which of two InfluxDB variables to drop', async () => {
		expect(
			await problemsOf({
				...oneMeter,
				INFLUX_URL: 'http://db:8086',
				INFLUX_ORG: 'home',
				INFLUX_TOKEN: 'x',
				INFLUX_TOKEN_FILE: '/t',
			}),
		).toEqual(['INFLUX_TOKEN_FILE: give either INFLUX_TOKEN or INFLUX_TOKEN_FILE, not both']);
	});

	it('ignores INFLUX_* without INFLUX_URL (the influx CLI reads INFLUX_TOKEN and INFLUX_ORG too)', async () => {
		const {config, secrets} = await environmentConfig({
			...oneMeter,
			INFLUX_TOKEN: 'cli-token',
			INFLUX_ORG: 'home',
		});
		expect(config.influxdb).toBeUndefined();
		expect(secrets).toEqual({});
	});

	it('reports an unreadable secret file by its variable', async () => {
		const problems = await problemsOf(
			{
				...oneMeter,
				INFLUX_URL: 'http://db:8086',
				INFLUX_USERNAME: 'logger',
				INFLUX_PASSWORD_FILE: '/run/secrets/none',
				INFLUX_VERSION: '1',
			},
			{
				readSecret: async () => {
					throw Object.assign(new Error('no such file'), {code: 'ENOENT'});
				},
			},
		);
		expect(problems).toEqual(['INFLUX_PASSWORD_FILE: cannot read /run/secrets/none: no such file']);
	});

	it("refuses an INFLUX_TOKEN still holding an older .env.example's placeholder, naming the variable and the fix", async () => {
		const problems = await problemsOf({
			...oneMeter,
			INFLUX_URL: 'http://influxdb:8086',
			INFLUX_ORG: 'home',
			INFLUX_TOKEN: 'change-me-to-a-long-random-token',
		});
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatch(
			/^INFLUX_TOKEN: still a change-me placeholder of an older \.env\.example: put a random token in \.env /,
		);
	});

	it('refuses the placeholder as an InfluxDB 1 password too', async () => {
		expect(
			await problemsOf({
				...oneMeter,
				INFLUX_URL: 'http://db:8086',
				INFLUX_VERSION: '1',
				INFLUX_USERNAME: 'logger',
				INFLUX_PASSWORD: 'change-me-please',
			}),
		).toEqual([
			"INFLUX_PASSWORD: still a change-me placeholder of an older .env.example: replace it with the database user's password",
		]);
	});

	it('names INFLUX_ORG and INFLUX_TOKEN when InfluxDB 2 lacks them', async () => {
		expect(await problemsOf({...oneMeter, INFLUX_URL: 'http://db:8086'})).toEqual([
			'INFLUX_ORG: required for version 2',
			'INFLUX_TOKEN: required for version 2 (VictoriaMetrics ignores it: any value will do there)',
		]);
	});

	it('writes to INFLUX_BUCKET as the database of InfluxDB 1.x, and to meters without either', async () => {
		const v1 = {...oneMeter, INFLUX_URL: 'http://db:8086', INFLUX_VERSION: '1'};
		const named = await environmentConfig({...v1, INFLUX_BUCKET: 'house'});
		expect(named.config.influxdb).toMatchObject({version: '1', database: 'house'});
		expect(named.config.influxdb?.bucket).toBeUndefined();
		const unnamed = await environmentConfig(v1);
		expect(unnamed.config.influxdb).toMatchObject({database: 'meters'});
	});

	it('refuses a variable the chosen version would not use, by its name', async () => {
		expect(
			await problemsOf({
				...oneMeter,
				INFLUX_URL: 'http://db:8086',
				INFLUX_VERSION: '1.8',
				INFLUX_DATABASE: 'meters',
				INFLUX_TOKEN: 'x',
			}),
		).toEqual([
			'INFLUX_TOKEN: not used by version 1.8, which writes to database (and retention_policy) as username with password; for InfluxDB 2.x/3.x set INFLUX_VERSION=2',
		]);
	});

	it('names INFLUX_VERSION when only INFLUX_DATABASE says the server is InfluxDB 1.x', async () => {
		expect(await problemsOf({...oneMeter, INFLUX_URL: 'http://db:8086', INFLUX_DATABASE: 'meters'})).toEqual([
			'INFLUX_DATABASE: not used by version 2, which writes to org and bucket with a token; for InfluxDB 1.x set INFLUX_VERSION=1 (before 1.8) or INFLUX_VERSION=1.8',
		]);
	});

	it('requires METER_PORT without meter defaults', async () => {
		expect(await problemsOf({METER_ID: 'house'})).toEqual(['METER_PORT: required']);
	});

	it('uses the meter defaults when METER_PORT is unset, unless another METER_* variable is set', async () => {
		const {config} = await environmentConfig({}, {meterDefaults: SIMULATED_METER_DEFAULTS});
		expect(config.meters[0]).toMatchObject({id: 'demo-zmd120', port: 'simulator:zmd120', every: 10_000});
		const problems = await problemsOf(
			{METER_ID: 'house', METER_SCHEDULE: '1m'},
			{meterDefaults: SIMULATED_METER_DEFAULTS},
		);
		expect(problems).toEqual([
			expect.stringMatching(/^METER_PORT: required when METER_ID, METER_SCHEDULE are set/),
		]);
	});

	it('lets METER_SCHEDULE replace the default schedule, whichever form either has', async () => {
		const {config} = await environmentConfig(
			{METER_PORT: 'simulator:zmd120', METER_ID: 'x', METER_SCHEDULE: '*/2 * * * * *'},
			{meterDefaults: SIMULATED_METER_DEFAULTS},
		);
		expect(config.meters[0]).toMatchObject({schedule: '*/2 * * * * *'});
		expect(config.meters[0]?.every).toBeUndefined();
	});
});

describe('hasMeterEnvironment', () => {
	it('is true only for a non-empty METER_PORT', () => {
		expect(hasMeterEnvironment({METER_PORT: '/dev/ttyUSB0'})).toBe(true);
		expect(hasMeterEnvironment({METER_PORT: ''})).toBe(false);
		expect(hasMeterEnvironment({METER_ID: 'house'})).toBe(false);
	});
});

describe('variableFor', () => {
	it('maps configuration paths to the variable that fills them', () => {
		expect(variableFor(['meters', 0, 'port'])).toBe('METER_PORT');
		expect(variableFor(['meters', 0, 'every'])).toBe('METER_SCHEDULE');
		expect(variableFor(['meters', 0, 'select', 0, 'code'])).toBe('METER_SELECT entry 1');
		expect(variableFor(['influxdb', 'token_env'])).toBe('INFLUX_TOKEN');
		expect(variableFor(['influxdb', 'token'])).toBe('INFLUX_TOKEN');
		expect(variableFor(['self_metrics', 'every'])).toBe('self_metrics.every');
	});

	it('has one setting per variable and per path', () => {
		const variables = ENVIRONMENT_SETTINGS.map((setting) => setting.variable);
		const paths = ENVIRONMENT_SETTINGS.map((setting) => setting.path.join('.'));
		expect(new Set(variables).size).toBe(variables.length);
		expect(new Set(paths).size).toBe(paths.length);
	});
});
