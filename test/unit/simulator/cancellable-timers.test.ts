import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {CancellableTimers} from '../../../src/simulator/cancellable-timers.ts';

beforeEach(() => {
	vi.useFakeTimers();
});

afterEach(() => {
	vi.useRealTimers();
});

describe('CancellableTimers', () => {
	it('runs an action after its delay', async () => {
		const timers = new CancellableTimers();
		const action = vi.fn();
		timers.later(100, action);
		await vi.advanceTimersByTimeAsync(99);
		expect(action).not.toHaveBeenCalled();
		await vi.advanceTimersByTimeAsync(1);
		expect(action).toHaveBeenCalledTimes(1);
		expect(timers.size).toBe(0);
	});

	it('resolves a sleep with true when it elapses and false when cancelled', async () => {
		const timers = new CancellableTimers();
		const elapsed = timers.sleep(50);
		await vi.advanceTimersByTimeAsync(50);
		await expect(elapsed).resolves.toBe(true);
		const cancelled = timers.sleep(50);
		timers.cancelAll();
		await expect(cancelled).resolves.toBe(false);
	});

	it('cancels every pending timer at once', () => {
		const timers = new CancellableTimers();
		const action = vi.fn();
		timers.later(10, action);
		timers.later(20, action);
		timers.cancelAll();
		vi.advanceTimersByTime(100);
		expect(action).not.toHaveBeenCalled();
		expect(vi.getTimerCount()).toBe(0);
	});
});
