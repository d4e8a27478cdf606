import type {Socket} from 'node:net';
import {LinkError, linkErrorFrom} from './link-errors.ts';

export interface SocketConnectionEvents {
	readonly onData: (chunk: Buffer) => void;
	/** The peer closed or the connection broke, without close() being called. */
	readonly onLost: (error: LinkError) => void;
}

/**
 * The byte-pipe half of a Link over one connected TCP socket, shared by the client link (to a
 * ser2net / ESP-Link bridge) and the server link (the simulator behind a bridge): ordered writes,
 * drain, and telling a hang-up by the peer from our own close.
 */
export class SocketConnection {
	readonly #socket: Socket;
	readonly #place: string;
	readonly #closeTimeoutMs: number;
	/** Settles when every write so far has reached the kernel; writes are ordered, so the last one tells. */
	#lastWrite: Promise<void> = Promise.resolve();
	#closing = false;
	#closed: Promise<void> | undefined;
	#lastError: Error | undefined;

	constructor(socket: Socket, place: string, closeTimeoutMs: number, events: SocketConnectionEvents) {
		this.#socket = socket;
		this.#place = place;
		this.#closeTimeoutMs = closeTimeoutMs;
		// Every small write goes out at once: Nagle would hold an ACK back for up to 200 ms, a whole tr.
		socket.setNoDelay(true);
		socket.on('data', events.onData);
		socket.on('error', (error) => {
			this.#lastError = error;
		});
		socket.once('close', () => {
			if (this.#closing) return;
			this.#closing = true;
			events.onLost(
				new LinkError(place, 'disconnected', this.#lastError === undefined ? {} : {cause: this.#lastError}),
			);
		});
	}

	get isOpen(): boolean {
		return !this.#closing && !this.#socket.destroyed;
	}

	/** Resolves when the socket handed the bytes to the kernel. */
	write(bytes: Uint8Array): Promise<void> {
		if (!this.isOpen) return Promise.reject(new LinkError(this.#place, 'not-open'));
		const written = new Promise<void>((resolve, reject) => {
			this.#socket.write(Buffer.from(bytes), (error) => {
				if (error) reject(linkErrorFrom(this.#place, error));
				else resolve();
			});
		});
		// drain() waits for this one without caring whether an earlier write failed: that write reported it.
		this.#lastWrite = written.catch(() => undefined);
		return written;
	}

	/**
	 * Resolves when the socket's write buffer is flushed to the kernel. That is all TCP can tell: when
	 * the bridge puts the bytes on its serial line is unknown, so a session times rate switches by wire time.
	 */
	async drain(): Promise<void> {
		if (!this.isOpen) throw new LinkError(this.#place, 'not-open');
		await this.#lastWrite;
		if (!this.isOpen) throw new LinkError(this.#place, 'disconnected', {cause: this.#lastError});
	}

	/** Sends what is queued, then FIN; a peer that never answers the FIN is cut off after closeTimeoutMs. */
	close(): Promise<void> {
		this.#closed ??= this.#close();
		return this.#closed;
	}

	async #close(): Promise<void> {
		this.#closing = true;
		const socket = this.#socket;
		if (socket.destroyed) return;
		await new Promise<void>((resolve) => {
			const timer = setTimeout(() => socket.destroy(), this.#closeTimeoutMs);
			socket.once('close', () => {
				clearTimeout(timer);
				resolve();
			});
			socket.end();
		});
	}
}
