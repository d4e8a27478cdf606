import {spawn} from 'node:child_process';
import {createReadStream, createWriteStream, readFileSync} from 'node:fs';
import {mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {cpus, loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {writeSyntheticArchive} from '../src/simulator/synthetic-archive.ts';
import {createZmd120Profile} from '../src/simulator/zmd120-profile.ts';
import {startInfluxd} from '../test/helpers/influxd-server.ts';

// The built CLI: beside this file's tree when it runs compiled (dist/bench), else in dist/.
const CLI = new URL(
	import.meta.url.includes('/dist/bench/') ? '../src/cli/main.js' : '../dist/src/cli/main.js',
	import.meta.url,
).pathname;
const READOUT_EVERY_MS = 60_000;
/**
 * The archived meter's installation, weeks before the year replayed (2025): its registers count from
 * here, so every readout holds the digits a working meter's would (energy by tariff, peaks with their
 * stamps, monthly billing resets), not the zeros of a meter not yet installed.
 */
const INSTALLED_AT = new Date('2024-11-14T09:20:00Z');
/** The first readout of the archive. */
const FROM_MS = Date.UTC(2025, 0, 1);
const BATCH = 5000;

interface ChildRun {
	readonly seconds: number;
	readonly code: number | null;
	/** VmHWM: the child's peak resident set, KiB (sampled until it exits). */
	readonly peakRssKiB: number;
	/** CPU time the child used (user + system), s, as last sampled (every 100 ms) before it exited. */
	readonly cpuSeconds: number;
	readonly stderr: string;
}

/** Runs the built CLI, stdout to a file (or discarded), sampling its peak RSS. */
async function runCli(args: readonly string[], stdoutFile?: string): Promise<ChildRun> {
	const started = process.hrtime.bigint();
	// With the flags of the CLI's shebang (a 1 MB young generation), as users run it.
	const child = spawn(process.execPath, ['--max-semi-space-size=1', CLI, ...args], {
		stdio: ['ignore', stdoutFile ? 'pipe' : 'ignore', 'pipe'],
	});
	if (stdoutFile && child.stdout) child.stdout.pipe(createWriteStream(stdoutFile));
	const stderr: Buffer[] = [];
	child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
	let peakRssKiB = 0;
	let cpuSeconds = 0;
	const timer = setInterval(() => {
		try {
			const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
			peakRssKiB = Math.max(peakRssKiB, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0));
			cpuSeconds = processCpuSeconds(child.pid ?? 0);
		} catch {
			// exited between two samples
		}
	}, 100);
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	clearInterval(timer);
	return {
		seconds: Number(process.hrtime.bigint() - started) / 1e9,
		code,
		peakRssKiB,
		cpuSeconds,
		stderr: Buffer.concat(stderr).toString('utf8'),
	};
}

/** CPU time a process used so far (user + system, all its threads), s: /proc/PID/stat fields 14 and 15. */
function processCpuSeconds(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// The command name (field 2) may hold spaces: count the fields after its closing bracket.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** USER_HZ, the unit of /proc's CPU times (100 on Linux everywhere but a few old architectures). */
const CLOCK_TICKS = 100;

/** POSTs a line-protocol file to influxd in batches, as fast as one connection goes. */
async function rawPost(
	url: string,
	db: string,
	file: string,
): Promise<{seconds: number; lines: number; cpuSeconds: number}> {
	const started = process.hrtime.bigint();
	const cpuBefore = process.cpuUsage();
	let batch: string[] = [];
	let lines = 0;
	const post = async () => {
		const response = await fetch(`${url}/write?db=${db}&precision=s`, {
			method: 'POST',
			body: `${batch.join('\n')}\n`,
		});
		if (response.status !== 204)
			throw new Error(`raw POST: HTTP ${response.status}: ${await response.text()}`);
		batch = [];
	};
	for await (const line of createInterface({
		input: createReadStream(file),
		crlfDelay: Number.POSITIVE_INFINITY,
	})) {
		if (line === '') continue;
		batch.push(line);
		lines++;
		if (batch.length >= BATCH) await post();
	}
	if (batch.length > 0) await post();
	const cpu = process.cpuUsage(cpuBefore);
	return {
		seconds: Number(process.hrtime.bigint() - started) / 1e9,
		lines,
		cpuSeconds: (cpu.user + cpu.system) / 1e6,
	};
}

/** How much archive to replay. */
export interface BackfillReplayOptions {
	/** Readouts in the archive (one every 60 s). Default: `days` of them. */
	readonly readouts?: number;
	/** Days of archive, when `readouts` is not given. Default: BENCH_BACKFILL_DAYS, else 365. */
	readonly days?: number;
	/**
	 * A directory to keep the generated archive in and reuse when it already holds one of the same
	 * size (repeated runs skip the generation). Default: BENCH_BACKFILL_ARCHIVE, else a temp directory.
	 */
	readonly archiveDirectory?: string;
	/** Backfills of one readout whose median is the start-up figure. Default 3. */
	readonly startUpRuns?: number;
	/** Told what the bench is doing (lines without newline); default: stderr. */
	readonly onProgress?: (line: string) => void;
}

/** What one replay measured; rates per second of wall time, memory in MiB. */
export interface BackfillReplayFigures {
	readonly readouts: number;
	readonly points: number;
	/** `backfill` into influxd: spool, writer and server, from start to exit. */
	readonly backfillSeconds: number;
	readonly telegramsPerSecond: number;
	readonly pointsPerSecond: number;
	/** The same points as line protocol, POSTed in batches of 5000 over one connection. */
	readonly rawPostSeconds: number;
	readonly rawPostPointsPerSecond: number;
	/** pointsPerSecond / rawPostPointsPerSecond (target >= 0.8). */
	readonly ratio: number;
	/**
	 * What `backfill` costs before its first readout and after its last (node, imports, configuration,
	 * checks, spool, a write of one readout's points and exit): a backfill of a one-readout archive into
	 * influxd, median of `startUpRuns` runs (3), wall time and CPU. The raw POST runs in this process and pays none.
	 */
	readonly startUpSeconds: number;
	readonly startUpCpuSeconds: number;
	/** rawPostSeconds / (backfillSeconds - startUpSeconds): the ratio of the steady rates. */
	readonly ratioWithoutStartUp: number;
	/**
	 * CPU seconds of each side, its client and its influxd: on a busy machine the two sides share what
	 * CPU there is, and the ratio of these is the throughput ratio the load leaves (less noisy than it).
	 */
	readonly rawPostCpuSeconds: {readonly client: number; readonly influxd: number};
	readonly backfillCpuSeconds: {readonly client: number; readonly influxd: number};
	/** Raw POST's CPU seconds (both processes) / the backfill's. */
	readonly cpuRatio: number;
	/** The backfill's peak resident set (VmHWM), MiB (target <= 150). */
	readonly peakRssMiB: number;
	/** `backfill --dry-run` (decode, map, format; points to a file). */
	readonly dryRunSeconds: number;
	readonly dryRunTelegramsPerSecond: number;
	readonly dryRunPeakRssMiB: number;
	/** 1-minute load average before and after the run (the machine may be shared). */
	readonly loadBefore: number;
	readonly loadAfter: number;
	/** The figures as printed by `npm run bench:backfill`. */
	readonly text: string;
}

/**
 * `npm run bench:backfill`: replay of a synthetic raw archive (the plain ZMD120 profile read every 60 s;
 * BENCH_BACKFILL_DAYS days, default 365: 525,600 readouts) by `dlms-logger backfill` into influxd 1.6.7,
 * against a raw line-protocol POST of the same points (the lines `backfill --dry-run` prints, posted in
 * batches of 5000 over one connection) in the same run; the backfill's peak RSS. Not part of the tests.
 * `npm run bench` calls it with a small size for its summary row.
 */
export async function runBackfillReplay(options: BackfillReplayOptions = {}): Promise<BackfillReplayFigures> {
	const days = options.days ?? Number(process.env['BENCH_BACKFILL_DAYS'] ?? 365);
	const readouts = options.readouts ?? Math.round((days * 86_400_000) / READOUT_EVERY_MS);
	if (!Number.isInteger(readouts) || readouts < 1) {
		throw new TypeError(`readouts must be a positive integer, received ${String(readouts)}`);
	}
	const progress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
	const loadBefore = loadavg()[0] ?? 0;
	const directory = await mkdtemp(join(tmpdir(), 'dlms-bench-backfill-'));
	const kept = options.archiveDirectory ?? process.env['BENCH_BACKFILL_ARCHIVE'];
	try {
		const archive =
			kept === undefined ? join(directory, 'raw') : join(kept, `zmd120-counting-60s-${readouts}`);
		const generatedAt = process.hrtime.bigint();
		const reused =
			kept !== undefined && (await readdir(archive).catch((): string[] => [])).includes(ARCHIVE_DONE);
		if (reused) progress(`bench: reusing the archive in ${archive}`);
		else await rm(archive, {recursive: true, force: true});
		if (!reused)
			await writeBenchArchive(archive, readouts, (written) => {
				if (written % (30 * 1440) < 1440) progress(`bench: archive ${written}/${readouts} readouts`);
			});
		if (!reused) await writeFile(join(archive, ARCHIVE_DONE), '');
		const generateSeconds = Number(process.hrtime.bigint() - generatedAt) / 1e9;
		// Without an `influxdb` section the points go to stdout (the dry run's file).
		const config = (url?: string, spool = 'spool') =>
			`timezone: Europe/Berlin\n${url === undefined ? '' : `influxdb:\n  url: ${url}\n  version: "1"\n  database: bench\n`}spool:\n  directory: ${join(directory, spool)}\nmeters:\n  - id: house\n    port: simulator:zmd120\n`;
		await writeFile(join(directory, 'dry.yaml'), config());

		progress('bench: backfill --dry-run (the points, for the raw POST)');
		const lines = join(directory, 'points.lp');
		const dry = await runCli(['backfill', '--dry-run', '-c', join(directory, 'dry.yaml'), archive], lines);
		if (dry.code !== 0) throw new Error(`backfill --dry-run exited ${dry.code}: ${dry.stderr}`);
		// Each side writes into a fresh server of its own: influxd compacts for a while after a bulk
		// write, and that work must not fall into the other side's time.
		progress('bench: raw POST');
		const raw = await withInfluxd((url) => rawPost(url, 'bench', lines));
		const measureStartUp = async (url: string) => {
			const one = join(directory, 'one-readout');
			await writeBenchArchive(one, 1);
			const runs: ChildRun[] = [];
			for (let index = 0; index < (options.startUpRuns ?? 3); index++) {
				// A spool of its own each time: every run writes its readout's points, none finds them written.
				const file = join(directory, `start-up-${index}.yaml`);
				await writeFile(file, config(url, `spool-start-up-${index}`));
				const child = await runCli(['backfill', '-c', file, one]);
				if (child.code !== 0) throw new Error(`backfill exited ${child.code}: ${child.stderr}`);
				runs.push(child);
			}
			const median = (values: number[]) =>
				values.sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] as number;
			return {
				seconds: median(runs.map((child) => child.seconds)),
				cpuSeconds: median(runs.map((child) => child.cpuSeconds)),
			};
		};
		progress('bench: backfill');
		let startUp = {seconds: Number.NaN, cpuSeconds: Number.NaN};
		const run = await withInfluxd(
			async (url) => {
				await writeFile(join(directory, 'backfill.yaml'), config(url));
				const child = await runCli(['backfill', '-c', join(directory, 'backfill.yaml'), archive]);
				if (child.code !== 0) throw new Error(`backfill exited ${child.code}: ${child.stderr}`);
				return child;
			},
			// Once the run's points and CPU are counted, in the same server (no start of another): the
			// archive's first readout again, whose points the server holds already.
			async (url) => {
				progress(`bench: backfill start-up (the first readout alone, ${options.startUpRuns ?? 3} runs)`);
				startUp = await measureStartUp(url);
			},
		);
		const [stored, storedRaw] = [run.stored, raw.stored];
		const rawCpu = {client: raw.cpuSeconds, influxd: raw.influxdCpuSeconds};
		const backfillCpu = {client: run.cpuSeconds, influxd: run.influxdCpuSeconds};
		const sum = (cpu: {client: number; influxd: number}) => cpu.client + cpu.influxd;
		if (stored !== storedRaw) throw new Error(`backfill stored ${stored} points, the raw POST ${storedRaw}`);
		const loadAfter = loadavg()[0] ?? 0;
		const figures = {
			readouts,
			points: raw.lines,
			backfillSeconds: run.seconds,
			telegramsPerSecond: readouts / run.seconds,
			pointsPerSecond: raw.lines / run.seconds,
			rawPostSeconds: raw.seconds,
			rawPostPointsPerSecond: raw.lines / raw.seconds,
			ratio: raw.seconds / run.seconds,
			startUpSeconds: startUp.seconds,
			startUpCpuSeconds: startUp.cpuSeconds,
			ratioWithoutStartUp: raw.seconds / Math.max(run.seconds - startUp.seconds, 1e-3),
			rawPostCpuSeconds: rawCpu,
			backfillCpuSeconds: backfillCpu,
			cpuRatio: sum(rawCpu) / sum(backfillCpu),
			peakRssMiB: run.peakRssKiB / 1024,
			dryRunSeconds: dry.seconds,
			dryRunTelegramsPerSecond: readouts / dry.seconds,
			dryRunPeakRssMiB: dry.peakRssKiB / 1024,
			loadBefore,
			loadAfter,
		};
		const rate = (value: number) => Math.round(value).toLocaleString('en');
		const text = [
			`backfill: ${readouts.toLocaleString('en')} readouts of raw archive (plain ZMD120 every 60 s, ${(readouts / 1440).toFixed(1)} days, ${raw.lines.toLocaleString('en')} points) into influxd 1.6.7 on loopback`,
			`  machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`,
			`  archive generated in                     ${generateSeconds.toFixed(1)} s`,
			`  backfill --dry-run (decode + map)        ${dry.seconds.toFixed(1)} s, ${rate(figures.dryRunTelegramsPerSecond)} telegrams/s, peak RSS ${Math.round(figures.dryRunPeakRssMiB)} MiB`,
			`  raw line-protocol POST (batches of ${BATCH}) ${raw.seconds.toFixed(1)} s, ${rate(figures.rawPostPointsPerSecond)} points/s`,
			`  backfill (spool, writer, influxd)        ${run.seconds.toFixed(1)} s, ${rate(figures.telegramsPerSecond)} telegrams/s, ${rate(figures.pointsPerSecond)} points/s`,
			`  backfill / raw POST                      ${figures.ratio.toFixed(2)} x (target >= 0.8)`,
			`  backfill start-up (one readout, median)  ${startUp.seconds.toFixed(2)} s, ${startUp.cpuSeconds.toFixed(2)} CPU-s; ratio without it ${figures.ratioWithoutStartUp.toFixed(2)} x`,
			`  CPU, raw POST (client + influxd)         ${sum(rawCpu).toFixed(1)} s (${rawCpu.client.toFixed(1)} + ${rawCpu.influxd.toFixed(1)})`,
			`  CPU, backfill (backfill + influxd)       ${sum(backfillCpu).toFixed(1)} s (${backfillCpu.client.toFixed(1)} + ${backfillCpu.influxd.toFixed(1)}), ratio ${figures.cpuRatio.toFixed(2)} x`,
			`  backfill peak RSS                        ${Math.round(figures.peakRssMiB)} MiB (target <= 150)`,
			`  points stored                            ${stored.toLocaleString('en')} (both databases)`,
		].join('\n');
		return {...figures, text};
	} finally {
		await rm(directory, {recursive: true, force: true});
	}
}

/**
 * The bench's archive: `readouts` readouts of the plain ZMD120 (installed at INSTALLED_AT, so its
 * registers count), one every READOUT_EVERY_MS from FROM_MS, written to `directory`.
 */
function writeBenchArchive(
	directory: string,
	readouts: number,
	onDay?: (written: number) => void,
): Promise<void> {
	return writeSyntheticArchive({
		directory,
		meterId: 'house',
		profile: createZmd120Profile({timeZone: 'Europe/Berlin', installedAt: INSTALLED_AT}),
		fromMs: FROM_MS,
		everyMs: READOUT_EVERY_MS,
		readouts,
		...(onDay === undefined ? {} : {onDay}),
	});
}

/** Marks a kept archive as complete (a run interrupted while generating leaves none). */
const ARCHIVE_DONE = 'complete';

/**
 * Runs `work` against a fresh influxd with a database `bench`; adds the points it then holds and the
 * CPU seconds influxd used during `work`. `afterwards` runs against the same server once those are counted.
 */
async function withInfluxd<T>(
	work: (url: string) => Promise<T>,
	afterwards?: (url: string) => Promise<void>,
): Promise<T & {stored: number; influxdCpuSeconds: number}> {
	const server = await startInfluxd();
	try {
		await server.createDatabase('bench');
		const cpuBefore = processCpuSeconds(server.pid);
		const result = await work(server.url);
		const influxdCpuSeconds = processCpuSeconds(server.pid) - cpuBefore;
		const [series] = await server.query('SELECT count("value") FROM "meter"', 'bench');
		await afterwards?.(server.url);
		return {...result, stored: Number(series?.values[0]?.[1] ?? 0), influxdCpuSeconds};
	} finally {
		await server.stop();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	process.stdout.write(`${(await runBackfillReplay()).text}\n`);
}
