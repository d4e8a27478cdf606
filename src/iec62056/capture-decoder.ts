import {Buffer} from 'node:buffer';
import {EOT, ETX, SOH} from './control-characters.ts';
import {type ParsedDataBlock, parseDataBlock, parseDataBlockBytes} from './data-block-parser.ts';
import type {BlockCheck, DataBlockFrame, Frame} from './frame.ts';
import {type FrameScannerOptions, scanFrames} from './frame-scanner.ts';
import type {Identification} from './identification.ts';
import {BlockCheckError, type ProtocolError, TruncatedBlockError} from './protocol-errors.ts';

/** One telegram of a capture: where it came from and what it says. */
export interface DecodedTelegram extends ParsedDataBlock {
	readonly identification?: Identification;
	/** `stx` and `push` as the framer saw them; `text` for a capture of bare data lines. */
	readonly framing: DataBlockFrame['framing'] | 'text';
	readonly check: BlockCheck;
	readonly bytes: Buffer;
	/** What is odd about the telegram though its values are good (a single answer without `!`). */
	readonly notes?: readonly string[];
}

export interface CaptureDecoding {
	readonly telegrams: DecodedTelegram[];
	/** Blocks that failed their check or were cut off; their values were not used. */
	readonly errors: ProtocolError[];
	/** Bytes with bit 7 set anywhere in the capture: a hint that 7E1 data was read as 8N1. */
	readonly highBitBytes: number;
	/**
	 * STX…ETX spans whose check failed and that are no data block (no data sets, no `!`, bytes with bit
	 * 7 set): noise that happened to hold STX and ETX, not a block that a wrong BCC spoilt.
	 */
	readonly garbledBlocks: number;
}

export interface CaptureDecoderOptions extends FrameScannerOptions {
	/**
	 * Accept blocks whose BCC/CRC is wrong (meters with a broken BCC, e.g. Itron ACE3000). The block
	 * must still be complete (STX, `!`, ETX). Default false.
	 */
	readonly ignoreBlockCheck?: boolean;
}

/**
 * Decodes a whole capture: raw readout bytes (identification, STX … ETX BCC; or a push telegram),
 * or plain text lines as people paste them. Pure: bytes in, telegrams and typed errors out. A
 * telegram's `bytes` are a view of `bytes` when that is a Buffer (no copy): the caller leaves the
 * capture unchanged while it uses the telegrams.
 */
export function decodeCapture(bytes: Uint8Array, options: CaptureDecoderOptions = {}): CaptureDecoding {
	const frames = scanFrames(bytes, options);
	const decoder = new CaptureFrameDecoder(options);
	const telegrams: DecodedTelegram[] = [];
	for (const frame of frames) decoder.accept(frame, telegrams);
	decoder.finish(telegrams);
	const {errors, highBitBytes, garbledBlocks} = decoder;
	// Plain text only when nothing was framed at all: the rest of a block that failed its check is never
	// read as unchecked text.
	if (telegrams.length === 0 && errors.length === 0 && garbledBlocks === 0) {
		const text = plainTextTelegram(frames, decoder.pendingIdentification, bytes);
		if (text !== undefined) telegrams.push(text);
	}
	// The decoder's own list: the decoder goes out of scope here, so nothing else holds it.
	return {telegrams, errors: errors as ProtocolError[], highBitBytes, garbledBlocks};
}

/**
 * The frame-by-frame half of decodeCapture, for input that arrives in pieces: each frame from a
 * FrameScanner goes to accept(), which adds the telegrams it completes; finish() adds the last one at
 * the end of the input. Keeps the identification that precedes a block and the counts
 * CaptureDecoding reports.
 *
 * A push telegram is handed on only with the frame after it: when that frame begins with ETX or EOT,
 * the "push telegram" was the data of an STX block whose STX was changed by noise (a push telegram
 * has no check, the block had one), and it is refused.
 */
export class CaptureFrameDecoder {
	readonly #ignoreBlockCheck: boolean;
	readonly #errors: ProtocolError[] = [];
	#pendingPush: DecodedTelegram | undefined;
	#identification: Identification | undefined;
	#highBitBytes = 0;
	#garbledBlocks = 0;

