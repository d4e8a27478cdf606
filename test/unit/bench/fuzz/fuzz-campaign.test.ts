import {randomInt} from 'node:crypto';
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import {describe, expect, it} from 'vitest';
import {type CampaignReport, runCampaign, wilsonInterval} from '../../../../bench/fuzz/fuzz-campaign.ts';

/*
 * A short `npm run fuzz`: the same cases, properties and floors as the full run, on a fixed seed (the
 * same cases every time) and on a random one (new cases every run; its seed is in every failure).
 * About 8 s of CPU on this 2-core machine; the full run (1,000,000 cases) is `npm run fuzz`.
 */
const FIXED_SEED = 0x15f0_2026;
const RANDOM_SEED = randomInt(0, 2 ** 32);

// The heap is sampled after a forced collection; vitest's workers run without --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function expectClean(report: CampaignReport): void {
	const seed = `seed 0x${report.seed.toString(16).padStart(8, '0')}`;
	const replay = report.failures.map(
		(failure) =>
			`case ${failure.index} (${failure.kind}): ${failure.message} [npm run fuzz -- --seed 0x${report.seed.toString(16)} --replay ${failure.index}]`,
	);
	expect(replay, seed).toEqual([]);
	expect(report.failureCount, seed).toBe(0);
	for (const floor of report.floors.filter((candidate) => candidate.exact)) {
		// 99.99 %: a run this short must not fail one time in twenty by chance alone.
		const {low, high} = wilsonInterval(floor.hits, floor.trials, 3.890592);
		expect(floor.expected, `${seed}: ${floor.floor} ${floor.hits} of ${floor.trials}`).toBeGreaterThanOrEqual(
			low,
		);
		expect(floor.expected, `${seed}: ${floor.floor} ${floor.hits} of ${floor.trials}`).toBeLessThanOrEqual(
			high,
		);
	}
}

describe('fuzz campaign (short run)', () => {
	it(`passes every property on ${(5000).toLocaleString('en')} cases of the fixed seed, with a flat heap`, async () => {
		const report = await runCampaign({seed: FIXED_SEED, cases: 5000, heapSamples: 10, gc});
		expectClean(report);
		// Every kind of case ran, and the single-byte kinds met the check's blind spot now and then.
		for (const [kind, tally] of Object.entries(report.kinds)) expect(tally.cases, kind).toBeGreaterThan(50);
		expect(report.floors.find((floor) => floor.floor === 'bcc-early-end')?.trials).toBeGreaterThan(300);
		expect(report.telegrams).toBeGreaterThan(1000);
		// A case that kept its input (≈ 500 bytes) and telegrams alive would grow the heap far more.
		const samples = report.heapSamples.map((sample) => sample.heapUsed);
		const middle = samples[Math.floor(samples.length / 2)] as number;
		expect((samples.at(-1) as number) - middle, `heap samples ${samples.join(' ')}`).toBeLessThan(
			3 * 1024 * 1024,
		);
	}, 60_000);

	it('passes every property on cases of a random seed', async () => {
		expectClean(await runCampaign({seed: RANDOM_SEED, cases: 2500, heapSamples: 2, gc}));
	}, 60_000);
});
