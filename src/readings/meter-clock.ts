import {DateTime, IANAZone} from 'luxon';
import type {MeterTime} from '../iec62056/meter-time.ts';

/** Thrown at the boundary when a configured time zone is not an IANA zone luxon knows. */
export function assertTimeZone(zone: string): void {
	if (!IANAZone.isValidZone(zone)) {
		throw new TypeError(
			`time zone must be an IANA name such as "Europe/Berlin", received ${JSON.stringify(zone)}`,
		);
	}
}

/**
 * Converts a meter's local time stamp to an instant. The meter's clock runs in `zone` (an IANA
 * name); a season flag, where sent, names the offset (the zone's standard or summer offset that year),
 * which also settles the repeated autumn hour. Without one, the ambiguous hour resolves to its first
 * occurrence (summer time), and a time inside the spring gap moves forward by the gap, as luxon does.
 * `utc` stamps are taken as UTC.
 * Returns undefined for stamps without a date (time-only or day-month).
 */
export function meterTimeToInstant(time: MeterTime, zone: string): Date | undefined {
	if (time.year === undefined || time.month === undefined || time.day === undefined) return undefined;
	// Every readout repeats the same stamps (peak dates, billing resets): remember recent conversions,
	// which cost tens of microseconds each in luxon (Intl offsets), a replay of a year of archive millions.
	const key = `${zone}|${time.year}|${time.month}|${time.day}|${time.hour}|${time.minute}|${time.second}|${time.season}`;
	const known = recentInstants.get(key);
	if (known !== undefined) return known === null ? undefined : new Date(known);
	const instant = convert({...time, year: time.year, month: time.month, day: time.day}, zone);
	if (recentInstants.size >= RECENT_INSTANTS) recentInstants.clear();
	recentInstants.set(key, instant === undefined ? null : instant.getTime());
	return instant;
}

/** Conversions remembered (a few readouts' worth of distinct stamps); the memo is cleared when full. */
const RECENT_INSTANTS = 4096;
const recentInstants = new Map<string, number | null>();

function convert(
	time: MeterTime & {year: number; month: number; day: number},
	zone: string,
): Date | undefined {
	const fields = {
		year: time.year,
		month: time.month,
		day: time.day,
		hour: time.hour ?? 0,
		minute: time.minute ?? 0,
		second: time.second ?? 0,
	};
	// 24:00 is the end of the day: the next midnight.
	const endOfDay = fields.hour === 24;
	if (endOfDay) fields.hour = 0;
	const shift = (date: DateTime) => (endOfDay ? date.plus({days: 1}) : date);
	if (time.season === 'utc') {
		const utc = shift(DateTime.fromObject(fields, {zone: 'UTC'}));
		return utc.isValid ? utc.toJSDate() : undefined;
	}

	const local = shift(DateTime.fromObject(fields, {zone}));
	if (!local.isValid) return undefined;
	if (time.season !== undefined) {
		// The flag says which offset the meter's clock runs on: the zone's standard or summer offset
		// of that year, whatever the date (a meter may keep standard time all year).
		const january = DateTime.fromObject({year: fields.year, month: 1, day: 1}, {zone}).offset;
		const july = DateTime.fromObject({year: fields.year, month: 7, day: 1}, {zone}).offset;
		const offsetMinutes = time.season === 'summer' ? Math.max(january, july) : Math.min(january, july);
		return shift(DateTime.fromObject(fields, {zone: 'UTC'}))
			.minus({minutes: offsetMinutes})
			.toJSDate();
	}
	// Without a flag the repeated autumn hour resolves to its first occurrence (still summer time).
	const earlier = local.minus({hours: 1});
	const repeated =
		earlier.hour === local.hour && earlier.minute === local.minute && earlier.day === local.day;
	return (repeated ? earlier : local).toJSDate();
}
