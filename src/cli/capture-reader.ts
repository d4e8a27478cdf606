import {createReadStream} from 'node:fs';
import {open, readFile, stat} from 'node:fs/promises';
import type {DecodedTelegram} from '../iec62056/capture-decoder.ts';
import type {ProtocolError} from '../iec62056/protocol-errors.ts';
import {StreamingCaptureDecoder} from '../iec62056/streaming-capture-decoder.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';

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
	/** The first bytes of the input (for telling a raw archive apart), given back to the first pass. */
	#head: Buffer = Buffer.alloc(0);
	#stdinIterator: AsyncIterator<unknown> | undefined;

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
			reader.#stdinIterator = io.stdin[Symbol.asyncIterator]();
			const first = await reader.#stdinIterator.next();
			if (!first.done) reader.#head = Buffer.from(first.value as Uint8Array);
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
			const next = await this.#stdinIterator?.next();
			if (next === undefined || next.done) break;
			chunks.push(Buffer.from(next.value as Uint8Array));
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
		return this.#decoder?.telegramCount ?? 0;
	}

	/** Set when the second pass with parity bits stripped found the telegrams. */
	get parityNote(): string | undefined {
		return this.#parityNote;
	}

	async *telegrams(): AsyncGenerator<DecodedTelegram> {
		const first = new StreamingCaptureDecoder({ignoreBlockCheck: this.#ignoreBcc});
		this.#decoder = first;
		for await (const chunk of this.#chunks(true)) yield* first.push(chunk);
		yield* first.end();
		if (first.telegramCount > 0 || first.highBitBytes === 0) return;
		const retry = this.#file !== undefined || this.#retained !== undefined;
		if (!retry) return;
		// Nothing of the first pass was printed (it found no telegram): the second pass prints what it finds.
		const stripped = new StreamingCaptureDecoder({ignoreBlockCheck: this.#ignoreBcc, parity: 'strip-even'});
		for await (const chunk of this.#chunks(false)) yield* stripped.push(chunk);
		yield* stripped.end();
		if (stripped.telegramCount === 0) return;
		this.#parityNote = `${first.highBitBytes} bytes had bit 7 set (7E1 data captured as 8N1); parity bits stripped`;
		this.#decoder = stripped;
	}

	/**
	 * The input in chunks. First pass: from the file or stdin (stdin kept while it shows no telegram).
	 * Second pass: from the file again or the kept stdin.
	 */
	async *#chunks(firstPass: boolean): AsyncGenerator<Buffer> {
		if (firstPass) {
			const source =
				this.#file === undefined
					? this.#restOfStdin()
					: createReadStream(this.#file, {highWaterMark: 64 * 1024});
			try {
				for await (const chunk of source) {
					const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
					if (this.#file === undefined) this.#retain(bytes);
					yield bytes;
				}
			} catch (error) {
				throw readError(this.place, error);
			}
			return;
		}
		if (this.#file !== undefined) {
			yield* createReadStream(this.#file, {highWaterMark: 64 * 1024}) as AsyncIterable<Buffer>;
			return;
		}
		yield* this.#retained ?? [];
	}

	/** Stdin from its first chunk (read at open) on. */
	async *#restOfStdin(): AsyncGenerator<Buffer> {
		if (this.#head.length > 0) yield this.#head;
		const iterator = this.#stdinIterator ?? this.#stdin[Symbol.asyncIterator]();
		for (;;) {
			const next = await iterator.next();
			if (next.done) return;
			yield Buffer.from(next.value as Uint8Array);
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
		this.#retained.push(bytes);
		this.#retainedBytes += bytes.length;
	}
}

function readError(place: string, error: unknown): CliError {
	const code = (error as NodeJS.ErrnoException).code;
	const cause =
		code === 'ENOENT'
			? 'no such file'
			: code === 'EACCES'
				? 'permission denied'
				: code === 'EISDIR'
					? 'is a directory'
					: (error as Error).message;
	return new CliError(`${place}: cannot read: ${cause}`, {cause: error});
}
