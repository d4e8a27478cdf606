import {BANG, CR, ETX, LF, SOH, STX} from '../iec62056/control-characters.ts';
import {GrowableBytes} from '../iec62056/growable-bytes.ts';

/** A data message (§5.2: STX data block `!` CR LF ETX BCC) that arrived without its STX. */
export interface DataMessageWithoutStx {
	/** Bytes received from the start of the watch up to its end (the BCC, when it came). */
	readonly bytes: number;
	/** Lines of data sets (`address(value)…`) in its readable text. */
	readonly dataLines: number;
	/** True when it ended with `!`, CR LF, ETX and the BCC; false when the bytes stopped before. */
	readonly complete: boolean;
}

export interface MissingStxWatchOptions {
	/** As the frame scanner's: `strip-even` when the port passes 7E1 characters as 8 bits. Default `none`. */
	readonly parity?: 'none' | 'strip-even';
	/** Bytes to watch at most; beyond, the watch gives up (it is no readout's data). Default 64 KiB. */
	readonly maxBytes?: number;
}

/** Stands for a byte whose even-parity bit was wrong (`strip-even`): never text, never a control character. */
const PARITY_ERROR = 0xff;

/**
 * An address, then one or more bracketed values: `1.8.1(001234.567*kWh)`, `1-1:1.6.1(27.19*kW)(1702090945)`,
 * `6.8(0029.055*MWh)6.26(01589.28*m3)` (several data sets on one line, Siemens 2WR5).
 */
const DATA_LINE = /^[^()]+\(.*\)\s*$/;

/**
 * Watches the bytes of a data phase (after the rate switch, or after a NAK) for a data message whose
 * STX was lost or damaged on the line. The frame scanner sees no block there: the text goes by as
 * noise (or as an unchecked push telegram), and the readout would end as if nothing readable had come.
 * What tells such a message from a wrong rate is the bytes themselves: after a wrong switch the
 * receiver reads junk (bit 7 set, parity errors, no line structure, see the notes §5.1); here it reads
 * 7-bit, even-parity text of data lines ending in `!` CR LF ETX BCC, with at most a damaged byte (or
 * none, when it was lost) in the STX's place.
 *
 * Pure: fed chunks, it returns the message once its BCC is in. It stops at an STX or SOH before any
 * ETX (the scanner frames that block or command) and when `maxBytes` are exceeded.
 */
export class MissingStxWatch {
	readonly #stripParity: boolean;
	readonly #maxBytes: number;
	readonly #bytes = new GrowableBytes(256);
	#done = false;
	#sawEtx = false;

	constructor(options: MissingStxWatchOptions = {}) {
		const maxBytes = options.maxBytes ?? 64 * 1024;
		if (!(Number.isInteger(maxBytes) && maxBytes >= 16)) {
			throw new TypeError(`maxBytes must be an integer of at least 16, received ${String(options.maxBytes)}`);
		}
		this.#stripParity = options.parity === 'strip-even';
		this.#maxBytes = maxBytes;
	}

	/**
	 * Feeds a chunk. When its bytes complete a data message without STX, returns it and how many bytes
	 * of the chunk it took (what follows is the meter's next message); the watch then ends.
	 */
	push(chunk: Uint8Array): {readonly message: DataMessageWithoutStx; readonly taken: number} | undefined {
		if (this.#done) return undefined;
		for (let index = 0; index < chunk.length; index++) {
			const byte = this.#character(chunk[index] as number);
			if (!this.#sawEtx && (byte === STX || byte === SOH)) {
				this.#stop();
				return undefined;
			}
			this.#bytes.push(byte);
			const length = this.#bytes.length;
			if (byte === ETX) this.#sawEtx = true;
			else if (length >= 2 && this.#bytes.at(length - 2) === ETX) {
				// This byte is the BCC of the message the ETX ended.
				const message = completeMessage(this.#bytes.copy(), length - 2);
				if (message) {
					this.#stop();
					return {message, taken: index + 1};
				}
			}
			if (length >= this.#maxBytes) {
				this.#stop();
				return undefined;
			}
		}
		return undefined;
	}

	/** When no more bytes come: the data message without STX that the bytes so far began, cut off before its BCC. */
	unfinished(): DataMessageWithoutStx | undefined {
		if (this.#done || this.#bytes.length === 0) return undefined;
		const bytes = this.#bytes.copy();
		const etx = bytes.indexOf(ETX);
		let end = etx < 0 ? bytes.length : etx;
		let lineEnded = false;
		while (end > 0 && isLineEnd(bytes[end - 1] as number)) {
			end--;
			lineEnded = true;
		}
		if (end > 0 && bytes[end - 1] === BANG) {
			end--;
			lineEnded = true;
		}
		const dataLines = readableDataLines(bytes, end, lineEnded);
		return dataLines === 0 ? undefined : {bytes: bytes.length, dataLines, complete: false};
	}

	/** A byte as the 7-bit character it carries; with `strip-even`, PARITY_ERROR when its parity bit is wrong. */
	#character(byte: number): number {
		if (!this.#stripParity) return byte;
		let ones = 0;
		for (let bits = byte; bits; bits &= bits - 1) ones++;
		return ones % 2 === 0 ? byte & 0x7f : PARITY_ERROR;
	}

	#stop(): void {
		this.#done = true;
		this.#bytes.clear();
	}
}

/** The message whose ETX is at `etx` (its BCC follows), if its text is readable data: `!`, 1–2 line-end bytes, ETX. */
function completeMessage(bytes: Uint8Array, etx: number): DataMessageWithoutStx | undefined {
	let bang = etx - 1;
	let lineEnds = 0;
	while (bang >= 0 && lineEnds < 2 && isLineEnd(bytes[bang] as number)) {
		bang--;
		lineEnds++;
	}
	if (lineEnds === 0 || bang < 0 || bytes[bang] !== BANG) return undefined;
	// `!` ends the last data line, on a line of its own or glued to it (`0.2.2(:::::G11)!`).
	const dataLines = readableDataLines(bytes, bang, true);
	return dataLines === 0 ? undefined : {bytes: etx + 2, dataLines, complete: true};
}

/**
 * Data lines in the readable text that ends at `end`: the run of 7-bit text before it, which nothing
 * framed (no STX or SOH before it). Its first line may be the remains of something else (an ACK
 * echo's `050`, a line whose first bytes were damaged with the STX); every other line must be a data
 * line, or the text is not a data message (0). The last line counts only when complete.
 */
function readableDataLines(bytes: Uint8Array, end: number, lastLineComplete: boolean): number {
	let start = end;
	while (start > 0 && isText(bytes[start - 1] as number)) start--;
	for (let index = 0; index < start; index++) {
		if (bytes[index] === STX || bytes[index] === SOH) return 0;
	}
	const lines = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start)
		.toString('latin1')
		.split(/[\r\n]+/);
	if (!lastLineComplete) lines.pop();
	const filled = lines.filter((line) => line.length > 0);
	const first = filled[0];
	if (first !== undefined && !DATA_LINE.test(first)) filled.shift();
	for (const line of filled) {
		if (!DATA_LINE.test(line)) return 0;
	}
	return filled.length;
}

function isLineEnd(byte: number): boolean {
	return byte === CR || byte === LF;
}

/** Printable 7-bit characters and line ends: what a data block's text is made of. */
function isText(byte: number): boolean {
	return (byte >= 0x20 && byte < 0x7f) || byte === CR || byte === LF;
}
