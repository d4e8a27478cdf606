import {createReadStream} from 'node:fs';
import {open, readdir, readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {type CaptureDecoding, type DecodedTelegram, decodeCapture} from '../iec62056/capture-decoder.ts';
import type {ProtocolError} from '../iec62056/protocol-errors.ts';
import {BlockCheckError, TruncatedBlockError} from '../iec62056/protocol-errors.ts';
import {StreamingCaptureDecoder} from '../iec62056/streaming-capture-decoder.ts';
import {byteSize} from '../observability/byte-size.ts';
import {fsErrorCause} from '../observability/fs-error-cause.ts';
import {isRawArchive, RawArchive, type RawTelegram, rawTelegramsOf} from '../output/raw-archive.ts';
import {telegramClock} from '../readings/telegram-clock.ts';
import {CaptureEntries, type CaptureEntry} from './capture-entries.ts';
import {GzipCaptureError, gunzippedChunks, gunzipUpTo, isGzipCapture} from './gzip-capture.ts';
import {parityStrippedNote} from './parity-stripped-note.ts';
import {dataSetsBefore, dataSetsBeforeNote, pastedReadouts} from './pasted-readouts.ts';
import {type ArchivedReadout, SignOnGrouping} from './sign-on-readouts.ts';

/** Why a telegram (or a record holding one) was not used. */
export type RefusalReason =
	| 'bad-bcc'
	| 'truncated'
	| 'malformed'
	| 'no-time'
	| 'damaged-record'
	| 'no-telegram'
	| 'meter-not-configured'
	| 'other-meter';

/** What a source yields, in order: readouts to map, and what could not be used, with the reason. */
export type BackfillItem =
	| {
			readonly kind: 'readout';
			/** Where it came from, for messages: `raw-2024-05-04.jsonl.gz record 17`, `log.txt telegram 3`. */
			readonly place: string;
			/** The meter the source names (a raw archive record); undefined for captures. */
			readonly meterId: string | undefined;
			readonly readAt: Date;
			/** One per sign-on of the readout (a capture telegram is a readout of one). */
			readonly telegrams: readonly DecodedTelegram[];
	  }
	| {
			readonly kind: 'refused';
			readonly place: string;
			readonly reason: RefusalReason;
			readonly message: string;
			/** Telegrams it stands for (a readout of two sign-ons of another meter: 2). */
			readonly telegrams: number;
	  };

/** One SOURCE argument, classified. */
export type BackfillSource =
	| {readonly kind: 'archive-directory'; readonly path: string; readonly files: readonly string[]}
	| {readonly kind: 'archive-file'; readonly path: string}
	| {readonly kind: 'capture-file'; readonly path: string}
	| {readonly kind: 'stdin'};

export interface SourceReadOptions {
	/** Whether a meter's blocks are taken despite a wrong BCC (its `ignore_bcc`); undefined: a capture. */
	readonly ignoreBlockCheck: (meterId: string | undefined) => boolean;
	/** IANA zone of the meter's clock in captures (their telegram times). */
	readonly captureTimeZone: string;
	/** Told of each source's progress: bytes of it read so far. */
	readonly onBytes?: (bytes: number) => void;
	/** Told of damaged records skipped in an archive file. */
	readonly onWarning?: (message: string) => void;
	/** Told of what is odd about a capture whose telegrams were taken anyway (parity bits stripped). */
	readonly onNote?: (message: string) => void;
}

const ARCHIVE_NAME = /^raw-\d{4}-\d{2}-\d{2}\.jsonl\.gz$/;

/** A SOURCE could not be opened; the message names it and the cause. */
export class BackfillSourceError extends Error {
	constructor(message: string, options?: {cause?: unknown}) {
		super(message, options);
		this.name = 'BackfillSourceError';
	}
}

/**
 * What a SOURCE argument is: `-` stdin; a directory holding `raw-YYYY-MM-DD.jsonl.gz` files (the raw
 * archive, its days oldest first); a file that starts like a raw archive member; else a capture.
 */
export async function classifySource(path: string): Promise<BackfillSource> {
	if (path === '-') return {kind: 'stdin'};
	let info: Awaited<ReturnType<typeof stat>>;
	try {
		info = await stat(path);
	} catch (error) {
		throw new BackfillSourceError(`${path}: cannot read: ${fsErrorCause(error)}`, {cause: error});
	}
	if (info.isDirectory()) {
		const names = await readdir(path).catch((error: unknown) => {
			throw new BackfillSourceError(`${path}: cannot read: ${fsErrorCause(error)}`, {cause: error});
		});
		const files = names
			.filter((name) => ARCHIVE_NAME.test(name))
			.sort()
			.map((name) => join(path, name));
		if (files.length === 0) {
			throw new BackfillSourceError(
				`${path}: a directory without raw archive files (raw-YYYY-MM-DD.jsonl.gz)`,
			);
		}
		return {kind: 'archive-directory', path, files};
	}
	return isRawArchive(await fileHead(path)) ? {kind: 'archive-file', path} : {kind: 'capture-file', path};
}

/** The size of a source in bytes, for a progress bar (0 for stdin: unknown). */
export async function sourceBytes(source: BackfillSource): Promise<number> {
	switch (source.kind) {
		case 'stdin':
			return 0;
		case 'archive-directory': {
			let total = 0;
			for (const file of source.files) total += (await stat(file)).size;
			return total;
		}
		default:
			return (await stat(source.path)).size;
	}
}

/**
 * The items of a raw archive file: its records grouped into readouts (sign-ons combined as the
 * collector combined them), each telegram decoded from its bytes, stamped with the time it was read.
 */
export function archiveFileItems(file: string, options: SourceReadOptions): AsyncGenerator<BackfillItem> {
	const archive = new RawArchive({
		directory: '.',
		...(options.onWarning ? {onWarning: options.onWarning} : {}),
	});
	return archiveItems(archive.readChunks(file, options.onBytes), file, options);
}

/**
 * Captures larger than this are read in chunks (memory flat however long the log); smaller ones are
 * decoded whole, as `parse` does (with its 7E1-as-8N1 parity repair, and bare text lines as one pasted
 * readout). A larger file without any framed telegram is refused, never read as one readout: bare data
 * lines of that size are a log of many readouts, which would merge into one at one time. 1 MB in
 * decimal units, as messages show sizes (byteSize), so the limit they name is the one applied; a
 * gzipped capture is unpacked whole up to the same 1 MB of output, and streamed beyond.
 */
export const STREAM_FROM_BYTES = 1_000_000;

/** Bytes per read of a streamed capture. */
const CAPTURE_CHUNK_BYTES = 64 * 1024;

/**
 * A large capture, streamed through the shared StreamingCaptureDecoder: each telegram at the meter
 * clock in it; one that has none is refused, unless it is the only telegram of the file (then at the
 * file's modification time). Refused blocks come in their place among the telegrams.
 */
async function* streamedCaptureItems(
	path: string,
	modifiedAt: Date,
	options: SourceReadOptions,
	gzip = false,
): AsyncGenerator<BackfillItem> {
	const name = path;
	// No allowance for bare text: a file this large is not pasted text (see STREAM_FROM_BYTES).
	const decoder = new StreamingCaptureDecoder({
		ignoreBlockCheck: options.ignoreBlockCheck(undefined),
		maxPlainTextBytes: 0,
	});
	const entries = new CaptureEntries(decoder);
	// The first undated telegram waits: it is stamped with the file time only if no second one follows.
	let undatedFirst: {place: string; telegram: DecodedTelegram} | undefined;
	const noTime = (place: string): BackfillItem => ({
		kind: 'refused',
		place,
		reason: 'no-time',
		message: `${place}: no time of its own (no meter clock such as 0-0:1.0.0 or 0.9.1 with 0.9.2) in a capture of several telegrams`,
		telegrams: 1,
	});
	const take = function* (telegrams: readonly DecodedTelegram[]): Generator<BackfillItem> {
		for (const entry of entries.of(telegrams)) {
			if (entry.kind === 'error') {
				yield refusedBlock(name, entry);
				continue;
			}
			const place = `${name} telegram ${entry.index}`;
			if (entry.index === 2 && undatedFirst !== undefined) {
				yield noTime(undatedFirst.place);
				undatedFirst = undefined;
			}
			const readAt = telegramClock(entry.telegram.dataSets, options.captureTimeZone);
			if (readAt !== undefined)
				yield {kind: 'readout', place, meterId: undefined, readAt, telegrams: [entry.telegram]};
			else if (entry.index === 1) undatedFirst = {place, telegram: entry.telegram};
			else yield noTime(place);
		}
	};
	let read = 0;
	try {
		const file = createReadStream(path, {highWaterMark: CAPTURE_CHUNK_BYTES});
		const chunks: AsyncIterable<Buffer> = gzip ? gunzippedChunks(file) : file;
		for await (const chunk of chunks) {
			read += chunk.length;
			yield* take(decoder.push(chunk));
			// Progress in bytes of the file (compressed for gzip), as its size counts them.
			options.onBytes?.(file.bytesRead);
		}
	} catch (error) {
		throw new BackfillSourceError(`${path}: cannot read: ${fsErrorCause(error)}`, {cause: error});
	}
	yield* take(decoder.end());
	if (decoder.telegramCount === 0 && decoder.errors.length === 0) {
		yield {
			kind: 'refused',
			place: name,
			reason: 'no-telegram',
			message: `${name}: no framed telegram in ${byteSize(read)} (expected "/XXX5…" with STX…ETX, or a DSMR "/…!" telegram); bare data lines are read as one pasted readout only up to ${byteSize(STREAM_FROM_BYTES)}, a longer text would merge many readouts into one`,
			telegrams: 0,
		};
		return;
	}
	if (undatedFirst !== undefined) {
		yield {
			kind: 'readout',
			place: name,
			meterId: undefined,
			readAt: modifiedAt,
			telegrams: [undatedFirst.telegram],
		};
	}
}

/** A block of a capture that failed its check or was cut off, named by the telegram it followed. */
function refusedBlock(name: string, entry: Extract<CaptureEntry, {kind: 'error'}>): BackfillItem {
	const place = entry.after === 0 ? name : `${name} block after telegram ${entry.after}`;
	return {
		kind: 'refused',
		place,
		reason: reasonOf(entry.error),
		message: `${place}: ${entry.error.message}`,
		telegrams: 1,
	};
}

/**
 * Archive records as readouts, a chunk of records at a time: a file's from RawArchive.readChunks, or
 * stdin's read whole as one chunk. One turn through an async generator per readout, where reading,
 * grouping and decoding each took one of their own (a promise and an iterator result each, per record:
 * about 2 KB of garbage a readout).
 */
async function* archiveItems(
	chunks: AsyncIterable<Iterable<RawTelegram>> | Iterable<Iterable<RawTelegram>>,
	name: string,
	options: SourceReadOptions,
): AsyncGenerator<BackfillItem> {
	const items = new ArchiveItems(name, options);
	for await (const chunk of chunks) {
		for (const record of chunk) {
			for (let item = items.add(record); item !== undefined; item = items.next()) yield item;
		}
	}
	for (let item = items.end(); item !== undefined; item = items.end()) yield item;
}

/** Records to readouts (see SignOnGrouping), each telegram decoded, as items; numbered for messages. */
class ArchiveItems {
	readonly #name: string;
	readonly #options: SourceReadOptions;
	readonly #grouping = new SignOnGrouping();
	#record = 0;

	constructor(name: string, options: SourceReadOptions) {
		this.#name = name;
		this.#options = options;
	}

	/** Takes a record; the item of the first readout it completes (then next() until undefined). */
	add(record: RawTelegram): BackfillItem | undefined {
		const readout = this.#grouping.add(record);
		return readout === undefined ? undefined : this.#itemOf(readout);
	}

	next(): BackfillItem | undefined {
		const readout = this.#grouping.next();
		return readout === undefined ? undefined : this.#itemOf(readout);
	}

	/** An item of a readout left open at the end, until there are none. */
	end(): BackfillItem | undefined {
		const readout = this.#grouping.end();
		return readout === undefined ? undefined : this.#itemOf(readout);
	}

	#itemOf(readout: ArchivedReadout): BackfillItem {
		const first = this.#record + 1;
		this.#record += readout.telegrams.length;
		const record = this.#record;
		const place = `${this.#name} record ${first === record ? first : `${first}-${record}`}`;
		const telegrams: DecodedTelegram[] = [];
		let refusal: BackfillItem | undefined;
		const ignoreBlockCheck = this.#options.ignoreBlockCheck(readout.meterId);
		for (const part of readout.telegrams) {
			const decoding = decodeCapture(part.bytes, {ignoreBlockCheck});
			refusal ??= refusalOf(decoding, place, readout.telegrams.length);
			telegrams.push(...decoding.telegrams);
		}
		// A readout is used whole or not at all: with one sign-on's block refused, its points would differ
		// from what the collector wrote.
		if (refusal !== undefined) return refusal;
		// A readout holds at least one record (see SignOnGrouping).
		const last = readout.telegrams[readout.telegrams.length - 1] as RawTelegram;
		return {kind: 'readout', place, meterId: readout.meterId, readAt: last.readAt, telegrams};
	}
}

