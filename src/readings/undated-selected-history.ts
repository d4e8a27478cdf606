import type {DataSet} from '../iec62056/data-set.ts';
import type {ObisSelection} from './obis-selection.ts';
import {periodOfAddress, placeholderPeriods} from './placeholder-periods.ts';
import type {SkippedDataSet} from './point-mapper.ts';

/** A billing history value the selection names exactly, not written for want of a time. */
export interface UndatedSelectedHistory {
	/** The selection entry as written, e.g. `1.8.2*08`. */
	readonly code: string;
	/** The skipped data set's address, e.g. `1-1:3.8.2*08`. */
	readonly address: string;
	/** Its billing period, `*08` or `&08`. */
	readonly period: string;
}

/**
 * The `history-without-date` skips whose code the selection names exactly (not through a glob): the
 * user asked for that value, and a count among others ("1 billing history value … not written") would
 * not say which or why. History of a period whose reset stamp is a placeholder is left out: that
 * period has no data, which splitNoResetDate says. Empty without a selection or such a skip, so the
 * common readout costs one scan of `skipped`.
 */
export function undatedSelectedHistory(
	selection: ObisSelection | undefined,
	skipped: readonly (Pick<SkippedDataSet, 'reason'> & {readonly address?: string})[],
	dataSets: readonly DataSet[],
): UndatedSelectedHistory[] {
	if (selection === undefined) return [];
	const undated = new Set<string>();
	for (const entry of skipped) if (entry.reason === 'history-without-date') undated.add(entry.address ?? '');
	if (undated.size === 0) return [];
	let placeholders: Set<string> | undefined;
	const found: UndatedSelectedHistory[] = [];
	for (const set of dataSets) {
		if (!undated.has(set.address)) continue;
		const code = selection.namedExactly(set);
		const period = periodOfAddress(set.address);
		if (code === undefined || period === undefined) continue;
		placeholders ??= placeholderPeriods(dataSets);
		if (placeholders.has(period)) continue;
		found.push({code, address: set.address, period});
	}
	return found;
}

/** The skips left once the named ones are said on their own line. */
export function withoutNamed<T extends {readonly address?: string}>(
	skipped: readonly T[],
	named: readonly UndatedSelectedHistory[],
): readonly T[] {
	if (named.length === 0) return skipped;
	const addresses = new Set(named.map((entry) => entry.address));
	return skipped.filter((entry) => entry.address === undefined || !addresses.has(entry.address));
}

/**
 * `selected 1.8.2*08 is billing history without a date, not written: …`: why, and what in the
 * telegram would date it (docs/schema.md, Times). History is written at its own time only, never at
 * the readout time, where it would read as a current value.
 */
export function describeUndatedSelectedHistory(entries: readonly UndatedSelectedHistory[]): string {
	return entries
		.map(({code, period}) => {
			const n = period.slice(1);
			const resets = period.startsWith('&')
				? `a reset stamp 0.1.2&${n} or 0.1.3&${n}`
				: `a reset stamp 0.1.2*${n} or 0.1.3*${n}, or the counter 0.1.0(${n}) with 0.1.2/0.1.3,`;
			return (
				`selected ${code} is billing history without a date, not written: history is written only at its own time, ` +
				`never at the readout time, and the telegram has no reset time for period ${period} (${resets} would date it; see docs/schema.md)`
			);
		})
		.join('; ');
}
