import {type ChildProcess, fork, spawn} from 'node:child_process';
import {closeSync, openSync, readFileSync, rmSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import type {Socket} from 'node:net';
import {cpus, tmpdir} from 'node:os';
import {join} from 'node:path';
import {freePort} from '../../test/helpers/free-port.ts';
import {startInfluxd} from '../../test/helpers/influxd-server.ts';
import {startVictoriaMetrics} from '../../test/helpers/victoria-metrics-server.ts';
import {summariseCollectorLog} from './collector-log.ts';
import {FLEET_MIX, type FleetMeter, fleetMeters} from './fleet-mix.ts';
import {type FleetFigures, fleetFigures, formatFleetReport} from './fleet-report.ts';
import {cpuPercent, loadAverage1, type ProcessSample, sampleProcess} from './process-sample.ts';
import {histogramQuantile, parsePrometheusText, type ScrapedSample, sumOf} from './prometheus-scrape.ts';

/**
 * `npm run fleet`: one collector (`dlms-logger run`, the built CLI, as a child process) reading a
 * fleet of simulated meters, each behind its own TCP listener, into one database, for a set time.
 *
 * Environment: FLEET_MINUTES (default 30), FLEET_METERS (100), FLEET_DB (`influxd`, or
 * `victoria-metrics`), FLEET_FARMS (simulator processes, default 2), FLEET_OUT (where the figures go
 * as JSON, the collector's log beside it; default /tmp/fleet-<db>-<time>.json), FLEET_SAMPLE_SECONDS
 * (default 10), FLEET_PROFILES (only these profiles of the mix, comma-separated, in their proportions).
 *
 * The simulators run in processes of their own (meter-farm.ts), so the collector's CPU time and RSS
 * (read from /proc) are its own. Figures come from the collector's /metrics (readouts by result,
 * skipped ticks, write latency histogram, spool depth) and its JSON log (when each readout began).
 */

const CLI = new URL('../../src/cli/main.js', import.meta.url).pathname;
const FARM = new URL('./meter-farm.js', import.meta.url).pathname;

const {
	FLEET_MINUTES: minutesText = '30',
	FLEET_METERS: metersText = '100',
	FLEET_DB: database = 'influxd',
	FLEET_FARMS: farmsText = '2',
	FLEET_OUT: outPath,
	FLEET_SAMPLE_SECONDS: sampleText = '10',
	FLEET_PROFILES: profilesText,
} = process.env;

const minutes = Number(minutesText);
const meterCount = Number(metersText);
const farmCount = Number(farmsText);
const sampleMs = Number(sampleText) * 1000;
if (!(minutes > 0) || !(meterCount > 0) || !(farmCount >= 1) || !(sampleMs >= 1000)) {
	throw new TypeError(
		'FLEET_MINUTES, FLEET_METERS, FLEET_FARMS and FLEET_SAMPLE_SECONDS must be positive numbers',
	);
}
if (database !== 'influxd' && database !== 'victoria-metrics') {
	throw new TypeError(`FLEET_DB must be influxd or victoria-metrics, received ${database}`);
}

/** Everything to stop, last started first. */
const cleanups: (() => Promise<void> | void)[] = [];
/** Processes to kill synchronously should this one be interrupted. */
const children = new Set<ChildProcess>();
let interrupted = false;

/** The run's temp dir, removed at the end (or on an interrupt). */
let runDirectory: string | undefined;

// The database helpers stop their servers and re-raise the signal after this handler: the run ends
// here, without figures, and leaves nothing behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		interrupted = true;
		process.stderr.write(`\n${signal}: stopping the fleet\n`);
		for (const child of children) child.kill('SIGTERM');
		if (runDirectory !== undefined) rmSync(runDirectory, {recursive: true, force: true});
	});
}

