/** One parser under test: parses one telegram's bytes and returns how many data sets it found. */
export type TelegramParser = (bytes: Buffer) => number;

export interface Throughput {
	readonly name: string;
	/** Median telegrams per second over the rounds. */
	readonly telegramsPerSecond: number;
	/** Data sets found in one pass over the mix (a sanity check that both parsers did the work). */
	readonly dataSetsPerPass: number;
}

export interface ThroughputOptions {
	/** Wall time per round and parser, ms. Default 1000. */
	readonly roundMs?: number;
	/** Rounds per parser; the median is reported. Default 5. */
	readonly rounds?: number;
}

/**
 * Runs each parser over the whole telegram mix repeatedly, interleaving the parsers round by round so
 * that machine noise hits them alike, and reports the median rate. Single-threaded: one core.
 */
export function measureThroughput(
	parsers: Readonly<Record<string, TelegramParser>>,
	mix: readonly Buffer[],
	options: ThroughputOptions = {},
): Throughput[] {
	const roundMs = options.roundMs ?? 1000;
	const rounds = options.rounds ?? 5;
	const rates = new Map<string, number[]>();
	const dataSets = new Map<string, number>();
	for (const [name, parse] of Object.entries(parsers)) {
		// Warm-up: let the JIT see every telegram before timing.
		for (let pass = 0; pass < 50; pass++) for (const bytes of mix) parse(bytes);
		dataSets.set(
			name,
			mix.reduce((sum, bytes) => sum + parse(bytes), 0),
		);
		rates.set(name, []);
	}
	for (let round = 0; round < rounds; round++) {
		for (const [name, parse] of Object.entries(parsers)) {
			globalThis.gc?.();
			let telegrams = 0;
			const start = process.hrtime.bigint();
			const deadline = start + BigInt(roundMs) * 1_000_000n;
			let now = start;
			while (now < deadline) {
				for (const bytes of mix) parse(bytes);
				telegrams += mix.length;
				now = process.hrtime.bigint();
			}
			rates.get(name)?.push(telegrams / (Number(now - start) / 1e9));
		}
	}
	return Object.keys(parsers).map((name) => {
		const sorted = [...(rates.get(name) ?? [])].sort((a, b) => a - b);
		return {
			name,
			telegramsPerSecond: sorted[Math.floor(sorted.length / 2)] ?? 0,
			dataSetsPerPass: dataSets.get(name) ?? 0,
		};
	});
}
