import {Buffer} from 'node:buffer';
import {type AlignedWords, alignedWords} from './aligned-words.ts';
import {plainRun} from './byte-fold.ts';
import {
	commonCaptureFrames,
	MAX_GAP_BYTES,
	MAX_LINE_BYTES,
	mayBeBaudCharacter,
} from './common-capture-frames.ts';
import {isHexDigit, pushTelegramCheck} from './crc16.ts';
import {type BlockCheck, type Frame, pushBlockFrame, stxBlockFrame} from './frame.ts';
import {GrowableBytes} from './growable-bytes.ts';
import {type Identification, isLetter} from './identification.ts';
import {identificationIn, identificationOf, knownLineSlot, receivedLineIn} from './identification-table.ts';
import {lineStop} from './line-stop.ts';
import {MessageBytes} from './message-bytes.ts';
import {parseOptionSelect} from './option-select.ts';
import {FrameOverflowError, ProtocolError, TruncatedBlockError} from './protocol-errors.ts';
import {pushStop} from './push-stop.ts';
import {parseRequest} from './request-message.ts';

// Local copies of bytes control-characters.ts also names: V8 reads an imported binding from its module
// cell at every use (with a hole check) instead of folding it, and these are compared once per byte
// (-250 instructions per telegram of the fixture mix, cachegrind). The same copies in line-stop.ts and
// push-stop.ts measured +750 (their word loops were compiled differently), so those import them.
const ACK = 0x06;
const BANG = 0x21;
const CR = 0x0d;
const EOT = 0x04;
const ETX = 0x03;
const LF = 0x0a;
const NAK = 0x15;
const SLASH = 0x2f;
const SOH = 0x01;
const STX = 0x02;

export interface FrameScannerOptions {
	/**
	 * Upper bound for one message (and for a run of noise), bytes. A message that grows past it is
	 * dropped with a FrameOverflowError frame, so endless garbage cannot grow memory. Default 64 KiB;
	 * the longest real readouts (300 Bd meters with 15 months of history) stay below 20 KiB.
	 */
	readonly maxMessageBytes?: number;
	/**
	 * `none` (default): bytes are taken as they come; bytes with bit 7 set are counted, since they
	 * betray 7E1 data read on an 8N1 port. `strip-even`: the port delivers 8 bits of which the top one
	 * is an even-parity bit: verify it, count errors, and keep the 7 data bits.
	 */
	readonly parity?: 'none' | 'strip-even';
}

export const DEFAULT_FRAME_SCANNER_OPTIONS: Required<FrameScannerOptions> = {
	maxMessageBytes: 64 * 1024,
	parity: 'none',
};

/**
 * The last `/` of a line that begins an identification (three letters, a baud character): no
 * identification holds one, so an earlier part of the line is what remains of one cut short.
 */
const RESTARTED_LINE = /\/[A-Za-z]{3}[^/]*$/;

/** Runs shorter than this are read byte by byte: four bytes at a time gains little on them. */
const MIN_WORD_RUN = 16;

type State =
	| 'idle'
	| 'line'
	| 'block'
	| 'block-ident'
	| 'bcc'
	| 'command'
	| 'ack'
	| 'push'
	| 'push-ident'
	| 'push-trailer';

/**
 * Longest identification after the baud character that may cut short an unterminated telegram. The
 * standard allows 16 characters; real meters send a few more (`\2` pairs, long DSMR names), and the
 * shape (`/`, three letters, a baud character, printable characters, CR LF) does the telling.
 */
const MAX_CUTTING_IDENT = 24;

/**
 * Turns bytes, in any chunking, into protocol frames. Pure and synchronous: `push` returns the
 * frames completed by a chunk, `end` those left when the input is over (an unfinished block becomes
 * a TruncatedBlockError frame, never a data block). It resynchronises on `/`, STX, SOH, ACK and NAK,
 * and reports everything between messages as noise.
 */
