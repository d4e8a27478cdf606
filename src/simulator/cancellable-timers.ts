/**
 * The engine's timers, kept together so that one call cancels them all: when a conversation ends,
 * or the simulator stops, nothing of it may fire later. A cancelled sleep resolves `false` rather
 * than never, so the step awaiting it returns instead of hanging.
 */
export class CancellableTimers {
	readonly #timers = new Set<ReturnType<typeof setTimeout>>();
	readonly #sleepers = new Set<(elapsed: boolean) => void>();

	/** Runs `action` after `delayMs` unless cancelled first. */
	later(delayMs: number, action: () => void): void {
		const timer = setTimeout(() => {
			this.#timers.delete(timer);
			action();
		}, delayMs);
		this.#timers.add(timer);
	}

	/** Resolves true after `delayMs`, or false as soon as cancelAll() is called. */
	sleep(delayMs: number): Promise<boolean> {
		return new Promise((resolve) => {
			const wake = (elapsed: boolean) => {
				this.#sleepers.delete(wake);
				resolve(elapsed);
			};
			this.#sleepers.add(wake);
			this.later(delayMs, () => wake(true));
		});
	}

	cancelAll(): void {
		for (const timer of this.#timers) clearTimeout(timer);
		this.#timers.clear();
		for (const wake of [...this.#sleepers]) wake(false);
	}

	/** Timers still pending, for tests and diagnostics. */
	get size(): number {
		return this.#timers.size;
	}
}
