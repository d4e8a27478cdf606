export interface CycleTimerOptions {
	/** Time between two ticks, ms. */
	readonly everyMs: number;
	/** Called at each tick; what it returns is not awaited (a slow readout handles its own overlap). */
	readonly onTick: () => void;
	/** The wall clock, ms since the epoch. Default Date.now; tests pass one that runs behind the timers. */
	readonly now?: () => number;
}

/**
 * Ticks on a fixed grid, `firstAt + k × everyMs`, for `every:` schedules. Each tick is armed for its
 * own time on the grid, so neither a late timer (a busy host) nor a slow tick moves the ones after
 * it, and a timer that fires a little early (Node's timers run on a loop clock that may lag the wall
 * clock by some milliseconds) waits the rest instead of losing the tick. After a pause longer than a
 * cycle (a suspended host) it ticks once and goes on with the grid.
 */
export class CycleTimer {
	readonly #everyMs: number;
	readonly #onTick: () => void;
	readonly #now: () => number;
	#nextAt = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#running = false;

	constructor(options: CycleTimerOptions) {
		if (!(Number.isFinite(options.everyMs) && options.everyMs > 0)) {
			throw new TypeError(`everyMs must be a positive number of ms, received ${String(options.everyMs)}`);
		}
		if (typeof options.onTick !== 'function') throw new TypeError('onTick must be a function');
		this.#everyMs = options.everyMs;
		this.#onTick = options.onTick;
		this.#now = options.now ?? Date.now;
	}

	/** Ticks first at `firstAt` (ms since the epoch), then every `everyMs`. */
	start(firstAt: number): void {
		if (!Number.isFinite(firstAt))
			throw new TypeError(`firstAt must be a time in ms, received ${String(firstAt)}`);
		this.stop();
		this.#running = true;
		this.#nextAt = firstAt;
		this.#arm();
	}

	stop(): void {
		this.#running = false;
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}

	#arm(): void {
		this.#timer = setTimeout(() => this.#fire(), Math.max(0, this.#nextAt - this.#now()));
	}

	#fire(): void {
		this.#timer = undefined;
		if (!this.#running) return;
		const now = this.#now();
		if (now >= this.#nextAt) {
			const behind = Math.floor((now - this.#nextAt) / this.#everyMs);
			this.#nextAt += (behind + 1) * this.#everyMs;
			this.#onTick();
		}
		// Early: the same tick, armed again for the rest of the wait.
		if (this.#running) this.#arm();
	}
}
