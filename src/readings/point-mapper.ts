import type {DataSet} from '../iec62056/data-set.ts';
import type {DataValue} from '../iec62056/data-value.ts';
import {parseDecimal} from '../iec62056/decimal-text.ts';
import {type MeterTime, NO_TIME, parseMeterTime} from '../iec62056/meter-time.ts';
import {channelOf, isCurrentValue, reducedCode} from '../iec62056/obis-code.ts';
import {billingResetTimes} from './billing-reset-times.ts';
import {meterTimeToInstant} from './meter-clock.ts';
import {meterIdentity} from './meter-identity.ts';
import type {ObisSelection, SelectionMatch} from './obis-selection.ts';
import type {Point} from './point.ts';
import type {Reading} from './reading.ts';
import {normaliseUnit} from './unit-normaliser.ts';
import {isTextRegister} from './value-kind.ts';

export interface PointMapperOptions {
	/** Measurement name. Default `meter`. */
	readonly measurement?: string;
	/** The `meter` tag. Default: the serial number the meter reports (see meterIdentity). */
	readonly meterId?: string;
	/** IANA zone the meter's clock runs in, e.g. `Europe/Berlin`. Default `UTC`. */
	readonly timeZone?: string;
	/** Write `*NN`/`&NN` billing history at its own dates. Default true. */
	readonly history?: boolean;
	/**
	 * Without a selection, also write text registers (ids, status words) as `text` fields. Default false:
	 * by default every numeric value is written (current values, maximum demand at its date, history
	 * at its dates). A selection writes exactly what it names, text included.
	 */
	readonly text?: boolean;
	/** The codes to write, as the seed's `dlms_obis_code` items (`1.8.1`, `1.6.2*01~1`, `1.8.*`). */
	readonly selection?: ObisSelection;
	/** Decides per data set whether it is written; default: every set. Selection plugs in here. */
	readonly select?: (set: DataSet) => boolean;
}

export const DEFAULT_POINT_MAPPER_OPTIONS = {
	measurement: 'meter',
	timeZone: 'UTC',
	history: true,
	text: false,
} as const;

/** Why a data set produced no point. Counted and shown, never silent. */
export type SkipReason =
	| 'no-address'
	| 'no-value'
	| 'no-date'
	| 'history-without-date'
	| 'history-disabled'
	| 'text-disabled'
	| 'not-selected'
	| 'duplicate';

export interface SkippedDataSet {
	readonly address: string;
	readonly reason: SkipReason;
}

export interface MappedReading {
	readonly points: Point[];
	readonly skipped: SkippedDataSet[];
	/** Units passed through as sent because the normaliser does not know them. */
	readonly unknownUnits: string[];
}

/**
 * Turns one verified telegram into points (the schema in docs/schema.md):
 * - tags `meter`, `obis` (`C.D.E`, or the key of a non-OBIS address), `channel` (`A-B` when sent),
 *   `unit` (canonical, when known), and on billing history `billing=1` (`*NN`) or `billing=2` (`&NN`);
 * - `value` (float, normalised unit) or `text` (ids, status words, anything not a number);
 * - time: a value's own date field when it has one (`1.6.1(24.31*kW)(1605041345)`), billing history at
 *   its own date or its period's reset time, else the readout time.
 * History lands in series of its own (the `billing` tag), at times derived from the telegram, so
 * re-reading the same history overwrites the same points: backfill is idempotent. All-zero dates are "no data" and never become points.
 * Pure: the same reading and options give the same points.
 */
