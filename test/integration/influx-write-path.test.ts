import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {decodeCapture} from '../../src/iec62056/capture-decoder.ts';
import {HistoryLedger} from '../../src/output/history-ledger.ts';
import {acknowledgingSender, HistoryOnceSink} from '../../src/output/history-once-sink.ts';
import {InfluxLineWriter} from '../../src/output/influx-line-writer.ts';
import {InfluxWriteError} from '../../src/output/influx-write-error.ts';
import {formatLineProtocol} from '../../src/output/line-protocol.ts';
import {LineSpool} from '../../src/output/line-spool.ts';
import {type SpoolEvent, SpooledSink} from '../../src/output/spooled-sink.ts';
import type {Point} from '../../src/readings/point.ts';
import {mapReading} from '../../src/readings/point-mapper.ts';
import {freePort} from '../helpers/free-port.ts';
import {type InfluxdServer, startInfluxd} from '../helpers/influxd-server.ts';
import {hasDockerEngine, type InfluxDb2Container, startInfluxDb2} from '../helpers/influxdb2-container.ts';
import {startVictoriaMetrics, type VictoriaMetricsServer} from '../helpers/victoria-metrics-server.ts';

const fixtures = new URL('../fixtures/telegrams/', import.meta.url).pathname;
const repoRoot = new URL('../..', import.meta.url).pathname;

async function fixturePoints(name: string, readAt = new Date('2016-05-11T14:03:53Z')): Promise<Point[]> {
	const [telegram] = decodeCapture(await readFile(join(fixtures, name, 'input.bin'))).telegrams;
	if (!telegram) throw new Error(`${name}: no telegram`);
	return mapReading({readAt, dataSets: telegram.dataSets}, {timeZone: 'Europe/Berlin'}).points;
}

const counterPoint = (index: number): Point => ({
	measurement: 'meter',
	tags: {meter: 'outage', obis: '1.8.1', unit: 'kWh'},
	fields: {value: index},
	time: new Date(Date.UTC(2026, 0, 1) + index * 1000),
});

async function countPoints(
	server: InfluxdServer,
	db: string,
	meter: string,
): Promise<{count: number; distinct: number}> {
	const [series] = await server.query(`SELECT count("value") FROM "meter" WHERE "meter" = '${meter}'`, db);
	const count = Number(series?.values[0]?.[1] ?? 0);
	const [values] = await server.query(`SELECT "value" FROM "meter" WHERE "meter" = '${meter}'`, db, 's');
	const distinct = new Set((values?.values ?? []).map((row) => row[0])).size;
	return {count, distinct};
}

// Docker is optional everywhere, CI included (it has no engine). The default reporter lists no skipped
// suite by name, so the reason is also printed, to say why the influxdb:2 tests did not run.
const dockerSkipReason = (await hasDockerEngine())
	? undefined
	: 'no Docker engine answers on DOCKER_HOST or /var/run/docker.sock';
if (dockerSkipReason !== undefined) {
	console.warn(`skipped "writing to InfluxDB 2 through /api/v2/write": ${dockerSkipReason}`);
}

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-write-'));
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