	constructor(options: CaptureDecoderOptions = {}) {
		this.#ignoreBlockCheck = options.ignoreBlockCheck ?? false;
	}

	get errors(): readonly ProtocolError[] {
		return this.#errors;
	}

	get highBitBytes(): number {
		return this.#highBitBytes;
	}

	get garbledBlocks(): number {
		return this.#garbledBlocks;
	}

	/** An identification not (yet) followed by a data block. */
	get pendingIdentification(): Identification | undefined {
		return this.#identification;
	}

	/** Adds to `telegrams` what `frame` completes (a push telegram only with the frame after it). */
	accept(frame: Frame, telegrams: DecodedTelegram[]): void {
		const pending = this.#pendingPush;
		if (pending !== undefined) {
			this.#pendingPush = undefined;
			const first = frame.bytes[0];
			if (frame.kind === 'noise' && (first === ETX || first === EOT)) {
				this.#errors.push(new TruncatedBlockError(pending.bytes.length, 'STX'));
			} else telegrams.push(pending);
		}
		const telegram = this.#decode(frame);
		if (telegram === undefined) return;
		if (telegram.framing === 'push') this.#pendingPush = telegram;
		else telegrams.push(telegram);
	}

	/** The input is over: adds the push telegram still waiting for the frame after it. */
	finish(telegrams: DecodedTelegram[]): void {
		if (this.#pendingPush !== undefined) telegrams.push(this.#pendingPush);
		this.#pendingPush = undefined;
	}

	#decode(frame: Frame): DecodedTelegram | undefined {
		// `kind` read once: frames come in more shapes than V8 keeps apart, so every `frame.kind` is a
		// megamorphic load (a stub-cache call; reading it once saves about 1 % of decoding the fixture mix).
		const kind = frame.kind;
		if (kind === 'data-block') return this.#decodeBlock(frame);
		if (kind === 'noise') this.#highBitBytes += frame.highBitBytes;
		else if (kind === 'identification') this.#identification = frame.identification;
		else if (kind === 'error') this.#errors.push(frame.error);
		return undefined;
	}

	#decodeBlock(frame: DataBlockFrame): DecodedTelegram | undefined {
		this.#highBitBytes += frame.highBitBytes;
		const parsed = parseFrame(frame);
		if (!frame.check.ok && !wellFormed(frame, parsed)) {
			this.#garbledBlocks++;
			return undefined;
		}
		if (!frame.check.ok && !this.#ignoreBlockCheck) {
			this.#errors.push(
				new BlockCheckError(frame.check.algorithm, frame.check.expected, frame.check.received),
			);
			return undefined;
		}
		// Allocated only for the rare telegram that has something to note.
		let notes: string[] | undefined;
		if (!parsed.complete) {
			// STX … ETX with a good BCC but no `!`: a whole answer, as to a single-register read (`R5`), not a
			// cut block (that one lacks its ETX, and the scanner reports it).
			// Only the shape of such an answer, one data set on one line, and never the data message of a
			// readout (it follows an identification and ends with `!`): a readout block cut short by a byte
			// turned into ETX passes its BCC one time in 256, and must not pass for an answer then.
			const answer = this.#identification === undefined && singleAnswer(frame.text, parsed);
			if (!frame.check.ok || frame.framing !== 'stx' || !answer) {
				this.#errors.push(new TruncatedBlockError(frame.bytes.length, '"!" end mark'));
				return undefined;
			}
			notes = ['data block without "!" end mark (a single answer, e.g. to a register read), BCC ok'];
		}
		const telegram = telegramOf(parsed, frame, frame.identification ?? this.#identification, notes);
		this.#identification = undefined;
		return telegram;
	}
}

/**
 * A capture without any framing, as people paste it: its data lines (the noise frames) as one
 * telegram, with the identification line before them if there was one. Undefined when there are no
 * data sets or the noise is binary.
 */
