/**
 * A measurement point, neutral of any database client: what the mapper produces and every sink
 * consumes. Exactly one of `value` and `text` is set, so a point always carries a field (InfluxDB
 * drops field-less points silently).
 */
export interface Point {
	readonly measurement: string;
	/** Tag set: `meter`, `obis`, and where they apply `channel`, `unit`, `billing`. */
	readonly tags: Readonly<Record<string, string>>;
	readonly fields: {readonly value: number} | {readonly text: string};
	/** Whole seconds: meters print at most seconds, and seconds precision keeps writes idempotent. */
	readonly time: Date;
}

/** The identity of a point in the database: measurement, tags and time. Two points with equal keys overwrite. */
export function pointKey(point: Point): string {
	const tags = Object.keys(point.tags)
		.sort()
		.map((key) => [key, point.tags[key]]);
	return JSON.stringify([point.measurement, tags, Math.floor(point.time.getTime() / 1000)]);
}

/** Whether two tag sets hold the same keys with the same values, in any order; allocates nothing. */
export function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
	let keys = 0;
	for (const key in a) {
		if (a[key] !== b[key]) return false;
		keys++;
	}
	for (const _ in b) keys--;
	return keys === 0;
}
