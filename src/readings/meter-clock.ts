import type {MeterTime} from '../iec62056/meter-time.ts';
import {luxonZoneRules} from './luxon-zone-rules.ts';
import type {WallTime, ZoneRules} from './zone-rules.ts';

/** The zone rules conversions use; luxon's unless a process chose others (see useZoneRules). */
let zoneRules: ZoneRules = luxonZoneRules;

/**
 * Makes every later conversion use `rules`: the collector uses rules that need no Intl.DateTimeFormat
 * (see src/cli/process-zone-rules.ts). The conversions remembered so far are forgotten.
 */
export function useZoneRules(rules: ZoneRules): void {
	zoneRules = rules;
	generation++;
	recentInstants.clear();
}

/** Bumped by useZoneRules: instants remembered elsewhere (see MappingMemo) hold while it stays the same. */
let generation = 0;

/** How many times useZoneRules changed the rules (see generation). */
export function zoneRulesGeneration(): number {
	return generation;
}

/** Thrown at the boundary when a configured time zone is not an IANA zone the zone rules know. */
export function assertTimeZone(zone: string): void {
	if (!zoneRules.isValidZone(zone)) {
		throw new TypeError(
			`time zone must be an IANA name such as "Europe/Berlin", received ${JSON.stringify(zone)}`,
		);
	}
}

/** The offset of `zone` from UTC at `instant`, minutes (east positive). */
export function zoneOffsetMinutes(instant: Date, zone: string): number {
	return zoneRules.offsetMinutes(instant.getTime(), zone);
}

/**
 * Converts a meter's local time stamp to an instant. The meter's clock runs in `zone` (an IANA
 * name); a season flag, where sent, names the offset (the zone's standard or summer offset that year),
 * which also settles the repeated autumn hour. Without one, the ambiguous hour resolves to its first
 * occurrence (summer time), and a time inside the spring gap moves forward by the gap (see ZoneRules).
 * `utc` stamps are taken as UTC.
 * Returns undefined for stamps without a date (time-only or day-month).
 */
export function meterTimeToInstant(time: MeterTime, zone: string): Date | undefined {
	if (time.year === undefined || time.month === undefined || time.day === undefined) return undefined;
	// Every readout repeats the same stamps (peak dates, billing resets): remember recent conversions,
	// which cost tens of microseconds each (Intl offsets, or switches of the process zone), a replay
	// of a year of archive millions.
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
	let wall: WallTime = {
		year: time.year,
		month: time.month,
		day: time.day,
		hour: time.hour ?? 0,
		minute: time.minute ?? 0,
		second: time.second ?? 0,
	};
	// 24:00 is the end of the day: the next midnight.
	const endOfDay = wall.hour === 24;
	if (endOfDay) wall = {...wall, hour: 0};
	if (!isValidWallTime(wall)) return undefined;
	if (endOfDay) wall = nextDay(wall);
	if (time.season === 'utc') return new Date(utcMs(wall));
	if (time.season !== undefined) {
		// The flag says which offset the meter's clock runs on: the zone's standard or summer offset
		// of that year, whatever the date (a meter may keep standard time all year).
		const offsetOn = (month: number) => {
			const midnight = zoneRules.instantOf(
				{year: wall.year, month, day: 1, hour: 0, minute: 0, second: 0},
				zone,
			);
			return midnight === undefined ? undefined : zoneRules.offsetMinutes(midnight, zone);
		};
		const [january, july] = [offsetOn(1), offsetOn(7)];
		if (january === undefined || july === undefined) return undefined;
		const offsetMinutes = time.season === 'summer' ? Math.max(january, july) : Math.min(january, july);
		return new Date(utcMs(wall) - offsetMinutes * 60_000);
	}
	const instant = zoneRules.instantOf(wall, zone);
	return instant === undefined ? undefined : new Date(instant);
}

/** A real calendar date and time of day (the checks luxon makes): 31 February or 12:60 is none. */
function isValidWallTime(wall: WallTime): boolean {
	const inRange = (value: number, low: number, high: number) =>
		Number.isInteger(value) && value >= low && value <= high;
	return (
		Number.isInteger(wall.year) &&
		inRange(wall.month, 1, 12) &&
		inRange(wall.day, 1, daysInMonth(wall.year, wall.month)) &&
		inRange(wall.hour, 0, 23) &&
		inRange(wall.minute, 0, 59) &&
		inRange(wall.second, 0, 59)
	);
}

function daysInMonth(year: number, month: number): number {
	return new Date(utcMs({year, month: month + 1, day: 0, hour: 0, minute: 0, second: 0})).getUTCDate();
}

/** The same wall time a calendar day later. */
function nextDay(wall: WallTime): WallTime {
	const next = new Date(utcMs({...wall, day: wall.day + 1}));
	return {...wall, year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate()};
}

/** `wall` read as UTC, ms since the epoch (years 0-99 as such, not as 1900-1999). */
function utcMs(wall: WallTime): number {
	const date = new Date(0);
	date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
	date.setUTCHours(wall.hour, wall.minute, wall.second, 0);
	return date.getTime();
}
