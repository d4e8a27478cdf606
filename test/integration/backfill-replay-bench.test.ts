import {describe, expect, it} from 'vitest';
import {runBackfillReplay} from '../../bench/backfill-replay.ts';

describe('runBackfillReplay (the backfill benchmark, small)', () => {
	it('replays an archive into influxd and against a raw POST, and gives its figures', async () => {
		const progress: string[] = [];
		const figures = await runBackfillReplay({
			readouts: 30,
			startUpRuns: 1,
			onProgress: (line) => progress.push(line),
		});
		// The plain ZMD120 counting since November 2024 gives 19 points a readout on New Year's night
		// (1.6.2's peak at its own time, the same in each readout; no tariff-1 peak yet in January).
		expect(figures).toMatchObject({readouts: 30, points: 30 * 19});
		for (const key of [
			'backfillSeconds',
			'telegramsPerSecond',
			'pointsPerSecond',
			'rawPostSeconds',
			'rawPostPointsPerSecond',
			'ratio',
			'peakRssMiB',
			'dryRunSeconds',
			'dryRunTelegramsPerSecond',
			'dryRunPeakRssMiB',
			'cpuRatio',
			'startUpSeconds',
			'startUpCpuSeconds',
		] as const) {
			expect(figures[key], key).toBeGreaterThan(0);
		}
		expect(figures.ratio).toBeCloseTo(figures.pointsPerSecond / figures.rawPostPointsPerSecond, 6);
		expect(figures.text).toMatch(/backfill \/ raw POST +\d+\.\d\d x/);
		// 29 readouts repeat the same 1.6.2 point: the server holds it once.
		expect(figures.text).toContain('541 (both databases)');
		expect(figures.backfillCpuSeconds.client).toBeGreaterThan(0);
		expect(figures.text).toMatch(/CPU, backfill \(backfill \+ influxd\) +\d+\.\d s/);
		expect(progress).toContain('bench: backfill');
	}, 120_000);

	it('refuses a size that is no positive number of readouts', async () => {
		await expect(runBackfillReplay({readouts: 0})).rejects.toThrow(/readouts must be a positive integer/);
	});
});
