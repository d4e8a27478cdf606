import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {type BackfillFlags, runBackfill} from '../../../src/cli/backfill-command.ts';
import {CliError, EXIT_CODES} from '../../../src/cli/cli-error.ts';
import {RawArchive} from '../../../src/output/raw-archive.ts';
import {createZmd120Profile} from '../../../src/simulator/zmd120-profile.ts';
import {createMemoryLinkPair} from '../../../src/transport/memory-link-pair.ts';
import {capturedIo} from '../../helpers/captured-io.ts';
import {withEvenParity} from '../../helpers/even-parity.ts';
import {fieldTypeConflict, startFakeInfluxWrite} from '../../helpers/fake-influx-write.ts';
import {freePort} from '../../helpers/free-port.ts';

const profile = createZmd120Profile({timeZone: 'Europe/Berlin'});
const telegramAt = (atMs: number) =>
	Buffer.concat([Buffer.from(`${profile.identification}\r\n`), profile.dataMessage(atMs)]);

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-backfill-cli-'));
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

async function config(text: string): Promise<string> {
	const file = join(directory, 'config.yaml');
	await writeFile(file, `timezone: Europe/Berlin\n${text}`);
	return file;
}

async function run(sources: string[], flags: BackfillFlags, stdin?: Uint8Array) {
	const io = capturedIo(stdin);
	let error: unknown;
	try {
		await runBackfill(sources, flags, io, {env: {}, cwd: directory});
	} catch (caught) {
		error = caught;
	}
	return {stdout: io.out(), stderr: io.err(), error: error as CliError | undefined};
}

const twoMeters = 'meters:\n  - id: house\n    port: /dev/null\n  - id: garage\n    port: /dev/null\n';

