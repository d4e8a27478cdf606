import {connect, type Socket} from 'node:net';
import type {Link, SerialSettings} from './link.ts';
import {LinkError, linkErrorFrom} from './link-errors.ts';
import {LinkListeners} from './link-listeners.ts';
import {SocketConnection} from './socket-connection.ts';

export interface TcpLinkOptions {
	/** The bridge's host name or address (ser2net, ESP-Link, a Tasmota IR head). Required. */
	readonly host: string;
	/** The bridge's TCP port, 1–65535. Required. */
	readonly port: number;
	/** Give up connecting after this long, ms. Default 10 000: a bridge on Wi-Fi may take a few seconds. */
	readonly connectTimeoutMs?: number;
	/** How long close() waits for the bridge to answer our FIN before cutting the connection, ms. Default 1000. */
	readonly closeTimeoutMs?: number;
}

export const DEFAULT_TCP_LINK_OPTIONS: Required<Omit<TcpLinkOptions, 'host' | 'port'>> = {
	connectTimeoutMs: 10_000,
	closeTimeoutMs: 1000,
};

/**
 * A Link to a serial-over-TCP bridge speaking raw bytes (ser2net in raw mode, ESP-Link, Tasmota's
 * serial bridge). Such a bridge fixes the line's rate and format in its own configuration and offers
 * no way to change them, so canSetBaudRate is false and setBaudRate only records the rate asked for:
 * the session stays at the start rate (configure the bridge for it, e.g. 300 7E1, or 9600 7E1 for a
 * mode D push meter).
 */
export class TcpLink implements Link {
	readonly place: string;
	readonly canSetBaudRate = false;
	readonly #host: string;
	readonly #port: number;
	readonly #connectTimeoutMs: number;
	readonly #closeTimeoutMs: number;
	readonly #listeners = new LinkListeners();
	#connection: SocketConnection | undefined;
	#connecting = false;
	#requestedBaudRate: number | undefined;

	constructor(options: TcpLinkOptions) {
		if (typeof options?.host !== 'string' || options.host.trim() === '') {
			throw new TypeError(`TcpLink: "host" must be a host name or address, got ${show(options?.host)}`);
		}
		if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
			throw new TypeError(`TcpLink: "port" must be an integer from 1 to 65535, got ${show(options.port)}`);
		}
		const merged = {
			connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_TCP_LINK_OPTIONS.connectTimeoutMs,
			closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_TCP_LINK_OPTIONS.closeTimeoutMs,
		};
		for (const [name, value] of Object.entries(merged)) {
			if (!Number.isFinite(value) || value <= 0) {
				throw new TypeError(`TcpLink: "${name}" must be a positive number of ms, got ${show(value)}`);
			}
		}
		this.#host = options.host;
		this.#port = options.port;
		this.#connectTimeoutMs = merged.connectTimeoutMs;
		this.#closeTimeoutMs = merged.closeTimeoutMs;
		this.place = `tcp://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
	}

	get isOpen(): boolean {
		return this.#connection?.isOpen ?? false;
	}

	/** The rate the session last asked for (the start rate, then what setBaudRate recorded); the bridge's stays. */
	get requestedBaudRate(): number | undefined {
		return this.#requestedBaudRate;
	}

	async open(settings: SerialSettings, signal?: AbortSignal): Promise<void> {
		if (this.#connection !== undefined || this.#connecting) {
			throw new LinkError(this.place, 'other', {
				detail: 'already open: close the link before opening it again',
			});
		}
		if (signal?.aborted) throw new LinkError(this.place, 'aborted', {cause: signal.reason});
		this.#connecting = true;
		try {
			const socket = await this.#connect(signal);
			this.#requestedBaudRate = settings.baudRate;
			this.#connection = new SocketConnection(socket, this.place, this.#closeTimeoutMs, {
				onData: (chunk) => {
					this.#listeners.emitData(chunk);
				},
				onLost: (error) => {
					this.#connection = undefined;
					this.#listeners.emitClose(error);
				},
			});
		} finally {
			this.#connecting = false;
		}
	}

	async write(bytes: Uint8Array): Promise<void> {
		await this.#requireOpen().write(bytes);
	}

	async drain(): Promise<void> {
		await this.#requireOpen().drain();
	}

	/** Records the rate only: a raw bridge keeps its configured rate (see the class comment). */
	async setBaudRate(baudRate: number): Promise<void> {
		if (!Number.isInteger(baudRate) || baudRate <= 0) {
			throw new TypeError(`TcpLink: "baudRate" must be a positive integer, got ${show(baudRate)}`);
		}
		this.#requireOpen();
		this.#requestedBaudRate = baudRate;
	}

	onData(listener: (chunk: Buffer) => void): () => void {
		return this.#listeners.onData(listener);
	}

	onClose(listener: (error: LinkError | undefined) => void): () => void {
		return this.#listeners.onClose(listener);
	}

	async close(): Promise<void> {
		const connection = this.#connection;
		this.#connection = undefined;
		await connection?.close();
	}

	#connect(signal: AbortSignal | undefined): Promise<Socket> {
		return new Promise<Socket>((resolve, reject) => {
			const socket = connect({host: this.#host, port: this.#port});
			const fail = (error: LinkError) => {
				cleanUp();
				// A late error from the abandoned socket must not become an unhandled 'error' event.
				socket.on('error', () => undefined);
				socket.destroy();
				reject(error);
			};
			const onError = (error: NodeJS.ErrnoException) => {
				fail(
					error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN'
						? new LinkError(this.place, 'not-found', {
								cause: error,
								detail: `no such host "${this.#host}": check the bridge's address`,
							})
						: linkErrorFrom(this.place, error),
				);
			};
			const onAbort = () => fail(new LinkError(this.place, 'aborted', {cause: signal?.reason}));
			const timer = setTimeout(
				() =>
					fail(
						new LinkError(this.place, 'other', {
							detail: `no answer within ${this.#connectTimeoutMs} ms: is the bridge powered and reachable?`,
						}),
					),
				this.#connectTimeoutMs,
			);
			const cleanUp = () => {
				clearTimeout(timer);
				socket.off('error', onError);
				signal?.removeEventListener('abort', onAbort);
			};
			socket.once('error', onError);
			signal?.addEventListener('abort', onAbort, {once: true});
			socket.once('connect', () => {
				cleanUp();
				resolve(socket);
			});
		});
	}

	#requireOpen(): SocketConnection {
		const connection = this.#connection;
		if (connection === undefined || !connection.isOpen) throw new LinkError(this.place, 'not-open');
		return connection;
	}
}

function show(value: unknown): string {
	return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
