import {describe, expect, it} from 'vitest';
import {runBackfillReplay} from '../../bench/backfill-replay.ts';

describe('runBackfillReplay (the backfill benchmark, small)', () => {
	it('replays an archive into influxd and against a raw POST, and gives its figures', async () => {
		const progress: string[] = [];
		const figures = await runBackfillReplay({readouts: 30, onProgress: (line) => progress.push(line)});
		// The plain ZMD120 gives 18 points a readout.
		expect(figures).toMatchObject({readouts: 30, points: 30 * 18});
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
		] as const) {
			expect(figures[key], key).toBeGreaterThan(0);
		}
		expect(figures.ratio).toBeCloseTo(figures.pointsPerSecond / figures.rawPostPointsPerSecond, 6);
		expect(figures.text).toMatch(/backfill \/ raw POST +\d+\.\d\d x/);
		expect(figures.text).toContain('540 (both databases)');
		expect(figures.backfillCpuSeconds.client).toBeGreaterThan(0);
		expect(figures.text).toMatch(/CPU, backfill \(backfill \+ influxd\) +\d+\.\d s/);
		expect(progress).toContain('bench: backfill');
	}, 120_000);

	it('refuses a size that is no positive number of readouts', async () => {
		await expect(runBackfillReplay({readouts: 0})).rejects.toThrow(/readouts must be a positive integer/);
	});
});
