import {mkdir, mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {freePort} from '../../test/helpers/free-port.ts';
import {type InfluxdServer, startInfluxd} from '../../test/helpers/influxd-server.ts';
import {type LineSpeedWatch, watchLineSpeed} from '../../test/helpers/line-speed-watch.ts';
import {openPtyPair, type PtyPair} from '../../test/helpers/pty-pair.ts';
import {removeDir, trackDir} from '../../test/helpers/server-process.ts';
import {FaultRotation, MODE_C_FAULTS, PUSH_FAULTS, seededRandom} from './fault-rotation.ts';
import {LoopLag} from './loop-lag.ts';
import {type CheckedMeter, checkSoak, type LoggedRead, type SoakCheck} from './soak-check.ts';
import {type CollectorLogLine, SoakCollector} from './soak-collector.ts';
import {SoakMeter} from './soak-meter.ts';
import {
	MODE_C_PEAK,
	MODE_C_REGISTERS,
	modeCSoakProfile,
	PUSH_REGISTERS,
	pushSoakProfile,
	TelegramCounter,
} from './soak-profiles.ts';

export interface SoakOptions {
	/** How long faults, kills and outages go on, ms. */
	readonly chaosMs: number;
	/** Then this long without faults (the collector must recover and drain its spool), ms. Default 20 000. */
	readonly settleMs?: number;
	/** Mean time between kill -9s of the collector, ms; at least one happens. Default chaosMs / 6. */
	readonly meanKillGapMs?: number;
	/** Mean time between influxd outages, ms; at least one happens. Default chaosMs / 5. */
	readonly meanOutageGapMs?: number;
	/** Longest influxd outage, ms. Default 20 000 (at least 3 000). */
	readonly maxOutageMs?: number;
	/** Mode C readout cycle, s. Default 5 (a readout takes ~1 s, the meter's repeat window 1.5 s). */
	readonly modeCEverySeconds?: number;
	/** Push meter: its push period, ms, and the collector's cycle, s. Defaults 1000 (an EMH eHZ) and 3. */
	readonly pushIntervalMs?: number;
	readonly pushEverySeconds?: number;
	/** Seeds the fault order and the chaos moments. Default: from the clock (printed). */
	readonly seed?: number;
	/** Progress lines. */
	readonly onProgress?: (line: string) => void;
	/** Where to leave the collector's logs and the telegram log (NDJSON) for a post-mortem. Default: nowhere. */
	readonly keepLogsIn?: string;
	/** Aborts the run (SIGINT): everything started is stopped, the check is skipped. */
	readonly signal?: AbortSignal;
}

/** What happened and what the check found; see SoakCheck for the classification. */
export interface SoakResult {
	readonly seed: number;
	readonly durationMs: number;
	readonly check: SoakCheck;
	readonly telegramsSent: number;
	/** Faults applied by kind (silence has no telegram; echo and noise-prefix leave it intact). */
	readonly faultsApplied: ReadonlyMap<string, number>;
	readonly kills: number;
	readonly influxdRestarts: number;
	readonly hangUps: number;
	/** The mode C meter's last readouts as the collector logged them: mode and rate. */
	readonly finalReadouts: readonly {mode: string; baudRate: number}[];
	/** The `readout_baud_rate` self-metric's last point for the mode C meter. */
	readonly finalRateMetric: {mode: string; baudRate: number} | undefined;
	/** Plan changes the collector logged ("from now on"): a one-off wrong rate must not cause one. */
	readonly planChanges: readonly string[];
	readonly readouts: {readonly ok: number; readonly failed: number; readonly fellBack: number};
	/**
	 * Push readouts that failed (warnings; a streak of equal failures is warned once): the meter pushes
	 * a whole telegram at least every 2 s (one cut or left out at a time), so there should be none.
	 */
	readonly pushReadoutsFailed: number;
	/** Collector lines at level error or not JSON (a crash's stack), and exits nobody caused. */
	readonly collectorErrors: readonly string[];
	/** What the simulated meters noted: a host sending at the wrong moment (expected around a kill), a link error. */
	readonly meterNotes: readonly string[];
}

const DATABASE = 'soak';
const MODE_C_ID = 'soak-c';
const PUSH_ID = 'soak-d';
export const ANNOUNCED_RATE = 9600;

export const SOAK_METERS: readonly CheckedMeter[] = [
	{meter: MODE_C_ID, registers: MODE_C_REGISTERS, datedRegister: MODE_C_PEAK, push: false},
	{meter: PUSH_ID, registers: PUSH_REGISTERS, push: true},
];

/**
 * The fault soak: the built collector (`dlms-logger run`, a real process) reads a mode C meter and a
 * push meter, simulated here on socat pty pairs, into a real influxd 1.6.7 through its durable spool,
 * while the meters' faults rotate, influxd is stopped and started again (same data) and the collector
 * is killed with SIGKILL and started again (same spool). Then faults stop, the collector drains its
 * spool and is stopped, and the database is checked against the telegram log.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
	const seed = options.seed ?? Date.now() % 1_000_000;
	const random = seededRandom(seed);
	const progress = options.onProgress ?? (() => undefined);
	const settleMs = options.settleMs ?? 20_000;
	const started = Date.now();
	const cleanups: (() => Promise<void>)[] = [];
	const dir = await mkdtemp(join(tmpdir(), 'dlms-soak-'));
	trackDir(dir);
	cleanups.push(async () => removeDir(dir));
	let influxd: InfluxdServer | undefined;
	let collector: SoakCollector | undefined;
	const meters: SoakMeter[] = [];
	try {
		influxd = await startInfluxd();
		const server = influxd;
		cleanups.push(() => server.stop());
		await influxd.createDatabase(DATABASE);

		const ptyC = await openPtyPair();
		cleanups.push(() => ptyC.close());
		const ptyD = await openPtyPair();
		cleanups.push(() => ptyD.close());
		const watch: LineSpeedWatch = await watchLineSpeed(ptyC.hostPath);
		cleanups.push(() => watch.close());

		const lag = new LoopLag();
		cleanups.push(async () => lag.stop());
		const rotationC = new FaultRotation(MODE_C_FAULTS, seed);
		const rotationD = new FaultRotation(PUSH_FAULTS, seed + 1);
		const meterC = new SoakMeter({
			meter: MODE_C_ID,
			path: ptyC.meterPath,
			profile: modeCSoakProfile(new TelegramCounter()),
			rotation: rotationC,
			hostLineRate: (atMs) => watch.rateAt(atMs),
			loopLateMs: (atMs) => lag.worstBefore(atMs),
		});
		const meterD = new SoakMeter({
			meter: PUSH_ID,
			path: ptyD.meterPath,
			profile: pushSoakProfile(new TelegramCounter(), options.pushIntervalMs ?? 1000),
			rotation: rotationD,
		});
		meters.push(meterC, meterD);
		cleanups.push(async () => {
			for (const meter of meters) await meter.stop();
		});

		const healthPort = await freePort();
		const configPath = join(dir, 'config.yaml');
		await writeFile(configPath, collectorConfig(dir, influxd.url, healthPort, ptyC, ptyD, options));
		collector = new SoakCollector(configPath, dir);
		const running = collector;
		cleanups.push(() => running.stop(5000));

		await meterC.start();
		await meterD.start();
		collector.start();
		progress(
			`soak seed ${seed}: collector started, influxd ${influxd.url}, meters on ${ptyC.hostPath} and ${ptyD.hostPath}`,
		);

		// Chaos: kills and outages at random moments, at least one of each.
		const chaosEnd = started + options.chaosMs;
		const kills = randomMoments(random, options.chaosMs, options.meanKillGapMs ?? options.chaosMs / 6).map(
			(offset) => started + offset,
		);
		const outages = randomMoments(
			random,
			options.chaosMs,
			options.meanOutageGapMs ?? options.chaosMs / 5,
		).map((offset) => started + offset);
		const maxOutageMs = Math.max(3000, options.maxOutageMs ?? 20_000);
		let influxdRestarts = 0;
		const crashes: string[] = [];
		const outageLoop = (async () => {
			for (const at of outages) {
				if (!(await waitUntil(at, options.signal))) return;
				const lengthMs = Math.min(3000 + random() * (maxOutageMs - 3000), Math.max(0, chaosEnd - Date.now()));
				progress(`${clock(started)} influxd stopped for ${(lengthMs / 1000).toFixed(1)} s`);
				await server.pause();
				await sleep(lengthMs);
				await server.resume();
				influxdRestarts++;
				progress(`${clock(started)} influxd running again`);
			}
		})();
		const killLoop = (async () => {
			for (const [index, at] of kills.entries()) {
				if (!(await waitUntil(at, options.signal))) return;
				// Every other kill lands just after a telegram's last byte: the readout is then being
				// parsed and spooled, the moment the durable spool exists for.
				if (index % 2 === 0) await justAfterTelegram(meterC, random, options.signal);
				if (!running.running) {
					// It ended by itself: a finding of its own. Start it again and go on.
					crashes.push(`${clock(started)} the collector had exited by itself`);
					running.start();
					continue;
				}
				await running.kill();
				const downMs = 500 + random() * 2500;
				progress(`${clock(started)} collector killed (-9), restarting in ${(downMs / 1000).toFixed(1)} s`);
				await sleep(downMs);
				if (options.signal?.aborted) return;
				running.start();
			}
		})();
		const ticker = setInterval(() => progress(status(started, meters, running)), 60_000);
		try {
			await waitUntil(chaosEnd, options.signal);
			await Promise.all([outageLoop, killLoop]);
		} finally {
			clearInterval(ticker);
		}
		if (options.signal?.aborted) throw new Error('soak interrupted');

		// Settle: no more faults; the collector must come back to the announced rate and drain its spool.
		rotationC.stop();
		rotationD.stop();
		const settledFrom = Date.now();
		progress(`${clock(started)} faults stop; settling for ${settleMs / 1000} s`);
		await waitUntil(settledFrom + settleMs, options.signal);
		// A fault under way at the stop may still end in a readout at 300 Bd (a wrong rate read again takes
		// ~13 s): give the collector, within bounds, the readouts that show whether it came back.
		await waitForAnnouncedRate(running, settledFrom + settleMs + 30_000, options.signal);
		for (const meter of meters) await meter.stop();
		await sleep(1000);
		await waitForEmptySpool(healthPort, 30_000);
		await collector.stop();
		if (options.signal?.aborted) throw new Error('soak interrupted');

		const series = await influxd.query(`SELECT "value" FROM "meter" GROUP BY *`, DATABASE, 'ms');
		const logLines = collector.logLines();
		const reads = readsFrom(logLines);
		const check = checkSoak({
			meters: SOAK_METERS,
			telegrams: meters.flatMap((meter) => meter.telegrams),
			reads,
			kills: collector.kills,
			series,
		});
		const rateSeries = await influxd.query(
			`SELECT last("value") FROM "dlms_logger" WHERE "metric" = 'readout_baud_rate' AND "meter" = '${MODE_C_ID}' GROUP BY "mode"`,
			DATABASE,
			'ms',
		);
		return {
			seed,
			durationMs: Date.now() - started,
			check,
			telegramsSent: check.telegrams.length,
			faultsApplied: faultsApplied(meters),
			kills: collector.kills.length,
			influxdRestarts,
			hangUps: meters.reduce((sum, meter) => sum + meter.hangUps, 0),
			finalReadouts: modeCReadouts(logLines).slice(-3),
			finalRateMetric: lastRate(rateSeries),
			planChanges: logLines.filter((line) => /from now on/.test(line.msg)).map((line) => line.msg),
			readouts: {
				ok: reads.length,
				failed: logLines.filter((line) => line.level === 'warn' && typeof line.fields['failure'] === 'string')
					.length,
				fellBack: logLines.filter((line) => /read with .* this time/.test(line.msg)).length,
			},
			pushReadoutsFailed: logLines.filter(
				(line) => line.fields['meter'] === PUSH_ID && typeof line.fields['failure'] === 'string',
			).length,
			collectorErrors: [
				...logLines
					.filter((line) => line.level === 'error' || line.level === 'fatal' || line.level === 'raw')
					.map((line) => `collector ${line.incarnation}: ${line.msg}`),
				...crashes,
			],
			meterNotes: meters.flatMap((meter) => meter.problems),
		};
	} finally {
		if (options.keepLogsIn !== undefined) {
			await keepLogs(options.keepLogsIn, collector, meters).catch((error: unknown) =>
				progress(`cannot keep the logs: ${String(error)}`),
			);
		}
		for (const cleanup of cleanups.reverse()) {
			await cleanup().catch((error: unknown) => progress(`cleanup: ${String(error)}`));
		}
	}
}

async function keepLogs(target: string, collector: SoakCollector | undefined, meters: readonly SoakMeter[]) {
	await mkdir(target, {recursive: true});
	const lines = collector?.logLines() ?? [];
	await writeFile(
		join(target, 'collector.ndjson'),
		lines.map((line) => JSON.stringify({...line, time: new Date(line.atMs).toISOString()})).join('\n'),
	);
	await writeFile(
		join(target, 'telegrams.ndjson'),
		meters
			.flatMap((meter) => meter.telegrams)
			.map((telegram) => JSON.stringify(telegram))
			.join('\n'),
	);
}

function collectorConfig(
	dir: string,
	influxUrl: string,
	healthPort: number,
	ptyC: PtyPair,
	ptyD: PtyPair,
	options: SoakOptions,
): string {
	return [
		'timezone: UTC',
		'log:',
		'  format: json',
		'health:',
		`  listen: 127.0.0.1:${healthPort}`,
		'influxdb:',
		`  url: ${influxUrl}`,
		'  version: "1"',
		`  database: ${DATABASE}`,
		'  timeout: 5s',
		'spool:',
		`  directory: ${join(dir, 'spool')}`,
		'self_metrics:',
		'  every: 5s',
		'meters:',
		`  - id: ${MODE_C_ID}`,
		`    port: ${ptyC.hostPath}`,
		`    every: ${options.modeCEverySeconds ?? 5}s`,
		`  - id: ${PUSH_ID}`,
		`    port: ${ptyD.hostPath}`,
		'    mode: D',
		'    push:',
		'      baud: 9600',
		`    every: ${options.pushEverySeconds ?? 3}s`,
		'',
	].join('\n');
}

/** Offsets within `spanMs` (ms) at exponential gaps of mean `meanGapMs`, kept ≥ 5 s from the ends; at least one. */
function randomMoments(random: () => number, spanMs: number, meanGapMs: number): number[] {
	const moments: number[] = [];
	let at = 0;
	for (;;) {
		at += -Math.log(1 - random()) * meanGapMs;
		if (at > spanMs - 8000) break;
		if (at >= 5000) moments.push(at);
	}
	if (moments.length === 0) moments.push(5000 + random() * Math.max(0, spanMs - 13_000));
	return moments;
}

/**
 * Waits for the next intact telegram of the meter to end, then 0–60 ms: the collector is then checking,
 * parsing, mapping and appending to its spool (a few ms), or logging the readout.
 */
async function justAfterTelegram(
	meter: SoakMeter,
	random: () => number,
	signal?: AbortSignal,
): Promise<void> {
	const seen = meter.telegrams.length;
	const deadline = Date.now() + 15_000;
	while (Date.now() < deadline && !signal?.aborted) {
		if (meter.telegrams.slice(seen).some((telegram) => telegram.intact)) break;
		await sleep(5);
	}
	await sleep(random() * 60);
}

async function waitUntil(atMs: number, signal?: AbortSignal): Promise<boolean> {
	while (Date.now() < atMs) {
		if (signal?.aborted) return false;
		await sleep(Math.min(250, atMs - Date.now()));
	}
	return !signal?.aborted;
}

/** Waits until the mode C meter's last 3 readouts were at the announced rate, or until `deadline`. */
async function waitForAnnouncedRate(collector: SoakCollector, deadline: number, signal?: AbortSignal) {
	while (Date.now() < deadline && !signal?.aborted) {
		const last = modeCReadouts(collector.logLines()).slice(-3);
		if (last.length === 3 && last.every((read) => read.mode === 'C' && read.baudRate === ANNOUNCED_RATE))
			return;
		await sleep(500);
	}
}

function modeCReadouts(lines: readonly CollectorLogLine[]): {mode: string; baudRate: number}[] {
	return lines
		.filter((line) => isRead(line) && line.fields['meter'] === MODE_C_ID)
		.map((line) => ({mode: String(line.fields['mode']), baudRate: Number(line.fields['baudRate'])}));
}

/** Polls /metrics until the spool is empty (or the time is up: the check then shows what is missing). */
async function waitForEmptySpool(healthPort: number, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const text = await fetch(`http://127.0.0.1:${healthPort}/metrics`).then(
			(response) => response.text(),
			() => '',
		);
		const match = /^dlms_logger_spool_pending_bytes(?:\{[^}]*\})? (\d+)/m.exec(text);
		if (match !== null && Number(match[1]) === 0) return;
		await sleep(500);
	}
}