export class FrameScanner {
	readonly #maxMessageBytes: number;
	readonly #stripParity: boolean;
	readonly #message = new MessageBytes();
	/** Index in the chunk being pushed of the byte now fed (see MessageBytes.restart). */
	#index = 0;
	readonly #noise = new GrowableBytes(64);
	#noiseHighBits = 0;
	#state: State = 'idle';
	#bcc = 0;
	#terminator: 'etx' | 'eot' = 'etx';
	#isCommand = false;
	#highBitBytes = 0;
	#parityErrors = 0;
	/** Set while the bytes right after an identification may still turn into a push telegram. */
	#identification: Extract<Frame, {kind: 'identification'}> | undefined;
	/**
	 * Line ends after that identification (blank lines before push data): the first #gapLength bytes,
	 * at most MAX_GAP_BYTES. Reused; a count rather than an array's length, which costs a runtime call to empty.
	 */
	readonly #gap = new Uint8Array(MAX_GAP_BYTES);
	#gapLength = 0;
	/** Offset in #message where a push telegram's data starts (after its identification line). */
	#pushTextStart = 0;
	/** The parsed identification line a push telegram began with. */
	#pushIdentification: Identification | undefined;
	#pushBang = 0;
	/** Offset in #message of a `/` inside a push telegram's line that may begin an identification. */
	#candidate = 0;
	#inBracket = false;
	#atLineStart = true;
	/** The byte before the current one while idle; -1 right after a message (a `/` may follow at once). */
	#lastIdleByte = -1;
	/** Set by a block that failed its check or has no `!`: what follows at once may be its remains. */
	#afterBadBlock = false;
	/** The identification line being read may not begin a push telegram (it follows a bad block). */
	#lineAfterBadBlock = false;
	#frames: Frame[] = [];
	/** The aligned words of the chunk being scanned, once a run has needed them. */
	#chunkWords: AlignedWords | undefined;

	constructor(options: FrameScannerOptions = {}) {
		const merged = {...DEFAULT_FRAME_SCANNER_OPTIONS, ...options};
		if (!Number.isInteger(merged.maxMessageBytes) || merged.maxMessageBytes < 64) {
			throw new TypeError(
				`maxMessageBytes must be an integer of at least 64, received ${String(options.maxMessageBytes)}`,
			);
		}
		if (merged.parity !== 'none' && merged.parity !== 'strip-even') {
			throw new TypeError(
				`parity must be "none" or "strip-even", received ${JSON.stringify(options.parity)}`,
			);
		}
		this.#maxMessageBytes = merged.maxMessageBytes;
		this.#stripParity = merged.parity === 'strip-even';
	}

	/** Forgets all input so far, unfinished messages and noise included: as good as a new scanner. */
	reset(): void {
		this.#message.clear();
		this.#noise.clear();
		this.#noiseHighBits = 0;
		this.#state = 'idle';
		this.#bcc = 0;
		this.#terminator = 'etx';
		this.#isCommand = false;
		this.#highBitBytes = 0;
		this.#parityErrors = 0;
		this.#identification = undefined;
		this.#pushTextStart = 0;
		this.#pushBang = 0;
		this.#pushIdentification = undefined;
		this.#inBracket = false;
		this.#atLineStart = true;
		this.#lastIdleByte = -1;
		this.#afterBadBlock = false;
		this.#lineAfterBadBlock = false;
		if (this.#frames.length > 0) this.#frames = [];
	}

	/** True when this scanner was built with these options (after defaults), so it can serve them again. */
	#serves(options: FrameScannerOptions): boolean {
		return (
			(options.maxMessageBytes ?? DEFAULT_FRAME_SCANNER_OPTIONS.maxMessageBytes) === this.#maxMessageBytes &&
			((options.parity ?? DEFAULT_FRAME_SCANNER_OPTIONS.parity) === 'strip-even') === this.#stripParity
		);
	}

