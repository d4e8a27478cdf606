import type {BlockCheckEvidence} from '../readout/block-check-evidence.ts';

/**
 * What to do about blocks that failed their check, by algorithm. A wrong BCC is a known meter fault
 * (the Itron ACE3000 sends one in every readout), so accepting it is the way out, but only where the
 * evidence says the meter sent it: a block the line damaged fails its BCC too, and accepting it would
 * keep damaged values (`evidence`: see BlockCheckEvidence; absent when nothing is known beyond the
 * mismatch). A DSMR P1 telegram's CRC16 covers the whole telegram, and P1 meters compute it right: a
 * mismatch means bytes were lost or changed on the way (wrong line settings, a cut capture, a noisy cable).
 */
export function blockCheckHint(
	algorithms: ReadonlySet<'bcc' | 'crc16'>,
	evidence?: BlockCheckEvidence,
	way: BlockCheckWay = COMMAND_LINE_WAY,
): string | undefined {
	const hints: string[] = [];
	if (algorithms.has('bcc')) {
		if (evidence?.kind === 'noise') {
			hints.push(
				`the block looks damaged on the line (${evidence.why}), not like a meter that computes its BCC differently: check the IR head's placement on the optical port and its cable, or try a lower --baud-max`,
			);
		} else if (evidence?.kind === 'meter') {
			hints.push(
				`${evidence.why}: this meter computes its BCC differently (a known fault, e.g. Itron ACE3000); read it ${way.readWith}`,
			);
		} else {
			hints.push(
				`a meter known to send a wrong BCC (e.g. Itron ACE3000) can be read ${way.readWith}; a block that fails differently each time is line noise instead (check the IR head and its cable)`,
			);
		}
	}
	if (algorithms.has('crc16')) {
		hints.push(
			`a CRC16 mismatch in a DSMR P1 telegram means bytes were lost or changed on the way: check the line settings (115200 8N1 for DSMR 4/5, 9600 7E1 before), the cable and that the capture is whole; ${way.anyway}`,
		);
	}
	return hints.length === 0 ? undefined : hints.join('; ');
}

/** How the command at hand accepts a block that failed its check, in the hint's words. */
export interface BlockCheckWay {
	/** `with --ignore-bcc`. */
	readonly readWith: string;
	/** `--ignore-bcc prints it anyway`. */
	readonly anyway: string;
}

/** `parse` and `read`: the flag. */
const COMMAND_LINE_WAY: BlockCheckWay = {
	readWith: 'with --ignore-bcc',
	anyway: '--ignore-bcc prints it anyway',
};

/** `backfill` (and `run`): the meter's setting in the configuration. */
export const CONFIGURATION_WAY: BlockCheckWay = {
	readWith: 'with `ignore_bcc: true` on its meter in the configuration',
	anyway: '`ignore_bcc: true` on the meter takes it anyway',
};

/**
 * The algorithm a block-check failure message names: BlockCheckError's text starts `CRC16 mismatch: …`
 * or `BCC mismatch: …`, after the place (`<port>: data: ` or a capture's path, which may itself hold
 * the letters CRC). For callers that kept only the message (a ReadoutError, the backfill's examples).
 */
export function blockCheckAlgorithmIn(message: string): 'bcc' | 'crc16' {
	return /\bCRC16 mismatch/.test(message) ? 'crc16' : 'bcc';
}
