import {firstTickOffsets} from '../../src/daemon/first-tick-offsets.ts';
import type {CollectorLogSummary, LoggedReadout} from './collector-log.ts';
import type {FleetMeter} from './fleet-mix.ts';
import {cpuPercent, type ProcessSample} from './process-sample.ts';
import {histogramQuantile, type ScrapedSample, sumOf} from './prometheus-scrape.ts';

/** A readout counts as on time when it began at most this long after its tick, ms. */
export const ON_TIME_MS = 2000;

export interface FleetInput {
	readonly meters: readonly FleetMeter[];
	readonly database: string;
	readonly minutes: number;
	readonly startedAt: number;
	readonly endedAt: number;
	readonly log: CollectorLogSummary;
	readonly firstScrape: readonly ScrapedSample[];
	readonly lastScrape: readonly ScrapedSample[];
	readonly collectorSamples: readonly ProcessSample[];
	readonly farmSamples: readonly (readonly ProcessSample[])[];
	readonly loads: readonly {atMs: number; load: number}[];
	readonly spool: readonly {atMs: number; bytes: number}[];
	readonly storedPoints: number;
	readonly collectorExitCode: number | null;
	/** Whether the collector spreads the first ticks of its meters (firstTickOffsets). */
	readonly spreadTicks: boolean;
	readonly cores: number;
	readonly cpuModel: string;
}

export interface KindFigures {
	readonly profile: string;
	readonly line: string;
	readonly meters: number;
	readonly everySeconds: number;
	readonly ticks: number;
	readonly onTimeOk: number;
	readonly readoutSecondsP50: number;
	readonly readoutSecondsMax: number;
}

export interface FleetFigures {
	readonly date: string;
	readonly machine: string;
	readonly database: string;
	readonly meters: number;
	readonly minutes: number;
	/** Ticks whose full cycle lay inside the run, and those read ok, starting within ON_TIME_MS. */
	readonly ticks: number;
	readonly onTimeOk: number;
	readonly onTimeOkPercent: number;
	/** Start of a readout after its tick, ms. */
	readonly startLatenessMsP50: number;
	readonly startLatenessMsP99: number;
	/** From the end of a readout's data until its points were spooled (link closed, points mapped, fsync), ms. */
	readonly storeMsP50: number;
	readonly storeMsP99: number;
	readonly readoutsOk: number;
	readonly readoutsFailed: number;
	readonly failuresByKind: Record<string, number>;
	/** Failed readouts logged in the first minute (start-up: every simulator and the collector warming up) and after. */
	readonly failuresLoggedFirstMinute: number;
	readonly failuresLoggedLater: number;
	readonly skippedTicks: number;
	readonly writeLatencyMsP50: number | undefined;
	readonly writeLatencyMsP99: number | undefined;
	readonly writes: number;
	readonly pointsSent: number;
	readonly storedPoints: number;
	readonly spoolBytesMax: number;
	readonly spoolBytesByTenth: number[];
	readonly spoolBytesAtEnd: number;
	readonly collectorRssMbStart: number;
	readonly collectorRssMbMax: number;
	readonly collectorRssMbEnd: number;
	readonly collectorRssMbByTenth: number[];
	readonly collectorCpuPercent: number;
	readonly farmCpuPercent: number;
	/** The largest RSS of a simulator process, MB. */
	readonly farmRssMbMax: number;
	readonly loadAverageMin: number;
	readonly loadAverageMean: number;
	readonly loadAverageMax: number;
	readonly collectorExitCode: number | null;
	readonly kinds: KindFigures[];
	readonly problems: Record<string, number>;
}

