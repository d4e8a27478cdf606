import type {ReadoutError} from './readout-errors.ts';
import {describePlan, type ReadoutPlan} from './readout-plan.ts';
import type {ReadoutResult} from './readout-session.ts';

/** When a lower plan than the announced one is kept for a meter, and how often the announced one is tried again. */
export interface FallbackPolicy {
	/** Readouts in a row in which the announced plan failed (and a lower one worked) before the lower one is kept. Default 3. */
	readonly learnAfter?: number;
	/** While a lower plan is kept, try the announced one again this often, ms. Default 3 600 000 (1 h). */
	readonly retryEveryMs?: number;
	/** The clock, ms since the epoch. Default Date.now. */
	readonly now?: () => number;
}

export const DEFAULT_FALLBACK_POLICY = {
	learnAfter: 3,
	retryEveryMs: 3_600_000,
	now: (): number => Date.now(),
} as const satisfies Required<FallbackPolicy>;

/** A change of the plan a meter is read with first: `undefined` stands for the plan the meter announces. */
export interface PlanChange {
	readonly from: ReadoutPlan | undefined;
	readonly to: ReadoutPlan | undefined;
	readonly reason: string;
}

/**
 * What one meter's readouts teach about its plan (mode and rate). One failure teaches nothing: the
 * session falls back within that readout, and the next readout tries the announced plan again. Only
 * when the announced plan failed `learnAfter` readouts in a row and a lower one worked is the lower one
 * kept; even then the announced plan is tried every `retryEveryMs` (the session falls back within that
 * readout if it still fails) and is returned to as soon as it works. Kept per meter, never per port:
 * two meters on one bus may differ. Pure state; the caller logs the changes it returns.
 */
export class PlanLearner {
	readonly #learnAfter: number;
	readonly #retryEveryMs: number;
	readonly #now: () => number;
	#learned: ReadoutPlan | undefined;
	/** Readouts in a row in which the announced plan failed. */
	#failuresInRow = 0;
	#announcedTriedAt = Number.NEGATIVE_INFINITY;

	constructor(policy: FallbackPolicy = {}) {
		const merged = {...DEFAULT_FALLBACK_POLICY, ...policy};
		if (!(Number.isInteger(merged.learnAfter) && merged.learnAfter >= 1)) {
			throw new TypeError(`learnAfter must be a whole number >= 1, received ${String(policy.learnAfter)}`);
		}
		if (!(Number.isFinite(merged.retryEveryMs) && merged.retryEveryMs > 0)) {
			throw new TypeError(
				`retryEveryMs must be a positive number of milliseconds, received ${String(policy.retryEveryMs)}`,
			);
		}
		this.#learnAfter = merged.learnAfter;
		this.#retryEveryMs = merged.retryEveryMs;
		this.#now = merged.now;
	}

	/** The lower plan kept for this meter, if any. */
	get learned(): ReadoutPlan | undefined {
		return this.#learned;
	}

	/** Readouts in a row in which the announced plan failed so far. */
	get failuresInRow(): number {
		return this.#failuresInRow;
	}

	/** The plan the next readout starts with: the kept one, or undefined (the announced plan) when none is kept or a retry is due. */
	next(): ReadoutPlan | undefined {
		if (this.#learned === undefined) return undefined;
		return this.#now() - this.#announcedTriedAt >= this.#retryEveryMs ? undefined : this.#learned;
	}

	/** A readout that started with `tried` (what next() gave) worked; returns the change of plan it causes, if any. */
	recordResult(
		tried: ReadoutPlan | undefined,
		result: Pick<ReadoutResult, 'plan' | 'fellBack'>,
	): PlanChange | undefined {
		if (tried !== undefined) {
			if (!result.fellBack) return undefined;
			// The kept plan failed too: start again from the announced one.
			return this.#forget(
				`${describePlan(tried)} failed as well; trying the announced plan from the next readout`,
			);
		}
		this.#announcedTriedAt = this.#now();
		if (!result.fellBack) {
			this.#failuresInRow = 0;
			return this.#forget('the announced plan works again');
		}
		this.#failuresInRow++;
		if (this.#failuresInRow < this.#learnAfter || samePlan(this.#learned, result.plan)) return undefined;
		const change = {
			from: this.#learned,
			to: result.plan,
			reason: `the announced plan failed in ${this.#failuresInRow} readouts in a row and ${describePlan(result.plan)} worked; the announced plan is tried again every ${formatDuration(this.#retryEveryMs)}`,
		};
		this.#learned = result.plan;
		return change;
	}

	/**
	 * A readout that started with `tried` failed; only a rate mismatch says something about the plan. A
	 * block that came incomplete (`truncated`, also when the line lost its STX) came at the agreed rate.
	 */
	recordFailure(
		tried: ReadoutPlan | undefined,
		error: Pick<ReadoutError, 'failure'>,
	): PlanChange | undefined {
		if (error.failure !== 'rate-mismatch') return undefined;
		if (tried !== undefined)
			return this.#forget(`${describePlan(tried)} failed; trying the announced plan from the next readout`);
		this.#announcedTriedAt = this.#now();
		this.#failuresInRow++;
		return undefined;
	}

	#forget(reason: string): PlanChange | undefined {
		const from = this.#learned;
		if (from === undefined) return undefined;
		this.#learned = undefined;
		this.#failuresInRow = 0;
		return {from, to: undefined, reason};
	}
}

function samePlan(a: ReadoutPlan | undefined, b: ReadoutPlan | undefined): boolean {
	return a?.mode === b?.mode && a?.baudRate === b?.baudRate;
}

/** `1 h`, `30 min`, `45 s`. */
function formatDuration(ms: number): string {
	if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
	if (ms % 60_000 === 0) return `${ms / 60_000} min`;
	return `${Math.round(ms / 1000)} s`;
}
