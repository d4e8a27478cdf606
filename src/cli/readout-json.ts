import type {DecodedTelegram} from '../iec62056/capture-decoder.ts';
import type {DataSet} from '../iec62056/data-set.ts';
import {parseDecimal} from '../iec62056/decimal-text.ts';
import {dsmrBuffer} from '../iec62056/dsmr-buffer.ts';
import type {Identification} from '../iec62056/identification.ts';
import {NO_TIME} from '../iec62056/meter-time.ts';
import {channelOf, isCurrentValue, isManufacturerSpecific, reducedCode} from '../iec62056/obis-code.ts';
import {resetDatePlaceholders, shownValueTime} from '../readings/reset-stamp.ts';
import {valueTime} from '../readings/value-times.ts';

/** The JSON shape of `parse --format json` and `read --format json` (documented in README.md). */
export interface ReadoutJson {
	readonly telegrams: TelegramJson[];
}

export interface TelegramJson {
	readonly identification: Identification | null;
	readonly framing: string;
	readonly check: {readonly algorithm: string; readonly ok: boolean};
	readonly dataSets: DataSetJson[];
	readonly malformed: {line: number; column: number; reason: string; text: string}[];
}

export interface DataSetJson {
	readonly address: string;
	readonly key: string;
	readonly obis: string | null;
	readonly channel: string | null;
	readonly history: boolean;
	/** A group C to F in 128–254 (IEC 62056-61): the meter maker defines what the code means. */
	readonly manufacturerSpecific: boolean;
	readonly values: ValueJson[];
	/** A DSMR buffer or profile: each entry under the code it is a value of, at the stamp that dates it. */
	readonly entries?: {
		obis: string;
		channel: string | null;
		text: string;
		unit?: string;
		time: string | null;
	}[];
}

export interface ValueJson {
	readonly text: string;
	readonly unit?: string;
	readonly trailer?: string;
	readonly number?: number;
	/** The meter's local time, `YYYY-MM-DDThh:mm:ss` (or the parts it has); `null` for an all-zero placeholder. */
	readonly time?: string | null;
	readonly season?: string;
	readonly parts?: {text: string; unit?: string}[];
}

export function readoutToJson(telegrams: readonly DecodedTelegram[], verbose: boolean): ReadoutJson {
	return {
		telegrams: telegrams.map((telegram) => ({
			identification: telegram.identification ?? null,
			framing: telegram.framing,
			check: {algorithm: telegram.check.algorithm, ok: telegram.check.ok},
			dataSets: dataSetsToJson(telegram.dataSets, verbose),
			malformed: telegram.malformed.map((error) => ({
				line: error.line,
				column: error.column,
				reason: error.reason,
				text: error.text,
			})),
		})),
	};
}

export function isHistory(set: DataSet): boolean {
	return set.obis !== undefined && !isCurrentValue(set.obis);
}

function dataSetsToJson(dataSets: readonly DataSet[], verbose: boolean): DataSetJson[] {
	const placeholderDates = resetDatePlaceholders(dataSets);
	return dataSets
		.filter((set) => verbose || !isHistory(set))
		.map((set) => dataSetToJson(set, placeholderDates));
}

function dataSetToJson(set: DataSet, placeholderDates: ReadonlySet<string>): DataSetJson {
	const buffer = dsmrBuffer(set);
	const entries = buffer?.entries.map((entry) => {
		const value = set.values[entry.valueIndex];
		const unit = entry.unit ?? value?.unit;
		const time = valueTime(set, entry.stampIndex);
		return {
			obis: reducedCode(entry.code),
			channel: channelOf(entry.code) ?? null,
			text: value?.text ?? '',
			...(unit === undefined ? {} : {unit}),
			time: time === undefined || time === NO_TIME ? null : isoLocal(time),
		};
	});
	return {
		address: set.address,
		key: set.key,
		obis: set.obis === undefined ? null : reducedCode(set.obis),
		channel: set.obis === undefined ? null : (channelOf(set.obis) ?? null),
		history: isHistory(set),
		manufacturerSpecific: set.obis !== undefined && isManufacturerSpecific(set.obis),
		values: set.values.map((value, index) => {
			const number = parseDecimal(value.text);
			// A reset stamp as billing reset times read it: `0.1.2(0000)` is midnight beside a real `0.1.3`
			// date, null beside a placeholder one.
			const time = shownValueTime(set, index, placeholderDates);
			return {
				text: value.text,
				...(value.unit === undefined ? {} : {unit: value.unit}),
				...(value.trailer === undefined ? {} : {trailer: value.trailer}),
				...(number === undefined || time !== undefined ? {} : {number}),
				...(time === undefined ? {} : {time: time === NO_TIME ? null : isoLocal(time)}),
				...(time === undefined || time === NO_TIME || time.season === undefined ? {} : {season: time.season}),
				...(value.parts === undefined
					? {}
					: {
							parts: value.parts.map((part) => ({
								text: part.text,
								...(part.unit === undefined ? {} : {unit: part.unit}),
							})),
						}),
			};
		}),
		...(entries === undefined ? {} : {entries}),
	};
}

function isoLocal(time: {
	year?: number;
	month?: number;
	day?: number;
	hour?: number;
	minute?: number;
	second?: number;
}): string {
	const pad = (value: number | undefined) => String(value ?? 0).padStart(2, '0');
	const date = time.month === undefined ? '' : `${time.year ?? '--'}-${pad(time.month)}-${pad(time.day)}`;
	const clock = time.hour === undefined ? '' : `${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}`;
	return date && clock ? `${date}T${clock}` : date || clock;
}
