import type {OpenOptions, SerialPortStream} from '@serialport/stream';
import {hangUpSafeBinding} from './hang-up-safe-binding.ts';
import type {Link, SerialSettings} from './link.ts';
import {LinkError, linkErrorFrom} from './link-errors.ts';
import {LinkListeners} from './link-listeners.ts';

/** How serialport reaches the hardware: the operating system's binding, or MockBinding in unit tests. */
export type SerialBinding = OpenOptions['binding'];

export interface SerialLinkOptions {
	/** The device: `/dev/ttyUSB0`, `/dev/serial/by-id/usb-FTDI_…`, `COM3`. Required. */
	readonly path: string;
	/**
	 * Default: the platform's native binding (@serialport/bindings-cpp's autoDetect, what `serialport`
	 * uses), loaded at the first open: a collector of TCP or simulated meters never loads it.
	 */
	readonly binding?: SerialBinding;
	/**
	 * Ask the driver to hand over received bytes at once (Linux ASYNC_LOW_LATENCY). FTDI adapters
	 * otherwise hold them for up to 16 ms, which eats into a 20 ms meter's reaction time. Ptys and some
	 * drivers refuse it: open then fails with a LinkError saying so. Default false.
	 */
	readonly lowLatency?: boolean;
}

export const DEFAULT_SERIAL_LINK_OPTIONS: Required<Omit<SerialLinkOptions, 'path' | 'binding'>> = {
	lowLatency: false,
};

/**
 * A Link over a local serial port (USB IR head, onboard UART) through `serialport`. Every open()
 * creates a fresh port object, so a link can be closed and opened again for the next readout.
 */
export class SerialLink implements Link {
	readonly place: string;
	readonly canSetBaudRate = true;
	readonly #binding: SerialBinding | undefined;
	readonly #lowLatency: boolean;
	readonly #listeners = new LinkListeners();
	#port: SerialPortStream | undefined;
	#opening: Promise<void> | undefined;

	constructor(options: SerialLinkOptions) {
		if (typeof options?.path !== 'string' || options.path.trim() === '') {
			throw new TypeError(
				`SerialLink: "path" must be a device path such as /dev/ttyUSB0, got ${show(options?.path)}`,
			);
		}
		const lowLatency = options.lowLatency ?? DEFAULT_SERIAL_LINK_OPTIONS.lowLatency;
		if (typeof lowLatency !== 'boolean') {
			throw new TypeError(`SerialLink: "lowLatency" must be a boolean, got ${show(lowLatency)}`);
		}
		this.place = options.path;
		this.#binding = options.binding === undefined ? undefined : hangUpSafeBinding(options.binding);
		this.#lowLatency = lowLatency;
	}

	get isOpen(): boolean {
		return this.#port?.isOpen ?? false;
	}

	async open(settings: SerialSettings, signal?: AbortSignal): Promise<void> {
		if (this.#port !== undefined || this.#opening !== undefined) {
			throw new LinkError(this.place, 'other', {
				detail: 'already open: close the link before opening it again',
			});
		}
		this.#opening = this.#open(settings, signal);
		try {
			await this.#opening;
		} finally {
			this.#opening = undefined;
		}
	}

	async write(bytes: Uint8Array): Promise<void> {
		const port = this.#requireOpen();
		// A copy: the caller may reuse its buffer while the stream still holds ours.
		await callback((done) => port.write(Buffer.from(bytes), done)).catch((error: unknown) => {
			throw linkErrorFrom(this.place, error);
		});
	}

	async drain(): Promise<void> {
		const port = this.#requireOpen();
		await callback((done) => port.drain(done)).catch((error: unknown) => {
			throw linkErrorFrom(this.place, error);
		});
	}

	async setBaudRate(baudRate: number): Promise<void> {
		assertBaudRate(baudRate);
		const port = this.#requireOpen();
		await callback((done) => port.update({baudRate}, done)).catch((error: unknown) => {
			throw new LinkError(this.place, 'other', {
				cause: error,
				detail: `cannot switch to ${baudRate} Bd: ${(error as Error).message}`,
			});
		});
	}

	onData(listener: (chunk: Buffer) => void): () => void {
		return this.#listeners.onData(listener);
	}

	onClose(listener: (error: LinkError | undefined) => void): () => void {
		return this.#listeners.onClose(listener);
	}

	async close(): Promise<void> {
		// A close during open() must not leave the port open behind the caller's back.
		await this.#opening?.catch(() => undefined);
		const port = this.#port;
		if (port === undefined) return;
		this.#port = undefined;
		if (!port.isOpen) return;
		// Errors here mean the port is gone already (unplugged during close): closed either way.
		await callback((done) => port.close(done)).catch(() => undefined);
	}

