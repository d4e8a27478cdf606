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
 * name); a season flag, where sent, picks the offset in the repeated autumn hour. Without one, the
 * ambiguous hour resolves to its first occurrence (summer time), and a time inside the spring gap
 * moves forward by the gap, as luxon does. `utc` stamps are taken as UTC.
 * Returns undefined for stamps without a date (time-only or day-month).
 */
export function meterTimeToInstant(time: MeterTime, zone: string): Date | undefined {
	if (time.year === undefined || time.month === undefined || time.day === undefined) return undefined;
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
	if (time.season === 'utc') return shift(DateTime.fromObject(fields, {zone: 'UTC'})).toJSDate();

	const local = shift(DateTime.fromObject(fields, {zone}));
	if (!local.isValid) return undefined;
	if (time.season === undefined) return local.toJSDate();
	// Both readings of an ambiguous local time: the same wall clock an hour apart.
	const candidates = [local, local.plus({hours: 1}), local.minus({hours: 1})].filter(
		(candidate) =>
			candidate.hour === local.hour && candidate.minute === local.minute && candidate.day === local.day,
	);
	if (candidates.length < 2) return local.toJSDate();
	const wantSummer = time.season === 'summer';
	const chosen = candidates.find((candidate) => candidate.isInDST === wantSummer) ?? local;
	return chosen.toJSDate();
}
