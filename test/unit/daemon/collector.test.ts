import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {parseConfig} from '../../../src/config/config-loader.ts';
import {type Collector, inTime, startCollector} from '../../../src/daemon/collector.ts';
import type {MeterJobEvent} from '../../../src/daemon/meter-job.ts';
import {MeterSimulator} from '../../../src/simulator/meter-simulator.ts';
import {createSimulatorProfile} from '../../../src/simulator/simulator-profiles.ts';
import type {Link} from '../../../src/transport/link.ts';
import {createMemoryLinkPair} from '../../../src/transport/memory-link-pair.ts';

let directory: string;
let collector: Collector | undefined;
const messages: string[] = [];
const infoFields: Record<string, unknown>[] = [];
const log = {
	info: (message: string, fields?: Record<string, unknown>) => {
		messages.push(`info ${message}`);
		if (fields) infoFields.push(fields);
	},
	warn: (message: string) => messages.push(`warn ${message}`),
	error: (message: string) => messages.push(`error ${message}`),
};

beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-collector-'));
	messages.length = 0;
	infoFields.length = 0;
});
afterEach(async () => {
	await collector?.stop();
	collector = undefined;
	await rm(directory, {recursive: true, force: true});
});

async function start(
	yaml: string,
	extra: {spoolReportEveryMs?: number; hostTimeZone?: string; openLink?: (port: string) => Link} = {},
) {
	const stdout = new PassThrough();
	let printed = '';
	stdout.on('data', (chunk: Buffer) => {
		printed += chunk.toString();
	});
	const events: MeterJobEvent[] = [];
	const loaded = await parseConfig(yaml, join(directory, 'config.yaml'));
	collector = await startCollector(loaded, {
		workingDirectory: directory,
		stdout,
		log,
		onJobEvent: (event) => events.push(event),
		...extra,
	});
	return {events, printed: () => printed};
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out; log:\n${messages.join('\n')}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

describe('startCollector', () => {
	it('reads a simulated meter on its schedule and prints its points as line protocol', async () => {
		const {events, printed} = await start(
			'meters:\n  - id: sim\n    port: simulator:zmd120\n    every: 1s\n',
		);
		await until(() => events.some((event) => event.kind === 'read'));
		expect(printed()).toMatch(/^meter,channel=1-1,meter=sim,obis=1\.8\.1,unit=kWh value=\d+ \d+$/m);
		expect(messages).toContain('info collector started: 1 meter');
		expect(await collector?.stop()).toBe(true);
		expect(messages.at(-1)).toBe('info collector stopped; nothing left unsent');
	});

	it('logs each readout with the time its data block was complete, so a line names its telegram', async () => {
		const {events} = await start('meters:\n  - id: sim\n    port: simulator:zmd120\n    every: 1s\n');
		await until(() => events.some((event) => event.kind === 'read'));
		const read = events.find((event) => event.kind === 'read');
		if (read?.kind !== 'read') throw new Error('expected a readout');
		expect(infoFields).toContainEqual(
			expect.objectContaining({meter: 'sim', readAt: read.result.readAt.toISOString()}),
		);
	});

	it('keeps reading one meter when another one fails', async () => {
		const {events} = await start(
			'meters:\n  - id: gone\n    port: /dev/does-not-exist\n    every: 1s\n  - id: sim\n    port: simulator:zmd120\n    every: 1s\n',
		);
		await until(() => events.some((event) => event.kind === 'read' && event.meter === 'sim'));
		expect(events.some((event) => event.kind === 'failed' && event.meter === 'gone')).toBe(true);
		expect(messages.filter((message) => message.includes('/dev/does-not-exist'))).toHaveLength(1);
	});

	it('reads two meters on one port one after another, never interleaved', async () => {
		const {events} = await start(
			'meters:\n  - id: first\n    port: simulator:zmd120\n    every: 1s\n  - id: second\n    port: simulator:zmd120\n    every: 1s\n',
		);
		await until(() =>
			['first', 'second'].every((id) => events.some((event) => event.kind === 'read' && event.meter === id)),
		);
		const reads = events.filter((event) => event.kind === 'read');
		// Each readout's phases lie within its own window: one ends before the next starts.
		const windows = reads.map((event) => {
			const end = event.result.readAt.getTime();
			return [end - event.result.timings.totalMs, end] as const;
		});
		windows.sort((a, b) => a[0] - b[0]);
		for (let index = 1; index < windows.length; index++) {
			expect(windows[index]?.[0]).toBeGreaterThanOrEqual((windows[index - 1]?.[1] ?? 0) - 5);
		}
		expect(events.some((event) => event.kind === 'failed')).toBe(false);
	});

	it('tags its self-metric points with the configured instance', async () => {
		const {printed} = await start(
			'self_metrics:\n  every: 1s\n  instance: cellar-a\nmeters:\n  - id: sim\n    port: simulator:zmd120\n    every: 60s\n',
		);
		await until(() => /^dlms_logger,/m.test(printed()));
		const lines = printed()
			.split('\n')
			.filter((line) => line.startsWith('dlms_logger,'));
		expect(lines.length).toBeGreaterThan(20);
		expect(lines.every((line) => line.includes(',instance=cellar-a'))).toBe(true);
		// Meter points keep their schema: no instance tag there.
		expect(printed()).not.toMatch(/^meter,.*instance=/m);
	});

	it('serves /healthz and /metrics when health is configured', async () => {
		const {events} = await start(
			'health:\n  listen: 127.0.0.1:0\nmeters:\n  - id: sim\n    port: simulator:zmd120\n    every: 1s\n',
		);
		await until(() => events.some((event) => event.kind === 'read'));
		const url = collector?.health?.url;
		expect(url).toBeDefined();
		const healthz = await fetch(`${url}/healthz`);
		expect(healthz.status).toBe(200);
		const metrics = await (await fetch(`${url}/metrics`)).text();
		expect(metrics).toMatch(/dlms_logger_readouts_total\{meter="sim",result="ok"\} [1-9]/);
	});

	it('archives every raw telegram when an archive is configured', async () => {
		const {events} = await start(
			'archive:\n  directory: ./raw\nmeters:\n  - id: sim\n    port: simulator:zmd120\n    every: 1s\n',
		);
		await until(() => events.some((event) => event.kind === 'read'));
		await collector?.stop();
		const {RawArchive} = await import('../../../src/output/raw-archive.ts');
		const archive = new RawArchive({directory: join(directory, 'raw')});
		const [file] = await archive.files();
		const telegrams = [];
		for await (const telegram of archive.read(file as string)) telegrams.push(telegram);
		expect(telegrams[0]?.meterId).toBe('sim');
		expect(telegrams[0]?.bytes.toString('latin1')).toContain('/LGZ52ZMD120APt.G03');
	});

	it('says every so often, not per readout, how many points wait while the server is away, and again on stop with the points dropped at max_size', async () => {
		const {freePort} = await import('../../helpers/free-port.ts');
		// A spool smaller than a readout: the second readout drops points of the first (kept whole, alone).
		const {events} = await start(
			`influxdb:\n  url: http://127.0.0.1:${await freePort()}\n  version: "1"\n  database: m\nspool:\n  max_size: 2KiB\nmeters:\n  - id: sim\n    port: simulator:zmd120\n    every: 1s\n`,
			{spoolReportEveryMs: 300},
		);
		await until(() => events.filter((event) => event.kind === 'read').length >= 2);
		await until(() => messages.some((message) => /wait in the spool for/.test(message)));
		const depth = messages.find((message) => /wait in the spool for/.test(message)) as string;
		expect(depth).toMatch(
			/^warn \d+ points \((\d+ bytes|\d+\.\d kB)\) wait in the spool for http:\/\/127\.0\.0\.1:\d+ \(database m\), unavailable since \d{4}-/,
		);
		await collector?.stop({flushTimeoutMs: 500});
		collector = undefined;
		expect(messages.at(-1)).toMatch(
			new RegExp(
				`^info collector stopped; \\d+ points \\((\\d+ bytes|\\d+\\.\\d kB)\\) wait in the spool ${join(directory, 'data', 'spool')}, sent at the next start; \\d+ points dropped unsent at spool\\.max_size since start$`,
			),
		);
	});

	it('says when it starts sending what an earlier run left in the spool (how much, since when) and when that is done', async () => {
		const {LineSpool} = await import('../../../src/output/line-spool.ts');
		const {startFakeInfluxWrite} = await import('../../helpers/fake-influx-write.ts');
		const spoolDirectory = join(directory, 'spool');
		const earlier = await LineSpool.open({directory: spoolDirectory});
		await earlier.append(['meter,meter=sim,obis=1.8.1 value=1 1700000000']);
		await earlier.ack((await earlier.peek()).end);
		await earlier.append([
			'meter,meter=sim,obis=1.8.1 value=2 1700000060',
			'meter,meter=sim,obis=1.8.1 value=3 1700000120',
		]);
		await earlier.close();
		const server = await startFakeInfluxWrite();
		try {
			await start(
				`influxdb:\n  url: ${server.url}\n  version: "1"\n  database: m\nspool:\n  directory: ${spoolDirectory}\nmeters:\n  - id: sim\n    port: simulator:zmd120\n    every: 1h\n`,
			);
			await until(() =>
				messages.some((message) => message.includes('left in the spool from before the start')),
			);
			const replaying = messages.filter((message) => message.includes('left in the spool'));
			expect(replaying[0]).toMatch(
				new RegExp(
					`^info sending 2 points \\(\\d+ bytes\\) left in the spool, unsent since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, to ${server.url} \\(database m\\)$`,
				),
			);
			expect(replaying[1]).toMatch(
				/^info sent the 2 points left in the spool from before the start, in \d+\.\d s$/,
			);
			expect(server.stored.slice(0, 2)).toEqual([
				'meter,meter=sim,obis=1.8.1 value=2 1700000060',
				'meter,meter=sim,obis=1.8.1 value=3 1700000120',
			]);
			await collector?.stop({flushTimeoutMs: 500});
			collector = undefined;
		} finally {
			await server.close();
		}
	});

	it('says once that meter times are read as UTC when no zone is configured and the host runs UTC', async () => {
		await start(
			'meters:\n  - id: a\n    port: simulator:zmd120\n  - id: b\n    port: simulator:zmd120\n    timezone: Europe/Vienna\n',
			{
				hostTimeZone: 'Etc/UTC',
			},
		);
		const notes = messages.filter((message) => message.includes('read as UTC'));
		expect(notes).toEqual([
			'info meter a has no timezone and this host runs UTC: meter times are read as UTC. If the meter\'s clock shows local time, set its zone, e.g. "timezone: Europe/Berlin" at the top of the configuration or per meter',
		]);
	});

	it('warns when the meter clock read in its zone is a whole hour off, and not for a simulated meter without a zone', async () => {
		// A meter whose clock runs on UTC, read as Europe/Berlin: its dated values would be an hour early.
		// The simulated meter beside it, with no zone on a UTC host, keeps its clock in the zone it is read in.
		const pair = createMemoryLinkPair({paced: true, hostPlace: '/dev/ttyUSB0'});
		const simulator = new MeterSimulator(pair.meter, {
			profile: createSimulatorProfile('zmd120', {timeZone: 'UTC'}),
		});
		await simulator.start();
		try {
			const {events} = await start(
				'meters:\n  - id: house\n    port: /dev/ttyUSB0\n    timezone: Europe/Berlin\n    every: 1s\n  - id: sim\n    port: simulator:zmd120\n    every: 1s\n',
				{openLink: () => pair.host, hostTimeZone: 'UTC'},
			);
			await until(
				() => new Set(events.filter((event) => event.kind === 'read').map((event) => event.meter)).size === 2,
			);
			expect(messages.filter((message) => message.includes('meter clock'))).toEqual([
				'warn house: the meter clock (0.9.1/0.9.2, read in Europe/Berlin from `meters[0].timezone`) is 1 h behind the host clock, so values stamped with its own time are 1 h off: is `timezone` right, or is the meter clock on standard time?',
			]);
		} finally {
			await collector?.stop();
			collector = undefined;
			await simulator.close();
		}
	});

	it('says when a meter on a cron schedule reads first, and nothing for one that reads at once', async () => {
		await start(
			'meters:\n  - id: yearly\n    port: simulator:zmd120\n    schedule: "0 0 1 1 *"\n  - id: often\n    port: simulator:zmd120\n',
		);
		const notes = messages.filter((message) => message.includes('first readout'));
		expect(notes).toHaveLength(1);
		expect(notes[0]).toMatch(
			/^info yearly: first readout at \d{4}-01-01T\d\d:00:00\.000Z \(in \d+ (min|h|d)( \d+ (min|h))?\)$/,
		);
	});

	it('says a wait in minutes, hours or days', () => {
		expect(
			[59_000, 12 * 60_000, 3 * 3_600_000 + 5 * 60_000, 2 * 86_400_000, 50 * 3_600_000].map(inTime),
		).toEqual(['in 1 min', 'in 12 min', 'in 3 h 5 min', 'in 2 d', 'in 2 d 2 h']);
	});

	it('says nothing about zones when the host runs local time, or every meter has a zone', async () => {
		await start('meters:\n  - id: a\n    port: simulator:zmd120\n', {hostTimeZone: 'Europe/Berlin'});
		await collector?.stop();
		collector = undefined;
		await start('timezone: Europe/Berlin\nmeters:\n  - id: a\n    port: simulator:zmd120\n', {
			hostTimeZone: 'UTC',
		});
		expect(messages.filter((message) => message.includes('UTC'))).toEqual([]);
	});
});
