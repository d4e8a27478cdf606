import type {DataSet} from '../iec62056/data-set.ts';
import {parseDecimal} from '../iec62056/decimal-text.ts';
import {dsmrBuffer} from '../iec62056/dsmr-buffer.ts';
import {NO_TIME} from '../iec62056/meter-time.ts';
import {channelOf, isCurrentValue, reducedCode} from '../iec62056/obis-code.ts';
import {billingResetTimes} from './billing-reset-times.ts';
import {meterTimeToInstant} from './meter-clock.ts';
import {meterIdentity} from './meter-identity.ts';
import type {ObisSelection, SelectionMatch} from './obis-selection.ts';
import type {Point} from './point.ts';
import type {Reading} from './reading.ts';
import {normaliseUnit} from './unit-normaliser.ts';
import {isTextRegister} from './value-kind.ts';
import {datedValue, valueTime} from './value-times.ts';

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
	| 'empty-buffer'
	| 'duplicate';

export interface SkippedDataSet {
	readonly address: string;
	readonly reason: SkipReason;
}

export interface MappedReading {
	readonly points: Point[];
	readonly skipped: SkippedDataSet[];
	/** Units written as sent (tag `unit`) because the normaliser does not know them. */
	readonly unknownUnits: string[];
}

/**
 * Turns one verified telegram into points (the schema in docs/schema.md):
 * - tags `meter`, `obis` (`C.D.E`, or the key of a non-OBIS address), `channel` (`A-B` when sent),
 *   `unit` (canonical when known, else as sent), on billing history `billing=1` (`*NN`, DSMR buffer
 *   entries) or `billing=2` (`&NN`), and `part` (1, 2, …) on each `&`-separated part of one bracket;
 * - `value` (float, normalised unit) or `text` (ids, status words, times, digits a float would lose);
 * - time: a value's own date field when it has one (`1.6.1(24.31*kW)(1605041345)`, see valueTimes),
 *   billing history at its own date or its period's reset time, DSMR buffer entries at their stamps,
 *   else the readout time.
 * History lands in series of its own (the `billing` tag), at times derived from the telegram, so
 * re-reading the same history overwrites the same points: backfill is idempotent. Placeholder dates
 * are "no data" and never become points. Pure: the same reading and options give the same points.
 */
export function mapReading(reading: Reading, options: PointMapperOptions = {}): MappedReading {
	const merged = {...DEFAULT_POINT_MAPPER_OPTIONS, ...options};
	const meter = merged.meterId ?? meterIdentity(reading.dataSets, reading.identification) ?? 'meter';
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
		const buffered = dsmrBuffer(set);
		const history =
			buffered === undefined ? code !== undefined && !isCurrentValue(code) : buffered.kind === 'buffer';
		if (history && !merged.history) {
			skip('history-disabled');
			continue;
		}

		/** Adds one point unless an equal one (same series and time) was added before. */
		const emit = (tags: Record<string, string>, fields: Point['fields'], time: Date) => {
			const point: Point = {measurement: merged.measurement, tags, fields, time: wholeSeconds(time)};
			const identity = `${JSON.stringify(tags)}@${point.time.getTime()}`;
			if (seen.has(identity)) {
				skip('duplicate');
				return;
			}
			seen.add(identity);
			points.push(point);
		};
		/** The fields of one value: text where a float would lie, else the number in its canonical unit. */
		const fieldsOf = (
			text: string,
			sentUnit: string | undefined,
			asText: boolean,
		): {fields: Point['fields']; unit: string} | undefined => {
			const number = asText ? undefined : exactNumber(text);
			if (number === undefined) {
				if (!merged.text && merged.selection === undefined) return undefined;
				return {fields: {text}, unit: ''};
			}
			const normalised = normaliseUnit(number, sentUnit);
			if (!normalised.known) unknownUnits.add(normalised.unit);
			return {fields: {value: normalised.value}, unit: normalised.unit};
		};

		if (buffered !== undefined) {
			if (buffered.entries.length === 0) {
				skip(buffered.kind === 'buffer' ? 'empty-buffer' : 'no-value');
				continue;
			}
			for (const entry of buffered.entries) {
				const value = set.values[entry.valueIndex];
				if (value === undefined || value.text === '') {
					skip('no-value');
					continue;
				}
				const stamp = valueTime(set, entry.stampIndex);
				const at =
					stamp === undefined || stamp === NO_TIME ? undefined : meterTimeToInstant(stamp, merged.timeZone);
				if (at === undefined) {
					skip('no-date');
					continue;
				}
				const shaped = fieldsOf(value.text, entry.unit ?? value.unit, false);
				if (shaped === undefined) {
					skip('text-disabled');
					continue;
				}
				const channel = channelOf(entry.code);
				emit(
					{
						meter,
						obis: reducedCode(entry.code),
						...(channel === undefined ? {} : {channel}),
						...(shaped.unit === '' ? {} : {unit: shaped.unit}),
						...(history ? {billing: '1'} : {}),
						...(requests[0]?.name === undefined ? {} : {name: requests[0].name}),
					},
					shaped.fields,
					new Date(at.getTime() + entry.offsetMinutes * 60_000),
				);
			}
			continue;
		}

		const picked = datedValue(set);
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
			// Text even when it looks numeric: the first value of a text register (ids, status words) or one
			// that is a time, and a selected further value that is a time stamp (`1.6.2*01~1`, the seed's peak date).
			const asText =
				request.valueIndex === 0
					? isTextRegister(code) || picked.isTime
					: valueTime(set, request.valueIndex) !== undefined;
			// `9.4(088*C&082*C)`: every part of one bracket is a value of its own, told apart by `part`.
			const parts =
				value.parts === undefined || asText
					? [{text: value.text, unit: value.unit, part: undefined}]
					: value.parts.map((part, index) => ({text: part.text, unit: part.unit, part: String(index + 1)}));
			for (const part of parts) {
				if (part.text === '') {
					skip('no-value');
					continue;
				}
				const shaped = fieldsOf(
					part.text,
					part.unit ?? (request.valueIndex === 0 ? units.get(obis) : undefined),
					asText,
				);
				if (shaped === undefined) {
					skip('text-disabled');
					continue;
				}
				const tags: Record<string, string> = {
					meter,
					obis,
					...(channel === undefined ? {} : {channel}),
					...(shaped.unit === '' ? {} : {unit: shaped.unit}),
					// The billing scheme keeps history apart from the live register: `*NN` is scheme 1, `&NN` scheme 2.
					...(history ? {billing: code?.separator === '&' ? '2' : '1'} : {}),
					...(part.part === undefined ? {} : {part: part.part}),
					...(request.valueIndex === 0 ? {} : {index: String(request.valueIndex)}),
					...(request.name === undefined ? {} : {name: request.name}),
				};
				emit(tags, shaped.fields, time);
			}
		}
	}
	return {points, skipped, unknownUnits: [...unknownUnits]};
}

/**
 * The number a value's text stands for, when a float holds it exactly: `303132333435363738` (18
 * digits, a DSMR message) is not one, as a float keeps 15 to 17 significant digits.
 */
function exactNumber(text: string): number | undefined {
	const number = parseDecimal(text);
	if (number === undefined) return undefined;
	let digits = 0;
	let leading = true;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code < 0x30 || code > 0x39) continue;
		if (leading && code === 0x30) continue;
		leading = false;
		digits++;
	}
	return digits > 15 ? undefined : number;
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
