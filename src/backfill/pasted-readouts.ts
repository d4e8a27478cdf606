import {Buffer} from 'node:buffer';
import {type DecodedTelegram, decodeCapture} from '../iec62056/capture-decoder.ts';
import {BANG, EOT, LF, SOH} from '../iec62056/control-characters.ts';
import {plural} from '../observability/plural.ts';

// `(` and `)` around a value: no control characters, so not among those imported above.
const OPEN = 0x28;
const CLOSE = 0x29;

/**
 * The readouts of a capture of bare text lines (a telegram with `framing: 'text'`): each end mark `!`
 * (outside brackets, where the data block parser ends a block, IEC 62056-21 clause 6.3.2) closes one
 * readout, and text after it that holds data sets is the next readout, with the identification line
 * before it if it has one. Text pasted from a terminal often holds several readouts one after the
 * other; read as one, all but the first would be dropped at the first `!`.
 *
 * Returns `[telegram]` unchanged for any other telegram, and for text with at most one readout
 * (what follows the last `!` without data sets, such as blank lines, is left out as before).
 */
export function pastedReadouts(telegram: DecodedTelegram): DecodedTelegram[] {
	if (telegram.framing !== 'text') return [telegram];
	const pieces = endMarkPieces(telegram.bytes);
	if (pieces.length < 2) return [telegram];
	const readouts: DecodedTelegram[] = [];
	for (const piece of pieces) {
		for (const readout of decodeCapture(piece).telegrams) {
			if (readout.dataSets.length > 0) readouts.push(readout);
		}
	}
	return readouts.length < 2 ? [telegram] : readouts;
}

/** `bytes` cut after each end mark `!` outside brackets; the last piece is what follows the last `!`. */
function endMarkPieces(bytes: Buffer): Buffer[] {
	const pieces: Buffer[] = [];
	let start = 0;
	let inBrackets = false;
	for (let at = 0; at < bytes.length; at++) {
		const code = bytes[at];
		if (code === OPEN) inBrackets = true;
		else if (code === CLOSE || code === LF) inBrackets = false;
		else if (code === BANG && !inBrackets) {
			pieces.push(bytes.subarray(start, at + 1));
			start = at + 1;
		}
	}
	if (start < bytes.length) pieces.push(bytes.subarray(start));
	return pieces.map((piece) => Buffer.from(piece));
}

/**
 * Data sets in bare text lines before the first telegram of a capture (`input` from its start; a first
 * chunk will do): the decoder reads text without framing only when nothing in the capture is framed,
 * so a readout pasted without its identification line ahead of framed ones, or the tail of a push
 * telegram the capture began in, is not read. Counted here so the caller can say so instead of
 * dropping it silently. 0 when there is none, or when the text holds block control characters (what
 * is left of a framed block: the decoder reports those itself).
 */
export function dataSetsBefore(input: Uint8Array, first: DecodedTelegram): number {
	const start = Buffer.from(input.buffer, input.byteOffset, input.length).indexOf(
		first.bytes.subarray(0, Math.min(first.bytes.length, 64)),
	);
	if (start <= 0) return 0;
	const prefix = input.subarray(0, start);
	// Block control characters (SOH, STX, ETX, EOT): what is left of a framed block.
	for (const byte of prefix) if (byte >= SOH && byte <= EOT) return 0;
	let sets = 0;
	for (const telegram of decodeCapture(prefix).telegrams) {
		if (telegram.framing === 'text') sets += telegram.dataSets.length;
	}
	return sets;
}

/** The words for dataSetsBefore's count, as parse and backfill say it. */
export function dataSetsBeforeNote(sets: number): string {
	return `${plural(sets, 'data set')} in bare lines before the first telegram not read (a readout pasted without its identification line, or the end of a telegram the capture began in)`;
}
