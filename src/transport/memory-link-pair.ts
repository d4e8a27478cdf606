import {bitsPerCharacter, type Link, type SerialSettings} from './link.ts';
import {LinkError} from './link-errors.ts';
import {LinkListeners} from './link-listeners.ts';

export interface MemoryLinkPairOptions {
	/**
	 * Deliver bytes after their time on the wire at the sender's rate (10 bits a character for 7E1), as a
	 * real line does; with fake timers a 3-minute 300 Bd telegram then takes 3 simulated minutes.
	 * Default false: bytes arrive on the next timer tick.
	 */
	readonly paced?: boolean;
	/**
	 * How long written bytes wait in the adapter before they reach the line, ms (a USB adapter's
	 * buffering: an FTDI's latency timer is 16 ms by default). They leave at the rate set when they
	 * reach the line, not the rate at write(). Default 0.
	 */
	readonly latencyMs?: number;
	/**
	 * drain() resolves once the last stop bit left the line, as tcdrain on a UART. False: it resolves
	 * at once, as on a pty or a USB adapter whose driver does not wait for its own FIFO. Default true.
	 */
	readonly drainWaitsForLine?: boolean;
	/** Place names for messages. Defaults `memory:host` and `memory:meter`. */
	readonly hostPlace?: string;
	readonly meterPlace?: string;
}

/** What happened on the line, in order: the record tests assert against (an ACK sent before a rate switch …). */
export type WireEvent =
	| {readonly timeMs: number; readonly side: Side; readonly kind: 'write'; readonly bytes: Buffer}
	| {readonly timeMs: number; readonly side: Side; readonly kind: 'sent'; readonly bytes: Buffer}
	| {readonly timeMs: number; readonly side: Side; readonly kind: 'baud'; readonly baudRate: number}
	| {readonly timeMs: number; readonly side: Side; readonly kind: 'open' | 'close'};

export type Side = 'host' | 'meter';

export interface MemoryLinkPair {
	readonly host: Link;
	readonly meter: Link;
	readonly events: WireEvent[];
	/** Closes the line from one side as an unplugged reader or a hung-up bridge would: the other side's onClose fires. */
	hangUp(side: Side): void;
}

/**
 * Two Links joined by a simulated serial line. Each side has its own rate: bytes sent at one rate
 * and received at another arrive garbled (bit 7 set, count scaled), as on a real line, so a host that
 * switches baud too early or too late sees garbage. A character takes its rate from the moment it
 * reaches the line, and one whose sender changes rate before its last bit left arrives garbled, so a
 * switch that cuts off the tail of an ACK is lost as on a real UART. Uses timers only, so fake timers
 * drive it.
 */
export function createMemoryLinkPair(options: MemoryLinkPairOptions = {}): MemoryLinkPair {
	const events: WireEvent[] = [];
	const ends = {
		host: new MemoryLinkEnd('host', options.hostPlace ?? 'memory:host', options, events),
		meter: new MemoryLinkEnd('meter', options.meterPlace ?? 'memory:meter', options, events),
	};
	ends.host.peer = ends.meter;
	ends.meter.peer = ends.host;
	return {
		host: ends.host,
		meter: ends.meter,
		events,
		hangUp(side) {
			ends[side].hangUp();
		},
	};
}

/** A write waiting for (or partly on) the line. */
interface QueuedWrite {
	readonly bytes: Buffer;
	/** When it leaves the adapter, ms (Date.now() scale). */
	readonly readyAt: number;
	/** Characters already sent. */
	offset: number;
}

/** A run of characters on the line, all at one rate. */
interface Transmission {
	readonly write: QueuedWrite;
	readonly count: number;
	readonly baudRate: number;
	readonly startAt: number;
	readonly characterMs: number;
	readonly timer: ReturnType<typeof setTimeout> | undefined;
}

/** Float slack when comparing line times, ms: a switch at the very end of a stop bit is after it. */
const EPSILON_MS = 1e-6;

class MemoryLinkEnd implements Link {
	readonly place: string;
	readonly canSetBaudRate = true;
	peer: MemoryLinkEnd | undefined;
	settings: SerialSettings | undefined;
	readonly #side: Side;
	readonly #options: MemoryLinkPairOptions;
	readonly #events: WireEvent[];
	readonly #listeners = new LinkListeners();
	/** Writes not yet fully on the line, in order. */
	readonly #queue: QueuedWrite[] = [];
	#onWire: Transmission | undefined;
	#waitTimer: ReturnType<typeof setTimeout> | undefined;
	/** When the last character sent left the line, ms (nominal, so timer lateness does not add up). */
	#lineFreeAt = 0;
	readonly #drained: (() => void)[] = [];
	readonly #pending = new Set<ReturnType<typeof setTimeout>>();

