/**
 * What the spool does with a batch the server did not take:
 * - `retry`: the server or network is away (connection refused, timeout, 429, 5xx): keep it, back off;
 * - `dead-letter`: the server refused the data itself (400 parse error, field type conflict): set it
 *   aside with the reason, retrying it would loop forever;
 * - `hold`: the configuration is wrong (401, 403, 404 no such bucket/database, 413 body too large for
 *   the server, a 3xx redirect to another url): keep the data, retry slowly, and say loudly what to fix.
 */
export type WriteDisposition = 'retry' | 'dead-letter' | 'hold';

/** A write to InfluxDB failed; carries the decision the spool needs and the server's answer as cause. */
export class InfluxWriteError extends Error {
	readonly disposition: WriteDisposition;
	/** HTTP status, when the server answered. */
	readonly status: number | undefined;
	/** The server's Retry-After, ms, when it sent one. */
	readonly retryAfterMs: number | undefined;

	constructor(
		message: string,
		options: {disposition: WriteDisposition; status?: number; retryAfterMs?: number; cause?: unknown},
	) {
		super(message, options.cause === undefined ? undefined : {cause: options.cause});
		this.name = 'InfluxWriteError';
		this.disposition = options.disposition;
		this.status = options.status;
		this.retryAfterMs = options.retryAfterMs;
	}
}

/** Retry-After as sent: delay-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
