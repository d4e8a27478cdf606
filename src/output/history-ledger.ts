import {createHash} from 'node:crypto';
import {readFile, rename, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {lineTags} from './line-protocol-tags.ts';

/** The ledger's file name inside the spool directory (the spool lock covers it too). */
export const HISTORY_LEDGER_FILE = 'history-ledger.json';

export interface HistoryLedgerOptions {
	/** Directory the ledger file lives in: the spool directory of the process that writes it. */
	readonly directory: string;
	/**
	 * Wait after an acknowledgement before the file is rewritten, ms. Default 2000: one readout's
	 * batches are acknowledged in a burst and are saved together.
	 */
	readonly saveDelayMs?: number;
	/** Told of a ledger file that cannot be read (it is started afresh: history is written once more). */
	readonly onWarning?: (message: string) => void;
	/**
	 * Never write the file: select() answers as it would, for a dry run that must say what a real run
	 * writes without changing what that run will find. Default false.
	 */
	readonly readOnly?: boolean;
}

export const DEFAULT_HISTORY_LEDGER_OPTIONS = {saveDelayMs: 2000} as const;

interface LedgerFile {
	readonly version: 1;
	/** Per meter: the digests of the history lines the server acknowledged or refused as bad data. */
	readonly meters: Record<string, string[]>;
}

/**
 * What the server acknowledged of each meter's billing history, so a history point goes out once and
 * again only when it changes (a corrected value, a new period). A ZMD120 with 15 periods sends hundreds
 * of history values in every readout; InfluxDB would overwrite them idempotently, but VictoriaMetrics
 * keeps duplicates unless deduplication is configured, and each write wears a Raspberry Pi's SD card.
 *
 * An entry is the digest of a whole line-protocol line (series, value, time): a changed value is
 * another line, so it is written. A line is recorded only after the server answered 2xx for it, or
 * refused it as bad data and it was set aside in `dead-letter.lp` (acknowledge(), called by the
 * sender): a refusal repeats with every send, and the dead letter keeps the line to be written by
 * hand. Lines handed on but not yet acknowledged are pending and not handed on twice. Each readout's
 * history replaces the meter's entries (periods that rolled off the meter are forgotten), which bounds
 * the ledger to one readout's history per meter.
 *
 * Kept in `history-ledger.json` beside the spool, rewritten (temp file and rename) shortly after
 * acknowledgements and at close. Losing it costs one more write of the history, never a point: a
 * damaged file is started afresh with a warning.
 */
export class HistoryLedger {
	readonly #file: string;
	readonly #saveDelayMs: number;
	readonly #acknowledged = new Map<string, Set<string>>();
	/** Digest → meter, for lines handed on and not yet acknowledged. */
	readonly #pending = new Map<string, string>();
	#timer: ReturnType<typeof setTimeout> | undefined;
	#saving: Promise<void> = Promise.resolve();
	#dirty = false;
	readonly #readOnly: boolean;

	private constructor(options: HistoryLedgerOptions) {
		const merged = {...DEFAULT_HISTORY_LEDGER_OPTIONS, ...options};
		if (typeof merged.directory !== 'string' || merged.directory === '') {
			throw new TypeError(
				`directory must be a non-empty path, received ${JSON.stringify(options.directory)}`,
			);
		}
		if (!Number.isInteger(merged.saveDelayMs) || merged.saveDelayMs < 0) {
			throw new TypeError(
				`saveDelayMs must be a non-negative integer, received ${String(options.saveDelayMs)}`,
			);
		}
		this.#file = join(merged.directory, HISTORY_LEDGER_FILE);
		this.#saveDelayMs = merged.saveDelayMs;
		this.#readOnly = options.readOnly === true;
	}

	/** Opens the ledger of a directory (empty when it has none yet). */
	static async open(options: HistoryLedgerOptions): Promise<HistoryLedger> {
		const ledger = new HistoryLedger(options);
		let text: string | undefined;
		try {
			text = await readFile(ledger.#file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		}
		if (text !== undefined) {
			const parsed = parseLedger(text);
			if (parsed === undefined) {
				options.onWarning?.(
					`${ledger.#file}: unreadable, started afresh (billing history is written once more)`,
				);
			} else {
				for (const [meter, digests] of Object.entries(parsed.meters)) {
					ledger.#acknowledged.set(meter, new Set(digests));
				}
			}
		}
		return ledger;
	}

	/** History lines acknowledged, over all meters. */
	get size(): number {
		let size = 0;
		for (const digests of this.#acknowledged.values()) size += digests.size;
		return size;
	}

	/**
	 * Of one readout's history lines of `meter`, the indexes of those to write: neither acknowledged nor
	 * pending. Those are marked pending; the meter's acknowledged lines that the readout no longer
	 * holds are forgotten.
	 */
	select(meter: string, lines: readonly string[]): number[] {
		const known = this.#acknowledged.get(meter) ?? new Set<string>();
		const current = new Set<string>();
		const chosen: number[] = [];
		for (const [index, line] of lines.entries()) {
			const digest = digestOf(line);
			current.add(digest);
			if (known.has(digest) || this.#pending.has(digest)) continue;
			this.#pending.set(digest, meter);
			chosen.push(index);
		}
		let forgotten = false;
		for (const digest of known) {
			if (current.has(digest)) continue;
			known.delete(digest);
			forgotten = true;
		}
		if (forgotten) this.#scheduleSave();
		return chosen;
	}

	/**
	 * The server answered 2xx for these lines, or they were set aside as dead letters: the history among
	 * them is recorded. Pending lines under the meter select() took them for; history this process did
	 * not hand on (lines a previous run left in the spool, replayed at start) under the meter its
	 * `meter` tag names, as HistoryOnceSink keys them: refused or stored on replay, it is not sent again
	 * with the next readout.
	 */
	acknowledge(lines: readonly string[]): void {
		let recorded = false;
		for (const line of lines) {
			// Only history lines carry a billing tag; others need no digest.
			if (!line.includes('billing=')) continue;
			const digest = digestOf(line);
			let meter = this.#pending.get(digest);
			if (meter !== undefined) this.#pending.delete(digest);
			else {
				const tags = lineTags(line);
				if (!tags.has('billing')) continue;
				meter = tags.get('meter') ?? '';
			}
			let known = this.#acknowledged.get(meter);
			if (known === undefined) {
				known = new Set();
				this.#acknowledged.set(meter, known);
			}
			if (known.has(digest)) continue;
			known.add(digest);
			recorded = true;
		}
		if (recorded) this.#scheduleSave();
	}

	/**
	 * As acknowledge(), for lines as one UTF-8 buffer (each ended by `\n`): only the lines with a
	 * billing tag become strings, found by a byte search.
	 */
	acknowledgeText(text: Uint8Array): void {
		const buffer = Buffer.from(text.buffer, text.byteOffset, text.length);
		const history: string[] = [];
		for (let at = buffer.indexOf(BILLING_TAG); at >= 0; at = buffer.indexOf(BILLING_TAG, at)) {
			const start = buffer.lastIndexOf(0x0a, at) + 1;
			let end = buffer.indexOf(0x0a, at);
			if (end < 0) end = buffer.length;
			history.push(buffer.toString('utf8', start, end));
			at = end;
		}
		if (history.length > 0) this.acknowledge(history);
	}

	/** Writes the file now if anything changed since the last save. */
	save(): Promise<void> {
		if (this.#timer !== undefined) {
			clearTimeout(this.#timer);
			this.#timer = undefined;
		}
		this.#saving = this.#saving.then(() => this.#write());
		return this.#saving;
	}

	/** Saves what is left; the ledger may not be used afterwards. */
	close(): Promise<void> {
		return this.save();
	}

	#scheduleSave(): void {
		if (this.#readOnly) return;
		this.#dirty = true;
		if (this.#timer !== undefined) return;
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			void this.save().catch(() => undefined);
		}, this.#saveDelayMs);
		// A pending save never keeps the process alive; close() saves at the end.
		this.#timer.unref?.();
	}

	async #write(): Promise<void> {
		if (!this.#dirty) return;
		this.#dirty = false;
		const file: LedgerFile = {
			version: 1,
			meters: Object.fromEntries([...this.#acknowledged].map(([meter, digests]) => [meter, [...digests]])),
		};
		const temp = `${this.#file}.tmp`;
		try {
			await writeFile(temp, `${JSON.stringify(file)}\n`);
			await rename(temp, this.#file);
		} catch (error) {
			this.#dirty = true;
			throw error;
		}
	}
}

const BILLING_TAG = Buffer.from('billing=', 'latin1');

/** 96 bits of SHA-1: collisions are out of reach for any meter's history. */
function digestOf(line: string): string {
	return createHash('sha1').update(line).digest('base64url').slice(0, 16);
}

function parseLedger(text: string): LedgerFile | undefined {
	try {
		const parsed = JSON.parse(text) as Partial<LedgerFile>;
		if (parsed.version !== 1 || typeof parsed.meters !== 'object' || parsed.meters === null) return undefined;
		for (const digests of Object.values(parsed.meters)) {
			if (!Array.isArray(digests) || digests.some((digest) => typeof digest !== 'string')) return undefined;
		}
		return parsed as LedgerFile;
	} catch {
		return undefined;
	}
}
