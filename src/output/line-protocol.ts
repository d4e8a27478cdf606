import type {Point} from '../readings/point.ts';

/**
 * InfluxDB line protocol for one point, with seconds precision (`precision=s` on the write):
 * `meter,meter=50871031,obis=1.8.1,unit=kWh value=21271 1462372800`.
 * Tags sorted by key (what InfluxDB recommends for write speed); empty tag values left out, since the
 * protocol cannot express them; newlines, which it cannot carry either, become spaces.
 */
export function formatLineProtocol(point: Point): string {
	return `${formatSeriesKey(point.measurement, point.tags)} ${formatFieldSet(point.fields)} ${Math.floor(point.time.getTime() / 1000)}`;
}

/**
 * The series part of a line: the measurement and the non-empty tags sorted by key, escaped
 * (`meter,meter=50871031,obis=1.8.1,unit=kWh`). The same for every point of one series.
 */
export function formatSeriesKey(measurement: string, tags: Readonly<Record<string, string>>): string {
	let line = escapeName(measurement, MEASUREMENT);
	const keys = Object.keys(tags);
	// Tag sets are small (≤ 8): sorted in place by insertion, which allocates nothing (Array#sort
	// allocates a work array per call, a good part of what a backfill of millions of points allocates).
	sortSmall(keys);
	for (const key of keys) {
		const value = tags[key];
		if (value === undefined || value === '') continue;
		line += `,${escapeName(key, TAG)}=${escapeName(value, TAG)}`;
	}
	return line;
}

/** The field set: `value=21271` (a float), or `text="…"` quoted and escaped. */
export function formatFieldSet(fields: Point['fields']): string {
	return 'value' in fields
		? `value=${formatFloat(fields.value)}`
		: `text="${fields.text.replace(NEWLINE, ' ').replace(STRING, '\\$&')}"`;
}

/** Many points, one per line, each line ended by `\n` (a batch body for `/write`). */
export function formatLineProtocolBatch(points: readonly Point[]): string {
	let body = '';
	for (const point of points) body += `${formatLineProtocol(point)}\n`;
	return body;
}

const MEASUREMENT = /[, ]/g;
const TAG = /[, =]/g;
const STRING = /["\\]/g;
const NEWLINE = /[\r\n]/g;

// Anything that needs escaping or replacing anywhere; most names and tag values have none of it.
const NEEDS_WORK = /[, =\r\n"\\]/;

function escapeName(text: string, special: RegExp): string {
	if (!NEEDS_WORK.test(text)) return text;
	return text.replace(NEWLINE, ' ').replace(special, '\\$&');
}

/** A float value as line protocol writes it; throws a RangeError for NaN and the infinities. */
export function formatFloat(value: number): string {
	if (!Number.isFinite(value)) throw new RangeError(`line protocol cannot carry the float ${value}`);
	return String(value);
}

function sortSmall(keys: string[]): void {
	for (let index = 1; index < keys.length; index++) {
		const key = keys[index] as string;
		let at = index - 1;
		while (at >= 0 && (keys[at] as string) > key) {
			keys[at + 1] = keys[at] as string;
			at--;
		}
		keys[at + 1] = key;
	}
}
