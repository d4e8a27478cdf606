import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {CycleTimer} from '../../../src/daemon/cycle-timer.ts';

beforeEach(() => {
	vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
});
afterEach(() => {
	vi.useRealTimers();
});

describe('CycleTimer', () => {
	it('ticks on a fixed grid from the first time', async () => {
		const ticks: number[] = [];
		const start = Date.now();
		const timer = new CycleTimer({everyMs: 10_000, onTick: () => ticks.push(Date.now() - start)});
		timer.start(start + 2000);
		await vi.advanceTimersByTimeAsync(42_500);
		expect(ticks).toEqual([2000, 12_000, 22_000, 32_000, 42_000]);
		timer.stop();
	});

	it('loses no tick when its timer fires early by the wall clock', async () => {
		// The wall clock 20 ms behind the timers: every timer fires "early", as Node's can when its loop
		// clock lags (a timer armed in a long callback).
		const now = () => Date.now() - 20;
		const ticks: number[] = [];
		const timer = new CycleTimer({everyMs: 10_000, onTick: () => ticks.push(now()), now});
		const start = now();
		timer.start(start + 10_000);
		await vi.advanceTimersByTimeAsync(60_100);
		expect(ticks.map((at) => at - start)).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
		timer.stop();
	});

	it('keeps the grid after a late tick, and ticks once after a pause of several cycles', async () => {
		const ticks: number[] = [];
		const start = Date.now();
		const timer = new CycleTimer({everyMs: 10_000, onTick: () => ticks.push(Date.now() - start)});
		timer.start(start + 10_000);
		await vi.advanceTimersByTimeAsync(10_000);
		// The host is suspended for 35 s: the timers see nothing of it, the wall clock jumps.
		vi.setSystemTime(Date.now() + 35_000);
		await vi.advanceTimersByTimeAsync(10_000);
		await vi.advanceTimersByTimeAsync(10_000);
		expect(ticks).toEqual([10_000, 55_000, 60_000]);
		timer.stop();
	});

	it('stops ticking when stopped, and refuses a cycle that is not positive', async () => {
		const onTick = vi.fn();
		const timer = new CycleTimer({everyMs: 1000, onTick});
		timer.start(Date.now() + 1000);
		timer.stop();
		await vi.advanceTimersByTimeAsync(5000);
		expect(onTick).not.toHaveBeenCalled();
		expect(() => new CycleTimer({everyMs: 0, onTick})).toThrow(/everyMs must be a positive number/);
	});
});
