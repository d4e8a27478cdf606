import {soakPassed, soakReport} from './soak-report.ts';
import {ANNOUNCED_RATE, runSoak} from './soak-run.ts';

/**
 * `npm run soak`: SOAK_MINUTES (default 30) of rotating meter faults, influxd outages and kill -9s of
 * the collector, then the check; prints the counts and exits 1 if a promise was broken. SOAK_SEED
 * replays a run's fault order and chaos moments; SOAK_LOGS=DIR keeps the collector's and the meters' logs; SOAK_KILL_GAP_S and SOAK_OUTAGE_GAP_S set the mean
 * time between kill -9s (default 180) and between influxd outages (default 240). Ctrl-C stops everything it started.
 */
async function main(): Promise<void> {
	const minutes = Number(process.env['SOAK_MINUTES'] ?? 30);
	if (!(minutes > 0))
		throw new Error(`SOAK_MINUTES must be a number of minutes > 0, got ${process.env['SOAK_MINUTES']}`);
	const seedText = process.env['SOAK_SEED'];
	const settleMs = 30_000;
	const controller = new AbortController();
	process.once('SIGINT', () => controller.abort());
	const result = await runSoak({
		chaosMs: minutes * 60_000 - settleMs,
		settleMs,
		meanKillGapMs: Number(process.env['SOAK_KILL_GAP_S'] ?? 180) * 1000,
		meanOutageGapMs: Number(process.env['SOAK_OUTAGE_GAP_S'] ?? 240) * 1000,
		maxOutageMs: 30_000,
		...(seedText === undefined ? {} : {seed: Number(seedText)}),
		...(process.env['SOAK_LOGS'] === undefined ? {} : {keepLogsIn: process.env['SOAK_LOGS']}),
		onProgress: (line) => console.log(line),
		signal: controller.signal,
	});
	console.log(soakReport(result));
	process.exitCode = soakPassed(result, ANNOUNCED_RATE) ? 0 : 1;
}

main().catch((error: unknown) => {
	console.error(`soak failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
});
