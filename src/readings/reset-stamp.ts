import type {DataSet} from '../iec62056/data-set.ts';
import {type MeterTime, NO_TIME, parseMeterTime} from '../iec62056/meter-time.ts';
import type {ObisCode} from '../iec62056/obis-code.ts';
import {type Stamp, valueTime} from './value-times.ts';

/** True for a billing reset stamp register: `0.1.2` (reset time) or `0.1.3` (reset date), any period. */
export function isResetStampCode(code: Pick<ObisCode, 'c' | 'd' | 'e'>): boolean {
	return code.c === '0' && code.d === '1' && (code.e === '2' || code.e === '3');
}

/**
 * The period a `0.1.x` register belongs to, as written, separator included (`*01`, `&07`, `*101`);
 * `''` for the current one (no suffix or `*255`), whose reset is the last.
 */
export function resetPeriodOf(code: Pick<ObisCode, 'separator' | 'f'>): string {
	return code.f === undefined || (code.separator === '*' && Number(code.f) === 255)
		? ''
		: `${code.separator}${code.f}`;
}

/**
 * A reset stamp register's value read as a meter time: `0.1.2` of up to 6 characters is a time of day
 * (`hhmm`, `hhmmss`, the ZMD style split), anything longer and `0.1.3` a date (with or without its
 * time). NO_TIME for a placeholder (`0000000000`), undefined for text that is no time. A time of day
 * of zeros (`0.1.2(0000)`) is midnight: whether a reset has a date is up to its date part.
 */
export function parseResetStamp(
	code: Pick<ObisCode, 'e'>,
	text: string,
): MeterTime | typeof NO_TIME | undefined {
	return parseMeterTime(text, code.e === '2' && text.length <= 6 ? 'time' : 'date');
}

/**
 * The periods (see resetPeriodOf) whose reset date is a placeholder (`0.1.3(000000)`, the epoch
 * `700101`, a date in or before 2000; docs/schema.md) and that have no real date: a time of day sent
 * beside it (`0.1.2(0000)`) dates nothing.
 */
export function resetDatePlaceholders(dataSets: readonly DataSet[]): Set<string> {
	const placeholders = new Set<string>();
	const dated = new Set<string>();
	for (const set of dataSets) {
		const code = set.obis;
		if (code === undefined || !isResetStampCode(code)) continue;
		const time = parseResetStamp(code, set.values[0]?.text ?? '');
		const period = resetPeriodOf(code);
		if (time === NO_TIME) placeholders.add(period);
		else if (time?.year !== undefined) dated.add(period);
	}
	for (const period of dated) placeholders.delete(period);
	return placeholders;
}

/**
 * The time a reset stamp register stands for, as `parse`/`read` show it (table and JSON) and billing
 * reset times read it: parseResetStamp, except that a time of day of a period whose date is a
 * placeholder (resetDatePlaceholders) is NO_TIME too. So `0.1.2(0000)` beside `0.1.3(160501)` is
 * midnight, beside `0.1.3(000000)` no date.
 */
export function resetStampTime(
	code: Pick<ObisCode, 'e' | 'separator' | 'f'>,
	text: string,
	placeholderDates: ReadonlySet<string>,
): MeterTime | typeof NO_TIME | undefined {
	const time = parseResetStamp(code, text);
	if (time === undefined || time === NO_TIME || time.year !== undefined) return time;
	return placeholderDates.has(resetPeriodOf(code)) ? NO_TIME : time;
}

/**
 * The time value `index` of a data set stands for, as `parse`/`read` show it (table and JSON): valueTime,
 * with a reset stamp register's value read by resetStampTime. `placeholderDates`: resetDatePlaceholders
 * of the telegram's data sets.
 */
export function shownValueTime(
	set: DataSet,
	index: number,
	placeholderDates: ReadonlySet<string>,
): Stamp | undefined {
	const code = set.obis;
	const value = set.values[index];
	if (index === 0 && code !== undefined && value !== undefined && isResetStampCode(code))
		return resetStampTime(code, value.text, placeholderDates);
	return valueTime(set, index);
}
