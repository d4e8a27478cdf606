import {join} from 'node:path';
import type {Point} from '../readings/point.ts';
import {deadLetterReasonKey} from './dead-letter-reason.ts';
import {InfluxWriteError} from './influx-write-error.ts';
import {formatLineProtocol} from './line-protocol.ts';
import type {LineSpool} from './line-spool.ts';
import type {PointSink} from './point-sink.ts';
import {RetryBackoff, type RetryBackoffOptions} from './retry-backoff.ts';
import {DEAD_LETTER_FILE} from './spool-state-record.ts';

/** The part of the InfluxDB writer the sink needs (a real server, or a stand-in in unit tests). */
export interface LineSender {
	readonly description: string;
	/** Resolves on 2xx; rejects with InfluxWriteError (anything else counts as `retry`). */
	send(lines: readonly string[]): Promise<void>;
	/**
	 * Told of lines the sink set aside in the dead-letter file (appended and fsync'd) because the server
	 * refused them as bad data: they will not be sent again, so they count as handled, as stored lines do.
	 * Optional; the history ledger's sender records them (see acknowledgingSender).
	 */
	setAside?(lines: readonly string[]): void;
	/**
	 * As send(), for lines as the spool holds them (UTF-8, each ended by `\n`), posted as they are.
	 * Optional: a sender with it is handed the spool's bytes without splitting them into lines.
	 */
	sendText?(text: Uint8Array): Promise<void>;
}

/** What happened, for the logger and the self-metrics. Emitted on changes, not on every attempt. */
export type SpoolEvent =
	/**
	 * A batch left the spool: `lines` in all, of which `refused` (absent for none) were refused as bad data
	 * and set aside (each told by a `dead-letter` event before); the others the server acknowledged.
	 * `durationMs`: from sending it until the (last) 2xx, absent when not measured.
	 */
	| {readonly kind: 'sent'; readonly lines: number; readonly refused?: number; readonly durationMs?: number}
	| {readonly kind: 'unavailable'; readonly error: InfluxWriteError; readonly retryInMs: number}
	/**
	 * The server took a batch again after `afterAttempts` failed ones: `sentLines` of that batch stored
	 * (its refused ones left out), `waitingLines` still in the spool behind it, sent next.
	 */
	| {
			readonly kind: 'recovered';
			readonly afterAttempts: number;
			readonly sentLines: number;
			readonly waitingLines: number;
	  }
	/**
	 * Lines of one batch the server refused for one reason, set aside in `file` (one event per reason
	 * and batch, not per line: 18 refused points make one event of 18 lines).
	 */
	| {
			readonly kind: 'dead-letter';
			readonly lines: number;
			readonly error: InfluxWriteError;
			readonly file: string;
	  }
	/** start() found lines a previous run left unsent; `since`: the last acknowledgement before (unknown for a new spool). */
	| {readonly kind: 'replaying'; readonly lines: number; readonly bytes: number; readonly since?: Date}
	/** Those lines have left the spool (sent or set aside), `durationMs` after start(). */
	| {readonly kind: 'replayed'; readonly lines: number; readonly durationMs: number};