export function mapReading(reading: Reading, options: PointMapperOptions = {}): MappedReading {
	const merged = {...DEFAULT_POINT_MAPPER_OPTIONS, ...options};
	const meter = merged.meterId ?? meterIdentity(reading.dataSets, reading.identification);
	const resets = billingResetTimes(reading.dataSets);
	const units = unitsByCode(reading.dataSets);
	const readAt = wholeSeconds(reading.readAt);
	const points: Point[] = [];
	const skipped: SkippedDataSet[] = [];
	const unknownUnits = new Set<string>();
	const seen = new Set<string>();

	for (const set of reading.dataSets) {
		const skip = (reason: SkipReason) => skipped.push({address: set.address, reason});
		if (set.key === '') {
			skip('no-address');
			continue;
		}
		if (merged.select && !merged.select(set)) {
			skip('not-selected');
			continue;
		}
		const requests: readonly SelectionMatch[] = merged.selection
			? merged.selection.match(set)
			: [{valueIndex: 0}];
		if (requests.length === 0) {
			skip('not-selected');
			continue;
		}
		const code = set.obis;
		const history = code !== undefined && !isCurrentValue(code);
		if (history && !merged.history) {
			skip('history-disabled');
			continue;
		}
		const picked = pickValue(set.values);
		if (picked === undefined || picked.value.text === '') {
			skip('no-value');
			continue;
		}
		let time: Date | undefined = readAt;
		if (picked.stamp === NO_TIME) {
			skip('no-date');
			continue;
		}
		if (picked.stamp !== undefined) {
			time = meterTimeToInstant(picked.stamp, merged.timeZone);
		} else if (history) {
			const reset = code?.f === undefined ? undefined : resets.get(`${code.separator}${code.f}`);
			time = reset === undefined ? undefined : meterTimeToInstant(reset, merged.timeZone);
			if (time === undefined) {
				skip('history-without-date');
				continue;
			}
		}
		if (time === undefined) {
			skip('no-date');
			continue;
		}

		const obis = code === undefined ? set.key : reducedCode(code);
		const channel = code === undefined ? undefined : channelOf(code);
		for (const request of requests) {
			const value = request.valueIndex === 0 ? picked.value : set.values[request.valueIndex];
			if (value === undefined || value.text === '') {
				skip('no-value');
				continue;
			}
			// Text even when it looks numeric: the first value of a text register (ids, status words), and a
			// selected further value that is a time stamp (`1.6.2*01~1`, the seed's peak date).
			const asText = request.valueIndex === 0 ? isTextRegister(code) : dated(value.text) !== undefined;
			const number = asText ? undefined : parseDecimal(value.text);
			let fields: Point['fields'];
			let unit = '';
			if (number === undefined) {
				if (!merged.text && merged.selection === undefined) {
					skip('text-disabled');
					continue;
				}
				fields = {text: value.text};
			} else {
				const normalised = normaliseUnit(
					number,
					value.unit ?? (request.valueIndex === 0 ? units.get(obis) : undefined),
				);
				if (!normalised.known) unknownUnits.add(normalised.unit);
				else unit = normalised.unit;
				fields = {value: normalised.value};
			}
			const tags: Record<string, string> = {
				meter,
				obis,
				...(channel === undefined ? {} : {channel}),
				...(unit === '' ? {} : {unit}),
				// The billing scheme keeps history apart from the live register: `*NN` is scheme 1, `&NN` scheme 2.
				...(history ? {billing: code.separator === '&' ? '2' : '1'} : {}),
				...(request.valueIndex === 0 ? {} : {index: String(request.valueIndex)}),
				...(request.name === undefined ? {} : {name: request.name}),
			};
			const point: Point = {measurement: merged.measurement, tags, fields, time: wholeSeconds(time)};
			const identity = `${JSON.stringify(tags)}@${point.time.getTime()}`;
			if (seen.has(identity)) {
				skip('duplicate');
				continue;
			}
			seen.add(identity);
			points.push(point);
		}
	}
	return {points, skipped, unknownUnits: [...unknownUnits]};
}

interface PickedValue {
	readonly value: DataValue;
	/** The value's own time stamp: a date field beside it, a stamp after its unit, or NO_TIME. */
	readonly stamp?: MeterTime | typeof NO_TIME;
}

/**
 * The quantity of a data set and its date: `(value)(date)` as ZMD maximum demand, `(date)(value)` as DSMR
 * gas, `(value*unit stamp)` as the AUX SX330. A date-looking second field that is not a full date
 * (a time of day) is left alone.
 */
function pickValue(values: readonly DataValue[]): PickedValue | undefined {
	const [first, second] = values;
	if (first === undefined) return undefined;
	if (first.trailer !== undefined) {
		const stamp = dated(first.trailer);
		if (stamp !== undefined) return {value: first, stamp};
	}
	if (second !== undefined) {
		const stampAfter = dated(second.text);
		if (stampAfter !== undefined && second.unit === undefined && isQuantity(first)) {
			return {value: first, stamp: stampAfter};
		}
		const stampBefore = dated(first.text);
		if (stampBefore !== undefined && first.unit === undefined && isQuantity(second)) {
			return {value: second, stamp: stampBefore};
		}
	}
	return {value: first};
}

function isQuantity(value: DataValue): boolean {
	return parseDecimal(value.text) !== undefined;
}

/** A full date stamp (with year), NO_TIME for placeholders, else undefined. */
function dated(text: string): MeterTime | typeof NO_TIME | undefined {
	if (!/^\d{6,13}[SW]?$/.test(text.trim()) && !/^\d{4}-/.test(text.trim())) return undefined;
	const time = parseMeterTime(text, 'date');
	if (time === NO_TIME) return NO_TIME;
	return time?.year === undefined ? undefined : time;
}

/** The unit each reduced code is sent with somewhere in the telegram, for history lines sent without one. */
function unitsByCode(dataSets: readonly DataSet[]): Map<string, string> {
	const units = new Map<string, string>();
	for (const set of dataSets) {
		const unit = set.values[0]?.unit;
		if (set.obis === undefined || unit === undefined || unit === '') continue;
		const code = reducedCode(set.obis);
		if (!units.has(code)) units.set(code, unit);
	}
	return units;
}

function wholeSeconds(date: Date): Date {
	return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
