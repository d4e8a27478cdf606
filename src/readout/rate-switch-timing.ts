import type {Identification} from '../iec62056/identification.ts';
import {bitsPerCharacter, type SerialSettings} from '../transport/link.ts';

/**
 * The default wait between the ACK's last stop bit and the rate switch, ms: one character time at the
 * sign-on rate (33.3 ms at 300 Bd 7E1), but at most half the meter's reaction time, so a 20 ms meter
 * (third identification letter lower-case) still finds the host at the new rate (10 ms).
 */
export function defaultSwitchGuardMs(identification: Identification, signOn: SerialSettings): number {
	return Math.min(wireTimeMs(1, signOn), identification.reactionTimeMs / 2);
}

/** How long `characters` take on the line at these settings, ms (10 bits a character for 7E1). */
export function wireTimeMs(characters: number, settings: SerialSettings): number {
	return (characters * bitsPerCharacter(settings) * 1000) / settings.baudRate;
}
