import {plural} from '../observability/plural.ts';
import {deadLetterReasonKey} from './dead-letter-reason.ts';
import type {SpoolEvent} from './spooled-sink.ts';

type DeadLetterEvent = Extract<SpoolEvent, {kind: 'dead-letter'}>;

export interface DeadLetterReportOptions {
	/** Shortest pause between two log lines for one reason, ms. Default 600 000 (10 min). */
	readonly repeatEveryMs?: number;
	readonly now?: () => number;
}

interface ReasonCount {
	/** The server's message of the first refusal for this reason (it names the server). */
	readonly message: string;
	readonly file: string;
	total: number;
	/** Lines refused since the last log line for this reason. */
	unlogged: number;
	loggedAt: number;
	unloggedSince: number;
}

/**
 * What the server refused as bad data during a run, by reason: one log line when a reason first
 * appears (however many lines it refused), then at most one per `repeatEveryMs` with the count since,
 * so a meter whose every point conflicts with the database does not flood the log; and one line for
 * the end of a run (`run --once`, a backfill, the collector stopping). Pure: the caller logs.
 */
export class DeadLetterReport {
	readonly #repeatEveryMs: number;
	readonly #now: () => number;
	readonly #reasons = new Map<string, ReasonCount>();
	#total = 0;

	constructor(options: DeadLetterReportOptions = {}) {
		this.#repeatEveryMs = options.repeatEveryMs ?? 600_000;
		this.#now = options.now ?? Date.now;
	}

	/** Lines set aside so far. */
	get total(): number {
		return this.#total;
	}

	/** Counts an event; returns the line to log now, or undefined while its reason was logged recently. */
	take(event: DeadLetterEvent): string | undefined {
		const at = this.#now();
		this.#total += event.lines;
		const key = deadLetterReasonKey(event.error.message);
		const known = this.#reasons.get(key);
		if (known === undefined) {
			this.#reasons.set(key, {
				message: event.error.message,
				file: event.file,
				total: event.lines,
				unlogged: 0,
				loggedAt: at,
				unloggedSince: at,
			});
			return `${plural(event.lines, 'point')} refused by the server and set aside in ${event.file}: ${event.error.message}`;
		}
		known.total += event.lines;
		if (known.unlogged === 0) known.unloggedSince = at;
		known.unlogged += event.lines;
		if (at - known.loggedAt < this.#repeatEveryMs) return undefined;
		const line = `${plural(known.unlogged, 'point')} more set aside in ${known.file} since ${new Date(known.unloggedSince).toISOString()} (${known.total} in all), same reason: ${key}`;
		known.unlogged = 0;
		known.loggedAt = at;
		return line;
	}

	/** How many and where, without the reasons (logged when they first appeared); undefined when none. */
	brief(): string | undefined {
		if (this.#total === 0) return undefined;
		const files = [...new Set([...this.#reasons.values()].map((reason) => reason.file))].join(', ');
		return `${plural(this.#total, 'point')} refused by the server as bad data, set aside in ${files}`;
	}

	/**
	 * One line for the end of a run: how many, why (each reason once) and where; undefined when the
	 * server refused nothing.
	 */
	summary(): string | undefined {
		if (this.#total === 0) return undefined;
		const reasons = [...this.#reasons.values()];
		const files = [...new Set(reasons.map((reason) => reason.file))].join(', ');
		const why =
			reasons.length === 1
				? (reasons[0] as ReasonCount).message
				: reasons.map((reason) => `${reason.total} for ${reason.message}`).join('; ');
		return `${plural(this.#total, 'point')} refused by the server as bad data and set aside in ${files}: ${why}`;
	}
}
