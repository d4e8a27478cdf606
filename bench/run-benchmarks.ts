import {cpus, loadavg, totalmem} from 'node:os';
import {runBackfillReplay} from './backfill-replay.ts';
import {measureBareNodeMb} from './bare-node.ts';
import {
	type BenchmarkResult,
	failedRow,
	formatReport,
	oursAtMost,
	type ReportRow,
	ratioAtLeast,
	ratioAtMost,
	type Target,
} from './benchmark-report.ts';
import {measureDaemonFootprint} from './daemon-footprint.ts';
import {measureParseMemory} from './parse-memory.ts';
import {measureParseThroughput} from './parse-throughput.ts';
import {measureReadoutThroughput} from './readout-throughput.ts';
import {measureWriteThroughput} from './write-throughput.ts';

// `npm run bench`: every benchmark in turn, each printing its details as it ends, then one table of
// ratios measured in the same run. None of this runs in the test suite.
//   BENCH_ONLY=parse-memory,daemon  runs just those (names below)
//   BENCH_DAEMON_MINUTES=10         a longer collector run (default 2.5)
//   BENCH_BACKFILL_DAYS=60          a longer replay (default 30 here; `npm run bench:backfill` does a year)

/**
 * Days of archive the report's backfill replays: 30 days (43,200 readouts, ~860,000 points) take the
 * backfill ~3-4 s on a quiet machine against its ~0.6 s start-up (measured and printed apart), where 7
 * days were mostly start-up; generating the archive takes ~25 s of the row's ~1 minute.
 */
const REPORT_BACKFILL_DAYS = 30;

/** What the backfill replay returns: its figures (and text), or only its text. */
interface BackfillFigures {
	readonly ratio: number;
	readonly pointsPerSecond: number;
	readonly rawPostPointsPerSecond: number;
	/** Absent from a replay that prints no start-up line. */
	readonly startUpSeconds?: number;
	readonly text: string;
}

async function measureBackfill(): Promise<BenchmarkResult> {
	process.env['BENCH_BACKFILL_DAYS'] ??= String(REPORT_BACKFILL_DAYS);
	const days = Number(process.env['BENCH_BACKFILL_DAYS']);
	const replay: unknown = await runBackfillReplay();
	const figures = typeof replay === 'string' ? backfillFiguresFromText(replay) : (replay as BackfillFigures);
	const rate = (value: number) => `${Math.round(value).toLocaleString('en')} points/s`;
	return {
		detail: figures.text,
		rows: [
			{
				figure: `backfill, ${days} days of archive${figures.startUpSeconds === undefined || Number.isNaN(figures.startUpSeconds) ? '' : ` (${figures.startUpSeconds.toFixed(1)} s of it start-up)`}`,
				ours: rate(figures.pointsPerSecond),
				baseline: `raw line-protocol POST ${rate(figures.rawPostPointsPerSecond)}`,
				ratio: figures.ratio,
				value: Number.NaN,
				target: ratioAtLeast(0.8),
			},
		],
	};
}

/** The figures from the replay's printed lines, where it returns only those. */
function backfillFiguresFromText(text: string): BackfillFigures {
	const number = (pattern: RegExp) => Number(pattern.exec(text)?.[1]?.replaceAll(',', '') ?? Number.NaN);
	return {
		text,
		ratio: number(/backfill \/ raw POST\s+([\d.]+) x/),
		pointsPerSecond: number(/backfill \(spool, writer, influxd\).*?([\d,]+) points\/s/),
		rawPostPointsPerSecond: number(/raw line-protocol POST.*?([\d,]+) points\/s/),
	};
}

/** Each benchmark with the rows to show if it throws (the table then says "not measured"). */
const BENCHMARKS: readonly {
	readonly name: string;
	readonly run: (bareNodeMb: number) => Promise<BenchmarkResult> | BenchmarkResult;
	readonly onFailure: readonly {figure: string; target: Target}[];
}[] = [
	{
		name: 'parse',
		run: () => measureParseThroughput(),
		onFailure: [{figure: 'parse throughput', target: ratioAtLeast(10)}],
	},
	{
		name: 'parse-memory',
		run: (bareNodeMb) => measureParseMemory(bareNodeMb),
		onFailure: [{figure: 'parse peak RSS', target: oursAtMost(100, 'MB')}],
	},
	{
		name: 'readout',
		run: () => measureReadoutThroughput(),
		onFailure: [
			{figure: 'readout vs wire-time floor', target: ratioAtMost(1.05)},
			{figure: 'readout vs smartmeter-obis', target: ratioAtMost(1)},
		],
	},
	{
		name: 'write',
		run: () => measureWriteThroughput(),
		onFailure: [{figure: 'write vs raw POST', target: ratioAtLeast(0.8)}],
	},
	{
		name: 'backfill',
		run: () => measureBackfill(),
		onFailure: [{figure: 'backfill vs raw POST', target: ratioAtLeast(0.8)}],
	},
	{
		name: 'daemon',
		run: () => measureDaemonFootprint(),
		onFailure: [{figure: 'collector RSS', target: oursAtMost(60, 'MB')}],
	},
];

const only = process.env['BENCH_ONLY']?.split(',').map((name) => name.trim());
const unknown = only?.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name)) ?? [];
if (unknown.length > 0) {
	process.stderr.write(
		`BENCH_ONLY: unknown ${unknown.join(', ')}; one or more of ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')}\n`,
	);
	process.exit(2);
}

const started = new Date();
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const load = () => loadavg().map((value) => value.toFixed(2));
const bareNodeMb = await measureBareNodeMb();
process.stdout.write(
	`${started.toISOString()}: node ${process.version}, ${cpus().length} cores, ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ` +
		`load average ${load().join(' ')} at the start; bare node ${bareNodeMb.toFixed(1)} MB RSS\n\n`,
);
const rows: ReportRow[] = [];
for (const benchmark of BENCHMARKS) {
	if (only !== undefined && !only.includes(benchmark.name)) continue;
	try {
		const result = await benchmark.run(bareNodeMb);
		process.stdout.write(`${result.detail}\n\n`);
		rows.push(...result.rows);
	} catch (error) {
		process.stdout.write(`${benchmark.name}: failed: ${(error as Error).stack ?? String(error)}\n\n`);
		rows.push(...benchmark.onFailure.map(({figure, target}) => failedRow(figure, target, error)));
	}
}
const minutes = (Date.now() - started.getTime()) / 60_000;
process.stdout.write(
	`report: ${started.toISOString().slice(0, 10)}, ${cpus().length} cores (${cpu}), node ${process.version}; ` +
		`load average ${load().join(' ')} at the end; ${minutes.toFixed(1)} min\n${formatReport(rows)}\n`,
);
