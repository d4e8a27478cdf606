import {isAbsolute, resolve} from 'node:path';
import type {Writable} from 'node:stream';
import type {LoadedConfig} from '../config/config-loader.ts';
import {byteSize} from '../observability/byte-size.ts';
import {ClockOffsetWarning} from '../observability/clock-offset-warning.ts';
import {CycleHealthPolicy} from '../observability/health-policy.ts';
import type {HealthServer} from '../observability/health-server.ts';
import {plural} from '../observability/plural.ts';
import {SelfMetrics} from '../observability/self-metrics.ts';
import type {DeadLetterReport} from '../output/dead-letter-report.ts';
import {LineProtocolStreamSink} from '../output/line-protocol-stream-sink.ts';
import type {LineSpool} from '../output/line-spool.ts';
import type {PointSink} from '../output/point-sink.ts';
import type {SignOnPart} from '../output/raw-archive.ts';
import type {SpoolEvent} from '../output/spooled-sink.ts';
import type {Link} from '../transport/link.ts';
import {createLink} from '../transport/link-from-port.ts';
import {type CollectorLog, logJobEvent, logSpoolEvent} from './collector-log-lines.ts';
import {firstTickOffsets} from './first-tick-offsets.ts';
import {hostTimeZone, isUtcZone, utcAssumptionNote} from './host-time-zone.ts';
import {influxTargetFromConfig} from './influx-target-from-config.ts';
import {MeterJob, type MeterJobEvent} from './meter-job.ts';
import {PortLock} from './port-lock.ts';
import {isSimulatorPort} from './simulator-port-name.ts';
import {assertStartable, configBase} from './startup-checks.ts';

export interface CollectorDependencies {
	/** The process's working directory (the embedded default's relative paths start there). */
	readonly workingDirectory: string;
	/** Where points go when no InfluxDB is configured (line protocol). */
	readonly stdout: Writable;
	readonly log: CollectorLog;
	/** Job events, for self-metrics and tests. */
	readonly onJobEvent?: (event: MeterJobEvent) => void;
	/** Spool events, for self-metrics and tests. */
	readonly onSpoolEvent?: (event: SpoolEvent) => void;
	/** The host's IANA zone, for meters without one; tests pass one. Default: the runtime's. */
	readonly hostTimeZone?: string;
	/** How often the spool depth is logged while the server is unavailable, ms. Default 60 000. */
	readonly spoolReportEveryMs?: number;
	/** Start the meters' schedules. Default true; `run --once` ticks each job itself. */
	readonly schedule?: boolean;
	/** How links are made; tests swap it. Default: serial / tcp / `simulator:` ports. */
	readonly openLink?: (port: string) => Link;
}

export interface Collector {
	readonly jobs: readonly MeterJob[];
	readonly sink: PointSink;
	readonly metrics: SelfMetrics;
	/** The health endpoint, when configured. */
	readonly health: HealthServer | undefined;
	/** The spool in front of InfluxDB (unsent points, where), when configured. */
	readonly spool: Pick<LineSpool, 'directory' | 'pendingLines' | 'pendingBytes'> | undefined;
	/** Stops the jobs (aborting readouts, closing ports), flushes and closes the sink. Resolves true when nothing was left unsent. */
	stop(options?: {flushTimeoutMs?: number}): Promise<boolean>;
}

/**
 * The composition root: sinks first, then one job per meter; stopping goes the other way (jobs
 * first, then flush and close the sink). One meter failing never stops another: each job reports
 * its failures as events and keeps its schedule.
 */
