/**
 * One conversation per port at a time: several addressed meters on one bus (or two schedules on one
 * IR head) are read one after another, never interleaved. Waiters are served in order.
 */
export class PortLock {
	readonly #tails = new Map<string, Promise<void>>();

	/** Runs `work` once every earlier holder of `port` finished. */
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
			return await work();
		} finally {
			release();
			if (this.#tails.get(port) === tail) this.#tails.delete(port);
		}
	}
}
