import type {Point} from '../readings/point.ts';

/**
 * InfluxDB line protocol for one point, with seconds precision (`precision=s` on the write):
 * `meter,meter=50871031,obis=1.8.1,unit=kWh value=21271 1462372800`.
 * Tags sorted by key (what InfluxDB recommends for write speed); empty tag values left out, since the
 * protocol cannot express them; newlines, which it cannot carry either, become spaces.
 */
export function formatLineProtocol(point: Point): string {
	let line = escapeName(point.measurement, MEASUREMENT);
	const keys = Object.keys(point.tags);
	// Tag sets are small (≤ 8): sorted in place by insertion, which allocates nothing (Array#sort
	// allocates a work array per call, a good part of what a backfill of millions of points allocates).
	sortSmall(keys);
	for (const key of keys) {
		const value = point.tags[key];
		if (value === undefined || value === '') continue;
		line += `,${escapeName(key, TAG)}=${escapeName(value, TAG)}`;
	}
	const fields = point.fields;
	line +=
		'value' in fields
			? ` value=${formatFloat(fields.value)}`
			: ` text="${fields.text.replace(NEWLINE, ' ').replace(STRING, '\\$&')}"`;
	return `${line} ${Math.floor(point.time.getTime() / 1000)}`;
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

function formatFloat(value: number): string {
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
