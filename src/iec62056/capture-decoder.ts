import {type ParsedDataBlock, parseDataBlock} from './data-block-parser.ts';
import type {BlockCheck, DataBlockFrame, Frame} from './frame.ts';
import {FrameScanner, type FrameScannerOptions} from './frame-scanner.ts';
import type {Identification} from './identification.ts';
import {BlockCheckError, type ProtocolError, TruncatedBlockError} from './protocol-errors.ts';

/** One telegram of a capture: where it came from and what it says. */
export interface DecodedTelegram extends ParsedDataBlock {
	readonly identification?: Identification;
	/** `stx` and `push` as the framer saw them; `text` for a capture of bare data lines. */
	readonly framing: DataBlockFrame['framing'] | 'text';
	readonly check: BlockCheck;
	readonly bytes: Buffer;
}

export interface CaptureDecoding {
	readonly telegrams: DecodedTelegram[];
	/** Blocks that failed their check or were cut off; their values were not used. */
	readonly errors: ProtocolError[];
	/** Bytes with bit 7 set anywhere in the capture: a hint that 7E1 data was read as 8N1. */
	readonly highBitBytes: number;
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
 * or plain text lines as people paste them. Pure: bytes in, telegrams and typed errors out.
 */
export function decodeCapture(bytes: Uint8Array, options: CaptureDecoderOptions = {}): CaptureDecoding {
	const scanner = new FrameScanner(options);
	const frames = [...scanner.push(bytes), ...scanner.end()];
	const telegrams: DecodedTelegram[] = [];
	const errors: ProtocolError[] = [];
	let identification: Identification | undefined;
	let highBitBytes = 0;

	for (const frame of frames) {
		if (frame.kind === 'data-block' || frame.kind === 'noise') highBitBytes += frame.highBitBytes;
		if (frame.kind === 'identification') identification = frame.identification;
		if (frame.kind === 'error') errors.push(frame.error);
		if (frame.kind !== 'data-block') continue;
		const parsed = parseDataBlock(frame.text);
		if (!frame.check.ok && !options.ignoreBlockCheck) {
			errors.push(new BlockCheckError(frame.check.algorithm, frame.check.expected, frame.check.received));
			continue;
		}
		if (!parsed.complete) {
			errors.push(new TruncatedBlockError(frame.bytes.length, '"!" end mark'));
			continue;
		}
		const owner = frame.identification ?? identification;
		const telegram: DecodedTelegram = {
			dataSets: parsed.dataSets,
			malformed: parsed.malformed,
			complete: true,
			framing: frame.framing,
			check: frame.check,
			bytes: frame.bytes,
		};
		telegrams.push(owner === undefined ? telegram : {...telegram, identification: owner});
		identification = undefined;
	}

	if (telegrams.length === 0 && errors.length === 0) {
		const text = plainText(frames);
		if (text !== undefined) {
			const parsed = parseDataBlock(text);
			if (parsed.dataSets.length > 0) {
				telegrams.push({
					...parsed,
					...(identification === undefined ? {} : {identification}),
					framing: 'text',
					check: {algorithm: 'none', ok: true},
					bytes: Buffer.from(bytes),
				});
			}
		}
	}
	return {telegrams, errors, highBitBytes};
}

/** The data lines of a capture that has no framing at all: the noise after an optional identification. */
function plainText(frames: Frame[]): string | undefined {
	const noise = frames.filter((frame) => frame.kind === 'noise');
	if (noise.length === 0) return undefined;
	return noise.map((frame) => frame.bytes.toString('latin1')).join('\n');
}