	/**
	 * Every frame of a whole capture, input end included, from a scanner kept for the purpose: a capture
	 * decoder called once per telegram would otherwise spend more on building a scanner (and its
	 * buffers) than on scanning. Synchronous, so one scanner per options suffices; it is reset first.
	 * The frames' bytes are views of `bytes` when it is a Buffer (see scanFrames). A capture of a common
	 * shape is framed without the states (see commonCaptureFrames), to the same frames.
	 */
	static scanWhole(bytes: Uint8Array, options: FrameScannerOptions = {}): Frame[] {
		let scanner = FrameScanner.#whole;
		if (scanner === undefined || !scanner.#serves(options)) {
			scanner = new FrameScanner(options);
			FrameScanner.#whole = scanner;
		}
		if (!scanner.#stripParity && Buffer.isBuffer(bytes)) {
			// The same frames, found without the states when the capture has a common shape.
			const frames = commonCaptureFrames(bytes, scanner.#maxMessageBytes);
			if (frames !== undefined) return frames;
		}
		scanner.reset();
		scanner.#scan(bytes, true);
		scanner.#finish();
		return scanner.#take();
	}

	static #whole: FrameScanner | undefined;

	/** Feeds a chunk; returns the frames it completed, in order. */
	push(input: Uint8Array): Frame[] {
		this.#scan(input);
		return this.#take();
	}

	/** The input is over: returns what the unfinished state amounts to. The scanner can be reused. */
	end(): Frame[] {
		this.#finish();
		return this.#take();
	}

	/** `lent`: frames may be views of `input` (a whole capture, see scanFrames), not copies. */
	#scan(input: Uint8Array, lent = false): void {
		// The input itself, not a plain view of it: the view cost more than it saved on the copies made
		// from it. Its memory is fetched only when a run needs its words (#wordsFor).
		const chunk = input;
		this.#chunkWords = undefined;
		this.#message.attach(chunk, lent);
		try {
			for (let index = 0; index < chunk.length; index++) {
				if (!this.#stripParity) {
					if (this.#state === 'block') index = this.#blockRun(chunk, index);
					else if (this.#state === 'push') index = this.#pushRun(chunk, index);
					else if (this.#state === 'line') index = this.#lineRun(chunk, index);
				}
				if (index >= chunk.length) break;
				let byte = chunk[index] as number;
				if (byte > 0x7f || this.#stripParity) {
					byte = this.#checkHighBit(byte);
				}
				this.#index = index;
				this.#feed(byte);
			}
		} finally {
			// The caller may reuse the chunk once push returns: an unfinished message must not point into it.
			// A finished one is dead (every message starts afresh), so it need not be kept at all.
			if (this.#state === 'idle') this.#message.clear();
			this.#message.detach();
			// Nor may the scanner keep the caller's memory alive.
			this.#chunkWords = undefined;
		}
	}

	/** The chunk's aligned words for runs long enough to read them (see aligned-words.ts), else undefined. */
	#wordsFor(chunk: Uint8Array, start: number, end: number): AlignedWords | undefined {
		if (end - start < MIN_WORD_RUN) return undefined;
		this.#chunkWords ??= alignedWords(chunk.buffer, chunk.byteOffset, chunk.length);
		return this.#chunkWords;
	}

	#finish(): void {
		switch (this.#state) {
			case 'block':
			case 'block-ident':
				this.#truncated('ETX');
				break;
			case 'bcc':
				this.#truncated('BCC');
				break;
			case 'command':
				this.#truncated('ETX');
				break;
			case 'push':
			case 'push-ident':
				this.#truncated('"!"');
				break;
			case 'push-trailer':
				this.#finishPush();
				break;
			case 'line':
				this.#messageToNoise('line without CR LF');
				break;
			case 'ack':
				this.#abandonAck();
				break;
			case 'idle':
				break;
		}
		this.#flushNoise();
		this.#identification = undefined;
	}

	#take(): Frame[] {
		const frames = this.#frames;
		this.#frames = [];
		return frames;
	}

	#checkHighBit(byte: number): number {
		if (!this.#stripParity) {
			this.#highBitBytes++;
			return byte;
		}
		let ones = 0;
		for (let bits = byte; bits; bits &= bits - 1) ones++;
		if (ones % 2 !== 0) this.#parityErrors++;
		return byte & 0x7f;
	}

