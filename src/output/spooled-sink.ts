import type {Point} from '../readings/point.ts';
import {InfluxWriteError} from './influx-write-error.ts';
import {formatLineProtocol} from './line-protocol.ts';
import type {LineSpool} from './line-spool.ts';
import type {PointSink} from './point-sink.ts';
import {RetryBackoff, type RetryBackoffOptions} from './retry-backoff.ts';

/** The part of the InfluxDB writer the sink needs (a real server, or a stand-in in unit tests). */
export interface LineSender {
	readonly description: string;
	/** Resolves on 2xx; rejects with InfluxWriteError (anything else counts as `retry`). */
	send(lines: readonly string[]): Promise<void>;
	/**
	 * As send(), for lines as the spool holds them (UTF-8, each ended by `\n`), posted as they are.
	 * Optional: a sender with it is handed the spool's bytes without splitting them into lines.
	 */
	sendText?(text: Uint8Array): Promise<void>;
}

/** What happened, for the logger and the self-metrics. Emitted on changes, not on every attempt. */
export type SpoolEvent =
	/** A batch was acknowledged; `durationMs`: from sending it until the (last) 2xx, absent when not measured. */
	| {readonly kind: 'sent'; readonly lines: number; readonly durationMs?: number}
	| {readonly kind: 'unavailable'; readonly error: InfluxWriteError; readonly retryInMs: number}
	| {readonly kind: 'recovered'; readonly afterAttempts: number}
	| {readonly kind: 'dead-letter'; readonly lines: number; readonly error: InfluxWriteError};

export interface SpooledSinkOptions {
	readonly spool: LineSpool;
	readonly sender: LineSender;
	/** Lines per request. Default 5000 (InfluxDB recommends 5000 per batch). */
	readonly batchLines?: number;
	readonly backoff?: RetryBackoffOptions;
	/** Shortest wait after a configuration failure (401, 403, 404), ms. Default 60 000. */
	readonly holdDelayMs?: number;
	readonly onEvent?: (event: SpoolEvent) => void;
}

/**
 * The durable write path: every point is appended to the spool (fsync'd) before write() resolves, and
 * leaves it only after the server answered 2xx. Sending runs in the background, in order, one batch
 * at a time; after a failure it waits (backoff, Retry-After) and resumes where it stopped. At start
 * the spool left by the previous run is replayed first. Bad data (400) is set aside in the dead-letter
 * file, line by line, so one bad point cannot block the rest.
 */
export class SpooledSink implements PointSink {
	readonly #spool: LineSpool;
	readonly #sender: LineSender;
	readonly #batchLines: number;
	readonly #backoff: RetryBackoff;
	readonly #onEvent: (event: SpoolEvent) => void;
	#pumping: Promise<void> | undefined;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#failedAttempts = 0;
	#closed = false;
	readonly #holdDelayMs: number;

	constructor(options: SpooledSinkOptions) {
		const batchLines = options.batchLines ?? 5000;
		if (!Number.isInteger(batchLines) || batchLines < 1) {
			throw new TypeError(`batchLines must be a positive integer, received ${String(options.batchLines)}`);
		}
		this.#spool = options.spool;
		this.#sender = options.sender;
		this.#batchLines = batchLines;
		this.#backoff = new RetryBackoff(options.backoff);
		this.#onEvent = options.onEvent ?? (() => undefined);
		this.#holdDelayMs = options.holdDelayMs ?? 60_000;
	}

	/** Unsent bytes in the spool (a self-metric). */
	get pendingBytes(): number {
		return this.#spool.pendingBytes;
	}

	/** Replays what the previous run left in the spool. */
	start(): void {
		this.#kick();
	}

