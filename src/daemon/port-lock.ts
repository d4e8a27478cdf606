export interface PortLockOptions {
	/**
	 * Quiet time on a port between the end of one conversation and the start of the next, ms. After
	 * its data the meter stays at the data rate for a while (ready to repeat on a NAK, up to ta/tt ≈
	 * 1.5 s) and misses a sign-on sent at 300 Bd in that time. Default 1600.
	 */
	readonly quietGapMs?: number;
}

export const DEFAULT_PORT_LOCK_OPTIONS = {quietGapMs: 1600} as const;

/**
 * One conversation per port at a time: several addressed meters on one bus (or two schedules on one
 * IR head) are read one after another, never interleaved, with a quiet gap between them so the meter
 * is back at its initial state. Waiters are served in order.
 */
export class PortLock {
	readonly #tails = new Map<string, Promise<void>>();
	readonly #releasedAt = new Map<string, number>();
	/** Quiet time between two conversations on a port, ms (also between the sign-ons of one readout). */
	readonly quietGapMs: number;

	constructor(options: PortLockOptions = {}) {
		const {quietGapMs} = {...DEFAULT_PORT_LOCK_OPTIONS, ...options};
		if (!(Number.isFinite(quietGapMs) && quietGapMs >= 0)) {
			throw new TypeError(
				`quietGapMs must be a number of milliseconds >= 0, received ${String(options.quietGapMs)}`,
			);
		}
		this.quietGapMs = quietGapMs;
	}

	/** Runs `work` once every earlier holder of `port` finished and the port was quiet long enough. */
	async run<T>(port: string, work: () => Promise<T>): Promise<T> {
		const previous = this.#tails.get(port) ?? Promise.resolve();
		let release: () => void = () => undefined;
		const mine = new Promise<void>((resolve) => {
			release = resolve;
		});
		const tail = previous.then(() => mine);
		this.#tails.set(port, tail);
		await previous;
		try {
			const wait = (this.#releasedAt.get(port) ?? 0) + this.quietGapMs - Date.now();
			if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			return await work();
		} finally {
			this.#releasedAt.set(port, Date.now());
			release();
			if (this.#tails.get(port) === tail) this.#tails.delete(port);
		}
	}
}
