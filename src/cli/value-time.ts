import type {DataSet} from '../iec62056/data-set.ts';
import {type MeterTime, type NO_TIME, parseMeterTime} from '../iec62056/meter-time.ts';
import {groupValue} from '../iec62056/obis-code.ts';

/**
 * The time stamp a value carries, for display: the date field after a value (`(24.31*kW)(1605041345)`),
 * a stamp after the unit (`(1.124*kW 1250625171500)`), an ISO value, or a clock register's own value
 * (`0.9.1` time, `0.9.2` date, `0.1.2`/`0.1.3` reset stamps). NO_TIME for all-zero placeholders.
 */
export function valueTime(set: DataSet, index: number): MeterTime | typeof NO_TIME | undefined {
	const value = set.values[index];
	if (value === undefined) return undefined;
	if (value.trailer !== undefined) {
		const trailer = parseMeterTime(value.trailer, 'date');
		if (trailer !== undefined) return trailer;
	}
	const text = value.raw.includes('&') ? value.raw.trim() : value.text;
	if (index > 0) return stampLike(text) ? parseMeterTime(text, 'date') : undefined;
	const clock = clockRegister(set);
	if (clock !== undefined) return parseMeterTime(text, clock);
	return /^\d{4}-\d{2}-\d{2}/.test(text) ? parseMeterTime(text, 'date') : undefined;
}

function stampLike(text: string): boolean {
	return /^\d{4,13}[SW]?$/.test(text) || /^\d{4}-\d{2}-\d{2}/.test(text) || text.includes('?');
}

/** `time` for registers holding a time of day, `date` for those holding a date, else undefined. */
function clockRegister(set: DataSet): 'time' | 'date' | undefined {
	const code = set.obis;
	if (code === undefined || code.d === undefined || code.e === undefined) return undefined;
	const [c, d, e] = [groupValue(code.c), groupValue(code.d), groupValue(code.e)];
	// `0-0:1.0.0` is the clock in DSMR and Apator readouts (A = 0: abstract data, not electricity).
	if (code.a === 0 && c === 1 && d === 0) return 'date';
	if (c !== 0) return undefined;
	if (d === 9) return e === 1 ? 'time' : e === 2 ? 'date' : undefined;
	if (d !== 1) return undefined;
	if (e === 3) return 'date';
	if (e === 2) return (set.values[0]?.text.length ?? 0) <= 6 ? 'time' : 'date';
	return undefined;
}