	#feed(byte: number): void {
		switch (this.#state) {
			case 'idle':
				this.#idle(byte);
				return;
			case 'line':
				this.#line(byte);
				return;
			case 'block':
			case 'command':
				this.#block(byte);
				return;
			case 'bcc':
				this.#message.push(byte);
				this.#finishBlock(byte);
				return;
			case 'ack':
				this.#ack(byte);
				return;
			case 'push':
				this.#push(byte);
				return;
			case 'push-ident':
			case 'block-ident':
				this.#cuttingIdent(byte);
				return;
			case 'push-trailer':
				this.#pushTrailer(byte);
		}
	}

	#idle(byte: number): void {
		const previous = this.#lastIdleByte;
		this.#lastIdleByte = byte;
		const afterBadBlock = this.#afterBadBlock;
		this.#afterBadBlock = false;
		switch (byte) {
			case SLASH:
				// An identification starts a line: after a message, a line end, or idle noise (DEL, NUL, an
				// echo's CR LF). A `/` right after text is data: `(/SX330)`, `Imp/kWh` in the remains of a
				// block that failed its check. Taking it for an identification would turn those remains into
				// an unchecked push telegram.
				if (previous >= 0x20 && previous <= 0x7e) break;
				this.#start('line', byte);
				// `Imp/kWh)…` right after a block ended early by a byte changed into ETX: the remains of
				// that block, never an unchecked push telegram.
				this.#lineAfterBadBlock = afterBadBlock;
				return;
			case STX:
				this.#start('block', byte);
				this.#isCommand = false;
				return;
			case SOH:
				this.#start('command', byte);
				this.#isCommand = true;
				return;
			case ACK:
				this.#start('ack', byte);
				return;
			case NAK:
				this.#flushNoise();
				this.#identification = undefined;
				this.#frames.push({kind: 'nak', bytes: Buffer.of(NAK)});
				return;
			case CR:
			case LF:
				// Blank lines between an identification and its push data (EMH, Easymeter) belong to the telegram.
				if (this.#identification && this.#gapLength < this.#gap.length) this.#gap[this.#gapLength++] = byte;
				else if (this.#noise.length > 0) this.#addNoise(byte);
				return;
		}
		if (this.#identification && byte >= 0x20 && byte < 0x7f) {
			this.#startPush(byte);
			return;
		}
		this.#addNoise(byte);
	}

	#start(state: State, byte: number): void {
		this.#flushNoise();
		this.#lastIdleByte = -1;
		// Whatever starts now, a push telegram no longer follows the identification directly: an ACK
		// (our own, echoed by the head) means a mode C exchange, whose data come in an STX block.
		this.#identification = undefined;
		this.#state = state;
		this.#message.restart(byte, this.#index);
		this.#bcc = 0;
		this.#highBitBytes = 0;
		this.#parityErrors = 0;
		this.#inBracket = false;
		this.#atLineStart = true;
	}

	#line(byte: number): void {
		if (byte === STX || byte === SOH) {
			this.#messageToNoise('line cut short by a new message');
			this.#idle(byte);
			return;
		}
		this.#message.push(byte);
		if (byte !== LF) {
			if (this.#message.length > MAX_LINE_BYTES) this.#messageToNoise('"/" not followed by a line');
			return;
		}
		let end = this.#message.length - 1;
		while (end > 1 && this.#message.at(end - 1) === CR) end--;
		this.#state = 'idle';
		// A line the identification table knows was a whole identification line before (neither cut short
		// nor a request): the checks below would find the same again. Looked up first, in place, which
		// spares the search for a second `/` on nearly every line (1.5 % of decoding the fixture mix), and
		// the frame's bytes are the table's copy of the line (see receivedLineIn), not a view cut for it.
		const memory = this.#message.memory;
		const offset = this.#message.memoryOffset;
		const slot = knownLineSlot(memory, offset, offset + end);
		if (slot >= 0) {
			const line = receivedLineIn(slot, memory, offset, this.#message.length) ?? this.#message.copy();
			this.#identificationFrame(identificationIn(slot), line);
			return;
		}
		let bytes = this.#message.copy();
		// `/ISk5MT/EMH5…`: a line cut short by noise, then the next meter's (or telegram's) identification.
		// Only a line with a second `/` can be one; most lines are looked at no further.
		const restart = slashAfterStart(bytes, end)
			? bytes.toString('latin1', 0, end).search(RESTARTED_LINE)
			: -1;
		if (restart > 0) {
			const cut = bytes.subarray(0, restart);
			this.#frames.push({
				kind: 'noise',
				bytes: cut,
				highBitBytes: cut.filter((value) => value > 0x7f).length,
				reason: 'line cut short by a new message',
			});
			bytes = bytes.subarray(restart);
			end -= restart;
		}
		try {
			if (bytes[end - 1] === BANG) {
				this.#frames.push({kind: 'request', request: parseRequest(bytes.toString('latin1', 0, end)), bytes});
				return;
			}
			// Parsed once per distinct line (see identification-table.ts): a meter repeats its line.
			this.#identificationFrame(identificationOf(bytes, end), bytes);
		} catch (error) {
			if (!(error instanceof ProtocolError)) throw error;
			this.#frames.push({kind: 'noise', bytes, highBitBytes: this.#highBitBytes, reason: error.message});
		}
	}

	/** The frame of an identification line just read, which a push telegram may follow. */
	#identificationFrame(identification: Identification, bytes: Buffer): void {
		const frame = {kind: 'identification', identification, bytes} as const;
		this.#frames.push(frame);
		if (!this.#lineAfterBadBlock) {
			this.#identification = frame;
			this.#gapLength = 0;
		}
	}

	#block(byte: number): void {
		// Only ETX (or EOT) ends an open block. STX inside is data: the Itron ACE3000 sends
		// `Y STX STX SOH NUL` before its `!` and counts those bytes into its BCC. Nor does a `/` restart
		// it: a unit such as `Imp/kWh` with one byte lost would otherwise turn the rest of a checked block
		// into an unchecked push telegram. A block cut off for good ends at the session's timeout
		// (end()), or at maxMessageBytes.
		this.#message.push(byte);
		this.#bcc ^= byte;
		if (byte === SLASH && !this.#isCommand) {
			// As in a push telegram: an identification line to its CR LF means the block was cut by noise.
			this.#candidate = this.#message.length - 1;
			this.#state = 'block-ident';
			this.#guardLength();
			return;
		}
		if (byte === ETX || byte === EOT) {
			this.#terminator = byte === ETX ? 'etx' : 'eot';
			this.#state = 'bcc';
			return;
		}
		this.#guardLength();
	}

	/**
	 * The body of an open block, a run at a time: the bytes up to the next ETX/EOT (or a byte with bit 7
	 * set, which needs the per-byte path) are XOR'd and appended at once. Returns the index of the
	 * first byte not consumed. Same result as feeding the bytes one by one, several times faster.
	 */
	#blockRun(chunk: Uint8Array, start: number): number {
		const room = this.#maxMessageBytes - this.#message.length;
		const limit = Math.min(chunk.length, start + Math.max(0, room));
		// The run also stops at a `/`, which the per-byte path judges (it may begin an identification).
		const run = plainRun(chunk, start, limit, this.#wordsFor(chunk, start, limit));
		const end = Math.floor(run / 256);
		this.#bcc ^= run & 0xff;
		this.#message.append(chunk, start, end);
		return end;
	}

	/**
	 * The body of a push telegram, a run at a time: bytes are appended at once up to anything that may
	 * end or restart the telegram (`!`, `/`, STX, a byte with bit 7 set), which is left to the per-byte
	 * path. Returns the first index not consumed. The line-start and bracket flags follow from the last
	 * bytes of the run alone (see #pushFlags), so the run is found a word at a time (see pushStop)
	 * instead of tracking them byte by byte: on a DSMR telegram, whose brackets and line ends defeat
	 * branch prediction, this takes about a third of the time.
	 */
	#pushRun(chunk: Uint8Array, start: number): number {
		const room = this.#maxMessageBytes - this.#message.length;
		const limit = Math.min(chunk.length, start + Math.max(0, room));
		const index = pushStop(chunk, start, limit, this.#wordsFor(chunk, start, limit));
		if (index > start) {
			this.#pushFlags(chunk, start, index);
			this.#message.append(chunk, start, index);
		}
		return index;
	}

	/**
	 * Sets the line-start and bracket flags as a byte-by-byte walk over chunk[start, end) would leave
	 * them: at a line start right after CR or LF; in a bracket when the last `(`, `)`, CR or LF was `(`.
	 * Walks back from the end, so it reads about one line, not the whole run.
	 */
	#pushFlags(chunk: Uint8Array, start: number, end: number): void {
		const last = chunk[end - 1] as number;
		this.#atLineStart = last === LF || last === CR;
		for (let index = end - 1; index >= start; index--) {
			const byte = chunk[index] as number;
			if (byte === LF || byte === CR || byte === 0x29) {
				this.#inBracket = false;
				return;
			}
			if (byte === 0x28) {
				this.#inBracket = true;
				return;
			}
		}
		// None of them in the run: the flag stays as the bytes before left it.
	}

	/**
	 * The body of an identification (or request) line, a run at a time: bytes up to the LF, or up to
	 * anything the per-byte path must judge (STX, SOH, a byte with bit 7 set, the line-length limit),
	 * are appended at once. Returns the first index not consumed.
	 */
	#lineRun(chunk: Uint8Array, start: number): number {
		const limit = Math.min(chunk.length, start + Math.max(0, MAX_LINE_BYTES - this.#message.length));
		const index = lineStop(chunk, start, limit, this.#wordsFor(chunk, start, limit));
		this.#message.append(chunk, start, index);
		return index;
	}

	#finishBlock(received: number): void {
		const check: BlockCheck = {algorithm: 'bcc', ok: received === this.#bcc, expected: this.#bcc, received};
		const bytes = this.#message.copy();
		this.#state = 'idle';
		if (this.#isCommand) {
			const body = bytes.toString('latin1', 1, bytes.length - 2);
			const stx = body.indexOf('\x02');
			this.#frames.push({
				kind: 'command',
				command: (stx < 0 ? body : body.slice(0, stx)).slice(0, 2),
				text: stx < 0 ? '' : body.slice(stx + 1),
				check,
				bytes,
			});
			return;
		}
		this.#afterBadBlock = !check.ok || !hasBang(bytes);
		this.#frames.push(stxBlockFrame(bytes, this.#terminator, check, this.#highBitBytes, this.#parityErrors));
	}

	#ack(byte: number): void {
		const length = this.#message.length;
		const isOptionChar =
			(byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
		if (length < 4 && isOptionChar) {
			this.#message.push(byte);
			return;
		}
		if (length === 4 && byte === CR) {
			this.#message.push(byte);
			return;
		}
		if (length >= 4 && byte === LF) {
			this.#message.push(byte);
			const bytes = this.#message.copy();
			this.#state = 'idle';
			this.#frames.push({
				kind: 'option-select',
				optionSelect: parseOptionSelect(bytes.toString('latin1', 0, 4)),
				bytes,
			});
			return;
		}
		this.#abandonAck();
		this.#feed(byte);
	}

	/** A lone ACK (the meter's positive answer) followed by something that is not `V Z Y CR LF`. */
	#abandonAck(): void {
		const rest = this.#message.copy(1);
		this.#state = 'idle';
		this.#frames.push({kind: 'ack', bytes: Buffer.of(ACK)});
		for (const byte of rest) this.#feed(byte);
	}

	#startPush(byte: number): void {
		const identification = this.#identification;
		if (!identification) return;
		this.#state = 'push';
		this.#message.restartWith(identification.bytes, this.#gap, this.#gapLength, this.#index);
		this.#pushTextStart = this.#message.length;
		this.#pushIdentification = identification.identification;
		this.#identification = undefined;
		this.#lastIdleByte = -1;
		this.#inBracket = false;
		this.#atLineStart = true;
		this.#push(byte);
	}

	#push(byte: number): void {
		if (byte === STX || (byte === SLASH && this.#atLineStart && !this.#inBracket)) {
			// Resynchronise: a new telegram (or a framed block) began before this one ended.
			this.#truncated('"!"');
			this.#idle(byte);
			return;
		}
		if (byte === SLASH) {
			// Inside a line: data (`(/SX330)`, `Imp/kWh`) unless an identification line follows to its CR LF,
			// which means noise cut this telegram and the next one began (`(RLx/EBZ5DD32R06ETA_107` CR LF).
			this.#candidate = this.#message.length;
			this.#message.push(byte);
			this.#atLineStart = false;
			this.#state = 'push-ident';
			this.#guardLength();
			return;
		}
		this.#message.push(byte);
		if (byte === LF || byte === CR) {
			this.#atLineStart = true;
			this.#inBracket = false;
		} else {
			// The end mark stands on a line of its own after the data in every push telegram (mode D,
			// DSMR): right after an LF. A `!` after text on its line (or between its CR and LF), or before
			// any data, is a changed byte: ending there would cut the telegram short and, in DSMR, take
			// the CRC's place, so that a telegram with one bad byte would pass with no check at all.
			this.#atLineStart = false;
			if (byte === 0x28) this.#inBracket = true;
			else if (byte === 0x29) this.#inBracket = false;
			else if (
				byte === BANG &&
				!this.#inBracket &&
				this.#message.length - 1 > this.#pushTextStart &&
				this.#message.at(this.#message.length - 2) === LF
			) {
				this.#pushBang = this.#message.length;
				this.#state = 'push-trailer';
				return;
			}
		}
		this.#guardLength();
	}

	/**
	 * A byte after a push telegram's `!`: the line may hold a CRC of 1 to 4 hex digits (DSMR) and then
	 * ends. Anything else on it means the `!` was no end mark but a changed byte (the data line went on):
	 * the telegram goes on too, and its CRC, or its missing end, refuses it.
	 */
	#pushTrailer(byte: number): void {
		const length = this.#message.length;
		const previous = this.#message.at(length - 1);
		const digits = length - this.#pushBang;
		if (byte === LF || byte === CR || (isHexDigit(byte) && digits < 4 && previous !== CR)) {
			this.#message.push(byte);
			if (byte === LF) this.#finishPush();
			else this.#guardLength();
			return;
		}
		this.#state = 'push';
		this.#atLineStart = previous === CR;
		this.#inBracket = false;
		this.#push(byte);
	}

	/**
	 * A byte after a `/` inside a push telegram's line or an open block: while the bytes still fit `/XXXZ…` CR LF they are
	 * kept; at the LF the telegram so far is cut (a TruncatedBlockError frame) and the line is an
	 * identification. Any other byte makes the `/` data again and goes the ordinary way.
	 */
	#cuttingIdent(byte: number): void {
		const inBlock = this.#state === 'block-ident';
		if (byte === SLASH && this.#message.at(this.#message.length - 1) !== CR) {
			// No identification holds a `/`: `Imp/kWh/KFM5…` is a unit cut short, then the next telegram.
			this.#candidate = this.#message.length;
			this.#message.push(byte);
			if (inBlock) this.#bcc ^= byte;
			this.#guardLength();
			return;
		}
		const position = this.#message.length - this.#candidate;
		const previous = this.#message.at(this.#message.length - 1);
		let fits: boolean;
		if (previous === CR) fits = byte === LF && position >= 6;
		// LF alone ends the line too (L+G E350: `/LGZ4ZMF100AC.M27` LF LF).
		else if (byte === LF) fits = position >= 5;
		else if (position <= 3) fits = isLetter(byte);
		else if (position === 4) fits = mayBeBaudCharacter(byte);
		else if (byte === CR) fits = true;
		else
			fits =
				position <= 4 + MAX_CUTTING_IDENT &&
				byte >= 0x20 &&
				byte < 0x7f &&
				byte !== 0x28 &&
				byte !== 0x29 &&
				byte !== BANG &&
				byte !== SLASH;
		if (!fits) {
			this.#state = inBlock ? 'block' : 'push';
			if (inBlock) this.#block(byte);
			else this.#push(byte);
			return;
		}
		this.#message.push(byte);
		if (inBlock) this.#bcc ^= byte;
		if (byte === CR) {
			this.#atLineStart = true;
			this.#inBracket = false;
		}
		if (byte !== LF) return;
		const candidate = this.#candidate;
		const cut = this.#message.copy(0, candidate);
		const line = this.#message.copy(candidate);
		this.#frames.push({
			kind: 'error',
			error: new TruncatedBlockError(cut.length, inBlock ? 'ETX' : '"!"'),
			bytes: cut,
		});
		this.#state = 'idle';
		this.#lastIdleByte = -1;
		let end = line.length - 1;
		while (end > 1 && line[end - 1] === CR) end--;
		try {
			// Through the identification table, as in #line: the line that cut a telegram is usually the
			// meter's own, already parsed, so neither its text nor its parse is made again.
			const frame = {
				kind: 'identification',
				identification: identificationOf(line, end),
				bytes: line,
			} as const;
			this.#frames.push(frame);
			// A push telegram may follow a cut push telegram's successor (mode D). After a cut block it may
			// not: a mode C meter answers with an STX block, and bytes taken as an unchecked push telegram
			// there could be the rest of a block whose one corrupted byte looked like a `/`.
			if (!inBlock) {
				this.#identification = frame;
				this.#gapLength = 0;
			}
		} catch (error) {
			if (!(error instanceof ProtocolError)) throw error;
			this.#frames.push({kind: 'noise', bytes: line, highBitBytes: 0, reason: error.message});
		}
	}

	#finishPush(): void {
		let end = this.#message.length;
		while (end > this.#pushBang && (this.#message.at(end - 1) === LF || this.#message.at(end - 1) === CR))
			end--;
		const bytes = this.#message.copy();
		const check = pushTelegramCheck(bytes, this.#pushBang, end);
		this.#state = 'idle';
		this.#frames.push(
			pushBlockFrame(
				bytes,
				this.#pushTextStart,
				this.#pushBang,
				check,
				// The line the telegram began with, parsed when it arrived (same text up to its line end).
				this.#pushIdentification as Identification,
				this.#highBitBytes,
				this.#parityErrors,
			),
		);
	}

	#guardLength(): void {
		if (this.#message.length <= this.#maxMessageBytes) return;
		const bytes = this.#message.copy();
		this.#state = 'idle';
		this.#message.clear();
		this.#frames.push({kind: 'error', error: new FrameOverflowError(this.#maxMessageBytes), bytes});
	}

	#truncated(missing: string): void {
		const bytes = this.#message.copy();
		this.#state = 'idle';
		this.#lastIdleByte = -1;
		this.#frames.push({kind: 'error', error: new TruncatedBlockError(bytes.length, missing), bytes});
	}

	#messageToNoise(reason: string): void {
		const bytes = this.#message.copy();
		this.#state = 'idle';
		this.#frames.push({kind: 'noise', bytes, highBitBytes: this.#highBitBytes, reason});
	}

	#addNoise(byte: number): void {
		this.#identification = undefined;
		if (byte > 0x7f) this.#noiseHighBits++;
		this.#noise.push(byte);
		if (this.#noise.length >= this.#maxMessageBytes) this.#flushNoise();
	}

	#flushNoise(): void {
		if (this.#noise.length === 0) return;
		this.#frames.push({kind: 'noise', bytes: this.#noise.copy(), highBitBytes: this.#noiseHighBits});
		this.#noise.clear();
		this.#noiseHighBits = 0;
	}
}

/**
 * Whether a block holds `!`. Sought from the end, where it stands (`! CR LF ETX BCC`): a loop costs
 * less than Buffer#includes, a call into native code, on every block.
 */
function hasBang(bytes: Uint8Array): boolean {
	for (let index = bytes.length - 1; index >= 0; index--) {
		if (bytes[index] === BANG) return true;
	}
	return false;
}

/** Whether `bytes[1, end)` holds a `/`. */
function slashAfterStart(bytes: Uint8Array, end: number): boolean {
	for (let index = 1; index < end; index++) {
		if (bytes[index] === SLASH) return true;
	}
	return false;
}

/**
 * Convenience for whole captures: every frame in `bytes`, input end included. When `bytes` is a Buffer,
 * the frames' bytes are views of it (or `bytes` itself), not copies: the caller leaves it unchanged
 * while it uses them. An identification line seen before is the table's copy (see receivedLineIn).
 */
export function scanFrames(bytes: Uint8Array, options?: FrameScannerOptions): Frame[] {
	return FrameScanner.scanWhole(bytes, options);
}
