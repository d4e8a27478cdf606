import type {Point} from '../readings/point.ts';

/** A point as a JSON-friendly object: ISO time, tags and fields as written. */
export interface PointJson {
	readonly measurement: string;
	readonly tags: Readonly<Record<string, string>>;
	readonly fields: Readonly<Record<string, number | string>>;
	readonly time: string;
}

export function pointToJson(point: Point): PointJson {
	return {
		measurement: point.measurement,
		tags: point.tags,
		fields: {...point.fields},
		time: point.time.toISOString(),
	};
}
