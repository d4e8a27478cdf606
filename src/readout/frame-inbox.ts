import type {Frame} from '../iec62056/frame.ts';
import {FrameScanner, type FrameScannerOptions} from '../iec62056/frame-scanner.ts';
import type {Link} from '../transport/link.ts';
import type {LinkError} from '../transport/link-errors.ts';
import {type DataMessageWithoutStx, MissingStxWatch} from './missing-stx.ts';

/** The event loop's own setImmediate, taken when the module loads (test fake timers replace the global one). */
const realSetImmediate = globalThis.setImmediate;

/** Why waiting for a frame ended without one. */
export type InboxTimeout =
	| {readonly kind: 'silence'; readonly bytesInPhase: number; readonly pending: Frame[]}
	| {readonly kind: 'deadline'; readonly bytesInPhase: number; readonly pending: Frame[]}
	| {readonly kind: 'closed'; readonly error: LinkError | undefined}
	| {readonly kind: 'aborted'; readonly reason: unknown}
	/** With watchForMissingStx(): a whole data message came without its STX (see MissingStxWatch). */
	| {readonly kind: 'without-stx'; readonly message: DataMessageWithoutStx};

export interface InboxWait {
	/** How long to wait for the first byte, ms. */
	readonly firstByteMs: number;
	/** How long a pause between two bytes may be once bytes flow, ms; reset by every byte. */
	readonly interCharacterMs: number;
	/** Absolute time (Date.now() scale) after which waiting stops whatever flows. */
	readonly deadline: number;
	/**
	 * How many bytes may come without an accepted frame before waiting stops (as at the deadline).
	 * Default: no limit. A frame of known size (an identification) cannot be longer.
	 */
	readonly maxBytes?: number;
}

/**
 * Bytes from a Link turned into frames, and a way to wait for the next frame with the protocol's
 * timeouts: the inter-character timeout is re-armed by every byte, so a slow but steady 300 Bd
 * telegram never times out while it flows (§8c 17). Also keeps every received byte (the raw capture).
 */
export class FrameInbox {
	readonly #scanner: FrameScanner;
	readonly #frames: Frame[] = [];
	readonly #raw: Buffer[] = [];
	readonly #maxRawBytes: number;
	#rawBytes = 0;
	#receivedBytes = 0;
	#bytesSinceMark = 0;
	#lastByteAt = 0;
	#wake: (() => void) | undefined;
	#watchingBlockStart = false;
	#blockStarted = false;
	#closed: {error: LinkError | undefined} | undefined;
	readonly #parity: FrameScannerOptions['parity'];
	#missingStx: MissingStxWatch | undefined;
	#withoutStx: DataMessageWithoutStx | undefined;
	readonly #unsubscribe: (() => void)[];

	constructor(link: Link, options: FrameScannerOptions = {}) {
		this.#scanner = new FrameScanner(options);
		this.#parity = options.parity;
		this.#maxRawBytes = options.maxMessageBytes ?? 64 * 1024;
		this.#unsubscribe = [
			link.onData((chunk) => this.#receive(chunk)),
			link.onClose((error) => {
				this.#closed = {error};
				this.#wake?.();
			}),
		];
	}

	/** Every byte received so far (bounded by maxMessageBytes × 4). */
	get raw(): Buffer {
		return Buffer.concat(this.#raw);
	}

	/** Bytes received since the last mark(). */
	get bytesSinceMark(): number {
		return this.#bytesSinceMark;
	}

	/** Starts a new phase: counts bytes from here. */
	mark(): void {
		this.#bytesSinceMark = 0;
	}

	/** From now on, note whether an STX arrives (a data block starting). */
	watchForBlockStart(): void {
		this.#blockStarted = false;
		this.#watchingBlockStart = true;
	}

	/** True when an STX arrived since watchForBlockStart(). */
	get blockStarted(): boolean {
		return this.#blockStarted;
	}

	/**
	 * From now on, watch the bytes for a data message whose STX was lost or damaged on the line: a wait
	 * then ends with `without-stx` once its BCC is in, and what the scanner made of those bytes is
	 * dropped. Calling it again starts afresh (after a NAK); the returned function stops watching.
	 */
	watchForMissingStx(): () => void {
		this.#missingStx = new MissingStxWatch({
			...(this.#parity === undefined ? {} : {parity: this.#parity}),
			maxBytes: this.#maxRawBytes,
		});
		this.#withoutStx = undefined;
		return () => {
			this.#missingStx = undefined;
			this.#withoutStx = undefined;
		};
	}

