import {vi} from 'vitest';
import {MeterSimulator} from '../../src/simulator/meter-simulator.ts';
import type {MeterSimulatorOptions} from '../../src/simulator/meter-simulator-options.ts';
import type {SimulatorProfile} from '../../src/simulator/simulator-profile.ts';
import {
	createMemoryLinkPair,
	type MemoryLinkPair,
	type MemoryLinkPairOptions,
} from '../../src/transport/memory-link-pair.ts';

/** A simulated meter on the far end of a paced in-memory line; the test talks to `pair.host`. */
export interface SimulatedLine {
	readonly pair: MemoryLinkPair;
	readonly simulator: MeterSimulator;
}

/** Starts `profile` on a paced line (hang-ups reach the host's onClose). Use with fake timers. */
export async function startSimulatedLine(
	profile: SimulatorProfile,
	options: Omit<MeterSimulatorOptions, 'profile'> = {},
	line: MemoryLinkPairOptions = {},
): Promise<SimulatedLine> {
	const pair = createMemoryLinkPair({paced: true, ...line});
	const simulator = new MeterSimulator(pair.meter, {profile, hangUp: () => pair.hangUp('meter'), ...options});
	await simulator.start();
	return {pair, simulator};
}

/**
 * Runs `work` to its end under fake timers, advancing the clock `stepMs` (default 100 ms) at a time;
 * returns what it resolved to, or the error it rejected with. Throws if it never settles within
 * `maxSteps`. Every timer still fires at its own time within a step: a larger step only means fewer
 * awaits (minutes of simulated 300 Bd line are cheaper in 5 s steps).
 */
export async function settleWithFakeTimers<T>(
	work: Promise<T>,
	maxSteps = 10_000,
	stepMs = 100,
): Promise<T | Error> {
	let outcome: {value: T} | {error: Error} | undefined;
	const running = work.then(
		(value) => {
			outcome = {value};
		},
		(error: unknown) => {
			outcome = {error: error as Error};
		},
	);
	for (let step = 0; step < maxSteps && outcome === undefined; step++)
		await vi.advanceTimersByTimeAsync(stepMs);
	await running;
	if (outcome === undefined) throw new Error('never settled under fake timers');
	return 'value' in outcome ? outcome.value : outcome.error;
}
