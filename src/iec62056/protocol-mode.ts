/**
 * Protocol modes and the baud-rate character of the identification (IEC 62056-21 §6.3.14 item 12).
 * Mode C and E use `0`–`6`, mode B `A`–`F`; any other character means mode A (fixed 300 Bd).
 */
export type ProtocolMode = 'A' | 'B' | 'C' | 'D' | 'E';

/** Every mode but D signs on at this rate (Bd). */
export const INITIAL_BAUD_RATE = 300;

const MODE_C_RATES = [300, 600, 1200, 2400, 4800, 9600, 19200] as const;
const MODE_B_RATES = [600, 1200, 2400, 4800, 9600, 19200] as const;

export interface BaudCharacter {
	/** The mode the character implies; a meter with `\2` may also speak mode E, see Identification. */
	readonly mode: 'A' | 'B' | 'C';
	/** Data rate announced by the meter, Bd. */
	readonly baudRate: number;
}

/** Reads the baud-rate character at the 4th position of an identification. */
export function baudCharacter(char: string): BaudCharacter {
	const code = char.charCodeAt(0);
	if (char.length === 1 && code >= 0x30 && code <= 0x36) {
		return {mode: 'C', baudRate: MODE_C_RATES[code - 0x30] as number};
	}
	if (char.length === 1 && code >= 0x41 && code <= 0x46) {
		return {mode: 'B', baudRate: MODE_B_RATES[code - 0x41] as number};
	}
	return {mode: 'A', baudRate: INITIAL_BAUD_RATE};
}

/** The mode C/E character (`0`–`6`) for a rate, used in the option select; undefined if none. */
export function modeCBaudCharacter(baudRate: number): string | undefined {
	const index = MODE_C_RATES.indexOf(baudRate as (typeof MODE_C_RATES)[number]);
	return index < 0 ? undefined : String.fromCharCode(0x30 + index);
}

/** The mode B character (`A`–`F`) for a rate; undefined if none. */
export function modeBBaudCharacter(baudRate: number): string | undefined {
	const index = MODE_B_RATES.indexOf(baudRate as (typeof MODE_B_RATES)[number]);
	return index < 0 ? undefined : String.fromCharCode(0x41 + index);
}

/** All rates a mode C meter may announce, ascending (Bd). */
export const MODE_C_BAUD_RATES: readonly number[] = MODE_C_RATES;