/**
 * The items of a capture (raw bytes as sent, pasted text, a log of many telegrams): each telegram a
 * readout of its own, at its own time: the meter's clock in it (DSMR `0-0:1.0.0`, IEC `0.9.1` with
 * `0.9.2`); a capture of one telegram without a clock, at `fallback` (the file's modification time).
 * Telegrams of a longer capture without a clock are refused (`no-time`): never guessed.
 */
export function* captureItems(
	bytes: Buffer,
	name: string,
	fallback: Date,
	options: SourceReadOptions,
): Generator<BackfillItem> {
	const ignoreBlockCheck = options.ignoreBlockCheck(undefined);
	let decoder = new StreamingCaptureDecoder({ignoreBlockCheck});
	let telegrams = [...decoder.push(bytes), ...decoder.end()];
	if (telegrams.length === 0 && decoder.highBitBytes > 0) {
		// 7E1 data captured on an 8N1 port: strip the parity bits, as `parse` does.
		const stripped = new StreamingCaptureDecoder({ignoreBlockCheck, parity: 'strip-even'});
		const again = [...stripped.push(bytes), ...stripped.end()];
		if (again.length > 0) {
			options.onNote?.(`${name}: ${parityStrippedNote(decoder.highBitBytes)}`);
			[decoder, telegrams] = [stripped, again];
		}
	}
	if (telegrams.length === 0 && decoder.errors.length === 0) {
		yield {
			kind: 'refused',
			place: name,
			reason: 'no-telegram',
			message: `${name}: no telegram found (expected "/XXX5…" and data sets such as "1.8.0(…)")`,
			telegrams: 0,
		};
		return;
	}
	// Pasted text of several readouts (no framing, so no block errors among them): each a telegram.
	const [only] = telegrams;
	const pasted = telegrams.length === 1 && only !== undefined ? pastedReadouts(only) : [];
	const entries: Iterable<CaptureEntry> =
		pasted.length > 1
			? pasted.map((telegram, offset) => ({kind: 'telegram', telegram, index: offset + 1}))
			: new CaptureEntries(decoder).of(telegrams);
	if (only !== undefined && only.framing !== 'text') {
		const before = dataSetsBefore(bytes, only);
		if (before > 0) options.onNote?.(`${name}: ${dataSetsBeforeNote(before)}`);
	}
	const count = Math.max(telegrams.length, pasted.length);
	const single = count === 1;
	for (const entry of entries) {
		if (entry.kind === 'error') {
			yield refusedBlock(name, entry);
			continue;
		}
		const place = single ? name : `${name} telegram ${entry.index}`;
		const readAt =
			telegramClock(entry.telegram.dataSets, options.captureTimeZone) ?? (single ? fallback : undefined);
		if (readAt === undefined) {
			yield {
				kind: 'refused',
				place,
				reason: 'no-time',
				message: `${place}: no time of its own (no meter clock such as 0-0:1.0.0 or 0.9.1 with 0.9.2) in a capture of ${count} telegrams`,
				telegrams: 1,
			};
			continue;
		}
		yield {kind: 'readout', place, meterId: undefined, readAt, telegrams: [entry.telegram]};
	}
	options.onBytes?.(bytes.length);
}

