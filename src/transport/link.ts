import type {LinkError} from './link-errors.ts';

/** Character format and rate of a serial line. IEC 62056-21 modes A–C sign on at 300 Bd 7E1. */
export interface SerialSettings {
	/** Bits per second at the start of the conversation. */
	readonly baudRate: number;
	readonly dataBits: 7 | 8;
	readonly parity: 'even' | 'odd' | 'none';
	readonly stopBits: 1 | 2;
}

/** The sign-on format of modes A, B and C: 300 Bd, 7 data bits, even parity, 1 stop bit. */
export const SIGN_ON_SETTINGS: SerialSettings = {baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1};

/** Bits on the wire per character: start bit, data bits, parity bit, stop bits (10 for 7E1). */
export function bitsPerCharacter(settings: Pick<SerialSettings, 'dataBits' | 'parity' | 'stopBits'>): number {
	return 1 + settings.dataBits + (settings.parity === 'none' ? 0 : 1) + settings.stopBits;
}

/**
 * A byte pipe to a meter (or, for the simulator, to the host): a serial port, a TCP bridge, or an
 * in-memory pair in tests. The readout session only speaks to this contract, never to `serialport`
 * or `net` directly, so every conversation can be replayed against the simulator.
 */
export interface Link {
	/** Where the link goes, for messages: `/dev/ttyUSB0`, `tcp://192.168.1.5:8888`. */
	readonly place: string;
	/** False for bridges that cannot change the line's rate (most raw TCP bridges): the session then stays at its start rate. */
	readonly canSetBaudRate: boolean;
	/** Opens the line with these settings. Rejects with a LinkError naming the cause (not found, permission, busy …). */
	open(settings: SerialSettings, signal?: AbortSignal): Promise<void>;
	/** Queues bytes for sending; resolves when they were handed to the driver (not yet on the wire: see drain). */
	write(bytes: Uint8Array): Promise<void>;
	/** Resolves when every written byte has left the host (tcdrain): only then may the rate change. */
	drain(): Promise<void>;
	/** Changes the rate, keeping data bits, parity and stop bits. */
	setBaudRate(baudRate: number): Promise<void>;
	/** Listens to incoming bytes; returns the function that stops listening. */
	onData(listener: (chunk: Buffer) => void): () => void;
	/** Called once when the link closes without close() being called (reader unplugged, peer hung up). */
	onClose(listener: (error: LinkError | undefined) => void): () => void;
	/** Closes the line; safe to call twice. */
	close(): Promise<void>;
	readonly isOpen: boolean;
}