	async #open(settings: SerialSettings, signal: AbortSignal | undefined): Promise<void> {
		assertBaudRate(settings.baudRate);
		if (signal?.aborted) throw new LinkError(this.place, 'aborted', {cause: signal.reason});
		const {SerialPortStream, binding} = await loadSerialport(this.#binding).catch((error: unknown) => {
			throw new LinkError(this.place, 'other', {
				cause: error,
				detail: `the serial port binding cannot be loaded: ${(error as Error).message}`,
			});
		});
		if (signal?.aborted) throw new LinkError(this.place, 'aborted', {cause: signal.reason});
		const port = new SerialPortStream({
			binding,
			path: this.place,
			baudRate: settings.baudRate,
			dataBits: settings.dataBits,
			parity: settings.parity,
			stopBits: settings.stopBits,
			autoOpen: false,
		});
		// Errors the stream emits on its own (a write failing as the port vanishes) arrive through the
		// write callback or the 'close' event too; the listener keeps them from crashing the process.
		port.on('error', () => undefined);
		const opened = callback((done) => port.open(done));
		try {
			await abortable(opened, signal);
		} catch (error) {
			if (signal?.aborted) {
				// The binding cannot cancel an open in flight: close the port once it is there.
				opened.then(
					() => port.close(() => undefined),
					() => undefined,
				);
				throw new LinkError(this.place, 'aborted', {cause: signal.reason});
			}
			throw linkErrorFrom(this.place, error);
		}
		if (this.#lowLatency) {
			try {
				await callback((done) => port.set(LOW_LATENCY, done));
			} catch (error) {
				await callback((done) => port.close(done)).catch(() => undefined);
				throw new LinkError(this.place, 'other', {
					cause: error,
					detail: `cannot set low-latency mode (${(error as Error).message}): this adapter cannot hand bytes over at once: do without low latency`,
				});
			}
		}
		port.on('data', (chunk: Buffer) => {
			this.#listeners.emitData(chunk);
		});
		port.once('close', (error: Error | null) => this.#closedByItself(port, error));
		this.#port = port;
	}

	/** The port's 'close' event: also fires after our own close(), which has forgotten the port by then. */
	#closedByItself(port: SerialPortStream, error: Error | null): void {
		if (this.#port !== port) return;
		this.#port = undefined;
		const linkError = new LinkError(this.place, 'disconnected', error === null ? {} : {cause: error});
		this.#listeners.emitClose(linkError);
	}

	#requireOpen(): SerialPortStream {
		// The stream queues writes and drains on a closed port until it opens again: fail instead of hanging.
		const port = this.#port;
		if (port === undefined || !port.isOpen) throw new LinkError(this.place, 'not-open');
		return port;
	}
}

let nativeBinding: Promise<SerialBinding> | undefined;

/**
 * The stream class and the binding, imported on first use: only serial meters need them (about 9 MB
 * of the collector's memory with `debug`, the native addon and its port listing). The parsers and the
 * mock binding the `serialport` package bundles are never needed here.
 */
async function loadSerialport(
	given: SerialBinding | undefined,
): Promise<{SerialPortStream: typeof SerialPortStream; binding: SerialBinding}> {
	nativeBinding ??= import('@serialport/bindings-cpp').then(({autoDetect}) =>
		hangUpSafeBinding(autoDetect()),
	);
	const [{SerialPortStream}, binding] = await Promise.all([
		import('@serialport/stream'),
		given === undefined ? nativeBinding : given,
	]);
	return {SerialPortStream, binding};
}

/** Sets DTR and RTS as the driver does on open (some IR heads draw power from them) plus low latency. */
const LOW_LATENCY = {dtr: true, rts: true, lowLatency: true} as const;

function callback(start: (done: (error: Error | null | undefined) => void) => void): Promise<void> {
	return new Promise<void>((resolve, reject) => {
		start((error) => (error ? reject(error) : resolve()));
	});
}

function abortable(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
	if (signal === undefined) return promise;
	return new Promise<void>((resolve, reject) => {
		const onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, {once: true});
		promise.then(
			() => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}

function assertBaudRate(baudRate: number): void {
	if (!Number.isInteger(baudRate) || baudRate <= 0) {
		throw new TypeError(`SerialLink: "baudRate" must be a positive integer, got ${show(baudRate)}`);
	}
}

function show(value: unknown): string {
	return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
