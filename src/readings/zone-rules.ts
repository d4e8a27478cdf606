/** A wall-clock time as a meter's clock shows it: month 1-12, day 1-31, hour 0-23. */
export interface WallTime {
	readonly year: number;
	readonly month: number;
	readonly day: number;
	readonly hour: number;
	readonly minute: number;
	readonly second: number;
}

/**
 * The rules of IANA time zones that meter-clock converts meter times with: how a wall-clock time maps
 * to an instant and what a zone's offset is at an instant. Two implementations give the same answers
 * (both read the runtime's ICU zone data): luxon's (the default, src/readings/luxon-zone-rules.ts) and
 * the collector's, from Date with the zone as the process zone (src/cli/process-zone-rules.ts), which
 * spares a long-running process the ~7 MB that the first Intl.DateTimeFormat makes resident.
 */
export interface ZoneRules {
	/** True when `zone` is a time zone these rules can convert in. */
	isValidZone(zone: string): boolean;
	/**
	 * The instant (ms since the epoch) at which the clocks of `zone` show `wall`, a valid calendar date
	 * and time. A time inside a skipped hour (spring) moves forward by the gap; a time of a repeated hour
	 * (autumn) is its first occurrence, as ECMAScript's `new Date(y, m, d, …)` resolves them.
	 * Undefined when `zone` is not valid.
	 */
	instantOf(wall: WallTime, zone: string): number | undefined;
	/** The offset of `zone` from UTC at the instant `epochMs`, minutes (east positive: Berlin in winter 60). */
	offsetMinutes(epochMs: number, zone: string): number;
}
