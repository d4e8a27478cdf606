import {type MeterTime, type NO_TIME, parseMeterTime} from '../iec62056/meter-time.ts';
import type {ObisCode} from '../iec62056/obis-code.ts';

/** True for a billing reset stamp register: `0.1.2` (reset time) or `0.1.3` (reset date), any period. */
export function isResetStampCode(code: Pick<ObisCode, 'c' | 'd' | 'e'>): boolean {
	return code.c === '0' && code.d === '1' && (code.e === '2' || code.e === '3');
}

/**
 * A reset stamp register's value read as a meter time: `0.1.2` of up to 6 characters is a time of day
 * (`hhmm`, `hhmmss`, the ZMD style split), anything longer and `0.1.3` a date (with or without its
 * time). NO_TIME for a placeholder (`0000000000`), undefined for text that is no time.
 */
export function parseResetStamp(
	code: Pick<ObisCode, 'e'>,
	text: string,
): MeterTime | typeof NO_TIME | undefined {
	return parseMeterTime(text, code.e === '2' && text.length <= 6 ? 'time' : 'date');
}
