import type {DataSet} from './data-set.ts';
import {type ObisCode, parseObisCode} from './obis-code.ts';

/** One value a DSMR buffer or profile holds: the register it is a value of, and where its parts stand. */
export interface BufferEntry {
	/** The code the buffer names for its entries (`1-0:1.6.0` in a `98.1.0` peak buffer). */
	readonly code: ObisCode;
	/** Index in the data set's values of the entry's value. */
	readonly valueIndex: number;
	/** Index of the stamp that dates the value (the last stamp of its entry). */
	readonly stampIndex: number;
	/** The unit when the profile sends it apart from the values (`(m3)` then `(13376.292)`). */
	readonly unit?: string;
	/** Minutes after the stamp: the n-th value of a profile with several is n intervals later. */
	readonly offsetMinutes: number;
}

/**
 * A DSMR data set whose first value describes the rest:
 * - `buffer`: a count, the code(s) of its entries, then the entries, each some stamps and a value, as
 *   the Belgian monthly peaks `0-0:98.1.0(2)(1-0:1.6.0)(1-0:1.6.0)(231101000000W)(231031120000W)(01.747*kW)…`
 *   (end of month, time of the peak, the peak) and the power failure log
 *   `1-0:99.97.0(3)(0-0:96.7.19)(000104180320W)(0000237126*s)…` (end of a failure, its length). These are
 *   history: the count is never a value.
 * - `profile`: DSMR 2.2/3 gas, `0-1:24.3.0(211123200000)(00)(60)(1)(0-1:24.2.1)(m3)` + `(13376.292)`:
 *   a stamp, two descriptor fields, the number of values, their code, their unit, then the values (the
 *   first at the stamp, each next one interval of the third field's minutes later). The current reading.
 * Sources: DSMR P1 Companion Standard 2.2 §6.12 / 5.0.2 §6.12 (profile generic buffers), the e-MUCS H
 * specification (Belgian `98.1.0`). Undefined for any other set.
 */
export function dsmrBuffer(set: DataSet): {kind: 'buffer' | 'profile'; entries: BufferEntry[]} | undefined {
	const values = set.values;
	if (values.length < 2) return undefined;
	const first = values[0];
	if (first === undefined || first.unit !== undefined) return undefined;
	if (/^\d{1,3}$/.test(first.text)) return buffer(set);
	if (/^\d{12}[SW]?$/.test(first.text) && values.length >= 6) return profile(set);
	return undefined;
}

function buffer(set: DataSet): {kind: 'buffer'; entries: BufferEntry[]} | undefined {
	const values = set.values;
	const count = Number(values[0]?.text);
	let codes = 0;
	let code: ObisCode | undefined;
	for (let index = 1; index < values.length; index++) {
		const named = namedCode(values[index]?.text ?? '');
		if (named === undefined) break;
		code = named;
		codes++;
	}
	if (code === undefined) return undefined;
	const rest = values.length - 1 - codes;
	if (count === 0) return rest === 0 ? {kind: 'buffer', entries: []} : undefined;
	if (rest % count !== 0 || rest / count < 2) return undefined;
	const width = rest / count;
	const entries: BufferEntry[] = [];
	for (let entry = 0; entry < count; entry++) {
		const valueIndex = 1 + codes + (entry + 1) * width - 1;
		entries.push({code, valueIndex, stampIndex: valueIndex - 1, offsetMinutes: 0});
	}
	return {kind: 'buffer', entries};
}

function profile(set: DataSet): {kind: 'profile'; entries: BufferEntry[]} | undefined {
	const values = set.values;
	const code = namedCode(values[4]?.text ?? '');
	const countText = values[3]?.text ?? '';
	const intervalText = values[2]?.text ?? '';
	const unit = values[5]?.text ?? '';
	if (code === undefined || !/^\d{1,3}$/.test(countText) || !/^\d{1,4}$/.test(intervalText)) return undefined;
	if (!/^[A-Za-z][A-Za-z0-9]*$/.test(unit)) return undefined;
	const count = Number(countText);
	// The values may be missing (a telegram cut after the descriptor): then there is nothing to write.
	const sent = Math.min(count, values.length - 6);
	const entries: BufferEntry[] = [];
	for (let entry = 0; entry < sent; entry++) {
		entries.push({
			code,
			valueIndex: 6 + entry,
			stampIndex: 0,
			unit,
			offsetMinutes: entry * Number(intervalText),
		});
	}
	return {kind: 'profile', entries};
}

/** A full `A-B:C.D.E` code as a buffer names its entries; undefined for anything else. */
function namedCode(text: string): ObisCode | undefined {
	if (!text.includes(':')) return undefined;
	return parseObisCode(text);
}
