import {spawn} from 'node:child_process';
import {createReadStream, createWriteStream, readFileSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {cpus, loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {writeSyntheticArchive} from '../src/simulator/synthetic-archive.ts';
import {createZmd120Profile} from '../src/simulator/zmd120-profile.ts';
import {startInfluxd} from '../test/helpers/influxd-server.ts';

const CLI = new URL('../src/cli/main.js', import.meta.url).pathname;
const READOUT_EVERY_MS = 60_000;
const BATCH = 5000;

interface ChildRun {
	readonly seconds: number;
	readonly code: number | null;
	/** VmHWM: the child's peak resident set, KiB (sampled until it exits). */
	readonly peakRssKiB: number;
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
	const timer = setInterval(() => {
		try {
			const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
			peakRssKiB = Math.max(peakRssKiB, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0));
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
		stderr: Buffer.concat(stderr).toString('utf8'),
	};
}

/** POSTs a line-protocol file to influxd in batches, as fast as one connection goes. */
async function rawPost(url: string, db: string, file: string): Promise<{seconds: number; lines: number}> {
	const started = process.hrtime.bigint();
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
	return {seconds: Number(process.hrtime.bigint() - started) / 1e9, lines};
}

/**
 * `npm run bench:backfill`: replay of a synthetic raw archive (the plain ZMD120 profile read every 60 s;
 * BENCH_BACKFILL_DAYS days, default 365: 525,600 readouts) by `dlms-logger backfill` into influxd 1.6.7,
 * against a raw line-protocol POST of the same points (the lines `backfill --dry-run` prints, posted in
 * batches of 5000 over one connection) in the same run; the backfill's peak RSS. Not part of the tests.
 */
export async function runBackfillReplay(
	days = Number(process.env['BENCH_BACKFILL_DAYS'] ?? 365),
): Promise<string> {
	const readouts = Math.round((days * 86_400_000) / READOUT_EVERY_MS);
	const directory = await mkdtemp(join(tmpdir(), 'dlms-bench-backfill-'));
	const server = await startInfluxd();
	try {
		const archive = join(directory, 'raw');
		const generatedAt = process.hrtime.bigint();
		await writeSyntheticArchive({
			directory: archive,
			meterId: 'house',
			profile: createZmd120Profile({timeZone: 'Europe/Berlin'}),
			fromMs: Date.UTC(2025, 0, 1),
			everyMs: READOUT_EVERY_MS,
			readouts,
			onDay: (written) => {
				if (written % (30 * 1440) < 1440)
					process.stderr.write(`bench: archive ${written}/${readouts} readouts\n`);
			},
		});
		const generateSeconds = Number(process.hrtime.bigint() - generatedAt) / 1e9;
		for (const db of ['backfill', 'raw']) await server.createDatabase(db);
		const config = (db: string) =>
			`timezone: Europe/Berlin\ninfluxdb:\n  url: ${server.url}\n  version: "1"\n  database: ${db}\nspool:\n  directory: ${join(directory, `spool-${db}`)}\nmeters:\n  - id: house\n    port: simulator:zmd120\n`;
		await writeFile(join(directory, 'backfill.yaml'), config('backfill'));

		process.stderr.write('bench: backfill --dry-run (the points, for the raw POST)\n');
		const lines = join(directory, 'points.lp');
		const dry = await runCli(
			['backfill', '--dry-run', '-c', join(directory, 'backfill.yaml'), archive],
			lines,
		);
		if (dry.code !== 0) throw new Error(`backfill --dry-run exited ${dry.code}: ${dry.stderr}`);
		process.stderr.write('bench: raw POST\n');
		const raw = await rawPost(server.url, 'raw', lines);
		process.stderr.write('bench: backfill\n');
		const run = await runCli(['backfill', '-c', join(directory, 'backfill.yaml'), archive]);
		if (run.code !== 0) throw new Error(`backfill exited ${run.code}: ${run.stderr}`);

		const count = async (db: string) => {
			const [series] = await server.query('SELECT count("value") FROM "meter"', db);
			return Number(series?.values[0]?.[1] ?? 0);
		};
		const [stored, storedRaw] = [await count('backfill'), await count('raw')];
		if (stored !== storedRaw) throw new Error(`backfill stored ${stored} points, the raw POST ${storedRaw}`);
		const perSecond = (value: number, seconds: number) => Math.round(value / seconds).toLocaleString('en');
		const ratio = raw.lines / run.seconds / (raw.lines / raw.seconds);
		return [
			`backfill: ${days} days of raw archive (plain ZMD120 every 60 s: ${readouts.toLocaleString('en')} readouts, ${raw.lines.toLocaleString('en')} points) into influxd 1.6.7 on loopback`,
			`  machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()[0]?.toFixed(1)} at the end`,
			`  archive generated in                     ${generateSeconds.toFixed(1)} s`,
			`  backfill --dry-run (decode + map)        ${dry.seconds.toFixed(1)} s, ${perSecond(readouts, dry.seconds)} telegrams/s, peak RSS ${Math.round(dry.peakRssKiB / 1024)} MiB`,
			`  raw line-protocol POST (batches of ${BATCH}) ${raw.seconds.toFixed(1)} s, ${perSecond(raw.lines, raw.seconds)} points/s`,
			`  backfill (spool, writer, influxd)        ${run.seconds.toFixed(1)} s, ${perSecond(readouts, run.seconds)} telegrams/s, ${perSecond(raw.lines, run.seconds)} points/s`,
			`  backfill / raw POST                      ${ratio.toFixed(2)} x (target >= 0.8)`,
			`  backfill peak RSS                        ${Math.round(run.peakRssKiB / 1024)} MiB (target <= 150)`,
			`  points stored                            ${stored.toLocaleString('en')} (both databases)`,
		].join('\n');
	} finally {
		await server.stop();
		await rm(directory, {recursive: true, force: true});
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	process.stdout.write(`node ${process.version}\n${await runBackfillReplay()}\n`);
}
