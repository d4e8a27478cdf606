import {readFile} from 'node:fs/promises';
import {describe, expect, it} from 'vitest';
import {Backfill, type BackfillMeter} from '../../../src/backfill/backfill-run.ts';
import {type BackfillItem, captureItems} from '../../../src/backfill/backfill-sources.ts';
import {BackfillTally} from '../../../src/backfill/backfill-tally.ts';
import {billingPeriodKeys} from '../../../src/backfill/billing-periods.ts';
import {placeholderPeriods} from '../../../src/readings/placeholder-periods.ts';
import {createSimulatorProfile} from '../../../src/simulator/simulator-profiles.ts';

const ZONE = 'Europe/Berlin';
const house: BackfillMeter = {id: 'house', measurement: 'meter', timeZone: ZONE, ignoreBlockCheck: false};
const at = Date.UTC(2026, 5, 1, 12, 0, 0);

function readoutOf(bytes: Buffer, atMs = at): Extract<BackfillItem, {kind: 'readout'}> {
	const [item] = [
		...captureItems(bytes, 'input.bin', new Date(atMs), {
			ignoreBlockCheck: () => false,
			captureTimeZone: ZONE,
		}),
	];
	if (item?.kind !== 'readout') throw new Error('no readout');
	return item;
}

const fixture = readoutOf(
	await readFile(new URL('../../fixtures/telegrams/landisgyr-zmd120-c-verbose/input.bin', import.meta.url)),
);
const verbose = createSimulatorProfile('zmd120-verbose', {timeZone: ZONE});
const simulated = (atMs: number) =>
	readoutOf(Buffer.concat([Buffer.from(`${verbose.identification}\r\n`), verbose.dataMessage(atMs)]), atMs);

async function summarise(items: readonly BackfillItem[]): Promise<BackfillTally> {
	const tally = new BackfillTally();
	const backfill = new Backfill({
		meters: new Map([['house', house]]),
		configured: new Set(['house']),
		captureMeter: house,
		sink: {writeText: async () => undefined},
		tally,
	});
	for (const item of items) await backfill.take(item);
	await backfill.finish();
	return tally;
}

describe('billing periods in the backfill summary', () => {
	it('counts the periods whose history carries its own dates, though the readout has no reset stamps', async () => {
		const dataSets = fixture.telegrams.flatMap((telegram) => telegram.dataSets);
		// *14 down to *03 hold dated maximum demand; *02 to *00 and &01/&02 are all-zero placeholders.
		expect(billingPeriodKeys(dataSets, 'house', ZONE)).toHaveLength(12);
		const tally = await summarise([fixture, fixture]);
		expect(tally.billingPeriods).toBe(12);
		// 3.8.2*08 has neither a date nor a reset time: the one value listed as not datable.
		expect((await summarise([fixture])).undated.map((value) => value.address)).toEqual(['1-1:3.8.2*08']);
	});

	it('counts placeholder reset stamps as "no data", never as history that could not be dated', async () => {
		const item = simulated(at);
		const dataSets = item.telegrams.flatMap((telegram) => telegram.dataSets);
		const text = item.telegrams
			.map((telegram) => telegram.dataSets.map((set) => set.address).join(' '))
			.join(' ');
		const placeholders = placeholderPeriods(dataSets);
		expect(placeholders.size).toBeGreaterThan(0);
		for (const period of placeholders) expect(text).toContain(`0.1.2${period}`);
		const tally = await summarise([item]);
		expect(tally.undatedCount).toBe(0);
		expect(tally.skipped.get('history-without-date')).toBeUndefined();
		expect(tally.skipped.get('no-date')).toBeGreaterThanOrEqual(placeholders.size * 5);
		// Periods with a real reset stamp, each counted once over two readouts a minute apart.
		const real = dataSets.filter(
			(set) => set.obis?.c === '0' && set.obis.d === '1' && set.obis.e === '2' && set.obis.separator === '*',
		).length;
		expect((await summarise([item, simulated(at + 60_000)])).billingPeriods).toBe(real - placeholders.size);
	});
});
