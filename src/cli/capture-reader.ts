import {open, readFile, stat} from 'node:fs/promises';
import {GzipCaptureError, gunzippedChunks, isGzipCapture} from '../backfill/gzip-capture.ts';
import {parityStrippedNote} from '../backfill/parity-stripped-note.ts';
import {dataSetsBefore, pastedReadouts} from '../backfill/pasted-readouts.ts';
import type {DecodedTelegram} from '../iec62056/capture-decoder.ts';
import type {ProtocolError} from '../iec62056/protocol-errors.ts';
import {StreamingCaptureDecoder} from '../iec62056/streaming-capture-decoder.ts';
import {fsErrorCause} from '../observability/fs-error-cause.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';
import {reusedChunks} from './reused-chunks.ts';

/** Stdin kept for a second pass (parity bits stripped) while it has shown no telegram, bytes. */
const MAX_RETAINED_STDIN_BYTES = 16 * 1024 * 1024;

/**
 * A capture file (or stdin) read in chunks and decoded as it comes: telegrams() yields each telegram
 * once complete, so memory stays flat in the size of the capture. When the whole input gave no
 * telegram but bytes with bit 7 set, it is read a second time with even parity stripped (7E1 data
 * captured on an 8N1 port), as decodeCapture's callers do.
 */
export class CaptureReader {
	readonly place: string;
	/** The file's modification time (undefined for stdin). */
	readonly modifiedAt: Date | undefined;
	readonly #file: string | undefined;
	readonly #stdin: CommandIo['stdin'];
	readonly #ignoreBcc: boolean;
	#decoder: StreamingCaptureDecoder | undefined;
	#retained: Buffer[] | undefined = [];
	#retainedBytes = 0;
	#parityNote: string | undefined;
	/** Readouts beyond the first of pasted text holding several (see pastedReadouts). */
	#extraReadouts = 0;
	/** Data sets in bare lines before the first telegram, not read (see dataSetsBefore); set at the first telegram. */
	#leadingDataSets: number | undefined;
	/** The input is gzip (not a raw archive): decompressed as it is read. */
	#gzip = false;
	/** The first bytes of the input (for telling a raw archive apart), given back to the first pass. */
	#head: Buffer = Buffer.alloc(0);
	#stdinChunks: AsyncGenerator<Buffer, void, undefined> | undefined;

	private constructor(
		file: string | undefined,
		place: string,
		modifiedAt: Date | undefined,
		io: CommandIo,
		ignoreBcc: boolean,
	) {
		this.#file = file;
		this.place = place;
		this.modifiedAt = modifiedAt;
		this.#stdin = io.stdin;
		this.#ignoreBcc = ignoreBcc;
	}

	/** `-` is stdin. Throws CliError when the file cannot be read, or stdin is a terminal. */
	static async open(file: string, io: CommandIo, options: {ignoreBcc: boolean}): Promise<CaptureReader> {
		if (file === '-') {
			if (io.stdin.isTTY) {
				throw new CliError(
					'no input: give a capture FILE, or pipe one in (dlms-logger parse - < capture.bin)',
					{
						exitCode: EXIT_CODES.usage,
					},
				);
			}
			const reader = new CaptureReader(undefined, 'stdin', undefined, io, options.ignoreBcc);
			reader.#stdinChunks = reusedChunks(io.stdin);
			const first = await reader.#stdinChunks.next();
			// A copy: the chunk is a view of memory the next one reuses.
			if (!first.done) reader.#head = Buffer.from(first.value);
			reader.#gzip = isGzipCapture(reader.#head);
			return reader;
		}
		try {
			const info = await stat(file);
			if (info.isDirectory()) throw Object.assign(new Error('is a directory'), {code: 'EISDIR'});
			const reader = new CaptureReader(file, file, info.mtime, io, options.ignoreBcc);
			const handle = await open(file, 'r');
			try {
				const head = Buffer.alloc(Math.min(info.size, 64 * 1024));
				const {bytesRead} = await handle.read(head, 0, head.length, 0);
				reader.#head = head.subarray(0, bytesRead);
				reader.#gzip = isGzipCapture(reader.#head);
			} finally {
				await handle.close();
			}
			return reader;
		} catch (error) {
			throw readError(file, error);
		}
	}

