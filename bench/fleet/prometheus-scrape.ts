/** One sample of a scrape: metric name, labels, value. */
export interface ScrapedSample {
	readonly name: string;
	readonly labels: Readonly<Record<string, string>>;
	readonly value: number;
}

/** Parses Prometheus text exposition (0.0.4) as the collector's /metrics writes it. */
export function parsePrometheusText(text: string): ScrapedSample[] {
	const samples: ScrapedSample[] = [];
	for (const line of text.split('\n')) {
		if (line === '' || line.startsWith('#')) continue;
		const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
		if (match === null) continue;
		const labels: Record<string, string> = {};
		for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
			labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, (_, character: string) =>
				character === 'n' ? '\n' : character,
			);
		}
		const raw = match[3] as string;
		samples.push({
			name: match[1] as string,
			labels,
			value:
				raw === '+Inf' ? Number.POSITIVE_INFINITY : raw === '-Inf' ? Number.NEGATIVE_INFINITY : Number(raw),
		});
	}
	return samples;
}

/** The sum of every sample of `name` whose labels include `where`. */
export function sumOf(
	samples: readonly ScrapedSample[],
	name: string,
	where: Record<string, string> = {},
): number {
	return samples
		.filter(
			(sample) =>
				sample.name === name && Object.entries(where).every(([key, value]) => sample.labels[key] === value),
		)
		.reduce((total, sample) => total + sample.value, 0);
}

/**
 * A quantile of a Prometheus histogram's cumulative `_bucket` samples (as histogram_quantile does:
 * linear within the bucket it falls in), from the difference of two scrapes. Seconds.
 */
export function histogramQuantile(
	quantile: number,
	before: readonly ScrapedSample[],
	after: readonly ScrapedSample[],
	name: string,
): number | undefined {
	const buckets = (samples: readonly ScrapedSample[]) =>
		new Map(
			samples
				.filter((sample) => sample.name === `${name}_bucket`)
				.map((sample) => [
					Number(sample.labels['le'] === '+Inf' ? Infinity : sample.labels['le']),
					sample.value,
				]),
		);
	const start = buckets(before);
	const end = [...buckets(after).entries()]
		.map(([le, count]) => [le, count - (start.get(le) ?? 0)] as const)
		.sort(([a], [b]) => a - b);
	const total = end.at(-1)?.[1] ?? 0;
	if (total === 0) return undefined;
	const rank = quantile * total;
	let previousLe = 0;
	let previousCount = 0;
	for (const [le, count] of end) {
		if (count >= rank) {
			if (le === Infinity) return previousLe;
			const inBucket = count - previousCount;
			return inBucket === 0 ? le : previousLe + ((le - previousLe) * (rank - previousCount)) / inBucket;
		}
		previousLe = le;
		previousCount = count;
	}
	return previousLe;
}