/** Lines a previous run left in the spool: how many, how many still to leave, since when (performance.now()). */
interface Replay {
	readonly lines: number;
	left: number;
	readonly startedAt: number;
}

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
	/** The failure of the last attempt; undefined once a batch went through. */
	#lastFailure: InfluxWriteError | undefined;
	/** Lines left by a previous run still to leave the spool, and when start() found them. */
	#replay: Replay | undefined;

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

	/**
	 * Why the last attempt failed (the server's answer, or the network's), while the spool holds lines
	 * it could not send; undefined after a success.
	 */
	get lastFailure(): InfluxWriteError | undefined {
		return this.#lastFailure;
	}

	/** Replays what the previous run left in the spool (a `replaying` event says how much). */
	start(): void {
		const lines = this.#spool.pendingLines;
		if (lines > 0 && this.#replay === undefined) {
			this.#replay = {lines, left: lines, startedAt: performance.now()};
			const since = this.#spool.backlogSince;
			this.#onEvent({
				kind: 'replaying',
				lines,
				bytes: this.#spool.pendingBytes,
				...(since === undefined ? {} : {since}),
			});
		}
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
		// The acknowledgement of the batch sent last, while the next one is on its way (see below).
		let acking: Promise<void> | undefined;
		try {
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
				let refused: number;
				try {
					refused = await this.#sendBatch(batch);
				} catch (error) {
					const failure =
						error instanceof InfluxWriteError
							? error
							: new InfluxWriteError(`${this.#sender.description}: ${(error as Error).message}`, {
									disposition: 'retry',
									cause: error,
								});
					this.#failedAttempts++;
					this.#lastFailure = failure;
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
				if (this.#failedAttempts > 0) {
					this.#onEvent({
						kind: 'recovered',
						afterAttempts: this.#failedAttempts,
						sentLines: batch.lines - refused,
						// The batch leaves the spool's count only with its acknowledgement, below.
						waitingLines: Math.max(0, this.#spool.pendingLines - batch.lines),
					});
				}
				this.#failedAttempts = 0;
				this.#lastFailure = undefined;
				// Acknowledged in order: the batch before this one first.
				await acking;
				// Whether the batch read ahead stays valid through this ack (no new epoch): then it goes out
				// while the ack is written and fsync'd, instead of after it (a backfill sends hundreds of batches).
				const keeps = this.#spool.ackKeepsEpoch(batch.end);
				acking = this.#acknowledge(batch, sendingAt, refused);
				const next = await ahead?.catch(() => undefined);
				// An empty look ahead is looked at again: lines may have come in since.
				if (keeps && next !== undefined && next.lines > 0 && next.epoch === this.#spool.epoch) {
					batch = next;
					continue;
				}
				await acking;
				acking = undefined;
				const usable = next !== undefined && next.lines > 0 && next.epoch === this.#spool.epoch;
				batch = usable ? next : await this.#peek();
			}
		} finally {
			await acking;
		}
	}

	/** A batch the server took leaves the spool; the `sent` event once it has. */
	async #acknowledge(
		batch: {lines: number; end: number; epoch?: number},
		sendingAt: number,
		refused: number,
	): Promise<void> {
		// Lines dropped at the spool's bound while the batch was on its way moved the offsets: the batch's
		// lines that are still there go out again (a harmless rewrite of the same points).
		if (batch.epoch !== undefined && batch.epoch !== this.#spool.epoch) return;
		await this.#spool.ack(batch.end);
		const durationMs = performance.now() - sendingAt;
		this.#onEvent(
			refused === 0
				? {kind: 'sent', lines: batch.lines, durationMs}
				: {kind: 'sent', lines: batch.lines, refused, durationMs},
		);
		if (this.#replay !== undefined && this.#replay.left > 0) this.#replayed(batch.lines);
	}

	/** The next batch: the spool's bytes for a sender that posts them as they are, else its lines. */
	async #peek(): Promise<{
		lines: number;
		end: number;
		epoch?: number;
		text?: Buffer;
		list?: readonly string[];
	}> {
		if (this.#sender.sendText !== undefined) return this.#spool.peekText(this.#batchLines);
		const batch = await this.#spool.peek(this.#batchLines);
		return {lines: batch.lines.length, end: batch.end, list: batch.lines};
	}

	/**
	 * Sends a batch whole; when the server refuses it as bad data or as too large, goes line by line
	 * (see #sendIsolating), which needs the lines as strings: only then is the text split. Resolves with
	 * how many of its lines were set aside.
	 */
	async #sendBatch(batch: {text?: Buffer; list?: readonly string[]}): Promise<number> {
		const {text} = batch;
		if (text === undefined || this.#sender.sendText === undefined) {
			return await this.#sendIsolating(batch.list ?? []);
		}
		try {
			await this.#sender.sendText(text);
			return 0;
		} catch (error) {
			if (!isolatable(error)) throw error;
			const lines = text.toString('utf8', 0, text.length - 1).split('\n');
			if (lines.length === 1) {
				return await this.#setAside(new Map([[deadLetterReasonKey(error.message), {error, lines}]]));
			}
			return await this.#splitIsolating(lines);
		}
	}

	#replayed(lines: number): void {
		const replay = this.#replay as Replay;
		replay.left -= lines;
		// An empty spool ends it too: lines dropped at the size bound during an outage never leave by a send.
		if (replay.left > 0 && this.#spool.pendingBytes > 0) return;
		replay.left = 0;
		this.#onEvent({kind: 'replayed', lines: replay.lines, durationMs: performance.now() - replay.startedAt});
	}

	/**
	 * Sends lines; on a 400 splits them until the bad lines are found, then sets them aside grouped by
	 * the server's reason: one dead-letter entry and one event per reason, however many lines it refused.
	 */
	async #sendIsolating(lines: readonly string[]): Promise<number> {
		try {
			await this.#sender.send(lines);
			return 0;
		} catch (error) {
			if (!isolatable(error)) throw error;
			if (lines.length === 1) {
				return await this.#setAside(
					new Map([[deadLetterReasonKey(error.message), {error, lines: [...lines]}]]),
				);
			}
		}
		return await this.#splitIsolating(lines);
	}

	/** Lines refused together: their halves, down to single lines; the refused ones set aside by reason. */
	async #splitIsolating(lines: readonly string[]): Promise<number> {
		const refused = new Map<string, {error: InfluxWriteError; lines: string[]}>();
		let count = 0;
		try {
			const middle = Math.ceil(lines.length / 2);
			await this.#isolate(lines.slice(0, middle), refused);
			await this.#isolate(lines.slice(middle), refused);
		} finally {
			// Lines isolated before a later half failed otherwise are set aside all the same.
			count = await this.#setAside(refused);
		}
		return count;
	}

	/** Sets the refused lines aside by reason; resolves with how many lines that was. */
	async #setAside(refused: ReadonlyMap<string, {error: InfluxWriteError; lines: string[]}>): Promise<number> {
		let count = 0;
		for (const {error, lines} of refused.values()) {
			count += lines.length;
			await this.#spool.deadLetter(lines, error.message);
			this.#sender.setAside?.(lines);
			this.#onEvent({
				kind: 'dead-letter',
				lines: lines.length,
				error,
				file: join(this.#spool.directory, DEAD_LETTER_FILE),
			});
		}
		return count;
	}

	async #isolate(
		lines: readonly string[],
		refused: Map<string, {error: InfluxWriteError; lines: string[]}>,
	): Promise<void> {
		try {
			await this.#sender.send(lines);
		} catch (error) {
			if (!isolatable(error)) throw error;
			// One line left: bad data, or a single line above the server's body limit.
			if (lines.length === 1) {
				const key = deadLetterReasonKey(error.message);
				const group = refused.get(key);
				if (group === undefined) refused.set(key, {error, lines: [lines[0] as string]});
				else group.lines.push(lines[0] as string);
				return;
			}
			const middle = Math.ceil(lines.length / 2);
			await this.#isolate(lines.slice(0, middle), refused);
			await this.#isolate(lines.slice(middle), refused);
		}
	}

	#cancelTimer(): void {
		if (this.#timer === undefined) return;
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}
}

/** Bad data (400), or a body too large (413: halves may pass, one line cannot): found by splitting. */
function isolatable(error: unknown): error is InfluxWriteError {
	return error instanceof InfluxWriteError && (error.disposition === 'dead-letter' || error.status === 413);
}
