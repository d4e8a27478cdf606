import type {DataSet} from '../iec62056/data-set.ts';
import {plural} from '../observability/plural.ts';
import {periodOfAddress, placeholderPeriods} from '../readings/placeholder-periods.ts';
import type {SkippedDataSet} from '../readings/point-mapper.ts';

/**
 * The mapper's `history-without-date` skips split: those of a period whose reset stamp is a placeholder
 * have `no reset date` (a period without data), the others really lack any date.
 */
export function splitNoResetDate<T extends Pick<SkippedDataSet, 'reason'> & {readonly address?: string}>(
	skipped: readonly T[],
	dataSets: readonly DataSet[],
): {readonly rest: readonly T[]; readonly noResetDate: number} {
	if (!skipped.some((entry) => entry.reason === 'history-without-date'))
		return {rest: skipped, noResetDate: 0};
	const placeholders = placeholderPeriods(dataSets);
	if (placeholders.size === 0) return {rest: skipped, noResetDate: 0};
	const rest: T[] = [];
	let noResetDate = 0;
	for (const entry of skipped) {
		const period =
			entry.reason === 'history-without-date' && entry.address !== undefined
				? periodOfAddress(entry.address)
				: undefined;
		if (period !== undefined && placeholders.has(period)) noResetDate++;
		else rest.push(entry);
	}
	return {rest, noResetDate};
}

/** `30 billing history values with no reset date not written (…)`; empty for none. */
export function describeNoResetDate(count: number): string {
	if (count === 0) return '';
	return `${plural(count, 'billing history value')} with no reset date not written (the reset stamp of ${count === 1 ? 'its' : 'their'} billing period is a placeholder such as 0000000000: no data for that period)`;
}