/** The items of one classified source (stdin's bytes passed in: only the CLI reads process streams). */
export async function* sourceItems(
	source: BackfillSource,
	options: SourceReadOptions & {readonly stdin?: () => Promise<Buffer>; readonly now?: () => Date},
): AsyncGenerator<BackfillItem> {
	switch (source.kind) {
		case 'archive-directory': {
			let done = 0;
			for (const file of source.files) {
				const size = (await stat(file)).size;
				yield* archiveFileItems(file, {...options, onBytes: (bytes) => options.onBytes?.(done + bytes)});
				done += size;
				options.onBytes?.(done);
			}
			return;
		}
		case 'archive-file':
			yield* archiveFileItems(source.path, options);
			return;
		case 'capture-file': {
			let modifiedAt: Date;
			let size: number;
			try {
				const info = await stat(source.path);
				[modifiedAt, size] = [info.mtime, info.size];
			} catch (error) {
				throw new BackfillSourceError(`${source.path}: cannot read: ${fsErrorCause(error)}`, {
					cause: error,
				});
			}
			if (size > STREAM_FROM_BYTES) {
				// classifySource already told raw archives apart.
				const gzip = isGzipCapture(await fileHead(source.path));
				yield* streamedCaptureItems(source.path, modifiedAt, options, gzip);
				return;
			}
			let bytes: Buffer;
			try {
				bytes = await readFile(source.path);
			} catch (error) {
				throw new BackfillSourceError(`${source.path}: cannot read: ${fsErrorCause(error)}`, {
					cause: error,
				});
			}
			if (isRawArchive(bytes)) {
				yield* archiveFileItems(source.path, options);
				return;
			}
			if (isGzipCapture(bytes)) {
				// A compressed capture: whole when it fits, as an uncompressed one would be, else streamed.
				const whole = await gunzipSource(bytes, source.path, STREAM_FROM_BYTES);
				if (whole === undefined) yield* streamedCaptureItems(source.path, modifiedAt, options, true);
				else yield* captureItems(whole, source.path, modifiedAt, options);
				return;
			}
			yield* captureItems(bytes, source.path, modifiedAt, options);
			return;
		}
		case 'stdin': {
			const bytes = (await options.stdin?.()) ?? Buffer.alloc(0);
			if (isRawArchive(bytes)) {
				yield* archiveItems([rawTelegramsOf(bytes, options.onWarning)], 'stdin', options);
				return;
			}
			// Stdin is read whole (see readStdin), so is a gzipped capture on it.
			const capture = isGzipCapture(bytes) ? ((await gunzipSource(bytes, 'stdin')) as Buffer) : bytes;
			yield* captureItems(capture, 'stdin', (options.now ?? (() => new Date()))(), options);
		}
	}
}

