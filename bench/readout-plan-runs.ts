import {type CollectorRun, runCollectorOverPty} from '../test/helpers/collector-over-pty.ts';

/**
 * The collector against the simulated ZMD120 over a paced pty (mode C, every 5 s, echoing head), for
 * BENCH_PLAN_MINUTES (default 10) each: once plain (every readout should be at 9600 Bd), once with the
 * data message sent once at the wrong rate (the readout after it should be at 9600 Bd again). The
 * simulator hears the host at its termios speed, so an ACK cut by an early switch is lost here too.
 */
export async function runReadoutPlanRuns(
	minutes = Number(process.env['BENCH_PLAN_MINUTES'] ?? 10),
	which = process.env['BENCH_PLAN_RUN'] ?? 'both',
): Promise<string> {
	const lines: string[] = [];
	if (which === 'both' || which === 'plain') {
		const run = await runCollectorOverPty({durationMs: minutes * 60_000});
		lines.push(...describe(`plain, ${minutes} min`, run));
	}
	if (which === 'both' || which === 'glitch') {
		const run = await runCollectorOverPty({durationMs: minutes * 60_000, glitch: true});
		lines.push(...describe(`one wrong-rate data message, ${minutes} min`, run));
		const glitchAt = run.readouts.findIndex((readout) => readout.baudRate !== 9600);
		const next = glitchAt < 0 ? undefined : run.readouts[glitchAt + 1];
		lines.push(
			`  readout after the fallback: ${next === undefined ? 'none' : `mode ${next.mode}, ${next.baudRate} Bd`}`,
		);
	}
	return ['readout plans: collector over a paced pty, ZMD120 mode C every 5 s, echoing head', ...lines].join(
		'\n',
	);
}

function describe(title: string, run: CollectorRun): string[] {
	const at9600 = run.readouts.filter((readout) => readout.baudRate === 9600);
	const others = run.readouts.filter((readout) => readout.baudRate !== 9600);
	const mean = (values: number[]) =>
		values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
	const metric = (name: string) =>
		run.metrics
			.split('\n')
			.filter((line) => line.startsWith(`dlms_logger_${name}`))
			.join('; ');
	return [
		`${title}:`,
		`  readouts ${run.readouts.length} ok, at 9600 Bd ${at9600.length} (${((100 * at9600.length) / Math.max(1, run.readouts.length)).toFixed(1)} %), ` +
			`others ${others.map((readout) => `${readout.mode}/${readout.baudRate}`).join(', ') || 'none'}`,
		`  mean readout at 9600 Bd ${(mean(at9600.map((readout) => readout.durationMs)) / 1000).toFixed(2)} s` +
			(others.length > 0
				? `, fallback readouts ${(mean(others.map((readout) => readout.durationMs)) / 1000).toFixed(2)} s`
				: ''),
		`  fell back within a readout ${run.fellBack}, plans kept ${run.planChanges.length}, warnings ${run.problems.length}, meter-side host errors ${run.hostErrors.length}`,
		...run.problems.slice(0, 3).map((problem) => `    ${problem}`),
		...run.hostErrors.slice(0, 3).map((problem) => `    meter: ${problem}`),
		`  /metrics: ${metric('readout_baud_rate')}; ${metric('plan_changes_total')}; ${metric('readout_failures_total{meter="zmd",failure="rate-mismatch"}')}`,
	];
}

if (process.argv[1]?.endsWith('readout-plan-runs.js')) {
	process.stdout.write(`${await runReadoutPlanRuns()}\n`);
}
