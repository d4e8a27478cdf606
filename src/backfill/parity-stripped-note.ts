import {plural} from '../observability/plural.ts';

/**
 * The note for a capture whose telegrams were found only with even parity stripped from bit 7: 7E1
 * data (IEC 62056-21's 7 data bits, even parity) captured on a port set to 8N1. One wording for
 * `parse` and `backfill`, which make the same repair. `highBitBytes`: bytes of the first pass with bit 7 set.
 */
export function parityStrippedNote(highBitBytes: number): string {
	return `${plural(highBitBytes, 'byte')} had bit 7 set (7E1 data captured as 8N1); parity bits stripped`;
}
