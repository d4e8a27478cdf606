import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {ConfigError} from '../../../src/config/config-error.ts';
import {formatPath, loadConfigFile, parseConfig, readFailure} from '../../../src/config/config-loader.ts';

const example = new URL('../../../config.yaml.example', import.meta.url).pathname;

async function problems(text: string, env: NodeJS.ProcessEnv = {}) {
	try {
		await parseConfig(text, '/etc/dlms/config.yaml', {
			env,
			readSecret: async (path) => {
				if (path.endsWith('token.txt')) return 'from-file\n';
				throw Object.assign(new Error('nope'), {code: 'ENOENT'});
			},
		});
	} catch (error) {
		if (error instanceof ConfigError)
			return error.problems.map((problem) => `${problem.path}@${problem.line}: ${problem.message}`);
		throw error;
	}
	return [];
}

const meter = 'meters:\n  - id: house\n    port: /dev/ttyUSB0\n';

describe('parseConfig', () => {
	it('refuses config.yaml.example as shipped for its placeholder port alone', async () => {
		const list = await problems(await readFile(example, 'utf8'), {INFLUX_TOKEN: 'secret'});
		expect(list).toHaveLength(1);
		expect(list[0]).toMatch(/^meters\[0\]\.port@\d+: still the example's placeholder: /);
	});

	it('lists the unset token variable of config.yaml.example beside its placeholder port, in file order', async () => {
		const list = await problems(await readFile(example, 'utf8'), {});
		expect(list).toHaveLength(2);
		expect(list[0]).toMatch(/^influxdb\.token_env@\d+: environment variable INFLUX_TOKEN is not set$/);
		expect(list[1]).toMatch(/^meters\[0\]\.port@\d+: still the example's placeholder: /);
	});

	it('accepts config.yaml.example with a real port, every option documented there', async () => {
		const text = (await readFile(example, 'utf8')).replace(
			'/dev/serial/by-id/usb-…-if00-port0',
			'/dev/ttyUSB0',
		);
		const loaded = await parseConfig(text, example, {env: {INFLUX_TOKEN: 'secret'}});
		// The second meter is a commented-out example.
		expect(loaded.config.meters.map((entry) => entry.id)).toEqual(['house']);
		expect(loaded.config.influxdb?.timeout).toBe(10_000);
		expect(loaded.config.spool.max_size).toBe(100_000_000);
		expect(loaded.secrets.token).toBe('secret');
	});

	it('fills the defaults: every 60 s is left to the job, mode auto, measurement meter', async () => {
		const {config} = await parseConfig(meter, 'config.yaml');
		expect(config.meters[0]).toMatchObject({mode: 'auto', ignore_bcc: false, wake_up: false});
		expect(config.measurement).toBe('meter');
		expect(config.log).toEqual({level: 'info', format: 'auto'});
	});

	it('converts durations and sizes', async () => {
		const {config} = await parseConfig(`${meter}    every: 2m\nspool:\n  max_size: 512KiB\n`, 'config.yaml');
		expect(config.meters[0]?.every).toBe(120_000);
		expect(config.spool.max_size).toBe(524_288);
	});

	it('takes version 2 written as a YAML number like the text "2"', async () => {
		const {config} = await parseConfig(
			`${meter}influxdb:\n  url: http://db:8086\n  org: o\n  bucket: b\n  token: t\n  version: 2\n`,
			'c.yaml',
		);
		expect(config.influxdb?.version).toBe('2');
	});

	it('lists problems in the order of the file', async () => {
		const list = await problems('log:\n  level: loud\nmeters:\n  - id: 1\n    port: 2\n');
		expect(list.map((entry) => entry.split(':')[0])).toEqual([
			'log.level@2',
			'meters[0].id@4',
			'meters[0].port@5',
		]);
	});

	it('reads a secret from a file, without its trailing newline', async () => {
		const loaded = await parseConfig(
			`${meter}influxdb:\n  url: http://db:8086\n  org: o\n  bucket: b\n  token_file: token.txt\n`,
			'/etc/dlms/config.yaml',
			{readSecret: async () => 'from-file\n'},
		);
		expect(loaded.secrets.token).toBe('from-file');
	});

	it('refuses an empty secret file', async () => {
		const text = `${meter}influxdb:\n  url: http://db:8086\n  org: o\n  bucket: b\n  token_file: token.txt\n`;
		await expect(parseConfig(text, '/etc/dlms/config.yaml', {readSecret: async () => '\n'})).rejects.toThrow(
			'influxdb.token_file (line 8): /etc/dlms/token.txt is empty',
		);
	});

	it("names the variable of a token still holding an older .env.example's placeholder", async () => {
		const list = await problems(
			`${meter}influxdb:\n  url: http://db:8086\n  org: o\n  bucket: b\n  token_env: INFLUX_TOKEN\n`,
			{INFLUX_TOKEN: 'change-me-to-a-long-random-token'},
		);
		expect(list).toHaveLength(1);
		expect(list[0]).toMatch(
			/^influxdb\.token_env@8: INFLUX_TOKEN is still a change-me placeholder of an older \.env\.example: put a random token in \.env/,
		);
	});

	it('never puts a secret into an error message', async () => {
		const list = await problems(`${meter}influxdb:\n  url: nope\n  bucket: b\n  token: hunter2\n`);
		expect(list.join('\n')).not.toContain('hunter2');
	});
});

describe('invalid configurations: every problem, with its path and line, at once', () => {
	const cases: [string, string, string[]][] = [
		['an empty file', '', ['meters@undefined: required']],
		['no meters', 'meters: []\n', ['meters@1: configure at least one meter']],
		['a meter without a port', 'meters:\n  - id: a\n', ['meters[0].port@2: required']],
		['an unknown key, with its line', `${meter}    colour: blue\n`, ['meters[0]@4: unknown key "colour"']],
		[
			'the keys of a section not indented under it',
			`influxdb:\nurl: http://db:8086\norg: home\n${meter}`,
			[
				'influxdb@1: expected a mapping (key: value lines), got an empty value',
				'@2: unknown key "url": it belongs to influxdb, which is empty; indent it under "influxdb:"',
				'@3: unknown key "org": it belongs to influxdb, which is empty; indent it under "influxdb:"',
			],
		],
		[
			'misspelt keys, each at its line with the key meant',
			`influx:\n  url: http://db:8086\n${meter}    evry: 30s\n    selcet: [1.8.1]\n`,
			[
				'@1: unknown key "influx" (did you mean "influxdb"?)',
				'meters[0]@6: unknown key "evry" (did you mean "every"?)',
				'meters[0]@7: unknown key "selcet" (did you mean "select"?)',
			],
		],
		[
			'a bad cron expression',
			`${meter}    schedule: "every minute"\n`,
			[
				'meters[0].schedule@4: expected a cron expression of 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, such as "*/15 * * * *"; got 2 fields',
			],
		],
		[
			'a cron expression of 7 fields',
			`${meter}    schedule: "*/15 * * * * * *"\n`,
			[
				'meters[0].schedule@4: expected a cron expression of 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, such as "*/15 * * * *"; got 7 fields',
			],
		],
		[
			'both schedule and every',
			`${meter}    schedule: "* * * * *"\n    every: 10s\n`,
			['meters[0].every@5: give either schedule or every, not both'],
		],
		[
			'a duration that is not one',
			`${meter}    every: soon\n`,
			['meters[0].every@4: expected a duration such as 10s, 5m or 500ms, got the string "soon"'],
		],
		['an interval under a second', `${meter}    every: 200ms\n`, ['meters[0].every@4: must be at least 1s']],
		[
			'an unknown time zone',
			`timezone: Europe/Atlantis\n${meter}`,
			['timezone@1: expected an IANA time zone such as Europe/Berlin, got the string "Europe/Atlantis"'],
		],
		[
			'a bad mode',
			`${meter}    mode: E\n`,
			['meters[0].mode@4: expected one of "auto", "A", "B", "C", "D", got the string "E"'],
		],
		// A value of the wrong type is named as such, never as "required".
		[
			'a boolean written as yes',
			`${meter}    ignore_bcc: yes\n`,
			['meters[0].ignore_bcc@4: expected a boolean (true/false), got the string "yes"'],
		],
		[
			'a number in quotes',
			`${meter}    baud_max: "9600"\n`,
			['meters[0].baud_max@4: expected a number, got the string "9600" (write it without quotes)'],
		],
		[
			'a number with a unit it does not take',
			`${meter}influxdb:\n  url: http://db:8086\n  bucket: b\n  batch_lines: 5k\n`,
			['influxdb.batch_lines@7: expected a number, got the string "5k"'],
		],
		[
			'a fraction where a whole number belongs',
			`${meter}influxdb:\n  url: http://db:8086\n  bucket: b\n  batch_lines: 2.5\n`,
			['influxdb.batch_lines@7: expected a whole number, got the number 2.5'],
		],
		[
			'an id YAML reads as a number',
			'meters:\n  - id: 123\n    port: /dev/ttyUSB0\n',
			['meters[0].id@2: expected a text, got the number 123 (write it in quotes: "123")'],
		],
		[
			'a device address YAML reads as a number, quoted as written, zeros and all',
			`${meter}    address: 00012345\n`,
			['meters[0].address@4: expected a text, got the number 12345 (write it in quotes: "00012345")'],
		],
		[
			'a port YAML reads as a number',
			'meters:\n  - id: a\n    port: 5\n',
			['meters[0].port@3: expected a text, got the number 5 (write it in quotes: "5")'],
		],
		[
			'meters written as a mapping',
			'meters:\n  house:\n    port: /dev/ttyUSB0\n',
			['meters@2: expected a list (one "- " line per entry), got a mapping'],
		],
		[
			'a section written as a list',
			`${meter}log:\n  - level: debug\n`,
			['log@5: expected a mapping (key: value lines), got a list'],
		],
		[
			'a key without a value',
			`${meter}    mode:\n`,
			['meters[0].mode@4: expected one of "auto", "A", "B", "C", "D", got an empty value'],
		],
		[
			'a duration of the wrong type',
			`${meter}    every: [10]\n`,
			['meters[0].every@4: expected a duration such as 10s, 5m or 500ms, got a list'],
		],
		[
			'a spool bound written as a bare small number',
			`${meter}spool:\n  max_size: 100\n`,
			[
				'spool.max_size@5: must be at least 1KiB (1024 bytes), got the number 100; a number without a unit is bytes: write 100MB for 100 megabytes',
			],
		],
		[
			'a selection entry of the wrong type',
			`${meter}    select: [5]\n`,
			['meters[0].select[0]@4: expected an OBIS code such as 1.8.1, or code: and name:, got the number 5'],
		],
		[
			'push data bits other than 7 or 8',
			`${meter}    push:\n      data_bits: 9\n`,
			['meters[0].push.data_bits@5: expected one of 7, 8, got the number 9'],
		],
		[
			'a sign-on message that is not one character',
			`${meter}    sign_on: ["?", "##"]\n`,
			['meters[0].sign_on[1]@4: expected one character such as "?" or "#"'],
		],
		[
			'a device address the sign-on cannot carry',
			`${meter}    address: "a(b"\n`,
			[
				'meters[0].address@4: "(" cannot be sent: a device address holds only 0-9, A-Z, a-z and space (IEC 62056-21), got the string "a(b"',
			],
		],
		[
			'a baud cap that is not a rate of the standard',
			`${meter}    baud_max: 9601\n`,
			[
				'meters[0].baud_max@4: expected one of the rates of IEC 62056-21: 300, 600, 1200, 2400, 4800, 9600, 19200 (Bd), got the number 9601',
			],
		],
		[
			'a schedule with a field out of range',
			`${meter}    schedule: "61 * * * *"\n`,
			['meters[0].schedule@4: the minute field "61" is out of range 0-59'],
		],
		[
			'a malformed selection',
			`${meter}    select: [1.8.1, nonsense]\n`,
			[
				'meters[0].select[1]@4: selection "nonsense": expected an OBIS code such as 1.8.1, 1-1:1.6.2*01, 1.6.2*01~1 or 1.8.*',
			],
		],
		[
			'duplicate meter ids',
			`${meter}  - id: house\n    port: /dev/ttyUSB1\n`,
			['meters[1].id@4: duplicate id, also meters[0]'],
		],
		[
			'an InfluxDB URL that is not http',
			`${meter}influxdb:\n  url: ftp://db\n  org: o\n  bucket: b\n  token: t\n`,
			['influxdb.url@5: expected an http:// or https:// URL'],
		],
		[
			'InfluxDB 2 without org, bucket or token, at the section',
			`${meter}influxdb:\n  url: http://db:8086\n`,
			[
				'influxdb.org@4: required for version 2',
				'influxdb.bucket@4: required for version 2',
				'influxdb.token@4: required for version 2 (VictoriaMetrics ignores it: any value will do there)',
			],
		],
		[
			'an empty token',
			`${meter}influxdb:\n  url: http://db:8086\n  org: o\n  bucket: b\n  token: ""\n`,
			['influxdb.token@8: must not be empty'],
		],
		[
			'InfluxDB 1.x keys under the default version 2, each at its line',
			`${meter}influxdb:\n  url: http://db:8086\n  database: meters\n  username: logger\n`,
			[
				'influxdb.database@6: not used by version 2, which writes to org and bucket with a token; for InfluxDB 1.x set version "1" (before 1.8) or version "1.8"',
				'influxdb.username@7: not used by version 2, which writes to org and bucket with a token; for InfluxDB 1.x set version "1" (before 1.8) or version "1.8"',
			],
		],
		[
			'a token under version 1.8',
			`${meter}influxdb:\n  url: http://db:8086\n  version: "1.8"\n  database: meters\n  token_env: T\n`,
			[
				'influxdb.token_env@8: not used by version 1.8, which writes to database (and retention_policy) as username with password; for InfluxDB 2.x/3.x set version "2"',
			],
		],
		[
			'a URL holding the write path',
			`${meter}influxdb:\n  url: http://db:8086/api/v2/write\n  org: o\n  bucket: b\n  token: t\n`,
			[
				"influxdb.url@5: expected the server's address without /api/v2/write: http://db:8086 (the collector adds the write path itself)",
			],
		],
		[
			'InfluxDB 1 without a database',
			`${meter}influxdb:\n  url: http://db:8086\n  version: "1"\n`,
			['influxdb.database@4: required for version 1'],
		],
		[
			'two ways to give one secret',
			`${meter}influxdb:\n  url: http://db:8086\n  org: o\n  bucket: b\n  token: x\n  token_env: T\n`,
			['influxdb.token_env@9: give only one of token, token_env'],
		],
		[
			'a secret from an unset variable',
			`${meter}influxdb:\n  url: http://db:8086\n  org: o\n  bucket: b\n  token_env: NOT_SET\n`,
			['influxdb.token_env@8: environment variable NOT_SET is not set'],
		],
		[
			'a secret file that cannot be read',
			`${meter}influxdb:\n  url: http://db:8086\n  version: "1"\n  database: d\n  username: u\n  password_file: missing.txt\n`,
			['influxdb.password_file@9: cannot read /etc/dlms/missing.txt: no such file'],
		],
		[
			'YAML that does not parse',
			'meters: [\n  - a',
			[
				'@2: not valid YAML: Block collections are not allowed within flow collections',
				'@2: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
			],
		],
		[
			'a key written twice in one mapping, by name',
			'meters:\n  - id: m\n    port: /dev/ttyUSB0\n    every: 10s\n    every: 20s\n',
			['@5: the key "every" appears twice here: keep one'],
		],
	];

	for (const [name, text, expected] of cases) {
		it(`reports ${name}`, async () => {
			const list = await problems(text);
			expect(list).toEqual(expected);
		});
	}

	it('lists several problems of one file together', async () => {
		const list = await problems('timezone: Nowhere\nmeters:\n  - id: a\n    every: x\n');
		expect(list).toHaveLength(3);
	});

	it('names a wrong port beside the schema problems of the same meter, not after they are fixed', async () => {
		const list = await problems('meters:\n  - id: a\n    port: tcp://localhost\n    evry: 10s\n');
		expect(list).toEqual([
			'meters[0].port@3: "tcp://localhost" is not a valid tcp://host:port address (the port number is missing)',
			'meters[0]@4: unknown key "evry" (did you mean "every"?)',
		]);
	});

	it("checks every other meter's port beside the README's placeholder", async () => {
		const text = [
			'meters:',
			'  - id: a',
			'    port: /dev/serial/by-id/usb-…-if00-port0',
			'  - id: b',
			'    port: tcp://localhost',
			'  - id: c',
			'    port: simulator:foo',
			'  - id: d',
			'    port: udp://bridge:2000',
			'  - id: e',
			'    port: /dev/ttyUSB0',
			'',
		].join('\n');
		const list = await problems(text);
		expect(list.map((line) => line.slice(0, line.indexOf(':', line.indexOf('@'))))).toEqual([
			'meters[0].port@3',
			'meters[1].port@5',
			'meters[2].port@7',
			'meters[3].port@9',
		]);
		expect(list[2]).toContain('unknown simulator profile "foo"');
		expect(list[3]).toContain('only tcp://host:port bridges are supported');
	});

	it('leaves the port of a meter entry that is not a mapping, or has no text port, to the schema', async () => {
		const list = await problems('meters:\n  - tcp://localhost\n  - id: b\n    port: 7\n');
		expect(list.some((line) => line.includes('tcp://host:port address'))).toBe(false);
		expect(list).toHaveLength(2);
	});
});

describe('parseConfig, the place and the fix a newcomer needs', () => {
	it('names the meter and key of an unquoted cron expression', async () => {
		const text =
			'meters:\n  - id: a\n    port: /dev/ttyUSB0\n  - id: b\n    port: /dev/ttyUSB1\n    schedule: */15 * * * *\n';
		expect(await problems(text)).toEqual([
			'meters[1].schedule@6: a cron expression must be quoted: schedule: "*/15 * * * *"',
		]);
	});

	it('lists the rates for a baud_max that is not a number', async () => {
		expect(await problems(`${meter}    baud_max: fast\n`)).toEqual([
			'meters[0].baud_max@4: expected one of the rates of IEC 62056-21: 300, 600, 1200, 2400, 4800, 9600, 19200 (Bd), got the string "fast"',
		]);
	});

	it('writes the URL of a server address given without its scheme', async () => {
		const list = await problems(`${meter}influxdb:\n  url: localhost:8086\n  version: "1"\n  database: d\n`);
		expect(list).toEqual(['influxdb.url@5: expected an http:// or https:// URL: http://localhost:8086']);
	});

	it("reports a missing token at the influxdb section's line, not at its first key's", async () => {
		const list = await problems(`${meter}influxdb:\n  url: http://localhost:8086\n  org: o\n  bucket: b\n`);
		expect(list).toEqual([
			'influxdb.token@4: required for version 2 (VictoriaMetrics ignores it: any value will do there)',
		]);
	});

	it('shows the first problem of a mis-indented line and counts the rest', async () => {
		const list = await problems('meters:\n  - id: a\n    port: /dev/ttyUSB0\n   mode: C\n    every: 10s\n');
		expect(list).toEqual([
			'@4: not valid YAML: Sequence item without - indicator; check the indentation of line 4 (1 more YAML problem after it, most likely from the same line)',
		]);
	});

	it('says to indent a meter key written under an empty meters: as a list entry', async () => {
		expect(await problems('meters:\nport: /dev/ttyUSB0\n')).toContain(
			'@2: unknown key "port": it belongs to an entry of meters, which is empty; indent it under "meters:" as a list entry ("  - port: …")',
		);
	});
});

describe('loadConfigFile', () => {
	it('names a missing file', async () => {
		await expect(loadConfigFile('/nonexistent/config.yaml')).rejects.toThrow(
			'/nonexistent/config.yaml: 1 problem\n  (document): cannot read: no such file',
		);
	});

	it('says a directory given as the file is a directory, as parse does', async () => {
		const directory = await mkdtemp(join(tmpdir(), 'dlms-config-dir-'));
		try {
			await expect(loadConfigFile(directory)).rejects.toThrow(
				`${directory}: 1 problem\n  (document): cannot read: is a directory: give the file, e.g. ${join(directory, 'config.yaml')}`,
			);
		} finally {
			await rm(directory, {recursive: true});
		}
	});

	it('names the user who may not read the file, and the fix', () => {
		const denied = Object.assign(new Error('EACCES: permission denied'), {code: 'EACCES'});
		const {username, uid} = userInfo();
		expect(readFailure(denied, '/srv/config.yaml')).toBe(
			`permission denied for user ${username} (uid ${uid}): let it read the file, e.g. chmod 644 /srv/config.yaml (secrets belong in token_env or token_file), or chgrp its group and chmod 640; the Docker image runs as uid 10001`,
		);
	});
});

describe('formatPath', () => {
	it('writes indices in brackets and keys with dots', () => {
		expect(formatPath(['meters', 0, 'select', 2])).toBe('meters[0].select[2]');
		expect(formatPath([])).toBe('');
	});
});