const READ_PATTERN = /: read \d+ points?$/;

function isRead(line: CollectorLogLine): boolean {
	return READ_PATTERN.test(line.msg);
}

function readsFrom(lines: readonly CollectorLogLine[]): LoggedRead[] {
	return (
		lines
			.filter(isRead)
			// The readout's own time (its data block complete); the log line's time trails it by the spool's fsync.
			.map((line) => ({
				meter: String(line.fields['meter']),
				atMs: typeof line.fields['readAt'] === 'string' ? Date.parse(line.fields['readAt']) : line.atMs,
			}))
			.filter((read) => Number.isFinite(read.atMs))
	);
}

function faultsApplied(meters: readonly SoakMeter[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const meter of meters) {
		for (const [kind, count] of meter.faultCounts) {
			const name = `${kind}${meter === meters[0] ? '' : ' (push)'}`;
			counts.set(name, (counts.get(name) ?? 0) + count);
		}
		// An echo is no fault note (it is the head, not the meter): count the readouts it was on.
		const echoed = new Set(
			meter.telegrams
				.filter((telegram) => telegram.faults.includes('echo'))
				.map((telegram) => telegram.telegram),
		).size;
		if (echoed > 0) counts.set('echo', (counts.get('echo') ?? 0) + echoed);
	}
	return counts;
}

function lastRate(
	series: readonly {tags?: Readonly<Record<string, string>>; values: ReadonlyArray<ReadonlyArray<unknown>>}[],
) {
	let best: {mode: string; baudRate: number; atMs: number} | undefined;
	for (const entry of series) {
		const row = entry.values[0];
		if (row === undefined) continue;
		const atMs = Number(row[0]);
		if (best === undefined || atMs > best.atMs) {
			best = {mode: entry.tags?.['mode'] ?? '', baudRate: Number(row[1]), atMs};
		}
	}
	return best === undefined ? undefined : {mode: best.mode, baudRate: best.baudRate};
}

function clock(started: number): string {
	const seconds = Math.round((Date.now() - started) / 1000);
	return `[${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}]`;
}

function status(started: number, meters: readonly SoakMeter[], collector: SoakCollector): string {
	const sent = meters.map((meter) => `${meter.telegrams.length} transmissions`).join(' + ');
	return `${clock(started)} ${sent}; ${collector.kills.length} kills; collector start ${collector.incarnations}`;
}
