import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gunzipSync} from 'node:zlib';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type BackfillFlags, runBackfill} from '../../src/cli/backfill-command.ts';
import {loadConfigFile} from '../../src/config/config-loader.ts';
import {startCollector} from '../../src/daemon/collector.ts';
import {crc16} from '../../src/iec62056/crc16.ts';
import {meterRegisters} from '../../src/simulator/meter-registers.ts';
import {writeSyntheticArchive} from '../../src/simulator/synthetic-archive.ts';
import {createZmd120Profile, ZMD120_MODEL} from '../../src/simulator/zmd120-profile.ts';
import {capturedIo} from '../helpers/captured-io.ts';
import {type InfluxdServer, startInfluxd} from '../helpers/influxd-server.ts';

const fixtures = new URL('../fixtures/telegrams/', import.meta.url).pathname;
const ZONE = 'Europe/Berlin';
const silentLog = {info() {}, warn() {}, error() {}};

let server: InfluxdServer;
let directory: string;
let databases = 0;

beforeAll(async () => {
	server = await startInfluxd();
	directory = await mkdtemp(join(tmpdir(), 'dlms-backfill-'));
});
afterAll(async () => {
	await server?.stop();
	await rm(directory, {recursive: true, force: true});
});

/** A fresh database and a configuration file (in a folder of its own) that writes to it. */
async function setUp(meters: string, extra = ''): Promise<{db: string; config: string; folder: string}> {
	databases++;
	const db = `backfill${databases}`;
	await server.createDatabase(db);
	const folder = await mkdtemp(join(directory, `${db}-`));
	const config = join(folder, 'config.yaml');
	await writeFile(
		config,
		`timezone: ${ZONE}
influxdb:
  url: ${server.url}
  version: "1"
  database: ${db}
spool:
  directory: ./spool
${extra}
meters:
${meters}`,
	);
	return {db, config, folder};
}

async function backfill(sources: string[], flags: BackfillFlags, folder: string) {
	const io = capturedIo();
	let error: unknown;
	try {
		await runBackfill(sources, flags, io, {env: {}, cwd: folder}, {drainStallMs: 10_000});
	} catch (caught) {
		error = caught;
	}
	return {stdout: io.out(), stderr: io.err(), error};
}

/** Every point of the `meter` measurement as `tags value time`, sorted: two databases compare equal. */
async function dump(db: string): Promise<string[]> {
	const series = await server.query('SELECT "value" FROM "meter" GROUP BY *', db, 's');
	const rows: string[] = [];
	for (const one of series) {
		const tags = Object.entries(one.tags ?? {})
			.filter(([, value]) => value !== '')
			.map(([key, value]) => `${key}=${value}`)
			.join(',');
		for (const [time, value] of one.values) rows.push(`${tags} ${value} ${time}`);
	}
	return rows.sort();
}

async function times(db: string, where: string): Promise<number[]> {
	const [series] = await server.query(`SELECT "value" FROM "meter" WHERE ${where}`, db, 's');
	return (series?.values ?? []).map((row) => Number(row[0])).sort((a, b) => a - b);
}