	async write(points: readonly Point[]): Promise<void> {
		if (this.#closed) throw new Error('SpooledSink is closed');
		if (points.length === 0) return;
		await this.#spool.append(points.map(formatLineProtocol));
		this.#kick();
	}

	/**
	 * Takes lines already formatted as line protocol (UTF-8, each ended by `\n`), as write() takes
	 * points: safe in the spool when it resolves. For a writer that formats into one buffer (a backfill).
	 */
	async writeText(text: Uint8Array): Promise<void> {
		if (this.#closed) throw new Error('SpooledSink is closed');
		if (text.length === 0) return;
		await this.#spool.appendText(text);
		this.#kick();
	}

	/** Sends now, without waiting for a pending backoff; true when the spool is empty afterwards. */
	async flush(): Promise<boolean> {
		await this.#pumping;
		this.#cancelTimer();
		await this.#pump();
		return this.#spool.pendingBytes === 0;
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		await this.flush();
		this.#closed = true;
		this.#cancelTimer();
		await this.#spool.close();
	}

	#kick(): void {
		if (this.#timer !== undefined || this.#closed) return;
		void this.#pump();
	}

	#pump(): Promise<void> {
		this.#pumping ??= this.#sendAll().finally(() => {
			this.#pumping = undefined;
		});
		return this.#pumping;
	}

	async #sendAll(): Promise<void> {
		let batch = await this.#peek();
		for (;;) {
			if (batch.lines === 0) return;
			const sendingAt = performance.now();
			// The next batch is read from the spool while this one is on its way (text senders only: the
			// spool's bytes as they are); it is used if the spool's offsets still hold after the ack.
			const ahead =
				this.#sender.sendText === undefined || batch.text === undefined
					? undefined
					: this.#spool.peekText(this.#batchLines, undefined, batch.end);
			ahead?.catch(() => undefined);
			try {
				await this.#sendBatch(batch);
			} catch (error) {
				const failure =
					error instanceof InfluxWriteError
						? error
						: new InfluxWriteError(`${this.#sender.description}: ${(error as Error).message}`, {
								disposition: 'retry',
								cause: error,
							});
				this.#failedAttempts++;
				// A configuration problem (wrong token, no such bucket) is not fixed by hammering the server.
				const backoff = this.#backoff.delayMs(this.#failedAttempts, failure.retryAfterMs);
				const retryInMs = failure.disposition === 'hold' ? Math.max(backoff, this.#holdDelayMs) : backoff;
				if (this.#failedAttempts === 1) this.#onEvent({kind: 'unavailable', error: failure, retryInMs});
				if (!this.#closed) {
					this.#timer = setTimeout(() => {
						this.#timer = undefined;
						void this.#pump();
					}, retryInMs);
				}
				return;
			}
			await this.#spool.ack(batch.end);
			if (this.#failedAttempts > 0) this.#onEvent({kind: 'recovered', afterAttempts: this.#failedAttempts});
			this.#failedAttempts = 0;
			this.#onEvent({kind: 'sent', lines: batch.lines, durationMs: performance.now() - sendingAt});
			const next = await ahead?.catch(() => undefined);
			// An empty look ahead is looked at again: lines may have come in since.
			const usable = next !== undefined && next.lines > 0 && next.epoch === this.#spool.epoch;
			batch = usable ? next : await this.#peek();
		}
	}

	/** The next batch: the spool's bytes for a sender that posts them as they are, else its lines. */
	async #peek(): Promise<{lines: number; end: number; text?: Buffer; list?: readonly string[]}> {
		if (this.#sender.sendText !== undefined) return this.#spool.peekText(this.#batchLines);
		const batch = await this.#spool.peek(this.#batchLines);
		return {lines: batch.lines.length, end: batch.end, list: batch.lines};
	}

	/**
	 * Sends a batch whole; when the server refuses it as bad data or as too large, goes line by line
	 * (see #sendIsolating), which needs the lines as strings: only then is the text split.
	 */
	async #sendBatch(batch: {text?: Buffer; list?: readonly string[]}): Promise<void> {
		const {text} = batch;
		if (text === undefined || this.#sender.sendText === undefined) {
			await this.#sendIsolating(batch.list ?? []);
			return;
		}
		try {
			await this.#sender.sendText(text);
		} catch (error) {
			// Split only when it comes to isolating bad lines (never on the way of a good batch).
			const splittable =
				error instanceof InfluxWriteError && (error.disposition === 'dead-letter' || error.status === 413);
			if (!splittable) throw error;
			await this.#isolate(text.toString('utf8', 0, text.length - 1).split('\n'), error);
		}
	}

	/** Sends lines; on a 400 splits them until the bad lines are found and dead-lettered one by one. */
	async #sendIsolating(lines: readonly string[]): Promise<void> {
		try {
			await this.#sender.send(lines);
		} catch (error) {
			await this.#isolate(lines, error);
		}
	}

	/** After `lines` failed together with `error`: rethrows unless bad data or a body too large, else splits. */
	async #isolate(lines: readonly string[], error: unknown): Promise<void> {
		if (!(error instanceof InfluxWriteError)) throw error;
		// 413: the batch is too large for the server's body limit; halves may pass, one line cannot.
		const tooLarge = error.status === 413;
		if (error.disposition !== 'dead-letter' && !tooLarge) throw error;
		if (tooLarge && lines.length > 1) {
			const middle = Math.ceil(lines.length / 2);
			await this.#sendIsolating(lines.slice(0, middle));
			await this.#sendIsolating(lines.slice(middle));
			return;
		}
		if (lines.length === 1) {
			await this.#spool.deadLetter(lines, error.message);
			this.#onEvent({kind: 'dead-letter', lines: 1, error});
			return;
		}
		const middle = Math.ceil(lines.length / 2);
		await this.#sendIsolating(lines.slice(0, middle));
		await this.#sendIsolating(lines.slice(middle));
	}

	#cancelTimer(): void {
		if (this.#timer === undefined) return;
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}
}
