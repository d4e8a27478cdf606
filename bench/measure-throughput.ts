/** One parser under test: parses one telegram's bytes and returns how many data sets it found. */
export type TelegramParser = (bytes: Buffer) => number;

export interface Throughput {
	readonly name: string;
	/** Median telegrams per CPU second over the rounds. */
	readonly telegramsPerSecond: number;
	/** Data sets found in one pass over the mix (a sanity check that both parsers did the work). */
	readonly dataSetsPerPass: number;
}

export interface ThroughputOptions {
	/** CPU time per round and parser, ms. Default 1000. */
	readonly roundMs?: number;
	/** Rounds per parser; the median is reported. Default 5. */
	readonly rounds?: number;
}

/**
 * CPU seconds this process has used (user + system, every thread: the garbage collector's helpers
 * count). The rates are per CPU second rather than per wall second: on a machine shared with other
 * work a parser is descheduled for a varying share of each round, which wall time counts against it.
 */
function cpuSeconds(): number {
	const {user, system} = process.cpuUsage();
	return (user + system) / 1e6;
}

/**
 * Runs each parser over the whole telegram mix repeatedly, interleaving the parsers round by round so
 * that machine noise hits them alike, and reports the median rate per CPU second (see cpuSeconds).
 * Single-threaded: one core.
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
			const start = cpuSeconds();
			const deadline = start + roundMs / 1000;
			let now = start;
			while (now < deadline) {
				for (const bytes of mix) parse(bytes);
				telegrams += mix.length;
				now = cpuSeconds();
			}
			rates.get(name)?.push(telegrams / (now - start));
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
