import type {Buffer} from 'node:buffer';
import type {Identification} from './identification.ts';
import type {OptionSelect} from './option-select.ts';
import type {FrameOverflowError, TruncatedBlockError} from './protocol-errors.ts';
import type {RequestMessage} from './request-message.ts';

/** The result of checking a block: BCC for STX…ETX blocks, CRC16 for DSMR, none for mode D push. */
export type BlockCheck =
	| {
			readonly algorithm: 'bcc' | 'crc16';
			readonly ok: boolean;
			readonly expected: number;
			readonly received: number;
	  }
	| {readonly algorithm: 'none'; readonly ok: true};

/**
 * What the framer recognised in the byte stream. `bytes` are the frame's raw bytes as received, to be
 * read, never changed: they may be a view of the caller's input or shared with other frames (the one
 * copy of an identification line that identification-table.ts keeps).
 */
export type Frame =
	| {readonly kind: 'identification'; readonly identification: Identification; readonly bytes: Buffer}
	| {readonly kind: 'request'; readonly request: RequestMessage; readonly bytes: Buffer}
	| {readonly kind: 'option-select'; readonly optionSelect: OptionSelect; readonly bytes: Buffer}
	| {readonly kind: 'ack'; readonly bytes: Buffer}
	| {readonly kind: 'nak'; readonly bytes: Buffer}
	| DataBlockFrame
	| CommandFrame
	| NoiseFrame
	| {
			readonly kind: 'error';
			readonly error: TruncatedBlockError | FrameOverflowError;
			readonly bytes: Buffer;
	  };

export interface DataBlockFrame {
	readonly kind: 'data-block';
	/** `stx`: STX … ETX/EOT BCC (modes A, B, C); `push`: `/ident` … `!` CR LF without STX (mode D, DSMR). */
	readonly framing: 'stx' | 'push';
	/** Text between STX and ETX/EOT (or after the identification line of a push telegram), `!` included. */
	readonly text: string;
	/**
	 * Where `text` starts in `bytes`: it is `bytes[textOffset, textOffset + text.length)` read as Latin-1,
	 * so a parser can read the bytes instead of the string. Absent when that is not known.
	 */
	readonly textOffset?: number;
	/** ETX ends the readout; EOT ends a partial block to be acknowledged (programming mode). */
	readonly terminator: 'etx' | 'eot' | 'bang';
	readonly check: BlockCheck;
	/** The identification a push telegram started with (push framing only). */
	readonly identification?: Identification;
	/** Bytes with bit 7 set: with a 7E1 meter on an 8N1 port every other character shows it. */
	readonly highBitBytes: number;
	/** Bytes whose even-parity bit was wrong when the framer strips parity in software. */
	readonly parityErrors: number;
	readonly bytes: Buffer;
}

/** `SOH cmd type STX data ETX BCC` programming-mode messages (P0 password challenge, R5 reads, B0 break). */
export interface CommandFrame {
	readonly kind: 'command';
	/** Command and type, e.g. `P0`, `R5`, `B0`. */
	readonly command: string;
	/** Text between STX and ETX, empty when the message has no STX part. */
	readonly text: string;
	readonly check: BlockCheck;
	readonly bytes: Buffer;
}

/** Bytes outside any message: idle DEL/NUL, echoes cut short, data of a push telegram joined mid-way. */
export interface NoiseFrame {
	readonly kind: 'noise';
	readonly bytes: Buffer;
	/** Bytes with bit 7 set among them (7E1 data on an 8N1 port shows `/` as 0xAF). */
	readonly highBitBytes: number;
	/** Why the bytes were not a message, when something started like one. */
	readonly reason?: string;
}

/**
 * The frame of an STX block: `bytes` from STX to the BCC, so its text lies between STX and ETX/EOT
 * (and the BCC). One builder for every place that frames such a block, so that they agree in fields
 * and in their order (V8 then keeps one shape for all of them).
 */
export function stxBlockFrame(
	bytes: Buffer,
	terminator: 'etx' | 'eot',
	check: BlockCheck,
	highBitBytes: number,
	parityErrors: number,
): DataBlockFrame {
	return {
		kind: 'data-block',
		framing: 'stx',
		text: bytes.toString('latin1', 1, bytes.length - 2),
		textOffset: 1,
		terminator,
		check,
		highBitBytes,
		parityErrors,
		bytes,
	};
}

/**
 * The frame of a push telegram: `bytes` from its identification line to its last line end, its text
 * from `textStart` up to `bangEnd` (just after `!`). See stxBlockFrame for why one builder.
 */
export function pushBlockFrame(
	bytes: Buffer,
	textStart: number,
	bangEnd: number,
	check: BlockCheck,
	identification: Identification,
	highBitBytes: number,
	parityErrors: number,
): DataBlockFrame {
	return {
		kind: 'data-block',
		framing: 'push',
		text: bytes.toString('latin1', textStart, bangEnd),
		textOffset: textStart,
		terminator: 'bang',
		check,
		identification,
		highBitBytes,
		parityErrors,
		bytes,
	};
}
