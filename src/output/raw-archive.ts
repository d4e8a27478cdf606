import {mkdir, open, readdir} from 'node:fs/promises';
import {isAbsolute, join} from 'node:path';
import {gunzipSync, gzipSync} from 'node:zlib';
import {fsErrorCause} from '../observability/fs-error-cause.ts';
import {plural} from '../observability/plural.ts';

export interface RawArchiveOptions {
	/** Directory of the daily files; created on the first append. */
	readonly directory: string;
	/**
	 * fsync every record before append() resolves. Default true: one fsync per readout is cheap at
	 * meter rates, and the archive is what a parser fix re-derives points from.
	 */
	readonly fsync?: boolean;
	/** Called for damaged data skipped while reading (a torn last record after a crash). */
	readonly onWarning?: (message: string) => void;
}

export const DEFAULT_RAW_ARCHIVE_OPTIONS = {fsync: true} as const;

/** One telegram as received: the meter, the host time of the readout, every byte. */
export interface RawTelegram {
	readonly meterId: string;
	readonly readAt: Date;
	readonly bytes: Buffer;
	/**
	 * Which sign-on of its readout this telegram answered (1-based) and how many the readout had (a
	 * meter read with `?` then `#`: parts 1 and 2 of 2). Records written before this was kept have none.
	 */
	readonly signOn?: SignOnPart;
}

/** A telegram's place among the sign-ons of one readout. */
export interface SignOnPart {
	/** 1-based. */
	readonly part: number;
	/** Sign-ons the readout had, at least `part`. */
	readonly parts: number;
}

/** Appending to the archive failed (disk full, permissions); the telegram is not archived. */
export class RawArchiveError extends Error {
	constructor(message: string, options?: {cause?: unknown}) {
		super(message, options);
		this.name = 'RawArchiveError';
	}
}

const FILE_NAME = /^raw-(\d{4}-\d{2}-\d{2})\.jsonl\.gz$/;

// The member header: gzip magic, deflate, FLG = FEXTRA; then (after MTIME, XFL, OS) XLEN = 8 and one
// extra subfield `DL`, length 4, holding the member's total size in bytes (uint32 LE).
const GZIP_HEADER_BYTES = 10;
const EXTRA_BYTES = 12;
const SIZE_OFFSET = 16;
const MIN_MEMBER_BYTES = GZIP_HEADER_BYTES + EXTRA_BYTES + 2 + 8;
const READ_CHUNK_BYTES = 64 * 1024;
// A telegram is a few kB; a size field beyond this is damage, not a reason to allocate gigabytes.
const MAX_MEMBER_BYTES = 64 * 1024 * 1024;

/**
 * Every raw telegram, appended to one file per UTC day of its readout time, so points can be derived
 * again after a parser fix (replay enters at the framer).
 *
 * Format of `raw-YYYY-MM-DD.jsonl.gz`: a sequence of gzip members, one per telegram, each a complete
 * gzip stream (RFC 1952) of one JSON line `{"meter":"house","readAt":"2024-05-04T13:45:00.123Z",
 * "latin1":"/LGZ5…"}\n` (a readout of several sign-ons adds `"part":1,"parts":2` before `latin1`), the bytes as a latin1 string (byte-exact, and readable in `zcat`, unlike
 * base64). Each member's header carries an extra field (FEXTRA, subfield `DL`, 4 bytes) with the
 * member's size, as BGZF does; gzip tools ignore it, so `zcat file | jq` reads the file as it is.
 *
 * Why this survives a crash mid-append: a member is written with one write() call; if the process
 * dies inside it, the file ends in a torn member, and the next run appends after it. The reader knows
 * where each member ends from its size field, verifies it by gunzipping it alone (CRC32 and length),
 * and on a member that does not verify skips to the next member header with a warning. Nothing that
 * append() confirmed is lost; at most the record whose append never resolved is.
 *
 * Appends are serialised (one write at a time, in call order); one process owns the directory.
 */
export class RawArchive {
	readonly #directory: string;
	readonly #fsync: boolean;
	readonly #warn: (message: string) => void;
	#queue: Promise<unknown> = Promise.resolve();
	#directoryReady = false;

	constructor(options: RawArchiveOptions) {
		const merged = {...DEFAULT_RAW_ARCHIVE_OPTIONS, ...options};
		if (typeof merged.directory !== 'string' || merged.directory === '') {
			throw new TypeError(
				`directory must be a non-empty path, received ${JSON.stringify(options.directory)}`,
			);
		}
		if (typeof merged.fsync !== 'boolean') {
			throw new TypeError(`fsync must be a boolean, received ${JSON.stringify(options.fsync)}`);
		}
		this.#directory = merged.directory;
		this.#fsync = merged.fsync;
		this.#warn = merged.onWarning ?? (() => undefined);
	}

