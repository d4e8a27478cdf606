import {type FileHandle, mkdir, open, readdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {SpoolLock, type SpoolLockOptions} from './spool-lock.ts';
import {
	DEAD_LETTER_FILE,
	formatStateRecord,
	nextDroppedRecord,
	parseDroppedRecord,
	parseStateRecord,
	SPOOL_DATA_FILE,
	SPOOL_DROPPED_FILE,
	SPOOL_STATE_FILE,
	STATE_RECORD_BYTES,
} from './spool-state-record.ts';

export interface LineSpoolOptions {
	/** Directory holding the spool files; created when missing. */
	readonly directory: string;
	/**
	 * Upper bound of unsent data, bytes. Default 100 MB (about a year of one meter read every minute).
	 * At the bound the oldest lines are dropped, counted in `dropped` and reported through onWarning.
	 */
	readonly maxBytes?: number;
	/** Compact the data file once this many bytes at its head were sent. Default 1 MiB. */
	readonly compactAfterBytes?: number;
	/** Called for events a user must hear of: a torn last line skipped, lines dropped at the bound. */
	readonly onWarning?: (message: string) => void;
	/**
	 * Take the directory's lock (`spool.lock`, see SpoolLock) so no second process writes to it; a
	 * directory held by a running process makes open() reject with SpoolLockedError. Default true.
	 */
	readonly lock?: boolean | Omit<SpoolLockOptions, 'onWarning'>;
}

export const DEFAULT_LINE_SPOOL_OPTIONS = {
	maxBytes: 100 * 1024 * 1024,
	compactAfterBytes: 1024 * 1024,
} as const;

/** A spool file operation failed (disk full, permissions): the caller must not assume the lines are safe. */
export class SpoolError extends Error {
	constructor(message: string, options?: {cause?: unknown}) {
		super(message, options);
		this.name = 'SpoolError';
	}
}

/** Unsent lines from the head of the spool as they lie in it (UTF-8, each ended by `\n`). */
export interface SpoolText {
	readonly text: Buffer;
	readonly lines: number;
	/** Pass to ack() after a 2xx: everything before it leaves the spool. */
	readonly end: number;
	/** The spool's epoch when read: the batch holds as long as the spool's epoch is the same. */
	readonly epoch: number;
}

/** Unsent lines from the head of the spool, and the position to acknowledge once they are stored. */
export interface SpoolBatch {
	readonly lines: string[];
	/** Pass to ack() after a 2xx: everything before it leaves the spool. */
	readonly end: number;
}

const DATA_FILE = SPOOL_DATA_FILE;
const STATE_FILE = SPOOL_STATE_FILE;
/** Bytes of recent appends kept for peekText (see LineSpool#recent): a backfill's unsent batches (its high water mark). */
const RECENT_APPEND_BYTES = 4 * 1024 * 1024;

/**
 * A durable FIFO of line-protocol lines: appended and fsync'd before a write is acknowledged to the
 * caller, removed only when ack() says the server answered 2xx. Survives `kill -9` at any point:
 * - data lives in `spool-<generation>.lp`; `spool.state` holds `<generation> <sent offset>` with a
 *   checksum, rewritten in place and fsync'd; a torn record replays from the start (duplicates only);
 * - compaction writes the unsent tail to the next generation, switches the state, then deletes the
 *   old file: a crash in between replays some lines twice, which is harmless because points are
 *   idempotent (same series and time), and never loses one;
 * - a torn last line (the process died inside append) is cut off at open with a warning; its append
 *   never resolved, so nothing acknowledged is lost.
 * Operations are serialised; one process owns a spool directory (its lock, SpoolLock, says which).
 */
export class LineSpool {
	readonly #directory: string;
	readonly #maxBytes: number;
	readonly #compactAfterBytes: number;
	readonly #warn: (message: string) => void;
	#generation = 0;
	#sentOffset = 0;
	#size = 0;
	#appendHandle: FileHandle | undefined;
	#stateHandle: FileHandle | undefined;
	#queue: Promise<unknown> = Promise.resolve();
	#dropped = 0;
	#pendingLines = 0;
	/** The last batch handed out, so ack() knows how many lines leave without reading them again. */
	#lastPeek: {start: number; end: number; lines: number} | undefined;
	/** A batch read ahead (peekText from a later offset), so ack() knows its lines too. */
	#aheadPeek: {start: number; end: number; lines: number} | undefined;
	/** Bumped whenever offsets start afresh (empty, compaction) or unsent lines are dropped. */
	#epoch = 0;
	#closed = false;
	#lock: SpoolLock | undefined;
	#backlogSince: Date | undefined;
	/**
	 * The text of the latest appends (a copy, whole lines) by the offset they start at, in this epoch:
	 * peekText takes a batch from here instead of reading back from the file what was written moments
	 * before (a backfill's batches, sent as fast as they are spooled). Bounded by RECENT_APPEND_BYTES.
	 */
	#recent: {start: number; text: Buffer; lines: number}[] = [];
	#recentBytes = 0;
	/** Appends not yet being written: they go out together in the next commit. */
	#nextCommit: {lines: string[]; done: Promise<void>} | undefined;

	private constructor(options: LineSpoolOptions) {
		const merged = {...DEFAULT_LINE_SPOOL_OPTIONS, ...options};
		for (const key of ['maxBytes', 'compactAfterBytes'] as const) {
			if (!Number.isInteger(merged[key]) || merged[key] < 1024) {
				throw new TypeError(
					`${key} must be an integer of at least 1024 bytes, received ${String(options[key])}`,
				);
			}
		}
		this.#directory = merged.directory;
		this.#maxBytes = merged.maxBytes;
		this.#compactAfterBytes = merged.compactAfterBytes;
		this.#warn = merged.onWarning ?? (() => undefined);
	}

	/** Opens (or creates) the spool in `options.directory` and repairs what a crash left behind. */
	static async open(options: LineSpoolOptions): Promise<LineSpool> {
		const spool = new LineSpool(options);
		if (options.lock !== false) {
			spool.#lock = await SpoolLock.acquire(options.directory, {
				...(typeof options.lock === 'object' ? options.lock : {}),
				...(options.onWarning === undefined ? {} : {onWarning: options.onWarning}),
			});
		}
		try {
			await spool.#recover();
		} catch (error) {
			await spool.#lock?.release();
			throw new SpoolError(`spool ${options.directory}: cannot open: ${(error as Error).message}`, {
				cause: error,
			});
		}
		return spool;
	}

	/** Bytes appended but not yet acknowledged. */
	get pendingBytes(): number {
		return this.#size - this.#sentOffset;
	}

	/** Lines appended but not yet acknowledged (points waiting to be sent). */
	get pendingLines(): number {
		return this.#pendingLines;
	}

	/**
	 * Changes whenever offsets handed out before no longer hold (the spool emptied or compacted into a
	 * new file, or dropped unsent lines at its bound): a batch read ahead under another epoch is stale.
	 */
	get epoch(): number {
		return this.#epoch;
	}

	/**
	 * When the lines found unsent at open began to wait: the last acknowledgement before, as the state
	 * record's modification time says. Undefined when open() found nothing unsent, or no state record.
	 */
	get backlogSince(): Date | undefined {
		return this.#backlogSince;
	}

	/** The directory this spool lives in. */
	get directory(): string {
		return this.#directory;
	}

	/** Lines dropped at the size bound since open. */
	get dropped(): number {
		return this.#dropped;
	}

	/**
	 * Appends lines (without their `\n`) and fsyncs; resolves once they would survive a power cut.
	 * Appends that arrive while an earlier operation runs are committed together, in call order, with
	 * one write and one fsync (a group commit): a site whose meters finish in the same second costs one
	 * fsync, not one per meter, which on an SD card is the difference between milliseconds and seconds.
	 */
	append(lines: readonly string[]): Promise<void> {
		for (const line of lines) {
			if (line.includes('\n')) {
				return Promise.reject(new TypeError(`a spooled line must not contain a newline: ${line}`));
			}
		}
		if (lines.length === 0) return this.#serialised(async () => undefined);
		const waiting = this.#nextCommit;
		if (waiting !== undefined) {
			waiting.lines.push(...lines);
			return waiting.done;
		}
		const group: {lines: string[]; done: Promise<void>} = {lines: [...lines], done: Promise.resolve()};
		this.#nextCommit = group;
		group.done = this.#serialised(async () => {
			// From here on, new appends wait for the next commit.
			if (this.#nextCommit === group) this.#nextCommit = undefined;
			await this.#commit(group.lines);
		});
		return group.done;
	}

	/**
	 * Appends lines already encoded (UTF-8, each ended by `\n`) and fsyncs, as append() does: for a
	 * writer that formats many lines into one buffer (a backfill) instead of an array of strings. The
	 * bytes are written before the returned promise settles; the caller may reuse its buffer after.
	 */
	appendText(bytes: Uint8Array): Promise<void> {
		if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) {
			return Promise.reject(new TypeError('spooled text must end with a newline'));
		}
		let lines = 0;
		const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
		for (let index = buffer.indexOf(0x0a); index >= 0; index = buffer.indexOf(0x0a, index + 1)) lines++;
		if (lines === 0) return this.#serialised(async () => undefined);
		// Appends after this one must not join a group commit queued before it: they would land first.
		this.#nextCommit = undefined;
		return this.#serialised(() => this.#commitBytes(buffer, lines, true));
	}

	#commit(lines: readonly string[]): Promise<void> {
		return this.#commitBytes(Buffer.from(`${lines.join('\n')}\n`, 'utf8'), lines.length);
	}

	/** `remember`: keep a copy for peekText (a backfill's batches; see #recent). */
	async #commitBytes(bytes: Buffer, lines: number, remember = false): Promise<void> {
		if (this.pendingBytes + bytes.length > this.#maxBytes) await this.#dropOldest(bytes.length);
		const handle = await this.#handle();
		try {
			await handle.write(bytes);
			await handle.datasync();
		} catch (error) {
			throw new SpoolError(`spool ${this.#directory}: append failed: ${(error as Error).message}`, {
				cause: error,
			});
		}
		if (remember) this.#remember(this.#size, bytes, lines);
		this.#size += bytes.length;
		this.#pendingLines += lines;
	}

	/** Keeps a copy of appended text for peekText (see #recent), the oldest let go past the bound. */
	#remember(start: number, bytes: Buffer, lines: number): void {
		if (bytes.length > RECENT_APPEND_BYTES) {
			this.#forgetRecent();
			return;
		}
		this.#recent.push({start, text: Buffer.from(bytes), lines});
		this.#recentBytes += bytes.length;
		while (this.#recentBytes > RECENT_APPEND_BYTES) {
			this.#recentBytes -= (this.#recent.shift() as {text: Buffer}).text.length;
		}
	}

	#forgetRecent(): void {
		this.#recent = [];
		this.#recentBytes = 0;
	}

	/**
	 * A batch from `start` out of the recent appends (see #recent), as the file would give it: whole
	 * lines up to `maxLines` and `maxBytes`, across consecutive appends. Undefined when they do not hold
	 * it (`start` before them, a gap, or lines past them in the file).
	 */
	#recentText(start: number, maxLines: number, maxBytes: number): {text: Buffer; lines: number} | undefined {
		const recent = this.#recent;
		let index = recent.findIndex((entry) => entry.start <= start && start < entry.start + entry.text.length);
		if (index < 0) return undefined;
		const pieces: Buffer[] = [];
		let lines = 0;
		let bytes = 0;
		let at = start;
		let full = false;
		for (; index < recent.length && !full; index++) {
			const entry = recent[index] as {start: number; text: Buffer; lines: number};
			if (entry.start > at) return undefined;
			const {text} = entry;
			const offset = at - entry.start;
			let end = offset;
			if (offset === 0 && lines + entry.lines <= maxLines && bytes + text.length <= maxBytes) {
				lines += entry.lines;
				end = text.length;
			} else {
				for (let newline = text.indexOf(0x0a, offset); newline >= 0; newline = text.indexOf(0x0a, end)) {
					if (lines >= maxLines || bytes + newline + 1 - offset > maxBytes) {
						full = true;
						break;
					}
					lines++;
					end = newline + 1;
				}
			}
			if (end > offset) pieces.push(text.subarray(offset, end));
			bytes += end - offset;
			at = entry.start + end;
			if (lines >= maxLines) full = true;
		}
		// Whole lines of a single line longer than maxBytes, or lines in the file past these: read the file.
		if (lines === 0 || (!full && at !== this.#size)) return undefined;
		return {text: pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces, bytes), lines};
	}

	/** The oldest unsent lines, up to `maxLines` and about `maxBytes` (whole lines only). */
	peek(maxLines = 5000, maxBytes = 1024 * 1024): Promise<SpoolBatch> {
		return this.#serialised(async () => {
			const lines: string[] = [];
			let offset = this.#sentOffset;
			if (this.pendingBytes === 0) return {lines, end: offset};
			const handle = await open(this.#dataPath(), 'r');
			try {
				let length = Math.min(this.pendingBytes, maxBytes);
				for (;;) {
					const buffer = Buffer.allocUnsafe(length);
					const {bytesRead} = await handle.read(buffer, 0, length, offset);
					let start = 0;
					let newline = buffer.indexOf(0x0a, start);
					while (newline >= 0 && newline < bytesRead && lines.length < maxLines) {
						lines.push(buffer.toString('utf8', start, newline));
						start = newline + 1;
						newline = buffer.indexOf(0x0a, start);
					}
					offset += start;
					// A single line longer than maxBytes: read on until its end.
					if (lines.length > 0 || bytesRead < length || offset >= this.#size) break;
					length = Math.min(this.pendingBytes, length * 2);
				}
			} finally {
				await handle.close();
			}
			this.#lastPeek = {start: this.#sentOffset, end: offset, lines: lines.length};
			return {lines, end: offset};
		});
	}

	/**
	 * As peek(), but the lines as the bytes they are in the spool, not split into strings: for a sender
	 * that posts them as one body (a backfill sends hundreds of megabytes this way).
	 */
	peekText(maxLines = 5000, maxBytes = 1024 * 1024, from?: number): Promise<SpoolText> {
		return this.#serialised(async () => {
			const start = from ?? this.#sentOffset;
			if (start < this.#sentOffset || start > this.#size) {
				throw new RangeError(
					`peekText from ${start}: outside the unsent range ${this.#sentOffset}..${this.#size}`,
				);
			}
			const epoch = this.#epoch;
			if (start === this.#size) return {text: Buffer.alloc(0), lines: 0, end: start, epoch};
			const recent = this.#recentText(start, maxLines, maxBytes);
			if (recent !== undefined) {
				const end = start + recent.text.length;
				if (start === this.#sentOffset) this.#lastPeek = {start, end, lines: recent.lines};
				else this.#aheadPeek = {start, end, lines: recent.lines};
				return {text: recent.text, lines: recent.lines, end, epoch};
			}
			const handle = await open(this.#dataPath(), 'r');
			let text: Buffer;
			let lines = 0;
			try {
				let length = Math.min(this.#size - start, maxBytes);
				for (;;) {
					const buffer = Buffer.allocUnsafe(length);
					const {bytesRead} = await handle.read(buffer, 0, length, start);
					let end = 0;
					for (
						let newline = buffer.indexOf(0x0a);
						newline >= 0 && newline < bytesRead && lines < maxLines;
						newline = buffer.indexOf(0x0a, newline + 1)
					) {
						lines++;
						end = newline + 1;
					}
					text = buffer.subarray(0, end);
					// A single line longer than maxBytes: read on until its end.
					if (lines > 0 || bytesRead < length || start + bytesRead >= this.#size) break;
					length = Math.min(this.#size - start, length * 2);
				}
			} finally {
				await handle.close();
			}
			const end = start + text.length;
			if (start === this.#sentOffset) this.#lastPeek = {start, end, lines};
			else this.#aheadPeek = {start, end, lines};
			return {text, lines, end, epoch};
		});
	}

	/**
	 * Whether ack(end) would keep the epoch as things stand: it neither empties the spool (lines lie past
	 * `end`) nor compacts it. A batch read ahead from `end` then stays valid through that ack, and can be
	 * sent while it runs.
	 */
	ackKeepsEpoch(end: number): boolean {
		return end < this.#size && end < this.#compactAfterBytes;
	}

	/** Everything before `end` was stored by the server: it leaves the spool. */
	ack(end: number): Promise<void> {
		return this.#serialised(async () => {
			if (end < this.#sentOffset || end > this.#size) {
				throw new RangeError(`ack(${end}) outside the unsent range ${this.#sentOffset}..${this.#size}`);
			}
			const peeked = this.#lastPeek;
			const leaving =
				peeked !== undefined && peeked.start === this.#sentOffset && peeked.end === end
					? peeked.lines
					: await this.#countLines(this.#sentOffset, end);
			this.#pendingLines = Math.max(0, this.#pendingLines - leaving);
			// The batch read ahead from here on is now the head's.
			const ahead = this.#aheadPeek;
			this.#lastPeek = ahead !== undefined && ahead.start === end ? ahead : undefined;
			this.#aheadPeek = undefined;
			this.#sentOffset = end;
			// Appends that were sent whole are not asked for again.
			while (this.#recent.length > 0) {
				const oldest = this.#recent[0] as {start: number; text: Buffer};
				if (oldest.start + oldest.text.length > end) break;
				this.#recentBytes -= (this.#recent.shift() as {text: Buffer}).text.length;
			}
			if (this.#sentOffset === this.#size) await this.#empty();
			else if (this.#sentOffset >= this.#compactAfterBytes) await this.#compact();
			else await this.#saveState();
		});
	}

	/** Keeps lines the server refused as bad data (4xx) beside the spool, with the reason, instead of retrying them forever. */
	deadLetter(lines: readonly string[], reason: string): Promise<void> {
		return this.#serialised(async () => {
			const header = `# ${new Date().toISOString()} ${reason.replace(/\s+/g, ' ')}\n`;
			const handle = await open(join(this.#directory, DEAD_LETTER_FILE), 'a');
			try {
				await handle.write(`${header}${lines.join('\n')}\n`);
				await handle.datasync();
			} finally {
				await handle.close();
			}
		});
	}

	async close(): Promise<void> {
		await this.#serialised(async () => {
			this.#closed = true;
			await this.#appendHandle?.close();
			this.#appendHandle = undefined;
			await this.#stateHandle?.close();
			this.#stateHandle = undefined;
			await this.#lock?.release();
		});
	}

	#serialised<T>(operation: () => Promise<T>): Promise<T> {
		const run = this.#queue.then(() => {
			if (this.#closed) throw new SpoolError(`spool ${this.#directory}: closed`);
			return operation();
		});
		// Keep the chain alive after a failure; the caller still sees the rejection.
		this.#queue = run.catch(() => undefined);
		return run;
	}

	async #recover(): Promise<void> {
		await mkdir(this.#directory, {recursive: true});
		const state = await readFile(join(this.#directory, STATE_FILE), 'utf8').catch(
			(error: NodeJS.ErrnoException) => {
				if (error.code === 'ENOENT') return undefined;
				throw error;
			},
		);
		const generations = (await readdir(this.#directory))
			.map((name) => DATA_FILE.exec(name)?.[1])
			.filter((generation) => generation !== undefined)
			.map(Number)
			.sort((a, b) => a - b);
		const record = state === undefined ? undefined : parseStateRecord(state);
		if (record) {
			this.#generation = record.generation;
			this.#sentOffset = record.offset;
		} else {
			// No state yet, or a torn one: start from the oldest data file's beginning. Replaying lines
			// that were sent already is harmless (same points); skipping unsent ones would not be.
			this.#generation = generations[0] ?? 0;
			this.#sentOffset = 0;
			if (state !== undefined)
				this.#warn(`spool ${this.#directory}: unreadable state record; replaying from the start`);
		}

		// Files of other generations are leftovers of an interrupted compaction (the state never
		// switched to them) or of one that finished but had not deleted its predecessor yet.
		for (const name of await readdir(this.#directory)) {
			const match = DATA_FILE.exec(name);
			if (match && Number(match[1]) !== this.#generation)
				await rm(join(this.#directory, name), {force: true});
		}

		const handle = await open(this.#dataPath(), 'a+');
		try {
			const {size} = await handle.stat();
			this.#size = size;
			if (size > 0) {
				const tail = Buffer.alloc(Math.min(size, 64 * 1024));
				await handle.read(tail, 0, tail.length, size - tail.length);
				if (tail[tail.length - 1] !== 0x0a) {
					const lastNewline = tail.lastIndexOf(0x0a);
					const keep = lastNewline < 0 ? size - tail.length : size - tail.length + lastNewline + 1;
					await handle.truncate(keep);
					await handle.datasync();
					this.#size = keep;
					this.#warn(
						`spool ${this.#directory}: skipped a torn last line (${size - keep} bytes) left by an interrupted write`,
					);
				}
			}
		} finally {
			await handle.close();
		}
		if (this.#sentOffset > this.#size) this.#sentOffset = this.#size;
		this.#pendingLines = await this.#countLines(this.#sentOffset, this.#size);
		if (this.#pendingLines > 0 && record) {
			this.#backlogSince = await stat(join(this.#directory, STATE_FILE)).then(
				(info) => info.mtime,
				() => undefined,
			);
		}
	}

	/** Newlines in [from, to) of the data file (each ends one line). */
	async #countLines(from: number, to: number): Promise<number> {
		if (to <= from) return 0;
		const handle = await open(this.#dataPath(), 'r');
		let count = 0;
		try {
			const buffer = Buffer.allocUnsafe(Math.min(to - from, 64 * 1024));
			let position = from;
			while (position < to) {
				const {bytesRead} = await handle.read(buffer, 0, Math.min(buffer.length, to - position), position);
				if (bytesRead === 0) break;
				let index = buffer.indexOf(0x0a, 0);
				while (index >= 0 && index < bytesRead) {
					count++;
					index = buffer.indexOf(0x0a, index + 1);
				}
				position += bytesRead;
			}
		} finally {
			await handle.close();
		}
		return count;
	}

	async #dropOldest(incomingBytes: number): Promise<void> {
		const target = this.#size + incomingBytes - this.#maxBytes;
		const handle = await open(this.#dataPath(), 'r');
		let offset = this.#sentOffset;
		let dropped = 0;
		try {
			const buffer = Buffer.allocUnsafe(64 * 1024);
			while (offset < this.#size && offset < target) {
				const {bytesRead} = await handle.read(buffer, 0, buffer.length, offset);
				let start = 0;
				let newline = buffer.indexOf(0x0a);
				while (newline >= 0 && newline < bytesRead && offset + start < target) {
					dropped++;
					start = newline + 1;
					newline = buffer.indexOf(0x0a, start);
				}
				if (start === 0) break;
				offset += start;
			}
		} finally {
			await handle.close();
		}
		// Nothing could go (the unsent lines are fewer bytes than the bound asks for): no drop to report.
		if (dropped === 0) return;
		this.#dropped += dropped;
		this.#pendingLines = Math.max(0, this.#pendingLines - dropped);
		this.#lastPeek = undefined;
		this.#aheadPeek = undefined;
		this.#epoch++;
		this.#forgetRecent();
		this.#sentOffset = offset;
		this.#warn(
			`spool ${this.#directory}: full (${this.#maxBytes} bytes unsent); dropped the ${dropped} oldest lines (${this.#dropped} since start)`,
		);
		await this.#saveState();
		await this.#recordDropped(dropped);
	}

	/**
	 * Adds a drop to `dropped.json` (temp file and rename), so `dlms-logger spool` shows the loss after the
	 * collector stopped. Only at a drop: the append path does not touch it. A lost update costs a count,
	 * never a point, so no fsync.
	 */
	async #recordDropped(lines: number): Promise<void> {
		const path = join(this.#directory, SPOOL_DROPPED_FILE);
		const previous = await readFile(path, 'utf8').then(parseDroppedRecord, () => undefined);
		const temporary = `${path}.tmp`;
		await writeFile(temporary, `${JSON.stringify(nextDroppedRecord(previous, lines, new Date()))}\n`);
		await rename(temporary, path);
	}

	/**
	 * Everything was sent: truncate, then record offset 0. A crash between the two leaves an offset past
	 * the end, which open() clamps to the (empty) file: nothing is lost and nothing replayed.
	 */
	async #empty(): Promise<void> {
		const handle = await this.#handle();
		// No fsync here: if the truncation is lost in a crash, the old lines replay (harmless duplicates).
		await handle.truncate(0);
		this.#epoch++;
		this.#forgetRecent();
		this.#lastPeek = undefined;
		this.#size = 0;
		this.#sentOffset = 0;
		this.#pendingLines = 0;
		await this.#saveState();
	}

	async #compact(): Promise<void> {
		const next = this.#generation + 1;
		const nextPath = join(this.#directory, `spool-${next}.lp`);
		const remaining = this.#size - this.#sentOffset;
		const target = await open(nextPath, 'w');
		try {
			if (remaining > 0) {
				const source = await open(this.#dataPath(), 'r');
				try {
					const buffer = Buffer.allocUnsafe(Math.min(remaining, 1024 * 1024));
					let position = this.#sentOffset;
					while (position < this.#size) {
						const {bytesRead} = await source.read(
							buffer,
							0,
							Math.min(buffer.length, this.#size - position),
							position,
						);
						if (bytesRead === 0) break;
						await target.write(buffer.subarray(0, bytesRead));
						position += bytesRead;
					}
				} finally {
					await source.close();
				}
			}
			await target.datasync();
		} finally {
			await target.close();
		}
		const previousPath = this.#dataPath();
		await this.#appendHandle?.close();
		this.#appendHandle = undefined;
		this.#generation = next;
		this.#epoch++;
		this.#forgetRecent();
		this.#lastPeek = undefined;
		this.#sentOffset = 0;
		this.#size = remaining;
		await this.#saveState();
		await rm(previousPath, {force: true});
	}

	/**
	 * Records generation and sent offset: one 64-byte record rewritten in place and fsync'd, carrying a
	 * checksum. A write torn by a power cut fails the checksum and open() replays from the start.
	 */
	async #saveState(): Promise<void> {
		this.#stateHandle ??= await open(join(this.#directory, STATE_FILE), 'w');
		await this.#stateHandle.write(
			formatStateRecord(this.#generation, this.#sentOffset),
			0,
			STATE_RECORD_BYTES,
			0,
		);
		await this.#stateHandle.datasync();
	}

	async #handle(): Promise<FileHandle> {
		this.#appendHandle ??= await open(this.#dataPath(), 'a');
		return this.#appendHandle;
	}

	#dataPath(): string {
		return join(this.#directory, `spool-${this.#generation}.lp`);
	}
}
