import {type ChildProcess, spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {openPtyPair} from '../test/helpers/pty-pair.ts';

const CLI = new URL('../src/cli/main.js', import.meta.url).pathname;
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface Sample {
	readonly atMs: number;
	readonly cpuTicks: number;
	readonly rssKiB: number;
}

function sample(pid: number): Sample {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after the command name (which may hold spaces) start after the last ')'.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const cpuTicks = Number(fields[11]) + Number(fields[12]);
	const rssKiB = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
	return {atMs: Date.now(), cpuTicks, rssKiB};
}

/**
 * The daemon's footprint while reading a meter every 10 s: `dlms-logger run` as a process, the
 * simulated ZMD120 in another process (`dlms-logger simulate`) on a socat pty pair, points to
 * stdout (discarded). Samples CPU time and RSS once a second for BENCH_DAEMON_MINUTES (default 10).
 */
export async function runDaemonFootprint(
	minutes = Number(process.env['BENCH_DAEMON_MINUTES'] ?? 10),
): Promise<string> {
	const pty = await openPtyPair();
	const directory = await mkdtemp(join(tmpdir(), 'dlms-bench-daemon-'));
	const children: ChildProcess[] = [];
	try {
		const simulator = spawn(
			process.execPath,
			[CLI, 'simulate', '--serial', pty.meterPath, '--profile', 'zmd120'],
			{
				stdio: 'ignore',
			},
		);
		children.push(simulator);
		const config = join(directory, 'config.yaml');
		await writeFile(
			config,
			[
				'log:',
				'  format: json',
				'meters:',
				'  - id: bench',
				`    port: ${pty.hostPath}`,
				'    every: 10s',
				'',
			].join('\n'),
		);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		// Started as the `dlms-logger` bin starts it (its shebang passes --max-semi-space-size=1).
		const daemon = spawn(process.execPath, ['--max-semi-space-size=1', CLI, 'run', '--config', config], {
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		children.push(daemon);
		const readouts: {endMs: number; durationMs: number}[] = [];
		const problems: string[] = [];
		daemon.stderr?.on('data', (chunk: Buffer) => {
			for (const line of chunk.toString().split('\n')) {
				const match = /"time":"([^"]+)".*"durationMs":(\d+).*read \d+ points/.exec(line);
				if (match) readouts.push({endMs: Date.parse(match[1] as string), durationMs: Number(match[2])});
				if (/"level":"(warn|error)"/.test(line)) problems.push(/"msg":"([^"]*)"/.exec(line)?.[1] ?? line);
			}
		});
		const pid = daemon.pid as number;
		const samples: Sample[] = [];
		const end = Date.now() + minutes * 60_000;
		// Let it start up before measuring.
		await new Promise((resolve) => setTimeout(resolve, 3000));
		while (Date.now() < end) {
			samples.push(sample(pid));
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
		daemon.kill('SIGTERM');
		await new Promise((resolve) => daemon.once('close', resolve));

		const rss = samples.map((entry) => entry.rssKiB / 1024);
		const first = samples[0] as Sample;
		const last = samples.at(-1) as Sample;
		const meanCpu =
			((last.cpuTicks - first.cpuTicks) / TICKS_PER_SECOND / ((last.atMs - first.atMs) / 1000)) * 100;
		// CPU in the seconds that overlap no readout (a readout spans [end - duration, end], ±0.5 s).
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
		const idleCpu = idleMs === 0 ? Number.NaN : (idleTicks / TICKS_PER_SECOND / (idleMs / 1000)) * 100;
		const meanDuration =
			readouts.reduce((sum, readout) => sum + readout.durationMs, 0) / Math.max(1, readouts.length);
		return [
			`daemon: ${minutes} min, one meter every 10 s over a pty (simulator in its own process)`,
			`  readouts ${readouts.length} ok, ${problems.length} warnings/errors, mean readout ${(meanDuration / 1000).toFixed(2)} s`,
			...problems.slice(0, 3).map((problem) => `    ${problem}`),
			`  RSS  peak ${Math.max(...rss).toFixed(1)} MB, mean ${(rss.reduce((a, b) => a + b, 0) / rss.length).toFixed(1)} MB, last ${(rss.at(-1) ?? 0).toFixed(1)} MB (target <= 80 MB)`,
			`  CPU  mean ${meanCpu.toFixed(2)} %, between readouts ${idleCpu.toFixed(3)} % (target < 0.5 %)`,
		].join('\n');
	} finally {
		for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
		await pty.close();
		await rm(directory, {recursive: true, force: true});
	}
}