async function main(): Promise<void> {
	const directory = await mkdtemp(join(tmpdir(), 'dlms-fleet-'));
	runDirectory = directory;
	cleanups.push(() => rm(directory, {recursive: true, force: true}));
	const only = profilesText?.split(',').map((name) => name.trim());
	const mix = FLEET_MIX.filter((kind) => only === undefined || only.includes(kind.profile));
	if (mix.length === 0) throw new TypeError(`FLEET_PROFILES: none of ${profilesText} is in the mix`);
	const meters = fleetMeters(meterCount, mix);
	log(
		`fleet: ${meters.length} meters, ${minutes} min, into ${database}; ${cpus().length} cores, load ${loadAverage1()}`,
	);

	const db = await startDatabase();
	cleanups.push(() => db.stop());

	const ports = await startFarms(meters);
	const health = await freePort();
	const config = join(directory, 'config.yaml');
	await writeFile(config, fleetConfig(meters, ports, db.outputLines, directory, health));

	const logPath = join(directory, 'collector.log');
	const logFd = openSync(logPath, 'a');
	const collector = spawn(process.execPath, [...shebangFlags(CLI), CLI, 'run', '--config', config], {
		cwd: directory,
		stdio: ['ignore', 'ignore', logFd],
	});
	closeSync(logFd);
	track(collector, 'collector');
	const collectorExited = new Promise<number | null>((resolve) =>
		collector.once('exit', (code) => resolve(code)),
	);
	const metricsUrl = `http://127.0.0.1:${health}/metrics`;
	await waitFor(async () => (await fetch(metricsUrl)).ok, 20_000, 'the collector /metrics');
	const startedAt = Date.now();
	const stopAt = startedAt + minutes * 60_000;
	log(`collector pid ${collector.pid} started; log ${logPath}`);

	const collectorSamples: ProcessSample[] = [];
	const farmSamples: ProcessSample[][] = farms.map(() => []);
	const loads: {atMs: number; load: number}[] = [];
	const spool: {atMs: number; bytes: number}[] = [];
	let firstScrape: ScrapedSample[] | undefined;
	let lastScrape: ScrapedSample[] = [];
	let lastLine = 0;
	while (Date.now() < stopAt && !interrupted && collector.exitCode === null) {
		const sample = sampleProcess(collector.pid as number);
		if (sample) collectorSamples.push(sample);
		for (const [index, farm] of farms.entries()) {
			const farmSample = sampleProcess(farm.pid as number);
			if (farmSample) farmSamples[index]?.push(farmSample);
		}
		loads.push({atMs: Date.now(), load: loadAverage1()});
		try {
			lastScrape = parsePrometheusText(await (await fetch(metricsUrl)).text());
			firstScrape ??= lastScrape;
			spool.push({atMs: Date.now(), bytes: sumOf(lastScrape, 'dlms_logger_spool_pending_bytes')});
		} catch (error) {
			log(`scrape failed: ${(error as Error).message}`);
		}
		if (Date.now() - lastLine >= 60_000) {
			lastLine = Date.now();
			const first = collectorSamples[0];
			log(
				`${((Date.now() - startedAt) / 60_000).toFixed(1)} min: ` +
					`${sumOf(lastScrape, 'dlms_logger_readouts_total', {result: 'ok'})} ok, ` +
					`${sumOf(lastScrape, 'dlms_logger_readouts_total', {result: 'failed'})} failed, ` +
					`${sumOf(lastScrape, 'dlms_logger_readouts_total', {result: 'skipped'})} skipped; ` +
					`spool ${sumOf(lastScrape, 'dlms_logger_spool_pending_bytes')} B; ` +
					`write p99 ${formatSeconds(histogramQuantile(0.99, [], lastScrape, 'dlms_logger_write_duration_seconds'))}; ` +
					`RSS ${((sample?.rssKiB ?? 0) / 1024).toFixed(1)} MB; ` +
					`CPU ${first && sample ? cpuPercent(first, sample).toFixed(1) : '?'} %; load ${loadAverage1()}`,
			);
		}
		await sleep(Math.min(sampleMs, Math.max(0, stopAt - Date.now())));
	}
	const endedAt = Date.now();
	if (collector.exitCode !== null)
		throw new Error(`the collector exited early (${collector.exitCode}); see ${logPath}`);

	// Stop the collector as a user would and see that it leaves nothing behind.
	collector.kill('SIGTERM');
	const exitCode = await collectorExited;
	children.delete(collector);
	const logText = readFileSync(logPath, 'utf8');
	const stored = await db.storedPoints(startedAt);
	const figures: FleetFigures = fleetFigures({
		meters,
		database,
		minutes: (endedAt - startedAt) / 60_000,
		startedAt,
		endedAt,
		log: summariseCollectorLog(logText),
		firstScrape: firstScrape ?? [],
		lastScrape,
		collectorSamples,
		farmSamples,
		loads,
		spool,
		storedPoints: stored,
		collectorExitCode: exitCode,
		spreadTicks: true,
		cores: cpus().length,
		cpuModel: cpus()[0]?.model ?? 'unknown',
	});
	process.stdout.write(formatFleetReport(figures));
	const out =
		outPath ?? `/tmp/fleet-${database}-${new Date(startedAt).toISOString().replace(/[:.]/g, '-')}.json`;
	await writeFile(out, `${JSON.stringify(figures, null, '\t')}\n`);
	await writeFile(out.replace(/\.json$/, '.collector.log'), logText);
	log(`figures written to ${out}`);
	if (interrupted) process.exitCode = 130;
}

