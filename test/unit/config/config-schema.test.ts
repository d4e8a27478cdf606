import {describe, expect, it} from 'vitest';
import {type Config, configSchema} from '../../../src/config/config-schema.ts';

const meter = {id: 'house', port: '/dev/ttyUSB0'};

function parse(input: Record<string, unknown>): Config {
	const result = configSchema.safeParse(input);
	if (!result.success) throw new Error(JSON.stringify(result.error.issues));
	return result.data;
}

/** Every problem as `path: message`, paths joined with dots. */
function problems(input: Record<string, unknown>): string[] {
	const result = configSchema.safeParse(input);
	if (result.success) return [];
	return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

function meterProblems(fields: Record<string, unknown>): string[] {
	return problems({meters: [{...meter, ...fields}]});
}

/** What InfluxDB 2 needs besides the url. */
const v2 = {org: 'home', bucket: 'meters', token: 't'};

function influxProblems(fields: Record<string, unknown>): string[] {
	return problems({meters: [meter], influxdb: {url: 'http://localhost:8086', ...fields}});
}

describe('configSchema defaults', () => {
	it('writes points to the measurement meter', () => {
		expect(parse({meters: [meter]}).measurement).toBe('meter');
	});

	it('spools to ./data/spool, at most 100 MB', () => {
		expect(parse({meters: [meter]}).spool).toEqual({directory: './data/spool', max_size: 100_000_000});
	});

	it('writes self-metrics to dlms_logger every 60 s', () => {
		expect(parse({meters: [meter]}).self_metrics).toEqual({measurement: 'dlms_logger', every: 60_000});
	});

	it('names the collector on its self-metrics only when told to, in one line', () => {
		expect(parse({meters: [meter], self_metrics: {instance: 'cellar-a'}}).self_metrics.instance).toBe(
			'cellar-a',
		);
		expect(problems({meters: [meter], self_metrics: {instance: 'a\nb'}})).toEqual([
			'self_metrics.instance: must be one line',
		]);
	});

	it('logs at info in the automatic format', () => {
		expect(parse({meters: [meter]}).log).toEqual({level: 'info', format: 'auto'});
	});

	it('leaves influxdb, archive, health and timezone out unless given', () => {
		const config = parse({meters: [meter]});
		expect(config.influxdb).toBeUndefined();
		expect(config.archive).toBeUndefined();
		expect(config.health).toBeUndefined();
		expect(config.timezone).toBeUndefined();
	});

	it('reads a meter in mode auto, checking the BCC, without wake-up, signing on with ?', () => {
		expect(parse({meters: [meter]}).meters[0]).toEqual({
			...meter,
			mode: 'auto',
			sign_on: ['?'],
			ignore_bcc: false,
			wake_up: false,
			fallback: {learn_after: 3, retry_every: 3_600_000},
		});
	});

	it('reads the fallback policy and the switch guard as durations', () => {
		const parsed = parse({
			meters: [{...meter, fallback: {learn_after: 5, retry_every: '30m'}, timeouts: {switch_guard: '50ms'}}],
		}).meters[0];
		expect(parsed?.fallback).toEqual({learn_after: 5, retry_every: 1_800_000});
		expect(parsed?.timeouts?.switch_guard).toBe(50);
	});

	it('refuses a fallback that would learn from no failure', () => {
		expect(() => parse({meters: [{...meter, fallback: {learn_after: 0}}]})).toThrow(/learn_after/);
	});

	it('fills a given push section with 9600 Bd 7 data bits', () => {
		expect(parse({meters: [{...meter, mode: 'D', push: {}}]}).meters[0]?.push).toEqual({
			baud: 9600,
			data_bits: 7,
		});
	});

	it('listens for health on 127.0.0.1:9464, unhealthy after 3 cycles', () => {
		expect(parse({meters: [meter], health: {}}).health).toEqual({
			listen: '127.0.0.1:9464',
			unhealthy_after_cycles: 3,
		});
	});

	it('talks to InfluxDB version 2 with a 10 s timeout and batches of 5000 lines', () => {
		const config = parse({meters: [meter], influxdb: {url: 'http://localhost:8086', ...v2}});
		expect(config.influxdb).toMatchObject({version: '2', timeout: 10_000, batch_lines: 5000});
	});
});

describe('configSchema meters', () => {
	it('needs at least one meter', () => {
		expect(problems({meters: []})).toEqual(['meters: configure at least one meter']);
	});

	it('needs the meters list', () => {
		expect(problems({})).toHaveLength(1);
		expect(problems({})[0]).toMatch(/^meters: /);
	});

	it('names a duplicate id and where it first appeared', () => {
		expect(problems({meters: [meter, {...meter, port: '/dev/ttyUSB1'}]})).toEqual([
			'meters.1.id: duplicate id, also meters[0]',
		]);
	});

	it('refuses a meter id spanning lines', () => {
		expect(meterProblems({id: 'a\nb'})).toEqual(['meters.0.id: must be one line']);
	});

	it('accepts a five-field cron schedule', () => {
		expect(meterProblems({schedule: '*/1 * * * *'})).toEqual([]);
	});

	it('accepts a six-field cron schedule with seconds', () => {
		expect(meterProblems({schedule: '*/10 * * * * *'})).toEqual([]);
	});

	it('refuses a schedule that is not a cron expression', () => {
		expect(meterProblems({schedule: 'every minute'})).toEqual([
			'meters.0.schedule: expected a cron expression of 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, such as "*/15 * * * *"; got 2 fields',
		]);
	});

	it('refuses a cron field out of range', () => {
		expect(meterProblems({schedule: '61 * * * *'})).toHaveLength(1);
	});

	it('takes every as a duration in ms', () => {
		expect(parse({meters: [{...meter, every: '5m'}]}).meters[0]?.every).toBe(300_000);
	});

	it('takes a plain number for every as seconds', () => {
		expect(parse({meters: [{...meter, every: 30}]}).meters[0]?.every).toBe(30_000);
	});

	it('refuses every below 1 s', () => {
		expect(meterProblems({every: '500ms'})).toEqual(['meters.0.every: must be at least 1s']);
	});

	it('refuses a duration it cannot read, quoting it', () => {
		expect(meterProblems({every: 'soon'})).toEqual([
			'meters.0.every: expected a duration such as 10s, 5m or 500ms, got the string "soon"',
		]);
	});

	it('refuses schedule and every together', () => {
		expect(meterProblems({schedule: '* * * * *', every: '60s'})).toEqual([
			'meters.0.every: give either schedule or every, not both',
		]);
	});

	it('turns the session timeouts into ms', () => {
		const timeouts = {identification: '1500ms', data: '10s', inter_character: 1.5, total: '3m'};
		expect(parse({meters: [{...meter, timeouts}]}).meters[0]?.timeouts).toEqual({
			identification: 1500,
			data: 10_000,
			inter_character: 1500,
			total: 180_000,
		});
	});

	it('refuses a negative duration', () => {
		expect(meterProblems({timeouts: {data: -1}})).toHaveLength(1);
	});

	it('refuses a mode outside auto and A–D', () => {
		expect(meterProblems({mode: 'E'})).toHaveLength(1);
		expect(meterProblems({mode: 'E'})[0]).toMatch(/^meters\.0\.mode: /);
	});

	it.each(['/dev/serial/by-id/usb-…-if00-port0', '/dev/serial/by-id/set-METER_DEVICE-in-.env'])(
		"refuses the examples' placeholder %s as port",
		(port) => {
			expect(meterProblems({port})).toEqual([
				"meters.0.port: still the example's placeholder: put your reader's name from `ls -l /dev/serial/by-id/` (or `dlms-logger ports`)",
			]);
		},
	);

	it('takes the mode letter in either case, as the standard writes it', () => {
		expect(parse({meters: [{...meter, mode: 'c'}]}).meters[0]?.mode).toBe('C');
		expect(parse({meters: [{...meter, mode: 'AUTO'}]}).meters[0]?.mode).toBe('auto');
	});

	it('refuses a baud cap below 300', () => {
		expect(meterProblems({baud_max: 150})[0]).toMatch(/^meters\.0\.baud_max: /);
	});

	it('takes only the rates of the standard as baud cap, listing them', () => {
		expect(parse({meters: [{...meter, baud_max: 19200}]}).meters[0]?.baud_max).toBe(19200);
		expect(meterProblems({baud_max: 9601})).toEqual([
			'meters.0.baud_max: expected one of the rates of IEC 62056-21: 300, 600, 1200, 2400, 4800, 9600, 19200 (Bd), got the number 9601',
		]);
	});

	it('refuses a time zone that is not an IANA name', () => {
		expect(meterProblems({timezone: 'Mars/Olympus'})).toEqual([
			'meters.0.timezone: expected an IANA time zone such as Europe/Berlin, got the string "Mars/Olympus"',
		]);
	});

	it('accepts selection entries as codes or objects with a name', () => {
		const select = ['1.8.1', {code: '1.6.2*01~1', name: 'peak'}];
		expect(parse({meters: [{...meter, select}]}).meters[0]?.select).toEqual([
			{code: '1.8.1'},
			{code: '1.6.2*01~1', name: 'peak'},
		]);
	});

	it('points at the selection entry that is not a code', () => {
		const issues = meterProblems({select: ['1.8.1', 'not a code']});
		expect(issues).toHaveLength(1);
		expect(issues[0]).toMatch(/^meters\.0\.select\.1: /);
	});

	it('refuses push data bits other than 7 or 8', () => {
		expect(meterProblems({push: {data_bits: 6}})[0]).toMatch(/^meters\.0\.push\.data_bits: /);
	});

	it('accepts a device address of digits, letters and spaces', () => {
		expect(parse({meters: [{...meter, address: 'ITZ 12345678'}]}).meters[0]?.address).toBe('ITZ 12345678');
	});

	it('refuses a device address with a character the sign-on cannot carry, naming it', () => {
		expect(meterProblems({address: 'a(b'})).toEqual([
			'meters.0.address: "(" cannot be sent: a device address holds only 0-9, A-Z, a-z and space (IEC 62056-21), got the string "a(b"',
		]);
	});

	it('refuses a device address longer than 32 characters', () => {
		expect(meterProblems({address: '1'.repeat(33)})).toEqual([
			`meters.0.address: must be at most 32 characters long (it has 33), got the string "${'1'.repeat(33)}"`,
		]);
	});
});

describe('configSchema influxdb', () => {
	it('needs org, bucket and a token for version 2', () => {
		expect(influxProblems({})).toEqual([
			'influxdb.org: required for version 2',
			'influxdb.bucket: required for version 2',
			'influxdb.token: required for version 2 (VictoriaMetrics ignores it: any value will do there)',
		]);
	});

	it('takes the token for version 2 from a variable or a file as well', () => {
		expect(influxProblems({org: 'home', bucket: 'meters', token_env: 'INFLUX_TOKEN'})).toEqual([]);
		expect(influxProblems({org: 'home', bucket: 'meters', token_file: '/run/secrets/t'})).toEqual([]);
	});

	it('refuses an empty org or token', () => {
		expect(influxProblems({...v2, org: '', token: ''})).toEqual([
			'influxdb.org: Too small: expected string to have >=1 characters',
			'influxdb.token: Too small: expected string to have >=1 characters',
		]);
	});

	it('refuses the keys of InfluxDB 1.x under version 2, saying which version to set', () => {
		expect(influxProblems({database: 'meters', username: 'logger', password: 'p'})).toEqual(
			['database', 'username', 'password'].map(
				(key) =>
					`influxdb.${key}: not used by version 2, which writes to org and bucket with a token; for InfluxDB 1.x set version "1" (before 1.8) or version "1.8"`,
			),
		);
	});

	it('refuses a retention policy under version 2 even with everything 2 needs', () => {
		expect(influxProblems({...v2, retention_policy: 'autogen'})).toHaveLength(1);
	});

	it('refuses the keys of InfluxDB 2 under versions 1 and 1.8', () => {
		for (const version of ['1', '1.8']) {
			expect(influxProblems({version, database: 'meters', bucket: 'meters/autogen', token_env: 'T'})).toEqual(
				['bucket', 'token_env'].map(
					(key) =>
						`influxdb.${key}: not used by version ${version}, which writes to database (and retention_policy) as username with password; for InfluxDB 2.x/3.x set version "2"`,
				),
			);
		}
	});

	it('refuses a password without a username for InfluxDB 1.x', () => {
		expect(influxProblems({version: '1.8', database: 'meters', password_env: 'P'})).toEqual([
			'influxdb.password_env: needs username too: InfluxDB 1.x signs in with both',
		]);
		expect(influxProblems({version: '1', database: 'meters', username: 'u', password_env: 'P'})).toEqual([]);
	});

	it('needs a database for version 1.8', () => {
		expect(influxProblems({version: '1.8'})).toEqual(['influxdb.database: required for version 1.8']);
	});

	it('needs a database for version 1', () => {
		expect(influxProblems({version: '1'})).toEqual(['influxdb.database: required for version 1']);
	});

	it('accepts version 1 with a database and no bucket', () => {
		expect(influxProblems({version: '1', database: 'meters'})).toEqual([]);
	});

	it('refuses a version it does not know', () => {
		expect(influxProblems({version: '3', bucket: 'meters'})[0]).toMatch(/^influxdb\.version: /);
	});

	it('refuses a URL that is not http or https', () => {
		expect(influxProblems({url: 'ftp://influx', ...v2})).toEqual([
			'influxdb.url: expected an http:// or https:// URL',
		]);
	});

	it('keeps a path in the URL as a prefix (a reverse proxy)', () => {
		expect(influxProblems({url: 'https://proxy.example/influx', ...v2})).toEqual([]);
	});

	it('refuses a URL that already holds the write path, naming it', () => {
		expect(influxProblems({url: 'http://localhost:8086/api/v2/write', ...v2})).toEqual([
			"influxdb.url: expected the server's address without /api/v2/write: http://localhost:8086 (the collector adds the write path itself)",
		]);
		expect(
			influxProblems({version: '1', database: 'm', url: 'https://u:hunter2@proxy/influx/write/'}),
		).toEqual([
			"influxdb.url: expected the server's address without /write: https://proxy/influx (the collector adds the write path itself)",
		]);
	});

	it('refuses a URL with a query, without quoting it (it may hold a password)', () => {
		expect(influxProblems({url: 'http://u:hunter2@localhost:8086/?org=home', ...v2})).toEqual([
			"influxdb.url: expected the server's address without ?… or #…, e.g. http://localhost:8086",
		]);
	});

	it('refuses a token given two ways, naming both', () => {
		expect(influxProblems({...v2, token_env: 'INFLUX_TOKEN'})).toEqual([
			'influxdb.token_env: give only one of token, token_env',
		]);
	});

	it('refuses a password given two ways, naming both', () => {
		expect(
			influxProblems({
				version: '1',
				database: 'm',
				username: 'u',
				password_env: 'P',
				password_file: '/run/secrets/p',
			}),
		).toEqual(['influxdb.password_file: give only one of password_env, password_file']);
	});

	it('refuses a timeout under 1 s, as 0 would mean waiting for ever', () => {
		expect(influxProblems({...v2, timeout: 0})).toEqual(['influxdb.timeout: must be at least 1s']);
		expect(influxProblems({...v2, timeout: '500ms'})).toEqual(['influxdb.timeout: must be at least 1s']);
	});

	it('refuses a URL ending in /api/v2, which the client would quietly drop', () => {
		expect(influxProblems({url: 'http://localhost:8086/api/v2/', ...v2})).toEqual([
			"influxdb.url: expected the server's address without /api/v2: http://localhost:8086 (the collector adds the write path itself)",
		]);
	});

	it('takes the timeout as a duration', () => {
		const config = parse({meters: [meter], influxdb: {url: 'https://influx', ...v2, timeout: '30s'}});
		expect(config.influxdb?.timeout).toBe(30_000);
	});
});

describe('configSchema other sections', () => {
	it('reads the spool size in bytes', () => {
		expect(parse({meters: [meter], spool: {max_size: '512KiB'}}).spool.max_size).toBe(524_288);
	});

	it('refuses a size it cannot read', () => {
		expect(problems({meters: [meter], spool: {max_size: 'big'}})).toEqual([
			'spool.max_size: expected a size such as 100MB or 512KiB, got the string "big"',
		]);
	});

	it('refuses a health address without a port', () => {
		expect(problems({meters: [meter], health: {listen: 'localhost'}})).toEqual([
			'health.listen: expected host:port, e.g. 127.0.0.1:9464',
		]);
	});

	it('refuses a health port above 65535', () => {
		expect(problems({meters: [meter], health: {listen: '127.0.0.1:99999'}})).toHaveLength(1);
	});

	it('refuses a top-level time zone that is not an IANA name', () => {
		expect(problems({meters: [meter], timezone: 'CEST'})).toEqual([
			'timezone: expected an IANA time zone such as Europe/Berlin, got the string "CEST"',
		]);
	});

	it('refuses a log level it does not know', () => {
		expect(problems({meters: [meter], log: {level: 'trace'}})[0]).toMatch(/^log\.level: /);
	});
});

describe('configSchema strict keys', () => {
	it('refuses an unknown top-level key', () => {
		const issues = configSchema.safeParse({meters: [meter], update_cycle: 60}).error?.issues ?? [];
		expect(issues).toMatchObject([{code: 'unrecognized_keys', keys: ['update_cycle']}]);
	});

	it('refuses an unknown key in a meter', () => {
		const issues = configSchema.safeParse({meters: [{...meter, baudrate: 9600}]}).error?.issues ?? [];
		expect(issues).toMatchObject([{code: 'unrecognized_keys', keys: ['baudrate'], path: ['meters', 0]}]);
	});

	it('refuses an unknown key in the influxdb section', () => {
		const influxdb = {url: 'http://localhost:8086', ...v2, organisation: 'home'};
		const issues = configSchema.safeParse({meters: [meter], influxdb}).error?.issues ?? [];
		expect(issues).toMatchObject([{code: 'unrecognized_keys', keys: ['organisation'], path: ['influxdb']}]);
	});
});
