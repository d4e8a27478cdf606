/** A job as far as spreading goes: its cycle, and whether its ticks may move at all. */
export interface SpreadJob {
	/** Length of one cycle, ms. */
	readonly cycleMs: number;
	/** False for a cron `schedule`: its times are what the user asked for. True for `every`. */
	readonly movable: boolean;
}

/**
 * How long each job waits before its schedule starts, ms: the movable jobs of one cycle length are
 * spread evenly over that cycle (in configuration order, whole seconds, the first at 0), so a site
 * of many meters on `every: 10s` does not open every link, parse every telegram and spool every
 * point in the same second. Jobs with a cron schedule start at once (0).
 */
export function firstTickOffsets(jobs: readonly SpreadJob[]): number[] {
	const byCycle = new Map<number, number[]>();
	for (const [index, job] of jobs.entries()) {
		if (!job.movable) continue;
		if (!(Number.isFinite(job.cycleMs) && job.cycleMs > 0)) {
			throw new TypeError(`cycleMs must be a positive number of ms, received ${String(job.cycleMs)}`);
		}
		const members = byCycle.get(job.cycleMs) ?? [];
		members.push(index);
		byCycle.set(job.cycleMs, members);
	}
	const offsets = jobs.map(() => 0);
	for (const [cycleMs, members] of byCycle) {
		for (const [rank, index] of members.entries()) {
			offsets[index] = Math.floor((rank * cycleMs) / members.length / 1000) * 1000;
		}
	}
	return offsets;
}
