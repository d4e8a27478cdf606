import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {type BackfillFlags, runBackfill} from '../../../src/cli/backfill-command.ts';
import {CliError, EXIT_CODES} from '../../../src/cli/cli-error.ts';
import {RawArchive} from '../../../src/output/raw-archive.ts';
import {createZmd120Profile} from '../../../src/simulator/zmd120-profile.ts';
import {capturedIo} from '../../helpers/captured-io.ts';

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
			/nope\.bin: cannot read: no such file or directory/,
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
			'influxdb:\n  url: http://127.0.0.1:9\n  version: "1"\n  database: meters\nspool:\n  directory: ./spool\nmeters:\n  - id: house\n    port: /dev/ttyUSB7\n',
		);
		const result = await run([], {config: file});
		expect(result.error?.message).toMatch(
			new RegExp(
				`a collector runs with this configuration \\(pid ${process.ppid}, .*\\) and holds /dev/ttyUSB7: it writes the billing history itself`,
			),
		);
		expect(result.error?.hint).toMatch(/backfill ARCHIVE_DIRECTORY/);
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