describe('backfill', () => {
	it('prints the points as line protocol without an InfluxDB, and the summary on stderr', async () => {
		const file = join(directory, 'zmd.bin');
		const at = Date.UTC(2026, 2, 1, 10, 0, 0);
		await writeFile(file, Buffer.concat([telegramAt(at), telegramAt(at + 60_000)]));
		const result = await run([file], {config: await config(twoMeters), meter: 'garage'});
		expect(result.error).toBeUndefined();
		expect(result.stdout).toMatch(
			new RegExp(`^meter,channel=1-1,meter=garage,obis=1\\.8\\.1,unit=kWh value=\\d+ ${at / 1000}$`, 'm'),
		);
		expect(result.stderr).toMatch(/^telegrams +2 good, 0 refused$/m);
		expect(result.stderr).toMatch(/^points written +\d+ to stdout$/m);
	});

	it('prints each history point once per run, not once per telegram, and counts the repeats as skipped', async () => {
		const file = join(directory, 'log.txt');
		const readout = (hour: number) =>
			`1.8.1(${hour}.0*kWh)\n1.8.1*01(100.0*kWh)\n1.8.1*02(90.0*kWh)\n0.1.2*01(2611010000)\n0.1.2*02(2610010000)\n0.9.1(${hour}0000)\n0.9.2(261130)\n!\n`;
		await writeFile(file, [10, 11, 12].map(readout).join(''));
		const result = await run([file], {config: await config('meters:\n  - id: house\n    port: /dev/null\n')});
		expect(result.error).toBeUndefined();
		const history = result.stdout.split('\n').filter((line) => line.includes('billing=1'));
		expect(history).toHaveLength(2);
		expect(new Set(history).size).toBe(history.length);
		const repeated = /^ +history already printed in this run +(\d+)$/m.exec(result.stderr);
		expect(Number(repeated?.[1])).toBe(history.length * 2);
	});

	it('says in the summary that parity bits were stripped from 7E1 data captured as 8N1, as parse does', async () => {
		const file = join(directory, 'parity.bin');
		await writeFile(file, withEvenParity(telegramAt(Date.UTC(2026, 2, 1, 10, 0, 0))));
		const result = await run([file], {config: await config('meters:\n  - id: house\n    port: /dev/null\n')});
		expect(result.error).toBeUndefined();
		expect(result.stderr).toMatch(/^telegrams +1 good, 0 refused$/m);
		expect(result.stderr).toMatch(
			/^note: \S+\/parity\.bin: \d+ bytes had bit 7 set \(7E1 data captured as 8N1\); parity bits stripped$/m,
		);
	});

	it('reads a capture from stdin', async () => {
		const at = Date.UTC(2026, 2, 1, 10, 0, 0);
		const result = await run(
			['-'],
			{config: await config('meters:\n  - id: house\n    port: /dev/null\n')},
			telegramAt(at),
		);
		expect(result.error).toBeUndefined();
		expect(result.stdout).toMatch(/meter=house,obis=1\.8\.1/);
		expect(result.stderr).toMatch(/^sources +1 \(stdin\)$/m);
	});

	it('asks which meter captures are from when several are configured', async () => {
		const file = join(directory, 'zmd.bin');
		await writeFile(file, telegramAt(0));
		const result = await run([file], {config: await config(twoMeters)});
		expect(result.error).toBeInstanceOf(CliError);
		expect(result.error?.exitCode).toBe(EXIT_CODES.usage);
		expect(result.error?.message).toMatch(/say which one with --meter \(house, garage\)/);
	});

	it('names an unknown --meter, a bad window and a missing source', async () => {
		const file = await config(twoMeters);
		expect((await run([], {config: file, meter: 'attic'})).error?.message).toMatch(
			/--meter attic: no such meter in the configuration \(configured: house, garage\)/,
		);
		const window = await run([], {
			config: file,
			since: new Date('2026-02-01'),
			until: new Date('2026-01-01'),
		});
		expect(window.error?.exitCode).toBe(EXIT_CODES.usage);
		expect((await run([join(directory, 'nope.bin')], {config: file, meter: 'house'})).error?.message).toMatch(
			/nope\.bin: cannot read: no such file/,
		);
	});

	it('imports only the meter --meter names from an archive, and says the others were left out', async () => {
		const archive = new RawArchive({directory: join(directory, 'raw'), fsync: false});
		const at = new Date('2026-03-01T10:00:00Z');
		await archive.append('house', at, telegramAt(at.getTime()));
		await archive.append('garage', at, telegramAt(at.getTime()));
		const result = await run([join(directory, 'raw')], {config: await config(twoMeters), meter: 'garage'});
		expect(result.error).toBeUndefined();
		expect(result.stdout).not.toMatch(/meter=house/);
		expect(result.stdout).toMatch(/meter=garage/);
		expect(result.stderr).toMatch(/refused: other meter than --meter +1/);
	});

	it('exits non-zero when telegrams were refused, after importing the good ones', async () => {
		const file = join(directory, 'log.bin');
		const bad = telegramAt(Date.UTC(2026, 2, 1, 10, 1));
		bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01;
		await writeFile(file, Buffer.concat([telegramAt(Date.UTC(2026, 2, 1, 10, 0)), bad]));
		const result = await run([file], {config: await config('meters:\n  - id: house\n    port: /dev/null\n')});
		expect(result.error?.message).toBe('1 telegram refused (see the summary); the others were imported');
		expect(result.stdout).toMatch(/meter=house,obis=1\.8\.1/);
		expect(result.stderr).toMatch(/refused: BCC\/CRC wrong +1/);
		// The path as given (several sources may share a base name), and the way to take such blocks.
		expect(result.stderr).toContain(`\nrefused, e.g.: ${file} block after telegram 1: BCC mismatch`);
		expect(result.stderr).toMatch(/\nhint: .* with `ignore_bcc: true` on its meter in the configuration/);
	});

	it('refuses a source without any telegram once, as a source, and exits non-zero', async () => {
		const empty = join(directory, 'empty.bin');
		await writeFile(empty, '');
		const result = await run([empty], {
			config: await config('meters:\n  - id: house\n    port: /dev/null\n'),
		});
		expect(result.error).toBeInstanceOf(CliError);
		expect(result.error?.exitCode).toBe(EXIT_CODES.failed);
		expect(result.error?.message).toBe('1 source without a telegram refused (see the summary)');
		expect(result.stderr).toMatch(
			/^sources +1 \(\S*empty\.bin\)\n {2}refused: no telegram +1\ntelegrams +0 good, 0 refused$/m,
		);
		expect(result.stderr).not.toMatch(/refused: no telegram +0/);
	});

	it('refuses a spool directory under /proc with a configuration error, without hanging in mkdir', async () => {
		const file = join(directory, 'zmd.bin');
		await writeFile(file, telegramAt(Date.UTC(2026, 2, 1, 10, 0, 0)));
		const result = await run([file], {
			config: await config(
				'influxdb:\n  url: http://127.0.0.1:9\n  version: "1"\n  database: meters\nspool:\n  directory: /proc/nope/spool\nmeters:\n  - id: house\n    port: /dev/null\n',
			),
		});
		expect(result.error?.name).toBe('ConfigError');
		expect(result.error?.message).toMatch(
			/spool\.directory \(line \d+\): \/proc\/nope\/spool is under \/proc/,
		);
	});

	it('refuses to read a meter whose collector runs (its spool is locked by a live process)', async () => {
		const spool = join(directory, 'spool');
		await mkdir(spool, {recursive: true});
		// The test runner's parent: a process of this host that surely runs.
		await writeFile(
			join(spool, 'spool.lock'),
			`${JSON.stringify({pid: process.ppid, host: hostname(), since: '2026-01-01T00:00:00.000Z'})}\n`,
		);
		const file = await config(
			'influxdb:\n  url: http://127.0.0.1:9\n  version: "1"\n  database: meters\nspool:\n  directory: ./spool\narchive:\n  directory: ./raw\nmeters:\n  - id: house\n    port: /dev/ttyUSB7\n',
		);
		const result = await run([], {config: file, meter: 'house'});
		expect(result.error?.message).toMatch(
			new RegExp(
				`a collector runs with this configuration \\(pid ${process.ppid}, .*\\) and holds /dev/ttyUSB7: it writes the billing history itself`,
			),
		);
		// The command to run, with this configuration and the configured archive.
		expect(result.error?.hint).toBe(
			`stop it to read the meter here, or import its raw archive: dlms-logger backfill -c ${file} --meter house ${join(directory, 'raw')}`,
		);
	});
});

