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
	/** Extra delay before written bytes reach the line, ms (USB adapter buffering). Default 0. */
	readonly latencyMs?: number;
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
 * switches baud too early or too late sees garbage. Uses timers only, so fake timers drive it.
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

class MemoryLinkEnd implements Link {
	readonly place: string;
	readonly canSetBaudRate = true;
	peer: MemoryLinkEnd | undefined;
	settings: SerialSettings | undefined;
	readonly #side: Side;
	readonly #options: MemoryLinkPairOptions;
	readonly #events: WireEvent[];
	readonly #listeners = new LinkListeners();
	/** When the line from this side is free again, ms (epoch, Date.now() so fake timers apply). */
	#lineFreeAt = 0;
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
		const settings = this.#requireOpen();
		const copy = Buffer.from(bytes);
		const now = Date.now();
		this.#events.push({timeMs: now, side: this.#side, kind: 'write', bytes: copy});
		const wireMs = this.#options.paced
			? (copy.length * bitsPerCharacter(settings) * 1000) / settings.baudRate
			: 0;
		const start = Math.max(now + (this.#options.latencyMs ?? 0), this.#lineFreeAt);
		this.#lineFreeAt = start + wireMs;
		const sentAtRate = settings.baudRate;
		if (this.#options.paced && copy.length > 1) {
			// Bytes reach the peer as they come off the wire, about 10 ms worth at a time, so a long
			// telegram at 300 Bd trickles in (and re-arms inter-character timeouts) as on a real line.
			const perSlice = Math.max(1, Math.floor(settings.baudRate / bitsPerCharacter(settings) / 100));
			const characterMs = wireMs / copy.length;
			for (let offset = 0; offset < copy.length; offset += perSlice) {
				const slice = copy.subarray(offset, Math.min(copy.length, offset + perSlice));
				const arrival = start + (offset + slice.length) * characterMs;
				this.#later(arrival - now, () => this.peer?.receive(Buffer.from(slice), sentAtRate));
			}
			this.#later(this.#lineFreeAt - now, () => {
				this.#events.push({timeMs: Date.now(), side: this.#side, kind: 'sent', bytes: copy});
			});
			return;
		}
		this.#later(this.#lineFreeAt - now, () => {
			this.#events.push({timeMs: Date.now(), side: this.#side, kind: 'sent', bytes: copy});
			this.peer?.receive(copy, sentAtRate);
		});
	}

	async drain(): Promise<void> {
		this.#requireOpen();
		const wait = this.#lineFreeAt - Date.now();
		if (wait > 0) await new Promise<void>((resolve) => this.#later(wait, resolve));
	}

	async setBaudRate(baudRate: number): Promise<void> {
		const settings = this.#requireOpen();
		this.settings = {...settings, baudRate};
		this.#events.push({timeMs: Date.now(), side: this.#side, kind: 'baud', baudRate});
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

	/** Bytes arriving from the peer, sent at `sentAtRate`. */
	receive(bytes: Buffer, sentAtRate: number): void {
		if (!this.settings) return;
		const chunk =
			sentAtRate === this.settings.baudRate ? bytes : garble(bytes, sentAtRate, this.settings.baudRate);
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

	#shutDown(): void {
		this.settings = undefined;
		for (const timer of this.#pending) clearTimeout(timer);
		this.#pending.clear();
		this.#lineFreeAt = 0;
		this.#events.push({timeMs: Date.now(), side: this.#side, kind: 'close'});
	}

	#requireOpen(): SerialSettings {
		if (!this.settings) throw new LinkError(this.place, 'not-open');
		return this.settings;
	}

	#later(delayMs: number, action: () => void): void {
		const timer = setTimeout(
			() => {
				this.#pending.delete(timer);
				action();
			},
			Math.max(0, delayMs),
		);
		this.#pending.add(timer);
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