// ---- the database ----

interface FleetDatabase {
	/** Lines of config.yaml's `influxdb:` section. */
	readonly outputLines: readonly string[];
	/** Points of the `meter` measurement stored since `sinceMs`. */
	storedPoints(sinceMs: number): Promise<number>;
	stop(): Promise<void>;
}

async function startDatabase(): Promise<FleetDatabase> {
	if (database === 'influxd') {
		const server = await startInfluxd();
		await server.createDatabase('fleet');
		log(`influxd 1.6.7 at ${server.url} (pid ${server.pid})`);
		return {
			outputLines: ['influxdb:', `  url: ${server.url}`, '  version: "1"', '  database: fleet'],
			async storedPoints(sinceMs) {
				const series = await server.query(
					`SELECT count("value") FROM "meter" WHERE time >= ${sinceMs}ms`,
					'fleet',
				);
				return Number(series[0]?.values[0]?.[1] ?? 0);
			},
			stop: () => server.stop(),
		};
	}
	const server = await startVictoriaMetrics();
	log(`victoria-metrics at ${server.url} (pid ${server.pid})`);
	return {
		outputLines: [
			'influxdb:',
			`  url: ${server.url}`,
			'  version: "2"',
			'  org: site',
			'  bucket: fleet',
			'  token: unused',
		],
		async storedPoints(sinceMs) {
			const seconds = Math.ceil((Date.now() - sinceMs) / 1000);
			const data = (await server.query(`sum(count_over_time({__name__="meter_value"}[${seconds}s]))`)) as {
				result?: {value?: [number, string]}[];
			};
			return Number(data.result?.[0]?.value?.[1] ?? 0);
		},
		stop: () => server.stop(),
	};
}

// ---- the meters ----

const farms: ChildProcess[] = [];

