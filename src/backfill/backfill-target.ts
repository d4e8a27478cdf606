import {isAbsolute, resolve} from 'node:path';
import type {LoadedConfig} from '../config/config-loader.ts';
import type {InfluxConfig} from '../config/config-schema.ts';
import {influxTargetFromConfig} from '../daemon/influx-target-from-config.ts';
import {HistoryLedger} from '../output/history-ledger.ts';
import {acknowledgingSender} from '../output/history-once-sink.ts';
import {LineSpool} from '../output/line-spool.ts';
import {type SpoolEvent, SpooledSink} from '../output/spooled-sink.ts';

/** The collector's spool directory of a configuration (relative paths start at `base`). */
export function collectorSpoolDirectory(config: LoadedConfig['config'], base: string): string {
	return isAbsolute(config.spool.directory) ? config.spool.directory : resolve(base, config.spool.directory);
}

/** The backfill's spool directory: beside the collector's, never the collector's own. */
export function backfillSpoolDirectory(config: LoadedConfig['config'], base: string): string {
	return `${collectorSpoolDirectory(config, base)}-backfill`;
}

export interface InfluxBackfillTargetOptions {
	readonly loaded: LoadedConfig;
	readonly influx: InfluxConfig;
	/** The spool directory of the backfill (see backfillSpoolDirectory). */
	readonly directory: string;
	/** Unsent bytes at which reading the sources pauses until the server caught up. Default 4 MiB. */
	readonly highWaterBytes?: number;
	readonly onWarning?: (message: string) => void;
	readonly onSpoolEvent?: (event: SpoolEvent) => void;
}

export const DEFAULT_HIGH_WATER_BYTES = 4 * 1024 * 1024;
const COMPACT_AFTER_BYTES = 64 * 1024 * 1024;
const POLL_MS = 50;

/**
 * Where a backfill writes when the configuration names an InfluxDB: the collector's write path (the
 * same writer, a durable spool, history written once), with a spool and ledger of its own so it runs
 * beside a collector. Points left unsent at the end stay in that spool; the next backfill sends them
 * first.
 */
export class InfluxBackfillTarget {
	readonly directory: string;
	readonly sink: SpooledSink;
	readonly description: string;
	readonly #spool: LineSpool;
	readonly #ledger: HistoryLedger;
	readonly #highWaterBytes: number;

	private constructor(
		directory: string,
		spool: LineSpool,
		sink: SpooledSink,
		ledger: HistoryLedger,
		description: string,
		highWaterBytes: number,
	) {
		this.directory = directory;
		this.#spool = spool;
		this.sink = sink;
		this.#ledger = ledger;
		this.description = description;
		this.#highWaterBytes = highWaterBytes;
	}

	static async open(options: InfluxBackfillTargetOptions): Promise<InfluxBackfillTarget> {
		const highWaterBytes = options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
		const spool = await LineSpool.open({
			directory: options.directory,
			// The bound sits well above the high water mark: a backfill waits, it never drops.
			maxBytes: Math.max(options.loaded.config.spool.max_size, highWaterBytes * 4),
			// Compaction copies the unsent tail (up to the high water mark) to a new file: after every
			// 1 MiB sent (the collector's default) a backfill would copy megabytes per batch. Once per
			// 64 MiB sent keeps that to a few per cent of the bytes written.
			compactAfterBytes: COMPACT_AFTER_BYTES,
			...(options.onWarning === undefined ? {} : {onWarning: options.onWarning}),
		});
		try {
			const ledger = await HistoryLedger.open({
				directory: options.directory,
				...(options.onWarning === undefined ? {} : {onWarning: options.onWarning}),
			});
			const {InfluxLineWriter} = await import('../output/influx-line-writer.ts');
			const writer = new InfluxLineWriter(influxTargetFromConfig(options.influx, options.loaded.secrets), {
				timeoutMs: options.influx.timeout,
				// A server on this machine gains nothing from compressed bodies, and a backfill sends
				// hundreds of megabytes: the CPU gzip would take goes to reading the sources and to the server.
				...(isLoopbackUrl(options.influx.url) ? {gzipThresholdBytes: Number.MAX_SAFE_INTEGER} : {}),
			});
			const sink = new SpooledSink({
				spool,
				sender: acknowledgingSender(writer, ledger),
				batchLines: options.influx.batch_lines,
				...(options.onSpoolEvent === undefined ? {} : {onEvent: options.onSpoolEvent}),
			});
			// What an interrupted backfill left goes out first.
			sink.start();
			return new InfluxBackfillTarget(
				options.directory,
				spool,
				sink,
				ledger,
				writer.description,
				highWaterBytes,
			);
		} catch (error) {
			await spool.close();
			throw error;
		}
	}

	/** Bytes not yet acknowledged by the server. */
	get pendingBytes(): number {
		return this.#spool.pendingBytes;
	}

	/** Points (lines) not yet acknowledged by the server. */
	get pendingPoints(): number {
		return this.#spool.pendingLines;
	}

	/**
	 * Of one readout's history lines of `meter`, the indexes of those to write: neither acknowledged
	 * by the server nor on their way (see HistoryLedger.select).
	 */
	selectHistory(meter: string, lines: readonly string[]): number[] {
		return this.#ledger.select(meter, lines);
	}

	/**
	 * Resolves once the spool holds less than the high water mark (or `signal` aborts). Rejects with
	 * the server's answer when it refused for a reason retrying cannot fix (401, 403, 404: disposition
	 * `hold`): reading on would only fill the spool. `onWait` is called while it waits (every 50 ms).
	 */
	async waitForRoom(signal?: AbortSignal, onWait?: () => void): Promise<void> {
		while (this.#spool.pendingBytes > this.#highWaterBytes && !signal?.aborted) {
			const failure = this.sink.lastFailure;
			if (failure?.disposition === 'hold') throw failure;
			await new Promise((resolve) => setTimeout(resolve, POLL_MS));
			onWait?.();
		}
	}

	/**
	 * Waits until the server acknowledged everything, the server made no progress for `stallMs`, it
	 * refused for a reason retrying cannot fix (`hold`: 401, 403, 404; see sink.lastFailure), or
	 * `signal` aborts. Resolves true when nothing is left unsent.
	 */
	async drain(options: {stallMs: number; signal?: AbortSignal; onWait?: () => void}): Promise<boolean> {
		if (await this.sink.flush()) return true;
		let last = this.#spool.pendingBytes;
		let since = Date.now();
		while (this.#spool.pendingBytes > 0 && !options.signal?.aborted) {
			if (this.sink.lastFailure?.disposition === 'hold') break;
			await new Promise((resolve) => setTimeout(resolve, POLL_MS * 4));
			options.onWait?.();
			if (this.#spool.pendingBytes < last) {
				last = this.#spool.pendingBytes;
				since = Date.now();
			} else if (Date.now() - since >= options.stallMs) {
				break;
			}
		}
		return this.#spool.pendingBytes === 0;
	}

	/** Closes the spool (one more send attempt) and saves the ledger. */
	async close(): Promise<void> {
		try {
			await this.sink.close();
		} finally {
			await this.#ledger.close();
		}
	}
}

/** Whether a server url names this machine: `localhost`, 127.0.0.0/8 or `[::1]`. */
export function isLoopbackUrl(url: string): boolean {
	let host: string;
	try {
		host = new URL(url).hostname;
	} catch {
		return false;
	}
	return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
