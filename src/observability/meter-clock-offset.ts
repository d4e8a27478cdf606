import type {DataSet} from '../iec62056/data-set.ts';
import {type MeterTime, NO_TIME, parseMeterTime} from '../iec62056/meter-time.ts';
import {meterTimeToInstant, zoneOffsetMinutes} from '../readings/meter-clock.ts';

/**
 * How far the meter's clock is ahead of the host's, in seconds (negative: the meter is slow), from the
 * meter's time (0.9.1, `hhmmss`) and date (0.9.2, `YYMMDD`) registers, both local meter time in `zone`
 * (an IANA name). A leading season digit on either (`1240331`) is honoured. `hostTime` is the host
 * clock when the meter composed the telegram. Returns undefined when the telegram lacks either register
 * or they do not form a valid time. Whole seconds: the registers have no finer resolution.
 *
 * Without a season digit the repeated autumn hour names two instants; the one nearer the host clock is
 * taken, so a correct meter reads as 0 on both passes through that hour, not as an hour off on one.
 */
export function meterClockOffsetSeconds(
	dataSets: readonly DataSet[],
	hostTime: Date,
	zone: string,
): number | undefined {
	const clock = meterTime(dataSets, '0.9.1', 'time');
	const calendar = meterTime(dataSets, '0.9.2', 'date');
	if (clock?.hour === undefined || calendar?.year === undefined) return undefined;
	const season = clock.season ?? calendar.season;
	const stamp: MeterTime = {
		format: 'ZST12',
		year: calendar.year,
		month: calendar.month,
		day: calendar.day,
		hour: clock.hour,
		minute: clock.minute,
		second: clock.second,
		...(season === undefined ? {} : {season}),
	};
	const instant = meterTimeToInstant(stamp, zone);
	if (instant === undefined) return undefined;
	const offset = (candidate: Date) => Math.round((candidate.getTime() - hostTime.getTime()) / 1000);
	if (season !== undefined) return offset(instant);
	// meterTimeToInstant takes the first occurrence of a repeated hour; the second is an hour later
	// and shows the same wall clock.
	const later = new Date(instant.getTime() + 3_600_000);
	// The wall clock as ms: the instant moved by the zone's offset then.
	const wall = (date: Date) => date.getTime() + zoneOffsetMinutes(date, zone) * 60_000;
	if (wall(later) !== wall(instant)) return offset(instant);
	const [first, second] = [offset(instant), offset(later)];
	return Math.abs(second) < Math.abs(first) ? second : first;
}

function meterTime(dataSets: readonly DataSet[], key: string, hint: 'date' | 'time'): MeterTime | undefined {
	const text = dataSets.find((set) => set.key === key)?.values[0]?.text;
	if (text === undefined) return undefined;
	// parseMeterTime reads a 7-digit stamp as season digit + date; 0.9.1 is season digit + time.
	const seasoned = hint === 'time' && /^[012]\d{6}$/.test(text.trim());
	const parsed = parseMeterTime(seasoned ? text.trim().slice(1) : text, hint);
	if (parsed === undefined || parsed === NO_TIME) return undefined;
	if (!seasoned) return parsed;
	const season = (['standard', 'summer', 'utc'] as const)[Number(text.trim().charAt(0))];
	return season === undefined ? parsed : {...parsed, season};
}