/** Starts FLEET_FARMS simulator processes, the meters dealt round-robin; returns each meter's port. */
async function startFarms(meters: readonly FleetMeter[]): Promise<number[]> {
	const shares: number[][] = Array.from({length: farmCount}, () => []);
	for (const index of meters.keys()) shares[index % farmCount]?.push(index);
	const ports: number[] = new Array(meters.length);
	await Promise.all(
		shares.map(async (indexes, farmIndex) => {
			const farm = fork(FARM, [], {stdio: ['ignore', 'ignore', 'inherit', 'ipc']});
			farms.push(farm);
			track(farm, `meter farm ${farmIndex + 1}`);
			cleanups.push(async () => {
				if (farm.exitCode !== null || farm.signalCode !== null) return;
				const exited = new Promise((resolve) => farm.once('exit', resolve));
				farm.send({stop: true});
				await Promise.race([exited, sleep(5000)]);
				if (farm.exitCode === null) farm.kill('SIGKILL');
			});
			const answer = await new Promise<{ports?: number[]; error?: string}>((resolve, reject) => {
				farm.once('message', (message) => resolve(message as {ports?: number[]; error?: string}));
				farm.once('exit', (code) => reject(new Error(`meter farm ${farmIndex + 1} exited (${code})`)));
				farm.send({profiles: indexes.map((index) => meters[index]?.kind.profile), timeZone: 'Europe/Berlin'});
			});
			if (answer.ports === undefined) throw new Error(`meter farm ${farmIndex + 1}: ${answer.error}`);
			for (const [position, index] of indexes.entries()) ports[index] = answer.ports[position] as number;
			log(`meter farm ${farmIndex + 1} (pid ${farm.pid}): ${indexes.length} meters`);
		}),
	);
	return ports;
}

function fleetConfig(
	meters: readonly FleetMeter[],
	ports: readonly number[],
	output: readonly string[],
	directory: string,
	healthPort: number,
): string {
	return [
		'timezone: Europe/Berlin',
		...output,
		'spool:',
		`  directory: ${join(directory, 'spool')}`,
		'health:',
		`  listen: 127.0.0.1:${healthPort}`,
		'log:',
		'  format: json',
		'meters:',
		...meters.flatMap((meter, index) => [
			`  - id: ${meter.id}`,
			`    port: tcp://127.0.0.1:${ports[index]}`,
			`    every: ${meter.kind.everySeconds}s`,
			...meter.kind.settings.map((line) => `    ${line}`),
		]),
		'',
	].join('\n');
}

// ---- processes ----

/**
 * Remembers a child so an interrupt stops it, and pairs it with a shell that SIGTERMs it when this
 * process dies in any way (SIGKILL included): the shell's stdin is a pipe from here, which reaches
 * end of file then.
 */
function track(child: ChildProcess, name: string): void {
	children.add(child);
	child.once('exit', () => children.delete(child));
	const watchdog = spawn('sh', ['-c', 'read _; kill -TERM "$1" 2>/dev/null', name, String(child.pid)], {
		stdio: ['pipe', 'ignore', 'ignore'],
	});
	watchdog.unref();
	(watchdog.stdin as unknown as Socket | null)?.unref();
	child.once('exit', () => watchdog.kill());
}

/** The node flags of the CLI's `#!/usr/bin/env -S node …` line: the collector runs as `dlms-logger run` would. */
function shebangFlags(path: string): string[] {
	const first = readFileSync(path, 'utf8').split('\n', 1)[0] ?? '';
	return /^#!\/usr\/bin\/env -S node(.*)$/.exec(first)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			if (await check()) return;
		} catch {
			// Not up yet.
		}
		if (Date.now() > deadline) throw new Error(`${what} did not answer within ${timeoutMs} ms`);
		await sleep(200);
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function formatSeconds(seconds: number | undefined): string {
	return seconds === undefined ? '-' : `${(seconds * 1000).toFixed(1)} ms`;
}

function log(message: string): void {
	process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

try {
	await main();
} catch (error) {
	process.exitCode = 1;
	log(`fleet failed: ${(error as Error).stack ?? String(error)}`);
} finally {
	for (const child of children) child.kill('SIGTERM');
	for (const cleanup of cleanups.reverse()) {
		try {
			await cleanup();
		} catch (error) {
			log(`cleanup: ${(error as Error).message}`);
		}
	}
}
