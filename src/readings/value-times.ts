import type {DataSet} from '../iec62056/data-set.ts';
import type {DataValue} from '../iec62056/data-value.ts';
import {parseDecimal} from '../iec62056/decimal-text.ts';
import {dsmrBuffer} from '../iec62056/dsmr-buffer.ts';
import {type MeterTime, NO_TIME, parseMeterTime} from '../iec62056/meter-time.ts';
import {groupValue} from '../iec62056/obis-code.ts';

/** A meter time, or NO_TIME for a placeholder that stands where a time would (`0000000000`). */
export type Stamp = MeterTime | typeof NO_TIME;

/**
 * The one place that decides which values of a data set are times: the point mapper stamps points
 * with it, and `parse`'s table and JSON show the same times, so the two never disagree.
 *
 * Value `index` is, or carries, a time when it is
 * - a stamp after its unit: the AUX SX330's `(1.124*kW 1250625171500)` (the value stays a quantity);
 * - the value of a clock register: `0.9.1` time, `0.9.2` date, `0.1.2`/`0.1.3` reset stamps, the DSMR
 *   clock `0-0:1.0.0`;
 * - a stamp in a form no number takes, wherever it stands: the DSMR `…W`/`…S` suffix, dashes
 *   (`2024-11-05`, `24-11-05,17:00`), a season digit before 10 or 12 digits (`1140716101053`, the Iskra
 *   MT174's `C.51.2`);
 * - a bracket after the first holding 4 to 13 digits without a unit that read as a time
 *   (`1.6.1(24.31*kW)(1605041345)`), or 10 or 12 digits before a quantity with a unit
 *   (`(101209110000)(12785.123*m3)`).
 * A value with a unit is never a time itself. Undefined when the value is not a time.
 */
export function valueTime(set: DataSet, index: number): Stamp | undefined {
	const value = set.values[index];
	if (value === undefined) return undefined;
	if (value.trailer !== undefined) {
		const trailer = fullStamp(value.trailer);
		if (trailer !== undefined) return trailer;
	}
	if (value.unit !== undefined && value.unit !== '') return undefined;
	// `2017-01-18&01:36:47` (Siemens 2WR5): the `&` joins date and time, not two values.
	const text = value.parts === undefined ? value.text : value.raw.trim();
	if (index === 0) {
		const clock = clockRegister(set);
		if (clock !== undefined) return parseMeterTime(text, clock);
	}
	if (isMarkedStamp(text)) return parseMeterTime(text, 'date');
	// The stamp that opens a DSMR 2.2/3 profile: `0-1:24.3.0(211123200000)(00)(60)(1)(0-1:24.2.1)(m3)`.
	if (index === 0 && text.length === 12 && /^\d{12}$/.test(text) && dsmrBuffer(set)?.kind === 'profile')
		return parseMeterTime(text, 'date');
	if (index > 0 && STAMP_DIGITS.test(text)) return parseMeterTime(text, 'date');
	// `(101209110000)(12785.123*m3)`: a 10- or 12-digit first value before a quantity with a unit (DSMR 3 gas).
	const next = set.values[1];
	if (index === 0 && next?.unit && isQuantity(next) && /^(?:\d{10}|\d{12})$/.test(text)) {
		return parseMeterTime(text, 'date');
	}
	return undefined;
}

/** Which value of a data set is its quantity, and the stamp that dates it when it has one. */
export interface DatedValue {
	readonly valueIndex: number;
	readonly value: DataValue;
	/** The date of the quantity (a full stamp with a year), or NO_TIME when its date field is a placeholder. */
	readonly stamp?: Stamp;
	/** The quantity is itself a time (a clock register, a stamp in the first bracket): never a float. */
	readonly isTime: boolean;
}

/**
 * The quantity of a data set and its date: `(value)(date)` as ZMD maximum demand, `(date)(value)` as
 * DSMR gas, `(value*unit stamp)` as the AUX SX330. A second field that is a time of day (no year) does
 * not date the value. Undefined for a set without values.
 */
export function datedValue(set: DataSet): DatedValue | undefined {
	const [first, second] = set.values;
	if (first === undefined) return undefined;
	if (first.trailer !== undefined) {
		const stamp = fullStamp(first.trailer);
		if (stamp !== undefined) return {valueIndex: 0, value: first, stamp, isTime: false};
	}
	if (second !== undefined) {
		const after = dating(set, 1);
		if (after !== undefined && isQuantity(first))
			return {valueIndex: 0, value: first, stamp: after, isTime: false};
		const before = dating(set, 0);
		if (before !== undefined && isQuantity(second)) {
			return {valueIndex: 1, value: second, stamp: before, isTime: false};
		}
	}
	return {valueIndex: 0, value: first, isTime: valueTime(set, 0) !== undefined};
}

/** The time value `index` holds when it is a full date (with a year) or a placeholder. */
function dating(set: DataSet, index: number): Stamp | undefined {
	const time = valueTime(set, index);
	if (time === NO_TIME) return time;
	return time?.year === undefined ? undefined : time;
}

function fullStamp(text: string): Stamp | undefined {
	const trimmed = text.trim();
	if (!STAMP_DIGITS.test(trimmed) && !isMarkedStamp(trimmed)) return undefined;
	const time = parseMeterTime(trimmed, 'date');
	if (time === NO_TIME) return time;
	return time?.year === undefined ? undefined : time;
}

function isQuantity(value: DataValue): boolean {
	return parseDecimal(value.text) !== undefined;
}

const STAMP_DIGITS = /^\d{4,13}[SW]?$/;

/** Forms that only a time takes: the DSMR suffix, dashes, colons, a season digit before 10/12 digits, `??`. */
function isMarkedStamp(text: string): boolean {
	const length = text.length;
	if (length === 13 && /^\d{12}[SW]$/.test(text)) return true;
	// The regular expressions only where their dash or colon stands (most values hold neither).
	const dashed = length >= 8 && (text[2] === '-' || text[3] === '-' || text[4] === '-');
	if (dashed && /^\d{2,4}-\d{2}-\d{2}/.test(text)) return true;
	if ((length === 5 || length === 8) && text[2] === ':' && /^\d{2}:\d{2}(?::\d{2})?$/.test(text)) return true;
	if ((length === 11 || length === 13) && /^[012]\d+$/.test(text)) {
		const time = parseMeterTime(text, 'date');
		return time !== undefined;
	}
	return text.includes('?') && /^[\d?]{6,13}$/.test(text);
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