/** Turns what the run collected into the figures it prints. */
export function fleetFigures(input: FleetInput): FleetFigures {
	const byMeter = new Map<string, LoggedReadout[]>();
	for (const readout of input.log.readouts) {
		const list = byMeter.get(readout.meter) ?? [];
		list.push(readout);
		byMeter.set(readout.meter, list);
	}
	// The jobs start together, each after its spread offset (as the collector computes it); the first
	// tick is the first whole second after that.
	const started = Math.ceil(((input.log.startedMs ?? input.startedAt) - 50) / 1000) * 1000;
	const offsets = input.spreadTicks
		? firstTickOffsets(
				input.meters.map((meter) => ({cycleMs: meter.kind.everySeconds * 1000, movable: true})),
			)
		: input.meters.map(() => 0);
	const lateness: number[] = [];
	const storing: number[] = [];
	const kinds = new Map<string, {ticks: number; onTimeOk: number; durations: number[]; meters: number}>();
	let ticks = 0;
	let onTimeOk = 0;
	for (const [meterIndex, meter] of input.meters.entries()) {
		const cycleMs = meter.kind.everySeconds * 1000;
		const firstTick = started + (offsets[meterIndex] ?? 0);
		const readouts = byMeter.get(meter.id) ?? [];
		const kind = kinds.get(meter.kind.profile) ?? {ticks: 0, onTimeOk: 0, durations: [], meters: 0};
		kind.meters++;
		kinds.set(meter.kind.profile, kind);
		for (const readout of readouts) {
			const index = Math.round((readout.startMs - firstTick) / cycleMs);
			lateness.push(readout.startMs - (firstTick + index * cycleMs));
			storing.push(readout.loggedMs - readout.readAtMs);
			kind.durations.push(readout.durationMs);
		}
		for (let tick = firstTick; tick + cycleMs <= input.endedAt; tick += cycleMs) {
			ticks++;
			kind.ticks++;
			const read = readouts.some(
				(readout) => readout.startMs >= tick - 1000 && readout.startMs < tick + ON_TIME_MS,
			);
			if (read) {
				onTimeOk++;
				kind.onTimeOk++;
			}
		}
	}
	const last = input.lastScrape;
	const failures: Record<string, number> = {};
	for (const sample of last) {
		if (sample.name === 'dlms_logger_readout_failures_total' && sample.value > 0) {
			const failure = sample.labels['failure'] ?? '?';
			failures[failure] = (failures[failure] ?? 0) + sample.value;
		}
	}
	const samples = input.collectorSamples;
	const firstSample = samples[0];
	const lastSample = samples.at(-1);
	const farmCpu = input.farmSamples.reduce((total, list) => {
		const [a, b] = [list[0], list.at(-1)];
		return total + (a && b ? cpuPercent(a, b) : 0);
	}, 0);
	const loads = input.loads.map((entry) => entry.load);
	const spool = input.spool.map((entry) => entry.bytes);
	const tenths = (values: readonly number[]) =>
		Array.from({length: 10}, (_, index) => {
			const from = Math.floor((index * values.length) / 10);
			const to = Math.max(from + 1, Math.floor(((index + 1) * values.length) / 10));
			return Math.max(0, ...values.slice(from, to));
		});
	const p50 = histogramQuantile(0.5, [], last, 'dlms_logger_write_duration_seconds');
	const p99 = histogramQuantile(0.99, [], last, 'dlms_logger_write_duration_seconds');
	return {
		date: new Date(input.startedAt).toISOString(),
		machine: `${input.cores} cores, ${input.cpuModel}`,
		database: input.database,
		meters: input.meters.length,
		minutes: round(input.minutes, 1),
		ticks,
		onTimeOk,
		onTimeOkPercent: ticks === 0 ? 0 : round((onTimeOk / ticks) * 100, 2),
		startLatenessMsP50: Math.round(quantile(lateness, 0.5)),
		startLatenessMsP99: Math.round(quantile(lateness, 0.99)),
		storeMsP50: Math.round(quantile(storing, 0.5)),
		storeMsP99: Math.round(quantile(storing, 0.99)),
		readoutsOk: sumOf(last, 'dlms_logger_readouts_total', {result: 'ok'}),
		readoutsFailed: sumOf(last, 'dlms_logger_readouts_total', {result: 'failed'}),
		failuresByKind: failures,
		failuresLoggedFirstMinute: input.log.failureTimes.filter((time) => time < input.startedAt + 60_000)
			.length,
		failuresLoggedLater: input.log.failureTimes.filter((time) => time >= input.startedAt + 60_000).length,
		skippedTicks: sumOf(last, 'dlms_logger_readouts_total', {result: 'skipped'}),
		writeLatencyMsP50: p50 === undefined ? undefined : round(p50 * 1000, 1),
		writeLatencyMsP99: p99 === undefined ? undefined : round(p99 * 1000, 1),
		writes: sumOf(last, 'dlms_logger_write_duration_seconds_count'),
		pointsSent: sumOf(last, 'dlms_logger_points_sent_total'),
		storedPoints: input.storedPoints,
		spoolBytesMax: Math.max(0, ...spool),
		spoolBytesByTenth: tenths(spool),
		spoolBytesAtEnd: spool.at(-1) ?? 0,
		collectorRssMbStart: round((firstSample?.rssKiB ?? 0) / 1024, 1),
		collectorRssMbMax: round(Math.max(0, ...samples.map((sample) => sample.rssKiB)) / 1024, 1),
		collectorRssMbEnd: round((lastSample?.rssKiB ?? 0) / 1024, 1),
		collectorRssMbByTenth: tenths(samples.map((sample) => sample.rssKiB)).map((kiB) => round(kiB / 1024, 1)),
		collectorCpuPercent: firstSample && lastSample ? round(cpuPercent(firstSample, lastSample), 2) : 0,
		farmCpuPercent: round(farmCpu, 1),
		farmRssMbMax: round(Math.max(0, ...input.farmSamples.flat().map((sample) => sample.rssKiB)) / 1024, 1),
		loadAverageMin: round(Math.min(...loads), 2),
		loadAverageMean: round(loads.reduce((total, value) => total + value, 0) / Math.max(1, loads.length), 2),
		loadAverageMax: round(Math.max(...loads), 2),
		collectorExitCode: input.collectorExitCode,
		kinds: [...kinds.entries()].map(([profile, kind]) => {
			const meter = input.meters.find((candidate) => candidate.kind.profile === profile) as FleetMeter;
			return {
				profile,
				line: meter.kind.line,
				meters: kind.meters,
				everySeconds: meter.kind.everySeconds,
				ticks: kind.ticks,
				onTimeOk: kind.onTimeOk,
				readoutSecondsP50: round(quantile(kind.durations, 0.5) / 1000, 2),
				readoutSecondsMax: round(Math.max(0, ...kind.durations) / 1000, 2),
			};
		}),
		problems: Object.fromEntries(input.log.problems),
	};
}