export async function startCollector(loaded: LoadedConfig, deps: CollectorDependencies): Promise<Collector> {
	const {config} = loaded;
	const metrics = new SelfMetrics();
	// Relative paths in a file are relative to that file; in the embedded default, to the working directory.
	const base = configBase(loaded, deps.workingDirectory);
	// The checks check-config runs too: a configuration that passes it starts.
	await assertStartable(loaded, base);
	// While the server is away: since when, for the periodic spool depth line.
	let unavailableSince: Date | undefined;
	const {sink, spool, target, deadLetters} = await openSink(loaded, base, deps, metrics, (event) => {
		if (event.kind === 'unavailable') unavailableSince ??= new Date();
		else if (event.kind === 'sent' || event.kind === 'recovered') unavailableSince = undefined;
	});
	const spoolReportTimer =
		spool === undefined
			? undefined
			: setInterval(() => {
					if (unavailableSince === undefined) return;
					deps.log.warn(
						`${spoolDepth(spool)} wait in the spool for ${target}, unavailable since ${unavailableSince.toISOString()}`,
						{spoolPoints: spool.pendingLines, spoolBytes: spool.pendingBytes},
					);
				}, deps.spoolReportEveryMs ?? 60_000);
	spoolReportTimer?.unref();
	if (spool) metrics.observeSpool(spool);
	// Optional parts are loaded only when configured: the collector's memory is what its configuration
	// needs (the archive's gzip, the health server's HTTP, the spool and the InfluxDB client).
	const archive =
		config.archive === undefined
			? undefined
			: new (await import('../output/raw-archive.ts')).RawArchive({
					directory: isAbsolute(config.archive.directory)
						? config.archive.directory
						: resolve(base, config.archive.directory),
					onWarning: (message) => deps.log.warn(message),
				});
	const simulated: {close(): Promise<void>}[] = [];
	const links = new Map<string, Link>();
	const portLock = new PortLock();
	// One rule everywhere (run, read, parse, simulate): the configured zone, else the host's.
	const hostZone = deps.hostTimeZone ?? hostTimeZone();
	const jobs: MeterJob[] = [];
	const clockWarning = new ClockOffsetWarning();
	try {
		for (const [index, meter] of config.meters.entries()) {
			const timeZone = meter.timezone ?? config.timezone ?? hostZone;
			let link = links.get(meter.port);
			if (link === undefined) {
				if (isSimulatorPort(meter.port)) {
					// Loaded on demand: a collector of real meters does not carry the simulator.
					const {openSimulatedPort} = await import('./simulated-port.ts');
					// Its clock in the zone it is read in (the host's without a setting), as `simulate` does.
					const port = await openSimulatedPort(meter.port, timeZone);
					simulated.push(port);
					link = port.link;
				} else {
					link = (deps.openLink ?? createLink)(meter.port);
				}
				links.set(meter.port, link);
			}
			const zoneSetting =
				meter.timezone !== undefined
					? `\`meters[${index}].timezone\``
					: config.timezone !== undefined
						? '`timezone`'
						: 'the host zone (no `timezone` set)';
			metrics.addMeter(meter.id, {timeZone});
			jobs.push(
				new MeterJob({
					meter,
					timeZone,
					measurement: config.measurement,
					link,
					portLock,
					sink,
					onEvent: (event) => {
						logJobEvent(deps.log, event);
						recordJobEvent(metrics, event);
						// The offset self-metrics just derived from this readout's 0.9.1/0.9.2, if it had them.
						const offset = event.kind === 'read' ? metrics.clockOffsetSecondsOf(meter.id) : undefined;
						const warning =
							offset === undefined ? undefined : clockWarning.check(meter.id, offset, timeZone, zoneSetting);
						if (warning !== undefined) deps.log.warn(warning, {meter: meter.id, clockOffsetSeconds: offset});
						deps.onJobEvent?.(event);
					},
					...(archive === undefined
						? {}
						: {
								onRaw: (meterId: string, readAt: Date, bytes: Buffer, signOn: SignOnPart) =>
									archive.append(meterId, readAt, bytes, signOn),
							}),
				}),
			);
		}
	} catch (error) {
		clearInterval(spoolReportTimer);
		await sink.close();
		for (const port of simulated) await port.close();
		throw error;
	}
	let health: HealthServer | undefined;
	if (config.health) {
		const [host, port] = splitListen(config.health.listen);
		const policy = new CycleHealthPolicy({
			meters: jobs.map((job) => ({meterId: job.id, cycleMs: job.cycleMs})),
			activity: metrics,
			startedAt: new Date(),
			missedCycles: config.health.unhealthy_after_cycles,
		});
		const {startHealthServer} = await import('../observability/health-server.ts');
		health = await startHealthServer({host, port, metrics, isHealthy: policy});
		deps.log.info(`health endpoint on ${health.url} (/healthz, /metrics)`);
	}
	// The collector's own metrics, as points of their own measurement.
	const {instance} = config.self_metrics;
	const selfMetricTags: Record<string, string> = instance === undefined ? {} : {instance};
	const writeSelfMetrics = () =>
		sink
			.write(metrics.toPoints(config.self_metrics.measurement, new Date(), selfMetricTags))
			.catch((error: unknown) => {
				deps.log.warn(`self-metrics not stored: ${(error as Error).message}`);
			});
	const selfMetricsTimer = setInterval(writeSelfMetrics, config.self_metrics.every);
	const unzoned = config.meters.filter((meter) => (meter.timezone ?? config.timezone) === undefined);
	if (unzoned.length > 0 && isUtcZone(hostZone)) {
		deps.log.info(utcAssumptionNote(unzoned.map((meter) => meter.id)));
	}
	if (deps.schedule !== false) {
		const offsets = firstTickOffsets(jobs.map((job) => ({cycleMs: job.cycleMs, movable: job.movable})));
		for (const [index, job] of jobs.entries()) job.start(offsets[index]);
		// A cron meter (*/15) may not read for a while: say when each will, so a quiet start is not a mystery.
		const now = Date.now();
		for (const job of jobs) {
			const at = job.firstReadoutAt;
			if (at !== undefined && at.getTime() - now >= FIRST_READOUT_NOTE_MS) {
				deps.log.info(`${job.id}: first readout at ${at.toISOString()} (${inTime(at.getTime() - now)})`);
			}
		}
	}
	deps.log.info(`collector started: ${plural(jobs.length, 'meter')}`, {
		meters: jobs.map((job) => job.id),
		output: config.influxdb ? config.influxdb.url : 'stdout (line protocol)',
	});

	let stopping: Promise<boolean> | undefined;
	return {
		jobs,
		sink,
		metrics,
		health,
		spool,
		stop(options = {}) {
			stopping ??= (async () => {
				clearInterval(selfMetricsTimer);
				clearInterval(spoolReportTimer);
				for (const job of jobs) job.pause();
				await Promise.all(jobs.map((job) => job.stop()));
				await health?.close();
				const flushed = await withTimeout(sink.flush(), options.flushTimeoutMs ?? 5000, false);
				await withTimeout(sink.close(), 2000, undefined);
				for (const port of simulated) await port.close();
				// The reasons were logged as they came; the last word says how many and where.
				const refused = deadLetters?.brief();
				deps.log.info(
					(flushed || spool === undefined
						? 'collector stopped; nothing left unsent'
						: `collector stopped; ${spoolDepth(spool)} wait in the spool ${spool.directory}, sent at the next start`) +
						(spool === undefined || spool.dropped === 0
							? ''
							: `; ${plural(spool.dropped, 'point')} dropped unsent at spool.max_size since start`) +
						(refused === undefined ? '' : `; ${refused}`),
				);
				return flushed;
			})();
			return stopping;
		},
	};
}