	/** While watching: the data message without STX the bytes so far began, cut off before its end (ask once they stopped). */
	unfinishedWithoutStx(): DataMessageWithoutStx | undefined {
		return this.#missingStx?.unfinished();
	}

	/** Drops frames received so far (e.g. before a rate switch, when they can only be garbage). */
	discard(): Frame[] {
		return this.#frames.splice(0);
	}

	/** Waits for a frame for which `accept` is true; frames it rejects are passed to `skipped`. */
	async next(
		accept: (frame: Frame) => boolean,
		wait: InboxWait,
		signal: AbortSignal | undefined,
		skipped: (frame: Frame) => void = () => undefined,
	): Promise<Frame | InboxTimeout> {
		const startedAt = Date.now();
		const bytesAtStart = this.#receivedBytes;
		// When the last sleep should have ended, while it is not yet known whether that was too late.
		let wokeLateFrom: number | undefined;
		for (;;) {
			if (this.#withoutStx) {
				const message = this.#withoutStx;
				this.#withoutStx = undefined;
				return {kind: 'without-stx', message};
			}
			while (this.#frames.length > 0) {
				const frame = this.#frames.shift() as Frame;
				if (accept(frame)) return frame;
				skipped(frame);
			}
			if (signal?.aborted) return {kind: 'aborted', reason: signal.reason};
			if (this.#closed) return {kind: 'closed', error: this.#closed.error};
			if (wait.maxBytes !== undefined && this.#receivedBytes - bytesAtStart > wait.maxBytes) {
				return this.#timeout('deadline');
			}
			const now = Date.now();
			const quietSince = Math.max(this.#lastByteAt, startedAt);
			// Bytes flowing since the wait began (counted, not timed: one may arrive in the same millisecond).
			const allowed = this.#receivedBytes > bytesAtStart ? wait.interCharacterMs : wait.firstByteMs;
			const remaining = Math.min(quietSince + allowed, wait.deadline) - now;
			if (remaining <= 0) {
				// A busy host runs a late timer before reading the bytes that came meanwhile (Node's timers
				// phase comes before its poll phase): when the timer was late, read them first, then judge.
				if (wokeLateFrom !== undefined && now > wokeLateFrom) {
					wokeLateFrom = undefined;
					await new Promise((resolve) => realSetImmediate(resolve));
					continue;
				}
				return this.#timeout(now >= wait.deadline ? 'deadline' : 'silence');
			}
			wokeLateFrom = now + remaining;
			await this.#sleep(remaining, signal);
		}
	}

	/** Stops listening to the link. */
	dispose(): void {
		for (const unsubscribe of this.#unsubscribe) unsubscribe();
		this.#wake?.();
	}

	#timeout(kind: 'silence' | 'deadline'): InboxTimeout {
		// What the scanner holds unfinished becomes frames now: a block cut off is a TruncatedBlockError.
		const pending = [...this.#frames.splice(0), ...this.#scanner.end()];
		return {kind, bytesInPhase: this.#bytesSinceMark, pending};
	}

	#receive(chunk: Buffer): void {
		this.#lastByteAt = Date.now();
		this.#bytesSinceMark += chunk.length;
		this.#receivedBytes += chunk.length;
		if (this.#rawBytes < this.#maxRawBytes * 4) {
			this.#raw.push(chunk);
			this.#rawBytes += chunk.length;
		}
		if (this.#watchingBlockStart && chunk.includes(0x02)) this.#blockStarted = true;
		const found = this.#missingStx?.push(chunk);
		if (found) {
			this.#missingStx = undefined;
			this.#withoutStx = found.message;
			// What the scanner made of that message (noise, an unchecked push telegram, a block opened by
			// its BCC) is void: it starts afresh with what follows it, the meter's next bytes.
			this.#frames.length = 0;
			this.#scanner.reset();
			this.#frames.push(...this.#scanner.push(chunk.subarray(found.taken)));
		} else {
			this.#frames.push(...this.#scanner.push(chunk));
		}
		this.#wake?.();
	}

	#sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
		return new Promise<void>((resolve) => {
			const done = () => {
				clearTimeout(timer);
				signal?.removeEventListener('abort', done);
				this.#wake = undefined;
				resolve();
			};
			const timer = setTimeout(done, ms);
			signal?.addEventListener('abort', done, {once: true});
			this.#wake = done;
		});
	}
}