/** The figures as a few lines of text. */
export function formatFleetReport(figures: FleetFigures): string {
	const ms = (value: number | undefined) => (value === undefined ? '-' : `${value} ms`);
	const lines = [
		'',
		`fleet: ${figures.meters} meters into ${figures.database} for ${figures.minutes} min (${figures.date}; ${figures.machine})`,
		`readouts on time and ok: ${figures.onTimeOk} of ${figures.ticks} ticks (${figures.onTimeOkPercent} %); start after tick p50 ${figures.startLatenessMsP50} ms, p99 ${figures.startLatenessMsP99} ms; end of data to points spooled p50 ${figures.storeMsP50} ms, p99 ${figures.storeMsP99} ms`,
		`readouts: ${figures.readoutsOk} ok, ${figures.readoutsFailed} failed ${JSON.stringify(figures.failuresByKind)} (logged: ${figures.failuresLoggedFirstMinute} in the first minute, ${figures.failuresLoggedLater} after), ${figures.skippedTicks} ticks skipped`,
		`writes: ${figures.writes} requests, latency p50 ${ms(figures.writeLatencyMsP50)}, p99 ${ms(figures.writeLatencyMsP99)}; ${figures.pointsSent} points acknowledged, ${figures.storedPoints} meter points in the database`,
		`spool depth (bytes, max per tenth of the run): ${figures.spoolBytesByTenth.join(' ')}; at the end ${figures.spoolBytesAtEnd}`,
		`collector: RSS ${figures.collectorRssMbStart} MB at start, ${figures.collectorRssMbMax} MB max, ${figures.collectorRssMbEnd} MB at the end (max per tenth: ${figures.collectorRssMbByTenth.join(' ')}); CPU ${figures.collectorCpuPercent} % of one core; exit ${figures.collectorExitCode}`,
		`simulators: CPU ${figures.farmCpuPercent} % of one core, RSS up to ${figures.farmRssMbMax} MB a process; load average min/mean/max ${figures.loadAverageMin}/${figures.loadAverageMean}/${figures.loadAverageMax}`,
		'',
		'profile          line                              meters  every  ticks  on time+ok  readout p50/max (s)',
		...figures.kinds.map(
			(kind) =>
				`${kind.profile.padEnd(16)} ${kind.line.padEnd(33)} ${String(kind.meters).padStart(6)} ${`${kind.everySeconds}s`.padStart(6)} ${String(kind.ticks).padStart(6)} ${String(kind.onTimeOk).padStart(10)}  ${kind.readoutSecondsP50}/${kind.readoutSecondsMax}`,
		),
		'',
		...(Object.keys(figures.problems).length === 0
			? ['no warnings or errors logged']
			: [
					'warnings and errors logged:',
					...Object.entries(figures.problems).map(([message, count]) => `  ${count} × ${message}`),
				]),
		'',
	];
	return lines.join('\n');
}

function quantile(values: readonly number[], q: number): number {
	if (values.length === 0) return 0;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function round(value: number, digits: number): number {
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}