describe('backfill, interrupted', () => {
	it('stops after the readout in hand, keeps what it took, prints the summary and says to run again', async () => {
		const file = join(directory, 'zmd.bin');
		const at = Date.UTC(2026, 2, 1, 10, 0, 0);
		await writeFile(file, Buffer.concat([telegramAt(at), telegramAt(at + 60_000), telegramAt(at + 120_000)]));
		const controller = new AbortController();
		controller.abort(new Error('received SIGINT'));
		const io = capturedIo(undefined, controller.signal);
		let error: unknown;
		try {
			await runBackfill([file], {config: await config(twoMeters), meter: 'house'}, io, {
				env: {},
				cwd: directory,
			});
		} catch (caught) {
			error = caught;
		}
		expect((error as Error).message).toMatch(/^backfill interrupted; run it again to finish/);
		expect(io.out()).toMatch(new RegExp(`obis=1\\.8\\.1,unit=kWh value=\\d+ ${at / 1000}$`, 'm'));
		expect(io.out()).not.toMatch(new RegExp(` ${at / 1000 + 60}$`, 'm'));
		expect(io.err()).toMatch(/^telegrams +1 good, 0 refused$/m);
	});
});

describe('backfill from the meter, interrupted', () => {
	it('says it was interrupted, as a file backfill does, not that the meter gave no telegram', async () => {
		// A meter that never answers: the readout waits until Ctrl-C.
		const pair = createMemoryLinkPair();
		const controller = new AbortController();
		const io = capturedIo(undefined, controller.signal);
		let error: unknown;
		try {
			const house = await config('meters:\n  - id: house\n    port: /dev/null\n');
			const openLink = () => {
				setTimeout(() => controller.abort(new Error('received SIGINT')), 20);
				return pair.host;
			};
			await runBackfill([], {config: house}, io, {env: {}, cwd: directory}, {openLink});
		} catch (caught) {
			error = caught;
		} finally {
			await pair.host.close();
		}
		expect(error).toBeInstanceOf(CliError);
		expect((error as CliError).message).toMatch(/^backfill interrupted; run it again to finish/);
		expect((error as CliError).exitCode).toBe(1);
		expect(io.err()).toMatch(/^sources +1 \(meter house\)$/m);
		expect(io.err()).not.toMatch(/refused:|aborted/);
	});
});

