import type {MetricSample} from './metric-family.ts';

/**
 * Upper bounds of the buckets, seconds: from 5 ms (a local database) to 10 s (the writer's default
 * timeout), so p50 and p99 of a write can be told apart on a LAN and on a slow link alike.
 */
export const DEFAULT_DURATION_BUCKETS_SECONDS: readonly number[] = [
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * A Prometheus histogram of durations: cumulative bucket counts, their sum and count, exported as
 * `_bucket{le=…}`, `_sum` and `_count` samples (seconds). Memory is fixed: one counter per bucket,
 * however many observations.
 */
export class DurationHistogram {
	readonly #bounds: readonly number[];
	readonly #counts: number[];
	#sumSeconds = 0;
	#count = 0;

	constructor(boundsSeconds: readonly number[] = DEFAULT_DURATION_BUCKETS_SECONDS) {
		const ascending = boundsSeconds.every(
			(bound, index) =>
				Number.isFinite(bound) && bound > 0 && (index === 0 || bound > (boundsSeconds[index - 1] as number)),
		);
		if (boundsSeconds.length === 0 || !ascending) {
			throw new TypeError(
				`boundsSeconds must be ascending positive numbers, received ${JSON.stringify(boundsSeconds)}`,
			);
		}
		this.#bounds = [...boundsSeconds];
		this.#counts = new Array(boundsSeconds.length).fill(0);
	}

	/** Observations so far. */
	get count(): number {
		return this.#count;
	}

	/** Counts one duration, ms (a negative one, from a clock step, counts as 0). */
	observe(durationMs: number): void {
		if (!Number.isFinite(durationMs)) {
			throw new TypeError(`durationMs must be a finite number, received ${String(durationMs)}`);
		}
		const seconds = Math.max(0, durationMs) / 1000;
		this.#sumSeconds += seconds;
		this.#count++;
		const index = this.#bounds.findIndex((bound) => seconds <= bound);
		if (index >= 0) this.#counts[index] = (this.#counts[index] as number) + 1;
	}

	/** The samples of the family, with `labels` on each (buckets add `le`). */
	samples(labels: Readonly<Record<string, string>> = {}): MetricSample[] {
		let cumulative = 0;
		const buckets: MetricSample[] = this.#bounds.map((bound, index) => {
			cumulative += this.#counts[index] as number;
			return {labels: {...labels, le: String(bound)}, value: cumulative, suffix: '_bucket'};
		});
		return [
			...buckets,
			{labels: {...labels, le: '+Inf'}, value: this.#count, suffix: '_bucket'},
			{labels, value: this.#sumSeconds, suffix: '_sum'},
			{labels, value: this.#count, suffix: '_count'},
		];
	}
}