describe('writing to InfluxDB 1.6.7 through the legacy /write path', () => {
	let server: InfluxdServer;
	beforeAll(async () => {
		server = await startInfluxd();
		await server.createDatabase('meters');
	});
	afterAll(async () => {
		await server?.stop();
	});

	it('stores the smarthomeNG dlms plugin example meter readout with its values, tags and meter times', async () => {
		const points = await fixturePoints('landisgyr-zmd120-c');
		const writer = new InfluxLineWriter({kind: 'v1', url: server.url, database: 'meters'});
		await writer.send(points.map(formatLineProtocol));
		const [peak] = await server.query(
			`SELECT "value" FROM "meter" WHERE "obis" = '1.6.1' AND "meter" = '50871031'`,
			'meters',
			's',
		);
		// 2016-05-04 13:45 CEST.
		expect(peak?.values).toEqual([[Date.UTC(2016, 4, 4, 11, 45) / 1000, 24.31]]);
		const [energy] = await server.query(
			`SELECT "value" FROM "meter" WHERE "obis" = '1.8.1' AND "unit" = 'kWh'`,
			'meters',
		);
		expect(energy?.values[0]?.[1]).toBe(21271);
	});

	it('keeps series and point counts when the same telegram is written twice', async () => {
		await server.createDatabase('twice');
		const points = await fixturePoints('landisgyr-zmd120-c-verbose');
		const writer = new InfluxLineWriter({kind: 'v1', url: server.url, database: 'twice'});
		await writer.send(points.map(formatLineProtocol));
		const count = async () => {
			const series = await server.query(`SHOW SERIES FROM "meter" WHERE "meter" = '50871031'`, 'twice');
			const [points] = await server.query(
				`SELECT count("value") FROM "meter" WHERE "meter" = '50871031'`,
				'twice',
			);
			return [series[0]?.values.length, points?.values[0]?.[1]];
		};
		const before = await count();
		await writer.send((await fixturePoints('landisgyr-zmd120-c-verbose')).map(formatLineProtocol));
		expect(await count()).toEqual(before);
		// The 14 dated history values of 1.6.2 plus the current peak, each at its own time.
		const [history] = await server.query(
			`SELECT count("value") FROM "meter" WHERE "obis" = '1.6.2'`,
			'twice',
		);
		expect(history?.values[0]?.[1]).toBe(13);
	});

	it('reports a missing database as a configuration problem to hold, not bad data', async () => {
		const writer = new InfluxLineWriter({kind: 'v1', url: server.url, database: 'absent'});
		const error = await writer.send([formatLineProtocol(counterPoint(1))]).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(InfluxWriteError);
		expect((error as InfluxWriteError).disposition).toBe('hold');
		expect((error as InfluxWriteError).status).toBe(404);
		expect((error as InfluxWriteError).message).toContain('database not found');
	});

	it('sets a field type conflict aside in the dead-letter file and stores the rest', async () => {
		await server.createDatabase('conflict');
		const spool = await LineSpool.open({directory});
		const writer = new InfluxLineWriter({kind: 'v1', url: server.url, database: 'conflict'});
		const sink = new SpooledSink({spool, sender: writer});
		await writer.send(['meter,meter=c,obis=1.8.1 value=1 1700000000']);
		await spool.append([
			'meter,meter=c,obis=1.8.1 value=2 1700000001',
			'meter,meter=c,obis=1.8.1 value="two" 1700000002',
			'meter,meter=c,obis=1.8.1 value=3 1700000003',
		]);
		expect(await sink.flush()).toBe(true);
		await sink.close();
		const [rows] = await server.query(`SELECT "value" FROM "meter" WHERE "meter" = 'c'`, 'conflict', 's');
		expect(rows?.values).toEqual([
			[1700000000, 1],
			[1700000001, 2],
			[1700000003, 3],
		]);
		const deadLetter = await readFile(join(directory, 'dead-letter.lp'), 'utf8');
		expect(deadLetter).toMatch(/HTTP 400: .*field type conflict/);
		expect(deadLetter).toContain('value="two" 1700000002');
	});

	it('records history refused or stored on a replay at start in the ledger: the next readout does not send it again', async () => {
		await server.createDatabase('replay');
		// A string `value` in the week of 2023-11-14: a float there is a field type conflict (per shard).
		const seed = new InfluxLineWriter({kind: 'v1', url: server.url, database: 'replay'});
		await seed.send(['meter,meter=seed,obis=0.0.0 value="text" 1700000000']);
		const history = (period: number, time: number): Point => ({
			measurement: 'meter',
			tags: {billing: '1', meter: 'r', obis: '1.8.0', unit: 'kWh'},
			fields: {value: period},
			time: new Date(time * 1000),
		});
		const readout = [history(1, 1700000100), history(2, 1600000000)];
		const collector = async (url: string) => {
			const ledger = await HistoryLedger.open({directory});
			const writer = new InfluxLineWriter({kind: 'v1', url, database: 'replay'});
			const spooled = new SpooledSink({
				spool: await LineSpool.open({directory}),
				sender: acknowledgingSender(writer, ledger),
				backoff: {minDelayMs: 60_000},
			});
			return {spooled, sink: new HistoryOnceSink({sink: spooled, ledger})};
		};
		// The previous run: the server away, the readout left in the spool.
		const first = await collector(`http://127.0.0.1:${await freePort()}`);
		await first.sink.write(readout);
		expect(await first.sink.flush()).toBe(false);
		await first.sink.close();

		const restarted = await collector(server.url);
		restarted.spooled.start();
		expect(await restarted.sink.flush()).toBe(true);
		await restarted.sink.write(readout);
		expect(await restarted.sink.flush()).toBe(true);
		await restarted.sink.close();

		const deadLetter = await readFile(join(directory, 'dead-letter.lp'), 'utf8');
		expect(
			deadLetter.split('\n').filter((line) => line === formatLineProtocol(readout[0] as Point)),
		).toHaveLength(1);
		const [rows] = await server.query(`SELECT "value" FROM "meter" WHERE "meter" = 'r'`, 'replay', 's');
		expect(rows?.values).toEqual([[1600000000, 2]]);
		const ledger = await HistoryLedger.open({directory});
		expect(ledger.select('r', readout.map(formatLineProtocol))).toEqual([]);
	});

	it("sets many conflicting lines aside under one reason: influxd's messages differ only in dropped=N", async () => {
		await server.createDatabase('conflicts');
		const spool = await LineSpool.open({directory});
		const writer = new InfluxLineWriter({kind: 'v1', url: server.url, database: 'conflicts'});
		const events: SpoolEvent[] = [];
		const sink = new SpooledSink({spool, sender: writer, onEvent: (event) => events.push(event)});
		await writer.send(['meter,meter=c,obis=0.0.0 value="text" 1700000000']);
		await spool.append(
			Array.from({length: 20}, (_, index) =>
				index < 2
					? `meter,meter=c,obis=0.0.0 value="t${index}" 170000001${index}`
					: `meter,meter=c,obis=1.8.${index} value=${index} 17000000${10 + index}`,
			),
		);
		expect(await sink.flush()).toBe(true);
		await sink.close();
		const deadLetters = events.filter((event) => event.kind === 'dead-letter');
		expect(deadLetters).toEqual([
			expect.objectContaining({lines: 18, file: join(directory, 'dead-letter.lp')}),
		]);
		const file = await readFile(join(directory, 'dead-letter.lp'), 'utf8');
		expect(file.match(/^# .*field type conflict/gm)).toHaveLength(1);
	});

	it('loses nothing and duplicates nothing while the server is down and comes back', async () => {
		await server.createDatabase('outage');
		const spool = await LineSpool.open({directory});
		const writer = new InfluxLineWriter({kind: 'v1', url: server.url, database: 'outage'}, {timeoutMs: 2000});
		const sink = new SpooledSink({spool, sender: writer, backoff: {minDelayMs: 50, maxDelayMs: 200}});
		for (let index = 0; index < 50; index++) await sink.write([counterPoint(index)]);
		await server.pause();
		for (let index = 50; index < 120; index++) await sink.write([counterPoint(index)]);
		expect(await sink.flush()).toBe(false);
		await server.resume();
		for (let index = 120; index < 150; index++) await sink.write([counterPoint(index)]);
		for (let attempt = 0; attempt < 50 && !(await sink.flush()); attempt++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		await sink.close();
		expect(await countPoints(server, 'outage', 'outage')).toEqual({count: 150, distinct: 150});
	});

	it('loses nothing when the writing process is killed with SIGKILL and started again', async () => {
		await server.createDatabase('crash');
		const script = join(directory, 'writer.mjs');
		const dist = (path: string) => JSON.stringify(join(repoRoot, 'dist/src', path));
		if (!existsSync(join(repoRoot, 'dist/src/output/spooled-sink.js'))) {
			throw new Error('dist is missing: run "npm run build" (npm test does it first)');
		}
		await writeFile(
			script,
			`import {LineSpool} from ${dist('output/line-spool.js')};
import {SpooledSink} from ${dist('output/spooled-sink.js')};
import {InfluxLineWriter} from ${dist('output/influx-line-writer.js')};
const [mode, spoolDirectory, url] = process.argv.slice(2);
const spool = await LineSpool.open({directory: spoolDirectory, onWarning: (message) => process.stderr.write(message + '\\n')});
const sink = new SpooledSink({spool, sender: new InfluxLineWriter({kind: 'v1', url, database: 'crash'}), backoff: {minDelayMs: 20, maxDelayMs: 100}});
sink.start();
if (mode === 'replay') {
	while (!(await sink.flush())) await new Promise((resolve) => setTimeout(resolve, 50));
	await sink.close();
	process.stdout.write('drained\\n');
} else {
	for (let index = 0; ; index++) {
		await sink.write([{measurement: 'meter', tags: {meter: 'crash', obis: '1.8.1'}, fields: {value: index}, time: new Date(Date.UTC(2026, 0, 1) + index * 1000)}]);
		process.stdout.write('appended ' + index + '\\n');
	}
}
`,
		);
		const spoolDirectory = join(directory, 'spool');
		const writerProcess = spawn(process.execPath, [script, 'write', spoolDirectory, server.url], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let lastAppended = -1;
		await new Promise<void>((resolve, reject) => {
			writerProcess.stdout.on('data', (chunk: Buffer) => {
				for (const match of chunk.toString().matchAll(/appended (\d+)/g)) lastAppended = Number(match[1]);
				if (lastAppended >= 300) resolve();
			});
			writerProcess.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
		});
		writerProcess.kill('SIGKILL');
		await new Promise((resolve) => writerProcess.once('close', resolve));

		const replay = spawn(process.execPath, [script, 'replay', spoolDirectory, server.url], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		replay.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString();
		});
		replay.stderr.on('data', (chunk: Buffer) => {
			output += chunk.toString();
		});
		const code = await new Promise<number | null>((resolve) => replay.once('close', resolve));
		expect(code).toBe(0);
		expect(output).toContain('drained');
		const [rows] = await server.query(`SELECT "value" FROM "meter" WHERE "meter" = 'crash'`, 'crash');
		const stored = new Set((rows?.values ?? []).map((row) => row[1]));
		const missing = Array.from({length: lastAppended + 1}, (_, index) => index).filter(
			(index) => !stored.has(index),
		);
		expect(missing).toEqual([]);
	});
});

describe('writing to VictoriaMetrics through /api/v2/write', () => {
	let server: VictoriaMetricsServer;
	beforeAll(async () => {
		server = await startVictoriaMetrics();
	});
	afterAll(async () => {
		await server?.stop();
	});

	it('stores billing history dated years ago at its own times', async () => {
		const points = await fixturePoints('landisgyr-zmd120-c-verbose');
		const writer = new InfluxLineWriter({
			kind: 'v2',
			url: server.url,
			org: 'home',
			bucket: 'meters',
			token: 'unused',
		});
		await writer.send(points.map(formatLineProtocol));
		const series = await server.export('{__name__="meter_value",obis="1.6.2"}');
		const timestamps = series.flatMap((entry) => entry.timestamps).sort((a, b) => a - b);
		// *03: 2015-10-22 10:00 CEST.
		expect(timestamps[0]).toBe(Date.UTC(2015, 9, 22, 8, 0));
		expect(timestamps).toHaveLength(13);
	});

	it('accepts the 1.8 compatibility form (bucket database/rp, token user:password)', async () => {
		const writer = new InfluxLineWriter({
			kind: 'v1-compat',
			url: server.url,
			database: 'meters',
			retentionPolicy: 'autogen',
			username: 'reader',
			password: 'secret',
		});
		await writer.send([formatLineProtocol(counterPoint(7))]);
		const series = await server.export('{__name__="meter_value",meter="outage"}');
		expect(series.flatMap((entry) => entry.values)).toContain(7);
	});
});

describe.skipIf(dockerSkipReason !== undefined)(
	`writing to InfluxDB 2 through /api/v2/write${dockerSkipReason === undefined ? '' : ` (skipped: ${dockerSkipReason})`}`,
	() => {
		let container: InfluxDb2Container;
		const writerFor = (overrides: {bucket?: string; token?: string} = {}) =>
			new InfluxLineWriter({
				kind: 'v2',
				url: container.url,
				org: container.org,
				bucket: overrides.bucket ?? container.bucket,
				token: overrides.token ?? container.token,
			});

		beforeAll(async () => {
			container = await startInfluxDb2();
		}, 180_000);
		afterAll(async () => {
			await container?.stop();
		});

		it('stores the smarthomeNG dlms plugin example meter readout with its values and meter times, read back with InfluxQL', async () => {
			await writerFor().send((await fixturePoints('landisgyr-zmd120-c')).map(formatLineProtocol));
			const [peak] = await container.query(
				`SELECT "value" FROM "meter" WHERE "obis" = '1.6.1' AND "meter" = '50871031'`,
				's',
			);
			// 2016-05-04 13:45 CEST.
			expect(peak?.values).toEqual([[Date.UTC(2016, 4, 4, 11, 45) / 1000, 24.31]]);
			const [energy] = await container.query(
				`SELECT "value" FROM "meter" WHERE "obis" = '1.8.1' AND "unit" = 'kWh'`,
			);
			expect(energy?.values[0]?.[1]).toBe(21271);
		});

		it('stores billing history dated years ago once, however often it is written', async () => {
			const lines = (await fixturePoints('landisgyr-zmd120-c-verbose')).map(formatLineProtocol);
			await writerFor().send(lines);
			await writerFor().send(lines);
			const [history] = await container.query(`SELECT count("value") FROM "meter" WHERE "obis" = '1.6.2'`);
			expect(history?.values[0]?.[1]).toBe(13);
		});

		it('delivers what the spool holds and leaves it empty', async () => {
			const spool = await LineSpool.open({directory});
			const sink = new SpooledSink({spool, sender: writerFor()});
			for (let index = 0; index < 20; index++) await sink.write([counterPoint(index)]);
			expect(await sink.flush()).toBe(true);
			await sink.close();
			const [rows] = await container.query(`SELECT count("value") FROM "meter" WHERE "meter" = 'outage'`);
			expect(rows?.values[0]?.[1]).toBe(20);
		});

		it('holds on a wrong token and says to check it', async () => {
			const error = await writerFor({token: 'wrong'})
				.send([formatLineProtocol(counterPoint(1))])
				.catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(InfluxWriteError);
			expect([(error as InfluxWriteError).disposition, (error as InfluxWriteError).status]).toEqual([
				'hold',
				401,
			]);
			expect((error as InfluxWriteError).message).toContain('check the token');
		});

		it('holds on a bucket that does not exist', async () => {
			const error = await writerFor({bucket: 'absent'})
				.send([formatLineProtocol(counterPoint(1))])
				.catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(InfluxWriteError);
			expect([(error as InfluxWriteError).disposition, (error as InfluxWriteError).status]).toEqual([
				'hold',
				404,
			]);
		});
	},
);
