import type {Buffer} from 'node:buffer';
import {type AlignedWords, alignedWordsOf} from './aligned-words.ts';
import {plainRun} from './byte-fold.ts';
import {isHexDigit, pushTelegramCheck} from './crc16.ts';
import {type BlockCheck, type DataBlockFrame, type Frame, pushBlockFrame, stxBlockFrame} from './frame.ts';
import {type Identification, isLetter} from './identification.ts';
import {identificationIn, knownLineSlot, receivedLineIn} from './identification-table.ts';
import {lineStop} from './line-stop.ts';
import {pushStop} from './push-stop.ts';

/** An identification line is at most ~40 characters in practice; beyond this a `/` was data, not a message. */
export const MAX_LINE_BYTES = 256;

/** Line ends kept between an identification line and the push data after it (EMH, Easymeter send blank lines). */
export const MAX_GAP_BYTES = 8;

// Local copies of bytes control-characters.ts also names, as in frame-scanner.ts: V8 reads an imported
// binding from its module cell at every use (importing these measured +80 instructions per telegram of
// the fixture mix, cachegrind with --predictable).
const BANG = 0x21;
const CR = 0x0d;
const ETX = 0x03;
const LF = 0x0a;
const SLASH = 0x2f;
const STX = 0x02;

/** Below this many bytes the capture is read without a view of its words (see aligned-words.ts). */
const MIN_WORDS_BYTES = 16;

/**
 * The frames of a whole capture of one of the two shapes nearly every capture has, found in a few runs
 * over its bytes instead of byte by byte through the frame scanner's states:
 * - a readout (modes A to C): an identification line or none, STX, the data block, ETX and its BCC;
 * - a push telegram (mode D, DSMR): an identification line, up to MAX_GAP_BYTES line ends, the data
 *   lines, `!` at the start of a line, up to four hex digits of CRC, and its line end;
 * with nothing before or after, no byte with bit 7 set, no `/` in the data that might begin a line, no
 * stray `!` in a push telegram's data, and an identification line the table knows
 * (identification-table.ts: the scanner has read it whole before). Anything else gives undefined, and
 * the caller reads the capture with the scanner. Where it gives frames, they are the ones the scanner
 * gives for a lent capture: views of `bytes` (or `bytes` itself) and the table's copy of the line
 * (common-capture-frames.test.ts compares the two on every golden telegram and on thousands of random
 * changes to them).
 *
 * Why: the scanner's states, calls and bookkeeping for the few bytes around the data cost more than
 * the runs over the data. 25 of the 29 golden telegrams have one of these shapes; decoding the fixture
 * mix this way measured -2,020 instructions per telegram (cachegrind with --predictable, 6.9 %).
 */
export function commonCaptureFrames(bytes: Buffer, maxMessageBytes: number): Frame[] | undefined {
	const length = bytes.length;
	if (length < 2 || length > maxMessageBytes) return undefined;
	const words = length >= MIN_WORDS_BYTES ? alignedWordsOf(bytes) : undefined;
	if (bytes[0] === STX) {
		const block = readoutBlock(bytes, 0, words);
		return block === undefined ? undefined : [block];
	}
	if (bytes[0] !== SLASH) return undefined;
	const lineFeed = lineStop(bytes, 1, Math.min(length, MAX_LINE_BYTES + 1), words);
	// The scanner takes an LF at index MAX_LINE_BYTES at the latest; lineStop did not look beyond.
	if (lineFeed > MAX_LINE_BYTES || lineFeed >= length - 1 || bytes[lineFeed] !== LF) return undefined;
	let end = lineFeed;
	while (end > 1 && bytes[end - 1] === CR) end--;
	const slot = knownLineSlot(bytes, 0, end);
	if (slot < 0) return undefined;
	const identification = identificationIn(slot);
	const lineLength = lineFeed + 1;
	const line = receivedLineIn(slot, bytes, 0, lineLength) ?? bytes.subarray(0, lineLength);
	const first = {kind: 'identification', identification, bytes: line} as const;
	// Line ends after the line: a readout's are dropped (E350: `/LGZ4ZMF100AC.M27` LF LF STX), a push
	// telegram's are part of it.
	let next = lineLength;
	while (next < length && (bytes[next] === CR || bytes[next] === LF)) next++;
	const block =
		bytes[next] === STX
			? readoutBlock(bytes, next, words)
			: pushTelegram(bytes, lineLength, identification, words);
	return block === undefined ? undefined : [first, block];
}