export function plainTextTelegram(
	frames: readonly Frame[],
	identification: Identification | undefined,
	bytes: Uint8Array,
): DecodedTelegram | undefined {
	const text = plainText(frames);
	if (text === undefined) return undefined;
	const parsed = parseDataBlock(text);
	if (parsed.dataSets.length === 0) return undefined;
	const {dataSets, malformed, complete} = parsed;
	const check: BlockCheck = {algorithm: 'none', ok: true};
	return identification === undefined
		? {dataSets, malformed, complete, framing: 'text', check, bytes: Buffer.from(bytes)}
		: {dataSets, malformed, complete, identification, framing: 'text', check, bytes: Buffer.from(bytes)};
}

/** One data set and no line end: `3:171.0(0)`, what a meter answers to a single-register read. */
function singleAnswer(text: string, parsed: ParsedDataBlock): boolean {
	return parsed.dataSets.length === 1 && parsed.malformed.length === 0 && !/[\r\n]/.test(text);
}

/**
 * Whether a block that failed its check still looks like a data block (data sets, next to no bytes
 * with bit 7 set): then a wrong BCC/CRC spoilt it, even one cut short by a corrupted byte. Otherwise it
 * is noise between an STX and an ETX (random bytes hold both, and every other one has bit 7 set), and
 * calling it a checksum error would send the user after the wrong fault.
 */
function wellFormed(frame: DataBlockFrame, parsed: ParsedDataBlock): boolean {
	return (parsed.dataSets.length > 0 || parsed.complete) && frame.highBitBytes * 8 <= frame.bytes.length;
}

/**
 * The frame's data block, parsed from the frame's own bytes where the text lies in them at a known
 * place (textOffset: after STX, or after a push telegram's identification line).
 */
function parseFrame(frame: DataBlockFrame): ParsedDataBlock {
	const {text, bytes, textOffset} = frame;
	if (textOffset !== undefined && textOffset + text.length <= bytes.length) {
		return parseDataBlockBytes(text, bytes, textOffset);
	}
	return parseDataBlock(text);
}

/** A telegram built in one go, in one of four fixed shapes (identification, then notes, last when there). */
function telegramOf(
	parsed: ParsedDataBlock,
	frame: DataBlockFrame,
	identification: Identification | undefined,
	notes: string[] | undefined,
): DecodedTelegram {
	const {dataSets, malformed, complete} = parsed;
	const {framing, check, bytes} = frame;
	// Literals, not a spread of an optional field: object spread takes V8's slow path.
	if (notes === undefined) {
		return identification === undefined
			? {dataSets, malformed, complete, framing, check, bytes}
			: {dataSets, malformed, complete, framing, check, bytes, identification};
	}
	return identification === undefined
		? {dataSets, malformed, complete, framing, check, bytes, notes}
		: {dataSets, malformed, complete, framing, check, bytes, identification, notes};
}

/**
 * The data lines of a capture that has no framing at all: the noise after an optional identification.
 * Undefined when that noise is binary (more than one byte in eight with bit 7 set): random bytes hold
 * brackets too, and text pasted by people does not look like that. Undefined too when it holds what
 * is left of a checked telegram whose start was damaged: block control characters or a command
 * message (an STX block whose STX was hit), or a CRC after an end mark (a DSMR telegram whose
 * identification line was hit). Read as text, either would pass with no check at all.
 */
function plainText(frames: readonly Frame[]): string | undefined {
	if (frames.some((frame) => frame.kind === 'command')) return undefined;
	const noise = frames.filter((frame) => frame.kind === 'noise');
	if (noise.length === 0) return undefined;
	let bytes = 0;
	let highBits = 0;
	for (const frame of noise) {
		bytes += frame.bytes.length;
		highBits += frame.highBitBytes;
		for (const byte of frame.bytes) {
			if (byte >= SOH && byte <= EOT) return undefined;
		}
	}
	if (highBits * 8 > bytes) return undefined;
	const text = noise.map((frame) => frame.bytes.toString('latin1')).join('\n');
	return CRC_AFTER_END_MARK.test(text) ? undefined : text;
}

/** A CRC after an end mark: a DSMR telegram's, uncheckable without its `/` line (`!` is in no field). */
const CRC_AFTER_END_MARK = /![0-9A-Fa-f]{1,4}(?![0-9A-Za-z])/;
