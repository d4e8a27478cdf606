import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {checkConfigCommand} from '../../../src/cli/check-config-command.ts';
import {CliError, EXIT_CODES} from '../../../src/cli/cli-error.ts';
import {runCollector} from '../../../src/cli/run-command.ts';
import {capturedIo} from '../../helpers/captured-io.ts';
import {freePort} from '../../helpers/free-port.ts';

let cwd: string;
beforeEach(async () => {
	cwd = await mkdtemp(join(tmpdir(), 'dlms-check-config-'));
});
afterEach(async () => {
	await rm(cwd, {recursive: true, force: true});
});

async function check(args: string[], env: NodeJS.ProcessEnv = {}) {
	const io = capturedIo();
	const command = checkConfigCommand(io, {env, cwd}).exitOverride();
	let error: unknown;
	await command.parseAsync(args, {from: 'user'}).catch((caught: unknown) => {
		error = caught;
	});
	return {out: io.out(), err: io.err(), error};
}

describe('check-config', () => {
	it('says in its help that it validates the environment variables too, not only a file', () => {
		const help = checkConfigCommand(capturedIo(), {env: {}, cwd}).helpInformation();
		expect(help).toMatch(
			/validate the configuration, a file or the METER_\* and INFLUX_\* environment\s+variables/,
		);
	});

	it('takes the file as -c FILE, --config FILE or FILE, and refuses two different ones', async () => {
		const file = join(cwd, 'sim.yaml');
		await writeFile(file, 'meters:\n  - id: house\n    port: simulator:zmd120\n');
		for (const args of [['-c', file], ['--config', file], [file], ['-c', file, file]]) {
			const {out, error} = await check(args);
			expect(error, args.join(' ')).toBeUndefined();
			expect(out).toContain(`${file}: ok, 1 meter`);
		}
		const {error} = await check(['-c', file, join(cwd, 'other.yaml')]);
		expect(error).toMatchObject({
			exitCode: EXIT_CODES.usage,
			message: expect.stringMatching(/two configuration files/),
		});
	});

	it('checks the one-meter configuration from environment variables when there is no file', async () => {
		const {out, error} = await check([], {
			METER_PORT: 'tcp://192.0.2.7:8888',
			METER_ID: 'house',
			METER_SCHEDULE: '15m',
		});
		expect(error).toBeUndefined();
		expect(out).toBe(
			'environment variables: ok, 1 meter, points to stdout\n  house: tcp://192.0.2.7:8888, mode auto, every 900 s\n',
		);
	});

	it('names the variable in start-up problems of the environment configuration', async () => {
		await writeFile(join(cwd, 'not-a-directory'), '');
		const {error} = await check([], {
			METER_PORT: 'tcp://192.0.2.7',
			METER_ID: 'house',
			INFLUX_URL: 'http://127.0.0.1:8086',
			INFLUX_ORG: 'home',
			INFLUX_TOKEN: 'secret',
			SPOOL_DIRECTORY: join(cwd, 'not-a-directory'),
		});
		expect(error).toBeInstanceOf(CliError);
		const lines = (error as CliError).message.split('\n');
		expect(lines[0]).toBe('environment variables: 2 problems');
		expect(lines[1]).toMatch(/^ {2}METER_PORT: /);
		expect(lines[2]).toBe(`  SPOOL_DIRECTORY: ${join(cwd, 'not-a-directory')} is a file, not a directory`);
	});

	it('summarises a valid file: meters, ports, schedules and where points go', async () => {
		await writeFile(
			join(cwd, 'config.yaml'),
			'meters:\n  - id: house\n    port: /dev/ttyUSB0\n    every: 30s\n  - id: heat\n    port: tcp://h:1\n    schedule: "*/5 * * * *"\n',
		);
		const {out, error} = await check([]);
		expect(error).toBeUndefined();
		expect(out).toBe(
			`${join(cwd, 'config.yaml')}: ok, 2 meters, points to stdout\n  house: /dev/ttyUSB0, mode auto, every 30 s\n  heat: tcp://h:1, mode auto, */5 * * * *\n`,
		);
	});

	it('warns about ports that cannot be opened as given now, and still says ok', async () => {
		await writeFile(join(cwd, 'capture.bin'), '');
		await writeFile(
			join(cwd, 'config.yaml'),
			'meters:\n  - id: a\n    port: /dev/ttyUSB97\n  - id: b\n    port: ttyUSB0\n  - id: c\n    port: COM3\n  - id: d\n    port: 127.0.0.1:8888\n  - id: e\n    port: capture.bin\n  - id: f\n    port: /dev/null\n  - id: g\n    port: tcp://192.0.2.7:8888\n  - id: h\n    port: simulator:zmd120\n',
		);
		const {out, err, error} = await check([]);
		expect(error).toBeUndefined();
		expect(out).toMatch(/: ok, 8 meters, points to stdout\n/);
		const file = join(cwd, 'config.yaml');
		expect(err.split('\n').filter(Boolean)).toEqual([
			`${file}: warning: meters[0].port (line 3): /dev/ttyUSB97 does not exist now: is the reader plugged in? (\`dlms-logger ports\` lists the ports; run starts anyway and tries it again at the first readout time after a pause of one cycle, doubled after each failure up to 5 min, until it is there)`,
			`${file}: warning: meters[1].port (line 5): a device is given by its path: /dev/ttyUSB0`,
			expect.stringMatching(/^.*: warning: meters\[2\]\.port \(line 7\): COM3 is a Windows name: on Linux/),
			`${file}: warning: meters[3].port (line 9): a TCP bridge is written with its scheme: tcp://127.0.0.1:8888`,
			`${file}: warning: meters[4].port (line 11): capture.bin is a file, not a serial device`,
		]);
	});

	it("refuses the examples' placeholder as port", async () => {
		await writeFile(
			join(cwd, 'config.yaml'),
			'meters:\n  - id: a\n    port: /dev/serial/by-id/usb-…-if00-port0\n',
		);
		const {error} = await check([]);
		expect((error as CliError).exitCode).toBe(78);
		expect((error as Error).message).toContain("meters[0].port (line 3): still the example's placeholder");
	});

	it('warns about an OBIS code selected twice, naming the variable of an environment configuration', async () => {
		const {err, error} = await check([], {
			METER_PORT: 'simulator:zmd120',
			METER_ID: 'house',
			METER_SELECT: '1.8.1,2.8.1,1.8.1',
		});
		expect(error).toBeUndefined();
		expect(err).toBe(
			'environment variables: warning: METER_SELECT entry 3: 1.8.1 is selected twice (also select[0]): keep one\n',
		);
	});

	it.each([
		[
			'influxdb:\n  url: http://user:pw@db:8086\n  version: "1"\n  database: energy\n',
			'points to http://db:8086 (InfluxDB 1, database energy)',
		],
		[
			'influxdb:\n  url: http://db:8086/influx\n  org: home\n  bucket: meters\n  token: t\n',
			'points to http://db:8086/influx (InfluxDB 2, bucket meters of org home)',
		],
	])('names the database or bucket points go to, without credentials', async (influx, expected) => {
		await writeFile(join(cwd, 'config.yaml'), `${influx}meters:\n  - id: a\n    port: simulator:zmd120\n`);
		const {out, error} = await check([]);
		expect(error).toBeUndefined();
		expect(out).toContain(expected);
	});

	it('lists every problem of an invalid file', async () => {
		await writeFile(join(cwd, 'bad.yaml'), 'meters:\n  - id: a\n    every: x\n');
		const {error} = await check(['bad.yaml']);
		expect(error).toBeInstanceOf(CliError);
		expect((error as CliError).message).toContain('2 problems');
	});

	// What start-up refuses, check-config refuses too, with the same words, path and line (exit 78 both).
	const startupCases: [string, string, string][] = [
		[
			'an unknown simulator profile',
			'meters:\n  - id: a\n    port: simulator:zmd999\n',
			'meters[0].port (line 3): unknown simulator profile "zmd999"',
		],
		[
			'a tcp address without a port',
			'meters:\n  - id: a\n    port: tcp://host\n',
			'meters[0].port (line 3): "tcp://host" is not a valid tcp://host:port address (the port number is missing)',
		],
		[
			'another scheme',
			'meters:\n  - id: a\n    port: rfc2217://host:2000\n',
			'meters[0].port (line 3): "rfc2217://host:2000" uses "rfc2217://"',
		],
		[
			'a device address the sign-on /?address! cannot carry',
			'meters:\n  - id: a\n    port: simulator:zmd120\n    address: "a(b"\n',
			'meters[0].address (line 4): "(" cannot be sent: a device address holds only 0-9, A-Z, a-z and space (IEC 62056-21), got the string "a(b"',
		],
		[
			'InfluxDB 2 without org and token',
			'influxdb:\n  url: http://127.0.0.1:9\n  version: "2"\n  bucket: b\nmeters:\n  - id: a\n    port: simulator:zmd120\n',
			'2 problems\n  influxdb.org (line 1): required for version 2\n  influxdb.token (line 1): required for version 2 (VictoriaMetrics ignores it: any value will do there)',
		],
		[
			'a spool directory under a file',
			'influxdb:\n  url: http://127.0.0.1:9\n  org: o\n  bucket: b\n  token: t\nspool:\n  directory: ./config.yaml/spool\nmeters:\n  - id: a\n    port: simulator:zmd120\n',
			'spool.directory (line 7): cannot create',
		],
		[
			'an archive directory under /proc (where a recursive mkdir never returns)',
			'archive:\n  directory: /proc/nope/raw\nmeters:\n  - id: a\n    port: simulator:zmd120\n',
			'archive.directory (line 2): /proc/nope/raw is under /proc, a kernel file system that stores nothing',
		],
	];
	for (const [what, text, expected] of startupCases) {
		it(`refuses ${what}, exactly as run does`, async () => {
			await writeFile(join(cwd, 'config.yaml'), text);
			const {error} = await check([]);
			expect(error).toBeInstanceOf(CliError);
			expect((error as CliError).exitCode).toBe(78);
			expect((error as Error).message).toContain(expected);
			const io = capturedIo();
			const running = await runCollector({once: true}, io, {env: {}, cwd}).catch((caught: unknown) => caught);
			expect(running).toBeInstanceOf(CliError);
			expect((running as CliError).exitCode).toBe(78);
			expect((running as Error).message).toBe((error as Error).message);
		});
	}

	it('run logs the same warnings at start, one line each on stderr, and runs anyway', async () => {
		await writeFile(
			join(cwd, 'config.yaml'),
			`log:\n  format: json\nmeters:\n  - id: a\n    port: tcp://127.0.0.1:${await freePort()}\n    select: [1.8.1, 1.8.1]\n  - id: b\n    port: ttyUSB97\n`,
		);
		const {err, error} = await check([]);
		expect(error).toBeUndefined();
		const warnings = err.split('\n').filter(Boolean);
		expect(warnings).toHaveLength(2);
		const io = capturedIo();
		const running = await runCollector({once: true}, io, {env: {}, cwd}).catch((caught: unknown) => caught);
		// Neither meter answers: --once fails on their readouts, not on the warnings.
		expect((running as Error).message).toMatch(
			/^2 of 2 meters not read or not stored: a \(tcp:\/\/127\.0\.0\.1:\d+: open: connection refused.*\); b \(ttyUSB97: open: no such port.*\)$/,
		);
		const lines = io
			.err()
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as {level: string; msg: string});
		expect(lines.filter((line) => line.msg.includes(': warning: '))).toEqual(
			warnings.map((msg) => ({level: 'warn', time: expect.any(String), msg})),
		);
	});
});
