import {formatSeriesKey} from '../output/line-protocol.ts';
import {sameTags} from '../readings/point.ts';

/** One series seen before: its tags (a copy) and its key as UTF-8 bytes. */
export interface KnownSeries {
	readonly measurement: string;
	readonly tags: Readonly<Record<string, string>>;
	readonly bytes: Buffer;
	/** The key followed by ` value=`: the start of each line of a float value, copied in one go. */
	readonly valuePrefix: Buffer;
	/**
	 * The tags object this series was last found by: a mapper that remembers a set's points (MappingMemo)
	 * hands the same object again, readout after readout, found then without comparing tag by tag.
	 */
	lastTags: Readonly<Record<string, string>> | undefined;
	/** The float value last written to this series (NaN: none) and its line up to the time (see LineBatch). */
	lastValue: number;
	valueLine: Uint8Array;
}

export interface SeriesKeysOptions {
	/** Series remembered before the memo starts afresh. Default 4096 (a few meters' worth of registers and history). */
	readonly maxSeries?: number;
}

export const DEFAULT_SERIES_KEYS_OPTIONS = {maxSeries: 4096} as const;

/**
 * The series key of a point (measurement and sorted, escaped tags: formatSeriesKey) as UTF-8 bytes,
 * remembered per series: a replay writes the same few dozen series millions of times, and sorting,
 * escaping and encoding the tags of every point cost more than all the rest of its line. A series is
 * found by its `obis` tag and then compared tag by tag, which allocates nothing.
 */
export class SeriesKeys {
	readonly #maxSeries: number;
	readonly #byObis = new Map<string, KnownSeries[]>();
	#size = 0;

	constructor(options: SeriesKeysOptions = {}) {
		const {maxSeries} = {...DEFAULT_SERIES_KEYS_OPTIONS, ...options};
		if (!Number.isInteger(maxSeries) || maxSeries < 1) {
			throw new TypeError(`maxSeries must be a positive integer, received ${String(options.maxSeries)}`);
		}
		this.#maxSeries = maxSeries;
	}

	/** Series remembered now. */
	get size(): number {
		return this.#size;
	}

	/** The key's bytes (UTF-8), the same as Buffer.from(formatSeriesKey(measurement, tags)). Do not modify them. */
	bytesOf(measurement: string, tags: Readonly<Record<string, string>>): Buffer {
		return this.seriesOf(measurement, tags).bytes;
	}

	/** The series of a point, remembered (its key's bytes and the start of a float value's line). */
	seriesOf(measurement: string, tags: Readonly<Record<string, string>>): KnownSeries {
		const obis = tags['obis'] ?? '';
		let known = this.#byObis.get(obis);
		if (known !== undefined) {
			for (let index = 0; index < known.length; index++) {
				const series = known[index] as KnownSeries;
				if (series.measurement !== measurement) continue;
				if (series.lastTags === tags) return series;
				if (sameTags(series.tags, tags)) {
					series.lastTags = tags;
					return series;
				}
			}
		}
		if (this.#size >= this.#maxSeries) {
			this.#byObis.clear();
			this.#size = 0;
			known = undefined;
		}
		const bytes = Buffer.from(formatSeriesKey(measurement, tags), 'utf8');
		const valuePrefix = Buffer.concat([bytes, VALUE]);
		const series: KnownSeries = {
			measurement,
			tags: {...tags},
			bytes,
			valuePrefix,
			lastTags: tags,
			lastValue: Number.NaN,
			valueLine: valuePrefix,
		};
		if (known === undefined) this.#byObis.set(obis, [series]);
		else known.push(series);
		this.#size++;
		return series;
	}
}

const VALUE = Buffer.from(' value=', 'latin1');