	constructor(side: Side, place: string, options: MemoryLinkPairOptions, events: WireEvent[]) {
		this.#side = side;
		this.place = place;
		this.#options = options;
		this.#events = events;
	}

	get isOpen(): boolean {
		return this.settings !== undefined;
	}

	async open(settings: SerialSettings, signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) throw new LinkError(this.place, 'aborted', {cause: signal.reason});
		this.settings = {...settings};
		this.#events.push({timeMs: Date.now(), side: this.#side, kind: 'open'});
	}

	async write(bytes: Uint8Array): Promise<void> {
		this.#requireOpen();
		const copy = Buffer.from(bytes);
		const now = Date.now();
		this.#events.push({timeMs: now, side: this.#side, kind: 'write', bytes: copy});
		if (copy.length === 0) return;
		this.#queue.push({bytes: copy, readyAt: now + (this.#options.latencyMs ?? 0), offset: 0});
		this.#transmit();
	}

	async drain(): Promise<void> {
		this.#requireOpen();
		// Unpaced without latency, bytes are on the line (taking no time) as soon as they are written.
		if (this.#options.drainWaitsForLine === false) return;
		if (!this.#options.paced && (this.#options.latencyMs ?? 0) === 0) return;
		if (this.#queue.length === 0) return;
		await new Promise<void>((resolve) => this.#drained.push(resolve));
	}

	async setBaudRate(baudRate: number): Promise<void> {
		const settings = this.#requireOpen();
		this.#interrupt();
		this.settings = {...settings, baudRate};
		this.#events.push({timeMs: Date.now(), side: this.#side, kind: 'baud', baudRate});
		this.#transmit();
	}

	onData(listener: (chunk: Buffer) => void): () => void {
		return this.#listeners.onData(listener);
	}

	onClose(listener: (error: LinkError | undefined) => void): () => void {
		return this.#listeners.onClose(listener);
	}

	async close(): Promise<void> {
		if (!this.isOpen) return;
		this.#shutDown();
	}

	/** Bytes arriving from the peer, sent at `sentAtRate`; the last `garbledTail` of them were cut by a rate change. */
	receive(bytes: Buffer, sentAtRate: number, garbledTail = 0): void {
		if (!this.settings) return;
		let chunk =
			sentAtRate === this.settings.baudRate ? bytes : garble(bytes, sentAtRate, this.settings.baudRate);
		if (garbledTail > 0 && sentAtRate === this.settings.baudRate) {
			chunk = Buffer.from(chunk);
			for (let index = chunk.length - garbledTail; index < chunk.length; index++) {
				chunk[index] = garbleCharacter(chunk[index] as number);
			}
		}
		this.#listeners.emitData(chunk);
	}

	hangUp(): void {
		if (!this.isOpen) return;
		this.#shutDown();
		this.#listeners.emitClose(undefined);
		this.peer?.peerHungUp();
	}

	peerHungUp(): void {
		if (!this.isOpen) return;
		this.#shutDown();
		const error = new LinkError(this.place, 'disconnected');
		this.#listeners.emitClose(error);
	}

	/**
	 * Puts the next run of characters on the line at the current rate: about 10 ms worth when paced, so
	 * a long telegram trickles in (and re-arms inter-character timeouts) as on a real line.
	 */
	#transmit(inTimer = false): void {
		const settings = this.settings;
		const head = this.#queue[0];
		if (this.#onWire || this.#waitTimer !== undefined || !settings) return;
		if (head === undefined) {
			for (const resolve of this.#drained.splice(0)) resolve();
			return;
		}
		const now = Date.now();
		const startAt = Math.max(head.readyAt, this.#lineFreeAt);
		if (startAt > now + EPSILON_MS) {
			this.#waitTimer = this.#later(startAt - now, () => {
				this.#waitTimer = undefined;
				this.#transmit(true);
			});
			return;
		}
		const remaining = head.bytes.length - head.offset;
		const characterMs = this.#options.paced ? (bitsPerCharacter(settings) * 1000) / settings.baudRate : 0;
		const perRun = this.#options.paced ? Math.max(1, Math.floor(10 / characterMs)) : remaining;
		const count = Math.min(remaining, perRun);
		const endAt = startAt + count * characterMs;
		const finish = () => this.#finish(count, 0);
		// Written bytes never arrive within write() itself; after a wait they may arrive at once.
		const timer = inTimer && endAt <= now + EPSILON_MS ? undefined : this.#later(endAt - now, finish);
		this.#onWire = {
			write: head,
			count,
			baudRate: settings.baudRate,
			startAt,
			characterMs,
			timer,
		};
		if (timer === undefined) finish();
	}

	/** `clean` characters of the run on the line arrived whole, then `garbled` more were cut. */
	#finish(clean: number, garbled: number, thenTransmit = true): void {
		const run = this.#onWire;
		if (!run) return;
		this.#onWire = undefined;
		const {write} = run;
		const sent = clean + garbled;
		this.#lineFreeAt = run.startAt + sent * run.characterMs;
		if (sent > 0) {
			const bytes = Buffer.from(write.bytes.subarray(write.offset, write.offset + sent));
			this.peer?.receive(bytes, run.baudRate, garbled);
		}
		write.offset += sent;
		if (write.offset >= write.bytes.length) {
			this.#queue.shift();
			this.#events.push({timeMs: Date.now(), side: this.#side, kind: 'sent', bytes: write.bytes});
		}
		if (thenTransmit) this.#transmit(true);
	}

	/** A rate change: what finished goes out clean, the character on the wire garbled, the rest waits for the new rate. */
	#interrupt(): void {
		if (this.#waitTimer !== undefined) {
			clearTimeout(this.#waitTimer);
			this.#pending.delete(this.#waitTimer);
			this.#waitTimer = undefined;
		}
		const run = this.#onWire;
		if (!run) return;
		if (run.timer !== undefined) {
			clearTimeout(run.timer);
			this.#pending.delete(run.timer);
		}
		const elapsed = Date.now() - run.startAt;
		if (run.characterMs === 0 || elapsed + EPSILON_MS >= run.count * run.characterMs) {
			this.#finish(run.count, 0, false);
			return;
		}
		const whole = Math.max(0, Math.floor((elapsed + EPSILON_MS) / run.characterMs));
		const cut = elapsed > whole * run.characterMs + EPSILON_MS ? 1 : 0;
		this.#finish(whole, cut, false);
	}

	#shutDown(): void {
		this.settings = undefined;
		for (const timer of this.#pending) clearTimeout(timer);
		this.#pending.clear();
		this.#queue.length = 0;
		this.#onWire = undefined;
		this.#waitTimer = undefined;
		this.#lineFreeAt = 0;
		for (const resolve of this.#drained.splice(0)) resolve();
		this.#events.push({timeMs: Date.now(), side: this.#side, kind: 'close'});
	}

	#requireOpen(): SerialSettings {
		if (!this.settings) throw new LinkError(this.place, 'not-open');
		return this.settings;
	}

	#later(delayMs: number, action: () => void): ReturnType<typeof setTimeout> {
		const timer = setTimeout(
			() => {
				this.#pending.delete(timer);
				action();
			},
			// Whole milliseconds, rounded up: a character is never delivered before its last bit left.
			Math.max(0, Math.ceil(delayMs - EPSILON_MS)),
		);
		this.#pending.add(timer);
		return timer;
	}
}

/**
 * What a receiver at the wrong rate makes of the bytes: read faster, each character smears over
 * several (fewer bits sampled); read slower, several characters collapse into one. Either way the bytes
 * are not what was sent, and most have bit 7 set (the stop bit sampled as data), as on a real UART.
 */
function garble(bytes: Buffer, sentAtRate: number, readAtRate: number): Buffer {
	const count = Math.max(1, Math.round((bytes.length * readAtRate) / sentAtRate));
	const out = Buffer.alloc(count);
	for (let index = 0; index < count; index++) {
		const source = bytes[Math.min(bytes.length - 1, Math.floor((index * sentAtRate) / readAtRate))] as number;
		out[index] = ((source * 31 + index * 17) & 0x7f) | 0x80;
	}
	return out;
}

/** A character whose sender changed rate while it was on the line: its last bits sampled wrong, bit 7 set. */
function garbleCharacter(byte: number): number {
	return ((byte * 31 + 7) & 0x7f) | 0x80;
}
