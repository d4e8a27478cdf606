/**
 * How late this process's event loop ran, over time: a 10 ms timer notes by how much each tick came
 * late. The soak's simulators run here and time the line by this loop, so a host error they report
 * while the loop was late (a stall of more than the 33 ms switch guard) says more about the harness
 * than about the collector.
 */
export class LoopLag {
	readonly #samples: {atMs: number; lateMs: number}[] = [];
	readonly #timer: ReturnType<typeof setInterval>;
	#expected = Date.now() + 10;

	constructor() {
		this.#timer = setInterval(() => {
			const now = Date.now();
			this.#samples.push({atMs: now, lateMs: Math.max(0, now - this.#expected)});
			// Keep a minute: enough to look back from any report.
			while ((this.#samples[0]?.atMs ?? now) < now - 60_000) this.#samples.shift();
			this.#expected = now + 10;
		}, 10);
		this.#timer.unref();
	}

	/** The most the loop was late within `windowMs` before `atMs`, ms. */
	worstBefore(atMs: number, windowMs = 1000): number {
		let worst = 0;
		for (const sample of this.#samples) {
			if (sample.atMs > atMs - windowMs && sample.atMs <= atMs + 50) worst = Math.max(worst, sample.lateMs);
		}
		return worst;
	}

	stop(): void {
		clearInterval(this.#timer);
	}
}