/** STX at `start`, the data block, ETX and the BCC as the capture's last byte; else undefined. */
function readoutBlock(
	bytes: Buffer,
	start: number,
	words: AlignedWords | undefined,
): DataBlockFrame | undefined {
	const length = bytes.length;
	// The BCC covers the bytes after STX up to and including ETX.
	let bcc = 0;
	let index = start + 1;
	for (;;) {
		// A run stops at anything the scanner looks at byte by byte: only ETX right before the BCC will do,
		// or a `/` that is plainly data.
		const run = plainRun(bytes, index, length, words);
		bcc ^= run & 0xff;
		index = Math.floor(run / 256);
		if (bytes[index] !== SLASH) break;
		const data = slashDataEnd(bytes, index);
		if (data < 0) return undefined;
		for (; index < data; index++) bcc ^= bytes[index] as number;
	}
	const received = bytes[length - 1] as number;
	if (index !== length - 2 || bytes[index] !== ETX || received > 0x7f) return undefined;
	const expected = bcc ^ ETX;
	const check: BlockCheck = {algorithm: 'bcc', ok: received === expected, expected, received};
	const block = start === 0 ? bytes : bytes.subarray(start);
	return stxBlockFrame(block, 'etx', check, 0, 0);
}

/**
 * For a `/` at `slash` inside a data block: the index of the byte that shows it is data, not the start
 * of an identification line that cut the block (a letter missing among the next three bytes, or no
 * baud character after them: `(/SX330)`, `Imp/kWh)`), as the scanner's check of such a line finds it;
 * the scanner reads that byte as block data again. -1 when the bytes do look like a line so far (or
 * hold another `/`): the scanner's own check decides then.
 */
function slashDataEnd(bytes: Buffer, slash: number): number {
	for (let position = 1; position <= 4 && slash + position < bytes.length; position++) {
		const byte = bytes[slash + position] as number;
		if (byte === SLASH) return -1;
		if (position <= 3 ? !isLetter(byte) : !mayBeBaudCharacter(byte)) return slash + position;
	}
	return -1;
}

/**
 * A byte that may be the baud character of an identification line found inside data (see
 * FrameScanner's check of such a line): printable, not a bracket; a space is mode A
 * (`/KAM 685-382-QR-10`).
 */
export function mayBeBaudCharacter(byte: number): boolean {
	return byte >= 0x20 && byte < 0x7f && byte !== 0x28 && byte !== 0x29;
}

/**
 * After the identification line (`start` is its length): line ends, the data, `!` after an LF, up to
 * four hex digits, CRs and the LF that is the capture's last byte; else undefined.
 */
function pushTelegram(
	bytes: Buffer,
	start: number,
	identification: Identification,
	words: AlignedWords | undefined,
): DataBlockFrame | undefined {
	const length = bytes.length;
	let textStart = start;
	while (textStart < length && (bytes[textStart] === CR || bytes[textStart] === LF)) textStart++;
	if (textStart - start > MAX_GAP_BYTES || textStart >= length) return undefined;
	const first = bytes[textStart] as number;
	// What the scanner takes for the start of push data: a printable byte; `/` would be a new line, and
	// `!` before any data no end mark.
	if (first < 0x20 || first >= 0x7f || first === SLASH || first === BANG) return undefined;
	const bang = pushStop(bytes, textStart, length, words);
	if (bang >= length || bytes[bang] !== BANG || bytes[bang - 1] !== LF) return undefined;
	let index = bang + 1;
	while (index < length && index - bang <= 4 && isHexDigit(bytes[index] as number)) index++;
	const digitsEnd = index;
	while (index < length && bytes[index] === CR) index++;
	if (index !== length - 1 || bytes[index] !== LF) return undefined;
	const check = pushTelegramCheck(bytes, bang + 1, digitsEnd);
	return pushBlockFrame(bytes, textStart, bang + 1, check, identification, 0, 0);
}