describe('backfill into InfluxDB', () => {
	const verbose = join(import.meta.dirname, '../../fixtures/telegrams/landisgyr-zmd120-c-verbose/input.bin');
	const influxConfig = (url: string) =>
		config(
			`influxdb:\n  url: ${url}\n  version: "1"\n  database: nodb\nspool:\n  directory: ${join(directory, 'spool')}\nmeters:\n  - id: house\n    port: /dev/null\n`,
		);

	it('predicts in a dry run what the real run writes, history already written included, and leaves the ledger as it was', async () => {
		const server = await startFakeInfluxWrite();
		try {
			const file = await influxConfig(server.url);
			const first = await runWithDeps([verbose], {config: file}, {});
			expect(first.error).toBeUndefined();
			const ledger = join(directory, 'spool-backfill', 'history-ledger.json');
			const written = await readFile(ledger, 'utf8');
			const dry = await runWithDeps([verbose], {config: file, dryRun: true}, {});
			expect(dry.error).toBeUndefined();
			const real = await runWithDeps([verbose], {config: file}, {});
			expect(real.error).toBeUndefined();
			const count = (text: string, label: RegExp) => Number(label.exec(text)?.[1]);
			const history = count(real.stdout, /^ {2}history already written +(\d+)$/m);
			expect(history).toBeGreaterThan(0);
			expect(count(dry.stderr, /^ {2}history already written +(\d+)$/m)).toBe(history);
			expect(count(dry.stderr, /^points to write +(\d+) \(dry run/m)).toBe(
				count(real.stdout, /^points spooled +(\d+) for/m),
			);
			// The dry run printed only what the real run sent: no history line.
			expect(dry.stdout).not.toContain('billing=');
			expect(await readFile(ledger, 'utf8')).toBe(written);
		} finally {
			await server.close();
		}
	});

	it('stops at once when the database does not exist, says why, keeps the spool and how to resend', async () => {
		const server = await startFakeInfluxWrite(() => ({status: 404, error: 'database not found: "nodb"'}));
		try {
			const file = await influxConfig(server.url);
			const startedAt = Date.now();
			const result = await runWithDeps([verbose], {config: file}, {drainStallMs: 30_000});
			expect(Date.now() - startedAt).toBeLessThan(10_000);
			expect(result.error).toBeInstanceOf(CliError);
			expect(result.error?.exitCode).toBe(1);
			expect(result.error?.message).toBe(
				`${server.url} (database nodb): HTTP 404: {"error":"database not found: \\"nodb\\""} (does database "nodb" exist? CREATE DATABASE "nodb" makes it); retrying cannot fix that, so the backfill stopped: 16 points (1.2 kB) wait in ${join(directory, 'spool-backfill')}`,
			);
			expect(result.error?.hint).toBe(
				`once that is fixed, send them with: dlms-logger backfill -c ${file} --resend`,
			);
			expect(result.stdout).toMatch(/^points spooled +16 for http:\/\/127\.0\.0\.1:\d+ \(database nodb\)$/m);
			expect(result.stdout).toMatch(/^points written +0 \(stored by the server\)$/m);
			expect(result.stdout).toMatch(/^points unsent +16 \(1.2 kB wait in .*spool-backfill\)$/m);
		} finally {
			await server.close();
		}
		// Once the database is there, --resend sends what waits, reading nothing.
		const fixed = await startFakeInfluxWrite();
		try {
			const file = await influxConfig(fixed.url);
			const result = await runWithDeps([], {config: file, resend: true}, {});
			expect(result.error).toBeUndefined();
			expect(fixed.stored).toHaveLength(16);
			expect(result.stderr).toContain(
				'backfill: sending first the 16 points (1.2 kB) an earlier backfill left unsent',
			);
			expect(result.stdout).toMatch(
				/^points left earlier +16 \(unsent by an earlier backfill, sent first\)\npoints written +16 \(stored by the server\)$/m,
			);
			expect(result.stdout).toMatch(/^sources +0$/m);
		} finally {
			await fixed.close();
		}
	});

	it('gives up waiting for room in a full spool when the server refuses for good, and says the same', async () => {
		const server = await startFakeInfluxWrite(() => ({status: 401, error: 'authorization failed'}));
		try {
			const file = await influxConfig(server.url);
			const result = await runWithDeps([verbose, verbose], {config: file}, {highWaterBytes: 100});
			expect(result.error?.exitCode).toBe(1);
			expect(result.error?.message).toMatch(
				/^http:\/\/127\.0\.0\.1:\d+ \(database nodb\): HTTP 401: .*authorization failed.* \(check the token or username\/password\); retrying cannot fix that, so the backfill stopped: 19 points \(1\.4 kB\) wait in /,
			);
			expect(result.error?.hint).toBe(
				`once that is fixed, send them with: dlms-logger backfill -c ${file} --resend`,
			);
			expect(result.stdout).toMatch(/^points unsent +19 /m);
		} finally {
			await server.close();
		}
	});

	it('names the failure in every waiting line and in the error when the server is down', async () => {
		const file = await influxConfig(`http://127.0.0.1:${await freePort()}`);
		const result = await runWithDeps([verbose], {config: file}, {drainStallMs: 600, progressEveryMs: 0});
		expect(result.error?.exitCode).toBe(1);
		const waiting = result.stderr.split('\n').filter((line) => line.startsWith('backfill: waiting for'));
		expect(waiting.length).toBeGreaterThan(0);
		for (const line of waiting) {
			expect(line).toMatch(
				/^backfill: waiting for http:\/\/127\.0\.0\.1:\d+ \(database nodb\) to take the last points: connection refused \(is the server running, on this port\?\)$/,
			);
		}
		expect(result.error?.message).toMatch(
			/^http:\/\/127\.0\.0\.1:\d+ \(database nodb\) did not take every point \(connection refused \(is the server running, on this port\?\)\): 16 points \(1\.2 kB\) wait in /,
		);
		expect(result.error?.hint).toMatch(/--resend/);
		expect(result.stdout).toMatch(/^points written +0 \(stored by the server\)$/m);
	});

	it('exits non-zero when the server refused points as bad data, saying how many, why and where', async () => {
		const server = await startFakeInfluxWrite((lines) =>
			lines.some((line) => line.includes('billing=1')) ? fieldTypeConflict(1) : {status: 204},
		);
		try {
			const result = await runWithDeps([verbose], {config: await influxConfig(server.url)}, {});
			expect(server.stored).toHaveLength(3);
			expect(result.error?.exitCode).toBe(1);
			const deadLetters = join(directory, 'spool-backfill', 'dead-letter.lp');
			expect(result.error?.message).toMatch(
				new RegExp(
					`^13 points refused by the server as bad data and set aside in ${deadLetters}: .*field type conflict`,
				),
			);
			expect((await readFile(deadLetters, 'utf8')).match(/^# /gm)).toHaveLength(1);
			expect(result.stderr.split('\n').filter((line) => line.includes('field type conflict'))).toHaveLength(
				1,
			);
			expect(result.stdout).toMatch(/^points written +3 \(stored by the server\)$/m);
			expect(result.stdout).toMatch(/^points refused +13 \(bad data, set aside in .*dead-letter\.lp\)$/m);
		} finally {
			await server.close();
		}
	});

	it('--resend takes no SOURCE', async () => {
		const result = await runWithDeps(
			[verbose],
			{config: await influxConfig('http://127.0.0.1:9'), resend: true},
			{},
		);
		expect(result.error?.exitCode).toBe(EXIT_CODES.usage);
	});
});

async function runWithDeps(
	sources: string[],
	flags: BackfillFlags,
	deps: {drainStallMs?: number; progressEveryMs?: number; highWaterBytes?: number},
) {
	const io = capturedIo();
	let error: unknown;
	try {
		await runBackfill(sources, flags, io, {env: {}, cwd: directory}, deps);
	} catch (caught) {
		error = caught;
	}
	return {stdout: io.out(), stderr: io.err(), error: error as CliError | undefined};
}
