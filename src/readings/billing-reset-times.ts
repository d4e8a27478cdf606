import type {DataSet} from '../iec62056/data-set.ts';
import {parseDecimal} from '../iec62056/decimal-text.ts';
import {type MeterTime, NO_TIME} from '../iec62056/meter-time.ts';
import {isResetStampCode, parseResetStamp, resetPeriodOf} from './reset-stamp.ts';

/**
 * When each billing period of a readout ended, keyed by its suffix as written, separator included
 * (`*01`, `*14`, `&07`, `*101`): the two billing schemes `*` and `&` never share reset times.
 * Sources, in this order:
 * - `0.1.2*NN` with a full stamp (Iskra, AUX: `0.1.2*04(1130401000000)`);
 * - `0.1.3*NN` date plus `0.1.2*NN` time of day (the ZMD style split);
 * - the current counter `0.1.0(NN)` names the last period; its reset is `0.1.3` + `0.1.2` unstarred.
 * Periods without any of these are absent: their history cannot be placed in time.
 */
export function billingResetTimes(dataSets: readonly DataSet[]): Map<string, MeterTime> {
	const stamps = new Map<string, {full?: MeterTime; date?: MeterTime; time?: MeterTime}>();
	let counter: string | undefined;
	let counterValue = 0;
	for (const set of dataSets) {
		const code = set.obis;
		if (code === undefined || code.c !== '0' || code.d !== '1') continue;
		const text = set.values[0]?.text ?? '';
		const period = resetPeriodOf(code);
		if (code.e === '0' && period === '') {
			const value = parseDecimal(text);
			if (value !== undefined && Number.isInteger(value)) {
				counter = text;
				counterValue = value;
			}
			continue;
		}
		if (!isResetStampCode(code)) continue;
		const time = parseResetStamp(code, text);
		if (time === undefined || time === NO_TIME) continue;
		const slot = stamps.get(period) ?? {};
		stamps.set(period, slot);
		if (time.year !== undefined && time.hour !== undefined) slot.full = time;
		else if (time.year !== undefined) slot.date = time;
		else slot.time = time;
	}

	const result = new Map<string, MeterTime>();
	let last: MeterTime | undefined;
	for (const [period, slot] of stamps) {
		const time = slot.full ?? (slot.date ? withTimeOfDay(slot.date, slot.time) : undefined);
		if (time === undefined) continue;
		if (period === '') last = time;
		else result.set(period, time);
	}
	// The last reset belongs to the period the counter names, unless that period has its own stamp.
	if (counter !== undefined && last !== undefined) {
		for (const period of counterPeriods(counter, counterValue))
			if (!result.has(period)) result.set(period, last);
	}
	return result;
}

/**
 * The period the current counter `0.1.0(NN)` names, in each width a meter may write its `*NN` (`*01`
 * where the counter says `1`): as wide as the counter's text, and 1, 2 and 3 digits (`0.1.0(05)` →
 * `*05`, `*5`, `*05`, `*005`; a width may repeat). `text` as written, `value` its integer.
 */
export function counterPeriods(text: string, value: number): string[] {
	const number = String(value);
	return [text.length, 1, 2, 3].map((width) => `*${number.padStart(width, '0')}`);
}

/**
 * The date with the time of day of `time` (midnight without one). Built field by field: an object
 * spread of the two (`{...date, ...timeOfDay}`) took V8's slow path, whose objects are made in the old
 * generation: a capture of 50 000 telegrams then grew the heap by tens of MB between full collections.
 */
function withTimeOfDay(date: MeterTime, time: MeterTime | undefined): MeterTime {
	const {format, year, month, day, season} = date;
	const hour = time?.hour ?? 0;
	const minute = time?.minute ?? 0;
	const second = time?.second ?? 0;
	return season === undefined
		? {format, year, month, day, hour, minute, second}
		: {format, year, month, day, hour, minute, second, season};
}
