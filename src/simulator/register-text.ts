import {DateTime} from 'luxon';
import type {WallTime} from '../readings/zone-rules.ts';

/**
 * How meters print registers: fixed-width numbers with leading zeros, and local-time stamps
 * (`YYMMDDhhmm`, `YYMMDD`, `hhmmss`, `hhmm`, with an optional season digit). Pure: instants and the
 * zone come in as parameters.
 */

/**
 * A number with `integerDigits` digits before the point and `decimals` after, zero-padded.
 * Counters `truncate` (a meter shows completed units only) and roll over past the width, as the
 * register does; demand and power `round`.
 */
export function fixedNumber(
	value: number,
	integerDigits: number,
	decimals: number,
	rounding: 'truncate' | 'round' = 'round',
): string {
	const scale = 10 ** decimals;
	// The small epsilon keeps 12.3 from printing as 12.29 after the float product 12.3 × 100 = 1229.99….
	const scaled =
		rounding === 'truncate'
			? Math.floor(Math.abs(value) * scale + 1e-6)
			: Math.round(Math.abs(value) * scale);
	const whole = Math.floor(scaled / scale) % 10 ** integerDigits;
	const text = String(whole).padStart(integerDigits, '0');
	return decimals === 0 ? text : `${text}.${String(scaled % scale).padStart(decimals, '0')}`;
}

/** Like fixedNumber with a sign always shown (`+000.80`, `-000128.41`), as push meters print power. */
export function signedFixedNumber(value: number, integerDigits: number, decimals: number): string {
	const text = fixedNumber(value, integerDigits, decimals);
	return `${value < 0 && Number(text) !== 0 ? '-' : '+'}${text}`;
}

/** The meter's wall clock at an instant. */
export interface LocalClock extends WallTime {
	/** Daylight saving time is in force (the season digit 1). */
	readonly summer: boolean;
}

export function localClock(atMs: number, timeZone: string): LocalClock {
	// A telegram prints the same instants several times (a stamp's date and its time; peaks and resets
	// in every readout of a period), and each conversion is an Intl call: remember the recent ones.
	const key = `${atMs} ${timeZone}`;
	const known = recentClocks.get(key);
	if (known !== undefined) return known;
	if (recentClocks.size >= RECENT_CLOCKS) recentClocks.clear();
	const local = DateTime.fromMillis(atMs, {zone: timeZone});
	const clock: LocalClock = {
		year: local.year,
		month: local.month,
		day: local.day,
		hour: local.hour,
		minute: local.minute,
		second: local.second,
		summer: local.isInDST,
	};
	recentClocks.set(key, clock);
	return clock;
}

/** How many converted instants localClock keeps; a readout uses a few dozen. */
const RECENT_CLOCKS = 4096;
const recentClocks = new Map<string, LocalClock>();

/** `YYMMDDhhmm` (ZST10), the stamp of maximum demand and billing resets. */
export function stampText(atMs: number, timeZone: string): string {
	const clock = localClock(atMs, timeZone);
	return `${dateText(atMs, timeZone)}${two(clock.hour)}${two(clock.minute)}`;
}

/** `YYMMDD` (D6), e.g. 0.9.2 and 0.1.3. */
export function dateText(atMs: number, timeZone: string): string {
	const clock = localClock(atMs, timeZone);
	return `${two(clock.year % 100)}${two(clock.month)}${two(clock.day)}`;
}

/** `hhmmss` (Z6), e.g. 0.9.1. */
export function timeText(atMs: number, timeZone: string): string {
	const clock = localClock(atMs, timeZone);
	return `${two(clock.hour)}${two(clock.minute)}${two(clock.second)}`;
}

/** `hhmm` (Z4), e.g. the ZMD's 0.1.2 time of the last reset. */
export function hourMinuteText(atMs: number, timeZone: string): string {
	const clock = localClock(atMs, timeZone);
	return `${two(clock.hour)}${two(clock.minute)}`;
}

/** `0` in standard time, `1` in summer time: the prefix Iskra and EMH put before dates and stamps. */
export function seasonDigit(atMs: number, timeZone: string): '0' | '1' {
	return localClock(atMs, timeZone).summer ? '1' : '0';
}

function two(value: number): string {
	return String(value).padStart(2, '0');
}
