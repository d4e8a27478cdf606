import {readFileSync} from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** One look at a process in /proc: CPU time so far and resident memory. */
export interface ProcessSample {
	readonly atMs: number;
	/** User + system CPU time since the process started, s. */
	readonly cpuSeconds: number;
	readonly rssKiB: number;
}

/** Reads /proc/<pid>/stat and /proc/<pid>/status; undefined once the process is gone. */
export function sampleProcess(pid: number): ProcessSample | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the command name (which may hold spaces) start after the last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const ticks = Number(fields[11]) + Number(fields[12]);
		const rssKiB = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
		return {atMs: Date.now(), cpuSeconds: ticks / TICKS_PER_SECOND, rssKiB};
	} catch {
		return undefined;
	}
}

/** The 1-minute load average (/proc/loadavg). */
export function loadAverage1(): number {
	return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** CPU share between two samples of one process, % of one core. */
export function cpuPercent(from: ProcessSample, to: ProcessSample): number {
	const seconds = (to.atMs - from.atMs) / 1000;
	return seconds > 0 ? ((to.cpuSeconds - from.cpuSeconds) / seconds) * 100 : 0;
}
