import type {DataSet} from '../iec62056/data-set.ts';
import {type MeterTime, NO_TIME} from '../iec62056/meter-time.ts';
import {groupValue} from '../iec62056/obis-code.ts';
import {meterTimeToInstant} from './meter-clock.ts';
import {valueTime} from './value-times.ts';

/**
 * The instant the meter's own clock gives in a telegram: the DSMR clock `0-0:1.0.0(161113205757W)`, or
 * the IEC time `0.9.1` with the date `0.9.2` (the ZMD120's `0.9.1(160353)` `0.9.2(160511)`), local
 * time in `zone` (an IANA name), season digits and suffixes honoured. Undefined when the telegram holds
 * neither, or a placeholder.
 */
export function telegramClock(dataSets: readonly DataSet[], zone: string): Date | undefined {
	let time: MeterTime | undefined;
	let date: MeterTime | undefined;
	for (const set of dataSets) {
		const code = set.obis;
		if (code?.d === undefined || code.e === undefined) continue;
		if (code.f !== undefined && !(code.separator === '*' && Number(code.f) === 255)) continue;
		const [c, d, e] = [groupValue(code.c), groupValue(code.d), groupValue(code.e)];
		const isDsmrClock = code.a === 0 && c === 1 && d === 0 && e === 0;
		const isTime = c === 0 && d === 9 && e === 1;
		const isDate = c === 0 && d === 9 && e === 2;
		if (!isDsmrClock && !isTime && !isDate) continue;
		const stamp = valueTime(set, 0);
		if (stamp === undefined || stamp === NO_TIME) continue;
		if (isDsmrClock) return stamp.hour === undefined ? undefined : meterTimeToInstant(stamp, zone);
		if (isTime && time === undefined) time = stamp;
		if (isDate && date === undefined) date = stamp;
	}
	if (time?.hour === undefined || date?.year === undefined) return undefined;
	const season = time.season ?? date.season;
	return meterTimeToInstant(
		{
			format: 'ZST12',
			year: date.year,
			month: date.month,
			day: date.day,
			hour: time.hour,
			minute: time.minute,
			second: time.second,
			...(season === undefined ? {} : {season}),
		},
		zone,
	);
}