	/** The daily file a telegram read at `readAt` goes to. */
	fileFor(readAt: Date): string {
		return join(this.#directory, `raw-${readAt.toISOString().slice(0, 10)}.jsonl.gz`);
	}

	/**
	 * Appends one telegram; resolves when it is written (and fsync'd, by default). `signOn` places it
	 * among the sign-ons of one readout, so a replay combines them as the collector did.
	 */
	append(meterId: string, readAt: Date, bytes: Buffer, signOn?: SignOnPart): Promise<void> {
		if (typeof meterId !== 'string' || meterId === '') {
			return Promise.reject(
				new TypeError(`meterId must be a non-empty string, received ${JSON.stringify(meterId)}`),
			);
		}
		if (!(readAt instanceof Date) || Number.isNaN(readAt.getTime())) {
			return Promise.reject(new TypeError(`readAt must be a valid Date, received ${String(readAt)}`));
		}
		if (!Buffer.isBuffer(bytes)) return Promise.reject(new TypeError('bytes must be a Buffer'));
		if (signOn !== undefined && !isSignOnPart(signOn)) {
			return Promise.reject(
				new TypeError(
					`signOn must be {part, parts} with 1 <= part <= parts, received ${JSON.stringify(signOn)}`,
				),
			);
		}
		const member = encodeMember(meterId, readAt, bytes, signOn);
		const file = this.fileFor(readAt);
		const done = this.#queue.then(() => this.#write(file, member));
		// The queue goes on after a failed append; the caller sees the failure through `done`.
		this.#queue = done.catch(() => undefined);
		return done;
	}

	/** The daily files present, oldest day first. */
	async files(): Promise<string[]> {
		let names: string[];
		try {
			names = await readdir(this.#directory);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
			throw error;
		}
		return names
			.filter((name) => FILE_NAME.test(name))
			.sort()
			.map((name) => join(this.#directory, name));
	}

	/**
	 * The telegrams of one file (a path, or a name inside the directory), in the order appended.
	 * Damaged members (a torn tail after a crash) are skipped with a warning. `onOffset` is told the
	 * file offset reached after each record (progress of a long replay).
	 */
	async *read(file: string, onOffset?: (offset: number) => void): AsyncGenerator<RawTelegram> {
		for await (const chunk of this.readChunks(file, onOffset)) yield* chunk;
	}

	/**
	 * As read(), the telegrams of each chunk read from the file (64 KiB, some fifty records) handed out
	 * together, each parsed as it is iterated: a replay of millions of records then takes a turn through
	 * the promises of an async generator per chunk, not per record. Iterate each chunk fully before asking
	 * for the next one (the next one starts where the iteration stopped).
	 */
	async *readChunks(
		file: string,
		onOffset?: (offset: number) => void,
	): AsyncGenerator<Iterable<RawTelegram>> {
		const path = isAbsolute(file) || file.includes('/') ? file : join(this.#directory, file);
		const handle = await open(path, 'r');
		try {
			let buffer = Buffer.alloc(0);
			let position = 0; // file offset of buffer[0]
			let eof = false;
			const fill = async (bytes: number): Promise<boolean> => {
				while (buffer.length < bytes && !eof) {
					const chunk = Buffer.alloc(Math.max(READ_CHUNK_BYTES, bytes - buffer.length));
					const {bytesRead} = await handle.read(chunk, 0, chunk.length, position + buffer.length);
					if (bytesRead === 0) eof = true;
					else buffer = Buffer.concat([buffer, chunk.subarray(0, bytesRead)]);
				}
				return buffer.length >= bytes;
			};
			const skip = (bytes: number) => {
				buffer = buffer.subarray(bytes);
				position += bytes;
			};
			for (;;) {
				// Read ahead a chunk, so that the complete members in it are gunzipped together (see gunzipMembers).
				await fill(READ_CHUNK_BYTES);
				if (buffer.length < MIN_MEMBER_BYTES) {
					if (buffer.length > 0)
						this.#warn(
							`${path}: torn last record (${plural(buffer.length, 'byte')} at offset ${position}) skipped`,
						);
					return;
				}
				const run = completeMembers(buffer);
				const text = run.count > 1 ? gunzipMembers(buffer.subarray(0, run.bytes)) : undefined;
				if (text !== undefined) {
					const progress = {offset: 0, taken: 0};
					yield recordsOf(buffer, text, run.count, progress, position, onOffset);
					skip(progress.offset);
					if (progress.taken === run.count) continue;
					// A member that holds no record: the member-by-member read below finds and reports it.
				}
				const size = buffer.readUInt32LE(SIZE_OFFSET);
				const complete =
					isMemberHeader(buffer, 0) &&
					size >= MIN_MEMBER_BYTES &&
					size <= MAX_MEMBER_BYTES &&
					(await fill(size));
				const telegram = complete ? decodeMember(buffer.subarray(0, size)) : undefined;
				if (telegram !== undefined) {
					skip(size);
					onOffset?.(position);
					yield [telegram];
					continue;
				}
				// Damaged here: find the next member header (appends after a crash land behind the torn one).
				const damagedAt = position;
				let next = -1;
				for (;;) {
					next = findMemberHeader(buffer, 1);
					if (next >= 0 || eof) break;
					await fill(buffer.length + READ_CHUNK_BYTES);
				}
				if (next < 0) {
					this.#warn(
						`${path}: torn last record (${plural(buffer.length, 'byte')} at offset ${damagedAt}) skipped`,
					);
					return;
				}
				this.#warn(`${path}: damaged record (${plural(next, 'byte')} at offset ${damagedAt}) skipped`);
				skip(next);
			}
		} finally {
			await handle.close();
		}
	}

	async #write(file: string, member: Buffer): Promise<void> {
		try {
			if (!this.#directoryReady) {
				await mkdir(this.#directory, {recursive: true});
				this.#directoryReady = true;
			}
			const handle = await open(file, 'a');
			try {
				await handle.write(member);
				if (this.#fsync) await handle.datasync();
			} finally {
				await handle.close();
			}
		} catch (error) {
			throw new RawArchiveError(`raw archive ${file}: append failed: ${fsErrorCause(error)}`, {
				cause: error,
			});
		}
	}
}

/**
 * The telegrams of an archive file already in memory (stdin given to `parse`), in order; damaged
 * members are skipped, each reported through `onWarning` with its offset.
 */
export function* rawTelegramsOf(
	file: Buffer,
	onWarning: (message: string) => void = () => undefined,
): Generator<RawTelegram> {
	let at = 0;
	while (at < file.length) {
		const size = file.length - at >= MIN_MEMBER_BYTES ? file.readUInt32LE(at + SIZE_OFFSET) : 0;
		const telegram =
			isMemberHeader(file, at) && size >= MIN_MEMBER_BYTES && at + size <= file.length
				? decodeMember(file.subarray(at, at + size))
				: undefined;
		if (telegram !== undefined) {
			at += size;
			yield telegram;
			continue;
		}
		const next = findMemberHeader(file, at + 1);
		const end = next < 0 ? file.length : next;
		onWarning(
			`${next < 0 ? 'torn last' : 'damaged'} record (${plural(end - at, 'byte')} at offset ${at}) skipped`,
		);
		at = end;
	}
}

/** True when the bytes start like a raw archive file (a gzip member carrying our size field). */
export function isRawArchive(bytes: Buffer): boolean {
	return bytes.length >= MIN_MEMBER_BYTES && isMemberHeader(bytes, 0);
}

function isSignOnPart(signOn: SignOnPart): boolean {
	return (
		Number.isInteger(signOn.part) &&
		Number.isInteger(signOn.parts) &&
		signOn.part >= 1 &&
		signOn.part <= signOn.parts
	);
}

function encodeMember(meterId: string, readAt: Date, bytes: Buffer, signOn: SignOnPart | undefined): Buffer {
	const record = {
		meter: meterId,
		readAt: readAt.toISOString(),
		// Only readouts of several sign-ons say so: the archive of a one-sign-on meter stays as it was.
		...(signOn === undefined || signOn.parts === 1 ? {} : {part: signOn.part, parts: signOn.parts}),
		latin1: bytes.toString('latin1'),
	};
	const line = `${JSON.stringify(record)}\n`;
	const gzip = gzipSync(line);
	const extra = Buffer.alloc(EXTRA_BYTES);
	extra.writeUInt16LE(EXTRA_BYTES - 2, 0);
	extra.write('DL', 2, 'latin1');
	extra.writeUInt16LE(4, 4);
	extra.writeUInt32LE(gzip.length + EXTRA_BYTES, 6);
	const header = Buffer.from(gzip.subarray(0, GZIP_HEADER_BYTES));
	header[3] = 0x04; // FLG: FEXTRA (zlib writes no other flag)
	return Buffer.concat([header, extra, gzip.subarray(GZIP_HEADER_BYTES)]);
}

/** The members that lie whole at the start of `buffer`, by their size fields: how many, how many bytes. */
function completeMembers(buffer: Buffer): {count: number; bytes: number} {
	let count = 0;
	let bytes = 0;
	while (buffer.length - bytes >= MIN_MEMBER_BYTES && isMemberHeader(buffer, bytes)) {
		const size = buffer.readUInt32LE(bytes + SIZE_OFFSET);
		if (size < MIN_MEMBER_BYTES || size > MAX_MEMBER_BYTES || bytes + size > buffer.length) break;
		bytes += size;
		count++;
	}
	return {count, bytes};
}

/**
 * The records of consecutive members, gunzipped in one go (gzip readers take concatenated members as
 * one stream, each checked against its CRC32 and length): one zlib set-up per chunk instead of one per
 * record, which costs more than the inflating. Undefined when a member does not verify: the caller
 * then goes member by member and finds the damage.
 */
function gunzipMembers(members: Buffer): Buffer | undefined {
	try {
		return gunzipSync(members);
	} catch {
		return undefined;
	}
}

/**
 * The records of `count` whole members at the start of `members`, gunzipped together into `text`, each
 * parsed as it is handed on, not the whole chunk's first: parsed together, a chunk's records would all
 * outlive the young generation while the first ones are used. Stops at a member that holds no record;
 * `progress` says how far it got (bytes of `members`, records).
 */
function* recordsOf(
	members: Buffer,
	text: Buffer,
	count: number,
	progress: {offset: number; taken: number},
	position: number,
	onOffset: ((offset: number) => void) | undefined,
): Generator<RawTelegram> {
	let at = 0;
	for (; progress.taken < count; progress.taken++) {
		const size = members.readUInt32LE(progress.offset + SIZE_OFFSET);
		// ISIZE, the member's last 4 bytes: the length of its record, verified by the gunzip.
		const length = members.readUInt32LE(progress.offset + size - 4);
		const telegram = recordIn(text, at, length);
		if (telegram === undefined) return;
		progress.offset += size;
		at += length;
		// Each record's offset as the member-by-member read gives it.
		onOffset?.(position + progress.offset);
		yield telegram;
	}
}

/** The record of one member within gunzipped members: `length` bytes at `at`, one JSON line. */
function recordIn(text: Buffer, at: number, length: number): RawTelegram | undefined {
	if (length < 2 || at + length > text.length || text[at + length - 1] !== 0x0a) return undefined;
	return recordOf(text.toString('utf8', at, at + length - 1));
}

/** The telegram in a member, or undefined when the member does not verify (CRC, length, JSON). */
function decodeMember(member: Buffer): RawTelegram | undefined {
	try {
		return recordOf(gunzipSync(member).toString('utf8'));
	} catch {
		return undefined;
	}
}

/** The telegram a record's JSON line holds, or undefined when it is not a record. */
function recordOf(line: string): RawTelegram | undefined {
	try {
		const record = JSON.parse(line) as {
			meter?: unknown;
			readAt?: unknown;
			latin1?: unknown;
			part?: unknown;
			parts?: unknown;
		};
		const readAt = new Date(String(record.readAt));
		if (
			typeof record.meter !== 'string' ||
			typeof record.latin1 !== 'string' ||
			Number.isNaN(readAt.getTime())
		) {
			return undefined;
		}
		const bytes = Buffer.from(record.latin1, 'latin1');
		const signOn = {part: record.part, parts: record.parts} as SignOnPart;
		return isSignOnPart(signOn)
			? {meterId: record.meter, readAt, bytes, signOn}
			: {meterId: record.meter, readAt, bytes};
	} catch {
		return undefined;
	}
}

function isMemberHeader(buffer: Buffer, at: number): boolean {
	return (
		buffer.length >= at + SIZE_OFFSET &&
		buffer[at] === 0x1f &&
		buffer[at + 1] === 0x8b &&
		buffer[at + 2] === 0x08 &&
		buffer[at + 3] === 0x04 &&
		buffer.readUInt16LE(at + 10) === EXTRA_BYTES - 2 &&
		buffer[at + 12] === 0x44 &&
		buffer[at + 13] === 0x4c &&
		buffer.readUInt16LE(at + 14) === 4
	);
}

function findMemberHeader(buffer: Buffer, from: number): number {
	for (let at = buffer.indexOf(0x1f, from); at >= 0; at = buffer.indexOf(0x1f, at + 1)) {
		if (isMemberHeader(buffer, at)) return at;
	}
	return -1;
}
