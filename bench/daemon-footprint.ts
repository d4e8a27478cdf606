import {type ChildProcess, spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {type InfluxdServer, startInfluxd} from '../test/helpers/influxd-server.ts';
import {openPtyPair, type PtyPair} from '../test/helpers/pty-pair.ts';
import {cliNodeFlags, rssMb, startBareNode} from './bare-node.ts';
import {type BenchmarkResult, oursAtMost, oursBelow, type ReportRow} from './benchmark-report.ts';

const CLI = new URL('../src/cli/main.js', import.meta.url).pathname;
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
/** Default length of the run, minutes: long enough for 15 readouts a collector; BENCH_DAEMON_MINUTES for more. */
const DEFAULT_MINUTES = 2.5;
/** Let the processes start up before sampling, ms. */
const SETTLE_MS = 3000;

interface Sample {
	readonly atMs: number;
	readonly cpuTicks: number;
	readonly rssMb: number;
}

function sample(pid: number): Sample {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after the command name (which may hold spaces) start after the last ')'.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return {atMs: Date.now(), cpuTicks: Number(fields[11]) + Number(fields[12]), rssMb: rssMb(pid)};
}

/** A collector under test: its process, what it logged, and its samples. */
interface Collector {
	readonly name: string;
	readonly process: ChildProcess;
	readonly readouts: {endMs: number; durationMs: number}[];
	readonly problems: string[];
	readonly samples: Sample[];
}

/** What one process's samples say. */
interface Footprint {
	readonly peakMb: number;
	readonly meanMb: number;
	readonly lastMb: number;
	/** CPU time over wall time, %. */
	readonly meanCpu: number;
	/** The same over the seconds that overlap no readout (±0.5 s), %. */
	readonly idleCpu: number;
}

function footprint(
	samples: readonly Sample[],
	readouts: readonly {endMs: number; durationMs: number}[],
): Footprint {
	const rss = samples.map((entry) => entry.rssMb);
	const first = samples[0] as Sample;
	const last = samples.at(-1) as Sample;
	const meanCpu =
		((last.cpuTicks - first.cpuTicks) / TICKS_PER_SECOND / ((last.atMs - first.atMs) / 1000)) * 100;
	const busy = (from: number, to: number) =>
		readouts.some((readout) => from < readout.endMs + 500 && to > readout.endMs - readout.durationMs - 500);
	let idleTicks = 0;
	let idleMs = 0;
	for (let index = 1; index < samples.length; index++) {
		const before = samples[index - 1] as Sample;
		const after = samples[index] as Sample;
		if (busy(before.atMs, after.atMs)) continue;
		idleTicks += after.cpuTicks - before.cpuTicks;
		idleMs += after.atMs - before.atMs;
	}
	return {
		peakMb: Math.max(...rss),
		meanMb: rss.reduce((sum, value) => sum + value, 0) / rss.length,
		lastMb: rss.at(-1) ?? Number.NaN,
		meanCpu,
		idleCpu: idleMs === 0 ? Number.NaN : (idleTicks / TICKS_PER_SECOND / (idleMs / 1000)) * 100,
	};
}

/** Starts `dlms-logger run` on `config` as the bin starts it (the shebang's flags); JSON logs parsed. */
function startCollector(name: string, config: string): Collector {
	const child = spawn(process.execPath, [...cliNodeFlags(), CLI, 'run', '--config', config], {
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	const collector: Collector = {name, process: child, readouts: [], problems: [], samples: []};
	let pending = '';
	child.stderr?.on('data', (chunk: Buffer) => {
		const lines = (pending + chunk.toString()).split('\n');
		pending = lines.pop() ?? '';
		for (const line of lines) {
			let entry: {level?: string; time?: string; msg?: string; durationMs?: number};
			try {
				entry = JSON.parse(line) as typeof entry;
			} catch {
				collector.problems.push(line);
				continue;
			}
			if (/: read \d+ points?$/.test(entry.msg ?? '') && entry.time !== undefined) {
				collector.readouts.push({endMs: Date.parse(entry.time), durationMs: entry.durationMs ?? 0});
			}
			if (entry.level === 'warn' || entry.level === 'error') collector.problems.push(entry.msg ?? line);
		}
	});
	return collector;
}

/**
 * The collector's footprint while reading one meter every 10 s: `dlms-logger run` as a process (with
 * its shebang's flags), the simulated ZMD120 in another process (`dlms-logger simulate`) on a socat
 * pty pair. Two collectors run side by side, one printing line protocol to stdout (discarded), one
 * writing into influxd 1.6.7 through its spool, and an idle bare node process as the baseline; all
 * three are sampled together once a second (RSS from /proc VmRSS, CPU from /proc stat) for
 * BENCH_DAEMON_MINUTES (default 2.5). Targets: RSS <= 60 MB, CPU between readouts < 0.5 %.
 */
export async function measureDaemonFootprint(
	minutes = Number(process.env['BENCH_DAEMON_MINUTES'] ?? DEFAULT_MINUTES),
): Promise<BenchmarkResult> {
	const directory = await mkdtemp(join(tmpdir(), 'dlms-bench-daemon-'));
	const ptys: PtyPair[] = [];
	const children: ChildProcess[] = [];
	let influxd: InfluxdServer | undefined;
	try {
		influxd = await startInfluxd();
		await influxd.createDatabase('bench');
		const configs: {name: string; yaml: string[]}[] = [
			{name: 'to stdout', yaml: []},
			{
				name: 'into influxd',
				yaml: [
					'influxdb:',
					`  url: ${influxd.url}`,
					'  version: "1"',
					'  database: bench',
					'spool:',
					`  directory: ${join(directory, 'spool')}`,
				],
			},
		];
		const collectors: Collector[] = [];
		for (const [index, {name, yaml}] of configs.entries()) {
			const pty = await openPtyPair();
			ptys.push(pty);
			children.push(
				// The meter's clock in the zone the collector reads it in (below), as on a real site.
				spawn(
					process.execPath,
					[CLI, 'simulate', '--serial', pty.meterPath, '--profile', 'zmd120', '--timezone', 'Europe/Berlin'],
					{
						stdio: 'ignore',
					},
				),
			);
			const config = join(directory, `config-${index}.yaml`);
			await writeFile(
				config,
				[
					'log:',
					'  format: json',
					...yaml,
					'meters:',
					'  - id: bench',
					`    port: ${pty.hostPath}`,
					'    timezone: Europe/Berlin',
					'    every: 10s',
					'',
				].join('\n'),
			);
			collectors.push(startCollector(name, config));
		}
		for (const collector of collectors) children.push(collector.process);
		const bare = startBareNode();
		children.push(bare);
		const bareSamples: Sample[] = [];

		const end = Date.now() + SETTLE_MS + minutes * 60_000;
		await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
		while (Date.now() < end) {
			for (const collector of collectors) collector.samples.push(sample(collector.process.pid as number));
			bareSamples.push(sample(bare.pid as number));
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
		for (const collector of collectors) collector.process.kill('SIGTERM');
		await Promise.all(
			collectors.map((collector) => new Promise((resolve) => collector.process.once('close', resolve))),
		);
		const [stored] = await influxd.query('SELECT count("value") FROM "meter"', 'bench');

		const base = footprint(bareSamples, []);
		const lines = [
			`daemon: ${minutes} min, one meter every 10 s over a pty (simulator in its own process), two collectors side by side`,
			`  bare node (idle, same flags)  RSS mean ${base.meanMb.toFixed(1)} MB, peak ${base.peakMb.toFixed(1)} MB; CPU ${base.meanCpu.toFixed(3)} %`,
		];
		const rows: ReportRow[] = [];
		for (const collector of collectors) {
			const figures = footprint(collector.samples, collector.readouts);
			const meanDuration =
				collector.readouts.reduce((sum, readout) => sum + readout.durationMs, 0) /
				Math.max(1, collector.readouts.length);
			lines.push(
				`  collector ${collector.name}`,
				`    readouts ${collector.readouts.length} ok, ${collector.problems.length} warnings/errors, mean readout ${(meanDuration / 1000).toFixed(2)} s` +
					(collector.name === 'into influxd' ? `, ${String(stored?.values[0]?.[1] ?? 0)} points stored` : ''),
				...collector.problems.slice(0, 3).map((problem) => `      ${problem}`),
				`    RSS  peak ${figures.peakMb.toFixed(1)} MB, mean ${figures.meanMb.toFixed(1)} MB, last ${figures.lastMb.toFixed(1)} MB (target <= 60 MB); bare node + ${(figures.meanMb - base.meanMb).toFixed(1)} MB`,
				`    CPU  mean ${figures.meanCpu.toFixed(2)} %, between readouts ${figures.idleCpu.toFixed(3)} % (target < 0.5 %)`,
			);
			// No readout means the figure describes an idle process, not a collector: report it as unmeasured.
			const measured = collector.readouts.length > 0;
			rows.push({
				figure: `collector RSS (peak), 1 meter every 10 s, ${collector.name}`,
				ours: `${figures.peakMb.toFixed(1)} MB (mean ${figures.meanMb.toFixed(1)})${measured ? '' : ', no readout'}`,
				baseline: `bare node ${base.meanMb.toFixed(1)} MB`,
				ratio: figures.peakMb / base.meanMb,
				value: measured ? figures.peakMb : Number.NaN,
				target: oursAtMost(60, 'MB'),
			});
			if (collector.name === 'into influxd') {
				rows.push({
					figure: `collector CPU between readouts, ${collector.name}`,
					ours: `${figures.idleCpu.toFixed(3)} % (mean ${figures.meanCpu.toFixed(2)} %)`,
					baseline: `bare node ${base.meanCpu.toFixed(3)} %`,
					// An idle bare node uses next to nothing: a ratio to it would mean nothing.
					ratio: Number.NaN,
					value: measured ? figures.idleCpu : Number.NaN,
					target: oursBelow(0.5, '%'),
				});
			}
		}
		return {detail: lines.join('\n'), rows};
	} finally {
		for (const child of children)
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		for (const pty of ptys) await pty.close();
		await influxd?.stop();
		await rm(directory, {recursive: true, force: true});
	}
}

/** The footprint figures as text (what `npm run bench` printed before it had a report). */
export async function runDaemonFootprint(minutes?: number): Promise<string> {
	return (await measureDaemonFootprint(minutes)).detail;
}
