import {describe, expect, it} from 'vitest';
import {firstTickOffsets} from '../../../src/daemon/first-tick-offsets.ts';

const every = (seconds: number) => ({cycleMs: seconds * 1000, movable: true});

describe('firstTickOffsets', () => {
	it('spreads meters of one cycle evenly over it, in whole seconds, the first at once', () => {
		expect(firstTickOffsets([every(10), every(10), every(10), every(10)])).toEqual([0, 2000, 5000, 7000]);
	});

	it('spreads each cycle length on its own', () => {
		expect(firstTickOffsets([every(10), every(60), every(10), every(60), every(60)])).toEqual([
			0, 0, 5000, 20_000, 40_000,
		]);
	});

	it('keeps every offset inside the first cycle, also with more meters than seconds', () => {
		const offsets = firstTickOffsets(Array.from({length: 64}, () => every(10)));
		expect(Math.max(...offsets)).toBeLessThan(10_000);
		// About six meters a second instead of 64 in one.
		const perSecond = new Map<number, number>();
		for (const offset of offsets) perSecond.set(offset, (perSecond.get(offset) ?? 0) + 1);
		expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(7);
	});

	it('leaves cron schedules at their times', () => {
		expect(firstTickOffsets([{cycleMs: 60_000, movable: false}, every(60), every(60)])).toEqual([
			0, 0, 30_000,
		]);
	});

	it('refuses a cycle that is not a positive number', () => {
		expect(() => firstTickOffsets([{cycleMs: 0, movable: true}])).toThrow(
			/cycleMs must be a positive number/,
		);
	});
});
