export interface RetryBackoffOptions {
	/** First delay after a failure, ms. Default 1 000. */
	readonly minDelayMs?: number;
	/** Longest delay, ms. Default 300 000 (5 min): an InfluxDB back after a NAS reboot is found soon enough. */
	readonly maxDelayMs?: number;
	/** Growth per failed attempt. Default 2. */
	readonly factor?: number;
	/** Random spread, as a fraction of the delay (0.2 = ±20 %), so several loggers do not retry in step. Default 0.2. */
	readonly jitter?: number;
}

export const DEFAULT_RETRY_BACKOFF_OPTIONS: Required<RetryBackoffOptions> = {
	minDelayMs: 1000,
	maxDelayMs: 300_000,
	factor: 2,
	jitter: 0.2,
};

/**
 * When to try again after `failedAttempts` failures in a row (1 = the first). A server's Retry-After
 * is honoured as a lower bound (429 / 503 say how long they want to be left alone). Policy only.
 */
export class RetryBackoff {
	readonly #options: Required<RetryBackoffOptions>;
	readonly #random: () => number;

	constructor(options: RetryBackoffOptions = {}, random: () => number = Math.random) {
		const merged = {...DEFAULT_RETRY_BACKOFF_OPTIONS, ...options};
		if (!(merged.minDelayMs > 0) || !(merged.maxDelayMs >= merged.minDelayMs)) {
			throw new TypeError(
				`backoff needs 0 < minDelayMs <= maxDelayMs, received ${merged.minDelayMs} and ${merged.maxDelayMs}`,
			);
		}
		if (!(merged.factor >= 1)) throw new TypeError(`backoff factor must be >= 1, received ${merged.factor}`);
		if (!(merged.jitter >= 0 && merged.jitter < 1)) {
			throw new TypeError(`backoff jitter must be in [0, 1), received ${merged.jitter}`);
		}
		this.#options = merged;
		this.#random = random;
	}

	delayMs(failedAttempts: number, retryAfterMs?: number): number {
		const {minDelayMs, maxDelayMs, factor, jitter} = this.#options;
		const base = Math.min(maxDelayMs, minDelayMs * factor ** Math.max(0, failedAttempts - 1));
		const spread = base * jitter * (this.#random() * 2 - 1);
		const delay = Math.round(Math.min(maxDelayMs, Math.max(minDelayMs, base + spread)));
		return retryAfterMs === undefined ? delay : Math.max(delay, Math.min(retryAfterMs, 3_600_000));
	}
}
