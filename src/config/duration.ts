/**
 * Durations as people write them in config.yaml: `500ms`, `10s`, `5m`, `1h`, `1d`, or a plain
 * number of seconds. Returns milliseconds; undefined when the text is not a duration.
 */
export function parseDuration(value: string | number): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
	const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$/.exec(value);
	if (!match) return undefined;
	const amount = Number(match[1]);
	const unit = match[2] ?? 's';
	const factor = {ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000}[unit] as number;
	return Math.round(amount * factor);
}

/** Sizes: `100MB`, `512KiB`, `1GB`, or a plain number of bytes. Returns bytes; undefined when not a size. */
export function parseSize(value: string | number): number | undefined {
	if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
	const match = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?\s*$/i.exec(value);
	if (!match) return undefined;
	const units: Record<string, number> = {
		b: 1,
		kb: 1e3,
		mb: 1e6,
		gb: 1e9,
		kib: 1024,
		mib: 1024 ** 2,
		gib: 1024 ** 3,
	};
	return Math.round(Number(match[1]) * (units[(match[2] ?? 'B').toLowerCase()] as number));
}
