import type {ParsedDataBlock} from '../iec62056/data-block-parser.ts';

/**
 * What a data block that failed its BCC says about why: `meter` when the meter itself sends that BCC
 * (it repeated the block byte for byte after a NAK and the check failed the same way, or the block is
 * well-formed throughout), so accepting it (`--ignore-bcc`) reads the right values; `noise` when the
 * line damaged it (it changed between tries, or holds data sets no meter sends), so accepting it would
 * keep damaged values. `why` is the evidence, for the hint.
 */
export interface BlockCheckEvidence {
	readonly kind: 'meter' | 'noise';
	readonly why: string;
}

/**
 * Judges a block from its repetition after a NAK: byte-identical with the same wrong check is the
 * meter's own BCC; different bytes are the line's doing. Without a repetition, from the block alone
 * (blockShapeEvidence).
 *
 * @param first the bytes of the first failed block (STX … BCC); `repeated` those of the block after the NAK.
 */
export function repetitionEvidence(first: Uint8Array, repeated: Uint8Array): BlockCheckEvidence {
	return Buffer.compare(first, repeated) === 0
		? {kind: 'meter', why: 'the meter repeated the block byte for byte after a NAK, with the same BCC'}
		: {kind: 'noise', why: 'the block changed between the two tries'};
}

/**
 * Judges a block from its data sets alone: line noise turns addresses into text no meter sends
 * (`1-1KUHFEAOL:1.8.0`) or breaks a line's brackets. Text after the last data set before `!` is left
 * out: some meters send it in every readout (the Itron ACE3000 sends binary junk there, with a BCC of
 * its own making).
 */
export function blockShapeEvidence(
	parsed: Pick<ParsedDataBlock, 'dataSets' | 'malformed'>,
): BlockCheckEvidence {
	const lastLine = Math.max(0, ...parsed.dataSets.map((set) => set.line));
	const broken = parsed.malformed.find((error) => error.line < lastLine);
	if (broken !== undefined) {
		return {kind: 'noise', why: `data set at line ${broken.line} is malformed (${broken.reason})`};
	}
	const strange = parsed.dataSets.find((set) => set.obis === undefined);
	if (strange !== undefined) {
		return {kind: 'noise', why: `${JSON.stringify(strange.address)} at line ${strange.line} is no OBIS code`};
	}
	if (parsed.dataSets.length === 0) return {kind: 'noise', why: 'it holds no data set'};
	return {kind: 'meter', why: 'its data sets are well-formed throughout'};
}