/** The first 64 bytes of a file (fewer when it is shorter): enough to tell a raw archive and gzip apart. */
async function fileHead(path: string): Promise<Buffer> {
	const head = Buffer.alloc(64);
	const handle = await open(path, 'r');
	try {
		const {bytesRead} = await handle.read(head, 0, head.length, 0);
		return head.subarray(0, bytesRead);
	} finally {
		await handle.close();
	}
}

/** A gzip capture's bytes decompressed (see gunzipUpTo); a damaged one as a BackfillSourceError naming `path`. */
async function gunzipSource(bytes: Buffer, path: string, limitBytes?: number): Promise<Buffer | undefined> {
	try {
		return await gunzipUpTo(bytes, limitBytes);
	} catch (error) {
		if (error instanceof GzipCaptureError) {
			throw new BackfillSourceError(`${path}: ${error.message}`, {cause: error});
		}
		throw error;
	}
}

function refusalOf(decoding: CaptureDecoding, place: string, telegrams: number): BackfillItem | undefined {
	const [error] = decoding.errors;
	if (error !== undefined) {
		return {
			kind: 'refused',
			place,
			reason: reasonOf(error),
			message: `${place}: ${error.message}`,
			telegrams,
		};
	}
	if (decoding.telegrams.length === 0) {
		return {
			kind: 'refused',
			place,
			reason: 'no-telegram',
			message: `${place}: no telegram in the record`,
			telegrams,
		};
	}
	return undefined;
}

function reasonOf(error: ProtocolError): RefusalReason {
	if (error instanceof BlockCheckError) return 'bad-bcc';
	if (error instanceof TruncatedBlockError) return 'truncated';
	return 'malformed';
}