async function openSink(
	loaded: LoadedConfig,
	base: string,
	deps: CollectorDependencies,
	metrics: SelfMetrics,
	onSpoolEvent: (event: SpoolEvent) => void,
): Promise<{sink: PointSink; spool?: LineSpool; target?: string; deadLetters?: DeadLetterReport}> {
	const {config} = loaded;
	if (config.influxdb === undefined) return {sink: new LineProtocolStreamSink(deps.stdout)};
	const [
		{LineSpool},
		{SpooledSink},
		{HistoryLedger},
		{acknowledgingSender, HistoryOnceSink},
		{InfluxLineWriter},
		{DeadLetterReport},
	] = await Promise.all([
		import('../output/line-spool.ts'),
		import('../output/spooled-sink.ts'),
		import('../output/history-ledger.ts'),
		import('../output/history-once-sink.ts'),
		import('../output/influx-line-writer.ts'),
		import('../output/dead-letter-report.ts'),
	]);
	const directory = isAbsolute(config.spool.directory)
		? config.spool.directory
		: resolve(base, config.spool.directory);
	const spool = await LineSpool.open({
		directory,
		maxBytes: config.spool.max_size,
		onWarning: (message) => deps.log.warn(message),
	});
	const writer = new InfluxLineWriter(influxTargetFromConfig(config.influxdb, loaded.secrets), {
		timeoutMs: config.influxdb.timeout,
	});
	// Billing history goes out once, and again only when it changes (the ledger lives beside the spool).
	const ledger = await HistoryLedger.open({directory, onWarning: (message) => deps.log.warn(message)});
	const deadLetters = new DeadLetterReport();
	const spooled = new SpooledSink({
		spool,
		sender: acknowledgingSender(writer, ledger),
		batchLines: config.influxdb.batch_lines,
		onEvent: (event) => {
			logSpoolEvent(deps.log, event, writer.description, deadLetters);
			metrics.recordSpoolEvent(event);
			onSpoolEvent(event);
			deps.onSpoolEvent?.(event);
		},
	});
	// Replay what the previous run left before new points arrive.
	spooled.start();
	return {sink: new HistoryOnceSink({sink: spooled, ledger}), spool, target: writer.description, deadLetters};
}

/** From how far away a first readout is worth a log line, ms: an `every: 60s` meter reads at once. */
const FIRST_READOUT_NOTE_MS = 60_000;

/** `in 12 min`, `in 3 h 5 min`, `in 2 d 4 h`: a wait, rounded to what matters. */
export function inTime(ms: number): string {
	const minutes = Math.round(ms / 60_000);
	if (minutes < 60) return `in ${minutes} min`;
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return `in ${hours} h${minutes % 60 === 0 ? '' : ` ${minutes % 60} min`}`;
	const days = Math.floor(hours / 24);
	return `in ${days} d${hours % 24 === 0 ? '' : ` ${hours % 24} h`}`;
}

/** `12 points (1.2 kB)`. */
function spoolDepth(spool: LineSpool): string {
	return `${plural(spool.pendingLines, 'point')} (${byteSize(spool.pendingBytes)})`;
}

function recordJobEvent(metrics: SelfMetrics, event: MeterJobEvent): void {
	if (event.kind === 'read') {
		metrics.recordReadout(event.meter, event.result);
		metrics.recordPlan(event.meter, {mode: event.result.mode, baudRate: event.result.baudRate});
		metrics.recordPointsWritten(event.meter, event.points);
	} else if (event.kind === 'failed') {
		metrics.recordFailure(event.meter, event.error);
	} else if (event.kind === 'overlap') {
		metrics.recordSkipped(event.meter);
	}
}

/** `127.0.0.1:9464` → host and port (validated by the schema). */
function splitListen(listen: string): [string, number] {
	const colon = listen.lastIndexOf(':');
	return [listen.slice(0, colon), Number(listen.slice(colon + 1))];
}

async function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<T>((resolve) => {
		timer = setTimeout(() => resolve(fallback), ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}
