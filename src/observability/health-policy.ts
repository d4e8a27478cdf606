import type {MeterActivity} from './self-metrics.ts';

/** Why a meter counts as unhealthy, as the health endpoint reports it. */
export interface UnhealthyMeter {
	readonly meter: string;
	readonly reason: string;
	/** ISO time of the last good readout; absent when there was none. */
	readonly lastSuccess?: string;
}

export interface HealthReport {
	readonly healthy: boolean;
	readonly unhealthy: readonly UnhealthyMeter[];
}

/** Decides health at a given moment. */
export type HealthCheck = (now: Date) => HealthReport;

export interface MeterCycle {
	readonly meterId: string;
	/** Time between two scheduled readouts of the meter, ms. */
	readonly cycleMs: number;
}

export interface CycleHealthPolicyOptions {
	readonly meters: readonly MeterCycle[];
	/** Last success (and failure, for the reason) per meter; SelfMetrics is one. */
	readonly activity: MeterActivity;
	/** When the meters' schedules started: a meter that never succeeded gets its grace from here. */
	readonly startedAt: Date;
	/** Cycles a meter may go without a good readout before it counts as unhealthy. Default 3. */
	readonly missedCycles?: number;
}

export const DEFAULT_CYCLE_HEALTH_POLICY_OPTIONS = {missedCycles: 3} as const;

/**
 * Healthy when every meter read successfully within its last N cycles: now − last success ≤ N × cycle.
 * One failed readout is normal (someone stood in front of the optical head); N in a row is not. A meter
 * that never succeeded is given N cycles from the start, so a fresh start is not reported as broken.
 */
export class CycleHealthPolicy {
	readonly #meters: readonly MeterCycle[];
	readonly #activity: MeterActivity;
	readonly #startedAt: Date;
	readonly #missedCycles: number;

	constructor(options: CycleHealthPolicyOptions) {
		const merged = {...DEFAULT_CYCLE_HEALTH_POLICY_OPTIONS, ...options};
		if (!(Number.isInteger(merged.missedCycles) && merged.missedCycles >= 1)) {
			throw new TypeError(
				`missedCycles must be a whole number >= 1, received ${String(options.missedCycles)}`,
			);
		}
		if (!(merged.startedAt instanceof Date) || Number.isNaN(merged.startedAt.getTime())) {
			throw new TypeError(`startedAt must be a valid Date, received ${String(options.startedAt)}`);
		}
		for (const meter of merged.meters) {
			if (!(Number.isFinite(meter.cycleMs) && meter.cycleMs > 0)) {
				throw new TypeError(
					`cycleMs of meter ${JSON.stringify(meter.meterId)} must be a positive number of milliseconds, received ${String(meter.cycleMs)}`,
				);
			}
		}
		this.#meters = merged.meters;
		this.#activity = merged.activity;
		this.#startedAt = merged.startedAt;
		this.#missedCycles = merged.missedCycles;
	}

	/** Bound, so it can be passed as a HealthCheck. */
	readonly check: HealthCheck = (now) => {
		const unhealthy: UnhealthyMeter[] = [];
		for (const {meterId, cycleMs} of this.#meters) {
			const allowedMs = this.#missedCycles * cycleMs;
			const lastSuccess = this.#activity.lastSuccessAt(meterId);
			const since = lastSuccess ?? this.#startedAt;
			const elapsedMs = now.getTime() - since.getTime();
			if (elapsedMs <= allowedMs) continue;
			const failure = this.#activity.lastFailureOf(meterId);
			const last =
				failure === undefined
					? ''
					: `; last failure: ${failure.failure} in ${failure.phase} (${failure.message})`;
			const window = `${this.#missedCycles} cycles of ${cycleMs / 1000} s`;
			unhealthy.push(
				lastSuccess === undefined
					? {
							meter: meterId,
							reason: `no good readout since start, ${Math.round(elapsedMs / 1000)} s ago (allowed: ${window})${last}`,
						}
					: {
							meter: meterId,
							reason: `last good readout ${Math.round(elapsedMs / 1000)} s ago (allowed: ${window})${last}`,
							lastSuccess: lastSuccess.toISOString(),
						},
			);
		}
		return {healthy: unhealthy.length === 0, unhealthy};
	};
}
