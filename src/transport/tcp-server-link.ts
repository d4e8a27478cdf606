import {createServer, type Server, type Socket} from 'node:net';
import type {Link, SerialSettings} from './link.ts';
import {LinkError} from './link-errors.ts';
import {LinkListeners} from './link-listeners.ts';
import {SocketConnection} from './socket-connection.ts';

export interface TcpLinkListenOptions {
	/** Address to listen on. Default `127.0.0.1`: the simulator is a local test and demo tool. */
	readonly host?: string;
	/** TCP port; 0 picks a free one (see `address`). Default 0. */
	readonly port?: number;
	/** How long closing waits for the client to answer our FIN before cutting it off, ms. Default 1000. */
	readonly closeTimeoutMs?: number;
}

export const DEFAULT_TCP_LINK_LISTEN_OPTIONS: Required<TcpLinkListenOptions> = {
	host: '127.0.0.1',
	port: 0,
	closeTimeoutMs: 1000,
};

export interface TcpLinkListener {
	/** The meter's end of the bridge: open() waits for a client (a TcpLink) to connect. */
	readonly link: Link;
	/** Where the server listens; the port is the one picked when 0 was asked for. */
	readonly address: {readonly host: string; readonly port: number};
	/** Stops listening and closes any connection. */
	close(): Promise<void>;
}

/**
 * Plays the serial side of a raw TCP bridge (ser2net, ESP-Link) so the meter simulator can sit behind
 * it: the returned link is the accepted connection. Like ser2net, it serves one client at a time and
 * turns others away; after that client hangs up, open() accepts the next, as a logger connects anew
 * for every readout.
 */
export async function listenTcpLink(options: TcpLinkListenOptions = {}): Promise<TcpLinkListener> {
	const merged = {
		host: options.host ?? DEFAULT_TCP_LINK_LISTEN_OPTIONS.host,
		port: options.port ?? DEFAULT_TCP_LINK_LISTEN_OPTIONS.port,
		closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_TCP_LINK_LISTEN_OPTIONS.closeTimeoutMs,
	};
	if (typeof merged.host !== 'string' || merged.host === '') {
		throw new TypeError(`listenTcpLink: "host" must be an address to listen on, got ${String(merged.host)}`);
	}
	if (!Number.isInteger(merged.port) || merged.port < 0 || merged.port > 65_535) {
		throw new TypeError(
			`listenTcpLink: "port" must be an integer from 0 to 65535, got ${String(merged.port)}`,
		);
	}
	if (!Number.isFinite(merged.closeTimeoutMs) || merged.closeTimeoutMs <= 0) {
		throw new TypeError(
			`listenTcpLink: "closeTimeoutMs" must be a positive number of ms, got ${String(merged.closeTimeoutMs)}`,
		);
	}
	const server = createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(merged.port, merged.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const bound = server.address();
	if (bound === null || typeof bound === 'string')
		throw new Error('listenTcpLink: not listening on a TCP port');
	const address = {host: bound.address, port: bound.port};
	const place = `tcp://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
	const link = new AcceptedTcpLink(server, place, merged.closeTimeoutMs);
	return {
		link,
		address,
		async close() {
			await link.close();
			link.stop();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

class AcceptedTcpLink implements Link {
	readonly place: string;
	/** The meter side of a raw bridge cannot change the rate either; setBaudRate records it only. */
	readonly canSetBaudRate = false;
	baudRate: number | undefined;
	readonly #closeTimeoutMs: number;
	readonly #listeners = new LinkListeners();
	/** A client that connected before open() asked for it; its bytes wait in the socket until then. */
	#waiting: Socket | undefined;
	/** A waiting open(): takes the next client, or fails when the listener closes first. */
	#accept: {readonly take: (socket: Socket) => void; readonly fail: (error: LinkError) => void} | undefined;
	#connection: SocketConnection | undefined;
	#stopped = false;

	constructor(server: Server, place: string, closeTimeoutMs: number) {
		this.place = place;
		this.#closeTimeoutMs = closeTimeoutMs;
		server.on('connection', (socket) => this.#connected(socket));
	}

	get isOpen(): boolean {
		return this.#connection?.isOpen ?? false;
	}

	async open(settings: SerialSettings, signal?: AbortSignal): Promise<void> {
		if (this.#stopped) throw new LinkError(this.place, 'not-open', {detail: 'the listener is closed'});
		if (this.#connection !== undefined || this.#accept !== undefined) {
			throw new LinkError(this.place, 'other', {
				detail: 'already open: close the link before opening it again',
			});
		}
		if (signal?.aborted) throw new LinkError(this.place, 'aborted', {cause: signal.reason});
		const socket = await this.#nextClient(signal);
		this.baudRate = settings.baudRate;
		this.#connection = new SocketConnection(socket, this.place, this.#closeTimeoutMs, {
			onData: (chunk) => {
				this.#listeners.emitData(chunk);
			},
			onLost: (error) => {
				this.#connection = undefined;
				this.#listeners.emitClose(error);
			},
		});
	}

	async write(bytes: Uint8Array): Promise<void> {
		await this.#requireOpen().write(bytes);
	}

	async drain(): Promise<void> {
		await this.#requireOpen().drain();
	}

	async setBaudRate(baudRate: number): Promise<void> {
		this.#requireOpen();
		this.baudRate = baudRate;
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

	/** The listener is closing: turn away a waiting client and fail a waiting open(). */
	stop(): void {
		this.#stopped = true;
		this.#accept?.fail(
			new LinkError(this.place, 'not-open', {detail: 'the listener closed before a client came'}),
		);
		this.#waiting?.destroy();
		this.#waiting = undefined;
	}

	#connected(socket: Socket): void {
		// Until a SocketConnection owns it, an error (client reset) must not crash the process.
		socket.on('error', () => undefined);
		if (this.#stopped || this.#connection !== undefined || this.#waiting !== undefined) {
			socket.destroy();
			return;
		}
		const accept = this.#accept;
		if (accept !== undefined) {
			accept.take(socket);
			return;
		}
		this.#waiting = socket;
		socket.once('close', () => {
			if (this.#waiting === socket) this.#waiting = undefined;
		});
	}

	#nextClient(signal: AbortSignal | undefined): Promise<Socket> {
		const waiting = this.#waiting;
		if (waiting !== undefined) {
			this.#waiting = undefined;
			return Promise.resolve(waiting);
		}
		return new Promise<Socket>((resolve, reject) => {
			const settle = () => {
				this.#accept = undefined;
				signal?.removeEventListener('abort', onAbort);
			};
			const onAbort = () => {
				settle();
				reject(new LinkError(this.place, 'aborted', {cause: signal?.reason}));
			};
			signal?.addEventListener('abort', onAbort, {once: true});
			this.#accept = {
				take: (socket) => {
					settle();
					resolve(socket);
				},
				fail: (error) => {
					settle();
					reject(error);
				},
			};
		});
	}

	#requireOpen(): SocketConnection {
		const connection = this.#connection;
		if (connection === undefined || !connection.isOpen) throw new LinkError(this.place, 'not-open');
		return connection;
	}
}