describe('backfill into a real influxd', () => {
	it("reads the verbose ZMD120 once: every register's history at its period's end, zero periods nothing, dry run nothing, a rerun no change", async () => {
		const {db, config, folder} = await setUp('  - id: house\n    port: simulator:zmd120-verbose\n');
		const dry = await backfill([], {config, dryRun: true}, folder);
		expect(dry.error).toBeUndefined();
		expect(dry.stdout).toMatch(
			/^meter,billing=1,channel=1-1,meter=house,obis=1\.8\.1,unit=kWh value=\d+ \d+$/m,
		);
		expect(dry.stderr).toMatch(/points to write +\d+ \(dry run: nothing written\)/);
		expect(await server.query('SHOW MEASUREMENTS', db)).toEqual([]);

		const first = await backfill([], {config}, folder);
		expect(first.error).toBeUndefined();
		const registers = meterRegisters({...ZMD120_MODEL, timeZone: ZONE}, Date.now());
		const periods = registers.history.filter((period) => period !== undefined);
		// Installed in February 2026: some of the 15 periods are zeros, which must not become points.
		expect(periods.length).toBeGreaterThan(0);
		expect(periods.length).toBeLessThan(15);
		const ends = periods.map((period) => period.endedAtMs / 1000).sort((a, b) => a - b);
		for (const obis of ['1.8.0', '1.8.1', '1.8.2', '2.8.0']) {
			expect(await times(db, `"obis" = '${obis}' AND "billing" = '1'`)).toEqual(ends);
		}
		const [t1] = await server.query(
			`SELECT "value" FROM "meter" WHERE "obis" = '1.8.1' AND "billing" = '1'`,
			db,
			's',
		);
		const byTime = new Map(
			periods.map((period) => [period.endedAtMs / 1000, Math.trunc(period.importKwh.t1)]),
		);
		for (const [time, value] of t1?.values ?? []) expect(value).toBe(byTime.get(Number(time)));
		const peaks = periods
			.map((period) => period.importDemand.t1?.atMs)
			.filter((at): at is number => at !== undefined)
			.map((at) => Math.floor(at / 60_000) * 60);
		expect(await times(db, `"obis" = '1.6.1' AND "billing" = '1'`)).toEqual(
			[...new Set(peaks)].sort((a, b) => a - b),
		);
		// Nothing before the installation, no 1970 or 2000 point.
		expect(await times(db, `time < '2026-01-01T00:00:00Z'`)).toEqual([]);
		// Live values carry the readout time, not a date of their own: a meter readout writes only dated points.
		expect(await times(db, `"obis" = '1.8.1' AND "billing" = ''`)).toEqual([]);
		expect(first.stdout).toMatch(new RegExp(`billing periods found +${periods.length}\\b`));

		const before = await dump(db);
		const again = await backfill([], {config}, folder);
		expect(again.error).toBeUndefined();
		expect(again.stdout).toMatch(/history already written +\d+/);
		expect(await dump(db)).toEqual(before);
	}, 60_000);

	it('replays the raw archive of a collector run (a meter read with two sign-ons) to exactly the points that run wrote', async () => {
		const meters = '  - id: house\n    port: simulator:zmd120-verbose\n    sign_on: ["?", "?"]\n';
		const run = await setUp(meters, 'archive:\n  directory: ./raw\n');
		const loaded = await loadConfigFile(run.config, {env: {}});
		const collector = await startCollector(loaded, {
			workingDirectory: run.folder,
			stdout: process.stdout,
			log: silentLog,
			schedule: false,
		});
		await Promise.all(collector.jobs.map((job) => job.tick()));
		expect(await collector.stop({flushTimeoutMs: 10_000})).toBe(true);
		const written = await dump(run.db);
		expect(written.length).toBeGreaterThan(50);

		const replay = await setUp(meters);
		const result = await backfill([join(run.folder, 'raw')], {config: replay.config}, replay.folder);
		expect(result.error).toBeUndefined();
		expect(result.stdout).toMatch(/telegrams +2 good, 0 refused/);
		expect(result.stdout).toMatch(/readouts +1\b/);
		expect(await dump(replay.db)).toEqual(written);
	}, 60_000);

	it('lands a DSMR log and an IEC log of several telegrams telegram by telegram at their own times', async () => {
		const {db, config, folder} = await setUp('  - id: house\n    port: /dev/null\n');
		const kaifa = (await readFile(join(fixtures, 'dsmr-kaifa-p1/input.bin'), 'latin1')).replace(
			/!\w{4}\r\n$/,
			'',
		);
		const dsmr = ['161113205757W', '161113210757W', '161113211757W']
			.map((clock, index) => {
				const body = kaifa
					.replace('0-0:1.0.0(161113205757W)', `0-0:1.0.0(${clock})`)
					.replace('1-0:1.8.1(001581.123*kWh)', `1-0:1.8.1(00158${index + 1}.123*kWh)`);
				const bytes = Buffer.from(`${body}!`, 'latin1');
				return `${body}!${crc16(bytes).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
			})
			.join('');
		const dsmrFile = join(folder, 'p1.log');
		await writeFile(dsmrFile, dsmr, 'latin1');
		const profile = createZmd120Profile({timeZone: ZONE});
		const iecTimes = [
			Date.UTC(2026, 2, 1, 10, 0, 0),
			Date.UTC(2026, 2, 1, 10, 15, 0),
			Date.UTC(2026, 2, 1, 10, 30, 0),
		];
		const iecFile = join(folder, 'zmd.bin');
		await writeFile(
			iecFile,
			Buffer.concat(
				iecTimes.flatMap((at) => [Buffer.from(`${profile.identification}\r\n`), profile.dataMessage(at)]),
			),
		);
		const result = await backfill([dsmrFile, iecFile], {config}, folder);
		expect(result.error).toBeUndefined();
		expect(result.stdout).toMatch(/telegrams +6 good, 0 refused/);
		// DSMR clock 161113205757W: winter time in Berlin, UTC+1.
		const dsmrAt = [
			Date.UTC(2016, 10, 13, 19, 57, 57),
			Date.UTC(2016, 10, 13, 20, 7, 57),
			Date.UTC(2016, 10, 13, 20, 17, 57),
		];
		expect(
			await times(db, `"obis" = '1.8.1' AND "channel" = '1-0' AND time < '2020-01-01T00:00:00Z'`),
		).toEqual(dsmrAt.map((at) => at / 1000));
		const [values] = await server.query(
			`SELECT "value" FROM "meter" WHERE "obis" = '1.8.1' AND time < '2020-01-01T00:00:00Z'`,
			db,
		);
		expect(values?.values.map((row) => row[1])).toEqual([1581.123, 1582.123, 1583.123]);
		expect(await times(db, `"obis" = '1.8.1' AND "billing" = '' AND time > '2026-01-01T00:00:00Z'`)).toEqual(
			iecTimes.map((at) => at / 1000),
		);
	}, 60_000);

	it('refuses the undated telegrams of a log and says why, writing the dated ones', async () => {
		const {config, folder} = await setUp('  - id: house\n    port: /dev/null\n');
		const zmd = await readFile(join(fixtures, 'itron-em214-c/input.bin'));
		const text = zmd.toString('latin1');
		// This meter sends no clock (0.9.1/0.9.2): two of its telegrams in one log cannot be told apart in time.
		expect(text).not.toMatch(/0\.9\.[12]/);
		const file = join(folder, 'two.bin');
		await writeFile(file, Buffer.concat([zmd, zmd]));
		const result = await backfill([file], {config}, folder);
		expect(String(result.error)).toMatch(/2 telegrams refused/);
		expect(result.stdout).toMatch(/refused: no time of its own +2/);
		expect(result.stdout).toMatch(/points written +0 /);
	}, 60_000);

	it('writes billing history once across a collector restart', async () => {
		const requests: string[] = [];
		const {createServer, request} = await import('node:http');
		// A recording proxy in front of influxd: what the collector sent, request by request.
		const proxy = createServer((incoming, answer) => {
			const chunks: Buffer[] = [];
			incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
			incoming.on('end', () => {
				const body = Buffer.concat(chunks);
				if (incoming.url?.startsWith('/write')) {
					const gzipped = incoming.headers['content-encoding'] === 'gzip';
					requests.push((gzipped ? gunzipSync(body) : body).toString('utf8'));
				}
				const forward = request(
					`${server.url}${incoming.url}`,
					{method: incoming.method, headers: incoming.headers},
					(response) => {
						answer.writeHead(response.statusCode ?? 502, response.headers);
						response.pipe(answer);
					},
				);
				forward.end(body);
			});
		});
		await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		const address = proxy.address() as {port: number};
		try {
			const {db, config, folder} = await setUp('  - id: house\n    port: simulator:zmd120-verbose\n');
			await writeFile(
				config,
				(await readFile(config, 'utf8')).replace(server.url, `http://127.0.0.1:${address.port}`),
			);
			const historyLines = () =>
				requests.flatMap((body) => body.split('\n')).filter((line) => line.includes('billing=1')).length;
			for (const round of [1, 2]) {
				const loaded = await loadConfigFile(config, {env: {}});
				const collector = await startCollector(loaded, {
					workingDirectory: folder,
					stdout: process.stdout,
					log: silentLog,
					schedule: false,
				});
				await Promise.all(collector.jobs.map((job) => job.tick()));
				expect(await collector.stop({flushTimeoutMs: 10_000})).toBe(true);
				if (round === 1) {
					expect(historyLines()).toBeGreaterThan(20);
					requests.length = 0;
				}
			}
			// The second process wrote its live values, and no history line.
			expect(requests.join('\n')).toMatch(/obis=1\.8\.1,unit=kWh value=/);
			expect(historyLines()).toBe(0);
			expect((await times(db, `"obis" = '1.8.1' AND "billing" = '1'`)).length).toBeGreaterThan(0);
		} finally {
			await new Promise((resolve) => proxy.close(resolve));
		}
	}, 60_000);

	it('runs beside a running collector: neither loses a point', async () => {
		const {db, config, folder} = await setUp(
			'  - id: house\n    port: simulator:zmd120\n    every: 1s\n',
			'archive:\n  directory: ./raw\n',
		);
		const archive = join(folder, 'garage-archive');
		const readouts = 1500;
		const fromMs = Date.UTC(2026, 0, 1);
		// Installed three months before the archive starts (the model's default, February 2026, is after
		// it): its counters have counted, and three billing resets have happened.
		const installedAt = new Date('2025-10-01T00:00:00Z');
		await writeSyntheticArchive({
			directory: archive,
			meterId: 'garage',
			profile: createZmd120Profile({timeZone: ZONE, installedAt}),
			fromMs,
			everyMs: 60_000,
			readouts,
		});
		const withGarage = join(folder, 'backfill.yaml');
		await writeFile(
			withGarage,
			`${await readFile(config, 'utf8')}  - id: garage\n    port: simulator:zmd120\n`,
		);
		// What the backfill will write, asked before it runs: a dry run afterwards would leave out the
		// history it wrote (the ledger says the server holds it).
		const expected = await backfill([archive], {config: withGarage, meter: 'garage', dryRun: true}, folder);
		const loaded = await loadConfigFile(config, {env: {}});
		let reads = 0;
		const readMore = (count: number) =>
			new Promise<void>((resolve) => {
				const target = reads + count;
				const check = setInterval(() => {
					if (reads < target) return;
					clearInterval(check);
					resolve();
				}, 50);
			});
		const collector = await startCollector(loaded, {
			workingDirectory: folder,
			stdout: process.stdout,
			log: silentLog,
			onJobEvent: (event) => {
				if (event.kind === 'read') reads++;
			},
		});
		let result: Awaited<ReturnType<typeof backfill>>;
		try {
			// The collector is reading before the backfill starts, and goes on reading after it ended.
			await readMore(1);
			result = await backfill([archive], {config: withGarage, meter: 'garage'}, folder);
			await readMore(1);
		} finally {
			expect(await collector.stop({flushTimeoutMs: 10_000})).toBe(true);
		}
		expect(result.error).toBeUndefined();
		expect(result.stdout).toMatch(new RegExp(`telegrams +${readouts} good, 0 refused`));
		// Every point the backfill meant to write is there…
		// Distinct lines: a maximum demand at its own date repeats in every readout and is one point.
		const garageLines = new Set(expected.stdout.split('\n').filter(Boolean));
		const [garage] = await server.query(`SELECT count("value") FROM "meter" WHERE "meter" = 'garage'`, db);
		expect(Number(garage?.values[0]?.[1])).toBe(garageLines.size);
		// …each with its value at its time (`tags value time`, as dump() gives them)…
		const asRows = [...garageLines].map((line) => {
			const [series = '', field = '', time = ''] = line.split(' ');
			return `${series.slice(series.indexOf(',') + 1)} ${field.replace(/^value=/, '')} ${time}`;
		});
		expect((await dump(db)).filter((row) => row.includes('meter=garage'))).toEqual(asRows.sort());
		// …and those values are the meter's counters at the last readout, not the zeros of a meter not yet
		// installed: whole kWh, and the billing resets since the installation.
		const lastMs = fromMs + (readouts - 1) * 60_000;
		const registers = meterRegisters({...ZMD120_MODEL, timeZone: ZONE, installedAt}, lastMs);
		const valueAt = async (obis: string) => {
			const [series] = await server.query(
				`SELECT "value" FROM "meter" WHERE "meter" = 'garage' AND "obis" = '${obis}' AND time = ${lastMs}ms`,
				db,
			);
			return series?.values[0]?.[1];
		};
		expect(registers.current.importKwh.t1).toBeGreaterThan(1000);
		expect(await valueAt('1.8.1')).toBe(Math.trunc(registers.current.importKwh.t1));
		expect(await valueAt('1.8.2')).toBe(Math.trunc(registers.current.importKwh.t2));
		expect(registers.resetCount).toBe(3);
		expect(await valueAt('0.1.0')).toBe(registers.resetCount);
		// …and every point the collector read (its own raw archive says which) is there too.
		const house = await backfill([join(folder, 'raw')], {config, dryRun: true}, folder);
		expect(house.error).toBeUndefined();
		const houseLines = new Set(house.stdout.split('\n').filter(Boolean));
		expect(houseLines.size).toBeGreaterThan(0);
		const [stored] = await server.query(`SELECT count("value") FROM "meter" WHERE "meter" = 'house'`, db);
		expect(Number(stored?.values[0]?.[1])).toBe(houseLines.size);
	}, 120_000);
});