	/** The first bytes of the input (up to 64 KiB from a file, the first chunk of stdin). */
	get head(): Buffer {
		return this.#head;
	}

	/** The whole input at once, instead of telegrams(): for inputs that are no capture stream (a raw archive). */
	async readAll(): Promise<Buffer> {
		if (this.#file !== undefined) return await readFile(this.#file);
		const chunks = [this.#head];
		for (;;) {
			const next = await this.#stdinChunks?.next();
			if (next === undefined || next.done) break;
			chunks.push(Buffer.from(next.value));
		}
		return Buffer.concat(chunks);
	}

	/** Blocks that failed their check or were cut off (after telegrams() is done). */
	get errors(): readonly ProtocolError[] {
		return this.#decoder?.errors ?? [];
	}

	get highBitBytes(): number {
		return this.#decoder?.highBitBytes ?? 0;
	}

	get garbledBlocks(): number {
		return this.#decoder?.garbledBlocks ?? 0;
	}

	get telegramCount(): number {
		return (this.#decoder?.telegramCount ?? 0) + this.#extraReadouts;
	}

	/** Data sets in bare lines before the first framed telegram, which were not read (after telegrams()). */
	get leadingDataSets(): number {
		return this.#leadingDataSets ?? 0;
	}

	/** Set when the second pass with parity bits stripped found the telegrams. */
	get parityNote(): string | undefined {
		return this.#parityNote;
	}

	async *telegrams(): AsyncGenerator<DecodedTelegram> {
		const first = new StreamingCaptureDecoder({ignoreBlockCheck: this.#ignoreBcc});
		this.#decoder = first;
		for await (const chunk of this.#chunks(true)) {
			for (const telegram of decodePieces(first, chunk)) {
				// The head is the input's start only before decompression.
				this.#leadingDataSets ??= this.#gzip ? 0 : dataSetsBefore(this.#head, telegram);
				yield telegram;
			}
		}
		yield* this.#split(first.end());
		if (first.telegramCount > 0 || first.highBitBytes === 0) return;
		const retry = this.#file !== undefined || this.#retained !== undefined;
		if (!retry) return;
		// Nothing of the first pass was printed (it found no telegram): the second pass prints what it finds.
		const stripped = new StreamingCaptureDecoder({ignoreBlockCheck: this.#ignoreBcc, parity: 'strip-even'});
		for await (const chunk of this.#chunks(false)) yield* decodePieces(stripped, chunk);
		yield* this.#split(stripped.end());
		if (stripped.telegramCount === 0) return;
		this.#parityNote = parityStrippedNote(first.highBitBytes);
		this.#decoder = stripped;
	}

	/** The decoder's last telegrams, pasted text of several readouts split into them (see pastedReadouts). */
	*#split(telegrams: readonly DecodedTelegram[]): Generator<DecodedTelegram> {
		for (const telegram of telegrams) {
			this.#leadingDataSets ??= this.#gzip ? 0 : dataSetsBefore(this.#head, telegram);
			const readouts = pastedReadouts(telegram);
			this.#extraReadouts += readouts.length - 1;
			yield* readouts;
		}
	}

	/**
	 * The BCC-checked blocks that failed their check, decoded anyway, for judging why they failed (after
	 * telegrams(); see blockShapeEvidence): a second read of the file, or of stdin while it is kept.
	 * Undefined when the input cannot be read again. At most `limit` blocks.
	 */
	async bccFailures(limit = 16): Promise<DecodedTelegram[] | undefined> {
		if (this.#file === undefined && this.#retained === undefined) return undefined;
		const decoder = new StreamingCaptureDecoder({
			ignoreBlockCheck: true,
			...(this.#parityNote === undefined ? {} : {parity: 'strip-even' as const}),
		});
		const failed: DecodedTelegram[] = [];
		const keep = (telegram: DecodedTelegram) => {
			if (!telegram.check.ok && telegram.check.algorithm === 'bcc') failed.push(telegram);
		};
		for await (const chunk of this.#chunks(false)) {
			for (const telegram of decodePieces(decoder, chunk)) keep(telegram);
			if (failed.length >= limit) return failed.slice(0, limit);
		}
		for (const telegram of decoder.end()) keep(telegram);
		return failed.slice(0, limit);
	}

	/** The input in chunks (see #rawChunks), decompressed when it is gzip. */
	async *#chunks(firstPass: boolean): AsyncGenerator<Buffer> {
		if (!this.#gzip) {
			yield* this.#rawChunks(firstPass);
			return;
		}
		try {
			yield* gunzippedChunks(this.#rawChunks(firstPass));
		} catch (error) {
			if (error instanceof GzipCaptureError)
				throw new CliError(`${this.place}: ${error.message}`, {cause: error});
			throw error;
		}
	}

	/**
	 * The input in chunks, each valid until the next is asked for. First pass: from the file or stdin
	 * (stdin kept while it shows no telegram). Second pass: from the file again or the kept stdin.
	 */
	async *#rawChunks(firstPass: boolean): AsyncGenerator<Buffer> {
		if (firstPass) {
			const source = this.#file === undefined ? this.#restOfStdin() : fileChunks(this.#file);
			try {
				for await (const bytes of source) {
					if (this.#file === undefined) this.#retain(bytes);
					yield bytes;
				}
			} catch (error) {
				throw readError(this.place, error);
			}
			return;
		}
		if (this.#file !== undefined) {
			yield* fileChunks(this.#file);
			return;
		}
		yield* this.#retained ?? [];
	}

	/** Stdin from its first chunk (read at open) on, each chunk valid until the next is asked for. */
	async *#restOfStdin(): AsyncGenerator<Buffer> {
		if (this.#head.length > 0) yield this.#head;
		const chunks = this.#stdinChunks ?? reusedChunks(this.#stdin);
		for (;;) {
			const next = await chunks.next();
			if (next.done) return;
			yield next.value;
		}
	}

	#retain(bytes: Buffer): void {
		if (this.#retained === undefined) return;
		if (
			(this.#decoder?.telegramCount ?? 0) > 0 ||
			this.#retainedBytes + bytes.length > MAX_RETAINED_STDIN_BYTES
		) {
			this.#retained = undefined;
			return;
		}
		// A copy: the chunk may be a view of memory its source reuses.
		this.#retained.push(Buffer.from(bytes));
		this.#retainedBytes += bytes.length;
	}
}

/**
 * A file in chunks of 64 KiB, all read into one buffer: each chunk is a view of it, valid until the next
 * is asked for (the decoder copies what it keeps). A buffer per read, as a read stream makes, lives as
 * long as its ~70 telegrams take to print, long enough to be promoted; its memory (outside the heap)
 * is then given back only by a full collection, which a parse that promotes next to nothing rarely
 * runs: 50 MB of input grew RSS by tens of MB.
 */
async function* fileChunks(file: string): AsyncGenerator<Buffer> {
	const handle = await open(file, 'r');
	try {
		const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
		for (;;) {
			const {bytesRead} = await handle.read(buffer, 0, buffer.length, null);
			if (bytesRead === 0) return;
			yield buffer.subarray(0, bytesRead);
		}
	} finally {
		await handle.close();
	}
}

/** Bytes per read of a capture file. */
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * The telegrams of a chunk, framed a piece at a time and each parsed when taken (see
 * StreamingCaptureDecoder.decode): what is in flight while one telegram is printed stays a few KiB of
 * frames and one telegram's data sets, young enough to die in the young generation. A whole 64 KiB
 * chunk framed at once kept ~130 KiB of frame bytes and text alive across the printing of 70 telegrams,
 * long enough to be promoted, and old-generation growth was most of parse's peak RSS.
 */
function* decodePieces(decoder: StreamingCaptureDecoder, chunk: Buffer): Generator<DecodedTelegram> {
	for (let offset = 0; offset < chunk.length; offset += DECODE_PIECE_BYTES) {
		yield* decoder.decode(chunk.subarray(offset, offset + DECODE_PIECE_BYTES));
	}
}

/** Bytes framed at a time (see decodePieces): a few telegrams; reads stay 64 KiB. */
const DECODE_PIECE_BYTES = 1024;

function readError(place: string, error: unknown): CliError {
	return new CliError(`${place}: cannot read: ${fsErrorCause(error)}`, {cause: error});
}
